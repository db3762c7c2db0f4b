/**
 * The functions PyTorch pickles tensors with (torch._utils._rebuild_*, pytorch-format.md §4), done over the file's
 * storages: arguments are checked (types, extents) before a tensor is made, and each tensor is a view of its
 * storage, so tensors that shared a storage in Python share it here.
 */
import { DType, DTYPES, isComplex, isFloatingPoint } from '../dtype';
import { native } from '../native';
import { Parameter } from '../parameter';
import { Tensor, wrap } from '../tensor';
import { loadError, LoadErrorCode, Where } from './load-errors';
import { badValue, intArg, intsArg } from './pickle-args';
import { NumpyArray } from './numpy';
import { PyGlobal, TorchDtype, Tuple } from './python';
import { describeValue } from './unpickler';
import { StorageRecord } from './storage-read';

function boolArg(v: unknown, what: string, where: Where): boolean {
  if (typeof v === 'boolean') return v;
  // Python accepts ints as truth values for requires_grad.
  if (v === 0 || v === 1) return v === 1;
  return badValue(`${what} must be a bool`, where);
}

function storageArg(v: unknown, where: Where): StorageRecord {
  if (v instanceof StorageRecord) return v;
  return badValue('the storage argument of a tensor is not a storage from this file', where);
}

function argCount(args: Tuple, min: number, max: number, fn: string, where: Where): void {
  if (args.length < min || args.length > max) {
    badValue(`${fn}() takes ${min === max ? min : `${min} to ${max}`} arguments (${args.length} given)`, where);
  }
}

/** Sets requires_grad as Python's rebuild does (only floating and complex tensors may require grad). */
function withRequiresGrad(t: Tensor, requiresGrad: boolean, where: Where): Tensor {
  if (requiresGrad) {
    if (!isFloatingPoint(t.dtype) && !isComplex(t.dtype)) {
      badValue('only Tensors of floating point and complex dtype can require gradients', where);
    }
    native.setRequiresGrad(t._h, true);
  }
  return t;
}

/** The 2.x `metadata` argument (conj/neg bits): torch-node cannot apply those, so it refuses rather than mislead. */
function checkNoMetadata(v: unknown, where: Where): void {
  if (v instanceof Map && v.size > 0) {
    throw loadError(LoadErrorCode.UNSUPPORTED, `tensor metadata ${[...v.keys()].join(', ')} is not supported`, where);
  }
}

/** A view of the storage's dtype from the first four arguments (storage, storage_offset, size, stride). */
function storageView(args: Tuple, where: Where): Tensor {
  const s = storageArg(args[0], where);
  return wrap(
    s.view(
      s.dtype,
      intArg(args[1], 'storage_offset', where),
      intsArg(args[2], 'size', where),
      intsArg(args[3], 'stride', where),
    ),
  );
}

/** `_rebuild_tensor(storage, storage_offset, size, stride)` (pre-0.4 files): a view of the storage's dtype. */
function rebuildTensor(args: Tuple, where: Where): Tensor {
  argCount(args, 4, 4, '_rebuild_tensor', where);
  return storageView(args, where);
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`. */
function rebuildTensorV2(args: Tuple, where: Where): Tensor {
  argCount(args, 6, 7, '_rebuild_tensor_v2', where);
  checkNoMetadata(args[6], where);
  // Not through rebuildTensor(args.slice(0, 4)): slicing a Tuple goes through its species, a slow path run for
  // every tensor of a file.
  const t = storageView(args, where);
  return withRequiresGrad(t, boolArg(args[4], 'requires_grad', where), where);
}

/** `_rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])`. */
function rebuildTensorV3(args: Tuple, where: Where): Tensor {
  argCount(args, 7, 8, '_rebuild_tensor_v3', where);
  checkNoMetadata(args[7], where);
  const s = storageArg(args[0], where);
  const dtype = dtypeArg(args[6], where);
  const h = s.view(
    dtype,
    intArg(args[1], 'storage_offset', where),
    intsArg(args[2], 'size', where),
    intsArg(args[3], 'stride', where),
  );
  return withRequiresGrad(wrap(h), boolArg(args[4], 'requires_grad', where), where);
}

/** A torch.dtype argument that libtorch 1.13 has. */
export function dtypeArg(v: unknown, where: Where): DType {
  if (v instanceof TorchDtype && v.name in DTYPES) return v.name;
  if (v instanceof PyGlobal && v.module === 'torch') {
    throw loadError(LoadErrorCode.UNSUPPORTED, `dtype torch.${v.name} is not supported by this libtorch`, where);
  }
  return badValue('dtype argument is not a torch.dtype', where);
}

function tensorArg(v: unknown, what: string, where: Where): Tensor {
  if (v instanceof Tensor) return v;
  return badValue(`${what} must be a Tensor`, where);
}

/** `_rebuild_parameter(data, requires_grad, backward_hooks)`. */
function rebuildParameter(args: Tuple, where: Where): Parameter {
  argCount(args, 3, 3, '_rebuild_parameter', where);
  const data = tensorArg(args[0], 'data', where);
  const p = new Parameter(data, false);
  withRequiresGrad(p, boolArg(args[1], 'requires_grad', where), where);
  return p;
}

/** `_rebuild_parameter_with_state(data, requires_grad, backward_hooks, state)`: the state is Python attributes. */
function rebuildParameterWithState(args: Tuple, where: Where): Parameter {
  argCount(args, 4, 4, '_rebuild_parameter_with_state', where);
  return rebuildParameter(args.slice(0, 3) as Tuple, where);
}

/** Devices a tensor built from data (not a storage) may be put on here. */
function placeOn(t: Tensor, device: unknown, where: Where): Tensor {
  const d = describeValue(device);
  if (d === 'cpu') return t;
  throw loadError(LoadErrorCode.BAD_LOCATION, `cannot rebuild a tensor on device '${d}'`, where);
}

/** `_rebuild_device_tensor_from_numpy(ndarray, dtype, device, requires_grad)` (XLA/ORT files). */
function rebuildFromNumpy(args: Tuple, where: Where): Tensor {
  argCount(args, 4, 4, '_rebuild_device_tensor_from_numpy', where);
  if (!(args[0] instanceof NumpyArray)) badValue('data must be a numpy array', where);
  const t = (args[0] as NumpyArray).toTensor().to({ dtype: dtypeArg(args[1], where) });
  return withRequiresGrad(placeOn(t, args[2], where), boolArg(args[3], 'requires_grad', where), where);
}

/** `_rebuild_device_tensor_from_cpu_tensor(tensor, dtype, device, requires_grad)`. */
function rebuildFromCpuTensor(args: Tuple, where: Where): Tensor {
  argCount(args, 4, 4, '_rebuild_device_tensor_from_cpu_tensor', where);
  const t = tensorArg(args[0], 'data', where).to({ dtype: dtypeArg(args[1], where) });
  return withRequiresGrad(placeOn(t, args[2], where), boolArg(args[3], 'requires_grad', where), where);
}

/** Per-channel scales or zero points: a tensor, or (per_channel_affine_float_qparams) a list of numbers. */
function channelParams(v: unknown, dtype: 'float64' | 'int64', what: string, where: Where): Tensor {
  if (v instanceof Tensor) return v;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number'))
    return badValue(`${what} must be a tensor or a list`, where);
  const values = dtype === 'float64' ? new Float64Array(v as number[]) : BigInt64Array.from(v as number[], BigInt);
  return wrap(native.fromBytes(new Uint8Array(values.buffer), dtype, [v.length]));
}

/**
 * `_rebuild_qtensor(storage, storage_offset, size, stride, quantizer_params, requires_grad, backward_hooks)`:
 * quantizer_params is (per_tensor_affine, scale, zero_point) or (per_channel_affine[_float_qparams], scales,
 * zero_points, axis).
 */
function rebuildQTensor(args: Tuple, where: Where): Tensor {
  argCount(args, 7, 7, '_rebuild_qtensor', where);
  const s = storageArg(args[0], where);
  const offset = intArg(args[1], 'storage_offset', where);
  const sizes = intsArg(args[2], 'size', where);
  const strides = intsArg(args[3], 'stride', where);
  const q = Array.isArray(args[4]) ? (args[4] as unknown[]) : [];
  const scheme = q[0] instanceof PyGlobal ? q[0].name : '';
  let h;
  if (scheme === 'per_tensor_affine' && q.length === 3 && typeof q[1] === 'number') {
    h = s.quantizedView(offset, sizes, strides, q[1], intArg(q[2], 'zero_point', where), null);
  } else if ((scheme === 'per_channel_affine' || scheme === 'per_channel_affine_float_qparams') && q.length === 4) {
    const scales = channelParams(q[1], 'float64', 'scales', where);
    const zeroPoints = channelParams(q[2], scheme === 'per_channel_affine' ? 'int64' : 'float64', 'zero_points', where);
    h = s.quantizedView(offset, sizes, strides, scales._h, zeroPoints._h, intArg(q[3], 'axis', where));
  } else {
    throw loadError(
      LoadErrorCode.UNSUPPORTED,
      `quantization scheme '${scheme || describeValue(args[4])}' is not supported`,
      where,
    );
  }
  return withRequiresGrad(wrap(h), boolArg(args[5], 'requires_grad', where), where);
}

/** The rebuild functions by their Python names. */
export const REBUILD_FUNCTIONS: ReadonlyMap<string, (args: Tuple, where: Where) => Tensor> = new Map([
  ['torch._utils._rebuild_tensor', rebuildTensor],
  ['torch._utils._rebuild_tensor_v2', rebuildTensorV2],
  ['torch._utils._rebuild_tensor_v3', rebuildTensorV3],
  ['torch._utils._rebuild_qtensor', rebuildQTensor],
  ['torch._utils._rebuild_parameter', rebuildParameter],
  ['torch._utils._rebuild_parameter_with_state', rebuildParameterWithState],
  ['torch._utils._rebuild_device_tensor_from_numpy', rebuildFromNumpy],
  ['torch._utils._rebuild_xla_tensor', rebuildFromNumpy],
  ['torch._utils._rebuild_device_tensor_from_cpu_tensor', rebuildFromCpuTensor],
]);

/**
 * A tensor made by a tensor class's constructor (`torch.FloatTensor()`, `Parameter.__new__`) that BUILD completes,
 * as files from PyTorch 0.1–0.4 do.
 */
export class PendingTensor {
  constructor(
    readonly dtype: DType,
    readonly parameter: boolean,
    readonly data: Tensor | null,
    readonly requiresGrad: boolean,
  ) {}

  /** The tensor as it stands (when no BUILD comes). */
  finish(where: Where): Tensor {
    const t = this.data ?? wrap(native.empty([0], this.dtype, null));
    return this.parameter ? withRequiresGrad(new Parameter(t, false), this.requiresGrad, where) : t;
  }

  /**
   * Tensor.__setstate__'s legacy forms: (storage, offset, size, stride) sets the data; a 5-tuple (old Variable) gives
   * data and requires_grad; a 3-tuple (requires_grad, volatile, hooks) gives requires_grad.
   */
  build(state: unknown, where: Where): Tensor {
    if (!Array.isArray(state)) return this.finish(where);
    if (state.length === 4) {
      const t = rebuildTensor(state as Tuple, where);
      return new PendingTensor(this.dtype, this.parameter, t, this.requiresGrad).finish(where);
    }
    if (state.length === 5) {
      const data = tensorArg(state[0], 'data', where);
      return new PendingTensor(this.dtype, this.parameter, data, boolArg(state[3], 'requires_grad', where)).finish(
        where,
      );
    }
    if (state.length === 3) {
      return new PendingTensor(this.dtype, this.parameter, this.data, boolArg(state[0], 'requires_grad', where)).finish(
        where,
      );
    }
    return badValue(`cannot set the state of a tensor from a tuple of ${state.length}`, where);
  }
}

/** `torch.FloatTensor` and friends (also under torch.cuda) → their dtype. */
export function dtypeOfTensorClass(module: string, name: string): DType | undefined {
  if (module !== 'torch' && module !== 'torch.cuda') return undefined;
  const table: Record<string, DType> = {
    DoubleTensor: 'float64',
    FloatTensor: 'float32',
    HalfTensor: 'float16',
    BFloat16Tensor: 'bfloat16',
    LongTensor: 'int64',
    IntTensor: 'int32',
    ShortTensor: 'int16',
    CharTensor: 'int8',
    ByteTensor: 'uint8',
    BoolTensor: 'bool',
    Tensor: 'float32',
  };
  return table[name];
}
