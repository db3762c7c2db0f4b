/**
 * A tensor's elements as JS values (numbers, bigints past 2^53, booleans, Complex), as Python's `tolist()` and
 * `item()` give them; for tolist and printing.
 */
import { Complex } from './dtype';
import type { Tensor } from './tensor';

/** Nested arrays of numbers, bigints, booleans or Complex values, as tolist() returns and tensor() accepts. */
export type NestedList = number | bigint | boolean | Complex | NestedList[];

/** Every element as a JS value, in row-major order. */
export function flatValues(t: Tensor): NestedList[] {
  const dtype = t.dtype;
  let src = t;
  // Half precision is read through float32 (exact), complex32 through complex64, as Python's tolist does.
  if (dtype === 'float16' || dtype === 'bfloat16') src = t.to({ dtype: 'float32' });
  else if (dtype === 'complex32') src = t.to({ dtype: 'complex64' });
  const a = src.detach().data();
  const out: NestedList[] = new Array(src.numel());
  if (dtype === 'bool') for (let i = 0; i < out.length; i++) out[i] = a[i] !== 0;
  else if (a instanceof BigInt64Array) {
    for (let i = 0; i < out.length; i++) {
      const v = a[i];
      out[i] = v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
    }
  } else if (dtype.startsWith('complex')) {
    for (let i = 0; i < out.length; i++) out[i] = new Complex(a[2 * i] as number, a[2 * i + 1] as number);
  } else for (let i = 0; i < out.length; i++) out[i] = a[i] as number;
  return out;
}

/** The elements nested as the tensor's shape (a bare value for a 0-d tensor). */
export function nestedValues(t: Tensor): NestedList {
  const shape = t.shape;
  const flat = flatValues(t);
  let i = 0;
  const build = (d: number): NestedList => {
    if (d === shape.length) return flat[i++];
    const out: NestedList[] = [];
    for (let k = 0; k < shape[d]; k++) out.push(build(d + 1));
    return out;
  };
  return build(0);
}
