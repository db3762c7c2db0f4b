/**
 * Tensor: the TypeScript face of one at::Tensor. Methods mirror PyTorch's (camelCase, options objects for keyword
 * arguments); each calls the native op Python's binding calls, so results match PyTorch bit for bit.
 */
import { inspect } from 'util';
import { Complex, DType, DTYPES, TypedArray, toDtype, typedArrayOf } from './dtype';
import { checkDevice, DeviceLike } from './device';
import { TorchError, TorchTypeError } from './errors';
import { native, NativeIndex, NativeTensor, Scalar } from './native';
import { formatTensor } from './printing';

/** A second operand: a tensor or a JS scalar (an integral number acts as a Python int). */
export type TensorOrScalar = Tensor | Scalar;

/** A slice, as Python's `start:stop:step`. */
export class Slice {
  constructor(
    public readonly start: number | null = null,
    public readonly stop: number | null = null,
    public readonly step: number | null = null,
  ) {}
}

/**
 * One item of an index: an integer, null (None, a new axis), '...' (Ellipsis), a slice (a {@link Slice} or a string
 * such as ':', '1:3', '::2'), a boolean, or a tensor (advanced indexing).
 */
export type IndexItem = number | null | string | Slice | boolean | Tensor;

/** Nested arrays of numbers, bigints, booleans or Complex values, as tolist() returns and tensor() accepts. */
export type NestedList = number | bigint | boolean | Complex | NestedList[];

function sliceFromString(s: string): NativeIndex {
  if (s === '...') return '...';
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3)
    throw new TorchTypeError(`invalid slice '${s}'; expected 'start:stop[:step]'`);
  const num = (p: string): number | null => {
    if (p.trim() === '') return null;
    const n = Number(p);
    if (!Number.isInteger(n)) throw new TorchTypeError(`invalid slice '${s}'`);
    return n;
  };
  return [num(parts[0]), num(parts[1]), parts.length === 3 ? num(parts[2]) : null];
}

function toNativeIndex(items: IndexItem[]): NativeIndex[] {
  return items.map((it) => {
    if (it instanceof Tensor) return it._h;
    if (it instanceof Slice) return [it.start, it.stop, it.step];
    if (typeof it === 'string') return sliceFromString(it);
    if (it === null || typeof it === 'number' || typeof it === 'boolean') return it;
    throw new TorchTypeError(`unsupported index item ${inspect(it)}`);
  });
}

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

export interface ToOptions {
  device?: DeviceLike;
  dtype?: DType | string;
  nonBlocking?: boolean;
  copy?: boolean;
}

export interface ReduceOptions {
  keepdim?: boolean;
  dtype?: DType | string;
}

/** Wraps a native handle; every op result comes through here. */
export function wrap(h: NativeTensor): Tensor {
  return new Tensor(h);
}

export class Tensor {
  /** @internal the native handle */
  readonly _h: NativeTensor;

  /** @internal Tensors come from factory functions (torch.tensor, torch.zeros, …) and ops. */
  constructor(handle: NativeTensor) {
    this._h = handle;
  }

  // ---- metadata -------------------------------------------------------------------------------------------------

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
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    const s = native.strides(this._h);
    return dim === undefined ? s : s[this.wrapDim(dim)];
  }
  storageOffset(): number {
    return native.storageOffset(this._h);
  }
  /** 'cpu' or 'cuda:N'. */
  get device(): string {
    return native.device(this._h);
  }
  get isCuda(): boolean {
    return this.device.startsWith('cuda');
  }
  numel(): number {
    return native.numel(this._h);
  }
  dim(): number {
    return native.dim(this._h);
  }
  get ndim(): number {
    return native.dim(this._h);
  }
  isContiguous(): boolean {
    return native.isContiguous(this._h);
  }
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
    const shape = this.shape;
    const flat = flatValues(this);
    let i = 0;
    const build = (d: number): NestedList => {
      if (d === shape.length) return flat[i++];
      const out: NestedList[] = [];
      for (let k = 0; k < shape[d]; k++) out.push(build(d + 1));
      return out;
    };
    return build(0);
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
  cpu(): Tensor {
    return this.to('cpu');
  }
  cuda(device: number | string = 'cuda'): Tensor {
    return this.to(typeof device === 'number' ? `cuda:${device}` : device);
  }
  float(): Tensor {
    return this.to({ dtype: 'float32' });
  }
  double(): Tensor {
    return this.to({ dtype: 'float64' });
  }
  half(): Tensor {
    return this.to({ dtype: 'float16' });
  }
  long(): Tensor {
    return this.to({ dtype: 'int64' });
  }
  int(): Tensor {
    return this.to({ dtype: 'int32' });
  }
  bool(): Tensor {
    return this.to({ dtype: 'bool' });
  }
  clone(): Tensor {
    return wrap(native.clone(this._h));
  }
  contiguous(): Tensor {
    return wrap(native.contiguous(this._h));
  }
  view(...shape: (number | number[])[]): Tensor {
    return wrap(native.view(this._h, shapeArg(shape)));
  }
  /** Reinterprets the bytes as another dtype (t.view(torch.int32) in Python). */
  viewAs(dtype: DType | string): Tensor {
    return wrap(native.viewDtype(this._h, toDtype(dtype)));
  }
  reshape(...shape: (number | number[])[]): Tensor {
    return wrap(native.reshape(this._h, shapeArg(shape)));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return wrap(native.flatten(this._h, startDim, endDim));
  }
  squeeze(dim?: number): Tensor {
    return wrap(native.squeeze(this._h, dim ?? null));
  }
  unsqueeze(dim: number): Tensor {
    return wrap(native.unsqueeze(this._h, dim));
  }
  permute(...order: (number | number[])[]): Tensor {
    return wrap(native.permute(this._h, shapeArg(order)));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return wrap(native.transpose(this._h, dim0, dim1));
  }
  t(): Tensor {
    return wrap(native.t(this._h));
  }
  /** The transpose of a 2-D tensor (Python's `t.T` for 2-D). */
  get T(): Tensor {
    return this.dim() < 2 ? this : wrap(native.permute(this._h, [...Array(this.dim()).keys()].reverse()));
  }
  select(dim: number, index: number): Tensor {
    return wrap(native.select(this._h, dim, index));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return wrap(native.narrow(this._h, dim, start, length));
  }
  expand(...shape: (number | number[])[]): Tensor {
    return wrap(native.expand(this._h, shapeArg(shape)));
  }
  expandAs(other: Tensor): Tensor {
    return this.expand(other.shape);
  }
  repeat(...reps: (number | number[])[]): Tensor {
    return wrap(native.repeat(this._h, shapeArg(reps)));
  }
  flip(...d: (number | number[])[]): Tensor {
    return wrap(native.flip(this._h, shapeArg(d)));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return native.chunk(this._h, chunks, dim).map(wrap);
  }
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
  get(...items: IndexItem[]): Tensor {
    return this.index(...items);
  }
  /** `t[items] = value` in place. */
  indexPut_(items: IndexItem[], value: TensorOrScalar): this {
    native.indexPut_(this._h, toNativeIndex(items), operand(value));
    return this;
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return wrap(native.indexSelect(this._h, dim, index._h));
  }
  gather(dim: number, index: Tensor): Tensor {
    return wrap(native.gather(this._h, dim, index._h));
  }

  // ---- arithmetic ------------------------------------------------------------------------------------------------

  add(other: TensorOrScalar, opts: { alpha?: Scalar } = {}): Tensor {
    return wrap(native.add(this._h, operand(other), opts.alpha));
  }
  sub(other: TensorOrScalar, opts: { alpha?: Scalar } = {}): Tensor {
    return wrap(native.sub(this._h, operand(other), opts.alpha));
  }
  mul(other: TensorOrScalar): Tensor {
    return wrap(native.mul(this._h, operand(other)));
  }
  div(other: TensorOrScalar, opts: { roundingMode?: 'trunc' | 'floor' } = {}): Tensor {
    return wrap(native.div(this._h, operand(other), opts.roundingMode));
  }
  remainder(other: TensorOrScalar): Tensor {
    return wrap(native.remainder(this._h, operand(other)));
  }
  add_(other: TensorOrScalar, opts: { alpha?: Scalar } = {}): this {
    native.add_(this._h, operand(other), opts.alpha);
    return this;
  }
  sub_(other: TensorOrScalar, opts: { alpha?: Scalar } = {}): this {
    native.sub_(this._h, operand(other), opts.alpha);
    return this;
  }
  mul_(other: TensorOrScalar): this {
    native.mul_(this._h, operand(other));
    return this;
  }
  div_(other: TensorOrScalar, opts: { roundingMode?: 'trunc' | 'floor' } = {}): this {
    native.div_(this._h, operand(other), opts.roundingMode);
    return this;
  }
  addcmul(t1: Tensor, t2: Tensor, opts: { value?: Scalar } = {}): Tensor {
    return wrap(native.addcmul(this._h, t1._h, t2._h, opts.value));
  }
  addcdiv(t1: Tensor, t2: Tensor, opts: { value?: Scalar } = {}): Tensor {
    return wrap(native.addcdiv(this._h, t1._h, t2._h, opts.value));
  }
  addcmul_(t1: Tensor, t2: Tensor, opts: { value?: Scalar } = {}): this {
    native.addcmul_(this._h, t1._h, t2._h, opts.value);
    return this;
  }
  addcdiv_(t1: Tensor, t2: Tensor, opts: { value?: Scalar } = {}): this {
    native.addcdiv_(this._h, t1._h, t2._h, opts.value);
    return this;
  }
  lerp(end: Tensor, weight: TensorOrScalar): Tensor {
    return wrap(native.lerp(this._h, end._h, operand(weight)));
  }
  lerp_(end: Tensor, weight: TensorOrScalar): this {
    native.lerp_(this._h, end._h, operand(weight));
    return this;
  }
  pow(exponent: TensorOrScalar): Tensor {
    return wrap(native.pow(this._h, operand(exponent)));
  }
  pow_(exponent: TensorOrScalar): this {
    native.pow_(this._h, operand(exponent));
    return this;
  }
  maximum(other: Tensor): Tensor {
    return wrap(native.maximum(this._h, other._h));
  }
  minimum(other: Tensor): Tensor {
    return wrap(native.minimum(this._h, other._h));
  }
  neg(): Tensor {
    return wrap(native.neg(this._h));
  }
  exp(): Tensor {
    return wrap(native.exp(this._h));
  }
  log(): Tensor {
    return wrap(native.log(this._h));
  }
  abs(): Tensor {
    return wrap(native.abs(this._h));
  }
  sqrt(): Tensor {
    return wrap(native.sqrt(this._h));
  }
  sqrt_(): this {
    native.sqrt_(this._h);
    return this;
  }
  rsqrt(): Tensor {
    return wrap(native.rsqrt(this._h));
  }
  square(): Tensor {
    return wrap(native.square(this._h));
  }
  sign(): Tensor {
    return wrap(native.sign(this._h));
  }
  sin(): Tensor {
    return wrap(native.sin(this._h));
  }
  cos(): Tensor {
    return wrap(native.cos(this._h));
  }
  tanh(): Tensor {
    return wrap(native.tanh(this._h));
  }
  sigmoid(): Tensor {
    return wrap(native.sigmoid(this._h));
  }
  floor(): Tensor {
    return wrap(native.floor(this._h));
  }
  ceil(): Tensor {
    return wrap(native.ceil(this._h));
  }
  round(): Tensor {
    return wrap(native.round(this._h));
  }
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
  clamp_(min?: Scalar | null, max?: Scalar | null): this {
    native.clamp_(this._h, min ?? null, max ?? null);
    return this;
  }
  fill_(value: TensorOrScalar): this {
    native.fill_(this._h, operand(value));
    return this;
  }
  zero_(): this {
    native.zero_(this._h);
    return this;
  }
  copy_(src: Tensor, nonBlocking = false): this {
    native.copy_(this._h, src._h, nonBlocking);
    return this;
  }
  /** Fills with U(from, to) from libtorch's generator, as Python's `uniform_`. */
  uniform_(from = 0, to = 1): this {
    native.uniform_(this._h, from, to);
    return this;
  }
  normal_(mean = 0, std = 1): this {
    native.normal_(this._h, mean, std);
    return this;
  }
  bernoulli_(p = 0.5): this {
    native.bernoulli_(this._h, p);
    return this;
  }

  // ---- reductions ------------------------------------------------------------------------------------------------

  /** sum() over everything, or sum(dim | dims, { keepdim, dtype }). */
  sum(dim?: number | number[] | null, opts: ReduceOptions = {}): Tensor {
    return wrap(native.sum(this._h, dims(dim), opts.keepdim ?? false, opts.dtype ? toDtype(opts.dtype) : null));
  }
  mean(dim?: number | number[] | null, opts: ReduceOptions = {}): Tensor {
    return wrap(native.mean(this._h, dims(dim), opts.keepdim ?? false, opts.dtype ? toDtype(opts.dtype) : null));
  }
  prod(dim?: number | null, opts: ReduceOptions = {}): Tensor {
    return wrap(native.prod(this._h, dim ?? null, opts.keepdim ?? false, opts.dtype ? toDtype(opts.dtype) : null));
  }
  /** Variance with Bessel's correction by default (correction 1), as PyTorch. */
  var(dim?: number | number[] | null, opts: { correction?: number; keepdim?: boolean } = {}): Tensor {
    return wrap(native.var(this._h, dims(dim), opts.correction ?? 1, opts.keepdim ?? false));
  }
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
  min(): Tensor;
  min(dim: number, opts?: { keepdim?: boolean }): { values: Tensor; indices: Tensor };
  min(dim?: number, opts: { keepdim?: boolean } = {}): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return wrap(native.min(this._h));
    const [v, i] = native.min(this._h, dim, opts.keepdim ?? false);
    return { values: wrap(v), indices: wrap(i) };
  }
  argmax(dim?: number | null, opts: { keepdim?: boolean } = {}): Tensor {
    return wrap(native.argmax(this._h, dim ?? null, opts.keepdim ?? false));
  }
  argmin(dim?: number | null, opts: { keepdim?: boolean } = {}): Tensor {
    return wrap(native.argmin(this._h, dim ?? null, opts.keepdim ?? false));
  }
  cumsum(dim: number, opts: { dtype?: DType | string } = {}): Tensor {
    return wrap(native.cumsum(this._h, dim, opts.dtype ? toDtype(opts.dtype) : null));
  }
  any(): Tensor {
    return wrap(native.any(this._h));
  }
  all(): Tensor {
    return wrap(native.all(this._h));
  }
  norm(p: Scalar = 2): Tensor {
    return wrap(native.norm(this._h, p));
  }
  topk(
    k: number,
    opts: { dim?: number; largest?: boolean; sorted?: boolean } = {},
  ): { values: Tensor; indices: Tensor } {
    const [v, i] = native.topk(this._h, k, opts.dim ?? -1, opts.largest ?? true, opts.sorted ?? true);
    return { values: wrap(v), indices: wrap(i) };
  }
  sort(opts: { dim?: number; descending?: boolean } = {}): { values: Tensor; indices: Tensor } {
    const [v, i] = native.sort(this._h, opts.dim ?? -1, opts.descending ?? false);
    return { values: wrap(v), indices: wrap(i) };
  }

  // ---- comparisons -----------------------------------------------------------------------------------------------

  eq(other: TensorOrScalar): Tensor {
    return wrap(native.eq(this._h, operand(other)));
  }
  ne(other: TensorOrScalar): Tensor {
    return wrap(native.ne(this._h, operand(other)));
  }
  lt(other: TensorOrScalar): Tensor {
    return wrap(native.lt(this._h, operand(other)));
  }
  le(other: TensorOrScalar): Tensor {
    return wrap(native.le(this._h, operand(other)));
  }
  gt(other: TensorOrScalar): Tensor {
    return wrap(native.gt(this._h, operand(other)));
  }
  ge(other: TensorOrScalar): Tensor {
    return wrap(native.ge(this._h, operand(other)));
  }
  isnan(): Tensor {
    return wrap(native.isnan(this._h));
  }
  isinf(): Tensor {
    return wrap(native.isinf(this._h));
  }
  isfinite(): Tensor {
    return wrap(native.isfinite(this._h));
  }
  logicalNot(): Tensor {
    return wrap(native.logicalNot(this._h));
  }
  /** True when both have the same shape and elements (torch.equal). */
  equal(other: Tensor): boolean {
    return native.equal(this._h, other._h);
  }
  allclose(other: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
    return native.allclose(this._h, other._h, opts.rtol ?? 1e-5, opts.atol ?? 1e-8, opts.equalNan ?? false);
  }
  isclose(other: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): Tensor {
    return wrap(native.isclose(this._h, other._h, opts.rtol ?? 1e-5, opts.atol ?? 1e-8, opts.equalNan ?? false));
  }

  // ---- linear algebra and activations ----------------------------------------------------------------------------

  matmul(other: Tensor): Tensor {
    return wrap(native.matmul(this._h, other._h));
  }
  mm(other: Tensor): Tensor {
    return wrap(native.mm(this._h, other._h));
  }
  dot(other: Tensor): Tensor {
    return wrap(native.dot(this._h, other._h));
  }
  softmax(dim: number, opts: { dtype?: DType | string } = {}): Tensor {
    return wrap(native.softmax(this._h, dim, opts.dtype ? toDtype(opts.dtype) : null));
  }
  logSoftmax(dim: number, opts: { dtype?: DType | string } = {}): Tensor {
    return wrap(native.logSoftmax(this._h, dim, opts.dtype ? toDtype(opts.dtype) : null));
  }
  relu(): Tensor {
    return wrap(native.relu(this._h));
  }
  relu_(): this {
    native.relu_(this._h);
    return this;
  }

  // ---- autograd --------------------------------------------------------------------------------------------------

  /** Computes gradients of this tensor (a scalar unless `gradient` is given) with respect to graph leaves. */
  backward(gradient?: Tensor | null, opts: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    native.backward(this._h, gradient ? gradient._h : null, opts.retainGraph ?? null, opts.createGraph ?? false);
  }
  detach(): Tensor {
    return wrap(native.detach(this._h));
  }
  detach_(): this {
    native.detach_(this._h);
    return this;
  }
  retainGrad(): this {
    native.retainGrad(this._h);
    return this;
  }

  // ---- memory and printing ---------------------------------------------------------------------------------------

  /** Frees the tensor now instead of at garbage collection; using it afterwards throws. */
  dispose(): void {
    native.dispose(this._h);
  }
  get isDisposed(): boolean {
    return native.isDisposed(this._h);
  }
  /** PyTorch's repr: `tensor([[1., 2.]], dtype=torch.float64, requires_grad=True)`. */
  toString(): string {
    return formatTensor(this);
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

function isDtypeName(s: string): boolean {
  try {
    toDtype(s);
    return true;
  } catch {
    return false;
  }
}

/** Every element as a JS value, in row-major order (for tolist and printing). */
export function flatValues(t: Tensor): NestedList[] {
  const dtype = t.dtype;
  let src = t;
  if (dtype === 'float16' || dtype === 'bfloat16') src = t.to({ dtype: 'float32' });
  else if (dtype === 'complex32') src = t.to({ dtype: 'complex64' });
  const a = src.detach().data();
  const out: NestedList[] = new Array(src.numel());
  if (dtype === 'bool') for (let i = 0; i < out.length; i++) out[i] = a[i] !== 0;
  else if (a instanceof BigInt64Array) {
    for (let i = 0; i < out.length; i++) {
      const v = a[i];
      out[i] = v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
    }
  } else if (dtype.startsWith('complex')) {
    for (let i = 0; i < out.length; i++) out[i] = new Complex(a[2 * i] as number, a[2 * i + 1] as number);
  } else for (let i = 0; i < out.length; i++) out[i] = a[i] as number;
  return out;
}
