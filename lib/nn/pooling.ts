/**
 * nn.MaxPool2d and nn.AvgPool2d. As in PyTorch, sizes keep the form they were given in (an int stays an int, which
 * is what the repr and a pickle show) and the stride defaults to the kernel size itself.
 */
import { tuple, Tuple } from '../serialization/python';
import { Tensor } from '../tensor';
import * as F from './functional';
import { Module } from './module';
import { pyStr } from './pyformat';

/** A size as a Python user passes it: an int, or a tuple (a JS array becomes one). */
function size(x: F.IntOrPair): number | Tuple<number> {
  return typeof x === 'number' || x instanceof Tuple ? x : tuple(...x);
}

/** Options of MaxPool2d. */
export interface MaxPool2dOptions {
  padding?: F.IntOrPair;
  dilation?: F.IntOrPair;
  returnIndices?: boolean;
  ceilMode?: boolean;
}

/** 2-D max pooling. */
export class MaxPool2d extends Module {
  declare kernelSize: F.IntOrPair;
  declare stride: F.IntOrPair;
  declare padding: F.IntOrPair;
  declare dilation: F.IntOrPair;
  declare returnIndices: boolean;
  declare ceilMode: boolean;

  constructor(kernelSize: F.IntOrPair, stride: F.IntOrPair | null = null, opts: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = size(kernelSize);
    this.stride = stride === null ? this.kernelSize : size(stride);
    this.padding = size(opts.padding ?? 0);
    this.dilation = size(opts.dilation ?? 1);
    this.returnIndices = opts.returnIndices ?? false;
    this.ceilMode = opts.ceilMode ?? false;
  }

  override forward(input: Tensor): Tensor {
    return F.maxPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
      returnIndices: this.returnIndices,
    });
  }

  override extraRepr(): string {
    return (
      `kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, padding=${pyStr(this.padding)}, ` +
      `dilation=${pyStr(this.dilation)}, ceil_mode=${pyStr(this.ceilMode)}`
    );
  }
}

/** Options of AvgPool2d. */
export interface AvgPool2dOptions {
  padding?: F.IntOrPair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** 2-D average pooling. */
export class AvgPool2d extends Module {
  declare kernelSize: F.IntOrPair;
  declare stride: F.IntOrPair;
  declare padding: F.IntOrPair;
  declare ceilMode: boolean;
  declare countIncludePad: boolean;
  declare divisorOverride: number | null;

  constructor(kernelSize: F.IntOrPair, stride: F.IntOrPair | null = null, opts: AvgPool2dOptions = {}) {
    super();
    this.kernelSize = size(kernelSize);
    this.stride = stride === null ? this.kernelSize : size(stride);
    this.padding = size(opts.padding ?? 0);
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  override forward(input: Tensor): Tensor {
    return F.avgPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}, padding=${pyStr(this.padding)}`;
  }
}
