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
  /**
   * The bytes to write: the tensor itself when it is its whole CPU storage, else the whole storage as a 1-D uint8
   * tensor on the CPU (a CUDA storage copied once).
   */
  bytes: NativeTensor;
  /** `bytes` was made for this save (and is disposed by {@link StorageTable.release}), not the caller's tensor. */
  owned: boolean;
}

/** What saving needs of a tensor (see native saveFacts). */
interface TensorFacts {
  dtype: DType;
  offset: number;
  size: Tuple<number>;
  stride: Tuple<number>;
  requiresGrad: boolean;
  /** The storage's identity (its address), or null for a tensor without storage. */
  storageId: number | null;
  storageNbytes: number;
  onCpu: boolean;
  /** The tensor's bytes are its whole CPU storage, in order: it can be written as it is. */
  coversStorage: boolean;
}

/** Room for the numbers saveFacts gives (7, then sizes and strides of up to 64 dimensions, as libtorch allows). */
const FACTS = new Float64Array(7 + 2 * 64);

/** A storage as it appears in a rebuild call's arguments; the persistent-id hook turns it into the pid tuple. */
class StorageRef {
  constructor(readonly storage: SavedStorage) {}
}

/** The data of a Parameter (`param.data`): the same tensor, pickled as a plain tensor without requires_grad. */
class ParameterData {
  constructor(readonly param: Parameter) {}
}

// One object each, not one per tensor: the pickler then finds them in its memo by identity.
const REBUILD_TENSOR = new PyGlobal('torch._utils', '_rebuild_tensor_v2');
const REBUILD_PARAMETER = new PyGlobal('torch._utils', '_rebuild_parameter');
const REBUILD_QTENSOR = new PyGlobal('torch._utils', '_rebuild_qtensor');
const STORAGE_GLOBALS = new Map<string, PyGlobal>();

/** torch.<cls> (a storage class), one object per class. */
function storageGlobal(cls: string): PyGlobal {
  let g = STORAGE_GLOBALS.get(cls);
  if (g === undefined) STORAGE_GLOBALS.set(cls, (g = new PyGlobal('torch', cls)));
  return g;
}

/** numpy's dtype reduces to ('f8', False, True) with the type string made at run time: a new str each time. */
function numpyDtype(d: PyObject): Reduction {
  const args = tuple(...d.args.map((a) => (typeof a === 'string' ? new PyStr(a) : a)));
  return { kind: d.kind, func: d.cls, args, state: d.state };
}

/** The storages met while pickling one object, in first-pickled order, and the hooks that meet them. */
export class StorageTable implements PicklerHooks {
  private readonly byId = new Map<number, SavedStorage>();
  readonly storages: SavedStorage[] = [];
  /** Python turns each storage key into a string once (zip) or at every reference (legacy, str(address)). */
  private readonly keyObjects = new Map<SavedStorage, PyStr>();

  /**
   * @param borrow write a tensor that is exactly its storage from its own handle (a synchronous save, which the
   *   caller cannot dispose the tensor during); otherwise every storage gets a byte view of its own, which keeps it
   *   alive until the save is done
   */
  constructor(
    private readonly legacy: boolean,
    private readonly borrow = false,
  ) {}

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
    if (obj instanceof Parameter) {
      const args = tuple<unknown>(new ParameterData(obj), this.facts(obj).requiresGrad, new OrderedDict());
      return { kind: 'reduce', func: REBUILD_PARAMETER, args };
    }
    if (obj instanceof ParameterData) return this.reduceTensor(obj.param, false);
    if (obj instanceof Tensor) return this.reduceTensor(obj, null);
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

  /**
   * What saving needs of t, from one native call (a call per fact was most of the time of saving many small
   * tensors); throws for a disposed tensor.
   */
  private facts(t: Tensor): TensorFacts {
    const dtype = native.saveFacts(t._h, FACTS);
    if (dtype === null) throw new TorchTypeError('cannot save a tensor that has been disposed');
    const ndim = FACTS[6];
    const size = new Tuple<number>(ndim);
    const stride = new Tuple<number>(ndim);
    for (let d = 0; d < ndim; d++) {
      size[d] = FACTS[7 + d];
      stride[d] = FACTS[7 + ndim + d];
    }
    return {
      dtype: dtype as DType,
      offset: FACTS[0],
      size,
      stride,
      requiresGrad: FACTS[1] === 1,
      storageId: FACTS[2] < 0 ? null : FACTS[2],
      storageNbytes: FACTS[3],
      onCpu: FACTS[4] === 1,
      coversStorage: FACTS[5] === 1,
    };
  }

  /** A tensor's rebuild call; `requiresGrad` null takes the tensor's own. */
  private reduceTensor(t: Tensor, requiresGrad: boolean | null): Reduction {
    const f = this.facts(t);
    const { dtype, offset, size, stride } = f;
    const storage = new StorageRef(this.storageOf(t, dtype, f));
    const grad = requiresGrad ?? f.requiresGrad;
    if (DTYPES[dtype].kind === 'quantized') {
      const args = tuple<unknown>(storage, offset, size, stride, this.quantizer(t._h), grad, new OrderedDict());
      return { kind: 'reduce', func: REBUILD_QTENSOR, args };
    }
    const args = tuple<unknown>(storage, offset, size, stride, grad, new OrderedDict());
    return { kind: 'reduce', func: REBUILD_TENSOR, args };
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
  private storageOf(t: Tensor, dtype: DType, f: TensorFacts = this.facts(t)): SavedStorage {
    this.storageClass(dtype);
    const id = f.storageId;
    if (id === null) throw new TorchTypeError('cannot save a tensor without storage');
    let s = this.byId.get(id);
    if (s === undefined) {
      // A tensor that is exactly its CPU storage is written as it is: no byte view to make and dispose.
      const borrowed = this.borrow && f.coversStorage;
      let bytes = borrowed ? t._h : native.storageBytes(t._h);
      const location = f.onCpu ? 'cpu' : native.device(t._h);
      if (location !== 'cpu') bytes = native.to(bytes, 'cpu', null); // copied to the host once
      const nbytes = f.storageNbytes;
      s = { key: String(this.storages.length), dtype, nbytes, location, bytes, owned: !borrowed };
      this.byId.set(id, s);
      this.storages.push(s);
    } else if (s.dtype !== dtype && s.nbytes > 0) {
      throw new TorchError('Cannot save multiple tensors or storages that view the same data as different types');
    }
    return s;
  }

  /** Frees the byte views made for this save (never the caller's tensors). */
  release(): void {
    for (const s of this.storages) if (s.owned) native.dispose(s.bytes);
  }

  private pid(s: SavedStorage, cls: string): unknown {
    const numel = s.nbytes / (cls === 'UntypedStorage' ? 1 : elementSize(s.dtype));
    const global = storageGlobal(cls);
    if (this.legacy) return tuple<unknown>('storage', global, new PyStr(s.key), s.location, numel, null);
    let key = this.keyObjects.get(s);
    if (key === undefined) this.keyObjects.set(s, (key = new PyStr(s.key)));
    return tuple<unknown>('storage', global, key, s.location, numel);
  }
}
