/**
 * torch.optim.Adam with PyTorch 1.13's options, checks and state: `step` as a 0-d float32 tensor, `exp_avg`,
 * `exp_avg_sq` (and `max_exp_avg_sq` with amsgrad). The update is the op sequence of 1.13's single-tensor path, with
 * the bias corrections computed as Python computes them (`beta ** step` through C's pow, `math.sqrt`).
 */
import { tensor, zerosLike } from '../creation';
import { TorchError } from '../errors';
import { native, NativeTensor } from '../native';
import { pyStr } from '../nn/pyformat';
import { Float, tuple, Tuple } from '../serialization/python';
import { Tensor } from '../tensor';
import { HyperSpec, Optimizer, ParamGroup, Params } from './optimizer';

/** Adam's and AdamW's options (PyTorch's keyword arguments in camelCase). */
export interface AdamOptions {
  lr?: number | Float;
  betas?: readonly [number, number] | Tuple<number>;
  eps?: number | Float;
  weightDecay?: number | Float;
  amsgrad?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean;
}

/** Adam's hyperparameters in 1.13's order; betas is one tuple shared by every group that takes the default. */
const ADAM_SPECS = (betas: Tuple<number>): HyperSpec[] => [
  ['lr', 'lr', 1e-3],
  ['betas', 'betas', betas],
  ['eps', 'eps', 1e-8],
  ['weight_decay', 'weightDecay', 0],
  ['amsgrad', 'amsgrad', false],
  ['maximize', 'maximize', false],
  ['foreach', 'foreach', null],
  ['capturable', 'capturable', false],
  ['differentiable', 'differentiable', false],
  ['fused', 'fused', false],
];

/** Checks Adam's and AdamW's options with PyTorch's messages; returns the betas as a tuple. */
export function checkAdamOptions(opts: AdamOptions): Tuple<number> {
  const betas = opts.betas instanceof Tuple ? opts.betas : tuple(...(opts.betas ?? [0.9, 0.999]));
  const check = (ok: boolean, what: string, v: unknown): void => {
    if (!ok) throw new TorchError(`Invalid ${what}: ${pyStr(v)}`, 'ValueError');
  };
  check(Number(opts.lr ?? 1e-3) >= 0, 'learning rate', opts.lr);
  check(Number(opts.eps ?? 1e-8) >= 0, 'epsilon value', opts.eps);
  check(betas[0] >= 0 && betas[0] < 1, 'beta parameter at index 0', betas[0]);
  check(betas[1] >= 0 && betas[1] < 1, 'beta parameter at index 1', betas[1]);
  check(Number(opts.weightDecay ?? 0) >= 0, 'weight_decay value', opts.weightDecay);
  if (opts.capturable || opts.fused) {
    throw new TorchError(
      'capturable and fused Adam need CUDA graphs and are not supported by torch-node',
      'ValueError',
    );
  }
  return betas;
}

/** The state of one Adam (or AdamW) parameter, created on its first step. */
export function adamState(p: Tensor, state: Record<string, unknown>, amsgrad: boolean): void {
  if (Object.keys(state).length !== 0) return;
  state.step = tensor(0.0, { dtype: 'float32' });
  state.exp_avg = zerosLike(p);
  state.exp_avg_sq = zerosLike(p);
  if (amsgrad) state.max_exp_avg_sq = zerosLike(p);
}

/**
 * The moment updates and the parameter step shared by Adam and AdamW (after their weight-decay treatment):
 * `grad` is the (possibly decayed, possibly negated) gradient.
 */
export function adamMoments(p: Tensor, grad: NativeTensor, state: Record<string, unknown>, group: ParamGroup): void {
  const [beta1, beta2] = group.betas as number[];
  const lr = Number(group.lr);
  const eps = Number(group.eps);
  const expAvg = (state.exp_avg as Tensor)._h;
  const expAvgSq = (state.exp_avg_sq as Tensor)._h;
  native.mul_(expAvg, beta1);
  native.add_(expAvg, grad, 1 - beta1);
  native.mul_(expAvgSq, beta2);
  native.addcmul_(expAvgSq, grad, grad, 1 - beta2);
  const step = native.item((state.step as Tensor)._h) as number;
  const biasCorrection1 = 1 - native.libm('pow', beta1, step);
  const biasCorrection2 = 1 - native.libm('pow', beta2, step);
  const stepSize = lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
  let second = expAvgSq;
  if (group.amsgrad) {
    const max = (state.max_exp_avg_sq as Tensor)._h;
    native.maximumOut(max, max, expAvgSq);
    second = max;
  }
  const denom = native.div(native.sqrt(second), biasCorrection2Sqrt);
  native.add_(denom, eps);
  native.addcdiv_(p._h, expAvg, denom, -stepSize);
}

/** Upgrades an older Adam/AdamW state: `step` saved as a number becomes a 0-d float32 tensor. */
export function upgradeSteps(state: Map<Tensor, Record<string, unknown>>): void {
  const all = [...state.values()];
  if (all.length === 0 || all[0].step instanceof Tensor) return;
  for (const s of all) s.step = tensor(Number(s.step), { dtype: 'float32' });
}

/** Adam: adaptive moment estimation (weight decay added to the gradient, L2 style). */
export class Adam extends Optimizer {
  constructor(params: Params, opts: AdamOptions = {}) {
    const betas = checkAdamOptions(opts);
    super(params, ADAM_SPECS(betas), { ...opts, betas });
  }

  protected override updateGroup(group: ParamGroup): void {
    const weightDecay = Number(group.weight_decay);
    for (const p of group.params) {
      const g = this.gradOf(p);
      if (g === null) continue;
      const state = this.stateOf(p);
      adamState(p, state, Boolean(group.amsgrad));
      let grad = group.maximize ? native.neg(g) : g;
      native.add_((state.step as Tensor)._h, 1);
      if (weightDecay !== 0) grad = native.add(grad, p._h, weightDecay);
      adamMoments(p, grad, state, group);
    }
  }

  protected override upgradeLoaded(): void {
    for (const [key, value] of [
      ['amsgrad', false],
      ['maximize', false],
      ['foreach', null],
      ['capturable', false],
      ['differentiable', false],
      ['fused', false],
    ] as const) {
      this.setDefaultInGroups(key, value);
    }
    upgradeSteps(this.state);
  }
}
