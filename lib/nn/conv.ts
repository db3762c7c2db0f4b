/**
 * nn.Conv2d with PyTorch 1.13's attributes, defaults, initialisation and repr.
 */
import { empty, TensorOptions } from '../creation';
import { Parameter } from '../parameter';
import { Tuple, tuple } from '../serialization/python';
import { Tensor } from '../tensor';
import { pyError } from './errors';
import * as F from './functional';
import * as init from './init';
import { Module } from './module';
import { pyStr } from './pyformat';

/** Where new parameters live and their dtype (PyTorch's factory_kwargs). */
export type FactoryOptions = Pick<TensorOptions, 'device' | 'dtype'>;

/** `_pair`: a new 2-tuple from an int, or the given pair as a tuple. */
export function pairTuple(x: F.IntOrPair): Tuple<number> {
  return tuple(...F.pair(x));
}

/** Options of Conv2d, as PyTorch's keyword arguments. */
export interface Conv2dOptions extends FactoryOptions {
  stride?: F.IntOrPair;
  padding?: F.IntOrPair;
  dilation?: F.IntOrPair;
  groups?: number;
  bias?: boolean;
  paddingMode?: 'zeros';
}

/** 2-D convolution over a batch of images (N, C, H, W). */
export class Conv2d extends Module {
  declare inChannels: number;
  declare outChannels: number;
  declare kernelSize: Tuple<number>;
  declare stride: Tuple<number>;
  declare padding: Tuple<number>;
  declare dilation: Tuple<number>;
  declare transposed: boolean;
  declare outputPadding: Tuple<number>;
  declare groups: number;
  declare paddingMode: string;
  declare _reversedPaddingRepeatedTwice: Tuple<number>;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: F.IntOrPair, opts: Conv2dOptions = {}) {
    super();
    const groups = opts.groups ?? 1;
    if (groups <= 0) throw pyError('ValueError', 'groups must be a positive integer');
    if (inChannels % groups !== 0) throw pyError('ValueError', 'in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw pyError('ValueError', 'out_channels must be divisible by groups');
    const paddingMode = opts.paddingMode ?? 'zeros';
    if (paddingMode !== 'zeros') {
      throw pyError('ValueError', `padding_mode '${paddingMode}' is not supported by torch-node (only 'zeros')`);
    }
    // Assignment order is the pickled __dict__'s order.
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pairTuple(kernelSize);
    this.stride = pairTuple(opts.stride ?? 1);
    this.padding = pairTuple(opts.padding ?? 0);
    this.dilation = pairTuple(opts.dilation ?? 1);
    this.transposed = false;
    this.outputPadding = pairTuple(0);
    this.groups = groups;
    this.paddingMode = paddingMode;
    this._reversedPaddingRepeatedTwice = tuple(...[...this.padding].reverse().flatMap((p) => [p, p]));
    const factory = { device: opts.device, dtype: opts.dtype };
    this.weight = new Parameter(empty([outChannels, inChannels / groups, ...this.kernelSize], factory));
    if (opts.bias ?? true) this.bias = new Parameter(empty([outChannels], factory));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** Kaiming-uniform weights (a = √5) and U(-1/√fan_in, 1/√fan_in) biases, as PyTorch. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init._calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  override forward(input: Tensor): Tensor {
    return F.conv2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyStr(this.kernelSize)}, stride=${pyStr(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${pyStr(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyStr(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyStr(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if ((this.paddingMode ?? 'zeros') !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}
