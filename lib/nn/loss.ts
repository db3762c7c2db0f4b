/**
 * Loss layers: nn.CrossEntropyLoss, nn.NLLLoss and nn.MSELoss, with PyTorch 1.13's attributes (the class weight is a
 * buffer, as in PyTorch) and defaults.
 */
import { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';

/** Options of the classification losses. */
export interface WeightedLossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: F.Reduction;
}

/** Cross entropy of logits against class indices or probabilities. */
export class CrossEntropyLoss extends Module {
  static override floatAttributes = ['labelSmoothing'];
  declare reduction: F.Reduction;
  declare ignoreIndex: number;
  declare labelSmoothing: number;
  declare weight: Tensor | null;

  constructor(opts: WeightedLossOptions & { labelSmoothing?: number } = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    this.registerBuffer('weight', opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0.0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** Negative log likelihood of log-probabilities. */
export class NLLLoss extends Module {
  declare reduction: F.Reduction;
  declare ignoreIndex: number;
  declare weight: Tensor | null;

  constructor(opts: WeightedLossOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    this.registerBuffer('weight', opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** Mean squared error. */
export class MSELoss extends Module {
  declare reduction: F.Reduction;

  constructor(opts: { reduction?: F.Reduction } = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}
