/**
 * Looking inside a checkpoint without loading it (for `torch-node inspect | verify`): its format, archive folder,
 * records with their offsets, sizes and CRC-32s, pickle protocol, archive version and byte order; and a verification
 * that checks the structure, every CRC-32, and that the whole file loads.
 */
import { TorchLoadError } from '../errors';
import { legacyLayout } from './legacy-read';
import { isZip, LoadOptions, LoadSource, loadBytes, openBytes, OpenedBytes } from './load';
import { DEFAULT_MAX_DEPTH } from './revive';
import { isTorchScript } from './torchscript-read';
import { archiveByteOrder, archiveVersion } from './zip-checkpoint-read';
import { crcMismatches, crcRecords, recordCrcs } from './zip-crc';
import { ZipArchive } from './zip-read';

/** One record of a zip checkpoint, or one storage payload of a legacy file. */
export interface RecordInfo {
  /** Name inside the archive folder ('data.pkl', 'data/0'), or 'storage <key>' in a legacy file. */
  name: string;
  /** Offset of the record's first data byte in the file. */
  offset: number;
  /** Bytes of data (after inflating). */
  size: number;
  /** Bytes stored in the file. */
  compressedSize: number;
  /** CRC-32 the archive stores for it (null in legacy files, which have none). */
  crc32: number | null;
  compression: 'stored' | 'deflated';
}

/** What {@link openCheckpoint} finds. */
export interface CheckpointInfo {
  /** The path, or '<buffer>'. */
  file: string;
  /** Bytes in the file. */
  size: number;
  format: 'zip' | 'legacy' | 'torchscript';
  /** The archive folder of a zip ('archive', 'model', …); null for legacy files. */
  prefix: string | null;
  records: RecordInfo[];
  /** Pickle protocol of the object pickle (0 when it has no PROTO opcode: protocol 0 or 1). */
  protocol: number;
  /** The archive's `version` record (3 for every torch.save); null for legacy files. */
  version: number | null;
  byteOrder: 'little' | 'big';
  /** Loads the checkpoint from the bytes already open, as torch.load does. */
  load<T = unknown>(options?: LoadOptions): T;
}

function pickleProtocol(pickle: Buffer): number {
  return pickle.length >= 2 && pickle[0] === 0x80 ? pickle[1] : 0;
}

function zipInfo(opened: OpenedBytes, zip: ZipArchive): Omit<CheckpointInfo, 'load'> {
  return {
    file: opened.file,
    size: opened.bytes.length,
    format: isTorchScript(zip) ? 'torchscript' : 'zip',
    prefix: zip.prefix,
    records: zip.records.map((r) => ({
      name: r.name,
      offset: r.dataOffset,
      size: r.size,
      compressedSize: r.compressedSize,
      crc32: r.crc32,
      compression: r.compression,
    })),
    protocol: pickleProtocol(zip.read('data.pkl')),
    version: archiveVersion(zip),
    byteOrder: archiveByteOrder(zip),
  };
}

function legacyInfo(opened: OpenedBytes): Omit<CheckpointInfo, 'load'> {
  const { bytes, file } = opened;
  const layout = legacyLayout(bytes, { weightsOnly: false, safeGlobals: new Set(), maxDepth: DEFAULT_MAX_DEPTH }, file);
  const records: RecordInfo[] = [...layout.payloads].map(([key, b]) => ({
    name: `storage ${key}`,
    offset: b.start,
    size: b.length,
    compressedSize: b.length,
    crc32: null,
    compression: 'stored',
  }));
  return {
    file,
    size: bytes.length,
    format: 'legacy',
    prefix: null,
    records,
    protocol: layout.protocol,
    version: null,
    byteOrder: 'little',
  };
}

/** The bytes, the parsed archive (zip formats) and the description of a checkpoint. */
function inspect(source: LoadSource, mmap: boolean): { info: CheckpointInfo; zip: ZipArchive | null } {
  const opened = openBytes(source, mmap);
  // An empty file gets loadBytes's EMPTY_FILE error.
  if (opened.bytes.length === 0) loadBytes(opened, {});
  const zip = isZip(opened.bytes) ? ZipArchive.open(opened.bytes, opened.file) : null;
  const described = zip ? zipInfo(opened, zip) : legacyInfo(opened);
  return { info: { ...described, load: <T>(o: LoadOptions = {}) => loadBytes(opened, o).value as T }, zip };
}

/**
 * Opens a checkpoint and describes its layout without unpickling its object (a legacy file's pickle is read once to
 * find its storages). Throws TorchLoadError when the structure is broken.
 */
export function openCheckpoint(source: LoadSource, options: { mmap?: boolean } = {}): CheckpointInfo {
  return inspect(source, options.mmap ?? true).info;
}

/** A problem verifyCheckpoint found. */
export interface VerifyProblem {
  code: string;
  message: string;
  record?: string;
}

/** What {@link verifyCheckpoint} found: ok when there is no problem. */
export interface VerifyReport {
  ok: boolean;
  /** The format, when the file could be opened. */
  format: CheckpointInfo['format'] | null;
  /** Records whose CRC-32 was checked. */
  crcChecked: number;
  problems: VerifyProblem[];
}

function problemOf(e: unknown): VerifyProblem {
  if (e instanceof TorchLoadError) return { code: e.code, message: e.message, record: e.record };
  throw e;
}

/**
 * Verifies a checkpoint: its structure, the CRC-32 of every zip record (all mismatches are listed; a stored CRC of 0
 * means the writer recorded none), and that everything loads (storages are mapped to the CPU, so a file saved on a
 * GPU verifies on any machine).
 */
export function verifyCheckpoint(source: LoadSource, options: { mmap?: boolean } = {}): VerifyReport {
  const report: VerifyReport = { ok: false, format: null, crcChecked: 0, problems: [] };
  let opened: ReturnType<typeof inspect>;
  try {
    opened = inspect(source, options.mmap ?? true);
  } catch (e) {
    report.problems.push(problemOf(e));
    return report;
  }
  const { info, zip } = opened;
  report.format = info.format;
  if (zip) {
    const records = crcRecords(zip);
    report.problems.push(...crcMismatches(zip, records, recordCrcs(zip, records)).map(problemOf));
    report.crcChecked = records.length;
  }
  try {
    info.load({ mapLocation: 'cpu' });
  } catch (e) {
    report.problems.push(problemOf(e));
  }
  report.ok = report.problems.length === 0;
  return report;
}
