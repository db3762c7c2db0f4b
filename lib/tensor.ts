/**
 * Tensor: the TypeScript face of one at::Tensor. Methods mirror PyTorch's (camelCase, options objects for keyword
 * arguments); each calls the native op Python's binding calls, so results match PyTorch bit for bit.
 */
import { inspect } from 'util';
import { Complex, DType, DTYPES, isDtypeName, TypedArray, toDtype, typedArrayOf } from './dtype';
import { checkDevice, DeviceLike } from './device';
import { TorchError, TorchTypeError } from './errors';
import { IndexItem, toNativeIndex } from './indexing';
import { native, NativeTensor, Scalar } from './native';
import { formatTensor } from './printing';
import { NestedList, nestedValues } from './values';

/** A second operand: a tensor or a JS scalar (an integral number acts as a Python int). */
export type TensorOrScalar = Tensor | Scalar;

export { Slice } from './indexing';
export type { IndexItem } from './indexing';
export type { NestedList } from './values';

/** Handle or scalar for a native call. */
export function operand(x: TensorOrScalar): NativeTensor | Scalar {
  if (x instanceof Tensor) return x._h;
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return x;
  throw new TorchTypeError(`expected a Tensor, number, bigint or boolean, got ${inspect(x)}`);
}

function dims(d: number | number[] | undefined | null): number[] | null {
  if (d === undefined || d === null) return null;
  return Array.isArray(d) ? d : [d];
}

/** Shapes may be given as an array or as separate numbers: view([2, 3]) or view(2, 3). */
export function shapeArg(args: (number | number[])[]): number[] {
  const shape = args.length === 1 && Array.isArray(args[0]) ? args[0] : (args as number[]);
  for (const n of shape) {
    if (!Number.isInteger(n)) throw new TorchTypeError(`expected integer sizes, got ${inspect(shape)}`);
  }
  return shape;
}

/** Options of {@link Tensor.to}: the target device and dtype, and PyTorch's `non_blocking` and `copy`. */
export interface ToOptions {
  device?: DeviceLike;
  dtype?: DType | string;
  nonBlocking?: boolean;
  copy?: boolean;
}

/** Options of reductions: keep the reduced dimensions (as size 1), and the dtype to compute in. */
export interface ReduceOptions {
  keepdim?: boolean;
  dtype?: DType | string;
}

/** Wraps a native handle; every op result comes through here. */
export function wrap(h: NativeTensor): Tensor {
  return new Tensor(h);
}

/**
 * A tensor: one libtorch tensor behind a native handle. Views share storage with their base; in-place methods end
 * in `_` and return `this`; `String(t)` is PyTorch's repr.
 */
export class Tensor {
  /** @internal the native handle */
  readonly _h: NativeTensor;

  /** @internal Tensors come from factory functions (torch.tensor, torch.zeros, …) and ops. */
  constructor(handle: NativeTensor) {
    this._h = handle;
  }

  // ---- metadata -------------------------------------------------------------------------------------------------

  /** The element type, by PyTorch's name ('float32', 'int64', …). */
  get dtype(): DType {
    return native.dtype(this._h) as DType;
  }
  /** The sizes, as `t.shape` in PyTorch. */
  get shape(): number[] {
    return native.shape(this._h);
  }
  /** `size()` gives the shape; `size(d)` one dimension (negative counts from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    const s = native.shape(this._h);
    return dim === undefined ? s : s[this.wrapDim(dim)];
  }
  /** The strides in elements (`stride(d)`: one dimension), as `t.stride()` in PyTorch. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    const s = native.strides(this._h);
    return dim === undefined ? s : s[this.wrapDim(dim)];
  }
  /** Where the first element sits in the storage, in elements. */
  storageOffset(): number {
    return native.storageOffset(this._h);
  }
  /** 'cpu' or 'cuda:N'. */
  get device(): string {
    return native.device(this._h);
  }
  /** True on a CUDA device. */
  get isCuda(): boolean {
    return this.device.startsWith('cuda');
  }
  /** The number of elements. */
  numel(): number {
    return native.numel(this._h);
  }
  /** The number of dimensions. */
  dim(): number {
    return native.dim(this._h);
  }
  /** The number of dimensions (Python's `t.ndim`). */
  get ndim(): number {
    return native.dim(this._h);
  }
  /** True when the elements lie in row-major order without gaps. */
  isContiguous(): boolean {
    return native.isContiguous(this._h);
  }
  /** Whether autograd records operations on this tensor; settable on floating-point and complex tensors. */
  get requiresGrad(): boolean {
    return native.requiresGrad(this._h);
  }
  set requiresGrad(on: boolean) {
    this.setRequiresGrad(on, 'only Tensors of floating point and complex dtype can require gradients');
  }
  /** Turns gradient tracking on (or off) in place, as Python's `requires_grad_()`. */
  requiresGrad_(on = true): this {
    this.setRequiresGrad(on, 'only Tensors of floating point dtype can require gradients');
    return this;
  }
  // Python's setter and method check the dtype first, each with its own message.
  private setRequiresGrad(on: boolean, message: string): void {
    const kind = DTYPES[this.dtype].kind;
    if (on && kind !== 'float' && kind !== 'complex') throw new TorchError(message);
    native.setRequiresGrad(this._h, on);
  }
  /** True for tensors made by the user rather than by a recorded operation. */
  get isLeaf(): boolean {
    return native.isLeaf(this._h);
  }
  /** The accumulated gradient, or null. */
  get grad(): Tensor | null {
    const g = native.grad(this._h);
    return g ? wrap(g) : null;
  }
  set grad(g: Tensor | null) {
    native.setGrad(this._h, g ? g._h : null);
  }
  /** Name of the autograd node that made this tensor ('AddBackward0', …), or null for leaves. */
  get gradFn(): string | null {
    return native.gradFn(this._h);
  }

  private wrapDim(d: number): number {
    const n = Math.max(this.dim(), 1);
    if (!Number.isInteger(d) || d < -n || d >= n) {
      throw new TorchTypeError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${d})`);
    }
    return d < 0 ? d + n : d;
  }

  // ---- out -------------------------------------------------------------------------------------------------------

  /** The elements as a typed array (a contiguous copy; 16-bit floats as raw bits, complex interleaved). */
  data(): TypedArray {
    return typedArrayOf(this.dtype, native.toBuffer(this._h));
  }
  /** Contiguous little-endian bytes, as numpy's `tobytes()`. */
  toBuffer(): Buffer {
    return native.toBuffer(this._h);
  }
  /** The value of a one-element tensor: number (bigint past 2^53), boolean, or Complex. */
  item(): number | bigint | boolean | Complex {
    const v = native.item(this._h);
    return Array.isArray(v) ? new Complex(v[0], v[1]) : v;
  }
  /** Nested arrays of the values, as Python's `tolist()`. */
  tolist(): NestedList {
    return nestedValues(this);
  }

  // ---- movement and shape ----------------------------------------------------------------------------------------

  /** to('cuda'), to('float64'), to({ device, dtype, nonBlocking, copy }), or to(otherTensor) (its device and dtype). */
  to(target: DeviceLike | DType | ToOptions | Tensor): Tensor {
    let o: ToOptions;
    if (target instanceof Tensor) o = { device: target.device, dtype: target.dtype };
    else if (typeof target === 'string') o = isDtypeName(target) ? { dtype: target } : { device: target };
    else if (typeof target === 'object' && target !== null && !('type' in target)) o = target as ToOptions;
    else o = { device: target as DeviceLike };
    const device = o.device === undefined ? null : checkDevice(o.device);
    const dtype = o.dtype === undefined ? null : toDtype(o.dtype);
    const h = native.to(this._h, device, dtype, o.nonBlocking ?? false, o.copy ?? false);
    return h === this._h ? this : wrap(h);
  }
  /** A copy on the CPU, or this tensor when it is there already. */
  cpu(): Tensor {
    return this.to('cpu');
  }
  /** A copy on a CUDA device (the current one by default), as `t.cuda()`. */
  cuda(device: number | string = 'cuda'): Tensor {
    return this.to(typeof device === 'number' ? `cuda:${device}` : device);
  }
  /** Converted to float32. */
  float(): Tensor {
    return this.to({ dtype: 'float32' });
  }
  /** Converted to float64. */
  double(): Tensor {
    return this.to({ dtype: 'float64' });
  }
  /** Converted to float16. */
  half(): Tensor {
    return this.to({ dtype: 'float16' });
  }
  /** Converted to int64. */
  long(): Tensor {
    return this.to({ dtype: 'int64' });
  }
  /** Converted to int32. */
  int(): Tensor {
    return this.to({ dtype: 'int32' });
  }
  /** Converted to bool. */
  bool(): Tensor {
    return this.to({ dtype: 'bool' });
  }
  /** A copy with its own storage (recorded by autograd). */
  clone(): Tensor {
    return wrap(native.clone(this._h));
  }
  /** This tensor when contiguous, else a contiguous copy. */
  contiguous(): Tensor {
    return wrap(native.contiguous(this._h));
  }
  /** A view with another shape (one size may be -1); the memory layout must allow it. */
  view(...shape: (number | number[])[]): Tensor {
    return wrap(native.view(this._h, shapeArg(shape)));
  }
  /** Reinterprets the bytes as another dtype (t.view(torch.int32) in Python). */
  viewAs(dtype: DType | string): Tensor {
    return wrap(native.viewDtype(this._h, toDtype(dtype)));
  }
  /** Another shape: a view when the layout allows, a copy otherwise. */
  reshape(...shape: (number | number[])[]): Tensor {
    return wrap(native.reshape(this._h, shapeArg(shape)));
  }
  /** Dimensions startDim..endDim merged into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return wrap(native.flatten(this._h, startDim, endDim));
  }
  /** Size-1 dimensions removed (only `dim` when given). */
  squeeze(dim?: number): Tensor {
    return wrap(native.squeeze(this._h, dim ?? null));
  }
  /** A size-1 dimension inserted at `dim`. */
  unsqueeze(dim: number): Tensor {
    return wrap(native.unsqueeze(this._h, dim));
  }
  /** A view with the dimensions in the given order. */
  permute(...order: (number | number[])[]): Tensor {
    return wrap(native.permute(this._h, shapeArg(order)));
  }
  /** A view with two dimensions swapped. */
  transpose(dim0: number, dim1: number): Tensor {
    return wrap(native.transpose(this._h, dim0, dim1));
  }
  /** The transpose of a tensor of at most 2 dimensions. */
  t(): Tensor {
    return wrap(native.t(this._h));
  }
  /** The transpose of a 2-D tensor (Python's `t.T` for 2-D). */
  get T(): Tensor {
    return this.dim() < 2 ? this : wrap(native.permute(this._h, [...Array(this.dim()).keys()].reverse()));
  }
  /** The slice at `index` along `dim`, that dimension removed (a view). */
  select(dim: number, index: number): Tensor {
    return wrap(native.select(this._h, dim, index));
  }
  /** `length` elements from `start` along `dim` (a view). */
  narrow(dim: number, start: number, length: number): Tensor {
    return wrap(native.narrow(this._h, dim, start, length));
  }
  /** A view broadcast to a larger shape (-1 keeps a size), without copying. */
  expand(...shape: (number | number[])[]): Tensor {
    return wrap(native.expand(this._h, shapeArg(shape)));
  }
  /** Expanded to `other`'s shape. */
  expandAs(other: Tensor): Tensor {
    return this.expand(other.shape);
  }
  /** The tensor tiled `reps` times along each dimension (a copy). */
  repeat(...reps: (number | number[])[]): Tensor {
    return wrap(native.repeat(this._h, shapeArg(reps)));
  }
  /** The elements reversed along the given dimensions (a copy). */
  flip(...d: (number | number[])[]): Tensor {
    return wrap(native.flip(this._h, shapeArg(d)));
  }
  /** Up to `chunks` views of (nearly) equal size along `dim`. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return native.chunk(this._h, chunks, dim).map(wrap);
  }
  /** Views of `size` elements each along `dim` (the last may be shorter). */
  split(size: number, dim = 0): Tensor[] {
    return native.split(this._h, size, dim).map(wrap);
  }
  /**
   * Indexing as Python's `t[...]`: `t.index(0, '...')` is `t[0, ...]`, `t.index(':', 1)` is `t[:, 1]`,
   * `t.index(mask)` is `t[mask]`. `get` is the same.
   */
  index(...items: IndexItem[]): Tensor {
    return wrap(native.index(this._h, toNativeIndex(items)));
  }
  /** The same as {@link Tensor.index}. */
  get(...items: IndexItem[]): Tensor {
    return this.index(...items);
  }
  /** `t[items] = value` in place. */
  indexPut_(items: IndexItem[], value: TensorOrScalar): this {
    native.indexPut_(this._h, toNativeIndex(items), operand(value));
    return this;
  }
  /** The entries at the int64 `index` along `dim` (a copy). */
  indexSelect(dim: number, index: Tensor): Tensor {
    return wrap(native.indexSelect(this._h, dim, index._h));
  }
  /** Values gathered along `dim` at the positions `index` gives, as torch.gather. */
  gather(dim: number, index: Tensor): Tensor {
    return wrap(native.gather(this._h, dim, index._h));
  }

  // ---- arithmetic ------------------------------------------------------------------------------------------------

  /** this + alpha · other, broadcast, with PyTorch's type promotion. */
  add(other: TensorOrScalar, opts: { alpha?: Scalar } = {}): Tensor {
    return wrap(native.add(this._h, operand(other), opts.alpha));
  }
  /** this − alpha · other. */
  sub(other: TensorOrScalar, opts: { alpha?: Scalar } = {}): Tensor {
    return wrap(native.sub(this._h, operand(other), opts.alpha));
  }
  /** Elementwise product. */
  mul(other: TensorOrScalar): Tensor {
    return wrap(native.mul(this._h, operand(other)));
  }
  /** Elementwise quotient (true division; 'trunc' or 'floor' rounding when asked). */
  div(other: TensorOrScalar, opts: { roundingMode?: 'trunc' | 'floor' } = {}): Tensor {
    return wrap(native.div(this._h, operand(other), opts.roundingMode));
  }
  /** Python's modulus: the result has the sign of the divisor. */
  remainder(other: TensorOrScalar): Tensor {
    return wrap(native.remainder(this._h, operand(other)));
  }
  /** In place: this += alpha · other. */
  add_(other: TensorOrScalar, opts: { alpha?: Scalar } = {}): this {
    native.add_(this._h, operand(other), opts.alpha);
    return this;
  }
  /** In place: this −= alpha · other. */
  sub_(other: TensorOrScalar, opts: { alpha?: Scalar } = {}): this {
    native.sub_(this._h, operand(other), opts.alpha);
    return this;
  }
  /** In place: this *= other. */
  mul_(other: TensorOrScalar): this {
    native.mul_(this._h, operand(other));
    return this;
  }
  /** In place: this /= other. */
  div_(other: TensorOrScalar, opts: { roundingMode?: 'trunc' | 'floor' } = {}): this {
    native.div_(this._h, operand(other), opts.roundingMode);
    return this;
  }
  /** this + value · t1 · t2. */
  addcmul(t1: Tensor, t2: Tensor, opts: { value?: Scalar } = {}): Tensor {
    return wrap(native.addcmul(this._h, t1._h, t2._h, opts.value));
  }
  /** this + value · t1 / t2. */
  addcdiv(t1: Tensor, t2: Tensor, opts: { value?: Scalar } = {}): Tensor {
    return wrap(native.addcdiv(this._h, t1._h, t2._h, opts.value));
  }
  /** In place: this += value · t1 · t2. */
  addcmul_(t1: Tensor, t2: Tensor, opts: { value?: Scalar } = {}): this {
    native.addcmul_(this._h, t1._h, t2._h, opts.value);
    return this;
  }
  /** In place: this += value · t1 / t2. */
  addcdiv_(t1: Tensor, t2: Tensor, opts: { value?: Scalar } = {}): this {
    native.addcdiv_(this._h, t1._h, t2._h, opts.value);
    return this;
  }
  /** this + weight · (end − this). */
  lerp(end: Tensor, weight: TensorOrScalar): Tensor {
    return wrap(native.lerp(this._h, end._h, operand(weight)));
  }
  /** In place: this += weight · (end − this). */
  lerp_(end: Tensor, weight: TensorOrScalar): this {
    native.lerp_(this._h, end._h, operand(weight));
    return this;
  }
  /** Elementwise power. */
  pow(exponent: TensorOrScalar): Tensor {
    return wrap(native.pow(this._h, operand(exponent)));
  }
  /** In place: elementwise power. */
  pow_(exponent: TensorOrScalar): this {
    native.pow_(this._h, operand(exponent));
    return this;
  }
  /** Elementwise maximum (NaN wins). */
  maximum(other: Tensor): Tensor {
    return wrap(native.maximum(this._h, other._h));
  }
  /** Elementwise minimum (NaN wins). */
  minimum(other: Tensor): Tensor {
    return wrap(native.minimum(this._h, other._h));
  }
  /** −this. */
  neg(): Tensor {
    return wrap(native.neg(this._h));
  }
  /** e to the power of each element. */
  exp(): Tensor {
    return wrap(native.exp(this._h));
  }
  /** Natural logarithm of each element. */
  log(): Tensor {
    return wrap(native.log(this._h));
  }
  /** Absolute value of each element. */
  abs(): Tensor {
    return wrap(native.abs(this._h));
  }
  /** Square root of each element. */
  sqrt(): Tensor {
    return wrap(native.sqrt(this._h));
  }
  /** In place: square root of each element. */
  sqrt_(): this {
    native.sqrt_(this._h);
    return this;
  }
  /** 1 / √x for each element. */
  rsqrt(): Tensor {
    return wrap(native.rsqrt(this._h));
  }
  /** Each element squared. */
  square(): Tensor {
    return wrap(native.square(this._h));
  }
  /** −1, 0 or 1 for each element. */
  sign(): Tensor {
    return wrap(native.sign(this._h));
  }
  /** Sine of each element. */
  sin(): Tensor {
    return wrap(native.sin(this._h));
  }
  /** Cosine of each element. */
  cos(): Tensor {
    return wrap(native.cos(this._h));
  }
  /** Hyperbolic tangent of each element. */
  tanh(): Tensor {
    return wrap(native.tanh(this._h));
  }
  /** 1 / (1 + e^−x) for each element. */
  sigmoid(): Tensor {
    return wrap(native.sigmoid(this._h));
  }
  /** Each element rounded down. */
  floor(): Tensor {
    return wrap(native.floor(this._h));
  }
  /** Each element rounded up. */
  ceil(): Tensor {
    return wrap(native.ceil(this._h));
  }
  /** Each element rounded to the nearest integer, halves to even. */
  round(): Tensor {
    return wrap(native.round(this._h));
  }
  /** 1 / x for each element. */
  reciprocal(): Tensor {
    return wrap(native.reciprocal(this._h));
  }
  /** clamp(min, max) or clamp({ min, max }); either bound may be null. */
  clamp(
    min?: TensorOrScalar | null | { min?: TensorOrScalar | null; max?: TensorOrScalar | null },
    max?: TensorOrScalar | null,
  ): Tensor {
    if (min !== null && typeof min === 'object' && !(min instanceof Tensor)) ({ min, max } = min);
    const lo = min === undefined || min === null ? null : operand(min as TensorOrScalar);
    const hi = max === undefined || max === null ? null : operand(max);
    return wrap(native.clamp(this._h, lo, hi));
  }
  /** In place: each element limited to [min, max] (either bound may be null). */
  clamp_(min?: Scalar | null, max?: Scalar | null): this {
    native.clamp_(this._h, min ?? null, max ?? null);
    return this;
  }
  /** In place: every element set to `value` (a scalar or a 0-d tensor). */
  fill_(value: TensorOrScalar): this {
    native.fill_(this._h, operand(value));
    return this;
  }
  /** In place: every element set to 0. */
  zero_(): this {
    native.zero_(this._h);
    return this;
  }
  /** In place: `src`'s values copied in (broadcast and converted). */
  copy_(src: Tensor, nonBlocking = false): this {
    native.copy_(this._h, src._h, nonBlocking);
    return this;
  }
  /** Fills with U(from, to) from libtorch's generator, as Python's `uniform_`. */
  uniform_(from = 0, to = 1): this {
    native.uniform_(this._h, from, to);
    return this;
  }
  /** Fills with N(mean, std²) from libtorch's generator, as Python's `normal_`. */
  normal_(mean = 0, std = 1): this {
    native.normal_(this._h, mean, std);
    return this;
  }
  /** Fills with 1 (probability p) or 0 from libtorch's generator. */
  bernoulli_(p = 0.5): this {
    native.bernoulli_(this._h, p);
    return this;
  }

  // ---- reductions ------------------------------------------------------------------------------------------------

  /** sum() over everything, or sum(dim | dims, { keepdim, dtype }). */
  sum(dim?: number | number[] | null, opts: ReduceOptions = {}): Tensor {
    return wrap(native.sum(this._h, dims(dim), opts.keepdim ?? false, opts.dtype ? toDtype(opts.dtype) : null));
  }
  /** The mean over everything or over `dim` (floating-point and complex tensors). */
  mean(dim?: number | number[] | null, opts: ReduceOptions = {}): Tensor {
    return wrap(native.mean(this._h, dims(dim), opts.keepdim ?? false, opts.dtype ? toDtype(opts.dtype) : null));
  }
  /** The product over everything or over one dimension. */
  prod(dim?: number | null, opts: ReduceOptions = {}): Tensor {
    return wrap(native.prod(this._h, dim ?? null, opts.keepdim ?? false, opts.dtype ? toDtype(opts.dtype) : null));
  }
  /** Variance with Bessel's correction by default (correction 1), as PyTorch. */
  var(dim?: number | number[] | null, opts: { correction?: number; keepdim?: boolean } = {}): Tensor {
    return wrap(native.var(this._h, dims(dim), opts.correction ?? 1, opts.keepdim ?? false));
  }
  /** Standard deviation with Bessel's correction by default, as PyTorch. */
  std(dim?: number | number[] | null, opts: { correction?: number; keepdim?: boolean } = {}): Tensor {
    return wrap(native.std(this._h, dims(dim), opts.correction ?? 1, opts.keepdim ?? false));
  }
  /** max() → the largest element; max(dim, { keepdim }) → { values, indices }. */
  max(): Tensor;
  max(dim: number, opts?: { keepdim?: boolean }): { values: Tensor; indices: Tensor };
  max(dim?: number, opts: { keepdim?: boolean } = {}): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return wrap(native.max(this._h));
    const [v, i] = native.max(this._h, dim, opts.keepdim ?? false);
    return { values: wrap(v), indices: wrap(i) };
  }
  /** min() → the smallest element; min(dim, { keepdim }) → { values, indices }. */
  min(): Tensor;
  min(dim: number, opts?: { keepdim?: boolean }): { values: Tensor; indices: Tensor };
  min(dim?: number, opts: { keepdim?: boolean } = {}): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return wrap(native.min(this._h));
    const [v, i] = native.min(this._h, dim, opts.keepdim ?? false);
    return { values: wrap(v), indices: wrap(i) };
  }
  /** The index of the largest element (of the flattened tensor without `dim`); ties give the first. */
  argmax(dim?: number | null, opts: { keepdim?: boolean } = {}): Tensor {
    return wrap(native.argmax(this._h, dim ?? null, opts.keepdim ?? false));
  }
  /** The index of the smallest element (of the flattened tensor without `dim`); ties give the first. */
  argmin(dim?: number | null, opts: { keepdim?: boolean } = {}): Tensor {
    return wrap(native.argmin(this._h, dim ?? null, opts.keepdim ?? false));
  }
  /** Running sums along `dim`. */
  cumsum(dim: number, opts: { dtype?: DType | string } = {}): Tensor {
    return wrap(native.cumsum(this._h, dim, opts.dtype ? toDtype(opts.dtype) : null));
  }
  /** True when any element is nonzero. */
  any(): Tensor {
    return wrap(native.any(this._h));
  }
  /** True when every element is nonzero. */
  all(): Tensor {
    return wrap(native.all(this._h));
  }
  /** The p-norm of all elements. */
  norm(p: Scalar = 2): Tensor {
    return wrap(native.norm(this._h, p));
  }
  /** The k largest (or smallest) elements along a dimension, with their indices. */
  topk(
    k: number,
    opts: { dim?: number; largest?: boolean; sorted?: boolean } = {},
  ): { values: Tensor; indices: Tensor } {
    const [v, i] = native.topk(this._h, k, opts.dim ?? -1, opts.largest ?? true, opts.sorted ?? true);
    return { values: wrap(v), indices: wrap(i) };
  }
  /** The elements sorted along a dimension (the last by default), with their original indices. */
  sort(opts: { dim?: number; descending?: boolean } = {}): { values: Tensor; indices: Tensor } {
    const [v, i] = native.sort(this._h, opts.dim ?? -1, opts.descending ?? false);
    return { values: wrap(v), indices: wrap(i) };
  }

  // ---- comparisons -----------------------------------------------------------------------------------------------

  /** Elementwise ==, as a bool tensor. */
  eq(other: TensorOrScalar): Tensor {
    return wrap(native.eq(this._h, operand(other)));
  }
  /** Elementwise !=, as a bool tensor. */
  ne(other: TensorOrScalar): Tensor {
    return wrap(native.ne(this._h, operand(other)));
  }
  /** Elementwise <, as a bool tensor. */
  lt(other: TensorOrScalar): Tensor {
    return wrap(native.lt(this._h, operand(other)));
  }
  /** Elementwise <=, as a bool tensor. */
  le(other: TensorOrScalar): Tensor {
    return wrap(native.le(this._h, operand(other)));
  }
  /** Elementwise >, as a bool tensor. */
  gt(other: TensorOrScalar): Tensor {
    return wrap(native.gt(this._h, operand(other)));
  }
  /** Elementwise >=, as a bool tensor. */
  ge(other: TensorOrScalar): Tensor {
    return wrap(native.ge(this._h, operand(other)));
  }
  /** True where an element is NaN. */
  isnan(): Tensor {
    return wrap(native.isnan(this._h));
  }
  /** True where an element is ±infinity. */
  isinf(): Tensor {
    return wrap(native.isinf(this._h));
  }
  /** True where an element is neither NaN nor infinite. */
  isfinite(): Tensor {
    return wrap(native.isfinite(this._h));
  }
  /** True where an element is zero. */
  logicalNot(): Tensor {
    return wrap(native.logicalNot(this._h));
  }
  /** True when both have the same shape and elements (torch.equal). */
  equal(other: Tensor): boolean {
    return native.equal(this._h, other._h);
  }
  /** True when |this − other| ≤ atol + rtol · |other| everywhere (torch.allclose's defaults). */
  allclose(other: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
    return native.allclose(this._h, other._h, opts.rtol ?? 1e-5, opts.atol ?? 1e-8, opts.equalNan ?? false);
  }
  /** Elementwise |this − other| ≤ atol + rtol · |other|, as a bool tensor. */
  isclose(other: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): Tensor {
    return wrap(native.isclose(this._h, other._h, opts.rtol ?? 1e-5, opts.atol ?? 1e-8, opts.equalNan ?? false));
  }

  // ---- linear algebra and activations ----------------------------------------------------------------------------

  /** Matrix product with PyTorch's rules for vectors and batches (broadcast). */
  matmul(other: Tensor): Tensor {
    return wrap(native.matmul(this._h, other._h));
  }
  /** Product of two 2-D matrices. */
  mm(other: Tensor): Tensor {
    return wrap(native.mm(this._h, other._h));
  }
  /** Inner product of two 1-D tensors. */
  dot(other: Tensor): Tensor {
    return wrap(native.dot(this._h, other._h));
  }
  /** Softmax along `dim` (computed in `dtype` when given). */
  softmax(dim: number, opts: { dtype?: DType | string } = {}): Tensor {
    return wrap(native.softmax(this._h, dim, opts.dtype ? toDtype(opts.dtype) : null));
  }
  /** log(softmax) along `dim`, computed stably. */
  logSoftmax(dim: number, opts: { dtype?: DType | string } = {}): Tensor {
    return wrap(native.logSoftmax(this._h, dim, opts.dtype ? toDtype(opts.dtype) : null));
  }
  /** max(x, 0) for each element. */
  relu(): Tensor {
    return wrap(native.relu(this._h));
  }
  /** In place: max(x, 0) for each element. */
  relu_(): this {
    native.relu_(this._h);
    return this;
  }

  // ---- autograd --------------------------------------------------------------------------------------------------

  /** Computes gradients of this tensor (a scalar unless `gradient` is given) with respect to graph leaves. */
  backward(gradient?: Tensor | null, opts: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    native.backward(this._h, gradient ? gradient._h : null, opts.retainGraph ?? null, opts.createGraph ?? false);
  }
  /** A tensor sharing this one's storage, outside the autograd graph. */
  detach(): Tensor {
    return wrap(native.detach(this._h));
  }
  /** In place: takes this tensor out of the autograd graph. */
  detach_(): this {
    native.detach_(this._h);
    return this;
  }
  /** Keeps the gradient of this non-leaf tensor in `grad` after backward(). */
  retainGrad(): this {
    native.retainGrad(this._h);
    return this;
  }

  // ---- memory and printing ---------------------------------------------------------------------------------------

  /** Frees the tensor now instead of at garbage collection; using it afterwards throws. */
  dispose(): void {
    native.dispose(this._h);
  }
  /** True after dispose(). */
  get isDisposed(): boolean {
    return native.isDisposed(this._h);
  }
  /** PyTorch's repr: `tensor([[1., 2.]], dtype=torch.float64, requires_grad=True)`. */
  toString(): string {
    return formatTensor(this);
  }
  /** What console.log and util.inspect print: the repr. */
  [inspect.custom](): string {
    return this.toString();
  }
}
