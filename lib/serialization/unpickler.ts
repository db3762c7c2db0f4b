/**
 * A pickle virtual machine for protocols 0–5, written to read untrusted files: it never calls anything. GLOBAL, REDUCE,
 * NEWOBJ, BUILD and persistent ids are handed to {@link PickleHooks}, which decide what they mean (the loader turns
 * the globals PyTorch files use into tensors and stand-ins, and everything else into inert PyObjects).
 *
 * Bounds: every length is checked against the bytes left before anything is read, so strings, bytes, the stack and
 * the memo are bounded by the pickle's own size; decimal integers are limited to CPython's 4300 digits. Python
 * floats come out as numbers, and an integral float is marked in its container with markFloat (a float key or set
 * member, and a top-level float, stays a {@link Float}) so that saving writes a float again.
 */
import { loadError, LoadErrorCode, Where } from './load-errors';
import { ByteArray, Float, FrozenSet, markFloat, PyObject, Tuple } from './python';
import { memoReads } from './pickle-memo-scan';
import { python3Name } from './python2-names';

/** What the loader does with the instructions that refer to code or to outside data. */
export interface PickleHooks {
  /** GLOBAL / STACK_GLOBAL (names already mapped from Python 2): the value that stands for module.name. */
  global(module: string, name: string): unknown;
  /** BINPERSID / PERSID. */
  persistentLoad(pid: unknown): unknown;
  /** REDUCE, INST, OBJ: `callable(*args)`. */
  reduce(callable: unknown, args: Tuple): unknown;
  /** NEWOBJ / NEWOBJ_EX: `cls.__new__(cls, *args, **kwargs)`. */
  newobj(cls: unknown, args: Tuple, kwargs: Map<unknown, unknown> | null): unknown;
  /** BUILD: gives obj its state; returns the object that stands in its place (usually obj itself). */
  build(obj: unknown, state: unknown): unknown;
  /** True for objects that BUILD may replace (the memo remembers where they are kept). */
  isPending(v: unknown): boolean;
  /**
   * When true, items may only be appended to lists and set into dicts (the weights-only rules); otherwise items
   * given to an inert object are kept on it.
   */
  readonly strictContainers: boolean;
}

/** The result of one pickle: its value, where it stopped, and its protocol (0 when it has no PROTO). */
export interface Unpickled {
  value: unknown;
  end: number;
  protocol: number;
}

/** CPython refuses to convert longer decimal integers (sys.int_info.default_max_str_digits). */
const MAX_DECIMAL_DIGITS = 4300;

const MARK_OPCODE = 0x28;
// ignoreBOM keeps a leading U+FEFF, which is part of the Python string.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Python's `'%c'`/`'\xNN'` rendering of a byte, as in "invalid load key, 'x'.". */
function byteRepr(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
}

/**
 * UTF-8 with lone surrogates allowed (Python's 'surrogatepass', which pickle uses for str): JS strings can hold them,
 * so such a string survives a load and a save.
 */
function decodeSurrogatePass(bytes: Buffer): string | null {
  const surrogateAt = (j: number): boolean =>
    bytes[j] === 0xed && j + 2 < bytes.length && bytes[j + 1] >= 0xa0 && bytes[j + 1] <= 0xbf;
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    if (surrogateAt(i)) {
      if ((bytes[i + 2] & 0xc0) !== 0x80) return null;
      out += String.fromCharCode(0xd000 | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f));
      i += 3;
      continue;
    }
    let j = i + 1;
    while (j < bytes.length && !surrogateAt(j)) j++;
    try {
      out += utf8.decode(bytes.subarray(i, j));
    } catch {
      return null;
    }
    i = j;
  }
  return out;
}

/**
 * Reads one pickle from buf at start, as CPython's Unpickler does, without calling anything. `maxDepth` bounds how
 * many MARKs may be open at once: each open MARK is a container being built inside another, so a file nesting
 * deeper is refused at once instead of after building a million nested containers (the depth of the finished value
 * is checked again by revive.ts).
 */
export function unpickle(buf: Buffer, start: number, hooks: PickleHooks, where: Where, maxDepth = Infinity): Unpickled {
  return new Machine(buf, start, hooks, where, maxDepth).run();
}

class Machine {
  private pos: number;
  private stack: unknown[] = [];
  private readonly metastack: unknown[][] = [];
  // An array, not a Map: memo indices are small consecutive integers in every real pickle, and a Map's hashing was
  // a fifth of the time of loading a checkpoint of many small tensors (sparse indices still work, as a slow array).
  private readonly memo: unknown[] = [];
  private memoSize = 0;
  /** The memo entries the pickle reads back (pickle-memo-scan.ts); null keeps them all. */
  private readonly memoKept: Set<number> | null;
  /** Memo slots holding objects that BUILD may replace. */
  private readonly pendingSlots = new Map<unknown, number[]>();
  private protocol = 0;

  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly hooks: PickleHooks,
    private readonly where: Where,
    private readonly maxDepth: number,
  ) {
    this.pos = start;
    this.memoKept = memoReads(buf, start);
  }

  private fail(message: string, code: LoadErrorCode = LoadErrorCode.PICKLE_CORRUPT): never {
    throw loadError(code, message, this.where);
  }

  // ---- reading ---------------------------------------------------------------------------------------------------

  /** Checks that n bytes remain and moves past them; returns where they start. */
  private skip(n: number): number {
    if (n > this.buf.length - this.pos) this.fail('pickle data was truncated', LoadErrorCode.TRUNCATED);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  /** n bytes from the stream (a view), after checking that they exist. */
  private take(n: number): Buffer {
    const at = this.skip(n);
    return this.buf.subarray(at, at + n);
  }
  /**
   * n bytes from the stream as a str. Buffer's own decoder is the fast path (no view, no TextDecoder call); it
   * turns bad sequences into U+FFFD, so only a string showing one is decoded again strictly (it may hold a real
   * U+FFFD, lone surrogates, or be an error).
   */
  private text(n: number): string {
    const at = this.skip(n);
    const s = this.buf.toString('utf8', at, at + n);
    return s.includes('\uFFFD') ? this.str(this.buf.subarray(at, at + n)) : s;
  }
  private u8(): number {
    if (this.pos >= this.buf.length) this.fail('pickle data was truncated', LoadErrorCode.TRUNCATED);
    return this.buf[this.pos++];
  }
  // Numbers and strings are read in place: a Buffer view for each (take) was the largest allocation of a load.
  private u16(): number {
    return this.buf.readUInt16LE(this.skip(2));
  }
  private u32(): number {
    return this.buf.readUInt32LE(this.skip(4));
  }
  private i32(): number {
    return this.buf.readInt32LE(this.skip(4));
  }
  private u64(): number {
    const v = this.buf.readBigUInt64LE(this.skip(8));
    if (v > BigInt(this.buf.length)) this.fail('pickle data was truncated', LoadErrorCode.TRUNCATED);
    return Number(v);
  }
  /** A text line without its '\n' (protocol 0 arguments). */
  private line(): string {
    const nl = this.buf.indexOf(0x0a, this.pos);
    if (nl < 0) this.fail('pickle data was truncated', LoadErrorCode.TRUNCATED);
    const s = this.buf.toString('latin1', this.pos, nl);
    this.pos = nl + 1;
    return s;
  }

  private str(bytes: Buffer): string {
    try {
      return utf8.decode(bytes);
    } catch {
      const s = decodeSurrogatePass(bytes);
      if (s === null) this.fail("'utf-8' codec can't decode the bytes of a string");
      return s;
    }
  }

  // ---- stack -----------------------------------------------------------------------------------------------------

  private pop(): unknown {
    if (this.stack.length === 0) this.fail('unpickling stack underflow');
    return this.stack.pop();
  }
  private top(): unknown {
    if (this.stack.length === 0) this.fail('unpickling stack underflow');
    return this.stack[this.stack.length - 1];
  }
  private popMark(): unknown[] {
    const items = this.stack;
    const outer = this.metastack.pop();
    if (outer === undefined) this.fail('could not find MARK');
    this.stack = outer;
    return items;
  }
  private memoPut(i: number): void {
    const v = this.top();
    if (this.memoKept !== null && !this.memoKept.has(i)) {
      // Never read back: not kept, so that it can die young. (Only MEMOIZE reads the count, and then every index is
      // new.)
      this.memoSize++;
      return;
    }
    if (this.memo[i] === undefined) this.memoSize++;
    this.memo[i] = v;
    if (this.hooks.isPending(v)) {
      const slots = this.pendingSlots.get(v);
      if (slots) slots.push(i);
      else this.pendingSlots.set(v, [i]);
    }
  }
  private memoGet(i: number): unknown {
    const v = this.memo[i];
    if (v === undefined) this.fail(`Memo value not found at index ${i}`);
    return v;
  }

  // ---- values ----------------------------------------------------------------------------------------------------

  /** A float or int that goes into `container` at `slot`: integral floats are marked there. */
  private slotValue(container: object, slot: unknown, v: unknown): unknown {
    if (v instanceof Float) {
      if (Number.isInteger(v.value)) markFloat(container, slot);
      return v.value;
    }
    return v;
  }
  /** Dict keys and set members have no slot: integral floats stay Float, others become numbers. */
  private keyValue(v: unknown): unknown {
    return v instanceof Float && !Number.isInteger(v.value) ? v.value : v;
  }
  private tuple(items: unknown[]): Tuple {
    // Made at its length and filled by index: pushing into a new Tuple was several times slower.
    const t = new Tuple(items.length);
    for (let i = 0; i < items.length; i++) t[i] = this.slotValue(t, i, items[i]);
    return t;
  }
  private int(v: bigint): number | bigint {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  /** LONG1/LONG4 payload: little-endian two's complement. */
  private long(bytes: Buffer): number | bigint {
    if (bytes.length === 0) return 0;
    if (bytes.length <= 6) return bytes.readIntLE(0, bytes.length);
    let v = BigInt('0x' + Buffer.from(bytes).reverse().toString('hex'));
    if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(bytes.length * 8);
    return this.int(v);
  }
  /** Protocol 0 INT / LONG text. */
  private decimal(text: string, op: string): number | bigint | boolean {
    if (op === 'I' && text === '00') return false;
    if (op === 'I' && text === '01') return true;
    const digits = op === 'L' && text.endsWith('L') ? text.slice(0, -1) : text;
    if (!/^[+-]?\d+$/.test(digits)) this.fail(`invalid literal for int() with base 10: '${text}'`);
    if (digits.replace(/^[+-]/, '').length > MAX_DECIMAL_DIGITS) {
      this.fail(`Exceeds the limit (${MAX_DECIMAL_DIGITS} digits) for integer string conversion`, 'LIMIT_EXCEEDED');
    }
    return this.int(BigInt(digits));
  }
  /** Protocol 0 STRING: a quoted Python 2 str literal with backslash escapes, decoded as UTF-8. */
  private quotedString(text: string): string {
    const q = text[0];
    if (text.length < 2 || (q !== "'" && q !== '"') || text[text.length - 1] !== q) {
      this.fail('the STRING opcode argument must be quoted');
    }
    const body = text.slice(1, -1);
    const bytes: number[] = [];
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34 };
    for (let i = 0; i < body.length; i++) {
      const c = body[i];
      if (c !== '\\') {
        bytes.push(body.charCodeAt(i) & 0xff);
        continue;
      }
      const e = body[++i];
      if (e === undefined) this.fail('Trailing \\ in string');
      if (e in simple) bytes.push(simple[e]);
      else if (e === '\n') continue;
      else if (e === 'x') {
        const h = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) this.fail(`invalid \\x escape at position ${i - 1}`);
        bytes.push(parseInt(h, 16));
        i += 2;
      } else if (e >= '0' && e <= '7') {
        let o = e;
        while (o.length < 3 && body[i + 1] >= '0' && body[i + 1] <= '7') o += body[++i];
        bytes.push(parseInt(o, 8) & 0xff);
      } else bytes.push(92, body.charCodeAt(i) & 0xff);
    }
    return this.str(Buffer.from(bytes));
  }
  /** Protocol 0 UNICODE: raw-unicode-escape (latin-1 with \uXXXX and \UXXXXXXXX). */
  private rawUnicode(text: string): string {
    return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, u4?: string, u8?: string) =>
      String.fromCodePoint(parseInt((u4 ?? u8) as string, 16)),
    );
  }

  /** Inserts key → value into the dict-like target (SETITEM, SETITEMS). */
  private setItem(target: unknown, key: unknown, value: unknown): void {
    if (target instanceof Map) {
      const k = this.keyValue(key);
      target.set(k, this.slotValue(target, k, value));
    } else if (target instanceof PyObject && !this.hooks.strictContainers) {
      const items = (target.dictItems ??= new Map());
      const k = this.keyValue(key);
      items.set(k, this.slotValue(items, k, value));
    } else {
      this.fail(`cannot set an item on ${describeTarget(target)}`, this.hooks.strictContainers ? 'UNSAFE' : undefined);
    }
  }
  /** Appends items to the list-like target (APPEND, APPENDS). */
  private append(target: unknown, items: unknown[]): void {
    let list: unknown[];
    if (Array.isArray(target) && !(target instanceof Tuple)) list = target;
    else if (target instanceof PyObject && !this.hooks.strictContainers) list = target.listItems ??= [];
    else {
      return this.fail(
        `cannot append to ${describeTarget(target)}`,
        this.hooks.strictContainers ? 'UNSAFE' : undefined,
      );
    }
    for (const it of items) list.push(this.slotValue(list, list.length, it));
  }
  private addItems(target: unknown, items: unknown[]): void {
    if (!(target instanceof Set)) this.fail(`cannot add items to ${describeTarget(target)}`);
    for (const it of items) target.add(this.keyValue(it));
  }
  /** GLOBAL's names, mapped from Python 2 as pickle's fix_imports does for protocols below 3. */
  private globalNames(module: string, name: string): [string, string] {
    return this.protocol < 3 ? python3Name(module, name) : [module, name];
  }
  private global(module: string, name: string): void {
    const [m, n] = this.globalNames(module, name);
    this.stack.push(this.hooks.global(m, n));
  }
  private asTuple(v: unknown, what: string): Tuple {
    if (v instanceof Tuple) return v;
    // REDUCE with a list of args is accepted by CPython (any sequence works for *args).
    if (Array.isArray(v)) return this.tuple(v);
    return this.fail(`${what} arguments must be a tuple, not ${describeTarget(v)}`);
  }

  // ---- the loop ---------------------------------------------------------------------------------------------------

  run(): Unpickled {
    const { buf, hooks } = this;
    if (this.pos >= buf.length) this.fail('Ran out of input', LoadErrorCode.TRUNCATED);
    for (;;) {
      const op = this.u8();
      switch (op) {
        // -- framing and protocol
        case 0x80: {
          this.protocol = this.u8();
          if (this.protocol > 5) this.fail(`unsupported pickle protocol: ${this.protocol}`);
          break;
        }
        case 0x95: // FRAME: the length only helps buffered readers
          this.u64();
          break;
        case 0x2e: {
          // STOP
          const v = this.pop();
          return {
            value: v instanceof Float && !Number.isInteger(v.value) ? v.value : v,
            end: this.pos,
            protocol: this.protocol,
          };
        }
        // -- marks and stack
        case MARK_OPCODE:
          if (this.metastack.length >= this.maxDepth) {
            this.fail(`the data nests deeper than ${this.maxDepth} levels`, LoadErrorCode.LIMIT_EXCEEDED);
          }
          this.metastack.push(this.stack);
          this.stack = [];
          break;
        case 0x30: // POP
          if (this.stack.length === 0) this.popMark();
          else this.stack.pop();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.stack.push(this.top());
          break;
        // -- memo
        case 0x70: // PUT
          this.memoPut(Number(this.decimal(this.line(), 'p')));
          break;
        case 0x71: // BINPUT
          this.memoPut(this.u8());
          break;
        case 0x72: // LONG_BINPUT
          this.memoPut(this.u32());
          break;
        case 0x94: // MEMOIZE
          this.memoPut(this.memoSize);
          break;
        case 0x67: // GET
          this.stack.push(this.memoGet(Number(this.decimal(this.line(), 'g'))));
          break;
        case 0x68: // BINGET
          this.stack.push(this.memoGet(this.u8()));
          break;
        case 0x6a: // LONG_BINGET
          this.stack.push(this.memoGet(this.u32()));
          break;
        // -- constants and numbers
        case 0x4e: // NONE
          this.stack.push(null);
          break;
        case 0x88: // NEWTRUE
          this.stack.push(true);
          break;
        case 0x89: // NEWFALSE
          this.stack.push(false);
          break;
        case 0x4a: // BININT
          this.stack.push(this.i32());
          break;
        case 0x4b: // BININT1
          this.stack.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.stack.push(this.u16());
          break;
        case 0x8a: // LONG1
          this.stack.push(this.long(this.take(this.u8())));
          break;
        case 0x8b: {
          // LONG4
          const n = this.i32();
          if (n < 0) this.fail('LONG pickle has negative byte count');
          this.stack.push(this.long(this.take(n)));
          break;
        }
        case 0x49: // INT
          this.stack.push(this.decimal(this.line(), 'I'));
          break;
        case 0x4c: // LONG
          this.stack.push(this.decimal(this.line(), 'L'));
          break;
        case 0x47: // BINFLOAT
          this.stack.push(new Float(this.buf.readDoubleBE(this.skip(8))));
          break;
        case 0x46: {
          // FLOAT
          const text = this.line();
          const v = parsePythonFloat(text);
          if (v === null) this.fail(`could not convert string to float: '${text}'`);
          this.stack.push(new Float(v));
          break;
        }
        // -- strings and bytes
        case 0x58: // BINUNICODE
          this.stack.push(this.text(this.u32()));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.stack.push(this.text(this.u8()));
          break;
        case 0x8d: // BINUNICODE8
          this.stack.push(this.text(this.u64()));
          break;
        case 0x56: // UNICODE
          this.stack.push(this.rawUnicode(this.line()));
          break;
        case 0x53: // STRING (Python 2 str, decoded as torch.load's encoding='utf-8')
          this.stack.push(this.quotedString(this.line()));
          break;
        case 0x54: {
          // BINSTRING
          const n = this.i32();
          if (n < 0) this.fail('BINSTRING pickle has negative byte count');
          this.stack.push(this.text(n));
          break;
        }
        case 0x55: // SHORT_BINSTRING
          this.stack.push(this.text(this.u8()));
          break;
        case 0x42: // BINBYTES
          this.stack.push(Buffer.from(this.take(this.u32())));
          break;
        case 0x43: // SHORT_BINBYTES
          this.stack.push(Buffer.from(this.take(this.u8())));
          break;
        case 0x8e: // BINBYTES8
          this.stack.push(Buffer.from(this.take(this.u64())));
          break;
        case 0x96: // BYTEARRAY8
          this.stack.push(new ByteArray(Buffer.from(this.take(this.u64()))));
          break;
        case 0x97: // NEXT_BUFFER
        case 0x98: // READONLY_BUFFER
          this.fail('pickle stream refers to out-of-band data but no *buffers* argument was given', 'UNSUPPORTED');
          break;
        // -- containers
        case 0x29: // EMPTY_TUPLE
          this.stack.push(new Tuple());
          break;
        case 0x74: {
          // TUPLE (popMark replaces this.stack: take the items before pushing)
          const t = this.tuple(this.popMark());
          this.stack.push(t);
          break;
        }
        case 0x85: // TUPLE1
          this.stack.push(this.tuple([this.pop()]));
          break;
        case 0x86: {
          // TUPLE2
          const b = this.pop();
          this.stack.push(this.tuple([this.pop(), b]));
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = this.pop();
          const b = this.pop();
          this.stack.push(this.tuple([this.pop(), b, c]));
          break;
        }
        case 0x5d: // EMPTY_LIST
          this.stack.push([]);
          break;
        case 0x6c: {
          // LIST
          const list: unknown[] = [];
          this.append(list, this.popMark());
          this.stack.push(list);
          break;
        }
        case 0x61: {
          // APPEND
          const v = this.pop();
          this.append(this.top(), [v]);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          this.append(this.top(), items);
          break;
        }
        case 0x7d: // EMPTY_DICT
          this.stack.push(new Map());
          break;
        case 0x64: {
          // DICT
          const items = this.popMark();
          if (items.length % 2) this.fail('odd number of items for DICT');
          const d = new Map();
          for (let i = 0; i < items.length; i += 2) this.setItem(d, items[i], items[i + 1]);
          this.stack.push(d);
          break;
        }
        case 0x73: {
          // SETITEM
          const v = this.pop();
          const k = this.pop();
          this.setItem(this.top(), k, v);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark();
          if (items.length % 2) this.fail('odd number of items for SETITEMS');
          const target = this.top();
          for (let i = 0; i < items.length; i += 2) this.setItem(target, items[i], items[i + 1]);
          break;
        }
        case 0x8f: // EMPTY_SET
          this.stack.push(new Set());
          break;
        case 0x90: {
          // ADDITEMS
          const items = this.popMark();
          this.addItems(this.top(), items);
          break;
        }
        case 0x91: {
          // FROZENSET
          const fs = new FrozenSet();
          for (const it of this.popMark()) fs.add(this.keyValue(it));
          this.stack.push(fs);
          break;
        }
        // -- globals and objects
        case 0x63: {
          // GLOBAL
          const module = this.line();
          this.global(module, this.line());
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL requires str');
          this.global(module, name);
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.asTuple(this.pop(), 'REDUCE');
          const fn = this.pop();
          this.stack.push(hooks.reduce(fn, args));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = this.asTuple(this.pop(), 'NEWOBJ');
          const cls = this.pop();
          this.stack.push(hooks.newobj(cls, args, null));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.asTuple(this.pop(), 'NEWOBJ_EX');
          const cls = this.pop();
          if (!(kwargs instanceof Map)) this.fail('NEWOBJ_EX kwargs must be a dict');
          this.stack.push(hooks.newobj(cls, args, kwargs));
          break;
        }
        case 0x69: {
          // INST: module and name on lines, args since MARK; calls the class
          const module = this.line();
          const name = this.line();
          const args = this.tuple(this.popMark());
          const [m, n] = this.globalNames(module, name);
          this.stack.push(hooks.reduce(hooks.global(m, n), args));
          break;
        }
        case 0x6f: {
          // OBJ: class and args since MARK
          const items = this.popMark();
          if (items.length === 0) this.fail('unpickling stack underflow');
          this.stack.push(hooks.reduce(items[0], this.tuple(items.slice(1))));
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.pop();
          const obj = this.pop();
          const stateValue = state instanceof Float ? state.value : state;
          const built = hooks.build(obj, stateValue);
          if (built !== obj) this.replaceInMemo(obj, built);
          this.stack.push(built);
          break;
        }
        case 0x51: // BINPERSID
          this.stack.push(hooks.persistentLoad(this.pop()));
          break;
        case 0x50: // PERSID
          this.stack.push(hooks.persistentLoad(this.line()));
          break;
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: // EXT4
          this.fail('unregistered extension code', 'UNSUPPORTED');
          break;
        default:
          this.fail(`invalid load key, '${byteRepr(op)}'.`);
      }
    }
  }

  /** BUILD replaced a placeholder (a legacy tensor): the memo slots that held it must now give the new object. */
  private replaceInMemo(old: unknown, now: unknown): void {
    for (const k of this.pendingSlots.get(old) ?? []) if (this.memo[k] === old) this.memo[k] = now;
    this.pendingSlots.delete(old);
  }
}

/** Python's float() of FLOAT text ('1.5', 'inf', 'nan', '-1e+300'); null when it is not a float literal. */
function parsePythonFloat(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^[+-]?inf(inity)?$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}

/** A short name for a value's Python-ish type, for error messages. */
export function describeTarget(v: unknown): string {
  if (v === null) return 'None';
  if (v instanceof PyObject) return `an object of ${v.cls.qualname}`;
  if (v instanceof Tuple) return 'a tuple';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Map) return 'a dict';
  if (typeof v === 'object') return `a ${v.constructor?.name ?? 'object'}`;
  return `a ${typeof v}`;
}

/**
 * A value from the file as an error message shows it: containers (which may nest a million deep: hooks run before
 * the nesting depth is checked, and String() of such a tuple overflowed the stack) as what they are ('a tuple'),
 * anything else (strings, numbers, devices, globals) as itself.
 */
export function describeValue(v: unknown): string {
  if (Array.isArray(v) || v instanceof Map || v instanceof Set || v instanceof PyObject) return describeTarget(v);
  return String(v);
}
