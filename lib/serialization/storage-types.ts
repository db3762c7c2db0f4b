/**
 * Storage classes as pickles name them (`torch FloatStorage`, …, `torch UntypedStorage`) and the dtypes they hold
 * (pytorch-format.md §4). Shared by the reader and the writer.
 */
import type { DType } from '../dtype';

/** '<Name>Storage' class names of the typed storages, by dtype. */
export const STORAGE_CLASS: Readonly<Partial<Record<DType, string>>> = {
  float64: 'DoubleStorage',
  float32: 'FloatStorage',
  float16: 'HalfStorage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  int16: 'ShortStorage',
  int8: 'CharStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
  bfloat16: 'BFloat16Storage',
  complex128: 'ComplexDoubleStorage',
  complex64: 'ComplexFloatStorage',
  qint8: 'QInt8Storage',
  qint32: 'QInt32Storage',
  quint8: 'QUInt8Storage',
  quint4x2: 'QUInt4x2Storage',
  quint2x4: 'QUInt2x4Storage',
};

const DTYPE_OF_CLASS: ReadonlyMap<string, DType> = new Map(
  Object.entries(STORAGE_CLASS).map(([dtype, cls]) => [cls as string, dtype as DType]),
);

/**
 * The dtype a storage class holds; 'UntypedStorage' (bytes, whose tensors carry their own dtype) gives 'uint8'.
 * Returns undefined for names that are not storage classes.
 */
export function dtypeOfStorageClass(name: string): DType | undefined {
  if (name === 'UntypedStorage' || name === '_UntypedStorage') return 'uint8';
  // Old pickles may name the CUDA twins (torch.cuda FloatStorage): same dtype.
  return DTYPE_OF_CLASS.get(name);
}

/** Dtypes that 2.2+ writers store as UntypedStorage with _rebuild_tensor_v3 (numel counted in bytes). */
export function isUntypedStorageDtype(dtype: DType): boolean {
  return STORAGE_CLASS[dtype] === undefined;
}
