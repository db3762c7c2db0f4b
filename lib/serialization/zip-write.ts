/**
 * The zip container as PyTorch's writer (PyTorchStreamWriter over miniz) lays it out, byte for byte
 * (pytorch-format.md §2.3): stored records whose data start on multiples of 64 thanks to an 'FB' padding extra field,
 * a data descriptor after each non-empty record, DOS time and date 0, a central directory, and always a zip64 end
 * record and locator before the classic end record. Records of 4 GiB or more, or starting past 4 GiB, carry miniz's
 * zip64 extra field (sizes and/or offset) and a 24-byte descriptor.
 *
 * The layout is computed from names, sizes and CRCs only; record data stay where they are (Buffers or tensor
 * handles) and go to the file in the returned order, so no whole-file buffer is ever built.
 */
import type { Segment } from '../native';
import {
  ALIGNMENT,
  CENTRAL_HEADER_SIZE,
  EOCD_SIZE,
  EXTRA_PADDING_ID,
  EXTRA_ZIP64,
  FLAG_DESCRIPTOR,
  FLAG_UTF8,
  LOCAL_HEADER_SIZE,
  METHOD_STORED,
  SIG_CENTRAL,
  SIG_DESCRIPTOR,
  SIG_EOCD,
  SIG_LOCAL,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  ZIP64_EOCD_SIZE,
  ZIP64_LOCATOR_SIZE,
  ZIP64_MARKER,
} from './zip-format';

/** One record: its full name (`prefix/name`), its bytes and their CRC-32. */
export interface RecordToWrite {
  name: string;
  data: Segment;
  size: number;
  crc: number;
}

/** miniz's "version made by" (Unix, 3.0) and "needed to extract" (4.5) of the zip64 end record. */
const ZIP64_MADE_BY = 0x031e;
const ZIP64_NEEDED = 0x002d;

/** Little-endian field writer over a fixed-size Buffer. */
class Fields {
  readonly buf: Buffer;
  private at = 0;
  constructor(size: number) {
    this.buf = Buffer.alloc(size);
  }
  u16(v: number): this {
    this.at = this.buf.writeUInt16LE(v, this.at);
    return this;
  }
  u32(v: number): this {
    this.at = this.buf.writeUInt32LE(v >>> 0, this.at);
    return this;
  }
  u64(v: number): this {
    this.at = this.buf.writeBigUInt64LE(BigInt(v), this.at);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.buf.set(b, this.at);
    this.at += b.length;
    return this;
  }
}

/**
 * miniz's zip64 extra field: id, length, then the uncompressed and compressed sizes and/or the header offset. In the
 * local header the compressed size is still 0 (miniz writes the header before the data); the central copy has it.
 */
function zip64Extra(size: number, offset: number, compressed: number): Buffer {
  const big = size >= ZIP64_MARKER;
  const far = offset >= ZIP64_MARKER;
  if (!big && !far) return Buffer.alloc(0);
  const f = new Fields(4 + (big ? 16 : 0) + (far ? 8 : 0));
  f.u16(EXTRA_ZIP64).u16(f.buf.length - 4);
  if (big) f.u64(size).u64(compressed);
  if (far) f.u64(offset);
  return f.buf;
}

/** PyTorch's padding extra field: 'FB', a length, that many 'Z's, so that the data start on a multiple of 64. */
function paddingExtra(dataStartWithoutPadding: number): Buffer {
  const pad = (ALIGNMENT - (dataStartWithoutPadding % ALIGNMENT)) % ALIGNMENT;
  const f = new Fields(4 + pad);
  f.u16(EXTRA_PADDING_ID).u16(pad).bytes(Buffer.alloc(pad, 'Z'));
  return f.buf;
}

/**
 * The whole archive as a list of segments to write in order: each record's local header (with its name and extra
 * fields), its data, its descriptor; then the central directory and the end records.
 */
export function zipSegments(records: readonly RecordToWrite[]): Segment[] {
  const out: Segment[] = [];
  const central: Buffer[] = [];
  let cursor = 0;
  for (const r of records) {
    const name = Buffer.from(r.name, 'utf8');
    const zip64 = zip64Extra(r.size, cursor, 0);
    const padding = paddingExtra(cursor + LOCAL_HEADER_SIZE + name.length + zip64.length + 4);
    // Empty records (empty storages) have no descriptor, so their flags do not announce one.
    const flags = r.size > 0 ? FLAG_DESCRIPTOR | FLAG_UTF8 : FLAG_UTF8;
    const local = new Fields(LOCAL_HEADER_SIZE + name.length)
      .u32(SIG_LOCAL)
      .u16(0) // version needed: stored
      .u16(flags)
      .u16(METHOD_STORED)
      .u16(0) // time
      .u16(0) // date
      .u32(0) // CRC and sizes follow the data
      .u32(0)
      .u32(0)
      .u16(name.length)
      .u16(zip64.length + padding.length)
      .bytes(name);
    out.push(local.buf, zip64, padding, r.data);
    let descriptor: Buffer = Buffer.alloc(0);
    if (r.size > 0) {
      descriptor = zip64.length
        ? new Fields(24).u32(SIG_DESCRIPTOR).u32(r.crc).u64(r.size).u64(r.size).buf
        : new Fields(16).u32(SIG_DESCRIPTOR).u32(r.crc).u32(r.size).u32(r.size).buf;
      out.push(descriptor);
    }
    central.push(
      new Fields(CENTRAL_HEADER_SIZE + name.length + zip64.length)
        .u32(SIG_CENTRAL)
        .u16(0) // made by
        .u16(0) // needed
        .u16(flags)
        .u16(METHOD_STORED)
        .u16(0)
        .u16(0)
        .u32(r.size > 0 ? r.crc : 0)
        .u32(Math.min(r.size, ZIP64_MARKER))
        .u32(Math.min(r.size, ZIP64_MARKER))
        .u16(name.length)
        .u16(zip64.length)
        .u16(0) // comment
        .u16(0) // disk
        .u16(0) // internal attributes
        .u32(0) // external attributes
        .u32(Math.min(cursor, ZIP64_MARKER))
        .bytes(name)
        .bytes(zip64Extra(r.size, cursor, r.size)).buf,
    );
    cursor += local.buf.length + zip64.length + padding.length + r.size + descriptor.length;
  }
  const centralStart = cursor;
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const n = records.length;
  const zip64End = new Fields(ZIP64_EOCD_SIZE)
    .u32(SIG_ZIP64_EOCD)
    .u64(ZIP64_EOCD_SIZE - 12) // size of the rest of the record
    .u16(ZIP64_MADE_BY)
    .u16(ZIP64_NEEDED)
    .u32(0)
    .u32(0)
    .u64(n)
    .u64(n)
    .u64(centralSize)
    .u64(centralStart).buf;
  const locator = new Fields(ZIP64_LOCATOR_SIZE)
    .u32(SIG_ZIP64_LOCATOR)
    .u32(0)
    .u64(centralStart + centralSize)
    .u32(1).buf;
  const end = new Fields(EOCD_SIZE)
    .u32(SIG_EOCD)
    .u16(0)
    .u16(0)
    .u16(Math.min(n, 0xffff))
    .u16(Math.min(n, 0xffff))
    .u32(Math.min(centralSize, ZIP64_MARKER))
    .u32(Math.min(centralStart, ZIP64_MARKER))
    .u16(0).buf;
  out.push(...central, zip64End, locator, end);
  return out.filter((s) => !(s instanceof Uint8Array) || s.length > 0);
}
