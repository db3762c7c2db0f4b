/**
 * torch.save / torch.load for PyTorch's own files (zip and legacy formats). Placeholder: the implementation lands
 * with the serialization issue.
 */
export * from './python';
export { registerClass, lookupClass, classOf } from './registry';
export type { PickleClass } from './registry';
export { save, saveAsync, archivePrefix } from './save';
export type { SaveOptions, SaveTarget } from './save';
export { load, loadAsync } from './load';
export type { LoadOptions, LoadSource } from './load';
export type { MapLocation } from './map-location';
export { LoadErrorCode } from './load-errors';
export { NumpyArray, NumpyScalar } from './numpy';
export { TorchScriptArchive } from './torchscript-read';
export { openCheckpoint, verifyCheckpoint } from './checkpoint-info';
export type { CheckpointInfo, RecordInfo, VerifyProblem, VerifyReport } from './checkpoint-info';
