/**
 * nn.BatchNorm1d / nn.BatchNorm2d (PyTorch's _BatchNorm, module version 2): affine weight and bias, running mean and
 * variance, and num_batches_tracked. momentum null means a cumulative moving average (factor 1/num_batches_tracked).
 * State dicts of version 1 (before num_batches_tracked existed) load with a zero count.
 */
import { tensor, zeros, ones, empty } from '../creation';
import { noGrad } from '../autograd';
import { Parameter } from '../parameter';
import { Float } from '../serialization/python';
import { Tensor } from '../tensor';
import { FactoryOptions } from './conv';
import { pyError } from './errors';
import * as F from './functional';
import * as init from './init';
import { IncompatibleKeys, Module } from './module';
import { pyStr } from './pyformat';

/** Options of the BatchNorm layers (PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking stats). */
export interface BatchNormOptions extends FactoryOptions {
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** What BatchNorm1d and BatchNorm2d share. */
export abstract class BatchNorm extends Module {
  static override _version = 2;
  static override floatAttributes = ['eps', 'momentum'];
  declare numFeatures: number;
  declare eps: number;
  declare momentum: number | null;
  declare affine: boolean;
  declare trackRunningStats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;

  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const factory = { device: opts.device, dtype: opts.dtype };
    if (this.affine) {
      this.weight = new Parameter(empty([numFeatures], factory));
      this.bias = new Parameter(empty([numFeatures], factory));
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    // Buffers are registered under PyTorch's names; the camelCase properties below read them.
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], factory));
      this.registerBuffer('running_var', ones([numFeatures], factory));
      this.registerBuffer('num_batches_tracked', tensor(0, { dtype: 'int64', device: opts.device }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }

  /** Zero mean, unit variance, zero count. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  /** Running statistics reset, weight 1, bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine && this.weight && this.bias) {
      init.ones_(this.weight);
      init.zeros_(this.bias);
    }
  }

  /** Throws PyTorch's message when the input rank is wrong for this layer. */
  protected abstract checkInputDim(input: Tensor): void;

  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0.0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked) {
      const count = this.numBatchesTracked;
      noGrad(() => count.add_(1));
      factor = this.momentum === null ? 1.0 / Number(count.item()) : this.momentum;
    }
    const bnTraining = this.training || (this.runningMean === null && this.runningVar === null);
    const useStats = !this.training || this.trackRunningStats;
    return F.batchNorm(input, useStats ? this.runningMean : null, useStats ? this.runningVar : null, {
      weight: this.weight,
      bias: this.bias,
      training: bnTraining,
      momentum: factor,
      eps: this.eps,
    });
  }

  protected override _loadFromStateDict(
    stateDict: Map<string, unknown>,
    prefix: string,
    metadata: Map<unknown, unknown>,
    result: IncompatibleKeys,
    errors: string[],
  ): void {
    const version = metadata.get('version');
    if ((version === undefined || version === null || (version as number) < 2) && this.trackRunningStats) {
      const key = `${prefix}num_batches_tracked`;
      if (!stateDict.has(key)) stateDict.set(key, tensor(0, { dtype: 'int64' }));
    }
    super._loadFromStateDict(stateDict, prefix, metadata, result, errors);
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyStr(new Float(this.momentum));
    return (
      `${this.numFeatures}, eps=${pyStr(new Float(this.eps))}, momentum=${momentum}, ` +
      `affine=${pyStr(this.affine)}, track_running_stats=${pyStr(this.trackRunningStats)}`
    );
  }
}

for (const [js, py] of [
  ['runningMean', 'running_mean'],
  ['runningVar', 'running_var'],
  ['numBatchesTracked', 'num_batches_tracked'],
] as const) {
  Object.defineProperty(BatchNorm.prototype, js, {
    get(this: BatchNorm) {
      return this._buffers.get(py) ?? null;
    },
    set(this: BatchNorm, v: Tensor | null) {
      this._buffers.set(py, v);
    },
    configurable: true,
  });
}

/** Batch normalization of (N, C) or (N, C, L) inputs. */
export class BatchNorm1d extends BatchNorm {
  protected override checkInputDim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) {
      throw pyError('ValueError', `expected 2D or 3D input (got ${input.dim()}D input)`);
    }
  }
}

/** Batch normalization of (N, C, H, W) inputs. */
export class BatchNorm2d extends BatchNorm {
  protected override checkInputDim(input: Tensor): void {
    if (input.dim() !== 4) throw pyError('ValueError', `expected 4D input (got ${input.dim()}D input)`);
  }
}
