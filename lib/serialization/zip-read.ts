/**
 * Reading PyTorch's zip archives (pytorch-format.md §2): the end records (classic and zip64), the central directory,
 * each local header, and the records' bytes. Every offset and size is checked against the buffer before it is used,
 * so a damaged or hostile archive gives a TorchLoadError, never an out-of-bounds read.
 *
 * Stored records are returned as views of the buffer (zero-copy); deflated ones (TorchScript code, re-zipped files)
 * are inflated with a bound on their output.
 */
import { inflateRawSync } from 'zlib';
import { loadError, LoadErrorCode, Where } from './load-errors';
import {
  CENTRAL_HEADER_SIZE,
  EOCD_SIZE,
  EXTRA_ZIP64,
  LOCAL_HEADER_SIZE,
  METHOD_DEFLATED,
  METHOD_STORED,
  SIG_CENTRAL,
  SIG_EOCD,
  SIG_LOCAL,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  ZIP64_EOCD_SIZE,
  ZIP64_LOCATOR_SIZE,
  ZIP64_MARKER,
} from './zip-format';

/** One entry of the archive, as its central directory and local header describe it. */
export interface ZipRecord {
  /** Name inside the archive folder ('data.pkl', 'data/0', …). */
  name: string;
  /** Full name as stored ('archive/data.pkl'). */
  fullName: string;
  /** Offset of the local header. */
  headerOffset: number;
  /** Offset of the first data byte (PyTorch aligns it to 64). */
  dataOffset: number;
  /** Bytes stored (compressed size). */
  compressedSize: number;
  /** Bytes after inflating (= compressedSize when stored). */
  size: number;
  /** CRC-32 from the central directory. */
  crc32: number;
  /** 'stored' or 'deflated'. */
  compression: 'stored' | 'deflated';
}

const MAX_COMMENT = 0xffff;
/** DEFLATE cannot expand data more than about 1032 times: a larger claimed size is a lie (or a bomb). */
const MAX_DEFLATE_RATIO = 1032;

/** A zip archive over a buffer, with records looked up by their name inside the archive folder. */
export class ZipArchive {
  /** The archive folder: the first entry's name up to its first '/'. */
  readonly prefix: string;
  /** Records in central-directory order. */
  readonly records: readonly ZipRecord[];
  private readonly byName: Map<string, ZipRecord>;

  private constructor(
    readonly buffer: Buffer,
    records: ZipRecord[],
    prefix: string,
    private readonly where: Where,
  ) {
    this.records = records;
    this.prefix = prefix;
    this.byName = new Map(records.map((r) => [r.name, r]));
  }

  /** Parses the archive's directory; throws TorchLoadError (ZIP_CORRUPT, UNSUPPORTED) when it is damaged. */
  static open(buffer: Buffer, file?: string): ZipArchive {
    const where: Where = { file };
    const fail = (msg: string): never => {
      throw loadError(LoadErrorCode.ZIP_CORRUPT, `PytorchStreamReader failed reading zip archive: ${msg}`, where);
    };
    const dir = readEndRecords(buffer, fail);
    const records: ZipRecord[] = [];
    let prefix = '';
    let p = dir.offset;
    for (let i = 0; i < dir.entries; i++) {
      const { record, next } = readCentralEntry(buffer, p, dir.offset + dir.size, fail);
      p = next;
      if (i === 0) {
        const slash = record.fullName.indexOf('/');
        if (slash <= 0) fail(`file in archive is not in a subdirectory: ${record.fullName}`);
        prefix = record.fullName.slice(0, slash);
      }
      if (!record.fullName.startsWith(prefix + '/')) {
        fail(`file in archive is not in a subdirectory ${prefix}/: ${record.fullName}`);
      }
      record.name = record.fullName.slice(prefix.length + 1);
      records.push(record);
    }
    const names = new Set<string>();
    for (const r of records) {
      if (names.has(r.name)) fail(`duplicate record '${r.fullName}'`);
      names.add(r.name);
    }
    return new ZipArchive(buffer, records, prefix, where);
  }

  /** True when the archive has a record of this name (relative to the archive folder). */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The record of this name, or undefined. */
  record(name: string): ZipRecord | undefined {
    return this.byName.get(name);
  }

  /** The record's bytes: a view of the buffer when stored, inflated when deflated. Throws RECORD_MISSING. */
  read(name: string): Buffer {
    const r = this.byName.get(name);
    if (!r) {
      throw loadError(
        LoadErrorCode.RECORD_MISSING,
        `PytorchStreamReader failed locating file ${name}: file not found`,
        this.where,
      );
    }
    return this.readRecord(r);
  }

  /** The bytes of a record of this archive. */
  readRecord(r: ZipRecord): Buffer {
    const raw = this.buffer.subarray(r.dataOffset, r.dataOffset + r.compressedSize);
    if (r.compression === 'stored') return raw;
    let out: Buffer;
    try {
      out = inflateRawSync(raw, { maxOutputLength: Math.max(r.size, 1) });
    } catch (e) {
      throw loadError(
        LoadErrorCode.ZIP_CORRUPT,
        `cannot inflate record: ${(e as Error).message}`,
        this.recordWhere(r),
        e,
      );
    }
    if (out.length !== r.size) {
      throw loadError(
        LoadErrorCode.ZIP_CORRUPT,
        `record inflates to ${out.length} bytes, its header says ${r.size}`,
        this.recordWhere(r),
      );
    }
    return out;
  }

  /** File and record, for error messages. */
  recordWhere(r: ZipRecord | string): Where {
    return { file: this.where.file, record: typeof r === 'string' ? r : r.name };
  }
}

interface Directory {
  entries: number;
  offset: number;
  size: number;
}

/** Finds the end-of-central-directory record (and the zip64 one when present) and checks the directory's extent. */
function readEndRecords(buf: Buffer, fail: (msg: string) => never): Directory {
  if (buf.length < EOCD_SIZE) fail('failed finding central directory');
  const lowest = Math.max(0, buf.length - EOCD_SIZE - MAX_COMMENT);
  let eocd = -1;
  for (let p = buf.length - EOCD_SIZE; p >= lowest; p--) {
    // A real end record's comment runs exactly to the end of the file.
    if (buf.readUInt32LE(p) === SIG_EOCD && p + EOCD_SIZE + buf.readUInt16LE(p + 20) === buf.length) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) fail('failed finding central directory');
  let entries = buf.readUInt16LE(eocd + 10);
  let size = buf.readUInt32LE(eocd + 12);
  let offset = buf.readUInt32LE(eocd + 16);
  const locator = eocd - ZIP64_LOCATOR_SIZE;
  if (locator >= 0 && buf.readUInt32LE(locator) === SIG_ZIP64_LOCATOR) {
    const at = readU64(buf, locator + 8, fail);
    if (at + ZIP64_EOCD_SIZE > locator || buf.readUInt32LE(at) !== SIG_ZIP64_EOCD) {
      fail('zip64 end of central directory record not found');
    }
    entries = readU64(buf, at + 32, fail);
    size = readU64(buf, at + 40, fail);
    offset = readU64(buf, at + 48, fail);
  } else if (entries === 0xffff || size === ZIP64_MARKER || offset === ZIP64_MARKER) {
    fail('zip64 locator not found');
  }
  if (offset + size > buf.length || offset + size > eocd) fail('central directory lies outside the file');
  if (entries * CENTRAL_HEADER_SIZE > size) fail(`central directory of ${size} bytes cannot hold ${entries} entries`);
  return { entries, offset, size };
}

/** An unsigned 64-bit field that must fit in a JS number (files beyond 2^53 bytes do not exist). */
function readU64(buf: Buffer, at: number, fail: (msg: string) => never): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`64-bit field at ${at} is out of range`);
  return Number(v);
}

/** Reads one central-directory entry at p (bounded by end) and the local header it points to. */
function readCentralEntry(
  buf: Buffer,
  p: number,
  end: number,
  fail: (msg: string) => never,
): { record: ZipRecord; next: number } {
  if (p + CENTRAL_HEADER_SIZE > end || buf.readUInt32LE(p) !== SIG_CENTRAL) fail(`bad central directory entry at ${p}`);
  const flags = buf.readUInt16LE(p + 8);
  const method = buf.readUInt16LE(p + 10);
  const crc32 = buf.readUInt32LE(p + 16);
  let compressedSize = buf.readUInt32LE(p + 20);
  let size = buf.readUInt32LE(p + 24);
  const nameLen = buf.readUInt16LE(p + 28);
  const extraLen = buf.readUInt16LE(p + 30);
  const commentLen = buf.readUInt16LE(p + 32);
  let headerOffset = buf.readUInt32LE(p + 42);
  const next = p + CENTRAL_HEADER_SIZE + nameLen + extraLen + commentLen;
  if (next > end) fail(`central directory entry at ${p} runs past the directory`);
  const nameStart = p + CENTRAL_HEADER_SIZE;
  const fullName = buf.toString('utf8', nameStart, nameStart + nameLen);

  // Zip64: the 32-bit fields that hold 0xFFFFFFFF are in the zip64 extra field, in this order.
  const extra = buf.subarray(nameStart + nameLen, nameStart + nameLen + extraLen);
  for (let e = 0; e + 4 <= extra.length;) {
    const id = extra.readUInt16LE(e);
    const len = extra.readUInt16LE(e + 2);
    if (e + 4 + len > extra.length) fail(`bad extra field in entry '${fullName}'`);
    if (id === EXTRA_ZIP64) {
      let q = e + 4;
      const take = (): number => {
        if (q + 8 > e + 4 + len) fail(`short zip64 extra field in entry '${fullName}'`);
        const v = readU64(extra, q, fail);
        q += 8;
        return v;
      };
      if (size === ZIP64_MARKER) size = take();
      if (compressedSize === ZIP64_MARKER) compressedSize = take();
      if (headerOffset === ZIP64_MARKER) headerOffset = take();
    }
    e += 4 + len;
  }

  if (flags & 0x0001) {
    throw loadError(LoadErrorCode.UNSUPPORTED, `encrypted zip entry '${fullName}'`, {});
  }
  if (method !== METHOD_STORED && method !== METHOD_DEFLATED) {
    throw loadError(LoadErrorCode.UNSUPPORTED, `zip entry '${fullName}' uses compression method ${method}`, {});
  }
  if (method === METHOD_STORED && compressedSize !== size) fail(`stored entry '${fullName}' has two sizes`);
  if (method === METHOD_DEFLATED && size > compressedSize * MAX_DEFLATE_RATIO + 1024) {
    fail(`deflated entry '${fullName}' claims ${size} bytes from ${compressedSize}`);
  }

  if (headerOffset + LOCAL_HEADER_SIZE > buf.length || buf.readUInt32LE(headerOffset) !== SIG_LOCAL) {
    fail(`bad local header for '${fullName}' at ${headerOffset}`);
  }
  const localName = buf.readUInt16LE(headerOffset + 26);
  const localExtra = buf.readUInt16LE(headerOffset + 28);
  const dataOffset = headerOffset + LOCAL_HEADER_SIZE + localName + localExtra;
  if (dataOffset + compressedSize > buf.length) fail(`record '${fullName}' runs past the end of the file`);
  return {
    record: {
      name: fullName,
      fullName,
      headerOffset,
      dataOffset,
      compressedSize,
      size,
      crc32,
      compression: method === METHOD_STORED ? 'stored' : 'deflated',
    },
    next,
  };
}
