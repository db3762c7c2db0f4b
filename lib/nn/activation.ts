/**
 * Activation layers: nn.ReLU and nn.Softmax, with PyTorch 1.13's attributes and repr.
 */
import { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';

/** max(x, 0) element-wise (in place with `inplace`). */
export class ReLU extends Module {
  declare inplace: boolean;

  constructor(opts: { inplace?: boolean } = {}) {
    super();
    this.inplace = opts.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return F.relu(input, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** Softmax along `dim` (PyTorch picks a dimension, with a warning, when dim is null). */
export class Softmax extends Module {
  declare dim: number | null;

  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }

  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim ?? null);
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}
