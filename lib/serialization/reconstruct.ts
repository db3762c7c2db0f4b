/**
 * What GLOBAL, REDUCE, NEWOBJ, BUILD and persistent ids mean when loading a checkpoint: the unpickler's hooks.
 * Known globals become tensors and stand-ins (rebuild.ts, known-globals.ts); classes registered by nn/ become
 * placeholders that revive.ts turns into JS objects once their state is known; everything else becomes an inert
 * PyObject that records how it was built. Under weightsOnly, the allow-list is checked first.
 */
import { DTYPES } from '../dtype';
import { Parameter } from '../parameter';
import { Tensor } from '../tensor';
import { LoadErrorCode, loadError, Where } from './load-errors';
import { KNOWN_CALLS } from './known-globals';
import { OrderedDict, PyGlobal, PyObject, TorchDtype, Tuple, tuple } from './python';
import { badValue } from './pickle-args';
import { dtypeOfTensorClass, PendingTensor, REBUILD_FUNCTIONS } from './rebuild';
import { lookupClass } from './registry';
import { describeTarget, PickleHooks, unpickle } from './unpickler';
import { finishLoaded } from './revive';
import { checkWeightsOnlyGlobal, weightsOnlyError } from './weights-only';

/** What one pickle is read with. */
export interface ReconstructOptions {
  weightsOnly: boolean;
  /** Extra 'module.name' globals allowed under weightsOnly (PyTorch's add_safe_globals). */
  safeGlobals: ReadonlySet<string>;
  /** The format's persistent_load (storages). */
  persistentLoad: (pid: unknown) => unknown;
  where: Where;
}

/** The hooks for one pickle; `revivable` collects the placeholders of registered classes. */
export class Reconstructor implements PickleHooks {
  readonly strictContainers: boolean;
  /** Placeholders (inert PyObjects) of registered classes, for revive.ts. */
  readonly revivable = new Set<PyObject>();

  constructor(private readonly opts: ReconstructOptions) {
    this.strictContainers = opts.weightsOnly;
  }

  private get where(): Where {
    return this.opts.where;
  }

  global(pickledModule: string, name: string): unknown {
    // torch.load's own rename (torch.tensor became torch._tensor in 1.9).
    const module = pickledModule === 'torch.tensor' ? 'torch._tensor' : pickledModule;
    if (this.opts.weightsOnly) checkWeightsOnlyGlobal(module, name, this.opts.safeGlobals, this.where);
    if (module === 'torch' && name in DTYPES) return new TorchDtype(name as keyof typeof DTYPES);
    return new PyGlobal(module, name);
  }

  persistentLoad(pid: unknown): unknown {
    if (this.opts.weightsOnly) {
      const ok = Array.isArray(pid) ? pid[0] === 'storage' : typeof pid === 'number';
      if (!ok) throw weightsOnlyError('Only persistent_load of storage is allowed', this.where);
    }
    return this.opts.persistentLoad(pid);
  }

  private callee(fn: unknown, op: string): PyGlobal {
    if (fn instanceof PyGlobal) return fn;
    if (this.opts.weightsOnly)
      throw weightsOnlyError(`Trying to call ${op} for unrecognized value ${describeTarget(fn)}`, this.where);
    return badValue(`${op} needs a class or function, not ${describeTarget(fn)}`, this.where);
  }

  reduce(fn: unknown, args: Tuple): unknown {
    const newObjEx = args.length === 0 ? partialNewobjEx(fn) : null;
    if (newObjEx) return this.newobj(newObjEx.cls, newObjEx.args, newObjEx.kwargs);
    const g = this.callee(fn, 'reduce');
    const q = g.qualname;
    const known = KNOWN_CALLS.get(q);
    if (known) return known(args, g, this.where);
    const rebuild = REBUILD_FUNCTIONS.get(q);
    if (rebuild) return rebuild(args, this.where);
    if (q === 'torch._tensor._rebuild_from_type_v2') return this.rebuildFromType(args);
    if (q === 'copyreg.__newobj__') {
      // Protocol 0/1 spelling of NEWOBJ.
      return this.newobj(args[0], tuple(...args.slice(1)), null);
    }
    const special = this.tensorClass(g, args);
    if (special !== undefined) return special;
    return this.inert(g, args, 'reduce', null);
  }

  newobj(cls: unknown, args: Tuple, kwargs: Map<unknown, unknown> | null): unknown {
    const g = this.callee(cls, 'NEWOBJ');
    const special = this.tensorClass(g, args);
    if (special !== undefined) return special;
    if (g.qualname === 'collections.OrderedDict') return new OrderedDict();
    return this.inert(g, args, kwargs ? 'newobj_ex' : 'newobj', kwargs);
  }

  /**
   * `_rebuild_from_type_v2(func, new_type, args, state)`: a tensor subclass or a tensor with Python attributes. The
   * tensor is rebuilt by func; a Parameter type keeps parameter-ness; other subclasses and attributes are dropped.
   */
  private rebuildFromType(args: Tuple): unknown {
    const [func, newType, funcArgs] = args;
    if (!Array.isArray(funcArgs)) return badValue('_rebuild_from_type_v2 needs a tuple of arguments', this.where);
    const t = this.reduce(func, tuple(...funcArgs));
    const isParameterType = newType instanceof PyGlobal && newType.qualname === 'torch.nn.parameter.Parameter';
    if (isParameterType && t instanceof Tensor && !(t instanceof Parameter)) return new Parameter(t, t.requiresGrad);
    return t;
  }

  /** Parameter(data, requires_grad) and the old tensor classes (torch.FloatTensor(), …), completed by BUILD. */
  private tensorClass(g: PyGlobal, args: Tuple): unknown {
    if (g.qualname === 'torch.nn.parameter.Parameter') {
      const data = args[0];
      const requiresGrad = args.length > 1 ? args[1] === true : true;
      if (data instanceof Tensor) return new Parameter(data, requiresGrad);
      return new PendingTensor('float32', true, null, requiresGrad);
    }
    const dtype = dtypeOfTensorClass(g.module, g.name);
    if (dtype && args.length === 0) return new PendingTensor(dtype, false, null, false);
    return undefined;
  }

  /** An object of a class torch-node does not build itself: a placeholder when nn/ registered it, else inert. */
  private inert(g: PyGlobal, args: Tuple, kind: PyObject['kind'], kwargs: Map<unknown, unknown> | null): PyObject {
    const obj = new PyObject(g, args, kind, undefined, kwargs);
    if (lookupClass(g.module, g.name)) this.revivable.add(obj);
    return obj;
  }

  build(obj: unknown, state: unknown): unknown {
    if (obj instanceof PendingTensor) return obj.build(state, this.where);
    if (obj instanceof OrderedDict) {
      const dict = Array.isArray(state) && state.length === 2 ? state[0] : state;
      if (!(dict instanceof Map)) return badValue('the state of an OrderedDict must be a dict', this.where);
      if (obj.attributes === null) obj.attributes = dict as Map<string, unknown>;
      else for (const [k, v] of dict) obj.attributes.set(k as string, v);
      return obj;
    }
    if (obj instanceof Tensor) {
      // Tensor.__setstate__ with (requires_grad, volatile, hooks), as old Parameters carry; attributes are dropped.
      if (Array.isArray(state) && state.length === 3 && typeof state[0] === 'boolean') obj.requiresGrad = state[0];
      else if (!(state instanceof Map)) {
        throw loadError(LoadErrorCode.UNSUPPORTED, 'cannot replace the data of a tensor already built', this.where);
      }
      return obj;
    }
    if (obj instanceof PyObject) {
      if (obj.state instanceof Map && state instanceof Map) for (const [k, v] of state) obj.state.set(k, v);
      else obj.state = state;
      return obj;
    }
    if (this.opts.weightsOnly) {
      throw weightsOnlyError(
        `Can only build Tensor, Parameter or OrderedDict, but got ${describeTarget(obj)}`,
        this.where,
      );
    }
    return badValue(`cannot set the state of ${describeTarget(obj)}`, this.where);
  }

  isPending(v: unknown): boolean {
    return v instanceof PendingTensor;
  }
}

/** The options every pickle of a checkpoint is read with. */
export interface PickleLoadOptions {
  weightsOnly: boolean;
  safeGlobals: ReadonlySet<string>;
  maxDepth: number;
}

/**
 * Reads one pickle of a checkpoint (data.pkl, constants.pkl, a legacy object pickle) into JS values: unpickles with
 * the reconstructor's hooks, then finishes what the pickle left pending (revive.ts) unless this is a probe pass whose
 * value is thrown away.
 */
export function loadPickle(
  buf: Buffer,
  start: number,
  persistentLoad: (pid: unknown) => unknown,
  opts: PickleLoadOptions,
  where: Where,
  probe = false,
): { value: unknown; end: number; protocol: number } {
  const hooks = new Reconstructor({ ...opts, persistentLoad, where });
  const r = unpickle(buf, start, hooks, where, opts.maxDepth);
  if (probe) return r;
  return { value: finishLoaded(r.value, hooks.revivable, opts.maxDepth, where), end: r.end, protocol: r.protocol };
}

/**
 * Protocols 2–3 spell NEWOBJ_EX (`cls.__new__(cls, *args, **kwargs)`) as calling
 * `functools.partial(getattr(cls, '__new__'), cls, *args, **kwargs)`: recognised here so that the object is built as
 * NEWOBJ_EX builds it. Returns null for any other callable.
 */
function partialNewobjEx(fn: unknown): { cls: unknown; args: Tuple; kwargs: Map<unknown, unknown> } | null {
  if (!(fn instanceof PyObject) || fn.cls.qualname !== 'functools.partial' || !Array.isArray(fn.state)) return null;
  const [func, args, kwargs] = fn.state as unknown[];
  const isNew =
    func instanceof PyObject &&
    func.cls.qualname === 'builtins.getattr' &&
    func.args[1] === '__new__' &&
    Array.isArray(args) &&
    args[0] === func.args[0];
  if (!isNew) return null;
  return {
    cls: (args as unknown[])[0],
    args: tuple(...(args as unknown[]).slice(1)),
    kwargs: kwargs instanceof Map ? kwargs : new Map(),
  };
}
