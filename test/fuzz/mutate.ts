/**
 * Mutations: each takes a seed and the case's Rng and returns damaged bytes with a label saying what was done.
 * Structure-aware mutations change one thing a hostile file can lie about (a pickle instruction, an integer that is a
 * size, stride, offset or numel, a memo index, a length, a global, a zip offset or size, a zip64 field, a record)
 * and keep the rest valid, so that the damage reaches deep into the reader; byte-level ones (flips, cuts, splices)
 * then add noise.
 */
import type { LoadOptions } from '../../lib';
import {
  globalOp,
  INT_OPCODES,
  intOp,
  LENGTH_OPCODES,
  lengthField,
  lyingLengthOp,
  MEMO_OPCODES,
  memoOp,
  Op,
  OPCODES,
  pickleOps,
  STRING_OPCODES,
  strOp,
  withArgument,
} from './pickle-ops';
import { Rng } from './rng';
import type { Seed } from './seeds';
import { buildZip, Field } from './zip-layout';

/** One fuzz case: the bytes to load, the options to load them with, and what was done (for the report). */
export interface Mutant {
  bytes: Buffer;
  options: LoadOptions;
  label: string;
}

/** Integers that break sizes, strides, offsets, numels and counts. */
const HOSTILE_INTS: readonly bigint[] = [
  0n,
  1n,
  -1n,
  2n,
  3n,
  7n,
  255n,
  256n,
  65535n,
  2n ** 31n - 1n,
  -(2n ** 31n),
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n,
  2n ** 53n + 1n,
  2n ** 62n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  2n ** 64n,
  10n ** 30n,
  -(10n ** 30n),
];

/** Strings that change what a pickle means: storage types, locations, keys, record names. */
const STRINGS: readonly string[] = [
  'storage',
  'FloatStorage',
  'HalfStorage',
  'LongStorage',
  'QInt8Storage',
  'UntypedStorage',
  'cpu',
  'cuda',
  'cuda:0',
  'cuda:99',
  'mps',
  'meta',
  'xla:0',
  '0',
  '1',
  '99',
  '',
  '../../../etc/passwd',
  'data.pkl',
  'version',
  '_metadata',
  'weight',
  '\u0000',
  '\ud800',
  'x'.repeat(5000),
];

/** Globals: code a hostile file would like run, and everything the reader gives meaning to. */
const GLOBALS: readonly string[] = [
  'os system',
  'posix system',
  'nt system',
  'builtins eval',
  'builtins exec',
  '__builtin__ eval',
  'builtins getattr',
  'subprocess Popen',
  'sys modules',
  'torch._utils _rebuild_tensor',
  'torch._utils _rebuild_tensor_v2',
  'torch._utils _rebuild_tensor_v3',
  'torch._utils _rebuild_parameter',
  'torch._utils _rebuild_parameter_with_state',
  'torch._utils _rebuild_qtensor',
  'torch._utils _rebuild_sparse_tensor',
  'torch FloatStorage',
  'torch UntypedStorage',
  'torch storage',
  'torch Size',
  'torch device',
  'torch float32',
  'torch per_tensor_affine',
  'torch.nn.parameter Parameter',
  'torch.nn.modules.conv Conv2d',
  'torch.nn.modules.linear Linear',
  'torch.nn.modules.container Sequential',
  '__main__ LeNet2',
  'collections OrderedDict',
  'collections defaultdict',
  'collections Counter',
  'builtins set',
  'builtins frozenset',
  'builtins bytearray',
  'builtins complex',
  'copy_reg _reconstructor',
  'copyreg _reconstructor',
  'functools partial',
  'argparse Namespace',
  'datetime datetime',
  'numpy.core.multiarray _reconstruct',
  'numpy.core.multiarray scalar',
  'numpy dtype',
  'numpy ndarray',
  '_codecs encode',
  'torch.serialization _get_layout',
  'torch._tensor _rebuild_from_type_v2',
  'no.such module',
];

function hostileInt(rng: Rng): bigint {
  if (rng.chance(0.2)) return BigInt(rng.between(-4, 100));
  return rng.pick(HOSTILE_INTS);
}

/** A random well-formed instruction (or a short run of them) to insert into a pickle. */
function randomInstruction(rng: Rng): Buffer {
  switch (rng.int(12)) {
    case 0:
      return Buffer.from([rng.pick(OPCODES)]);
    case 1:
      return intOp(hostileInt(rng));
    case 2:
      return memoOp(rng.chance(0.5) ? 'get' : 'put', Number(BigInt.asUintN(32, hostileInt(rng))), rng.chance(0.5));
    case 3:
      return strOp(rng.pick(STRINGS));
    case 4: {
      const [m, n] = rng.pick(GLOBALS).split(' ');
      return globalOp(m, n);
    }
    case 5:
      return lyingLengthOp(rng.pick(LENGTH_OPCODES), BigInt.asUintN(32, hostileInt(rng)), rng.bytes(rng.int(8)));
    case 6:
      return Buffer.from([0x80, rng.int(8)]); // PROTO, sometimes above 5
    case 7:
      return Buffer.from(
        rng.pick(['I01\n', 'I00\n', 'L123L\n', `I${'9'.repeat(5000)}\n`, 'Fnan\n', 'F1e999\n', 'Ix\n']),
        'latin1',
      );
    case 8: {
      const b = Buffer.alloc(9);
      b[0] = 0x47; // BINFLOAT
      b.writeDoubleBE(rng.pick([NaN, Infinity, -0, 1e308, 5e-324, 1.5]), 1);
      return b;
    }
    case 9:
      return Buffer.from(rng.pick(['(', ']', '}', ')', '(t', '(l', '(d']).repeat(rng.between(1, 20000)), 'latin1');
    case 10:
      return Buffer.from([rng.pick([0x82, 0x83, 0x84]), 0xff, 0xff, 0xff, 0xff].slice(0, 1 + rng.int(5))); // EXTn
    default:
      return Buffer.from(rng.pick(['Pfoo\n', 'Q', 'R', 'b', 's', 'u', 'e', 'a', 'o', '0', '1', '2', '.']), 'latin1');
  }
}

/** Replaces `ops[i]`'s bytes by `by` (or inserts `by` before it with `insert`). */
function splice(data: Buffer, op: Op, by: Buffer, insert = false): Buffer {
  return Buffer.concat([data.subarray(0, op.pos), by, data.subarray(insert ? op.pos : op.end)]);
}

/** One change to a pickle's instructions; returns the new pickle and what was done. */
function mutatePickle(data: Buffer, rng: Rng): [Buffer, string] | null {
  const ops = pickleOps(data, 0);
  if (!ops || ops.length === 0) return null;
  const of = (set: ReadonlySet<number> | readonly number[]): Op[] =>
    ops.filter((o) => (Array.isArray(set) ? set.includes(o.code) : (set as ReadonlySet<number>).has(o.code)));
  const any = rng.pick(ops);
  switch (rng.int(9)) {
    case 0:
      return [splice(data, any, Buffer.alloc(0)), `delete op 0x${any.code.toString(16)} at ${any.pos}`];
    case 1: {
      const ins = randomInstruction(rng);
      return [splice(data, any, ins, true), `insert ${ins.subarray(0, 12).toString('hex')} at ${any.pos}`];
    }
    case 2:
      return [splice(data, any, data.subarray(any.pos, any.end), true), `duplicate op at ${any.pos}`];
    case 3: {
      const ints = of(INT_OPCODES);
      if (!ints.length) return null;
      const op = rng.pick(ints);
      const v = hostileInt(rng);
      return [splice(data, op, withArgument(op.code, v)), `int at ${op.pos} := ${v}`];
    }
    case 4: {
      const memos = of(MEMO_OPCODES);
      if (!memos.length) return null;
      const op = rng.pick(memos);
      const v = rng.chance(0.5) ? rng.int(ops.length) : Number(BigInt.asUintN(32, hostileInt(rng)));
      return [splice(data, op, withArgument(op.code, v)), `memo index at ${op.pos} := ${v}`];
    }
    case 5: {
      const strings = of(STRING_OPCODES);
      if (!strings.length) return null;
      const op = rng.pick(strings);
      const s = op.code === 0x63 ? rng.pick(GLOBALS) : rng.pick(STRINGS);
      return [splice(data, op, withArgument(op.code, s)), `string at ${op.pos} := ${JSON.stringify(s.slice(0, 40))}`];
    }
    case 6: {
      const lengths = ops.filter((o) => lengthField(o) !== null);
      if (!lengths.length) return null;
      const op = rng.pick(lengths);
      const [at, width] = lengthField(op) as [number, number];
      const out = Buffer.from(data);
      const v = BigInt.asUintN(
        width * 8,
        rng.chance(0.5) ? hostileInt(rng) : BigInt(rng.between(-3, 3)) + readUint(out, at, width),
      );
      writeUint(out, at, width, v);
      return [out, `length at ${at} := ${v}`];
    }
    case 7: {
      const i = rng.int(ops.length - 1);
      const [a, b] = [ops[i], ops[i + 1]];
      return [
        Buffer.concat([
          data.subarray(0, a.pos),
          data.subarray(b.pos, b.end),
          data.subarray(a.pos, a.end),
          data.subarray(b.end),
        ]),
        `swap ops at ${a.pos}`,
      ];
    }
    default: {
      const n = rng.pick([10, 1000, 3000, 100_000]);
      const open = rng.pick(['(', ']', '}', ')']);
      return [splice(data, any, Buffer.from(open.repeat(n), 'latin1'), true), `nest ${n} × ${open} at ${any.pos}`];
    }
  }
}

function readUint(b: Buffer, at: number, width: number): bigint {
  if (width === 1) return BigInt(b[at]);
  if (width === 2) return BigInt(b.readUInt16LE(at));
  if (width === 4) return BigInt(b.readUInt32LE(at));
  return b.readBigUInt64LE(at);
}

function writeUint(b: Buffer, at: number, width: number, v: bigint): void {
  const x = BigInt.asUintN(width * 8, v);
  if (width === 1) b[at] = Number(x);
  else if (width === 2) b.writeUInt16LE(Number(x), at);
  else if (width === 4) b.writeUInt32LE(Number(x), at);
  else b.writeBigUInt64LE(x, at);
}

/** A lie for a numeric field of the container. */
function forgedValue(seed: Seed, f: Field, rng: Rng, fields: readonly Field[]): bigint {
  const max = 2n ** BigInt(f.width * 8) - 1n;
  const current = readUint(seed.bytes, f.pos, f.width);
  switch (rng.int(7)) {
    case 0:
      return rng.pick([0n, 1n, max, max - 1n, 0xffffn, 0xffffffffn]);
    case 1:
      return current + BigInt(rng.between(-70, 70));
    case 2:
      return BigInt(seed.bytes.length + rng.between(-64, 64));
    case 3: {
      // Another field's value: an offset that points at another record, a size that belongs elsewhere.
      const other = rng.pick(fields);
      return readUint(seed.bytes, other.pos, other.width);
    }
    case 4:
      return BigInt(rng.pick(seed.boundaries));
    case 5:
      return current * 2n + 1n;
    default:
      return BigInt.asUintN(f.width * 8, hostileInt(rng));
  }
}

/** One lie in the zip container (fields, overlaps, zip64 values) or in its records. */
function mutateZip(seed: Seed, rng: Rng): [Buffer, string] {
  const zip = seed.zip!;
  const choice = rng.int(10);
  if (choice < 5) {
    const pool = rng.chance(0.3) ? zip.fields.filter((f) => /zip64|locator|eocd/.test(f.what)) : zip.fields;
    const fields = pool.length ? pool : zip.fields;
    const out = Buffer.from(seed.bytes);
    const n = rng.chance(0.8) ? 1 : rng.between(2, 4);
    const done: string[] = [];
    for (let k = 0; k < n; k++) {
      const f = rng.pick(fields);
      const v = forgedValue(seed, f, rng, zip.fields);
      writeUint(out, f.pos, f.width, v);
      done.push(`${f.what} := ${v}`);
    }
    return [out, done.join(', ')];
  }
  if (choice === 5 && zip.entries.length > 1) {
    // Overlapping records: an entry's local header offset set to another's, in its central header.
    const out = Buffer.from(seed.bytes);
    const [i, j] = [rng.int(zip.entries.length), rng.int(zip.entries.length)];
    out.writeUInt32LE(zip.entries[j].local, zip.entries[i].central + 42);
    return [out, `entry ${i} points at entry ${j}'s header`];
  }
  if (choice === 6 && zip.entries.length > 1) {
    // A record whose size reaches into the next one, in both headers.
    const out = Buffer.from(seed.bytes);
    const i = rng.int(zip.entries.length);
    const e = zip.entries[i];
    const size = e.dataEnd - e.dataStart + rng.between(1, 200);
    for (const at of [e.central + 20, e.central + 24]) out.writeUInt32LE(size, at);
    return [out, `entry ${i} size := ${size} (overlaps the next)`];
  }
  if (choice === 7) {
    // A duplicated central entry (the count and sizes follow, so only the duplicate is wrong).
    const e = rng.pick(zip.entries);
    const entry = seed.bytes.subarray(e.central, e.centralEnd);
    const out = Buffer.concat([seed.bytes.subarray(0, e.centralEnd), entry, seed.bytes.subarray(e.centralEnd)]);
    const shift = (f: string, by: number): void => {
      const field = zip.fields.find((x) => x.what === f);
      if (!field) return;
      const at = field.pos >= e.centralEnd ? field.pos + entry.length : field.pos;
      writeUint(out, at, field.width, readUint(out, at, field.width) + BigInt(by));
    };
    shift('eocd entries', 1);
    shift('eocd entries on disk', 1);
    shift('eocd central size', entry.length);
    shift('zip64 end entries', 1);
    shift('zip64 end entries on disk', 1);
    shift('zip64 end central size', entry.length);
    shift('locator zip64 end offset', entry.length);
    return [out, `central entry at ${e.central} duplicated`];
  }
  return mutateRecords(seed, rng);
}

/** The archive rebuilt with one record dropped, duplicated, cut, grown, renamed or swapped. */
function mutateRecords(seed: Seed, rng: Rng): [Buffer, string] {
  const records = seed.records.map((r) => ({ ...r }));
  const i = rng.int(records.length);
  const r = records[i];
  let what: string;
  switch (rng.int(6)) {
    case 0:
      records.splice(i, 1);
      what = 'dropped';
      break;
    case 1:
      records.splice(i, 0, { name: r.name, data: rng.chance(0.5) ? r.data : rng.bytes(16) });
      what = 'duplicated';
      break;
    case 2:
      r.data = r.data.subarray(0, rng.int(r.data.length + 1));
      what = `cut to ${r.data.length} bytes`;
      break;
    case 3:
      r.data = Buffer.concat([r.data, rng.bytes(rng.between(1, 64))]);
      what = `grown to ${r.data.length} bytes`;
      break;
    case 4:
      r.name = rng.pick([
        `${r.name}x`,
        r.name.replace(/[^/]+$/, rng.pick(STRINGS)),
        r.name.replace(/^[^/]*/, 'other'),
        r.name.toUpperCase(),
      ]);
      what = `renamed ${r.name}`;
      break;
    default: {
      const j = rng.int(records.length);
      [r.data, records[j].data] = [records[j].data, r.data];
      what = `data swapped with record ${j}`;
    }
  }
  return [buildZip(records), `record ${seed.records[i].name} ${what}`];
}

/** Noise on any bytes: flipped bits, a cut, inserted, deleted or repeated bytes, a hostile integer written over. */
function mutateBytes(bytes: Buffer, rng: Rng, boundaries: readonly number[]): [Buffer, string] {
  const n = bytes.length;
  const at = n > 0 ? rng.int(n) : 0;
  switch (rng.int(6)) {
    case 0: {
      const out = Buffer.from(bytes);
      const flips = rng.between(1, 8);
      for (let k = 0; k < flips && n > 0; k++) out[rng.int(n)] ^= 1 << rng.int(8);
      return [out, `${flips} bits flipped`];
    }
    case 1: {
      const cut = rng.chance(0.5) && boundaries.length ? Math.max(0, rng.pick(boundaries) + rng.between(-2, 2)) : at;
      return [bytes.subarray(0, cut), `cut at ${cut}`];
    }
    case 2: {
      const ins = rng.bytes(rng.between(1, 64));
      return [Buffer.concat([bytes.subarray(0, at), ins, bytes.subarray(at)]), `${ins.length} bytes inserted at ${at}`];
    }
    case 3: {
      const len = rng.between(1, 256);
      return [Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + len)]), `${len} bytes deleted at ${at}`];
    }
    case 4: {
      const len = rng.between(1, 512);
      return [Buffer.concat([bytes.subarray(0, at + len), bytes.subarray(at)]), `${len} bytes repeated at ${at}`];
    }
    default: {
      const out = Buffer.from(bytes);
      const width = rng.pick([2, 4, 8]);
      if (at + width > n) return [out, 'nothing'];
      const v = BigInt.asUintN(width * 8, hostileInt(rng));
      writeUint(out, at, width, v);
      return [out, `u${width * 8} ${v} written at ${at}`];
    }
  }
}

/** A legacy file with one of its pickles changed, or a storage's element count forged. */
function mutateLegacy(seed: Seed, rng: Rng): [Buffer, string] | null {
  if (seed.payloadCounts.length && rng.chance(0.2)) {
    const out = Buffer.from(seed.bytes);
    const at = rng.pick(seed.payloadCounts);
    const v = rng.chance(0.5) ? hostileInt(rng) : out.readBigInt64LE(at) + BigInt(rng.between(-2, 2));
    out.writeBigUInt64LE(BigInt.asUintN(64, v), at);
    return [out, `storage count at ${at} := ${v}`];
  }
  // Mostly the object pickle (the 4th), sometimes a header pickle or the storage keys.
  const k = rng.chance(0.7) && seed.pickleSpans.length > 3 ? 3 : rng.int(seed.pickleSpans.length);
  const [start, end] = seed.pickleSpans[k];
  const changed = mutatePickle(seed.bytes.subarray(start, end), rng);
  if (!changed) return null;
  return [
    Buffer.concat([seed.bytes.subarray(0, start), changed[0], seed.bytes.subarray(end)]),
    `pickle ${k}: ${changed[1]}`,
  ];
}

/** Load options for a case: mostly as the seed needs, sometimes weightsOnly, CRC checks or a low depth limit. */
function optionsFor(seed: Seed, rng: Rng): LoadOptions {
  const o: LoadOptions = { ...seed.options };
  if (rng.chance(0.25)) o.weightsOnly = true;
  if (rng.chance(0.1)) o.checkCrc = true;
  if (rng.chance(0.05)) o.maxDepth = rng.between(1, 20);
  if (rng.chance(0.1)) delete o.mapLocation;
  return o;
}

/** A random mutant of a random seed: one structure-aware change (when the seed has structure), then maybe noise. */
export function randomMutant(seeds: readonly Seed[], rng: Rng): Mutant {
  // The megabyte-sized seeds (10^6-deep nesting) take up to a second each to refuse: one case in 2000.
  const huge = seeds.filter((s) => s.huge);
  const seed = huge.length && rng.chance(1 / 2000) ? rng.pick(huge) : rng.pick(seeds.filter((s) => !s.huge));
  const labels: string[] = [];
  let bytes = seed.bytes;
  let structured: [Buffer, string] | null = null;
  const way = rng.int(10);
  if (!seed.huge && way < 4 && seed.pickleRecords.length) {
    const i = rng.pick(seed.pickleRecords);
    const changed = mutatePickle(seed.records[i].data, rng);
    if (changed) {
      const records = seed.records.map((r, k) => (k === i ? { name: r.name, data: changed[0] } : r));
      structured = [buildZip(records), `${seed.records[i].name}: ${changed[1]}`];
    }
  } else if (!seed.huge && way < 4 && seed.pickleSpans.length) {
    structured = mutateLegacy(seed, rng);
  } else if (way < 7 && seed.zip) {
    structured = mutateZip(seed, rng);
  }
  if (structured) {
    [bytes] = structured;
    labels.push(structured[1]);
  }
  const noise = structured ? (rng.chance(0.25) ? 1 : 0) : rng.between(1, 3);
  for (let k = 0; k < noise; k++) {
    const [b, what] = mutateBytes(bytes, rng, seed.boundaries);
    bytes = b;
    labels.push(what);
  }
  return { bytes, options: optionsFor(seed, rng), label: `${seed.name}: ${labels.join('; ')}` };
}

/** The systematic cases: every fixture cut at every boundary of its structure (random cases cut near them too). */
export function truncations(seeds: readonly Seed[]): { seed: Seed; at: number }[] {
  return seeds
    .filter((s) => s.fixture)
    .flatMap((seed) => seed.boundaries.filter((b) => b < seed.bytes.length).map((at) => ({ seed, at })));
}
