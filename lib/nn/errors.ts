/**
 * PyTorch's nn messages name Python types (`torch.typename`): 'torch.FloatTensor', 'int', 'str', a class name. These
 * helpers write the same words for JS values, and raise TorchErrors that carry the Python exception type.
 */
import { DType } from '../dtype';
import { TorchError } from '../errors';
import { Tensor } from '../tensor';

const TENSOR_TYPES: Partial<Record<DType, string>> = {
  float32: 'FloatTensor',
  float64: 'DoubleTensor',
  float16: 'HalfTensor',
  bfloat16: 'BFloat16Tensor',
  int8: 'CharTensor',
  uint8: 'ByteTensor',
  int16: 'ShortTensor',
  int32: 'IntTensor',
  int64: 'LongTensor',
  bool: 'BoolTensor',
  complex64: 'ComplexFloatTensor',
  complex128: 'ComplexDoubleTensor',
};

/** torch.typename(v) for a JS value: 'torch.FloatTensor', 'torch.cuda.FloatTensor', 'int', 'float', 'str', … */
export function describeType(v: unknown): string {
  if (v instanceof Tensor) {
    const name = TENSOR_TYPES[v.dtype] ?? 'Tensor';
    return v.isCuda ? `torch.cuda.${name}` : `torch.${name}`;
  }
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'dict';
  const ctor = (v as object).constructor;
  return ctor && ctor !== Object ? ctor.name : 'dict';
}

/** A TorchError whose `pyType` is the Python exception PyTorch raises there ('TypeError', 'KeyError', …). */
export function pyError(pyType: string, message: string): TorchError {
  return new TorchError(message, pyType);
}
