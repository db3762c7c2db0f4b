/**
 * torch-node: the `torch` namespace. Re-exports only; each name lives in the file named for it.
 *
 *   import * as torch from 'torch-node';   const torch = require('torch-node');
 */
export { Tensor } from './tensor';
export type { TensorOrScalar, ToOptions, ReduceOptions } from './tensor';
export { Slice } from './indexing';
export type { IndexItem } from './indexing';
export type { NestedList } from './values';
export { Parameter } from './parameter';
export { Complex, toDtype, elementSize, isFloatingPoint, isComplex } from './dtype';
export type { DType, TypedArray } from './dtype';
export { Device, parseDevice, cuda, backends } from './device';
export type { DeviceLike } from './device';
export { TorchError, TorchTypeError, TorchLoadError } from './errors';
export {
  tensor,
  fromBuffer,
  zeros,
  ones,
  empty,
  full,
  rand,
  randn,
  randint,
  randperm,
  arange,
  linspace,
  zerosLike,
  onesLike,
  emptyLike,
  fullLike,
} from './creation';
export type { TensorOptions, FromBufferOptions } from './creation';
export {
  cat,
  stack,
  where,
  matmul,
  maximum,
  minimum,
  equal,
  allclose,
  outer,
  flatten,
  pow,
  complex,
} from './functions';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd';
export { manualSeed, initialSeed, getRngState, setRngState, setNumThreads, getNumThreads } from './random';
import * as cppArchive from './cpp-archive';
/** libtorch's own C++ torch::save / torch::load format. */
export const native = cppArchive;
import { native as addon } from './native';
/** What the native addon was built against: libtorch version, flavour (cpu, cu126, …), C++ ABI, N-API version. */
export const buildInfo = addon.build;
export {
  Tuple,
  tuple,
  OrderedDict,
  Float,
  markFloat,
  isMarkedFloat,
  FrozenSet,
  ByteArray,
  Size,
  TorchDtype,
  PyGlobal,
  PyObject,
  registerClass,
  lookupClass,
  classOf,
} from './serialization';
export type { PickleClass, BuildKind } from './serialization';
export {
  load,
  loadAsync,
  LoadErrorCode,
  NumpyArray,
  NumpyScalar,
  TorchScriptArchive,
  TypedStorage,
  openCheckpoint,
  verifyCheckpoint,
} from './serialization';
export type {
  LoadOptions,
  LoadSource,
  MapLocation,
  CheckpointInfo,
  RecordInfo,
  VerifyProblem,
  VerifyReport,
} from './serialization';
export { save, saveAsync } from './serialization';
export type { SaveOptions, SaveTarget } from './serialization';
import * as nn from './nn';
import * as optim from './optim';
import * as models from './models';
export { nn, optim, models };
export { Checkpointer } from './checkpoint';
export type { CheckpointerOptions, Trainables, CheckpointFile, Resumed } from './checkpoint';
