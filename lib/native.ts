/**
 * The native surface: every function of the C++ addon that the TypeScript layer calls, typed in one place.
 * Handles (`NativeTensor`) are opaque; only lib/ code touches them. Loading the addon (and explaining why it failed)
 * is lib/loader.ts's job.
 */
import { TorchError } from './errors';
import { loadAddon } from './loader';
import { fullGcFunction } from './memory';

/** Opaque handle of one at::Tensor. */
export interface NativeTensor {
  readonly __nativeTensor: unique symbol;
}

/** Opaque handle of a file mapped copy-on-write (see mapOpen). */
export interface MappedFile {
  readonly __mappedFile: unique symbol;
}

/** A JS scalar as ATen sees it: an integral number acts as a Python int, other numbers as a Python float. */
export type Scalar = number | bigint | boolean;
type H = NativeTensor;
type TS = H | Scalar;
type Opt<T> = T | null | undefined;
/** Index items: integer, null (None), '...' (Ellipsis), [start, stop, step] (slice), boolean, tensor. */
export type NativeIndex = number | null | '...' | [Opt<number>, Opt<number>, Opt<number>] | boolean | H;
/** Bytes to write or checksum: Buffers and typed arrays, or tensor handles (their contiguous bytes). */
export type Segment = Uint8Array | H;
/** A view of a storage being made: its dtype, storage offset (elements), sizes and strides. */
export type ViewArgs = [dtype: string, offset: number, sizes: number[], strides: number[]];

export interface BuildFacts {
  libtorchVersion: string;
  flavour: string;
  cxx11Abi: boolean;
  napiVersion: number;
}

export interface Native {
  NativeTensor: new () => H;
  build: BuildFacts;
  setErrorClass(ctor: new (message: string) => Error): void;
  setGcHook(fullGc: () => void): void;
  liveTensorBytes(): number;

  // creation
  fromBytes(bytes: Uint8Array, dtype: string, shape: number[]): H;
  /** With the view arguments, that view of the storage over the bytes instead of the whole storage as 1-D. */
  fromExternal(bytes: Uint8Array, dtype: string, ...view: ViewArgs | []): H;
  setStorage(base: H, dtype: Opt<string>, offset: number, size: number[], stride: number[]): H;
  empty(shape: number[], dtype: Opt<string>, device: Opt<string>): H;
  zeros(shape: number[], dtype: Opt<string>, device: Opt<string>): H;
  ones(shape: number[], dtype: Opt<string>, device: Opt<string>): H;
  full(shape: number[], value: Scalar, dtype: Opt<string>, device: Opt<string>): H;
  rand(shape: number[], dtype: Opt<string>, device: Opt<string>): H;
  randn(shape: number[], dtype: Opt<string>, device: Opt<string>): H;
  randint(low: number, high: number, shape: number[], dtype: Opt<string>, device: Opt<string>): H;
  randperm(n: number, dtype: Opt<string>, device: Opt<string>): H;
  arange(start: Scalar, end: Scalar, step: Scalar, dtype: Opt<string>, device: Opt<string>): H;
  linspace(start: Scalar, end: Scalar, steps: number, dtype: Opt<string>, device: Opt<string>): H;

  // quantized tensors: a view over a storage (per tensor: scale and zero point; per channel: tensors and an axis)
  quantizedView(
    base: H,
    dtype: string,
    offset: number,
    size: number[],
    stride: number[],
    scale: number | H,
    zeroPoint: number | H,
    axis: number | null,
  ): H;
  qParams(t: H): [string, number, number] | [string, H, H, number];
  intRepr(t: H): H;

  // metadata
  dtype(t: H): string;
  shape(t: H): number[];
  strides(t: H): number[];
  storageOffset(t: H): number;
  device(t: H): string;
  numel(t: H): number;
  dim(t: H): number;
  isContiguous(t: H): boolean;
  requiresGrad(t: H): boolean;
  setRequiresGrad(t: H, on: boolean): H;
  isLeaf(t: H): boolean;
  grad(t: H): H | null;
  setGrad(t: H, g: H | null): void;
  gradFn(t: H): string | null;
  storageId(t: H): bigint | null;
  storageNbytes(t: H): number;
  /**
   * What torch.save needs of a tensor in one call: the dtype (null once disposed); `out` gets [storageOffset,
   * requiresGrad, storageId (the storage's address, -1 for none), storageNbytes, onCpu, coversStorage, ndim,
   * sizes…, strides…].
   */
  saveFacts(t: H, out: Float64Array): string | null;
  storageBytes(t: H): H;
  toBuffer(t: H): Buffer;
  bytesView(t: H): Buffer;
  item(t: H): number | bigint | boolean | [number, number];
  dispose(t: H): void;
  isDisposed(t: H): boolean;

  // arithmetic
  add(a: H, b: TS, alpha?: Opt<Scalar>): H;
  sub(a: H, b: TS, alpha?: Opt<Scalar>): H;
  add_(a: H, b: TS, alpha?: Opt<Scalar>): H;
  sub_(a: H, b: TS, alpha?: Opt<Scalar>): H;
  mul(a: H, b: TS): H;
  mul_(a: H, b: TS): H;
  div(a: H, b: TS, roundingMode?: Opt<string>): H;
  div_(a: H, b: TS, roundingMode?: Opt<string>): H;
  remainder(a: H, b: TS): H;
  maximum(a: H, b: H): H;
  minimum(a: H, b: H): H;
  maximumOut(out: H, a: H, b: H): H;
  pow(a: TS, b: TS): H;
  pow_(a: H, b: TS): H;
  addcmul_(t: H, t1: H, t2: H, value?: Opt<Scalar>): H;
  addcdiv_(t: H, t1: H, t2: H, value?: Opt<Scalar>): H;
  addcmul(t: H, t1: H, t2: H, value?: Opt<Scalar>): H;
  addcdiv(t: H, t1: H, t2: H, value?: Opt<Scalar>): H;
  lerp_(t: H, end: H, weight: TS): H;
  lerp(t: H, end: H, weight: TS): H;
  // unary (name_ in place)
  neg(t: H): H;
  neg_(t: H): H;
  exp(t: H): H;
  exp_(t: H): H;
  log(t: H): H;
  log_(t: H): H;
  abs(t: H): H;
  abs_(t: H): H;
  sqrt(t: H): H;
  sqrt_(t: H): H;
  rsqrt(t: H): H;
  square(t: H): H;
  sign(t: H): H;
  sin(t: H): H;
  cos(t: H): H;
  tanh(t: H): H;
  sigmoid(t: H): H;
  floor(t: H): H;
  ceil(t: H): H;
  round(t: H): H;
  reciprocal(t: H): H;
  isnan(t: H): H;
  isinf(t: H): H;
  isfinite(t: H): H;
  logicalNot(t: H): H;
  clamp(t: H, min: Opt<TS>, max: Opt<TS>): H;
  clamp_(t: H, min: Opt<Scalar>, max: Opt<Scalar>): H;
  fill_(t: H, v: TS): H;
  zero_(t: H): H;
  copy_(t: H, src: H, nonBlocking?: boolean): H;
  uniform_(t: H, from: number, to: number): H;
  normal_(t: H, mean: number, std: number): H;
  bernoulli_(t: H, p: number): H;

  // reductions
  sum(t: H, dims: Opt<number[]>, keepdim: boolean, dtype: Opt<string>): H;
  mean(t: H, dims: Opt<number[]>, keepdim: boolean, dtype: Opt<string>): H;
  prod(t: H, dim: Opt<number>, keepdim: boolean, dtype: Opt<string>): H;
  var(t: H, dims: Opt<number[]>, correction: number, keepdim: boolean): H;
  std(t: H, dims: Opt<number[]>, correction: number, keepdim: boolean): H;
  max(t: H): H;
  max(t: H, dim: number, keepdim: boolean): [H, H];
  min(t: H): H;
  min(t: H, dim: number, keepdim: boolean): [H, H];
  argmax(t: H, dim: Opt<number>, keepdim: boolean): H;
  argmin(t: H, dim: Opt<number>, keepdim: boolean): H;
  cumsum(t: H, dim: number, dtype: Opt<string>): H;
  any(t: H): H;
  all(t: H): H;
  norm(t: H, p: Scalar): H;
  topk(t: H, k: number, dim: number, largest: boolean, sorted: boolean): [H, H];
  sort(t: H, dim: number, descending: boolean): [H, H];

  // comparisons
  eq(a: H, b: TS): H;
  ne(a: H, b: TS): H;
  lt(a: H, b: TS): H;
  le(a: H, b: TS): H;
  gt(a: H, b: TS): H;
  ge(a: H, b: TS): H;
  equal(a: H, b: H): boolean;
  allclose(a: H, b: H, rtol: number, atol: number, equalNan: boolean): boolean;
  isclose(a: H, b: H, rtol: number, atol: number, equalNan: boolean): H;
  where(cond: H, a: TS, b: TS): H;

  // linear algebra
  matmul(a: H, b: H): H;
  mm(a: H, b: H): H;
  dot(a: H, b: H): H;
  outer(a: H, b: H): H;

  // shapes and movement
  to(t: H, device: Opt<string>, dtype: Opt<string>, nonBlocking?: Opt<boolean>, copy?: Opt<boolean>): H;
  clone(t: H): H;
  contiguous(t: H): H;
  view(t: H, shape: number[]): H;
  viewDtype(t: H, dtype: string): H;
  reshape(t: H, shape: number[]): H;
  flatten(t: H, start: number, end: number): H;
  squeeze(t: H, dim?: Opt<number>): H;
  unsqueeze(t: H, dim: number): H;
  permute(t: H, dims: number[]): H;
  transpose(t: H, d0: number, d1: number): H;
  t(t: H): H;
  select(t: H, dim: number, index: number): H;
  narrow(t: H, dim: number, start: number, length: number): H;
  expand(t: H, shape: number[]): H;
  repeat(t: H, reps: number[]): H;
  flip(t: H, dims: number[]): H;
  asStrided(t: H, size: number[], stride: number[], offset: Opt<number>): H;
  cat(ts: H[], dim: number): H;
  stack(ts: H[], dim: number): H;
  chunk(t: H, chunks: number, dim: number): H[];
  split(t: H, size: number, dim: number): H[];
  conjPhysical(t: H): H;
  real(t: H): H;
  imag(t: H): H;
  viewAsReal(t: H): H;
  viewAsComplex(t: H): H;
  complex(real: H, imag: H): H;
  dequantize(t: H): H;
  index(t: H, indices: NativeIndex[]): H;
  indexPut_(t: H, indices: NativeIndex[], value: TS): H;
  indexSelect(t: H, dim: number, index: H): H;
  gather(t: H, dim: number, index: H): H;

  // autograd
  backward(t: H, grad: Opt<H>, retainGraph: Opt<boolean>, createGraph: Opt<boolean>): void;
  detach(t: H): H;
  detach_(t: H): H;
  retainGrad(t: H): H;

  // neural-network ops
  conv2d(x: H, w: H, b: Opt<H>, stride: number[], padding: number[], dilation: number[], groups: number): H;
  conv1d(x: H, w: H, b: Opt<H>, stride: number[], padding: number[], dilation: number[], groups: number): H;
  linear(x: H, w: H, b: Opt<H>): H;
  relu(x: H): H;
  relu_(x: H): H;
  leakyRelu(x: H, slope: number): H;
  gelu(x: H, approximate: Opt<string>): H;
  maxPool2d(x: H, kernel: number[], stride: number[], padding: number[], dilation: number[], ceil: boolean): H;
  avgPool2d(
    x: H,
    kernel: number[],
    stride: number[],
    padding: number[],
    ceil: boolean,
    countIncludePad: boolean,
    divisorOverride: Opt<number>,
  ): H;
  adaptiveAvgPool2d(x: H, size: number[]): H;
  dropout(x: H, p: number, training: boolean): H;
  dropout_(x: H, p: number, training: boolean): H;
  batchNorm(
    x: H,
    w: Opt<H>,
    b: Opt<H>,
    runningMean: Opt<H>,
    runningVar: Opt<H>,
    training: boolean,
    momentum: number,
    eps: number,
    cudnn: boolean,
  ): H;
  layerNorm(x: H, shape: number[], w: Opt<H>, b: Opt<H>, eps: number): H;
  softmax(x: H, dim: number, dtype: Opt<string>): H;
  logSoftmax(x: H, dim: number, dtype: Opt<string>): H;
  crossEntropy(x: H, target: H, weight: Opt<H>, reduction: number, ignoreIndex: number, labelSmoothing: number): H;
  nllLoss(x: H, target: H, weight: Opt<H>, reduction: number, ignoreIndex: number): H;
  mseLoss(x: H, target: H, reduction: number): H;
  binaryCrossEntropy(x: H, target: H, weight: Opt<H>, reduction: number): H;
  constantPad(x: H, pad: number[], value: Scalar): H;
  oneHot(x: H, numClasses: number): H;
  setData(t: H, src: H): H;
  gradCached(t: H, cached: Opt<H>): H | null;
  /** A run of built-in layers in one call (lib/nn/chain.ts writes the codes). */
  chain(x: H, codes: Float64Array, tensors: Opt<H>[]): H;

  // process-wide state
  manualSeed(seed: number | bigint): void;
  initialSeed(): bigint;
  getRngState(): H;
  setRngState(state: H): void;
  setGradEnabled(on: boolean): void;
  isGradEnabled(): boolean;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  parseDevice(device: string): [string, number | null];
  cudaIsAvailable(): boolean;
  cudaDeviceCount(): number;
  cudaSynchronize(device: Opt<number>): void;
  setCudnn(what: 'deterministic' | 'benchmark' | 'enabled', on: boolean): void;
  getCudnn(what: 'deterministic' | 'benchmark' | 'enabled'): boolean;
  setDeterministicAlgorithms(on: boolean): void;
  libm(fn: 'pow' | 'cos' | 'sin' | 'exp' | 'log' | 'sqrt' | 'tan', x: number, y?: number): number;

  // files
  mapFile(path: string): Buffer;
  // a file mapped copy-on-write, read through Buffers over ranges and storages over ranges (files past 4 GiB too)
  mapOpen(path: string): MappedFile;
  mapOpenAsync(path: string): Promise<MappedFile>;
  mapLength(m: MappedFile): number;
  /** Drops the handle's reference and detaches its window: the file stays mapped only while tensors over it live. */
  mapClose(m: MappedFile): void;
  /** An ArrayBuffer over the whole mapped file (small files only; null otherwise), detached by mapClose. */
  mapWindow(m: MappedFile): ArrayBuffer | null;
  mapSlice(m: MappedFile, offset: number, length: number): Buffer;
  /** A copy of a range of the mapping (a Buffer that does not keep the file mapped). */
  mapRead(m: MappedFile, offset: number, length: number): Buffer;
  mapTensor(m: MappedFile, offset: number, nbytes: number, dtype: string, ...view: ViewArgs | []): H;
  crc32(segments: Segment[]): number[];
  crc32Async(segments: Segment[]): Promise<number[]>;
  /**
   * Writes the segments in order; `crcPatches` ([source, target, offset] triples) puts the CRC-32 of each source
   * segment into a Buffer segment at that offset, computed on another thread while the file is written.
   */
  writeFile(path: string, segments: Segment[], atomic: boolean, fsync: boolean, crcPatches?: number[]): void;
  writeFileAsync(
    path: string,
    segments: Segment[],
    atomic: boolean,
    fsync: boolean,
    crcPatches?: number[],
  ): Promise<void>;
  /** A CPU tensor copied to a CUDA device through pinned staging buffers (a plain copy for any other target). */
  copyToDevice(t: H, device: string): H;
  nativeSave(tensors: H[] | Record<string, H>, path: string): void;
  nativeLoad(path: string): [string[], H[]];
}

/** The loaded addon. */
export const native: Native = loadAddon() as Native;
native.setErrorClass(TorchError);
native.setGcHook(fullGcFunction());
