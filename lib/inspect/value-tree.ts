/**
 * What a loaded PyTorch file holds, as a tree `torch-node inspect` prints (and gives as JSON): containers with their
 * keys, tensors with dtype, shape, size, device and storage, inert objects by class; and totals, with the storages
 * that several tensors share. Devices are the ones the file names: the file is loaded with every storage kept on the
 * CPU and its location tag noted ({@link StorageIndex.mapLocation}).
 */
import { Device } from '../device';
import { elementSize } from '../dtype';
import { native } from '../native';
import { Module } from '../nn';
import { pyFloatRepr } from '../python-format';
import { Parameter } from '../parameter';
import {
  ByteArray,
  classOf,
  Float,
  FrozenSet,
  isMarkedFloat,
  NumpyArray,
  OrderedDict,
  PyGlobal,
  PyObject,
  Size,
  TorchDtype,
  TorchScriptArchive,
  Tuple,
  TypedStorage,
} from '../serialization';
import { Tensor } from '../tensor';

/** One tensor of the file. */
export interface TensorFacts {
  dtype: string;
  shape: number[];
  numel: number;
  /** numel × element size. */
  bytes: number;
  /** Where the file puts it ('cpu', 'cuda:0'). */
  device: string;
  /** Storages numbered in order of first appearance; tensors with one number share memory. */
  storage: number;
  storageBytes: number;
  parameter: boolean;
}

/** A node of the tree: its key in the parent, its Python type, a one-line summary, and children or tensor facts. */
export interface ValueNode {
  key?: string;
  type: string;
  summary?: string;
  tensor?: TensorFacts;
  children?: ValueNode[];
}

/** Sums over every tensor of the file. */
export interface Totals {
  tensors: number;
  elements: number;
  tensorBytes: number;
  storages: number;
  storageBytes: number;
  /** Tensor count per dtype and per device. */
  dtypes: Record<string, number>;
  devices: Record<string, number>;
  /** Storages used by more than one tensor: number → tensor count. */
  shared: Record<string, number>;
}

/** Storage identities and the location tags the file gave them. */
export class StorageIndex {
  private readonly tags = new Map<bigint, string>();
  private readonly numbers = new Map<bigint, number>();
  private readonly nbytes: number[] = [];
  /** Tensors per storage number. */
  readonly users: number[] = [];

  /** A torch.load mapLocation that keeps every storage on the CPU and notes the location the file gave it. */
  readonly mapLocation = (storage: Tensor, location: string): Tensor => {
    const id = native.storageId(storage._h);
    if (id !== null) this.tags.set(id, location);
    return storage;
  };

  /** The storage number of a tensor (or a bare storage's data), and the device its file tag names. */
  storageOf(t: Tensor): { storage: number; device: string; bytes: number } {
    const id = native.storageId(t._h);
    if (id === null) return { storage: -1, device: t.device.toString(), bytes: 0 };
    let n = this.numbers.get(id);
    if (n === undefined) {
      n = this.nbytes.length;
      this.numbers.set(id, n);
      this.nbytes.push(native.storageNbytes(t._h));
      this.users.push(0);
    }
    this.users[n]++;
    return { storage: n, device: this.tags.get(id) ?? t.device.toString(), bytes: this.nbytes[n] };
  }

  /** Bytes of every storage seen. */
  get totalBytes(): number {
    return this.nbytes.reduce((a, b) => a + b, 0);
  }
}

const MAX_TEXT = 60;

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function shortRepr(s: string): string {
  const r = JSON.stringify(s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s);
  return `'${r.slice(1, -1).replace(/'/g, "\\'")}${s.length > MAX_TEXT ? `…' (${s.length} chars)` : "'"}`;
}

/** A key as Python would print it in a dict display. */
function keyRepr(k: unknown): string {
  if (k instanceof Tuple) return `(${k.map(keyRepr).join(', ')}${k.length === 1 ? ',' : ''})`;
  return scalarNode(k, null, null)?.summary ?? String(k);
}

// A scalar's Python type and one-line form, or null when the value is not a scalar. An integral number is a float
// when the reader marked its slot in the parent container as one.
function scalarNode(v: unknown, parent: object | null, slot: unknown): ValueNode | null {
  if (v === null || v === undefined) return { type: 'NoneType', summary: 'None' };
  if (typeof v === 'boolean') return { type: 'bool', summary: v ? 'True' : 'False' };
  if (typeof v === 'bigint') return { type: 'int', summary: v.toString() };
  if (typeof v === 'number') {
    const isFloat = !Number.isInteger(v) || (parent !== null && isMarkedFloat(parent, slot));
    return isFloat ? { type: 'float', summary: pyFloatRepr(v) } : { type: 'int', summary: String(v) };
  }
  if (v instanceof Float) return { type: 'float', summary: pyFloatRepr(v.value) };
  if (typeof v === 'string') return { type: 'str', summary: shortRepr(v) };
  return null;
}

/** Builds the tree of a loaded value and its totals. */
export class ValueTree {
  private readonly ancestors = new Set<unknown>();
  private readonly totals: Totals = {
    tensors: 0,
    elements: 0,
    tensorBytes: 0,
    storages: 0,
    storageBytes: 0,
    dtypes: {},
    devices: {},
    shared: {},
  };

  constructor(private readonly storages: StorageIndex) {}

  /** The tree of `value` and the totals over every tensor in it. */
  describe(value: unknown): { root: ValueNode; totals: Totals } {
    const root = this.node(value, null, null);
    const t = this.totals;
    t.storages = this.storages.users.length;
    t.storageBytes = this.storages.totalBytes;
    this.storages.users.forEach((n, i) => n > 1 && (t.shared[String(i)] = n));
    return { root, totals: t };
  }

  private node(v: unknown, parent: object | null, slot: unknown): ValueNode {
    const scalar = scalarNode(v, parent, slot);
    if (scalar) return scalar;
    if (v instanceof Tensor) return this.tensor(v);
    if (this.ancestors.has(v)) return { type: '<cycle>', summary: 'a container that holds itself' };
    this.ancestors.add(v);
    try {
      return this.composite(v);
    } finally {
      this.ancestors.delete(v);
    }
  }

  private tensor(t: Tensor): ValueNode {
    const { storage, device, bytes: storageBytes } = this.storages.storageOf(t);
    const facts: TensorFacts = {
      dtype: t.dtype,
      shape: t.shape,
      numel: t.numel(),
      bytes: t.numel() * elementSize(t.dtype),
      device,
      storage,
      storageBytes,
      parameter: t instanceof Parameter,
    };
    const tt = this.totals;
    tt.tensors++;
    tt.elements += facts.numel;
    tt.tensorBytes += facts.bytes;
    tt.dtypes[facts.dtype] = (tt.dtypes[facts.dtype] ?? 0) + 1;
    tt.devices[device] = (tt.devices[device] ?? 0) + 1;
    return { type: facts.parameter ? 'Parameter' : 'Tensor', tensor: facts };
  }

  private entries(pairs: Iterable<[unknown, unknown]>, container: object): ValueNode[] {
    return [...pairs].map(([k, v]) => ({ key: keyRepr(k), ...this.node(v, container, k) }));
  }

  private items(list: readonly unknown[]): ValueNode[] {
    return list.map((v, i) => ({ key: `[${i}]`, ...this.node(v, list, i) }));
  }

  private composite(v: unknown): ValueNode {
    if (v instanceof Size) return { type: 'torch.Size', summary: `torch.Size([${v.join(', ')}])` };
    if (v instanceof Module) {
      const spec = classOf(v);
      const sd = v.stateDict();
      return {
        type: spec ? `${spec.module}.${spec.name}` : v.constructor.name,
        summary: `module, ${count(sd.size, 'entry', 'entries')} in its state dict`,
        children: this.entries(sd, sd),
      };
    }
    if (v instanceof TorchScriptArchive) {
      const code = { key: "'code'", type: 'code', summary: [...v.code.keys()].join(', ') };
      return {
        type: 'TorchScript archive',
        children: [
          { key: "'module'", ...this.node(v.module, null, null) },
          { key: "'constants'", ...this.node(v.constants, null, null) },
          code,
        ],
      };
    }
    if (v instanceof NumpyArray) return { type: 'numpy.ndarray', summary: `dtype ${v.dtype}, shape (${v.shape})` };
    if (v instanceof TypedStorage) {
      const data = v.data as Tensor;
      const { storage, device } = this.storages.storageOf(data);
      return {
        type: String(v).slice(1, -1),
        summary: `${data.numel()} × ${v.dtype} on ${device}, storage #${storage}`,
      };
    }
    if (v instanceof Map) {
      const type = v instanceof OrderedDict ? 'OrderedDict' : 'dict';
      return { type, summary: count(v.size, 'key'), children: this.entries(v, v) };
    }
    if (Array.isArray(v)) {
      const type = v instanceof Tuple ? 'tuple' : 'list';
      return { type, summary: count(v.length, 'item'), children: this.items(v) };
    }
    if (v instanceof Set) {
      const type = v instanceof FrozenSet ? 'frozenset' : 'set';
      return { type, summary: count(v.size, 'item'), children: this.items([...v]) };
    }
    if (v instanceof PyObject) return this.pyObject(v);
    if (Buffer.isBuffer(v)) return { type: 'bytes', summary: `${v.length} bytes` };
    if (v instanceof ByteArray) return { type: 'bytearray', summary: `${v.bytes.length} bytes` };
    if (v instanceof TorchDtype) return { type: 'torch.dtype', summary: String(v) };
    if (v instanceof Device) return { type: 'torch.device', summary: `device('${v}')` };
    if (v instanceof PyGlobal) return { type: 'global', summary: v.qualname };
    if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
      const o = v as Record<string, unknown>;
      return {
        type: 'dict',
        summary: count(Object.keys(o).length, 'key'),
        children: this.entries(Object.entries(o), o),
      };
    }
    return { type: (v as object)?.constructor?.name ?? typeof v, summary: String(v) };
  }

  private pyObject(o: PyObject): ValueNode {
    const children: ValueNode[] = [];
    if (o.args.length) children.push({ key: 'args', ...this.node(o.args, null, null) });
    if (o.hasState) children.push({ key: 'state', ...this.node(o.state, null, null) });
    if (o.listItems) children.push({ key: 'items', ...this.node(o.listItems, null, null) });
    if (o.dictItems) children.push({ key: 'dict items', ...this.node(o.dictItems, null, null) });
    return { type: o.cls.qualname, summary: 'inert object (its class is not run)', children };
  }
}
