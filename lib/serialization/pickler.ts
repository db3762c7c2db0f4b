/**
 * Python's pickle, writing side: the bytes CPython's C pickler (`_pickle.c`) writes for the same object, so that a
 * file saved here equals the one Python saves (pytorch-format.md §7, §9). Protocol 2 is torch.save's default;
 * protocols 1, 3, 4 and 5 are written too (`pickle_protocol=` files exist). Protocol 0, a text format that cannot
 * hold torch's persistent ids, is not.
 *
 * What decides byte identity:
 * - Memo: every str, bytes, non-empty tuple, list, dict, global and object built by REDUCE/NEWOBJ is stored
 *   (BINPUT, numbered in order) and a second reference to the *same object* is a BINGET. JS objects have identity,
 *   so they are memoized by identity, as Python does.
 * - String identity: see pickle-strings.ts.
 * - Bytes: empty and one-byte bytes are singletons in CPython (memoized by value); other Buffers by identity.
 * - Containers: exact lists and dicts (Array, Map, plain objects) are written in batches of 1000, a one-item list or
 *   dict with APPEND/SETITEM; objects built by REDUCE (OrderedDict, registered classes) take their items through the
 *   iterator path, where a batch of one item is APPEND/SETITEM too (so a 1001-key dict ends with MARK…SETITEMS but
 *   a 1001-key OrderedDict with SETITEM, and an exact dict of exactly 1000 keys ends with an empty MARK SETITEMS).
 * - Numbers: a JS number is a Python int when it is integral (and not -0), else a float; a {@link Float}, or a slot
 *   marked with markFloat, is always a float; a bigint is an int.
 */
import { TorchError, TorchTypeError } from '../errors';
import { encodeLong, encodeSurrogatePass, Sink } from './pickle-encoding';
import { OP } from './pickle-opcodes';
import { isSingletonString, latin1Str, PyStr, SingletonStr } from './pickle-strings';
import { python2Name } from './python2-names';
import {
  BuildKind,
  ByteArray,
  Float,
  FrozenSet,
  isMarkedFloat,
  OrderedDict,
  PyGlobal,
  PyObject,
  Tuple,
  tuple,
} from './python';

export { PyStr } from './pickle-strings';

/** How an object is rebuilt: what CPython's save_reduce receives from `__reduce_ex__`. */
export interface Reduction {
  /** 'reduce': `func(*args)`; 'newobj': `func.__new__(func, *args)`; 'newobj_ex': with `kwargs`. */
  kind: BuildKind;
  /** The callable or class, usually a {@link PyGlobal}. */
  func: unknown;
  args: Tuple;
  kwargs?: Map<unknown, unknown> | null;
  /** Given to BUILD; undefined or null for none. */
  state?: unknown;
  /** Appended to the new object (list subclasses). */
  listItems?: Iterable<unknown>;
  /** Set into the new object (dict subclasses, OrderedDict). */
  dictItems?: Iterable<[unknown, unknown]>;
}

/** What the caller decides: persistent ids (storages) and how its own objects reduce (tensors, modules). */
export interface PicklerHooks {
  /** A persistent id for obj (written with BINPERSID), or undefined to pickle obj itself. */
  persistentId?(obj: object): unknown;
  /**
   * How obj is rebuilt (or the global it is, like a dtype), or undefined when the pickler knows its type. Consulted
   * before the built-in types.
   */
  reduce?(obj: object): Reduction | PyGlobal | undefined;
}

export type PickleProtocol = 1 | 2 | 3 | 4 | 5;

const BATCHSIZE = 1000;
const FRAME_SIZE_TARGET = 64 * 1024;
const FRAME_SIZE_MIN = 4;
const MAX_DEPTH = 5000;

/** Where the pickler is inside the object, for error messages: list indices and dict keys as they are, or STATE. */
const STATE = Symbol('state');
type PathStep = unknown;

function formatStep(step: PathStep): string {
  if (step === STATE) return '.__state__';
  return `[${typeof step === 'string' ? JSON.stringify(step) : String(step)}]`;
}

/** collections.OrderedDict and its empty argument tuple, shared by every OrderedDict saved (one object each). */
const ORDERED_DICT = new PyGlobal('collections', 'OrderedDict');
const NO_ARGS = tuple();

/** An object the pickler builds itself, with its reduction. */
class Reduced {
  constructor(readonly reduction: Reduction) {}
}

/**
 * Below protocol 4 there is no NEWOBJ_EX: CPython pickles `functools.partial(cls.__new__, cls, *args, **kwargs)` and
 * calls it with no arguments. The partial reduces to its function, then the state (func, args, keywords or None,
 * None); `cls.__new__` reduces to getattr(cls, '__new__').
 */
function partialNew(r: Reduction): Reduced {
  const newMethod = new Reduced({
    kind: 'reduce',
    func: new PyGlobal('builtins', 'getattr'),
    args: tuple(r.func, '__new__'),
  });
  const keywords = r.kwargs && r.kwargs.size > 0 ? r.kwargs : null;
  const state = tuple<unknown>(newMethod, tuple<unknown>(r.func, ...r.args), keywords, null);
  return new Reduced({
    kind: 'reduce',
    func: new PyGlobal('functools', 'partial'),
    args: tuple<unknown>(newMethod),
    state,
  });
}

/**
 * Pickles `obj` as CPython's `pickle.Pickler(f, protocol).dump(obj)` would, with `hooks` for persistent ids and for
 * objects only the caller knows (tensors, registered classes). Throws TorchTypeError for values Python has no
 * counterpart for (undefined, functions, symbols, unregistered class instances), naming where they are.
 */
export function pickle(obj: unknown, hooks: PicklerHooks = {}, protocol: PickleProtocol = 2): Buffer {
  return new Pickler(hooks, protocol).dump(obj);
}

class Pickler {
  private readonly out = new Sink();
  /** Start of the current protocol-4 frame's contents in `out`. */
  private frameStart = -1;
  private readonly memoObjects = new Map<object, number>();
  private readonly memoStrings = new Map<string, number>();
  private readonly memoGlobals = new Map<string, number>();
  private readonly memoSmallBytes = new Map<string, number>();
  /** Latin-1 singletons made at run time: in CPython not always the object a literal of the same value is. */
  private readonly memoSingletons = new Map<string, number>();
  /** Dotted module names of protocol-4 globals ('torch._utils'). */
  private readonly memoModuleNames = new Map<string, number>();
  private memoSize = 0;
  // Raw steps, formatted only when an error names the place (perf: a formatted string per item was the pickler's
  // largest allocation).
  private readonly path: PathStep[] = [];
  /** OrderedDicts whose str keys are all distinct objects (a state_dict's _metadata). */
  private readonly freshKeyDicts = new WeakSet<object>();

  constructor(
    private readonly hooks: PicklerHooks,
    private readonly protocol: PickleProtocol,
  ) {
    if (![1, 2, 3, 4, 5].includes(protocol)) {
      throw new TorchTypeError(`pickle protocol ${protocol} is not supported; use 1 to 5`);
    }
  }

  dump(obj: unknown): Buffer {
    if (this.protocol >= 2) {
      this.out.byte(OP.PROTO);
      this.out.byte(this.protocol);
    }
    if (this.protocol >= 4) this.startFrame();
    this.save(obj, null, undefined);
    this.out.byte(OP.STOP);
    if (this.protocol >= 4) this.endFrame();
    return Buffer.from(this.out.take());
  }

  // ---- framing (protocol 4) ----------------------------------------------------------------------------------

  private startFrame(): void {
    this.out.byte(OP.FRAME);
    this.out.u64(0); // length, filled in by endFrame
    this.frameStart = this.out.length;
  }

  private endFrame(): void {
    const size = this.out.length - this.frameStart;
    if (size >= FRAME_SIZE_MIN) {
      this.out.buf.writeBigUInt64LE(BigInt(size), this.frameStart - 8);
    } else {
      // CPython does not frame fewer than 4 bytes: the contents move over the header.
      this.out.buf.copy(this.out.buf, this.frameStart - 9, this.frameStart, this.out.length);
      this.out.length -= 9;
    }
    this.frameStart = -1;
  }

  /** CPython ends a frame at the first opcode boundary past 64 KiB and starts the next. */
  private opcodeBoundary(): void {
    if (this.protocol < 4 || this.out.length - this.frameStart < FRAME_SIZE_TARGET) return;
    this.endFrame();
    this.startFrame();
  }

  // ---- memo ---------------------------------------------------------------------------------------------------

  private put(): number {
    const idx = this.memoSize++;
    if (this.protocol >= 4) this.out.byte(OP.MEMOIZE);
    else if (idx < 256) {
      this.out.byte(OP.BINPUT);
      this.out.byte(idx);
    } else {
      this.out.byte(OP.LONG_BINPUT);
      this.out.u32(idx);
    }
    return idx;
  }

  private get(idx: number): void {
    if (idx < 256) {
      this.out.byte(OP.BINGET);
      this.out.byte(idx);
    } else {
      this.out.byte(OP.LONG_BINGET);
      this.out.u32(idx);
    }
  }

  private memoizeObject(obj: object): void {
    this.memoObjects.set(obj, this.put());
  }

  // ---- dispatch -----------------------------------------------------------------------------------------------

  private where(): string {
    return this.path.length ? ` at obj${this.path.map(formatStep).join('')}` : '';
  }

  /** Calls a hook on v (no closure per object); a TorchError it throws is told where in the object it happened. */
  private hook<T>(fn: ((obj: object) => T) | undefined, v: object): T | undefined {
    if (fn === undefined) return undefined;
    try {
      return fn.call(this.hooks, v);
    } catch (e) {
      if (e instanceof TorchError && this.path.length && !e.message.endsWith(this.where())) e.message += this.where();
      throw e;
    }
  }

  private fail(what: string): never {
    throw new TorchTypeError(`cannot save ${what}${this.where()}`);
  }

  /** Saves one value; `container`/`slot` say where it sits, for integral floats marked there. */
  private save(v: unknown, container: object | null, slot: unknown): void {
    if (this.path.length > MAX_DEPTH) this.fail(`an object nested more than ${MAX_DEPTH} levels deep`);
    if (typeof v === 'object' && v !== null && this.hooks.persistentId) {
      const pid = this.hook(this.hooks.persistentId, v);
      if (pid !== undefined) {
        this.save(pid, null, undefined);
        this.out.byte(OP.BINPERSID);
        this.opcodeBoundary();
        return;
      }
    }
    switch (typeof v) {
      case 'number':
        if (container !== null && isMarkedFloat(container, slot)) this.saveFloat(v);
        else if (Number.isInteger(v) && !Object.is(v, -0)) this.saveInt(v);
        else this.saveFloat(v);
        break;
      case 'bigint':
        this.saveInt(v);
        break;
      case 'boolean':
        if (this.protocol >= 2) this.out.byte(v ? OP.NEWTRUE : OP.NEWFALSE);
        else this.out.ascii(v ? 'I01\n' : 'I00\n');
        break;
      case 'string':
        this.saveStr(v, null);
        break;
      case 'object':
        if (v === null) this.out.byte(OP.NONE);
        else this.saveObject(v);
        break;
      case 'undefined':
        this.fail('undefined (Python has no such value; use null for None)');
        break;
      default:
        this.fail(`a ${typeof v}`);
    }
    this.opcodeBoundary();
  }

  private saveObject(v: object): void {
    if (v instanceof Float) return this.saveFloat(v.value);
    if (v instanceof PyStr) return this.saveStr(v.value, v);
    if (v instanceof SingletonStr) return this.saveStr(v.value, 'singleton');
    const memo = this.memoObjects.get(v);
    if (memo !== undefined) return this.get(memo);
    const reduction = this.hook(this.hooks.reduce, v);
    if (reduction instanceof PyGlobal) return this.saveGlobal(reduction.module, reduction.name, v);
    if (reduction) return this.saveReduce(reduction, v);
    if (Buffer.isBuffer(v) || v instanceof Uint8Array) return this.saveBytes(v);
    if (v instanceof Tuple) return this.saveTuple(v);
    if (Array.isArray(v)) return this.saveList(v);
    if (v instanceof OrderedDict) return this.saveOrderedDict(v);
    if (v instanceof Map) return this.saveDict(v, v.entries(), v.size);
    if (v instanceof FrozenSet) return this.saveSet(v, 'frozenset');
    if (v instanceof Set) return this.saveSet(v, 'set');
    if (v instanceof ByteArray) return this.saveByteArray(v);
    if (v instanceof PyGlobal) return this.saveGlobal(v.module, v.name, v);
    if (v instanceof Reduced) return this.saveReduce(v.reduction, v);
    if (v instanceof PyObject) {
      const { kind, cls: func, args, kwargs, state } = v;
      const listItems = v.listItems ?? undefined;
      const dictItems = v.dictItems ?? undefined;
      return this.saveReduce({ kind, func, args, kwargs, state, listItems, dictItems }, v);
    }
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const entries = Object.entries(v);
      return this.saveDict(v, entries, entries.length);
    }
    this.fail(`an object of class ${v.constructor?.name ?? 'unknown'} (not a Python value; register its class)`);
  }

  // ---- atoms --------------------------------------------------------------------------------------------------

  private saveInt(v: number | bigint): void {
    const n = typeof v === 'bigint' ? v : null;
    const small = n === null ? v : n >= -0x80000000n && n <= 0x7fffffffn ? Number(n) : null;
    if (typeof small === 'number' && small >= -0x80000000 && small <= 0x7fffffff) {
      if (small >= 0 && small <= 0xff) {
        this.out.byte(OP.BININT1);
        this.out.byte(small);
      } else if (small >= 0 && small <= 0xffff) {
        this.out.byte(OP.BININT2);
        this.out.u16(small);
      } else {
        this.out.byte(OP.BININT);
        this.out.i32(small);
      }
      return;
    }
    const big = BigInt(v);
    if (this.protocol < 2) {
      this.out.ascii(`L${big}L\n`);
      return;
    }
    const bytes = encodeLong(big);
    if (bytes.length < 256) {
      this.out.byte(OP.LONG1);
      this.out.byte(bytes.length);
    } else {
      this.out.byte(OP.LONG4);
      this.out.u32(bytes.length);
    }
    this.out.bytes(bytes);
  }

  private saveFloat(v: number): void {
    this.out.byte(OP.BINFLOAT);
    this.out.f64be(v);
  }

  /**
   * A str. `identity`: the PyStr that is this very object; 'singleton' for a Latin-1 character made at run time;
   * 'module' for a module name; null for a plain JS string (whose identity follows the rule in the file comment).
   */
  private saveStr(s: string, identity: PyStr | 'singleton' | 'module' | null): void {
    const table =
      identity === 'singleton'
        ? this.memoSingletons
        : identity === 'module'
          ? this.memoModuleNames
          : identity === null && isSingletonString(s)
            ? this.memoStrings
            : null;
    const memo = table ? table.get(s) : identity instanceof PyStr ? this.memoObjects.get(identity) : undefined;
    if (memo !== undefined) return this.get(memo);
    this.writeStr(s);
    const idx = this.put(); // a fresh string is stored too, though nothing refers to it again
    if (table) table.set(s, idx);
    else if (identity instanceof PyStr) this.memoObjects.set(identity, idx);
  }

  private writeStr(s: string): void {
    const utf8 = encodeSurrogatePass(s);
    if (this.protocol >= 4 && utf8.length < 256) this.writePayload(OP.SHORT_BINUNICODE, 1, utf8);
    else if (utf8.length > 0xffffffff) this.writePayload(OP.BINUNICODE8, 8, utf8);
    else this.writePayload(OP.BINUNICODE, 4, utf8);
  }

  /**
   * An opcode with its length field (1, 4 or 8 bytes), then its data; as CPython, data of 64 KiB or more go between
   * frames. (Written field by field: header arrays per str were a visible share of a save's allocations.)
   */
  private writePayload(op: number, lengthBytes: 1 | 4 | 8, data: Uint8Array): void {
    const unframed = this.protocol >= 4 && data.length >= FRAME_SIZE_TARGET;
    if (unframed) this.endFrame();
    this.out.byte(op);
    if (lengthBytes === 1) this.out.byte(data.length);
    else if (lengthBytes === 4) this.out.u32(data.length);
    else this.out.u64(data.length);
    this.out.bytes(data);
    if (unframed) this.startFrame();
  }

  private saveBytes(b: Uint8Array): void {
    // CPython keeps one object for b'' and for each one-byte value.
    const smallKey = b.length <= 1 ? Buffer.from(b).toString('hex') : null;
    if (smallKey !== null) {
      const memo = this.memoSmallBytes.get(smallKey);
      if (memo !== undefined) return this.get(memo);
    }
    if (this.protocol >= 3) {
      if (b.length < 256) this.writePayload(OP.SHORT_BINBYTES, 1, b);
      else if (b.length <= 0xffffffff) this.writePayload(OP.BINBYTES, 4, b);
      else this.writePayload(OP.BINBYTES8, 8, b);
      const idx = this.put();
      if (smallKey !== null) this.memoSmallBytes.set(smallKey, idx);
      else this.memoObjects.set(b, idx);
      return;
    }
    // Protocols < 3 have no bytes opcode: bytes are rebuilt as _codecs.encode(latin-1 str, 'latin1').
    const reduction: Reduction =
      b.length === 0
        ? { kind: 'reduce', func: new PyGlobal('builtins', 'bytes'), args: tuple() }
        : {
            kind: 'reduce',
            func: new PyGlobal('_codecs', 'encode'),
            args: tuple<unknown>(latin1Str(b), 'latin1'),
          };
    this.saveReduce(reduction, b);
    if (smallKey !== null) this.memoSmallBytes.set(smallKey, this.memoObjects.get(b) as number);
  }

  private saveByteArray(v: ByteArray): void {
    if (this.protocol >= 5) {
      this.writePayload(OP.BYTEARRAY8, 8, v.bytes);
      return this.memoizeObject(v);
    }
    const args = v.bytes.length === 0 ? tuple() : tuple<unknown>(Buffer.from(v.bytes));
    this.saveReduce({ kind: 'reduce', func: new PyGlobal('builtins', 'bytearray'), args }, v);
  }

  /** GLOBAL (protocols ≤ 3, with Python 2 names below 3) or STACK_GLOBAL; memoized by name. */
  private saveGlobal(module: string, name: string, obj: object | null): void {
    // The same object again needs no key (perf: a key string per call).
    const known = obj === null ? undefined : this.memoObjects.get(obj);
    if (known !== undefined) return this.get(known);
    const key = `${module}\n${name}`;
    const memo = this.memoGlobals.get(key);
    if (memo !== undefined) return this.get(memo);
    if (this.protocol >= 4) {
      // A module's name is one str object (its __name__) for every global defined in it.
      this.saveStr(module, isSingletonString(module) ? null : 'module');
      this.saveStr(name, null);
      this.out.byte(OP.STACK_GLOBAL);
    } else {
      const [m, n] = this.protocol < 3 ? python2Name(module, name) : [module, name];
      if (!/^[\x20-\x7e]*$/.test(m + n))
        this.fail(`the global ${module}.${name} (not ASCII) with protocol ${this.protocol}`);
      this.out.byte(OP.GLOBAL);
      this.out.ascii(`${m}\n${n}\n`);
    }
    const idx = this.put();
    this.memoGlobals.set(key, idx);
    if (obj !== null) this.memoObjects.set(obj, idx);
  }

  // ---- containers ---------------------------------------------------------------------------------------------

  private saveTuple(t: Tuple): void {
    const n = t.length;
    if (n === 0) {
      this.out.byte(OP.EMPTY_TUPLE);
      return;
    }
    const short = n <= 3 && this.protocol >= 2;
    if (!short) this.out.byte(OP.MARK);
    this.saveItems(t, t);
    const memo = this.memoObjects.get(t);
    if (memo !== undefined) {
      // The tuple refers to itself (through a list or dict): drop the copy, fetch the memoized one.
      if (short) for (let i = 0; i < n; i++) this.out.byte(OP.POP);
      else this.out.byte(OP.POP_MARK);
      return this.get(memo);
    }
    this.out.byte(short ? [OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][n - 1] : OP.TUPLE);
    this.memoizeObject(t);
  }

  private saveItems(items: readonly unknown[], container: object): void {
    for (let i = 0; i < items.length; i++) {
      this.path.push(i);
      this.save(items[i], container, i);
      this.path.pop();
    }
  }

  /** An exact list: EMPTY_LIST, memo, then APPEND for one item or MARK…APPENDS batches of 1000. */
  private saveList(list: unknown[]): void {
    this.out.byte(OP.EMPTY_LIST);
    this.memoizeObject(list);
    const n = list.length;
    if (n === 0) return;
    if (n === 1) {
      this.saveItems(list, list);
      this.out.byte(OP.APPEND);
      return;
    }
    for (let start = 0; start < n; start += BATCHSIZE) {
      this.out.byte(OP.MARK);
      const end = Math.min(n, start + BATCHSIZE);
      for (let i = start; i < end; i++) {
        this.path.push(i);
        this.save(list[i], list, i);
        this.path.pop();
      }
      this.out.byte(OP.APPENDS);
    }
  }

  /** An exact dict: EMPTY_DICT, memo, then SETITEM for one item or MARK…SETITEMS batches of 1000. */
  private saveDict(d: object, entries: Iterable<[unknown, unknown]>, size: number): void {
    this.out.byte(OP.EMPTY_DICT);
    this.memoizeObject(d);
    if (size === 0) return;
    const it = entries[Symbol.iterator]();
    if (size === 1) {
      this.saveEntry(d, it.next().value as [unknown, unknown]);
      this.out.byte(OP.SETITEM);
      return;
    }
    // As CPython's batch_dict_exact: a batch that fills up is followed by another one, even an empty one.
    let count: number;
    do {
      this.out.byte(OP.MARK);
      count = 0;
      while (count < BATCHSIZE) {
        const r = it.next();
        if (r.done) break;
        this.saveEntry(d, r.value);
        count++;
      }
      this.out.byte(OP.SETITEMS);
    } while (count === BATCHSIZE);
  }

  private saveEntry(d: object, entry: [unknown, unknown]): void {
    const k = entry[0];
    const v = entry[1];
    this.path.push(k);
    const fresh = typeof k === 'string' && k !== '' && this.freshKeyDicts.has(d);
    this.save(fresh ? new PyStr(k) : k, null, undefined);
    this.save(v, d, k);
    this.path.pop();
  }

  private saveOrderedDict(d: OrderedDict): void {
    const state = d.attributes && d.attributes.size > 0 ? d.attributes : undefined;
    // Module.state_dict() names _metadata entries by prefix[:-1], a new string for every module but the root ('').
    const metadata = d.attributes?.get('_metadata');
    if (metadata instanceof OrderedDict) this.freshKeyDicts.add(metadata);
    this.saveReduce(
      {
        kind: 'reduce',
        func: ORDERED_DICT,
        args: NO_ARGS,
        dictItems: d.entries(),
        state,
      },
      d,
    );
  }

  /** set / frozenset: `__builtin__ set` of a list below protocol 4; EMPTY_SET + ADDITEMS or FROZENSET from 4. */
  private saveSet(s: Set<unknown>, kind: 'set' | 'frozenset'): void {
    if (this.protocol < 4) {
      const args = tuple<unknown>([...s]);
      this.saveReduce({ kind: 'reduce', func: new PyGlobal('builtins', kind), args }, s);
      return;
    }
    if (kind === 'frozenset') {
      this.out.byte(OP.MARK);
      for (const item of s) this.save(item, s, item);
      const memo = this.memoObjects.get(s);
      if (memo !== undefined) {
        this.out.byte(OP.POP_MARK);
        return this.get(memo);
      }
      this.out.byte(OP.FROZENSET);
      this.memoizeObject(s);
      return;
    }
    this.out.byte(OP.EMPTY_SET);
    this.memoizeObject(s);
    const items = [...s];
    for (let start = 0; start < items.length; start += BATCHSIZE) {
      this.out.byte(OP.MARK);
      for (const item of items.slice(start, start + BATCHSIZE)) this.save(item, s, item);
      this.out.byte(OP.ADDITEMS);
    }
  }

  // ---- reduce -------------------------------------------------------------------------------------------------

  /** CPython's save_reduce: build, memoize obj, then items and state. */
  private saveReduce(r: Reduction, obj: object): void {
    if (r.kind === 'newobj_ex' && this.protocol < 4) {
      this.save(partialNew(r), null, undefined);
      this.out.byte(OP.EMPTY_TUPLE);
      this.out.byte(OP.REDUCE);
    } else if (r.kind === 'newobj_ex') {
      this.saveCallable(r.func);
      this.save(r.args, null, undefined);
      this.save(r.kwargs ?? new Map(), null, undefined);
      this.out.byte(OP.NEWOBJ_EX);
    } else if (r.kind === 'newobj' && this.protocol >= 2) {
      this.saveCallable(r.func);
      this.save(r.args, null, undefined);
      this.out.byte(OP.NEWOBJ);
    } else if (r.kind === 'newobj') {
      // Protocol 1 has no NEWOBJ: copyreg.__newobj__(cls, *args) does the same.
      this.saveGlobal('copyreg', '__newobj__', null);
      this.save(tuple<unknown>(r.func, ...r.args), null, undefined);
      this.out.byte(OP.REDUCE);
    } else {
      this.saveCallable(r.func);
      this.save(r.args, null, undefined);
      this.out.byte(OP.REDUCE);
    }
    const memo = this.memoObjects.get(obj);
    if (memo !== undefined) {
      // obj was reached again while its arguments were written: keep the first one.
      this.out.byte(OP.POP);
      this.get(memo);
    } else {
      this.memoizeObject(obj);
    }
    // Marked floats among the items are looked up in the items' own container when it is one (a PyObject's).
    if (r.listItems) this.batchIter(r.listItems, false, Array.isArray(r.listItems) ? r.listItems : obj);
    if (r.dictItems) this.batchIter(r.dictItems, true, r.dictItems instanceof Map ? r.dictItems : obj);
    if (r.state !== undefined && r.state !== null) {
      this.path.push(STATE);
      this.save(r.state, null, undefined);
      this.path.pop();
      this.out.byte(OP.BUILD);
    }
  }

  private saveCallable(func: unknown): void {
    if (func instanceof PyGlobal) this.saveGlobal(func.module, func.name, func);
    else this.save(func, null, undefined);
  }

  /** CPython's batch_list / batch_dict over an iterator: a lone item in a batch is APPEND / SETITEM. */
  private batchIter(items: Iterable<unknown>, dict: boolean, container: object): void {
    const it = items[Symbol.iterator]();
    let index = 0;
    const write = (item: unknown): void => {
      if (dict) return this.saveEntry(container, item as [unknown, unknown]);
      this.path.push(index);
      this.save(item, container, index++);
      this.path.pop();
    };
    let n: number;
    do {
      const first = it.next();
      if (first.done) break;
      let next = it.next();
      if (next.done) {
        write(first.value);
        this.out.byte(dict ? OP.SETITEM : OP.APPEND);
        break;
      }
      this.out.byte(OP.MARK);
      write(first.value);
      n = 1;
      while (!next.done) {
        write(next.value);
        n++;
        if (n === BATCHSIZE) break;
        next = it.next();
      }
      this.out.byte(dict ? OP.SETITEMS : OP.APPENDS);
    } while (n === BATCHSIZE);
  }
}
