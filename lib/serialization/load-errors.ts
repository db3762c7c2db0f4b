/**
 * The stable `.code`s of {@link TorchLoadError}, in one place (README lists them), and the one helper that raises
 * them with the file and record they concern.
 */
import { TorchLoadError } from '../errors';

/** Why a file could not be loaded. Programs may branch on these; they never change meaning. */
export const LoadErrorCode = {
  /** The file could not be opened, mapped or read (the OS error is the `cause`). */
  FILE_ERROR: 'FILE_ERROR',
  /** The file or buffer holds no bytes. */
  EMPTY_FILE: 'EMPTY_FILE',
  /** Neither a zip archive nor a legacy pickle (bad magic number or protocol version). */
  BAD_MAGIC: 'BAD_MAGIC',
  /** A format torch-node does not read (the 0.1.x tar layout, encrypted zip entries, sparse layouts…). */
  UNSUPPORTED: 'UNSUPPORTED',
  /** The zip structure is broken: end records, central directory, local headers, offsets or sizes. */
  ZIP_CORRUPT: 'ZIP_CORRUPT',
  /** A record the archive needs (data.pkl, version, data/<key>) is missing. */
  RECORD_MISSING: 'RECORD_MISSING',
  /** A record's CRC-32 differs from the one stored (checked with `checkCrc`, and by verifyCheckpoint). */
  BAD_CRC: 'BAD_CRC',
  /** The archive's `version` record is not one PyTorch can read. */
  BAD_VERSION: 'BAD_VERSION',
  /** The pickle stream is malformed: unknown opcode, stack underflow, missing MARK, bad memo reference… */
  PICKLE_CORRUPT: 'PICKLE_CORRUPT',
  /** The pickle stream (or a legacy storage) ends before its data does. */
  TRUNCATED: 'TRUNCATED',
  /** A bound derived from the file was exceeded: nesting depth, integer digits. */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** A storage claims more bytes than its record (or the legacy payload) holds. */
  STORAGE_SIZE: 'STORAGE_SIZE',
  /** A tensor's offset, sizes and strides reach outside its storage, or are not valid sizes. */
  TENSOR_EXTENT: 'TENSOR_EXTENT',
  /** A value has the wrong shape for what uses it (a rebuild function's arguments, a persistent id…). */
  BAD_VALUE: 'BAD_VALUE',
  /** `weightsOnly`: the file names a global outside the allow-list, or builds something it may not. */
  UNSAFE: 'UNSAFE',
  /** A storage is tagged for a device this machine lacks (PyTorch's CUDA message), or a location is unknown. */
  BAD_LOCATION: 'BAD_LOCATION',
  /** A registered class's revive() threw while building the object from the file. */
  REVIVE_FAILED: 'REVIVE_FAILED',
} as const;

export type LoadErrorCode = (typeof LoadErrorCode)[keyof typeof LoadErrorCode];

/** Where a problem is: the file (a path, or '<buffer>') and the record inside it. */
export interface Where {
  file?: string;
  record?: string;
}

/** Builds the error (to throw) for `code` at `where`. */
export function loadError(code: LoadErrorCode, message: string, where: Where, cause?: unknown): TorchLoadError {
  const e = new TorchLoadError(code, message, where);
  if (cause !== undefined) (e as { cause?: unknown }).cause = cause;
  return e;
}
