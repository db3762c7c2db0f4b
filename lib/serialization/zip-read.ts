/**
 * Reading PyTorch's zip archives (pytorch-format.md §2): the end records (classic and zip64), the central directory,
 * each local header, and the records' bytes. Every offset and size is checked against the buffer before it is used,
 * so a damaged or hostile archive gives a TorchLoadError, never an out-of-bounds read.
 *
 * Stored records are ranges of the file (zero-copy); deflated ones (TorchScript code, re-zipped files) are inflated
 * with a bound on their output.
 */
import { inflateRawSync } from 'zlib';
import { asSource, bufferRange, ByteRange, ByteSource } from './byte-source';
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
const NO_BYTES = Buffer.alloc(0);
/** DEFLATE cannot expand data more than about 1032 times: a larger claimed size is a lie (or a bomb). */
const MAX_DEFLATE_RATIO = 1032;
/** A central directory must fit a Buffer (PyTorch's hold a few hundred bytes per record). */
const MAX_DIRECTORY = 0x7fffffff;

/** A zip archive over a byte source, with records looked up by their name inside the archive folder. */
export class ZipArchive {
  /** The archive folder: the first entry's name up to its first '/'. */
  readonly prefix: string;
  /** Records in central-directory order. */
  readonly records: readonly ZipRecord[];
  private readonly byName: Map<string, ZipRecord>;

  private constructor(
    readonly source: ByteSource,
    records: ZipRecord[],
    prefix: string,
    private readonly where: Where,
    byName: Map<string, ZipRecord>,
  ) {
    this.records = records;
    this.prefix = prefix;
    this.byName = byName;
  }

  /** Parses the archive's directory; throws TorchLoadError (ZIP_CORRUPT, UNSUPPORTED) when it is damaged. */
  static open(bytes: Buffer | ByteSource, file?: string): ZipArchive {
    const source = asSource(bytes);
    const where: Where = { file };
    const fail = (msg: string): never => {
      throw loadError(LoadErrorCode.ZIP_CORRUPT, `PytorchStreamReader failed reading zip archive: ${msg}`, where);
    };
    const dir = readEndRecords(source, fail);
    const cd = source.slice(dir.offset, dir.offset + dir.size);
    const records: ZipRecord[] = [];
    let prefix = '';
    let folder = '';
    let p = 0;
    for (let i = 0; i < dir.entries; i++) {
      const { record, next } = readCentralEntry(cd, p, source, fail, where);
      p = next;
      if (i === 0) {
        const slash = record.fullName.indexOf('/');
        if (slash <= 0) fail(`file in archive is not in a subdirectory: ${record.fullName}`);
        prefix = record.fullName.slice(0, slash);
        folder = prefix + '/';
      }
      if (!record.fullName.startsWith(folder)) {
        fail(`file in archive is not in a subdirectory ${prefix}/: ${record.fullName}`);
      }
      record.name = record.fullName.slice(folder.length);
      records.push(record);
    }
    const byName = new Map<string, ZipRecord>();
    for (const r of records) {
      if (byName.has(r.name)) fail(`duplicate record '${r.fullName}'`);
      byName.set(r.name, r);
    }
    return new ZipArchive(source, records, prefix, where, byName);
  }

  /** True when the archive has a record of this name (relative to the archive folder). */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The record of this name, or undefined. */
  record(name: string): ZipRecord | undefined {
    return this.byName.get(name);
  }

  /** The record of this name; throws RECORD_MISSING. */
  get(name: string): ZipRecord {
    const r = this.byName.get(name);
    if (!r) {
      throw loadError(
        LoadErrorCode.RECORD_MISSING,
        `PytorchStreamReader failed locating file ${name}: file not found`,
        this.where,
      );
    }
    return r;
  }

  /** The bytes of the record of this name (see readRecord); throws RECORD_MISSING. */
  read(name: string): Buffer {
    return this.readRecord(this.get(name));
  }

  /** A record's bytes as a Buffer: a view of the file when stored, inflated when deflated. */
  readRecord(r: ZipRecord): Buffer {
    const range = this.range(r);
    return range.source.slice(range.start, range.start + range.length);
  }

  /** Where a record's bytes are: a range of the file when stored, a Buffer of its own when deflated. */
  range(r: ZipRecord): ByteRange {
    if (r.compression === 'stored') return { source: this.source, start: r.dataOffset, length: r.size };
    const raw = this.source.slice(r.dataOffset, r.dataOffset + r.compressedSize);
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
    return bufferRange(out);
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
function readEndRecords(src: ByteSource, fail: (msg: string) => never): Directory {
  if (src.length < EOCD_SIZE) fail('failed finding central directory');
  // The end record and its comment are in the last 64 KiB; the zip64 records precede it.
  const tailStart = Math.max(0, src.length - EOCD_SIZE - MAX_COMMENT - ZIP64_LOCATOR_SIZE);
  const tail = src.slice(tailStart, src.length);
  let eocd = -1;
  for (let p = tail.length - EOCD_SIZE; p >= 0; p--) {
    // A real end record's comment runs exactly to the end of the file.
    if (tail.readUInt32LE(p) === SIG_EOCD && p + EOCD_SIZE + tail.readUInt16LE(p + 20) === tail.length) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) fail('failed finding central directory');
  let entries = tail.readUInt16LE(eocd + 10);
  let size = tail.readUInt32LE(eocd + 12);
  let offset = tail.readUInt32LE(eocd + 16);
  const locator = eocd - ZIP64_LOCATOR_SIZE;
  if (locator >= 0 && tail.readUInt32LE(locator) === SIG_ZIP64_LOCATOR) {
    const at = readU64(tail, locator + 8, fail);
    if (at + ZIP64_EOCD_SIZE > tailStart + locator) fail('zip64 end of central directory record not found');
    const z64 = src.slice(at, at + ZIP64_EOCD_SIZE);
    if (z64.readUInt32LE(0) !== SIG_ZIP64_EOCD) fail('zip64 end of central directory record not found');
    entries = readU64(z64, 32, fail);
    size = readU64(z64, 40, fail);
    offset = readU64(z64, 48, fail);
  } else if (entries === 0xffff || size === ZIP64_MARKER || offset === ZIP64_MARKER) {
    fail('zip64 locator not found');
  }
  if (offset + size > tailStart + eocd) fail('central directory lies outside the file');
  if (size > MAX_DIRECTORY) fail(`central directory of ${size} bytes`);
  if (entries * CENTRAL_HEADER_SIZE > size) fail(`central directory of ${size} bytes cannot hold ${entries} entries`);
  return { entries, offset, size };
}

/** An unsigned 64-bit field that must fit in a JS number (files beyond 2^53 bytes do not exist). */
function readU64(buf: Buffer, at: number, fail: (msg: string) => never): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`64-bit field at ${at} is out of range`);
  return Number(v);
}

/** Reads the central-directory entry at p of `cd` and the local header it points to in the file. */
function readCentralEntry(
  cd: Buffer,
  p: number,
  src: ByteSource,
  fail: (msg: string) => never,
  where: Where,
): { record: ZipRecord; next: number } {
  if (p + CENTRAL_HEADER_SIZE > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) {
    fail(`bad central directory entry at ${p}`);
  }
  const flags = cd.readUInt16LE(p + 8);
  const method = cd.readUInt16LE(p + 10);
  const crc32 = cd.readUInt32LE(p + 16);
  let compressedSize = cd.readUInt32LE(p + 20);
  let size = cd.readUInt32LE(p + 24);
  const nameLen = cd.readUInt16LE(p + 28);
  const extraLen = cd.readUInt16LE(p + 30);
  const commentLen = cd.readUInt16LE(p + 32);
  let headerOffset = cd.readUInt32LE(p + 42);
  const next = p + CENTRAL_HEADER_SIZE + nameLen + extraLen + commentLen;
  if (next > cd.length) fail(`central directory entry at ${p} runs past the directory`);
  const nameStart = p + CENTRAL_HEADER_SIZE;
  const fullName = cd.toString('utf8', nameStart, nameStart + nameLen);

  // Zip64: the 32-bit fields that hold 0xFFFFFFFF are in the zip64 extra field, in this order. (No view is made for
  // an entry without extra fields: most of a file of many small records.)
  const extra = extraLen === 0 ? NO_BYTES : cd.subarray(nameStart + nameLen, nameStart + nameLen + extraLen);
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
    throw loadError(LoadErrorCode.UNSUPPORTED, `encrypted zip entry '${fullName}'`, where);
  }
  if (method !== METHOD_STORED && method !== METHOD_DEFLATED) {
    throw loadError(LoadErrorCode.UNSUPPORTED, `zip entry '${fullName}' uses compression method ${method}`, where);
  }
  if (method === METHOD_STORED && compressedSize !== size) fail(`stored entry '${fullName}' has two sizes`);
  if (method === METHOD_DEFLATED && size > compressedSize * MAX_DEFLATE_RATIO + 1024) {
    fail(`deflated entry '${fullName}' claims ${size} bytes from ${compressedSize}`);
  }

  if (headerOffset + LOCAL_HEADER_SIZE > src.length) fail(`bad local header for '${fullName}' at ${headerOffset}`);
  // Read in place (a Buffer view per record was a visible share of opening a file of many small records).
  if (src.u32(headerOffset) !== SIG_LOCAL) fail(`bad local header for '${fullName}' at ${headerOffset}`);
  const dataOffset = headerOffset + LOCAL_HEADER_SIZE + src.u16(headerOffset + 26) + src.u16(headerOffset + 28);
  if (dataOffset + compressedSize > src.length) fail(`record '${fullName}' runs past the end of the file`);
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
