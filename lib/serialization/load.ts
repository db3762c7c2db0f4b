/**
 * torch.load: opens a file (mapped, read, or a Buffer as given), tells the formats apart as PyTorch does (a zip by its
 * first four bytes, TorchScript by its constants.pkl, anything else legacy) and hands it to the reader of that format.
 * Every failure is a TorchLoadError with a stable code (load-errors.ts).
 */
import { promises as fsp, readFileSync } from 'fs';
import { TorchError, TorchLoadError, TorchTypeError } from '../errors';
import { native, NativeTensor } from '../native';
import { readLegacyCheckpoint } from './legacy-read';
import { loadError, LoadErrorCode, Where } from './load-errors';
import { MapLocation, placement } from './map-location';
import type { PickleLoadOptions } from './reconstruct';
import { DEFAULT_MAX_DEPTH } from './revive';
import { isTorchScript, readTorchScript } from './torchscript-read';
import { weightsOnlyError } from './weights-only';
import { readZipCheckpoint, ZipLoadOptions } from './zip-checkpoint-read';
import { crcMismatches, crcRecords, recordCrcs, recordCrcsAsync } from './zip-crc';
import { ZipArchive } from './zip-read';
import { BufferSource, ByteSource, MappedSource } from './byte-source';
import { SIG_LOCAL } from './zip-format';

/** Options of {@link load} and {@link loadAsync}, as torch.load's keyword arguments. */
export interface LoadOptions {
  /** Where storages go (see {@link MapLocation}); by default where each storage's tag says. */
  mapLocation?: MapLocation | null;
  /** Accept only PyTorch 2.x's weights-only allow-list (tensors, state dicts, plain containers). Default false. */
  weightsOnly?: boolean;
  /** With weightsOnly, more globals to accept ('module.name'), as torch.serialization.add_safe_globals. */
  safeGlobals?: Iterable<string>;
  /**
   * For a path: map the file (copy-on-write) so that tensors view its pages; false reads it into memory instead.
   * Default true. Buffers are always used in place.
   */
  mmap?: boolean;
  /** Check every zip record's CRC-32 before loading (PyTorch does not). Default false. */
  checkCrc?: boolean;
  /** Deepest nesting of containers accepted (default 2000; Python itself cannot write deeper than about 1000). */
  maxDepth?: number;
}

/** A path, or the bytes of a file (used in place, without copying). */
export type LoadSource = string | Buffer | Uint8Array;

/** The bytes of a file being loaded and the name its errors carry. */
export interface OpenedBytes {
  bytes: ByteSource;
  file: string;
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function fileError(path: string, e: unknown): Error {
  const err = e as { code?: string; message?: string };
  return loadError(LoadErrorCode.FILE_ERROR, `cannot read ${path}: ${err.message ?? String(e)}`, { file: path }, e);
}

/** The bytes of a source: a Buffer as is, a path mapped (copy-on-write) or read. */
export function openBytes(source: LoadSource, mmap = true): OpenedBytes {
  if (source instanceof Uint8Array) return { bytes: new BufferSource(asBuffer(source)), file: '<buffer>' };
  if (typeof source !== 'string') throw new TorchTypeError('torch.load expects a path, a Buffer or a Uint8Array');
  try {
    const bytes = mmap ? new MappedSource(native.mapOpen(source)) : new BufferSource(readFileSync(source));
    return { bytes, file: source };
  } catch (e) {
    throw fileError(source, e);
  }
}

/** openBytes with the file work on the thread pool. */
export async function openBytesAsync(source: LoadSource, mmap = true): Promise<OpenedBytes> {
  if (source instanceof Uint8Array || typeof source !== 'string') return openBytes(source, mmap);
  try {
    const bytes = mmap
      ? new MappedSource(await native.mapOpenAsync(source))
      : new BufferSource(await fsp.readFile(source));
    return { bytes, file: source };
  } catch (e) {
    throw fileError(source, e);
  }
}

/** True when the bytes start as a zip archive (PyTorch's _is_zipfile). */
export function isZip(bytes: ByteSource): boolean {
  return bytes.length >= 4 && bytes.slice(0, 4).readUInt32LE(0) === SIG_LOCAL;
}

function pickleOptions(options: LoadOptions): PickleLoadOptions {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new TorchTypeError('maxDepth must be a positive integer');
  return { weightsOnly: options.weightsOnly === true, safeGlobals: new Set(options.safeGlobals ?? []), maxDepth };
}

/** Parses the bytes of a checkpoint of any format; `crcChecked` says the CRCs were already verified. */
export function loadBytes(
  opened: OpenedBytes,
  options: LoadOptions,
  crcChecked = false,
): { value: unknown; protocol: number } {
  const { bytes, file } = opened;
  const where: Where = { file };
  // A mapLocation function sees the storages' handles, which then are its to keep.
  const owned: NativeTensor[] | undefined = typeof options.mapLocation === 'function' ? undefined : [];
  const opts = { ...pickleOptions(options), ...placement(options.mapLocation, where), file, owned };
  try {
    return readFormat(bytes, opts, options, crcChecked);
  } catch (e) {
    // libtorch refusing what the checks let through is still a file that cannot be loaded.
    if (e instanceof TorchError && !(e instanceof TorchLoadError) && !(e instanceof TorchTypeError)) {
      throw loadError(LoadErrorCode.BAD_VALUE, e.message, where, e);
    }
    throw e;
  } finally {
    for (const h of owned ?? []) native.dispose(h);
  }
}

function readFormat(
  bytes: ByteSource,
  opts: ZipLoadOptions,
  options: LoadOptions,
  crcChecked: boolean,
): { value: unknown; protocol: number } {
  const where: Where = { file: opts.file };
  const file = opts.file;
  if (bytes.length === 0) throw loadError(LoadErrorCode.EMPTY_FILE, 'Ran out of input: the file is empty', where);
  if (!isZip(bytes)) return readLegacyCheckpoint(bytes, opts);
  const zip = ZipArchive.open(bytes, file);
  if (options.checkCrc && !crcChecked) {
    const records = crcRecords(zip);
    const bad = crcMismatches(zip, records, recordCrcs(zip, records));
    if (bad.length > 0) throw bad[0];
  }
  if (isTorchScript(zip)) {
    if (opts.weightsOnly) {
      throw weightsOnlyError('Cannot use `weightsOnly: true` with TorchScript archives passed to `torch.load`', where);
    }
    return readTorchScript(zip, opts);
  }
  return readZipCheckpoint(zip, opts);
}

/**
 * Loads what Python's torch.save wrote (any format, any pickle protocol), as `torch.load(f, map_location=…,
 * weights_only=…)` does: tensors come back as Tensors sharing storages as they did in Python (views of the mapped file
 * by default), Python values as the stand-ins of design.md's table (Tuple, OrderedDict, Size, PyObject, …), classes
 * registered by nn/ as their JS objects, and a TorchScript archive as a {@link TorchScriptArchive}.
 *
 * @param source a path, or the file's bytes (a Buffer is used in place)
 * @throws TorchLoadError with a stable `.code` when the file is missing, broken, hostile or refused
 */
export function load<T = unknown>(source: LoadSource, options: LoadOptions = {}): T {
  const opened = openBytes(source, options.mmap ?? true);
  try {
    return loadBytes(opened, options).value as T;
  } finally {
    closeBytes(opened);
  }
}

/** Lets go of a mapped file once loaded: only the tensors over it keep it mapped from then on. */
function closeBytes(opened: OpenedBytes): void {
  if (opened.bytes instanceof MappedSource) opened.bytes.close();
}

/**
 * {@link load} with the file work off the main thread: mapping (with the pages read ahead) or reading, and the
 * CRC-32 checks when `checkCrc` is on. Unpickling itself runs on the main thread.
 */
export async function loadAsync<T = unknown>(source: LoadSource, options: LoadOptions = {}): Promise<T> {
  const opened = await openBytesAsync(source, options.mmap ?? true);
  try {
    if (options.checkCrc && isZip(opened.bytes)) {
      const zip = ZipArchive.open(opened.bytes, opened.file);
      const records = crcRecords(zip);
      const bad = crcMismatches(zip, records, await recordCrcsAsync(zip, records));
      if (bad.length > 0) throw bad[0];
      return loadBytes(opened, options, true).value as T;
    }
    return loadBytes(opened, options).value as T;
  } finally {
    closeBytes(opened);
  }
}
