/**
 * nn.Parameter: a tensor that a Module registers as a parameter. Kept outside nn/ because files carry
 * parameter-ness (torch._utils._rebuild_parameter) and the serialization layer must not depend on nn/.
 */
import { native } from './native';
import { Tensor } from './tensor';

/** A tensor that is a module's parameter: requires grad by default, prints as 'Parameter containing:'. */
export class Parameter extends Tensor {
  /** Wraps `data` (sharing its storage, detached from any graph) with requires_grad as given (true by default). */
  constructor(data: Tensor, requiresGrad = true) {
    const h = native.detach(data._h);
    native.setRequiresGrad(h, requiresGrad);
    super(h);
  }
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
