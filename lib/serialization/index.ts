/**
 * torch.save / torch.load for PyTorch's own files (zip and legacy formats). Placeholder: the implementation lands
 * with the serialization issue.
 */
export * from './python';
export { registerClass, lookupClass, classOf } from './registry';
export type { PickleClass } from './registry';
export { save, saveAsync, archivePrefix } from './save';
export type { SaveOptions, SaveTarget } from './save';
