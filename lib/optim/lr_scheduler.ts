/**
 * torch.optim.lr_scheduler: StepLR, MultiStepLR, ExponentialLR and CosineAnnealingLR as in PyTorch 1.13.
 *
 * A scheduler's state is Python's `__dict__` (minus the optimizer), kept here under Python's names and in Python's
 * order — the scheduler's own settings, then `base_lrs`, `last_epoch`, `verbose`, `_step_count`,
 * `_get_lr_called_within_step`, `_last_lr` — because stateDict() is exactly that and its key order decides the file's
 * bytes. Constructing one attaches it (`initial_lr` in every group) and takes the initial step, as PyTorch does.
 * Learning rates are computed with Python's operation order, C's pow and cos, and Python's int/float rules.
 */
import { TorchError } from '../errors';
import { formatExponent } from '../python-format';
import { Float, isMarkedFloat, markFloat, PyGlobal, PyObject, tuple } from '../serialization/python';
import { entries, isPyFloat, pyArith } from './dict';
import { Optimizer } from './optimizer';
import { native } from '../native';

const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use ' +
  '`scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the closed ' +
  'form is used instead of the new chainable form, where available. Please open an issue if you are unable to ' +
  'replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.';

/** A learning rate as Python holds it: a number, or a Float for an integral float. */
type PyNumber = number | Float;

const num = (v: unknown): number => Number(v);

/** Base class (PyTorch's _LRScheduler). */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: Optimizer;
  /** @internal Python's __dict__ without the optimizer: the state dict, in order. */
  protected readonly dict: Record<string, unknown>;

  /**
   * @param settings the subclass's own attributes (Python names, in its __init__ order).
   * @param lastEpoch -1 to start; another value resumes and needs `initial_lr` in every group.
   */
  protected constructor(optimizer: Optimizer, settings: Record<string, unknown>, lastEpoch = -1, verbose = false) {
    if (!(optimizer instanceof Optimizer)) {
      throw new TorchError(
        `${(optimizer as object)?.constructor?.name ?? typeof optimizer} is not an Optimizer`,
        'TypeError',
      );
    }
    this.optimizer = optimizer;
    this.dict = {};
    for (const [k, v] of Object.entries(settings)) this.setPy(k, v);
    const groups = optimizer.paramGroups;
    if (lastEpoch === -1) {
      for (const g of groups) {
        if ('initial_lr' in g) continue;
        g.initial_lr = g.lr;
        if (isMarkedFloat(g, 'lr')) markFloat(g, 'initial_lr');
      }
    } else {
      groups.forEach((g, i) => {
        if (!('initial_lr' in g)) {
          throw new TorchError(
            `param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`,
            'KeyError',
          );
        }
      });
    }
    this.setPy('base_lrs', this.groupValues('initial_lr'));
    this.setPy('last_epoch', lastEpoch);
    this.setPy('verbose', verbose);
    optimizer._stepCount = 0;
    this.setPy('_step_count', 0);
    this.step();
  }

  /** Sets a Python attribute, unwrapping a Float into a marked number. */
  private setPy(key: string, value: unknown): void {
    this.dict[key] = value instanceof Float ? value.value : value;
    if (value instanceof Float || (typeof value === 'number' && !Number.isInteger(value))) markFloat(this.dict, key);
  }

  /** [group[key] for group in param_groups], float slots kept. */
  private groupValues(key: string): number[] {
    const out: number[] = [];
    this.optimizer.paramGroups.forEach((g, i) => {
      out.push(g[key] as number);
      if (isMarkedFloat(g, key)) markFloat(out, i);
    });
    return out;
  }

  /** Whether a Python attribute holds a float. */
  protected isFloat(key: string): boolean {
    return isPyFloat(this.dict, key, this.dict[key]);
  }

  /** The epoch count (-1 before the initial step); settable, as the lesson's `scheduler.last_epoch = start_epoch`. */
  get lastEpoch(): number {
    return this.dict.last_epoch as number;
  }
  set lastEpoch(epoch: number) {
    this.dict.last_epoch = epoch;
  }

  /** The initial learning rate of each group. */
  get baseLrs(): number[] {
    return this.dict.base_lrs as number[];
  }

  /** Whether each step prints the new learning rates. */
  get verbose(): boolean {
    return this.dict.verbose as boolean;
  }

  /** The learning rates the last step set. */
  getLastLr(): number[] {
    return this.dict._last_lr as number[];
  }

  /** Each group's learning rate now, as (lr, isFloat) pairs. */
  protected currentLrs(): [number, boolean][] {
    return this.optimizer.paramGroups.map((g) => [g.lr, isPyFloat(g, 'lr', g.lr)]);
  }

  /** The chainable form: next learning rates from the current ones. */
  protected abstract getLr(): PyNumber[];

  /** The closed form at lastEpoch (used when step() is given an epoch). */
  protected abstract closedFormLr(): PyNumber[];

  /** Advances one epoch (or, deprecated, jumps to `epoch`) and sets every group's learning rate. */
  step(epoch?: number): void {
    if (this.dict._step_count === 1 && this.optimizer._stepCount < 1) {
      process.emitWarning(
        'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should ' +
          'call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will ' +
          'result in PyTorch skipping the first value of the learning rate schedule. See more details at ' +
          'https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
        'UserWarning',
      );
    }
    this.dict._step_count = (this.dict._step_count as number) + 1;
    this.dict._get_lr_called_within_step = true;
    let values: PyNumber[];
    try {
      if (epoch === undefined) {
        this.dict.last_epoch = this.lastEpoch + 1;
        values = this.getLr();
      } else {
        process.emitWarning(EPOCH_DEPRECATION_WARNING, 'UserWarning');
        this.dict.last_epoch = epoch;
        values = this.closedFormLr();
      }
    } finally {
      this.dict._get_lr_called_within_step = false;
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      const v = values[i];
      g.lr = num(v);
      if (v instanceof Float || !Number.isInteger(num(v))) markFloat(g, 'lr');
      if (this.verbose) {
        const lr = formatExponent(num(v), 4);
        console.log(
          epoch === undefined
            ? `Adjusting learning rate of group ${i} to ${lr}.`
            : `Epoch ${String(epoch).padStart(5, '0')}: adjusting learning rate of group ${i} to ${lr}.`,
        );
      }
    });
    this.dict._last_lr = this.groupValues('lr');
  }

  /** PyTorch's state_dict(): the scheduler's attributes (not the optimizer), in order. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.dict)) {
      out[k] = this.exportValue(k, v);
      if (isMarkedFloat(this.dict, k)) markFloat(out, k);
    }
    return out;
  }

  /** Loads a state dict (Python's `__dict__.update`): known keys are replaced in place, new ones appended. */
  loadStateDict(stateDict: Map<unknown, unknown> | Record<string, unknown>): void {
    for (const [k, v] of entries(stateDict, 'scheduler state dict')) {
      const key = String(k);
      this.dict[key] = this.importValue(key, v);
      if (isMarkedFloat(stateDict, k)) markFloat(this.dict, key);
    }
  }

  /** How an attribute is pickled (MultiStepLR's milestones are a collections.Counter). */
  protected exportValue(_key: string, value: unknown): unknown {
    return value;
  }

  /** How a loaded attribute is held. */
  protected importValue(_key: string, value: unknown): unknown {
    return value;
  }

  /** Python's `gamma ** n`: C's pow for a float gamma, exact for int ** int. */
  protected gammaPow(n: number): [number, boolean] {
    const gamma = num(this.dict.gamma);
    if (this.isFloat('gamma')) return [native.libm('pow', gamma, n), true];
    return [gamma ** n, false];
  }
}

/** Multiplies every group's lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    opts: { stepSize: number; gamma?: number | Float; lastEpoch?: number; verbose?: boolean },
  ) {
    super(optimizer, { step_size: opts.stepSize, gamma: opts.gamma ?? 0.1 }, opts.lastEpoch, opts.verbose);
  }

  protected override getLr(): PyNumber[] {
    const epoch = this.lastEpoch;
    const step = this.dict.step_size as number;
    return this.currentLrs().map(([lr, lrFloat]) => {
      if (epoch === 0 || epoch % step !== 0) return lrFloat && Number.isInteger(lr) ? new Float(lr) : lr;
      return pyArith(lr * num(this.dict.gamma), lrFloat, this.isFloat('gamma'));
    });
  }

  protected override closedFormLr(): PyNumber[] {
    const [factor, f] = this.gammaPow(Math.floor(this.lastEpoch / (this.dict.step_size as number)));
    return this.baseLrs.map((b, i) => pyArith(b * factor, f, isPyFloat(this.baseLrs, i, b)));
  }
}

/** Multiplies every group's lr by gamma at each milestone epoch (as often as the milestone is listed). */
export class MultiStepLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    opts: { milestones: number[]; gamma?: number | Float; lastEpoch?: number; verbose?: boolean },
  ) {
    const counts = new Map<number, number>();
    for (const m of opts.milestones) counts.set(m, (counts.get(m) ?? 0) + 1);
    super(optimizer, { milestones: counts, gamma: opts.gamma ?? 0.1 }, opts.lastEpoch, opts.verbose);
  }

  private get milestones(): Map<number, number> {
    return this.dict.milestones as Map<number, number>;
  }

  protected override getLr(): PyNumber[] {
    const count = this.milestones.get(this.lastEpoch);
    return this.currentLrs().map(([lr, lrFloat]) => {
      if (count === undefined) return lrFloat && Number.isInteger(lr) ? new Float(lr) : lr;
      const [factor, f] = this.gammaPow(count);
      return pyArith(lr * factor, lrFloat, f);
    });
  }

  protected override closedFormLr(): PyNumber[] {
    let passed = 0;
    for (const [m, c] of this.milestones) if (m <= this.lastEpoch) passed += c;
    const [factor, f] = this.gammaPow(passed);
    return this.baseLrs.map((b, i) => pyArith(b * factor, f, isPyFloat(this.baseLrs, i, b)));
  }

  /** Pickled as PyTorch pickles a Counter: collections.Counter({milestone: count}). */
  protected override exportValue(key: string, value: unknown): unknown {
    if (key !== 'milestones') return value;
    return new PyObject(new PyGlobal('collections', 'Counter'), tuple(new Map(value as Map<number, number>)), 'reduce');
  }

  protected override importValue(key: string, value: unknown): unknown {
    if (key !== 'milestones') return value;
    const source = value instanceof PyObject ? value.args[0] : value;
    return new Map(entries(source, 'milestones').map(([m, c]) => [Number(m), Number(c)]));
  }
}

/** Multiplies every group's lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Optimizer, opts: { gamma: number | Float; lastEpoch?: number; verbose?: boolean }) {
    super(optimizer, { gamma: opts.gamma }, opts.lastEpoch, opts.verbose);
  }

  protected override getLr(): PyNumber[] {
    return this.currentLrs().map(([lr, lrFloat]) => {
      if (this.lastEpoch === 0) return lrFloat && Number.isInteger(lr) ? new Float(lr) : lr;
      return pyArith(lr * num(this.dict.gamma), lrFloat, this.isFloat('gamma'));
    });
  }

  protected override closedFormLr(): PyNumber[] {
    const [factor, f] = this.gammaPow(this.lastEpoch);
    return this.baseLrs.map((b, i) => pyArith(b * factor, f, isPyFloat(this.baseLrs, i, b)));
  }
}

/** Cosine annealing from each base lr down to etaMin over tMax epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    opts: { tMax: number; etaMin?: number | Float; lastEpoch?: number; verbose?: boolean },
  ) {
    super(optimizer, { T_max: opts.tMax, eta_min: opts.etaMin ?? 0 }, opts.lastEpoch, opts.verbose);
  }

  protected override getLr(): PyNumber[] {
    const epoch = this.lastEpoch;
    const tMax = this.dict.T_max as number;
    const etaMin = num(this.dict.eta_min);
    const cos = (x: number): number => native.libm('cos', x);
    const asFloat = (x: number): PyNumber => pyArith(x, true);
    if (epoch === 0) return this.currentLrs().map(([lr, f]) => (f && Number.isInteger(lr) ? new Float(lr) : lr));
    if (this.dict._step_count === 1 && epoch > 0) {
      return this.baseLrs.map((b) => asFloat(etaMin + ((b - etaMin) * (1 + cos((epoch * Math.PI) / tMax))) / 2));
    }
    const period = 2 * tMax;
    if ((((epoch - 1 - tMax) % period) + period) % period === 0) {
      return this.currentLrs().map(([lr], i) =>
        asFloat(lr + ((this.baseLrs[i] - etaMin) * (1 - cos(Math.PI / tMax))) / 2),
      );
    }
    return this.currentLrs().map(([lr]) =>
      asFloat(
        ((1 + cos((Math.PI * epoch) / tMax)) / (1 + cos((Math.PI * (epoch - 1)) / tMax))) * (lr - etaMin) + etaMin,
      ),
    );
  }

  protected override closedFormLr(): PyNumber[] {
    const tMax = this.dict.T_max as number;
    const etaMin = num(this.dict.eta_min);
    return this.baseLrs.map((b) =>
      pyArith(etaMin + ((b - etaMin) * (1 + native.libm('cos', (Math.PI * this.lastEpoch) / tMax))) / 2, true),
    );
  }
}
