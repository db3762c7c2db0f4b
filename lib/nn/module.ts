/**
 * nn.Module: PyTorch's module semantics in TypeScript.
 *
 * Registration works as Python's `__setattr__`: the constructor returns a Proxy, so assigning a {@link Parameter}
 * (`this.weight = new Parameter(…)`) or a Module (`this.features = new Sequential(…)`) to a property registers it,
 * in assignment order, in `_parameters` / `_modules`; assigning to the name of a registered buffer updates the buffer;
 * anything else is a plain attribute. Registered names read back as properties (`net.features`, `conv.weight`).
 * `registerParameter`, `registerBuffer` and `addModule` do the same explicitly.
 *
 * Subclasses in TypeScript: declare registered fields with `declare` (`declare weight: Parameter;`), or leave them
 * uninitialised, so that a class-field definition does not overwrite what the constructor registered.
 *
 * The attributes a whole-module pickle holds (Python's `__dict__`) are Module's own state followed by the instance's
 * plain enumerable properties in assignment order, with camelCase names written in snake_case (`kernelSize` →
 * `kernel_size`); see module-pickle.ts.
 */
import { inspect } from 'util';
import { noGrad } from '../autograd';
import { DeviceLike } from '../device';
import { DType, isComplex, isFloatingPoint, toDtype } from '../dtype';
import { TorchError } from '../errors';
import { native } from '../native';
import { Parameter } from '../parameter';
import { OrderedDict } from '../serialization/python';
import { Tensor } from '../tensor';
import { describeType, pyError } from './errors';
import { zeroGrads } from './grads';

/** What loadStateDict found: keys the module expected but the state dict lacked, and keys it did not expect. */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** A state dict: parameter and buffer names → tensors, with `_metadata` (module versions) as PyTorch writes it. */
export type StateDict = OrderedDict<string, Tensor>;

/** Where Module.to sends parameters and buffers: a device, a floating dtype, both, or a tensor's device and dtype. */
export type ModuleTarget = DeviceLike | DType | Tensor | { device?: DeviceLike; dtype?: DType | string };

/** A state dict as loadStateDict accepts it: an OrderedDict (from stateDict() or torch.load), a Map, or an object. */
export type StateDictLike = Map<string, unknown> | Record<string, unknown>;

const INTERNAL = ['_parameters', '_buffers', '_nonPersistentBuffersSet', '_modules', '_pyState'] as const;

/** Python's __setattr__, routed through the Proxy every Module is. */
const registration: ProxyHandler<Module> = {
  set(target, key, value, receiver) {
    if (
      typeof key === 'string' &&
      (value instanceof Parameter || value instanceof Module || target._isRegistered(key))
    ) {
      target._setAttr(key, value);
      return true;
    }
    return Reflect.set(target, key, value, receiver);
  },
  defineProperty(target, key, desc) {
    // A class field (define semantics) holding a Parameter or Module registers it; an uninitialised field declaration
    // (value undefined) must not clobber a name the constructor already registered.
    if (typeof key === 'string' && 'value' in desc) {
      const value: unknown = desc.value;
      if (value instanceof Parameter || value instanceof Module) {
        target._setAttr(key, value);
        return true;
      }
      if (target._isRegistered(key)) {
        if (value !== undefined) target._setAttr(key, value);
        return true;
      }
    }
    return Reflect.defineProperty(target, key, desc);
  },
  deleteProperty(target, key) {
    if (typeof key === 'string' && target._isRegistered(key)) {
      target._delAttr(key);
      return true;
    }
    return Reflect.deleteProperty(target, key);
  },
};

function hidden(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: false, configurable: true });
}

/** Python's _addindent: indents every line but the first. */
function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  return [lines[0], ...lines.slice(1).map((l) => ' '.repeat(spaces) + l)].join('\n');
}

/** Base class of every layer and model (torch.nn.Module). */
export class Module {
  /** The module's version, saved in stateDict()._metadata (BatchNorm's is 2). */
  static _version = 1;
  /** Attributes (JS names) whose integral JS numbers are Python floats when the module is pickled. */
  static floatAttributes: readonly string[] = [];

  /** True in training mode (train()), false in evaluation mode (eval()). */
  declare training: boolean;
  /** @internal Registered parameters, in registration order (Python's `_parameters`). */
  declare _parameters: OrderedDict<string, Parameter | null>;
  /** @internal Registered buffers (Python's `_buffers`). */
  declare _buffers: OrderedDict<string, Tensor | null>;
  /** @internal Names of buffers left out of stateDict(). */
  declare _nonPersistentBuffersSet: Set<string>;
  /** @internal Child modules (Python's `_modules`). */
  declare _modules: OrderedDict<string, Module | null>;
  /** @internal What a revived module's pickle held beyond the attributes torch-node models (see module-pickle.ts). */
  declare _pyState: Map<string, unknown> | null;

  constructor() {
    Module._initState(this);
    return new Proxy(this, registration);
  }

  /** @internal Module.__init__'s state on a bare object (the constructor, or reviving a pickle). */
  static _initState(target: Module): void {
    Object.defineProperty(target, 'training', { value: true, writable: true, enumerable: false, configurable: true });
    hidden(target, '_parameters', new OrderedDict());
    hidden(target, '_buffers', new OrderedDict());
    hidden(target, '_nonPersistentBuffersSet', new Set());
    hidden(target, '_modules', new OrderedDict());
    hidden(target, '_pyState', null);
  }

  /** @internal A registered, constructor-less instance of cls (what pickle's NEWOBJ makes), behind the Proxy. */
  static _blank<T extends Module>(cls: abstract new (...args: never[]) => T): T {
    const target = Object.create(cls.prototype) as T;
    Module._initState(target);
    return new Proxy(target, registration) as T;
  }

  // ---- registration ------------------------------------------------------------------------------------------

  /** @internal */
  _isRegistered(name: string): boolean {
    return this._parameters.has(name) || this._buffers.has(name) || this._modules.has(name);
  }

  /** @internal Makes `name` read the registered entry, as Python's __getattr__ falls back to the three dicts. */
  _expose(name: string): void {
    Object.defineProperty(this, name, {
      get(this: Module) {
        if (this._parameters.has(name)) return this._parameters.get(name);
        if (this._buffers.has(name)) return this._buffers.get(name);
        return this._modules.get(name);
      },
      set(this: Module, v: unknown) {
        this._setAttr(name, v);
      },
      enumerable: true,
      configurable: true,
    });
  }

  /** Removes a plain attribute of that name (Python's remove_from(self.__dict__)). */
  private _dropPlain(name: string): void {
    const d = Object.getOwnPropertyDescriptor(this, name);
    if (d && 'value' in d && !(INTERNAL as readonly string[]).includes(name)) Reflect.deleteProperty(this, name);
  }

  /** @internal Python's Module.__setattr__ for one assignment. */
  _setAttr(name: string, value: unknown): void {
    if (value instanceof Parameter) {
      this._dropPlain(name);
      this._buffers.delete(name);
      this._modules.delete(name);
      this._nonPersistentBuffersSet.delete(name);
      this.registerParameter(name, value);
    } else if (this._parameters.has(name)) {
      if (value !== null) {
        throw pyError(
          'TypeError',
          `cannot assign '${describeType(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`,
        );
      }
      this.registerParameter(name, null);
    } else if (value instanceof Module) {
      this._dropPlain(name);
      this._parameters.delete(name);
      this._buffers.delete(name);
      this._nonPersistentBuffersSet.delete(name);
      this._modules.set(name, value);
      this._expose(name);
    } else if (this._modules.has(name)) {
      if (value !== null) {
        throw pyError(
          'TypeError',
          `cannot assign '${describeType(value)}' as child module '${name}' (torch.nn.Module or None expected)`,
        );
      }
      this._modules.set(name, null);
    } else if (this._buffers.has(name)) {
      if (value !== null && !(value instanceof Tensor)) {
        throw pyError(
          'TypeError',
          `cannot assign '${describeType(value)}' as buffer '${name}' (torch.Tensor or None expected)`,
        );
      }
      this._buffers.set(name, value);
    } else {
      Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
    }
  }

  /** @internal Python's Module.__delattr__ for a registered name. */
  _delAttr(name: string): void {
    this._parameters.delete(name);
    this._buffers.delete(name);
    this._nonPersistentBuffersSet.delete(name);
    this._modules.delete(name);
    Reflect.deleteProperty(this, name);
  }

  private _checkNewName(kind: string, name: string, registry: Map<string, unknown>): void {
    if (typeof name !== 'string') throw pyError('TypeError', `${kind} name should be a string. Got ${typeof name}`);
    if (name.includes('.')) throw pyError('KeyError', `${kind} name can't contain "."`);
    if (name === '') throw pyError('KeyError', `${kind} name can't be empty string ""`);
    if (name in this && !registry.has(name)) throw pyError('KeyError', `attribute '${name}' already exists`);
  }

  /** Adds a parameter (or null, a declared but absent parameter) under `name`, as register_parameter. */
  registerParameter(name: string, param: Parameter | null): void {
    this._checkNewName('parameter', name, this._parameters);
    if (param !== null && !(param instanceof Parameter)) {
      throw pyError(
        'TypeError',
        `cannot assign '${describeType(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`,
      );
    }
    if (param !== null && param.gradFn !== null) {
      throw pyError(
        'ValueError',
        `Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. ` +
          `To express '${name}' as a function of another Tensor, compute the value in the forward() method.`,
      );
    }
    this._parameters.set(name, param);
    this._expose(name);
  }

  /**
   * Adds a buffer: state that is not a parameter (BatchNorm's running mean). A persistent buffer is part of
   * stateDict(); a non-persistent one is not.
   */
  registerBuffer(name: string, tensor: Tensor | null, opts: { persistent?: boolean } = {}): void {
    this._checkNewName('buffer', name, this._buffers);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw pyError(
        'TypeError',
        `cannot assign '${describeType(tensor)}' object to buffer '${name}' (torch Tensor or None required)`,
      );
    }
    this._buffers.set(name, tensor);
    if (opts.persistent ?? true) this._nonPersistentBuffersSet.delete(name);
    else this._nonPersistentBuffersSet.add(name);
    this._expose(name);
  }

  /** Adds a child module under `name` (add_module / register_module). */
  addModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) {
      throw pyError('TypeError', `${describeType(module)} is not a Module subclass`);
    }
    if (typeof name !== 'string') throw pyError('TypeError', `module name should be a string. Got ${typeof name}`);
    if (name in this && !this._modules.has(name)) throw pyError('KeyError', `attribute '${name}' already exists`);
    if (name.includes('.')) throw pyError('KeyError', `module name can't contain ".", got: ${name}`);
    if (name === '') throw pyError('KeyError', `module name can't be empty string ""`);
    this._modules.set(name, module);
    this._expose(name);
  }

  /** Same as addModule. */
  registerModule(name: string, module: Module | null): void {
    this.addModule(name, module);
  }

  // ---- forward ---------------------------------------------------------------------------------------------------

  /** The computation; every subclass defines it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forward(..._args: any[]): any {
    throw pyError('NotImplementedError', `Module [${this._getName()}] is missing the required "forward" function`);
  }

  /** Runs forward: `net.call(x)` is Python's `net(x)`. */
  call<T extends Module>(this: T, ...args: Parameters<T['forward']>): ReturnType<T['forward']> {
    return this.forward(...args);
  }

  // ---- traversal -------------------------------------------------------------------------------------------------

  private *_namedMembers<V>(
    members: (m: Module) => Map<string, V | null>,
    prefix: string,
    recurse: boolean,
  ): Generator<[string, V]> {
    const memo = new Set<V>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules({ prefix }) : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [k, v] of members(m)) {
        if (v === null || memo.has(v)) continue;
        memo.add(v);
        yield [modPrefix + (modPrefix ? '.' : '') + k, v];
      }
    }
  }

  /** Parameters of this module and (by default) its descendants, each once, in registration order. */
  *parameters(opts: { recurse?: boolean } = {}): Generator<Parameter> {
    for (const [, p] of this.namedParameters(opts)) yield p;
  }

  /** (name, parameter) pairs with dotted names such as 'features.0.weight'. */
  namedParameters(opts: { prefix?: string; recurse?: boolean } = {}): Generator<[string, Parameter]> {
    return this._namedMembers((m) => m._parameters, opts.prefix ?? '', opts.recurse ?? true);
  }

  /** Buffers of this module and (by default) its descendants. */
  *buffers(opts: { recurse?: boolean } = {}): Generator<Tensor> {
    for (const [, b] of this.namedBuffers(opts)) yield b;
  }

  /** (name, buffer) pairs with dotted names. */
  namedBuffers(opts: { prefix?: string; recurse?: boolean } = {}): Generator<[string, Tensor]> {
    return this._namedMembers((m) => m._buffers, opts.prefix ?? '', opts.recurse ?? true);
  }

  /** Direct children. */
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** (name, child) pairs of the direct children, each module once. */
  *namedChildren(): Generator<[string, Module]> {
    const memo = new Set<Module>();
    for (const [name, m] of this._modules) {
      if (m !== null && !memo.has(m)) {
        memo.add(m);
        yield [name, m];
      }
    }
  }

  /** This module and every descendant, each once, depth first. */
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** (dotted name, module) for this module ('') and every descendant, as named_modules. */
  *namedModules(
    opts: { prefix?: string; removeDuplicate?: boolean; memo?: Set<Module> } = {},
  ): Generator<[string, Module]> {
    const memo = opts.memo ?? new Set<Module>();
    const prefix = opts.prefix ?? '';
    const removeDuplicate = opts.removeDuplicate ?? true;
    if (memo.has(this)) return;
    if (removeDuplicate) memo.add(this);
    yield [prefix, this];
    for (const [name, m] of this._modules) {
      if (m === null) continue;
      yield* m.namedModules({ prefix: prefix + (prefix ? '.' : '') + name, removeDuplicate, memo });
    }
  }

  /** Calls fn on every descendant (children first) and then on this module, as Module.apply. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  // ---- modes, devices, gradients -----------------------------------------------------------------------------------

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw pyError('ValueError', 'training mode is expected to be boolean');
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  /** Evaluation mode: train(false). */
  eval(): this {
    return this.train(false);
  }

  /** Sets requires_grad on every parameter. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Resets gradients: zeroes them in place (PyTorch 1.13's default) or, with `setToNone`, drops them.
   */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    zeroGrads(this.parameters(), opts.setToNone ?? false);
  }

  /**
   * Applies fn to every parameter, gradient and buffer, keeping the Parameter objects (an optimizer holding them
   * stays valid): their data is replaced in place, as Python's `param.data = fn(param)`.
   */
  protected _apply(fn: (t: Tensor) => Tensor): this {
    for (const m of this.children()) m._apply(fn);
    for (const [, p] of this._parameters) {
      if (p === null) continue;
      native.setData(p._h, noGrad(() => fn(p))._h);
      const g = p.grad;
      if (g !== null) native.setData(g._h, noGrad(() => fn(g))._h);
    }
    for (const [k, b] of this._buffers) if (b !== null) this._buffers.set(k, fn(b));
    return this;
  }

  /**
   * Moves and/or casts parameters and buffers in place: `to('cuda')`, `to('float64')`, `to({ device, dtype })`, or
   * `to(tensor)`. Only floating-point (and complex) tensors change dtype, as in PyTorch.
   */
  to(target: ModuleTarget): this {
    let device: DeviceLike | undefined;
    let dtype: DType | undefined;
    if (target instanceof Tensor) {
      device = target.device;
      dtype = target.dtype;
    } else if (typeof target === 'string') {
      let asDtype: DType | undefined;
      try {
        asDtype = toDtype(target);
      } catch {
        asDtype = undefined;
      }
      if (asDtype) dtype = asDtype;
      else device = target;
    } else if (typeof target === 'object' && target !== null && ('device' in target || 'dtype' in target)) {
      const o = target as { device?: DeviceLike; dtype?: DType | string };
      device = o.device;
      dtype = o.dtype === undefined ? undefined : toDtype(o.dtype);
    } else {
      device = target as DeviceLike;
    }
    if (dtype !== undefined && !isFloatingPoint(dtype) && !isComplex(dtype)) {
      throw pyError(
        'TypeError',
        `nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${dtype}`,
      );
    }
    return this._apply((t) => {
      const keepDtype = !isFloatingPoint(t.dtype) && !isComplex(t.dtype);
      return t.to({ device, dtype: keepDtype ? undefined : dtype });
    });
  }

  /** to('cpu'). */
  cpu(): this {
    return this.to('cpu');
  }

  /** to('cuda') or to('cuda:N'). */
  cuda(device: number | string = 'cuda'): this {
    return this.to(typeof device === 'number' ? `cuda:${device}` : device);
  }

  /** Casts floating-point parameters and buffers to float32. */
  float(): this {
    return this.to('float32');
  }

  /** Casts floating-point parameters and buffers to float64. */
  double(): this {
    return this.to('float64');
  }

  // ---- state dicts -----------------------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers under dotted names, as an OrderedDict whose `_metadata` holds every module's
   * version (`{'': {version: 1}, 'features': {version: 1}, …}`), exactly as PyTorch's state_dict(). Tensors are
   * detached unless `keepVars`.
   */
  stateDict(opts: { prefix?: string; keepVars?: boolean; destination?: StateDict } = {}): StateDict {
    const destination = opts.destination ?? new OrderedDict<string, Tensor>();
    if (!opts.destination) destination.metadata = new OrderedDict();
    const prefix = opts.prefix ?? '';
    destination.metadata?.set(
      prefix.slice(0, -1),
      new Map([['version', (this.constructor as typeof Module)._version]]),
    );
    this._saveToStateDict(destination, prefix, opts.keepVars ?? false);
    for (const [name, m] of this._modules) {
      if (m !== null) m.stateDict({ destination, prefix: `${prefix}${name}.`, keepVars: opts.keepVars });
    }
    return destination;
  }

  /** Puts this module's own parameters and persistent buffers into destination. */
  protected _saveToStateDict(destination: StateDict, prefix: string, keepVars: boolean): void {
    for (const [name, p] of this._parameters) if (p !== null) destination.set(prefix + name, keepVars ? p : p.detach());
    for (const [name, b] of this._buffers) {
      if (b !== null && !this._nonPersistentBuffersSet.has(name))
        destination.set(prefix + name, keepVars ? b : b.detach());
    }
  }

  /**
   * Copies parameters and buffers from a state dict. With `strict` (the default) a missing or unexpected key throws
   * PyTorch's message ("Error(s) in loading state_dict for LeNet2:\n\tMissing key(s) in state_dict: …"); size
   * mismatches always throw. Returns the missing and unexpected keys.
   */
  loadStateDict(stateDict: StateDictLike, opts: { strict?: boolean } = {}): IncompatibleKeys {
    const strict = opts.strict ?? true;
    if (
      stateDict === null ||
      typeof stateDict !== 'object' ||
      stateDict instanceof Tensor ||
      Array.isArray(stateDict)
    ) {
      throw pyError('TypeError', `Expected state_dict to be dict-like, got ${describeType(stateDict)}.`);
    }
    const entries = new Map<string, unknown>(
      stateDict instanceof Map ? [...stateDict] : Object.entries(stateDict as Record<string, unknown>),
    );
    const metadata = stateDict instanceof OrderedDict ? stateDict.metadata : undefined;
    const result: IncompatibleKeys = { missingKeys: [], unexpectedKeys: [] };
    const errors: string[] = [];
    const load = (m: Module, local: Map<string, unknown>, prefix: string): void => {
      const meta = metadata?.get(prefix.slice(0, -1));
      m._loadFromStateDict(local, prefix, meta instanceof Map ? meta : new Map(), result, errors);
      for (const [name, child] of m._modules) {
        if (child === null) continue;
        const childPrefix = `${prefix}${name}.`;
        load(child, new Map([...local].filter(([k]) => k.startsWith(childPrefix))), childPrefix);
      }
    };
    load(this, entries, '');
    if (strict) {
      const quoted = (keys: string[]): string => keys.map((k) => `"${k}"`).join(', ');
      if (result.unexpectedKeys.length > 0)
        errors.unshift(`Unexpected key(s) in state_dict: ${quoted(result.unexpectedKeys)}. `);
      if (result.missingKeys.length > 0)
        errors.unshift(`Missing key(s) in state_dict: ${quoted(result.missingKeys)}. `);
    }
    if (errors.length > 0) {
      throw new TorchError(`Error(s) in loading state_dict for ${this._getName()}:\n\t${errors.join('\n\t')}`);
    }
    return result;
  }

  /**
   * Loads this module's own entries of a state dict (keys under `prefix`), as _load_from_state_dict; subclasses
   * that changed their layout across versions upgrade old entries here (`metadata.get('version')`).
   */
  protected _loadFromStateDict(
    stateDict: Map<string, unknown>,
    prefix: string,
    _metadata: Map<unknown, unknown>,
    result: IncompatibleKeys,
    errors: string[],
  ): void {
    const local = new Map<string, Tensor>();
    for (const [k, p] of this._parameters) if (p !== null) local.set(k, p);
    for (const [k, b] of this._buffers) if (b !== null && !this._nonPersistentBuffersSet.has(k)) local.set(k, b);
    for (const [name, param] of local) {
      const key = prefix + name;
      if (!stateDict.has(key)) {
        result.missingKeys.push(key);
        continue;
      }
      const value = stateDict.get(key);
      if (!(value instanceof Tensor)) {
        errors.push(
          `While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${pyClassOf(value)}`,
        );
        continue;
      }
      let input: Tensor = value;
      // Tensors saved by PyTorch 0.3 held scalars as 1-element vectors.
      if (param.dim() === 0 && input.dim() === 1) input = input.index(0);
      const want = param.shape;
      const got = input.shape;
      if (want.length !== got.length || want.some((n, i) => n !== got[i])) {
        errors.push(
          `size mismatch for ${key}: copying a param with shape torch.Size([${got.join(', ')}]) from checkpoint, ` +
            `the shape in current model is torch.Size([${want.join(', ')}]).`,
        );
        continue;
      }
      const src = input;
      try {
        noGrad(() => param.copy_(src));
      } catch (e) {
        errors.push(
          `While copying the parameter named "${key}", whose dimensions in the model are torch.Size([${want.join(', ')}]) ` +
            `and whose dimensions in the checkpoint are torch.Size([${got.join(', ')}]), an exception occurred : ('${(e as Error).message}',).`,
        );
      }
    }
    for (const key of stateDict.keys()) {
      if (!key.startsWith(prefix)) continue;
      const name = key.slice(prefix.length).split('.')[0];
      if (!this._modules.has(name) && !local.has(name)) result.unexpectedKeys.push(key);
    }
  }

  // ---- printing --------------------------------------------------------------------------------------------------

  /** @internal The class name PyTorch prints (`self.__class__.__name__`). */
  _getName(): string {
    return this.constructor.name;
  }

  /** Extra text inside the module's repr (layers override it: 'in_features=400, out_features=120, bias=True'). */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's repr of the module tree. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = [...this._modules].map(
      ([key, m]) => `(${key}): ${addIndent(m === null ? 'None' : m.toString(), 2)}`,
    );
    const lines = [...extraLines, ...childLines];
    let main = `${this._getName()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
      else main += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Python's `type(x)` as printed in messages ("<class 'int'>"). */
function pyClassOf(v: unknown): string {
  return `<class '${describeType(v)}'>`;
}
