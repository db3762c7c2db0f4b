/**
 * JavaScript stand-ins for Python values that have no JS twin (design.md, "Python values in JavaScript"). The reader
 * produces them and the writer consumes them, so that `save(load(file))` gives back the file's bytes: they keep what
 * Python distinguishes (tuple vs list, OrderedDict vs dict, float 1.0 vs int 1, …).
 *
 *   None, bool, str        null, boolean, string
 *   int                    number (bigint beyond ±2^53)
 *   float                  number; an integral float is remembered (markFloat) or given as Float(1)
 *   bytes / bytearray      Buffer / ByteArray
 *   list / tuple           Array / Tuple
 *   dict / OrderedDict     Map (any key types, order kept; a plain object also saves as a dict) / OrderedDict
 *   set / frozenset        Set / FrozenSet
 *   complex                Complex (lib/dtype)
 *   torch.Size             Size (a Tuple of numbers)
 *   torch.dtype            TorchDtype
 *   torch.device           Device (lib/device)
 *   a global (class, fn)   PyGlobal: names only, never resolved to code
 *   other objects          PyObject: how it was built (class, args, state), never run
 */
import type { DType } from '../dtype';

/** A Python tuple. */
export class Tuple<T = unknown> extends Array<T> {
  /** Tuple.from and Tuple.of build Tuples; map/filter on a Tuple give plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** Makes a Python tuple. */
export function tuple<T>(...items: T[]): Tuple<T> {
  // Made at its length and filled by index: pushing into a new Tuple was several times slower.
  const t = new Tuple<T>(items.length);
  for (let i = 0; i < items.length; i++) t[i] = items[i];
  return t;
}

/**
 * collections.OrderedDict. `attributes` are its instance attributes (set by pickle's BUILD), which is where a
 * state_dict keeps `_metadata` (module versions).
 */
export class OrderedDict<K = unknown, V = unknown> extends Map<K, V> {
  attributes: Map<string, unknown> | null = null;

  /** state_dict()._metadata, when present. */
  get metadata(): Map<string, unknown> | undefined {
    return this.attributes?.get('_metadata') as Map<string, unknown> | undefined;
  }
  set metadata(m: Map<string, unknown> | undefined) {
    if (m === undefined) this.attributes?.delete('_metadata');
    else (this.attributes ??= new Map()).set('_metadata', m);
  }
}

/** A Python float given explicitly: saves as a float even when its value is integral. */
export class Float {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return Number.isInteger(this.value) ? this.value.toFixed(1) : String(this.value);
  }
}

/**
 * Integral Python floats inside containers: JS numbers cannot tell 1.0 from 1, so the reader marks the slot that held a
 * float (a Map key, an array index or an object property) and the writer looks it up. A marked slot writes a float.
 */
const floatSlots = new WeakMap<object, Set<unknown>>();

export function markFloat(container: object, slot: unknown): void {
  let s = floatSlots.get(container);
  if (!s) floatSlots.set(container, (s = new Set()));
  s.add(slot);
}

export function isMarkedFloat(container: object, slot: unknown): boolean {
  return floatSlots.get(container)?.has(slot) ?? false;
}

/** Python's frozenset. */
export class FrozenSet<T = unknown> extends Set<T> {}

/** Python's bytearray (bytes are plain Buffers). */
export class ByteArray {
  constructor(readonly bytes: Buffer) {}
}

/** torch.Size: a tuple of ints. */
export class Size extends Tuple<number> {}

/** A torch.dtype value inside a pickle (torch.float16 → TorchDtype('float16')). */
export class TorchDtype {
  constructor(readonly name: DType) {}
  toString(): string {
    return `torch.${this.name}`;
  }
}

/**
 * A bare storage in a pickle (torch.save of `t.storage()` or `t.untyped_storage()`): its dtype ('uint8' when untyped)
 * and its bytes as a 1-D tensor of that dtype (a Tensor; typed loosely to keep this file free of the tensor layer).
 */
export class TypedStorage {
  constructor(
    readonly dtype: DType,
    readonly data: unknown,
    readonly untyped = false,
  ) {}
  toString(): string {
    return `<${this.untyped ? 'torch.UntypedStorage' : `torch.TypedStorage(dtype=torch.${this.dtype})`}>`;
  }
}

/** A reference to a Python global (class or function) by module and name; never resolved to code. */
export class PyGlobal {
  #qualname: string | undefined;
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualname(): string {
    // Made once: loaders look it up in tables for every object a pickle builds (a new string each time had to be
    // hashed each time).
    return (this.#qualname ??= `${this.module}.${this.name}`);
  }
  toString(): string {
    return `<global ${this.qualname}>`;
  }
}

/** How a PyObject was made: REDUCE (callable(*args)), NEWOBJ (cls.__new__(cls, *args)) or NEWOBJ_EX (with kwargs). */
export type BuildKind = 'reduce' | 'newobj' | 'newobj_ex';

/**
 * An object of a class torch-node does not know (or chooses not to revive): the class, the arguments it was built
 * with and the state given to BUILD, as inert data. Nothing is ever called. Saved back, it gives the same pickle.
 */
export class PyObject {
  constructor(
    readonly cls: PyGlobal,
    readonly args: Tuple,
    readonly kind: BuildKind = 'newobj',
    public state: unknown = undefined,
    readonly kwargs: Map<unknown, unknown> | null = null,
  ) {}
  /** Items APPENDed after it was made (pickle's listitems, for list subclasses), or null. */
  listItems: unknown[] | null = null;
  /** Items SETITEMed after it was made (pickle's dictitems, e.g. a defaultdict), or null. */
  dictItems: Map<unknown, unknown> | null = null;
  /** True once BUILD gave it a state (even an empty one). */
  get hasState(): boolean {
    return this.state !== undefined;
  }
  toString(): string {
    return `<${this.cls.qualname} object (inert)>`;
  }
}
