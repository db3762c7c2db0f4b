/**
 * nn.Linear (y = x Wᵀ + b) and nn.Identity with PyTorch 1.13's attributes, initialisation and repr.
 */
import { empty } from '../creation';
import { Parameter } from '../parameter';
import { Tensor } from '../tensor';
import { FactoryOptions } from './conv';
import * as F from './functional';
import * as init from './init';
import { Module } from './module';
import { pyStr } from './pyformat';

/** A fully connected layer. */
export class Linear extends Module {
  declare inFeatures: number;
  declare outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: FactoryOptions & { bias?: boolean } = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const factory = { device: opts.device, dtype: opts.dtype };
    this.weight = new Parameter(empty([outFeatures, inFeatures], factory));
    if (opts.bias ?? true) this.bias = new Parameter(empty([outFeatures], factory));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** Kaiming-uniform weights (a = √5), U(-1/√in, 1/√in) biases, as PyTorch. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init._calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyStr(this.bias !== null)}`;
  }
}

/** Returns its input unchanged (a placeholder layer). */
export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return input;
  }
}
