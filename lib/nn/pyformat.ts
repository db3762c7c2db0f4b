/**
 * Python's str() and repr() of the attribute values modules print in their extra_repr (ints, floats, bools, None,
 * strings, tuples, lists), so that String(module) is PyTorch's text. Numbers follow the Python-value rule of
 * serialization/python.ts: an integral JS number is an int, other numbers and {@link Float}s are floats.
 */
import { pyFloatRepr } from '../python-format';
import { Float, Tuple } from '../serialization/python';
import { Tensor } from '../tensor';

/** Python's repr() of a value (strings quoted), as it appears inside a tuple or list. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return pyStr(v);
}

/** Python's str() of a value, as `'{}'.format(v)` writes it. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v instanceof Float) return pyFloatRepr(v.value);
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? String(v) : pyFloatRepr(v);
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return v;
  if (v instanceof Tensor) return String(v);
  if (v instanceof Tuple) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return String(v);
}
