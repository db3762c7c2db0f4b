/**
 * Just enough pickle for the fuzzer: the argument layout of every opcode of protocols 0–5 (as CPython's pickletools
 * documents them), a walker that splits a well-formed pickle into its instructions, and encoders for the instructions
 * the mutators insert (hostile integers, memo indexes, lengths, globals). The loader's own unpickler is never used
 * here: the fuzzer must not share the reader's idea of what a pickle is.
 */

/** How an opcode's argument is laid out. */
type ArgKind =
  | { fixed: number } // that many bytes (0: none)
  | { prefix: 1 | 4 | 8 } // a little-endian length of that width, then that many bytes
  | { lines: 1 | 2 }; // newline-terminated text lines

const NONE = { fixed: 0 };
const LAYOUT = new Map<number, ArgKind>();
function define(codes: string | number[], kind: ArgKind): void {
  for (const c of typeof codes === 'string' ? [...codes].map((ch) => ch.charCodeAt(0)) : codes) LAYOUT.set(c, kind);
}
// Protocol 0 and 1.
define('(.012NQRabd}el]ost)u', NONE);
define('FILPSVgp', { lines: 1 });
define('ci', { lines: 2 });
define('K', { fixed: 1 });
define('M', { fixed: 2 });
define('J', { fixed: 4 });
define('G', { fixed: 8 });
define('hq', { fixed: 1 });
define('jr', { fixed: 4 });
define('TX', { prefix: 4 });
define('U', { prefix: 1 });
// Protocol 2.
define([0x80, 0x82], { fixed: 1 }); // PROTO, EXT1
define([0x83], { fixed: 2 }); // EXT2
define([0x84], { fixed: 4 }); // EXT4
define([0x81, 0x85, 0x86, 0x87, 0x88, 0x89], NONE);
define([0x8a], { prefix: 1 }); // LONG1
define([0x8b], { prefix: 4 }); // LONG4
// Protocol 3.
define('B', { prefix: 4 });
define('C', { prefix: 1 });
// Protocol 4 and 5.
define([0x8c], { prefix: 1 }); // SHORT_BINUNICODE
define([0x8d, 0x8e, 0x96], { prefix: 8 }); // BINUNICODE8, BINBYTES8, BYTEARRAY8
define([0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x97, 0x98], NONE);
define([0x95], { fixed: 8 }); // FRAME

/** Every opcode of protocols 0–5. */
export const OPCODES: readonly number[] = [...LAYOUT.keys()];

/** One instruction of a pickle: its opcode at `pos`, its argument at [argStart, end). */
export interface Op {
  code: number;
  pos: number;
  argStart: number;
  end: number;
}

/** Where a length-prefixed op keeps its length field: [offset, width]. */
export function lengthField(op: Op): [number, number] | null {
  const kind = LAYOUT.get(op.code);
  return kind && 'prefix' in kind ? [op.argStart, kind.prefix] : null;
}

/**
 * The instructions of the pickle starting at `start`, up to and including its STOP; null when the bytes are not a
 * complete pickle (the seeds are well formed, so this only happens for data that is not a pickle at all).
 */
export function pickleOps(buf: Buffer, start: number): Op[] | null {
  const ops: Op[] = [];
  let p = start;
  while (p < buf.length) {
    const code = buf[p];
    const kind = LAYOUT.get(code);
    if (!kind) return null;
    let end = p + 1;
    if ('fixed' in kind) end += kind.fixed;
    else if ('prefix' in kind) {
      if (end + kind.prefix > buf.length) return null;
      const n =
        kind.prefix === 1 ? buf[end] : kind.prefix === 4 ? buf.readUInt32LE(end) : Number(buf.readBigUInt64LE(end));
      end += kind.prefix + n;
    } else {
      for (let l = 0; l < kind.lines; l++) {
        const nl = buf.indexOf(0x0a, end);
        if (nl < 0) return null;
        end = nl + 1;
      }
    }
    if (end > buf.length) return null;
    ops.push({ code, pos: p, argStart: p + 1, end });
    p = end;
    if (code === 0x2e) return ops;
  }
  return null;
}

const u8 = (n: number): Buffer => Buffer.from([n & 0xff]);
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function u64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, n));
  return b;
}

/** A Python int as the smallest of BININT1, BININT2, BININT or LONG1, as CPython's pickler chooses. */
export function intOp(v: bigint): Buffer {
  if (v >= 0n && v < 256n) return Buffer.from([0x4b, Number(v)]);
  if (v >= 0n && v < 65536n) return Buffer.from([0x4d, Number(v) & 0xff, Number(v) >> 8]);
  if (v >= -(2n ** 31n) && v < 2n ** 31n) return Buffer.concat([u8(0x4a), u32(Number(v))]);
  // Two's complement, little-endian, in the fewest bytes that keep the sign.
  let n = 1;
  while (v < -(1n << BigInt(8 * n - 1)) || v >= 1n << BigInt(8 * n - 1)) n++;
  const bytes = Array.from({ length: n }, (_, i) => Number(BigInt.asUintN(8, v >> BigInt(8 * i))));
  return Buffer.concat([Buffer.from([0x8a, bytes.length]), Buffer.from(bytes)]);
}

/** A str as BINUNICODE. */
export function strOp(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([u8(0x58), u32(b.length), b]);
}

/** GLOBAL module.name. */
export function globalOp(module: string, name: string): Buffer {
  return Buffer.from(`c${module}\n${name}\n`, 'latin1');
}

/** A memo get or put with the index in the narrowest form that holds it, or deliberately the wide one. */
export function memoOp(kind: 'get' | 'put', index: number, wide: boolean): Buffer {
  if (!wide && index >= 0 && index < 256) return Buffer.from([kind === 'get' ? 0x68 : 0x71, index]);
  return Buffer.concat([u8(kind === 'get' ? 0x6a : 0x72), u32(index)]);
}

/**
 * A length-prefixed op that claims `claimed` bytes but carries only `carried` (the lie the reader must catch before
 * it allocates or reads anything).
 */
export function lyingLengthOp(code: number, claimed: bigint, carried: Buffer): Buffer {
  const kind = LAYOUT.get(code);
  if (!kind || !('prefix' in kind)) throw new Error(`opcode 0x${code.toString(16)} has no length`);
  const len = kind.prefix === 1 ? u8(Number(claimed)) : kind.prefix === 4 ? u32(Number(claimed)) : u64(claimed);
  return Buffer.concat([u8(code), len, carried]);
}

/** Opcodes whose length field the mutators lie about. */
export const LENGTH_OPCODES: readonly number[] = OPCODES.filter((c) => {
  const k = LAYOUT.get(c);
  return k !== undefined && 'prefix' in k;
});

/** Opcodes that carry an integer literal. */
export const INT_OPCODES: ReadonlySet<number> = new Set([0x4b, 0x4d, 0x4a, 0x8a, 0x8b, 0x49, 0x4c]);
/** Opcodes that carry a memo index. */
export const MEMO_OPCODES: ReadonlySet<number> = new Set([0x68, 0x6a, 0x71, 0x72, 0x67, 0x70]);
/** Opcodes that carry a string (text or bytes) worth replacing. */
export const STRING_OPCODES: ReadonlySet<number> = new Set([0x58, 0x8c, 0x8d, 0x55, 0x54, 0x56, 0x53, 0x63]);

/** The bytes of an op with a different argument (same opcode), for int, memo and string opcodes. */
export function withArgument(code: number, arg: bigint | number | string): Buffer {
  if (typeof arg === 'string') {
    if (code === 0x63) {
      const [m, n] = arg.split(' ');
      return globalOp(m, n ?? '');
    }
    return strOp(arg);
  }
  if (MEMO_OPCODES.has(code))
    return memoOp(
      code === 0x68 || code === 0x6a || code === 0x67 ? 'get' : 'put',
      Number(arg),
      code === 0x6a || code === 0x72,
    );
  return intOp(BigInt(arg));
}
