/**
 * torch.optim.SGD with PyTorch 1.13's options, checks, state (`momentum_buffer`, None when momentum is 0) and the
 * op sequence of its single-tensor path, so parameters follow PyTorch's trajectory bit for bit.
 */
import { native } from '../native';
import { Float } from '../serialization/python';
import { Tensor } from '../tensor';
import { HyperSpec, Optimizer, ParamGroup, Params, REQUIRED } from './optimizer';
import { TorchError } from '../errors';
import { pyStr } from '../nn/pyformat';

/** SGD's options (PyTorch's keyword arguments in camelCase). */
export interface SGDOptions {
  lr?: number | Float;
  momentum?: number | Float;
  dampening?: number | Float;
  weightDecay?: number | Float;
  nesterov?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
}

const SPECS: readonly HyperSpec[] = [
  ['lr', 'lr', REQUIRED],
  ['momentum', 'momentum', 0],
  ['dampening', 'dampening', 0],
  ['weight_decay', 'weightDecay', 0],
  ['nesterov', 'nesterov', false],
  ['maximize', 'maximize', false],
  ['foreach', 'foreach', null],
  ['differentiable', 'differentiable', false],
];

/** Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay. */
export class SGD extends Optimizer {
  constructor(params: Params, opts: SGDOptions = {}) {
    const lr = opts.lr === undefined ? undefined : Number(opts.lr);
    const momentum = Number(opts.momentum ?? 0);
    const dampening = Number(opts.dampening ?? 0);
    const weightDecay = Number(opts.weightDecay ?? 0);
    if (lr !== undefined && lr < 0) throw new TorchError(`Invalid learning rate: ${pyStr(opts.lr)}`, 'ValueError');
    if (momentum < 0) throw new TorchError(`Invalid momentum value: ${pyStr(opts.momentum)}`, 'ValueError');
    if (weightDecay < 0) throw new TorchError(`Invalid weight_decay value: ${pyStr(opts.weightDecay)}`, 'ValueError');
    if (opts.nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new TorchError('Nesterov momentum requires a momentum and zero dampening', 'ValueError');
    }
    super(params, SPECS, opts as Record<string, unknown>);
  }

  protected override updateGroup(group: ParamGroup): void {
    const lr = Number(group.lr);
    const momentum = Number(group.momentum);
    const dampening = Number(group.dampening);
    const weightDecay = Number(group.weight_decay);
    const nesterov = Boolean(group.nesterov);
    const maximize = Boolean(group.maximize);
    for (const p of group.params) {
      const grad = this.gradOf(p);
      if (grad === null) continue;
      const state = this.stateOf(p);
      let buf = (state.momentum_buffer as Tensor | null | undefined) ?? null;
      let dp = maximize ? native.neg(grad) : grad;
      if (weightDecay !== 0) dp = native.add(dp, p._h, weightDecay);
      if (momentum !== 0) {
        if (buf === null) {
          buf = new Tensor(native.detach(native.clone(dp)));
        } else {
          native.mul_(buf._h, momentum);
          native.add_(buf._h, dp, 1 - dampening);
        }
        dp = nesterov ? native.add(dp, buf._h, momentum) : buf._h;
      }
      native.add_(p._h, dp, -lr);
      state.momentum_buffer = buf;
    }
  }

  protected override upgradeLoaded(): void {
    this.setDefaultInGroups('nesterov', false);
    this.setDefaultInGroups('maximize', false);
    this.setDefaultInGroups('foreach', null);
    this.setDefaultInGroups('differentiable', false);
  }
}
