/**
 * Making tensors: from JS values (torch.tensor), zero-copy over JS memory (torch.fromBuffer), and the factories
 * (zeros, ones, full, rand, randn, randint, arange, linspace, empty), with PyTorch's dtype defaults.
 */
import { inspect } from 'util';
import { Complex, DType, DTYPES, dtypeOfTypedArray, elementSize, toDtype } from './dtype';
import { checkDevice, DeviceLike } from './device';
import { TorchError, TorchTypeError } from './errors';
import { native, NativeTensor, Scalar } from './native';
import { NestedList, shapeArg, Tensor, wrap } from './tensor';

/** Options of the factories and torch.tensor: dtype (PyTorch's name or alias), device, requiresGrad. */
export interface TensorOptions {
  dtype?: DType | string;
  device?: DeviceLike;
  requiresGrad?: boolean;
}

function finish(h: NativeTensor, opts: TensorOptions): Tensor {
  let t = wrap(h);
  if (opts.device !== undefined) {
    const dev = checkDevice(opts.device);
    if (dev !== 'cpu') t = t.to({ device: dev });
  }
  if (opts.requiresGrad) native.setRequiresGrad(t._h, true);
  return t;
}

type Leaf = number | bigint | boolean | Complex;

// Flattens nested arrays, checking that they are rectangular as PyTorch does.
function flatten(data: NestedList | readonly NestedList[]): { shape: number[]; values: Leaf[] } {
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const values: Leaf[] = [];
  const walk = (x: unknown, d: number): void => {
    if (d === shape.length) {
      if (Array.isArray(x))
        throw new TorchTypeError('expected a sequence of equal-length sequences (ragged nested list)');
      // null is Python's None, and gets PyTorch's message for it.
      if (x === null) throw new TorchError('Could not infer dtype of NoneType');
      if (typeof x !== 'number' && typeof x !== 'bigint' && typeof x !== 'boolean' && !(x instanceof Complex)) {
        throw new TorchTypeError(`Could not infer dtype of ${typeof x === 'object' ? inspect(x) : typeof x}`);
      }
      values.push(x);
      return;
    }
    if (!Array.isArray(x)) throw new TorchTypeError('not a sequence');
    if (x.length !== shape[d]) {
      throw new TorchError(`expected sequence of length ${shape[d]} at dim ${d} (got ${x.length})`, 'ValueError');
    }
    for (const y of x) walk(y, d + 1);
  };
  walk(data, 0);
  return { shape, values };
}

// PyTorch's inference: booleans → bool, all integers → int64, any complex → complex64, otherwise the default float
// dtype (float32).
function inferDtype(values: Leaf[]): DType {
  if (values.length === 0) return 'float32';
  if (values.some((v) => v instanceof Complex)) return 'complex64';
  if (values.every((v) => typeof v === 'boolean')) return 'bool';
  if (
    values.every(
      (v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'boolean',
    )
  ) {
    return 'int64';
  }
  return 'float32';
}

const INT_RANGES: Partial<Record<DType, [bigint, bigint]>> = {
  int8: [-128n, 127n],
  uint8: [0n, 255n],
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

// torch.tensor's checked conversion into an integer dtype (Python 3.10+): an int must fit (unsigned types also take
// negatives down to -max, which wrap), a float must be finite and inside the range; bools always fit.
function checkIntegerRange(values: Leaf[], dtype: DType): void {
  const range = INT_RANGES[dtype];
  if (!range) return;
  const [lo, hi] = range;
  const overflow = new TorchError(`value cannot be converted to type ${dtype} without overflow`);
  for (const v of values) {
    if (typeof v === 'boolean' || v instanceof Complex) continue;
    if (typeof v === 'bigint' || Number.isInteger(v)) {
      const i = BigInt(v);
      if (i < INT_RANGES.int64![0] || i > INT_RANGES.int64![1]) throw new TorchError('Overflow when unpacking long');
      if (i > hi || (lo === 0n ? i < -hi : i < lo)) throw overflow;
    } else if (Number.isNaN(v) || v < Number(lo) || v > Number(hi)) {
      throw overflow;
    }
  }
}

// Encodes values as float64 / int64 / bool bytes; libtorch then casts to the target dtype as PyTorch does.
function encode(values: Leaf[], dtype: DType): { bytes: Uint8Array; as: DType } {
  const kind = DTYPES[dtype].kind;
  if (kind === 'bool') return { bytes: Uint8Array.from(values, (v) => (v ? 1 : 0)), as: 'bool' };
  if (kind === 'complex' || values.some((v) => v instanceof Complex)) {
    const a = new Float64Array(2 * values.length);
    values.forEach((v, i) => {
      a[2 * i] = v instanceof Complex ? v.re : Number(v);
      a[2 * i + 1] = v instanceof Complex ? v.im : 0;
    });
    return { bytes: new Uint8Array(a.buffer), as: 'complex128' };
  }
  if ((kind === 'int' || kind === 'quantized') && values.every((v) => typeof v !== 'number' || Number.isInteger(v))) {
    const a = BigInt64Array.from(values as (number | bigint | boolean)[], (v) =>
      BigInt(typeof v === 'boolean' ? Number(v) : v),
    );
    return { bytes: new Uint8Array(a.buffer), as: 'int64' };
  }
  const a = Float64Array.from(values as (number | bigint | boolean)[], (v) => Number(v));
  return { bytes: new Uint8Array(a.buffer), as: 'float64' };
}

/**
 * torch.tensor(data, { dtype, device, requiresGrad }): a new tensor (a copy) from a number, boolean, bigint, nested
 * arrays of them, a typed array or a Buffer. Without a dtype: booleans → bool, integers → int64, other numbers →
 * float32, typed arrays keep their element type (Buffer → uint8). float16/bfloat16 accept numbers (rounded as
 * PyTorch rounds) or a Uint16Array of raw bit patterns.
 */
export function tensor(data: NestedList | ArrayBufferView | readonly NestedList[], opts: TensorOptions = {}): Tensor {
  const dtype = opts.dtype === undefined ? undefined : toDtype(opts.dtype);
  if (ArrayBuffer.isView(data)) {
    const view = data as ArrayBufferView;
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const own = dtypeOfTypedArray(view);
    if (view instanceof Uint16Array && (dtype === 'float16' || dtype === 'bfloat16')) {
      return finish(native.fromBytes(bytes, dtype, [view.length]), opts);
    }
    if (!own) throw new TorchTypeError(`cannot make a tensor from a ${view.constructor.name} without a matching dtype`);
    const h = native.fromBytes(bytes, own, [bytes.byteLength / elementSize(own)]);
    return finish(dtype && dtype !== own ? native.to(h, null, dtype) : h, opts);
  }
  const { shape, values } = flatten(data as NestedList);
  const target = dtype ?? inferDtype(values);
  checkIntegerRange(values, target);
  const { bytes, as } = encode(values, target);
  const h = native.fromBytes(bytes, as, shape);
  return finish(as === target ? h : native.to(h, null, target), opts);
}

/** Options of torch.fromBuffer: the dtype, and the view's shape, strides and offset (in elements). */
export interface FromBufferOptions {
  dtype: DType | string;
  shape?: number[];
  /** in elements; contiguous strides by default */
  strides?: number[];
  /** in elements, from the start of the buffer */
  offset?: number;
}

function contiguousStrides(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Checks that a view (sizes, strides, offset in elements) stays inside `available` elements. */
export function checkExtent(shape: number[], strides: number[], offset: number, available: number): void {
  if (shape.length !== strides.length) throw new TorchTypeError('shape and strides must have the same length');
  if (!Number.isSafeInteger(offset) || offset < 0) throw new TorchTypeError(`invalid offset ${offset}`);
  let last = offset;
  let empty = false;
  for (let i = 0; i < shape.length; i++) {
    if (!Number.isSafeInteger(shape[i]) || shape[i] < 0) throw new TorchTypeError(`invalid size ${shape[i]}`);
    if (!Number.isSafeInteger(strides[i]) || strides[i] < 0) throw new TorchTypeError(`invalid stride ${strides[i]}`);
    if (shape[i] === 0) empty = true;
    else last += (shape[i] - 1) * strides[i];
  }
  if (!empty && (!Number.isSafeInteger(last) || last >= available)) {
    throw new TorchError(
      `the view (sizes [${shape}], strides [${strides}], offset ${offset}) needs ${last + 1} elements but the buffer holds ${available}`,
    );
  }
}

/**
 * torch.fromBuffer(buf, { dtype, shape, strides, offset }): a zero-copy tensor over JS memory (a Buffer, typed array
 * or ArrayBuffer), as Python's torch.frombuffer plus as_strided. Writes through either side are seen by the other;
 * the tensor keeps the memory alive. `shape` defaults to every whole element after `offset`; `strides` and `offset`
 * count elements. The memory must be aligned to the element size.
 */
export function fromBuffer(buf: ArrayBufferView | ArrayBuffer, opts: FromBufferOptions): Tensor {
  if (!(buf instanceof ArrayBuffer) && !ArrayBuffer.isView(buf)) {
    throw new TorchTypeError(`fromBuffer expects a Buffer, typed array or ArrayBuffer, got ${inspect(buf)}`);
  }
  const dtype = toDtype(opts.dtype);
  const bytes =
    buf instanceof ArrayBuffer ? new Uint8Array(buf) : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const size = elementSize(dtype);
  // ATen's kernels read elements at their natural alignment; misaligned memory could only be copied, and a silent
  // copy would break the promise that writes are shared.
  if (bytes.byteOffset % size !== 0) {
    throw new TorchError(
      `fromBuffer: the memory starts at byte offset ${bytes.byteOffset}, not a multiple of the ${size}-byte ` +
        `${dtype} element; a zero-copy view needs aligned memory (copy it with torch.tensor(...) instead)`,
    );
  }
  const available = Math.floor(bytes.byteLength / size);
  const shape = opts.shape ?? [available - (opts.offset ?? 0)];
  const strides = opts.strides ?? contiguousStrides(shape);
  const offset = opts.offset ?? 0;
  checkExtent(shape, strides, offset, available);
  const base = native.fromExternal(bytes.subarray(0, available * size), dtype);
  return wrap(native.setStorage(base, null, offset, shape, strides));
}

type Shape = number | number[];

/** Splits factory arguments: sizes (an array or numbers), then an optional options object. */
function sizesAndOptions(args: (Shape | TensorOptions | undefined)[]): [number[], TensorOptions] {
  const last = args[args.length - 1];
  const hasOpts = last !== undefined && typeof last === 'object' && !Array.isArray(last);
  const opts = (hasOpts ? last : {}) as TensorOptions;
  const sizes = (hasOpts ? args.slice(0, -1) : args).filter((a) => a !== undefined) as Shape[];
  return [shapeArg(sizes), opts];
}

function dt(opts: TensorOptions): DType | null {
  return opts.dtype === undefined ? null : toDtype(opts.dtype);
}

function dev(opts: TensorOptions): string | null {
  return opts.device === undefined ? null : checkDevice(opts.device);
}

function made(h: NativeTensor, opts: TensorOptions): Tensor {
  const t = wrap(h);
  if (opts.requiresGrad) native.setRequiresGrad(t._h, true);
  return t;
}

/** zeros([2, 3]) or zeros(2, 3), with { dtype, device, requiresGrad } last. */
export function zeros(...args: (Shape | TensorOptions)[]): Tensor {
  const [s, o] = sizesAndOptions(args);
  return made(native.zeros(s, dt(o), dev(o)), o);
}
/** ones([2, 3]) or ones(2, 3), with { dtype, device, requiresGrad } last. */
export function ones(...args: (Shape | TensorOptions)[]): Tensor {
  const [s, o] = sizesAndOptions(args);
  return made(native.ones(s, dt(o), dev(o)), o);
}
/** Uninitialised memory, as torch.empty. */
export function empty(...args: (Shape | TensorOptions)[]): Tensor {
  const [s, o] = sizesAndOptions(args);
  return made(native.empty(s, dt(o), dev(o)), o);
}
/** U[0, 1) from libtorch's generator: torch.manualSeed(s) then rand gives PyTorch's numbers. */
export function rand(...args: (Shape | TensorOptions)[]): Tensor {
  const [s, o] = sizesAndOptions(args);
  return made(native.rand(s, dt(o), dev(o)), o);
}
/** Standard normal values from libtorch's generator: torch.manualSeed(s) then randn gives PyTorch's numbers. */
export function randn(...args: (Shape | TensorOptions)[]): Tensor {
  const [s, o] = sizesAndOptions(args);
  return made(native.randn(s, dt(o), dev(o)), o);
}
/** full(shape, value, opts): the dtype follows the value when not given (bool, int64 or float32), as torch.full. */
export function full(shape: number[], value: Scalar, opts: TensorOptions = {}): Tensor {
  return made(native.full(shape, value, dt(opts), dev(opts)), opts);
}
/** randint(low, high, shape) or randint(high, shape): int64 by default. */
export function randint(
  low: number,
  high: number | number[],
  shape?: number[] | TensorOptions,
  opts: TensorOptions = {},
): Tensor {
  if (Array.isArray(high)) return randint(0, low, high, (shape as TensorOptions) ?? {});
  return made(native.randint(low, high, shape as number[], dt(opts), dev(opts)), opts);
}
/** randperm(n): a random permutation of 0..n-1 (int64). */
export function randperm(n: number, opts: TensorOptions = {}): Tensor {
  return made(native.randperm(n, dt(opts), dev(opts)), opts);
}
/** arange(end), arange(start, end[, step]), with options last; int64 when every bound is an integer. */
export function arange(...args: (number | TensorOptions)[]): Tensor {
  const last = args[args.length - 1];
  const opts = (typeof last === 'object' ? args.pop() : {}) as TensorOptions;
  const nums = args as number[];
  const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  return made(native.arange(start, end, step, dt(opts), dev(opts)), opts);
}
/** `steps` evenly spaced values from start to end inclusive (float32 by default). */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  return made(native.linspace(start, end, steps, dt(opts), dev(opts)), opts);
}
/** Zeros with t's shape, dtype and device (options override). */
export function zerosLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, device: t.device, ...opts });
}
/** Ones with t's shape, dtype and device (options override). */
export function onesLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, device: t.device, ...opts });
}
/** Uninitialised memory with t's shape, dtype and device (options override). */
export function emptyLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return empty(t.shape, { dtype: t.dtype, device: t.device, ...opts });
}
/** `value` everywhere, with t's shape, dtype and device (options override). */
export function fullLike(t: Tensor, value: Scalar, opts: TensorOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, device: t.device, ...opts });
}
