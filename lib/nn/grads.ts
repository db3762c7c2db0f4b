/**
 * Module.zeroGrad and Optimizer.zeroGrad share PyTorch 1.13's rule: a gradient is dropped (setToNone), or detached
 * from any graph (or marked as not requiring grad) and zeroed in place. The native calls go on the handles
 * directly, without a Tensor wrapper per gradient, because this runs every training step.
 */
import { native } from '../native';
import { Tensor } from '../tensor';

/** Resets the gradient of every tensor in params. */
export function zeroGrads(params: Iterable<Tensor>, setToNone: boolean): void {
  for (const p of params) {
    const g = native.grad(p._h);
    if (g === null) continue;
    if (setToNone) {
      native.setGrad(p._h, null);
      continue;
    }
    if (native.gradFn(g) !== null) native.detach_(g);
    else native.setRequiresGrad(g, false);
    native.zero_(g);
  }
}
