/**
 * The Python callables (other than tensor rebuilds) that checkpoints REDUCE, done as data: containers, bytes,
 * complex, torch.Size, torch.device, numpy scalars and arrays, and TorchScript's list tags. Nothing here runs Python
 * code; each entry builds the JS stand-in of design.md's value table.
 */
import { Complex } from '../dtype';
import { Device } from '../device';
import type { Where } from './load-errors';
import { NumpyArray, NumpyScalar } from './numpy';
import { ByteArray, Float, FrozenSet, isMarkedFloat, OrderedDict, PyGlobal, Size, Tuple } from './python';
import { describeValue } from './unpickler';
import { badValue, intArg } from './pickle-args';

type Call = (args: Tuple, fn: PyGlobal, where: Where) => unknown;

/** Python's str.encode for the codecs pickles use (protocol 2 writes bytes as `_codecs.encode(str, 'latin1')`). */
function encode(s: unknown, encoding: unknown, where: Where): Buffer {
  if (typeof s !== 'string') return badValue('encode() argument must be str', where);
  const enc = describeValue(encoding ?? 'utf-8')
    .toLowerCase()
    .replace(/_/g, '-');
  if (['latin1', 'latin-1', 'iso-8859-1', 'iso8859-1', 'l1'].includes(enc)) {
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 0xff) badValue("'latin-1' codec can't encode a character above U+00FF", where);
    }
    return Buffer.from(s, 'latin1');
  }
  if (enc === 'utf-8' || enc === 'utf8') return Buffer.from(s, 'utf8');
  if (enc === 'ascii') {
    if (/[^\x00-\x7f]/.test(s)) badValue("'ascii' codec can't encode a character above U+007F", where);
    return Buffer.from(s, 'latin1');
  }
  return badValue(`unknown encoding: ${enc}`, where);
}

/** bytes(...) / bytearray(...) arguments: nothing, a list of ints, bytes, or (str, encoding). */
function bytesOf(args: Tuple, where: Where): Buffer {
  if (args.length === 0) return Buffer.alloc(0);
  const [v, enc] = args;
  if (typeof v === 'string') return encode(v, enc, where);
  if (Buffer.isBuffer(v)) return Buffer.from(v);
  if (v instanceof ByteArray) return Buffer.from(v.bytes);
  if (Array.isArray(v)) {
    return Buffer.from(
      v.map((x, i) => {
        const b = intArg(x, `bytes item ${i}`, where);
        if (b < 0 || b > 255) badValue('bytes must be in range(0, 256)', where);
        return b;
      }),
    );
  }
  return badValue('cannot make bytes from this value', where);
}

/** The items of a Python iterable argument (list, tuple, set, dict keys). */
function items(v: unknown, what: string, where: Where): unknown[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...v];
  if (v instanceof Map) return [...v.keys()];
  return badValue(`${what}() argument must be iterable`, where);
}

/** Set members from a list: integral floats (marked in the list) stay Float, as sets have no slots to mark. */
function members(v: unknown, what: string, where: Where): unknown[] {
  const list = items(v, what, where);
  return Array.isArray(v) ? list.map((x, i) => (isMarkedFloat(v, i) ? new Float(x as number) : x)) : list;
}

function orderedDict(args: Tuple, _fn: PyGlobal, where: Where): OrderedDict {
  const d = new OrderedDict();
  const src = args[0];
  if (src instanceof Map) for (const [k, v] of src) d.set(k, v);
  else {
    for (const pair of items(src, 'OrderedDict', where)) {
      if (!Array.isArray(pair) || pair.length !== 2) badValue('OrderedDict items must be pairs', where);
      d.set((pair as unknown[])[0], (pair as unknown[])[1]);
    }
  }
  return d;
}

function device(args: Tuple, _fn: PyGlobal, where: Where): Device {
  const [type, index] = args;
  if (typeof type !== 'string') return badValue('torch.device() needs a device string', where);
  if (index !== undefined && index !== null) return new Device(type, intArg(index, 'device index', where));
  const m = /^([a-zA-Z_]+)(?::(\d+))?$/.exec(type);
  if (!m) return badValue(`Invalid device string: '${type}'`, where);
  return new Device(m[1], m[2] === undefined ? null : Number(m[2]));
}

function size(args: Tuple, _fn: PyGlobal, where: Where): Size {
  const s = new Size();
  items(args[0], 'torch.Size', where).forEach((v, i) => s.push(intArg(v, `torch.Size item ${i}`, where)));
  return s;
}

function complex(args: Tuple, _fn: PyGlobal, where: Where): Complex {
  const num = (v: unknown): number => {
    if (v === undefined) return 0;
    if (typeof v === 'number') return v;
    return badValue('complex() arguments must be numbers', where);
  };
  return new Complex(num(args[0]), num(args[1]));
}

const numpyScalar: Call = (args, fn) => new NumpyScalar(fn, args, 'reduce');
const numpyArray: Call = (args, fn) => new NumpyArray(fn, args, 'reduce');
/** TorchScript's typed-list tags (torch.jit._pickle): the value itself. */
const identity: Call = (args) => args[0];

/** REDUCE targets by qualified name (Python 3 names; the unpickler maps Python 2 ones). */
export const KNOWN_CALLS: ReadonlyMap<string, Call> = new Map<string, Call>([
  ['collections.OrderedDict', orderedDict],
  ['builtins.set', (args, _fn, where) => new Set(members(args[0], 'set', where))],
  ['builtins.frozenset', (args, _fn, where) => new FrozenSet(members(args[0], 'frozenset', where))],
  ['builtins.bytes', (args, _fn, where) => bytesOf(args, where)],
  ['builtins.bytearray', (args, _fn, where) => new ByteArray(bytesOf(args, where))],
  ['_codecs.encode', (args, _fn, where) => encode(args[0], args[1], where)],
  ['builtins.complex', complex],
  ['torch.Size', size],
  ['torch.device', device],
  ['numpy.core.multiarray.scalar', numpyScalar],
  ['numpy._core.multiarray.scalar', numpyScalar],
  ['numpy.core.multiarray._reconstruct', numpyArray],
  ['numpy._core.multiarray._reconstruct', numpyArray],
  ...['build_intlist', 'build_tensorlist', 'build_doublelist', 'build_boollist', 'restore_type_tag'].map(
    (n) => [`torch.jit._pickle.${n}`, identity] as [string, Call],
  ),
]);
