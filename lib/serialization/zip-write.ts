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
import { Sink } from './pickle-encoding';
import {
  ALIGNMENT,
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

/** The byte of PyTorch's padding ('Z'). */
const PAD_BYTE = 0x5a;

/** Little-endian fields appended to a growable buffer. */
class Fields {
  readonly sink = new Sink();
  get length(): number {
    return this.sink.length;
  }
  u16(v: number): this {
    this.sink.u16(v);
    return this;
  }
  u32(v: number): this {
    this.sink.u32(v >>> 0);
    return this;
  }
  u64(v: number): this {
    this.sink.u64(v);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.sink.bytes(b);
    return this;
  }
  repeat(byte: number, n: number): this {
    for (let i = 0; i < n; i++) this.sink.byte(byte);
    return this;
  }
}

/** Bytes of miniz's zip64 extra field for a record of this size at this offset (0 when it needs none). */
function zip64Length(size: number, offset: number): number {
  const big = size >= ZIP64_MARKER;
  const far = offset >= ZIP64_MARKER;
  return big || far ? 4 + (big ? 16 : 0) + (far ? 8 : 0) : 0;
}

/**
 * miniz's zip64 extra field: id, length, then the uncompressed and compressed sizes and/or the header offset. In the
 * local header the compressed size is still 0 (miniz writes the header before the data); the central copy has it.
 */
function zip64Extra(f: Fields, size: number, offset: number, compressed: number): void {
  const length = zip64Length(size, offset);
  if (length === 0) return;
  f.u16(EXTRA_ZIP64).u16(length - 4);
  if (size >= ZIP64_MARKER) f.u64(size).u64(compressed);
  if (offset >= ZIP64_MARKER) f.u64(offset);
}

/**
 * The whole archive as a list of segments to write in order: each record's local header (with its name and extra
 * fields), its data, its descriptor; then the central directory and the end records. Everything but the records'
 * data is written into one buffer, and what lies between two records' data (a descriptor and the next local header)
 * is one slice of it (perf: a Buffer per header field group made saving many small tensors allocate five Buffers,
 * and five segments to write, per record).
 */
export function zipSegments(records: readonly RecordToWrite[]): Segment[] {
  return zipLayout(records).segments;
}

/** The segments of an archive, and where each record's CRC-32 goes in them (see {@link zipLayout}). */
export interface ZipLayout {
  segments: Segment[];
  /**
   * Flat [source, target, offset] triples: the CRC-32 of segments[source] (a record's data) belongs at byte `offset`
   * of segments[target] (its data descriptor and its central-directory entry), for a writer that computes the CRCs
   * while it writes (native writeFile's patches).
   */
  crcPatches: number[];
}

/** {@link zipSegments}, with where each non-empty record's CRC-32 field lies. */
export function zipLayout(records: readonly RecordToWrite[]): ZipLayout {
  const local = new Fields();
  const central = new Fields();
  /** Where each record's data goes between the slices of `local`. */
  const dataAt: number[] = [];
  /** Where each non-empty record's CRC fields are: in `local` (descriptor) and in `central`. */
  const crcFields: { record: number; descriptor: number; central: number }[] = [];
  let cursor = 0;
  for (const r of records) {
    const name = Buffer.from(r.name, 'utf8');
    const zip64 = zip64Length(r.size, cursor);
    const start = cursor + LOCAL_HEADER_SIZE + name.length + zip64 + 4;
    const pad = (ALIGNMENT - (start % ALIGNMENT)) % ALIGNMENT;
    // Empty records (empty storages) have no descriptor, so their flags do not announce one.
    const flags = r.size > 0 ? FLAG_DESCRIPTOR | FLAG_UTF8 : FLAG_UTF8;
    const headerStart = local.length;
    local
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
      .u16(zip64 + 4 + pad)
      .bytes(name);
    zip64Extra(local, r.size, cursor, 0);
    // PyTorch's padding extra field: 'FB', a length, that many 'Z's, so that the data start on a multiple of 64.
    local.u16(EXTRA_PADDING_ID).u16(pad).repeat(PAD_BYTE, pad);
    dataAt.push(local.length);
    if (r.size > 0) {
      crcFields.push({ record: dataAt.length - 1, descriptor: local.length + 4, central: central.length + 16 });
      if (zip64) local.u32(SIG_DESCRIPTOR).u32(r.crc).u64(r.size).u64(r.size);
      else local.u32(SIG_DESCRIPTOR).u32(r.crc).u32(r.size).u32(r.size);
    }
    central
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
      .u16(zip64)
      .u16(0) // comment
      .u16(0) // disk
      .u16(0) // internal attributes
      .u32(0) // external attributes
      .u32(Math.min(cursor, ZIP64_MARKER))
      .bytes(name);
    zip64Extra(central, r.size, cursor, r.size);
    // The record in the file: its header and extra fields, its data, its descriptor.
    cursor += local.length - headerStart + r.size;
  }
  const centralStart = cursor;
  const centralSize = central.length;
  const n = records.length;
  const centralAt = local.length;
  local.bytes(central.sink.take());
  local
    .u32(SIG_ZIP64_EOCD)
    .u64(ZIP64_EOCD_SIZE - 12) // size of the rest of the record
    .u16(ZIP64_MADE_BY)
    .u16(ZIP64_NEEDED)
    .u32(0)
    .u32(0)
    .u64(n)
    .u64(n)
    .u64(centralSize)
    .u64(centralStart);
  local
    .u32(SIG_ZIP64_LOCATOR)
    .u32(0)
    .u64(centralStart + centralSize)
    .u32(1);
  local
    .u32(SIG_EOCD)
    .u16(0)
    .u16(0)
    .u16(Math.min(n, 0xffff))
    .u16(Math.min(n, 0xffff))
    .u32(Math.min(centralSize, ZIP64_MARKER))
    .u32(Math.min(centralStart, ZIP64_MARKER))
    .u16(0);
  const bytes = local.sink.take();
  const segments: Segment[] = [];
  /** Each slice of `bytes` in `segments`: its index and where it starts. */
  const slices: { index: number; start: number }[] = [];
  const dataIndex: number[] = [];
  const pushSlice = (start: number, end: number): void => {
    if (end === start) return;
    slices.push({ index: segments.length, start });
    segments.push(bytes.subarray(start, end));
  };
  let from = 0;
  records.forEach((r, i) => {
    pushSlice(from, dataAt[i]);
    // As before, empty Buffers are left out; empty tensors stay (the writer skips them).
    dataIndex.push(r.data instanceof Uint8Array && r.data.length === 0 ? -1 : segments.length);
    if (dataIndex[i] >= 0) segments.push(r.data);
    from = dataAt[i];
  });
  pushSlice(from, bytes.length);
  const crcPatches: number[] = [];
  let s = 0;
  const place = (pos: number): void => {
    while (s + 1 < slices.length && slices[s + 1].start <= pos) s++;
    crcPatches.push(slices[s].index, pos - slices[s].start);
  };
  // Descriptors in file order, then the central directory, so each lookup moves forward.
  for (const f of crcFields) {
    crcPatches.push(dataIndex[f.record]);
    place(f.descriptor);
  }
  for (const f of crcFields) {
    crcPatches.push(dataIndex[f.record]);
    place(centralAt + f.central);
  }
  return { segments, crcPatches };
}
