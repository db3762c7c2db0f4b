/**
 * Loading the legacy format (`_use_new_zipfile_serialization=False`, pytorch-format.md §3): pickles of the magic
 * number, the protocol version and sys_info, then the object pickle, the list of storage keys, and each storage's
 * payload (int64 element count, then the raw little-endian bytes), in that order, with no alignment.
 *
 * The payloads follow the object pickle, and their lengths depend on the storage types the pickle names, so the
 * object pickle is read twice: a first pass with probe storages learns each key's type and size and where the pickle
 * ends (legacyLayout); the second builds the tensors over the payload bytes.
 */
import { elementSize } from '../dtype';
import { asSource, ByteRange, ByteSource } from './byte-source';
import { loadError, LoadErrorCode, Where } from './load-errors';
import { badValue } from './pickle-args';
import { loadPickle, PickleLoadOptions } from './reconstruct';
import { parseStoragePid, StorageContext, StoragePlacement, StorageRecord } from './storage-read';

/** torch.serialization.MAGIC_NUMBER and PROTOCOL_VERSION. */
const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

export interface LegacyLoadOptions extends PickleLoadOptions, StoragePlacement {}

/** True when the bytes look like the 0.1.x tar variant (a POSIX tar header). */
export function isLegacyTar(buf: Buffer): boolean {
  return buf.length >= 512 && buf.toString('latin1', 257, 262) === 'ustar';
}

/** What the legacy header pickles say, and where the object pickle starts. */
export interface LegacyHeader {
  objectStart: number;
  protocol: number;
}

/** Reads the magic number, protocol version and sys_info pickles; throws BAD_MAGIC unless they are torch's. */
export function readLegacyHeader(buf: Buffer, opts: PickleLoadOptions, file?: string): LegacyHeader {
  const where: Where = { file };
  if (isLegacyTar(buf)) {
    throw loadError(LoadErrorCode.UNSUPPORTED, 'the tar format of PyTorch 0.1.x is not supported', where);
  }
  const noPid = (): never => badValue('unexpected persistent id in the file header', where);
  let magic;
  try {
    magic = loadPickle(buf, 0, noPid, opts, where);
  } catch (e) {
    if ((e as { code?: string }).code === LoadErrorCode.UNSAFE) throw e;
    throw loadError(LoadErrorCode.BAD_MAGIC, `Invalid magic number; corrupt file? (${(e as Error).message})`, where, e);
  }
  if (magic.value !== MAGIC_NUMBER)
    throw loadError(LoadErrorCode.BAD_MAGIC, 'Invalid magic number; corrupt file?', where);
  const version = loadPickle(buf, magic.end, noPid, opts, where);
  if (version.value !== PROTOCOL_VERSION) {
    throw loadError(LoadErrorCode.BAD_MAGIC, `Invalid protocol version: ${String(version.value)}`, where);
  }
  const sysInfo = loadPickle(buf, version.end, noPid, opts, where);
  return { objectStart: sysInfo.end, protocol: magic.protocol };
}

/** Where a legacy file keeps things: its pickles, and each storage's payload (key → bytes, in file order). */
export interface LegacyLayout {
  /** The start of the file (up to 2 GiB), where its pickles are. */
  pickles: Buffer;
  objectStart: number;
  protocol: number;
  payloads: Map<string, ByteRange>;
}

/** The pickles come first; payloads past this may be larger than a Buffer and are reached through the source. */
const PICKLE_WINDOW = 0x7fffffff;

/**
 * Finds the payloads of a legacy file: reads the header, runs the object pickle once with probe storages (their
 * types and sizes, and where the pickle ends), then walks the storage keys and payloads, checking each size.
 */
export function legacyLayout(bytes: Buffer | ByteSource, opts: PickleLoadOptions, file?: string): LegacyLayout {
  const where: Where = { file };
  const source = asSource(bytes);
  const buf = source.slice(0, Math.min(source.length, PICKLE_WINDOW));
  const header = readLegacyHeader(buf, opts, file);
  const ctx: StorageContext = { bigEndian: false, restore: (s) => s, file };
  const probes = new Map<string, StorageRecord>();
  const probeLoad = (pid: unknown): unknown => {
    if (Array.isArray(pid) && pid[0] === 'module') return pid[1];
    const p = parseStoragePid(pid, where);
    let root = probes.get(p.key);
    if (!root) {
      root = StorageRecord.probe(p.key, p.dtype, p.untyped, p.numel, source.length - header.objectStart, ctx);
      probes.set(p.key, root);
    }
    return p.view ? root.slice(p.view.key, p.view.offset, p.view.numel) : root;
  };
  const first = loadPickle(buf, header.objectStart, probeLoad, opts, where, true);

  const noPid = (): never => badValue('unexpected persistent id in the storage keys', where);
  const keys = loadPickle(buf, first.end, noPid, opts, where);
  if (!Array.isArray(keys.value)) badValue('the storage keys of a legacy file must be a list', where);
  const payloads = new Map<string, ByteRange>();
  let p = keys.end;
  for (const k of keys.value as unknown[]) {
    const key = String(k);
    const root = probes.get(key);
    if (!root) return badValue(`storage key '${key}' is not used by the pickle`, where);
    const rec = { file, record: `storage ${key}` };
    if (p + 8 > source.length) throw loadError(LoadErrorCode.TRUNCATED, 'the file ends inside the storages', rec);
    const numel = source.slice(p, p + 8).readBigInt64LE(0);
    const expected = BigInt(root.nbytes / elementSize(root.dtype));
    if (numel !== expected) {
      throw loadError(LoadErrorCode.STORAGE_SIZE, `storage has wrong size: expected ${expected} got ${numel}`, rec);
    }
    const end = p + 8 + root.nbytes;
    if (end > source.length) throw loadError(LoadErrorCode.TRUNCATED, 'the file ends inside the storages', rec);
    payloads.set(key, { source, start: p + 8, length: root.nbytes });
    p = end;
  }
  return { pickles: buf, objectStart: header.objectStart, protocol: header.protocol, payloads };
}

/** Loads a legacy-format checkpoint; returns the object and its pickle protocol. */
export function readLegacyCheckpoint(
  source: ByteSource,
  opts: LegacyLoadOptions,
): { value: unknown; protocol: number } {
  const where: Where = { file: opts.file };
  const layout = legacyLayout(source, opts, opts.file);
  const ctx: StorageContext = { ...opts, bigEndian: false };
  const storages = new Map<string, StorageRecord>();
  const persistentLoad = (pid: unknown): unknown => {
    if (Array.isArray(pid) && pid[0] === 'module') return pid[1];
    const sp = parseStoragePid(pid, where);
    let root = storages.get(sp.key);
    if (!root) {
      const bytes = layout.payloads.get(sp.key);
      if (!bytes) {
        throw loadError(LoadErrorCode.RECORD_MISSING, `storage '${sp.key}' has no data in the file`, where);
      }
      const name = `storage ${sp.key}`;
      root = StorageRecord.fromRecord(sp.key, sp.dtype, sp.untyped, sp.location, sp.numel, bytes, ctx, name);
      root.prepare();
      storages.set(sp.key, root);
    }
    return sp.view ? root.slice(sp.view.key, sp.view.offset, sp.view.numel) : root;
  };
  const second = loadPickle(layout.pickles, layout.objectStart, persistentLoad, opts, where);
  return { value: second.value, protocol: second.protocol };
}
