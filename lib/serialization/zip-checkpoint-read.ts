/**
 * Loading the zip format torch.save writes since PyTorch 1.6 (pytorch-format.md §2, §4): the `version` and `byteorder`
 * records, then `data.pkl` with each storage persistent id resolved to its `data/<key>` record. TorchScript archives
 * (torchscript-read.ts) reuse the same storage resolution for their own pickles.
 */
import { loadError, LoadErrorCode, Where } from './load-errors';
import { loadPickle, PickleLoadOptions } from './reconstruct';
import { parseStoragePid, StorageContext, StoragePlacement, StorageRecord } from './storage-read';
import type { ZipArchive } from './zip-read';

/** The newest archive version a PyTorch reader accepts (caffe2 kMaxSupportedFileFormatVersion). */
const MAX_ARCHIVE_VERSION = 10;

/** Everything a zip checkpoint is loaded with. */
export interface ZipLoadOptions extends PickleLoadOptions, StoragePlacement {}

/** The archive's format version (the `version` or `.data/version` record), checked as PyTorch's reader does. */
export function archiveVersion(zip: ZipArchive): number {
  const name = zip.has('.data/version') ? '.data/version' : 'version';
  const text = zip.read(name).toString('latin1').trim();
  const v = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(v >= 1 && v <= MAX_ARCHIVE_VERSION)) {
    throw loadError(
      LoadErrorCode.BAD_VERSION,
      `Attempted to read a PyTorch file with version ${JSON.stringify(text)}, but the supported versions are 1 ` +
        `to ${MAX_ARCHIVE_VERSION}.`,
      zip.recordWhere(name),
    );
  }
  return v;
}

/** 'little' or 'big' from the `byteorder` record (2.1+); files without one are little-endian. */
export function archiveByteOrder(zip: ZipArchive): 'little' | 'big' {
  if (!zip.has('byteorder')) return 'little';
  const text = zip.read('byteorder').toString('latin1');
  if (text !== 'little' && text !== 'big') {
    throw loadError(
      LoadErrorCode.BAD_VALUE,
      `Unknown endianness type: ${JSON.stringify(text)}`,
      zip.recordWhere('byteorder'),
    );
  }
  return text;
}

/**
 * The persistent_load of a zip archive: storage ids resolve to `<folder>/<key>` records, each made into one storage
 * the first time it is named.
 */
export function zipStorageLoader(
  zip: ZipArchive,
  folder: string,
  ctx: StorageContext,
  where: Where,
): (pid: unknown) => StorageRecord {
  const storages = new Map<string, StorageRecord>();
  return (pid) => {
    const p = parseStoragePid(pid, where);
    let s = storages.get(p.key);
    if (!s) {
      const name = `${folder}/${p.key}`;
      s = StorageRecord.fromRecord(p.key, p.dtype, p.untyped, p.location, p.numel, zip.range(zip.get(name)), ctx, name);
      s.prepare();
      storages.set(p.key, s);
    }
    return s;
  };
}

/** The storage context of an archive: its byte order, and where the caller's mapLocation puts storages. */
export function archiveStorageContext(zip: ZipArchive, placement: StoragePlacement): StorageContext {
  return { ...placement, bigEndian: archiveByteOrder(zip) === 'big' };
}

/** Loads a zip-format checkpoint (not TorchScript); returns the object and data.pkl's pickle protocol. */
export function readZipCheckpoint(zip: ZipArchive, opts: ZipLoadOptions): { value: unknown; protocol: number } {
  archiveVersion(zip);
  const ctx = archiveStorageContext(zip, opts);
  const where = zip.recordWhere('data.pkl');
  const r = loadPickle(zip.read('data.pkl'), 0, zipStorageLoader(zip, 'data', ctx, where), opts, where);
  return { value: r.value, protocol: r.protocol };
}
