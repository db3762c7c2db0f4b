/**
 * Gradients as training steps read them. Every step reads each parameter's gradient (zeroGrad, then the optimizer);
 * a new native handle per read costs microseconds, about as much as the op it feeds, so the handle is kept per
 * parameter and reused while it still wraps the parameter's gradient (native.gradCached checks that in C++).
 *
 * zeroGrads is PyTorch 1.13's rule, shared by Module.zeroGrad and Optimizer.zeroGrad: a gradient is dropped
 * (setToNone), or detached from any graph (or marked as not requiring grad) and zeroed in place.
 */
import { native, NativeTensor } from '../native';
import { Tensor } from '../tensor';

const handles = new WeakMap<Tensor, NativeTensor>();

/** The handle of p's gradient, or null when it has none. */
export function gradHandle(p: Tensor): NativeTensor | null {
  const g = native.gradCached(p._h, handles.get(p));
  if (g === null) handles.delete(p);
  else handles.set(p, g);
  return g;
}

/** Resets the gradient of every tensor in params. */
export function zeroGrads(params: Iterable<Tensor>, setToNone: boolean): void {
  for (const p of params) {
    const g = gradHandle(p);
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
