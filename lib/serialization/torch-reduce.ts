/**
 * How torch.save pickles torch objects (pytorch-format.md §4), as the pickler hooks of one save:
 * - a Tensor is `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())`, a
 *   quantized one `_rebuild_qtensor(storage, offset, size, stride, quantizer_params, requires_grad, OrderedDict())`
 *   and a Parameter `torch._utils._rebuild_parameter(data, requires_grad, OrderedDict())`;
 * - each storage is a persistent id, `('storage', torch.<Type>Storage, key, location, numel)` (the legacy format
 *   adds a sixth item, None), written once per storage: tensors that share a storage (views) get the same key, in
 *   first-pickled order '0', '1', …;
 * - torch.Size, dtypes, devices, complex numbers, numpy dtypes and registered classes as Python reduces them.
 */
import { Device } from '../device';
import { Complex, DType, DTYPES, elementSize } from '../dtype';
import { TorchError, TorchTypeError } from '../errors';
import { native, NativeTensor } from '../native';
import { Parameter } from '../parameter';
import { Tensor } from '../tensor';
import { PicklerHooks, PyStr, Reduction } from './pickler';
import { Float, OrderedDict, PyGlobal, PyObject, Size, TorchDtype, Tuple, TypedStorage, tuple } from './python';
import { classOf } from './registry';
import { STORAGE_CLASS } from './storage-types';

/** One storage the file holds: its key, element type, size, where it lives, and its bytes (on the CPU). */
export interface SavedStorage {
  key: string;
  dtype: DType;
  nbytes: number;
  location: string;
  /** The whole storage as a 1-D uint8 tensor on the CPU (a CUDA storage copied once). */
  bytes: NativeTensor;
}

/** A storage as it appears in a rebuild call's arguments; the persistent-id hook turns it into the pid tuple. */
class StorageRef {
  constructor(readonly storage: SavedStorage) {}
}

/** The data of a Parameter (`param.data`): the same tensor, pickled as a plain tensor without requires_grad. */
class ParameterData {
  constructor(readonly param: Parameter) {}
}

const REBUILD_TENSOR = ['torch._utils', '_rebuild_tensor_v2'] as const;
const REBUILD_PARAMETER = ['torch._utils', '_rebuild_parameter'] as const;
const REBUILD_QTENSOR = ['torch._utils', '_rebuild_qtensor'] as const;

/** numpy's dtype reduces to ('f8', False, True) with the type string made at run time: a new str each time. */
function numpyDtype(d: PyObject): Reduction {
  const args = tuple(...d.args.map((a) => (typeof a === 'string' ? new PyStr(a) : a)));
  return { kind: d.kind, func: d.cls, args, state: d.state };
}

/** The storages met while pickling one object, in first-pickled order, and the hooks that meet them. */
export class StorageTable implements PicklerHooks {
  private readonly byId = new Map<bigint, SavedStorage>();
  readonly storages: SavedStorage[] = [];
  /** Python turns each storage key into a string once (zip) or at every reference (legacy, str(address)). */
  private readonly keyObjects = new Map<SavedStorage, PyStr>();

  constructor(private readonly legacy: boolean) {}

  /** The storage id of a storage met as a rebuild argument or saved bare (a TypedStorage); undefined otherwise. */
  persistentId(obj: object): unknown {
    if (obj instanceof StorageRef) return this.pid(obj.storage, STORAGE_CLASS[obj.storage.dtype] as string);
    if (obj instanceof TypedStorage) {
      const data = obj.data;
      if (!(data instanceof Tensor)) throw new TorchTypeError('cannot save a TypedStorage whose data is not a Tensor');
      const storage = this.storageOf(data, obj.untyped ? 'uint8' : obj.dtype);
      return this.pid(storage, obj.untyped ? 'UntypedStorage' : this.storageClass(obj.dtype));
    }
    return undefined;
  }

  /** How a torch object, numpy dtype or registered class instance is pickled; undefined for plain Python values. */
  reduce(obj: object): Reduction | PyGlobal | undefined {
    if (obj instanceof Tensor && native.isDisposed(obj._h)) {
      throw new TorchTypeError('cannot save a tensor that has been disposed');
    }
    if (obj instanceof Parameter) {
      const args = tuple<unknown>(new ParameterData(obj), native.requiresGrad(obj._h), new OrderedDict());
      return { kind: 'reduce', func: new PyGlobal(...REBUILD_PARAMETER), args };
    }
    if (obj instanceof ParameterData) return this.reduceTensor(obj.param, false);
    if (obj instanceof Tensor) return this.reduceTensor(obj, native.requiresGrad(obj._h));
    if (obj instanceof Size) return { kind: 'reduce', func: new PyGlobal('torch', 'Size'), args: tuple(tuple(...obj)) };
    if (obj instanceof TorchDtype) return new PyGlobal('torch', obj.name);
    if (obj instanceof Device) {
      // torch.device.__reduce__ gives a type string made at run time, and the index only when there is one.
      const type = new PyStr(obj.type);
      const args = obj.index === null ? tuple<unknown>(type) : tuple<unknown>(type, obj.index);
      return { kind: 'reduce', func: new PyGlobal('torch', 'device'), args };
    }
    if (obj instanceof Complex) {
      const args = tuple<unknown>(new Float(obj.re), new Float(obj.im));
      return { kind: 'reduce', func: new PyGlobal('builtins', 'complex'), args };
    }
    if (obj instanceof PyObject && obj.cls.qualname === 'numpy.dtype') return numpyDtype(obj);
    const spec = classOf(obj);
    if (spec) {
      const { kind, args, state } = spec.reduce(obj);
      return { kind, func: new PyGlobal(spec.module, spec.name), args, state };
    }
    return undefined;
  }

  private reduceTensor(t: Tensor, requiresGrad: boolean): Reduction {
    const h = t._h;
    const dtype = native.dtype(h) as DType;
    const storage = new StorageRef(this.storageOf(t, dtype));
    const offset = native.storageOffset(h);
    const size = tuple(...native.shape(h));
    const stride = tuple(...native.strides(h));
    if (DTYPES[dtype].kind === 'quantized') {
      const args = tuple<unknown>(storage, offset, size, stride, this.quantizer(h), requiresGrad, new OrderedDict());
      return { kind: 'reduce', func: new PyGlobal(...REBUILD_QTENSOR), args };
    }
    const args = tuple<unknown>(storage, offset, size, stride, requiresGrad, new OrderedDict());
    return { kind: 'reduce', func: new PyGlobal(...REBUILD_TENSOR), args };
  }

  /** quantizer_params: (per_tensor_affine, scale, zero_point) or (per_channel_affine, scales, zero_points, axis). */
  private quantizer(h: NativeTensor): Tuple {
    const q = native.qParams(h);
    if (q.length === 3) return tuple<unknown>(new PyGlobal('torch', 'per_tensor_affine'), new Float(q[1]), q[2]);
    // PyTorch writes per_channel_affine_float_qparams tensors with the per_channel_affine scheme too.
    return tuple<unknown>(new PyGlobal('torch', 'per_channel_affine'), new Tensor(q[1]), new Tensor(q[2]), q[3]);
  }

  private storageClass(dtype: DType): string {
    const cls = STORAGE_CLASS[dtype];
    if (cls === undefined) throw new TorchTypeError(`saving tensors of dtype ${dtype} is not supported`);
    return cls;
  }

  /** The storage under t, registered on first sight (by libtorch's storage identity). */
  private storageOf(t: Tensor, dtype: DType): SavedStorage {
    this.storageClass(dtype);
    const h = t._h;
    const id = native.storageId(h);
    if (id === null) throw new TorchTypeError('cannot save a tensor without storage');
    let s = this.byId.get(id);
    if (s === undefined) {
      let bytes = native.storageBytes(h);
      const location = native.device(h);
      if (location !== 'cpu') bytes = native.to(bytes, 'cpu', null); // copied to the host once
      s = { key: String(this.storages.length), dtype, nbytes: native.storageNbytes(h), location, bytes };
      this.byId.set(id, s);
      this.storages.push(s);
    } else if (s.dtype !== dtype && s.nbytes > 0) {
      throw new TorchError('Cannot save multiple tensors or storages that view the same data as different types');
    }
    return s;
  }

  private pid(s: SavedStorage, cls: string): unknown {
    const numel = s.nbytes / (cls === 'UntypedStorage' ? 1 : elementSize(s.dtype));
    const global = new PyGlobal('torch', cls);
    if (this.legacy) return tuple<unknown>('storage', global, new PyStr(s.key), s.location, numel, null);
    let key = this.keyObjects.get(s);
    if (key === undefined) this.keyObjects.set(s, (key = new PyStr(s.key)));
    return tuple<unknown>('storage', global, key, s.location, numel);
  }
}
