/**
 * Dtypes by PyTorch's names (without "torch."), their aliases, element sizes, and the typed arrays that hold them.
 */
import { TorchTypeError } from './errors';

/** PyTorch's dtypes, named as `str(torch.float32)` without the "torch." prefix. */
export type DType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'bool'
  | 'complex32'
  | 'complex64'
  | 'complex128'
  | 'qint8'
  | 'quint8'
  | 'qint32'
  | 'quint4x2'
  | 'quint2x4';

/** The typed arrays data() returns, one per dtype (see DTYPES). */
export type TypedArray =
  Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | BigInt64Array;

type TypedArrayCtor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  BYTES_PER_ELEMENT: number;
};

/** The family of a dtype: what printing, dtype inference and autograd care about. */
export type DTypeKind = 'float' | 'int' | 'bool' | 'complex' | 'quantized';

interface DTypeInfo {
  /** bytes per element */
  size: number;
  kind: DTypeKind;
  /** how data() exposes the elements (16-bit floats as raw bit patterns, complex as interleaved parts) */
  array: TypedArrayCtor;
}

/** Every dtype's element size, family and typed array. */
export const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  float32: { size: 4, kind: 'float', array: Float32Array },
  float64: { size: 8, kind: 'float', array: Float64Array },
  float16: { size: 2, kind: 'float', array: Uint16Array },
  bfloat16: { size: 2, kind: 'float', array: Uint16Array },
  int8: { size: 1, kind: 'int', array: Int8Array },
  uint8: { size: 1, kind: 'int', array: Uint8Array },
  int16: { size: 2, kind: 'int', array: Int16Array },
  int32: { size: 4, kind: 'int', array: Int32Array },
  int64: { size: 8, kind: 'int', array: BigInt64Array },
  bool: { size: 1, kind: 'bool', array: Uint8Array },
  complex32: { size: 4, kind: 'complex', array: Uint16Array },
  complex64: { size: 8, kind: 'complex', array: Float32Array },
  complex128: { size: 16, kind: 'complex', array: Float64Array },
  qint8: { size: 1, kind: 'quantized', array: Int8Array },
  quint8: { size: 1, kind: 'quantized', array: Uint8Array },
  qint32: { size: 4, kind: 'quantized', array: Int32Array },
  quint4x2: { size: 1, kind: 'quantized', array: Uint8Array },
  quint2x4: { size: 1, kind: 'quantized', array: Uint8Array },
};

/** PyTorch's aliases (torch.float is torch.float32, torch.long is torch.int64, …). */
const ALIASES: Readonly<Record<string, DType>> = {
  float: 'float32',
  double: 'float64',
  half: 'float16',
  long: 'int64',
  int: 'int32',
  short: 'int16',
  cfloat: 'complex64',
  cdouble: 'complex128',
  chalf: 'complex32',
};

/** Accepts 'float32', 'torch.float32' or an alias ('float', 'long', …); throws on anything else. */
export function toDtype(name: unknown): DType {
  if (typeof name === 'string') {
    const bare = name.startsWith('torch.') ? name.slice(6) : name;
    if (bare in DTYPES) return bare as DType;
    if (bare in ALIASES) return ALIASES[bare];
  }
  throw new TorchTypeError(`unknown dtype ${JSON.stringify(name)}; expected one of ${Object.keys(DTYPES).join(', ')}`);
}

/** True for a name toDtype accepts. */
export function isDtypeName(name: string): boolean {
  try {
    toDtype(name);
    return true;
  } catch {
    return false;
  }
}

/** Bytes per element. */
export function elementSize(dtype: DType): number {
  return DTYPES[dtype].size;
}

/** True for float16, bfloat16, float32 and float64 (torch.is_floating_point). */
export function isFloatingPoint(dtype: DType): boolean {
  return DTYPES[dtype].kind === 'float';
}

/** True for the complex dtypes. */
export function isComplex(dtype: DType): boolean {
  return DTYPES[dtype].kind === 'complex';
}

/** A typed array over `bytes` (which must be suitably aligned) for the elements of `dtype`. */
export function typedArrayOf(dtype: DType, bytes: Uint8Array): TypedArray {
  const { array } = DTYPES[dtype];
  return new array(bytes.buffer, bytes.byteOffset, bytes.byteLength / array.BYTES_PER_ELEMENT);
}

/** The dtype PyTorch gives a tensor made from a typed array of this kind. */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | null {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof BigInt64Array) return 'int64';
  return null;
}

/** A complex number, as tensors of complex dtypes give them back. */
export class Complex {
  constructor(
    public re: number,
    public im: number,
  ) {}
  toString(): string {
    return `(${this.re}${this.im < 0 || Object.is(this.im, -0) ? '-' : '+'}${Math.abs(this.im)}j)`;
  }
}
