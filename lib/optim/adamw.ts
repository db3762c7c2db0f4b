/**
 * torch.optim.AdamW (decoupled weight decay: the parameter shrinks by lr·weight_decay before the Adam step), with
 * PyTorch 1.13's options — which, unlike Adam's, have no `differentiable` or `fused` and put `foreach` before
 * `maximize` — and its single-tensor op sequence.
 */
import { native } from '../native';
import { Tuple } from '../serialization/python';
import { Tensor } from '../tensor';
import { AdamOptions, adamMoments, adamState, checkAdamOptions, upgradeSteps } from './adam';
import { HyperSpec, Optimizer, ParamGroup, Params } from './optimizer';

const ADAMW_SPECS = (betas: Tuple<number>): HyperSpec[] => [
  ['lr', 'lr', 1e-3],
  ['betas', 'betas', betas],
  ['eps', 'eps', 1e-8],
  ['weight_decay', 'weightDecay', 1e-2],
  ['amsgrad', 'amsgrad', false],
  ['foreach', 'foreach', null],
  ['maximize', 'maximize', false],
  ['capturable', 'capturable', false],
];

/** AdamW: Adam with decoupled weight decay (default 0.01). */
export class AdamW extends Optimizer {
  constructor(params: Params, opts: Omit<AdamOptions, 'differentiable' | 'fused'> = {}) {
    const betas = checkAdamOptions(opts);
    super(params, ADAMW_SPECS(betas), { ...opts, betas });
  }

  protected override updateGroup(group: ParamGroup): void {
    const lr = Number(group.lr);
    const weightDecay = Number(group.weight_decay);
    for (const p of group.params) {
      const g = this.gradOf(p);
      if (g === null) continue;
      const state = this.stateOf(p);
      adamState(p, state, Boolean(group.amsgrad));
      const grad = group.maximize ? native.neg(g) : g;
      native.add_((state.step as Tensor)._h, 1);
      native.mul_(p._h, 1 - lr * weightDecay);
      adamMoments(p, grad, state, group);
    }
  }

  protected override upgradeLoaded(): void {
    this.setDefaultInGroups('amsgrad', false);
    this.setDefaultInGroups('maximize', false);
    this.setDefaultInGroups('foreach', null);
    this.setDefaultInGroups('capturable', false);
    upgradeSteps(this.state);
  }
}
