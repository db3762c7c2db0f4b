/**
 * torch.nn.init: fills tensors in place, outside autograd, with the same scalar arithmetic and the same generator
 * calls as PyTorch 1.13, so that a seeded initialisation gives PyTorch's exact numbers. Scalars are computed as
 * Python computes them: `math.sqrt` is correctly rounded in both languages, and `x ** 2` goes through C's pow.
 */
import { noGrad } from '../autograd';
import { native } from '../native';
import { Tensor } from '../tensor';
import { pyError } from './errors';

/** Nonlinearities calculate_gain knows. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/** Which fan kaiming_* scales by. */
export type FanMode = 'fan_in' | 'fan_out';

const LINEAR_FNS = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];

/** The recommended gain for a nonlinearity (leaky_relu takes its negative slope as `param`, default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity | string, param: number | null = null): number {
  if (LINEAR_FNS.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    let slope = 0.01;
    if (param !== null && param !== undefined) {
      if (typeof param !== 'number') throw pyError('ValueError', `negative_slope ${String(param)} not a valid number`);
      slope = param;
    }
    return Math.sqrt(2.0 / (1 + native.libm('pow', slope, 2)));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw pyError('ValueError', `Unsupported nonlinearity ${nonlinearity}`);
}

/** Fills with U(a, b). */
export function uniform_(tensor: Tensor, a = 0, b = 1): Tensor {
  return noGrad(() => tensor.uniform_(a, b));
}

/** Fills with N(mean, std²). */
export function normal_(tensor: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => tensor.normal_(mean, std));
}

/** Fills with val. */
export function constant_(tensor: Tensor, val: number): Tensor {
  return noGrad(() => tensor.fill_(val));
}

/** Fills with 1. */
export function ones_(tensor: Tensor): Tensor {
  return noGrad(() => tensor.fill_(1));
}

/** Fills with 0. */
export function zeros_(tensor: Tensor): Tensor {
  return noGrad(() => tensor.zero_());
}

/** [fan_in, fan_out] of a weight: input/output feature maps times the receptive field size. */
export function _calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  const shape = tensor.shape;
  if (shape.length < 2) {
    throw pyError('ValueError', 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  }
  let receptive = 1;
  for (const s of shape.slice(2)) receptive *= s;
  return [shape[1] * receptive, shape[0] * receptive];
}

function correctFan(tensor: Tensor, mode: string): number {
  const m = mode.toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out') {
    throw pyError('ValueError', `Mode ${m} not supported, please use one of ['fan_in', 'fan_out']`);
  }
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  return m === 'fan_in' ? fanIn : fanOut;
}

/** Glorot uniform: U(-a, a) with a = gain·sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_(tensor: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(tensor, -a, a);
}

/** Glorot normal: N(0, gain²·2 / (fan_in + fan_out)). */
export function xavierNormal_(tensor: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(tensor, 0, std);
}

/** Options of the kaiming initialisers (PyTorch's defaults: a 0, fan_in, leaky_relu). */
export interface KaimingOptions {
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

/** He uniform: U(-b, b) with b = gain·sqrt(3 / fan). A zero-element tensor is left alone (with a warning). */
export function kaimingUniform_(tensor: Tensor, opts: KaimingOptions = {}): Tensor {
  if (tensor.shape.includes(0)) {
    process.emitWarning('Initializing zero-element tensors is a no-op', 'UserWarning');
    return tensor;
  }
  const fan = correctFan(tensor, opts.mode ?? 'fan_in');
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  const std = gain / Math.sqrt(fan);
  const bound = Math.sqrt(3.0) * std;
  return uniform_(tensor, -bound, bound);
}

/** He normal: N(0, gain² / fan). */
export function kaimingNormal_(tensor: Tensor, opts: KaimingOptions = {}): Tensor {
  if (tensor.shape.includes(0)) {
    process.emitWarning('Initializing zero-element tensors is a no-op', 'UserWarning');
    return tensor;
  }
  const fan = correctFan(tensor, opts.mode ?? 'fan_in');
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return normal_(tensor, 0, gain / Math.sqrt(fan));
}
