/**
 * torch.nn.functional: the stateless ops the layers call. Each one validates its arguments as PyTorch 1.13's
 * torch/nn/functional.py does (same messages) and calls the ATen op Python calls, so values and gradients are
 * PyTorch's bit for bit.
 */
import { DType, toDtype } from '../dtype';
import { native } from '../native';
import { Tensor, wrap } from '../tensor';
import { pyError } from './errors';

/** An int or a pair of ints, as `_pair` accepts (kernel sizes, strides, paddings). */
export type IntOrPair = number | readonly number[];

/** How a loss reduces its per-element values. */
export type Reduction = 'none' | 'mean' | 'sum';

/** `_pair(x)`: an int repeated twice, or the given sequence. */
export function pair(x: IntOrPair): number[] {
  // A sequence is given as it is (callers only read it): copying it was an allocation per layer per forward.
  return typeof x === 'number' ? [x, x] : (x as number[]);
}

/** _Reduction.get_enum: 'none' 0, 'mean' 1, 'sum' 2. */
function reductionEnum(reduction: string): number {
  switch (reduction) {
    case 'none':
      return 0;
    case 'mean':
      return 1;
    case 'sum':
      return 2;
    case 'elementwise_mean':
      process.emitWarning("reduction='elementwise_mean' is deprecated, please use reduction='mean' instead.");
      return 1;
    default:
      throw pyError('ValueError', `${reduction} is not a valid value for reduction`);
  }
}

function sizeText(t: Tensor): string {
  return `torch.Size([${t.shape.join(', ')}])`;
}

/** 2-D convolution. */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  opts: { stride?: IntOrPair; padding?: IntOrPair | 'valid'; dilation?: IntOrPair; groups?: number } = {},
): Tensor {
  const padding = opts.padding === 'valid' ? 0 : (opts.padding ?? 0);
  if (typeof padding === 'string') {
    throw pyError(
      'ValueError',
      `padding='${padding}' is not supported by torch-node's conv2d; give the padding as ints`,
    );
  }
  return wrap(
    native.conv2d(
      input._h,
      weight._h,
      bias ? bias._h : null,
      pair(opts.stride ?? 1),
      pair(padding),
      pair(opts.dilation ?? 1),
      opts.groups ?? 1,
    ),
  );
}

/** y = x Wᵀ + b. */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return wrap(native.linear(input._h, weight._h, bias ? bias._h : null));
}

/** max(x, 0), in place with `inplace`. */
export function relu(input: Tensor, opts: { inplace?: boolean } = {}): Tensor {
  return opts.inplace ? input.relu_() : input.relu();
}

/** 2-D max pooling; the stride defaults to the kernel size. */
export function maxPool2d(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: {
    stride?: IntOrPair | null;
    padding?: IntOrPair;
    dilation?: IntOrPair;
    ceilMode?: boolean;
    returnIndices?: boolean;
  } = {},
): Tensor {
  if (opts.returnIndices) throw pyError('ValueError', 'maxPool2d with returnIndices is not supported by torch-node');
  const kernel = pair(kernelSize);
  const stride = opts.stride === undefined || opts.stride === null ? kernel : pair(opts.stride);
  return wrap(
    native.maxPool2d(
      input._h,
      kernel,
      stride,
      pair(opts.padding ?? 0),
      pair(opts.dilation ?? 1),
      opts.ceilMode ?? false,
    ),
  );
}

/** 2-D average pooling; the stride defaults to the kernel size. */
export function avgPool2d(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: {
    stride?: IntOrPair | null;
    padding?: IntOrPair;
    ceilMode?: boolean;
    countIncludePad?: boolean;
    divisorOverride?: number | null;
  } = {},
): Tensor {
  const kernel = pair(kernelSize);
  const stride = opts.stride === undefined || opts.stride === null ? kernel : pair(opts.stride);
  return wrap(
    native.avgPool2d(
      input._h,
      kernel,
      stride,
      pair(opts.padding ?? 0),
      opts.ceilMode ?? false,
      opts.countIncludePad ?? true,
      opts.divisorOverride ?? null,
    ),
  );
}

/**
 * Pads the last dimensions: `pad` lists (before, after) amounts from the last dimension backwards, as F.pad. Only
 * constant padding is supported.
 */
export function pad(input: Tensor, padding: number[], opts: { mode?: 'constant'; value?: number } = {}): Tensor {
  if ((opts.mode ?? 'constant') !== 'constant') {
    throw pyError(
      'NotImplementedError',
      `padding mode '${opts.mode}' is not supported by torch-node (only 'constant')`,
    );
  }
  return wrap(native.constantPad(input._h, padding, opts.value ?? 0));
}

/** Flattens dimensions startDim…endDim into one (torch.flatten). */
export function flatten(input: Tensor, startDim = 0, endDim = -1): Tensor {
  return input.flatten(startDim, endDim);
}

/** Zeroes elements with probability p while training and scales the rest by 1/(1-p). */
export function dropout(input: Tensor, opts: { p?: number; training?: boolean; inplace?: boolean } = {}): Tensor {
  const p = opts.p ?? 0.5;
  if (p < 0 || p > 1) throw pyError('ValueError', `dropout probability has to be between 0 and 1, but got ${p}`);
  const training = opts.training ?? true;
  if (opts.inplace) {
    native.dropout_(input._h, p, training);
    return input;
  }
  return wrap(native.dropout(input._h, p, training));
}

/** Batch normalization over dimension 1, updating the running statistics when training. */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  opts: { weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number; eps?: number } = {},
): Tensor {
  const training = opts.training ?? false;
  if (training) {
    const size = input.shape;
    let values = size[0];
    for (let i = 2; i < size.length; i++) values *= size[i];
    if (values === 1) {
      throw pyError(
        'ValueError',
        `Expected more than 1 value per channel when training, got input size ${sizeText(input)}`,
      );
    }
  }
  return wrap(
    native.batchNorm(
      input._h,
      opts.weight ? opts.weight._h : null,
      opts.bias ? opts.bias._h : null,
      runningMean ? runningMean._h : null,
      runningVar ? runningVar._h : null,
      training,
      opts.momentum ?? 0.1,
      opts.eps ?? 1e-5,
      native.getCudnn('enabled'),
    ),
  );
}

/** The dimension softmax picks when none is given (with PyTorch's deprecation warning). */
function implicitSoftmaxDim(name: string, ndim: number): number {
  process.emitWarning(
    `Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`,
    'UserWarning',
  );
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** softmax along dim (computed in dtype when given). */
export function softmax(input: Tensor, dim: number | null = null, opts: { dtype?: DType | string } = {}): Tensor {
  const d = dim ?? implicitSoftmaxDim('softmax', input.dim());
  return wrap(native.softmax(input._h, d, opts.dtype ? toDtype(opts.dtype) : null));
}

/** log(softmax(x)) along dim, computed stably. */
export function logSoftmax(input: Tensor, dim: number | null = null, opts: { dtype?: DType | string } = {}): Tensor {
  const d = dim ?? implicitSoftmaxDim('log_softmax', input.dim());
  return wrap(native.logSoftmax(input._h, d, opts.dtype ? toDtype(opts.dtype) : null));
}

/** Options shared by the classification losses. */
export interface ClassLossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** Cross entropy between logits and class indices (or class probabilities), as F.cross_entropy. */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  opts: ClassLossOptions & { labelSmoothing?: number } = {},
): Tensor {
  return wrap(
    native.crossEntropy(
      input._h,
      target._h,
      opts.weight ? opts.weight._h : null,
      reductionEnum(opts.reduction ?? 'mean'),
      opts.ignoreIndex ?? -100,
      opts.labelSmoothing ?? 0,
    ),
  );
}

/** Negative log likelihood of log-probabilities at the target classes, as F.nll_loss. */
export function nllLoss(input: Tensor, target: Tensor, opts: ClassLossOptions = {}): Tensor {
  return wrap(
    native.nllLoss(
      input._h,
      target._h,
      opts.weight ? opts.weight._h : null,
      reductionEnum(opts.reduction ?? 'mean'),
      opts.ignoreIndex ?? -100,
    ),
  );
}

/** Mean squared error; shapes broadcast (with PyTorch's warning when they differ). */
export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  const a = input.shape;
  const b = target.shape;
  let x = input;
  let y = target;
  if (a.length !== b.length || a.some((n, i) => n !== b[i])) {
    process.emitWarning(
      `Using a target size (${sizeText(target)}) that is different to the input size (${sizeText(input)}). ` +
        'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
      'UserWarning',
    );
    const shape = broadcastShape(a, b);
    x = input.expand(shape);
    y = target.expand(shape);
  }
  return wrap(native.mseLoss(x._h, y._h, reductionEnum(opts.reduction ?? 'mean')));
}

/** The shape two shapes broadcast to, or PyTorch's error. */
function broadcastShape(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw pyError(
        'RuntimeError',
        `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i}`,
      );
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}
