/**
 * numpy values inside checkpoints, read without numpy. They stay what the pickle built (inert PyObjects, so saving
 * gives the same bytes) and add readers for the value: a numpy scalar (`numpy.core.multiarray.scalar(dtype, bytes)`)
 * gives a number, bigint, boolean or Complex; an array (`_reconstruct` + BUILD state) gives a typed array or a Tensor.
 */
import { Complex, DType, elementSize, isComplex, TypedArray, typedArrayOf } from '../dtype';
import { TorchTypeError } from '../errors';
import { native } from '../native';
import { Tensor, wrap } from '../tensor';
import { PyObject } from './python';

/** numpy's dtype.str ('<f4', '|b1', …) → the torch dtype with the same element layout. */
const NUMPY_KINDS: Readonly<Record<string, DType>> = {
  b1: 'bool',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  c8: 'complex64',
  c16: 'complex128',
};

/** The dtype.str of a pickled `numpy.dtype` object: its first argument ('f4') and its byte order from BUILD. */
function numpyDtypeString(dtype: unknown): string {
  if (!(dtype instanceof PyObject) || typeof dtype.args[0] !== 'string') {
    throw new TorchTypeError('not a pickled numpy dtype');
  }
  const kind = dtype.args[0] as string;
  const state = dtype.state;
  const order = Array.isArray(state) && typeof state[1] === 'string' ? (state[1] as string) : '|';
  return (order === '=' ? '<' : order) + kind;
}

/** The torch dtype for a numpy dtype string, and whether its bytes are big-endian. */
function torchDtypeOf(descr: string): { dtype: DType; bigEndian: boolean } {
  const dtype = NUMPY_KINDS[descr.slice(1)];
  if (!dtype) throw new TorchTypeError(`numpy dtype '${descr}' has no torch equivalent`);
  return { dtype, bigEndian: descr[0] === '>' };
}

/** Little-endian copy of big-endian elements (complex numbers swap each part). */
function toLittleEndian(bytes: Buffer, dtype: DType): Buffer {
  const out = Buffer.from(bytes);
  const size = isComplex(dtype) ? elementSize(dtype) / 2 : elementSize(dtype);
  if (size === 2) out.swap16();
  else if (size === 4) out.swap32();
  else if (size === 8) out.swap64();
  return out;
}

/** A numpy scalar (np.float64(1.5), np.int64(3), …) from a checkpoint. */
export class NumpyScalar extends PyObject {
  /** numpy's dtype.str, e.g. '<f8'. */
  get dtype(): string {
    return numpyDtypeString(this.args[0]);
  }
  /** The raw bytes of the value, as stored. */
  get bytes(): Buffer {
    const b = this.args[1];
    if (!Buffer.isBuffer(b)) throw new TorchTypeError('numpy scalar without its bytes');
    return b;
  }
  /** The value: number, bigint (int64/uint64 beyond 2^53), boolean, or Complex. */
  get value(): number | bigint | boolean | Complex {
    const t = this.toTensor();
    const v = native.item(t._h);
    return Array.isArray(v) ? new Complex(v[0], v[1]) : v;
  }
  /** A 0-d tensor holding the value. */
  toTensor(): Tensor {
    const { dtype, bigEndian } = torchDtypeOf(this.dtype);
    const bytes = bigEndian ? toLittleEndian(this.bytes, dtype) : Buffer.from(this.bytes);
    return wrap(native.fromBytes(bytes, dtype, []));
  }
}

/** A numpy ndarray from a checkpoint (numeric dtypes). */
export class NumpyArray extends PyObject {
  private get parts(): { shape: number[]; descr: string; fortran: boolean; data: Buffer } {
    const s = this.state;
    if (!Array.isArray(s) || s.length < 5) throw new TorchTypeError('numpy array without its state');
    const [, shape, dtype, fortran, data] = s as [unknown, unknown, unknown, unknown, unknown];
    if (!Array.isArray(shape) || !Buffer.isBuffer(data)) {
      throw new TorchTypeError('numpy array of objects (only numeric arrays can be read)');
    }
    return { shape: shape as number[], descr: numpyDtypeString(dtype), fortran: fortran === true, data };
  }
  /** numpy's dtype.str once loaded, e.g. '<f4' (numpy unpickles big-endian arrays into native little-endian). */
  get dtype(): string {
    const d = this.parts.descr;
    return d[0] === '>' ? `<${d.slice(1)}` : d;
  }
  get shape(): number[] {
    return [...this.parts.shape];
  }
  /** The elements in C order as a typed array (a copy; 16-bit floats as raw bits, complex interleaved). */
  toTypedArray(): TypedArray {
    const t = this.toTensor();
    return typedArrayOf(t.dtype, native.toBuffer(t._h));
  }
  /** The array as a (contiguous, C-order) Tensor. */
  toTensor(): Tensor {
    const { shape, descr, fortran, data } = this.parts;
    const { dtype, bigEndian } = torchDtypeOf(descr);
    const bytes = bigEndian ? toLittleEndian(data, dtype) : Buffer.from(data);
    if (!fortran) return wrap(native.fromBytes(bytes, dtype, shape));
    // Fortran order: the bytes are the transpose's C order.
    const t = native.fromBytes(bytes, dtype, [...shape].reverse());
    return wrap(
      native.contiguous(
        native.permute(
          t,
          shape.map((_, i) => shape.length - 1 - i),
        ),
      ),
    );
  }
}
