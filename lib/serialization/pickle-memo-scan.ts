/**
 * Which memo entries a pickle reads back, found by one pass over its opcodes that builds nothing.
 *
 * Python's pickler memoizes nearly every object it writes, but a checkpoint reads back only the few that are shared
 * (a storage class, 'cpu', a dtype). An unpickler that keeps every memoized object keeps every tuple, dict and
 * string of the file alive until the end, so V8's young-generation collections copy all of them, twice, and then
 * the old generation collects them: most of the time spent loading a checkpoint of many small tensors. Keeping only
 * what is read back lets the rest die young.
 */

/** How an opcode's argument is laid out in the stream. */
const enum Arg {
  None,
  Fixed1,
  Fixed2,
  Fixed4,
  Fixed8,
  Len1,
  Len4,
  Len8,
  Line,
  TwoLines,
}

/** Argument layouts of the opcodes of protocols 0–5 (CPython's pickletools), indexed by opcode. */
const ARGS: (Arg | undefined)[] = [];
const layout: [string, Arg][] = [
  ['(.012N\x88\x89)t\x85\x86\x87]lae}dsu\x8f\x90\x91R\x81\x92bo' + 'Q\x93\x94\x97\x98', Arg.None],
  ['\x80qhK\x82', Arg.Fixed1],
  ['M\x83', Arg.Fixed2],
  ['Jrj\x84', Arg.Fixed4],
  ['\x95G', Arg.Fixed8],
  ['\x8cCU\x8a', Arg.Len1],
  ['XBT\x8b', Arg.Len4],
  ['\x8d\x8e\x96', Arg.Len8],
  ['ILFSVPpg', Arg.Line],
  ['ci', Arg.TwoLines],
];
for (const [ops, arg] of layout) for (const op of ops) ARGS[op.charCodeAt(0)] = arg;

const GET = 0x67;
const BINGET = 0x68;
const LONG_BINGET = 0x6a;
const PUT = 0x70;
const BINPUT = 0x71;
const LONG_BINPUT = 0x72;
const MEMOIZE = 0x94;
const STOP = 0x2e;

/**
 * The memo indices that GET, BINGET and LONG_BINGET read in the pickle at `start`; null when the pickle cannot be
 * scanned (truncated, an unknown opcode, or explicit PUTs mixed with MEMOIZE, whose index depends on how many
 * distinct entries exist), in which case the unpickler keeps every entry and reports any error itself.
 */
export function memoReads(buf: Buffer, start: number): Set<number> | null {
  const reads = new Set<number>();
  let explicitPuts = false;
  let memoizes = false;
  let p = start;
  const end = buf.length;
  while (p < end) {
    const op = buf[p++];
    const arg = ARGS[op];
    if (op === STOP) return explicitPuts && memoizes ? null : reads;
    if (op === MEMOIZE) memoizes = true;
    else if (op === BINPUT || op === LONG_BINPUT || op === PUT) explicitPuts = true;
    else if (op === BINGET && p < end) reads.add(buf[p]);
    else if (op === LONG_BINGET && p + 4 <= end) reads.add(buf.readUInt32LE(p));
    switch (arg) {
      case Arg.None:
        break;
      case Arg.Fixed1:
        p += 1;
        break;
      case Arg.Fixed2:
        p += 2;
        break;
      case Arg.Fixed4:
        p += 4;
        break;
      case Arg.Fixed8:
        p += 8;
        break;
      case Arg.Len1:
        if (p >= end) return null;
        p += 1 + buf[p];
        break;
      case Arg.Len4: {
        if (p + 4 > end) return null;
        const n = buf.readInt32LE(p);
        if (n < 0) return null;
        p += 4 + n;
        break;
      }
      case Arg.Len8: {
        if (p + 8 > end) return null;
        const n = buf.readBigUInt64LE(p);
        if (n > BigInt(end - p)) return null;
        p += 8 + Number(n);
        break;
      }
      case Arg.Line:
      case Arg.TwoLines: {
        const nl = buf.indexOf(0x0a, p);
        if (nl < 0) return null;
        if (op === GET) {
          const text = buf.toString('latin1', p, nl);
          if (!/^\d+$/.test(text)) return null;
          reads.add(Number(text));
        }
        p = nl + 1;
        if (arg === Arg.TwoLines) {
          const nl2 = buf.indexOf(0x0a, p);
          if (nl2 < 0) return null;
          p = nl2 + 1;
        }
        break;
      }
      default:
        return null;
    }
  }
  return null;
}
