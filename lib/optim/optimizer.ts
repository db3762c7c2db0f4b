/**
 * torch.optim.Optimizer: parameter groups, per-parameter state, zeroGrad, and state dicts in PyTorch 1.13's layout.
 *
 * Groups and state use PyTorch's key names (`lr`, `weight_decay`, `momentum_buffer`, …) because they are what state
 * dicts and the lesson's code (`optimizer.paramGroups[0].lr`) show; options arrive in camelCase (`weightDecay`) and
 * are translated. A group's keys keep Python's order: the keys the caller gave (params first when given first), then
 * every default not given, in the optimizer's order; a scheduler appends `initial_lr`. Numbers follow the Python
 * rule: an integral JS number is an int (PyTorch's defaults `momentum=0`, `weight_decay=0` are ints), anything else a
 * float, and `torch.Float(1)` gives an integral float.
 */
import { enableGrad, noGrad } from '../autograd';
import { isFloatingPoint } from '../dtype';
import { NativeTensor } from '../native';
import { TorchError } from '../errors';
import { pyStr } from '../nn/pyformat';
import { gradHandle, zeroGrads } from '../nn/grads';
import { Float, isMarkedFloat, markFloat } from '../serialization/python';
import { Tensor } from '../tensor';
import { deepCopy, entries, getKey, setNumber } from './dict';

/** One parameter group: its tensors and its hyperparameters under PyTorch's names. */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  [key: string]: unknown;
}

/** A parameter group as given to a constructor or addParamGroup: tensors plus any options (camelCase or Python). */
export interface ParamGroupInput {
  params: Iterable<Tensor> | Tensor;
  [option: string]: unknown;
}

/** What an optimizer accepts: tensors (one group), or groups. */
export type Params = Iterable<Tensor> | Iterable<ParamGroupInput>;

/** A loss-recomputing function passed to step(). */
export type Closure = () => Tensor | number;

/** An optimizer's state dict: `state` keyed by parameter index, `param_groups` with `params` as indices. */
export interface OptimizerStateDict {
  state: Map<number, Record<string, unknown>>;
  param_groups: Record<string, unknown>[];
}

/** Marks a hyperparameter that a group must give itself (SGD's lr when the constructor has none). */
export const REQUIRED: unique symbol = Symbol('required');

/** One hyperparameter: PyTorch's key, the camelCase option name, and the default (a Float for integral floats). */
export type HyperSpec = readonly [python: string, option: string, fallback: unknown];

function describe(v: unknown): string {
  if (v instanceof Tensor) return 'torch.Tensor';
  return v === null ? 'NoneType' : typeof v;
}

/** Base class of SGD, Adam and AdamW. */
export abstract class Optimizer {
  /** Default hyperparameters (PyTorch's names), given to every group that lacks them. */
  readonly defaults: Record<string, unknown>;
  /** Per-parameter state (momentum buffers, Adam moments), created on first use as Python's defaultdict(dict). */
  state = new Map<Tensor, Record<string, unknown>>();
  /** The parameter groups. */
  paramGroups: ParamGroup[] = [];
  /** @internal optimizer.step() calls since a scheduler was attached (the scheduler's order check reads it). */
  _stepCount = 0;
  private readonly optionNames: Map<string, string>;

  /**
   * @param params tensors or groups ({ params, lr, … }).
   * @param specs this optimizer's hyperparameters in PyTorch's order.
   * @param options the constructor's options (camelCase); missing ones take the specs' defaults.
   */
  protected constructor(params: Params, specs: readonly HyperSpec[], options: Record<string, unknown>) {
    this.optionNames = new Map(specs.map(([py, js]) => [js, py]));
    this.defaults = {};
    for (const [py, js, fallback] of specs) {
      const given = options[js];
      setNumber(this.defaults, py, given === undefined ? fallback : given);
    }
    if (params instanceof Tensor) {
      throw new TorchError(
        `params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.Tensor`,
        'TypeError',
      );
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput>)];
    if (list.length === 0) throw new TorchError('optimizer got an empty parameter list', 'ValueError');
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : (list as ParamGroupInput[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group (e.g. layers unfrozen while fine-tuning); options it lacks take the defaults. */
  addParamGroup(input: ParamGroupInput): void {
    if (input === null || typeof input !== 'object' || input instanceof Tensor) {
      throw new TorchError('param group must be a dict', 'AssertionError');
    }
    const group: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      if (key === 'params') {
        const ps = input.params;
        if (ps instanceof Set) {
          throw new TorchError(
            'optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets ' +
              'will change between runs. Please use a list instead.',
            'TypeError',
          );
        }
        group.params = ps instanceof Tensor ? [ps] : [...ps];
      } else {
        setNumber(group, this.optionNames.get(key) ?? key, value);
      }
    }
    for (const p of group.params as unknown[]) {
      if (!(p instanceof Tensor)) {
        throw new TorchError(
          `optimizer can only optimize Tensors, but one of the params is ${describe(p)}`,
          'TypeError',
        );
      }
      if (!p.isLeaf) throw new TorchError("can't optimize a non-leaf Tensor", 'ValueError');
    }
    for (const [name, value] of Object.entries(this.defaults)) {
      if (name in group) continue;
      if (value === REQUIRED) {
        throw new TorchError(
          `parameter group didn't specify a value of required optimization parameter ${name}`,
          'ValueError',
        );
      }
      group[name] = value;
      if (isMarkedFloat(this.defaults, name)) markFloat(group, name);
    }
    const params = group.params as Tensor[];
    if (new Set(params).size !== params.length) {
      process.emitWarning(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; ' +
          'see github.com/pytorch/pytorch/issues/40967 for more information',
        'UserWarning',
      );
    }
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => taken.has(p))) {
      throw new TorchError('some parameters appear in more than one parameter group', 'ValueError');
    }
    this.paramGroups.push(group as ParamGroup);
  }

  /** The state of p, created empty on first access (Python's defaultdict). */
  protected stateOf(p: Tensor): Record<string, unknown> {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = {}));
    return s;
  }

  /** The handle of p's gradient (reused from step to step), or null when p has none. */
  protected gradOf(p: Tensor): NativeTensor | null {
    return gradHandle(p);
  }

  /** Zeroes every parameter's gradient in place (1.13's default), or drops it with `setToNone`. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    for (const group of this.paramGroups) zeroGrads(group.params, opts.setToNone ?? false);
  }

  /** One optimization step; a closure, when given, recomputes and returns the loss (with gradients enabled). */
  step(closure?: Closure): Tensor | number | null {
    const loss = closure ? enableGrad(closure) : null;
    this._stepCount += 1;
    noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  /** Updates one group's parameters from their gradients, outside autograd, as PyTorch's single-tensor path. */
  protected abstract updateGroup(group: ParamGroup): void;

  /** Brings groups and state loaded from an older PyTorch up to date (Python's __setstate__ defaults). */
  protected upgradeLoaded(): void {}

  /**
   * The state dict PyTorch 1.13 writes: `{ state: {index: {...}}, param_groups: [{hyperparameters…, params:
   * [indices]}] }`. Parameters are numbered in group order; the state and group objects are this optimizer's own
   * (as in Python, not copies).
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const groups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(group)) {
        if (k === 'params') continue;
        packed[k] = v;
        if (isMarkedFloat(group, k)) markFloat(packed, k);
      }
      group.params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      packed.params = group.params.map((p) => index.get(p) as number);
      start += group.params.length;
      return packed;
    });
    const state = new Map<number, Record<string, unknown>>();
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state.set(i, s);
    }
    return { state, param_groups: groups };
  }

  /**
   * Loads a state dict from stateDict() or torch.load (of a PyTorch or torch-node file): groups take the saved
   * hyperparameters, state is deep-copied onto this optimizer's parameters (floating tensors cast to each
   * parameter's dtype and device, `step` kept as saved). Older layouts (no `maximize`/`foreach`, integer `step`)
   * are upgraded as PyTorch does.
   */
  loadStateDict(stateDict: OptimizerStateDict | Map<unknown, unknown> | Record<string, unknown>): void {
    const sd = deepCopy(stateDict);
    const savedGroups = getKey(sd, 'param_groups');
    const savedState = getKey(sd, 'state');
    if (!Array.isArray(savedGroups))
      throw new TorchError("optimizer state dict has no 'param_groups' list", 'KeyError');
    if (savedGroups.length !== this.paramGroups.length) {
      throw new TorchError('loaded state dict has a different number of parameter groups', 'ValueError');
    }
    const savedParams = savedGroups.map((g) => getKey(g, 'params'));
    savedParams.forEach((ps, i) => {
      if (!Array.isArray(ps) || ps.length !== this.paramGroups[i].params.length) {
        throw new TorchError(
          "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
          'ValueError',
        );
      }
    });
    const idMap = new Map<unknown, Tensor>();
    savedParams.forEach((ps, i) => (ps as unknown[]).forEach((id, j) => idMap.set(id, this.paramGroups[i].params[j])));

    const state = new Map<Tensor, Record<string, unknown>>();
    for (const [k, v] of entries(savedState ?? new Map(), "optimizer state dict's 'state'")) {
      const param = idMap.get(k);
      if (param === undefined) continue;
      state.set(param, castState(param, v));
    }
    const groups = savedGroups.map((saved, i) => {
      const group: Record<string, unknown> = {};
      for (const [k, v] of entries(saved, 'a parameter group')) {
        group[k as string] = k === 'params' ? this.paramGroups[i].params : v;
        if (isMarkedFloat(saved as object, k)) markFloat(group, k);
      }
      return group as ParamGroup;
    });
    this.state = state;
    this.paramGroups = groups;
    this.upgradeLoaded();
  }

  /** Python's `group.setdefault(key, value)` over every group (used by upgradeLoaded). */
  protected setDefaultInGroups(key: string, value: unknown): void {
    for (const g of this.paramGroups) if (!(key in g)) setNumber(g, key, value);
  }

  /** PyTorch's repr: the class name and each group's hyperparameters, sorted by name. */
  toString(): string {
    let s = `${this.constructor.name} (`;
    this.paramGroups.forEach((group, i) => {
      s += `\nParameter Group ${i}\n`;
      for (const key of Object.keys(group).sort()) {
        if (key === 'params') continue;
        const v = group[key];
        s += `    ${key}: ${pyStr(isMarkedFloat(group, key) ? new Float(v as number) : v)}\n`;
      }
    });
    return `${s})`;
  }
}

/** A saved per-parameter state on param: tensors moved to its device and (except `step`) to its floating dtype. */
function castState(param: Tensor, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries(value, 'a parameter state')) {
    let x = v;
    if (x instanceof Tensor && k !== 'step') {
      if (isFloatingPoint(param.dtype)) x = x.to({ dtype: param.dtype });
      x = (x as Tensor).to({ device: param.device });
    }
    out[k as string] = x;
    if (isMarkedFloat(value as object, k)) markFloat(out, k);
  }
  return out;
}
