/**
 * The structure of a well-formed seed archive as the fuzzer sees it: where each local header, record, descriptor,
 * central entry and end record starts and ends (the places to cut), and every numeric field a hostile file can lie
 * in (offsets, sizes, counts, zip64 values). Also rebuilds an archive from its records after one was changed, with
 * PyTorch's layout (lib's writer), so that a mutated pickle still arrives inside a valid container.
 */
import { native } from '../../lib/native';
import { zipSegments } from '../../lib/serialization/zip-write';
import {
  CENTRAL_HEADER_SIZE,
  EOCD_SIZE,
  EXTRA_ZIP64,
  LOCAL_HEADER_SIZE,
  SIG_EOCD,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
} from '../../lib/serialization/zip-format';

/** A numeric field of the container: its offset in the file and width in bytes. */
export interface Field {
  what: string;
  pos: number;
  width: 2 | 4 | 8;
}

/** One entry, as its central header describes it. */
export interface ZipEntry {
  central: number;
  centralEnd: number;
  local: number;
  dataStart: number;
  dataEnd: number;
}

export interface ZipLayout {
  entries: ZipEntry[];
  centralStart: number;
  eocd: number;
  zip64Eocd: number | null;
  locator: number | null;
  fields: Field[];
  /** Offsets at which a structure starts or ends, sorted, without duplicates. */
  boundaries: number[];
}

/** The layout of a well-formed archive (the seeds are; damaged input is never parsed here). */
export function zipLayout(buf: Buffer): ZipLayout {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || buf.readUInt32LE(eocd) !== SIG_EOCD) throw new Error('no end of central directory');
  const fields: Field[] = [];
  const field = (what: string, pos: number, width: 2 | 4 | 8): void => void fields.push({ what, pos, width });
  for (const [what, off, w] of [
    ['eocd disk', 4, 2],
    ['eocd central disk', 6, 2],
    ['eocd entries on disk', 8, 2],
    ['eocd entries', 10, 2],
    ['eocd central size', 12, 4],
    ['eocd central offset', 16, 4],
    ['eocd comment length', 20, 2],
  ] as const)
    field(what, eocd + off, w);

  let locator: number | null = eocd - 20;
  let zip64Eocd: number | null = null;
  let centralStart = buf.readUInt32LE(eocd + 16);
  let count = buf.readUInt16LE(eocd + 10);
  if (locator >= 0 && buf.readUInt32LE(locator) === SIG_ZIP64_LOCATOR) {
    field('locator disk', locator + 4, 4);
    field('locator zip64 end offset', locator + 8, 8);
    field('locator disks', locator + 16, 4);
    zip64Eocd = Number(buf.readBigUInt64LE(locator + 8));
    if (buf.readUInt32LE(zip64Eocd) !== SIG_ZIP64_EOCD) throw new Error('no zip64 end record');
    for (const [what, off, w] of [
      ['zip64 end size', 4, 8],
      ['zip64 end disk', 16, 4],
      ['zip64 end entries on disk', 24, 8],
      ['zip64 end entries', 32, 8],
      ['zip64 end central size', 40, 8],
      ['zip64 end central offset', 48, 8],
    ] as const)
      field(what, zip64Eocd + off, w);
    centralStart = Number(buf.readBigUInt64LE(zip64Eocd + 48));
    count = Number(buf.readBigUInt64LE(zip64Eocd + 32));
  } else {
    locator = null;
  }

  const entries: ZipEntry[] = [];
  let c = centralStart;
  for (let i = 0; i < count; i++) {
    const nameLen = buf.readUInt16LE(c + 28);
    const extraLen = buf.readUInt16LE(c + 30);
    const commentLen = buf.readUInt16LE(c + 32);
    for (const [what, off, w] of [
      ['flags', 8, 2],
      ['method', 10, 2],
      ['crc', 16, 4],
      ['compressed size', 20, 4],
      ['size', 24, 4],
      ['name length', 28, 2],
      ['extra length', 30, 2],
      ['comment length', 32, 2],
      ['disk', 34, 2],
      ['local header offset', 42, 4],
    ] as const)
      field(`central ${i} ${what}`, c + off, w);
    zip64Fields(buf, c + CENTRAL_HEADER_SIZE + nameLen, extraLen, `central ${i}`, field);
    let local = buf.readUInt32LE(c + 42);
    let compressed = buf.readUInt32LE(c + 20);
    const z64 = zip64Values(buf, c + CENTRAL_HEADER_SIZE + nameLen, extraLen);
    // The zip64 values come in this order, each present only when its 32-bit field holds the marker.
    if (buf.readUInt32LE(c + 24) === 0xffffffff) z64.shift();
    if (compressed === 0xffffffff) compressed = z64.shift() ?? compressed;
    if (local === 0xffffffff) local = z64.shift() ?? local;
    const localExtra = buf.readUInt16LE(local + 28);
    const localName = buf.readUInt16LE(local + 26);
    for (const [what, off, w] of [
      ['flags', 6, 2],
      ['method', 8, 2],
      ['crc', 14, 4],
      ['compressed size', 18, 4],
      ['size', 22, 4],
      ['name length', 26, 2],
      ['extra length', 28, 2],
    ] as const)
      field(`local ${i} ${what}`, local + off, w);
    zip64Fields(buf, local + LOCAL_HEADER_SIZE + localName, localExtra, `local ${i}`, field);
    const dataStart = local + LOCAL_HEADER_SIZE + localName + localExtra;
    const centralEnd = c + CENTRAL_HEADER_SIZE + nameLen + extraLen + commentLen;
    entries.push({ central: c, centralEnd, local, dataStart, dataEnd: dataStart + compressed });
    c = centralEnd;
  }

  const points = new Set<number>([0, buf.length, centralStart, eocd, eocd + EOCD_SIZE]);
  if (zip64Eocd !== null) points.add(zip64Eocd);
  if (locator !== null) points.add(locator);
  for (const e of entries) {
    for (const p of [e.central, e.centralEnd, e.local, e.local + LOCAL_HEADER_SIZE, e.dataStart, e.dataEnd]) {
      points.add(p);
    }
    // A data descriptor (16 or 24 bytes) may follow the data: cut after it too.
    if (buf.readUInt32LE(e.dataEnd) === 0x08074b50) points.add(e.dataEnd + 16).add(e.dataEnd + 24);
  }
  const boundaries = [...points].filter((p) => p >= 0 && p <= buf.length).sort((a, b) => a - b);
  return { entries, centralStart, eocd, zip64Eocd, locator, fields, boundaries };
}

/** The 64-bit values of a zip64 extra field inside an extra area (none when there is no such field). */
function zip64Values(buf: Buffer, start: number, length: number): number[] {
  for (let p = start; p + 4 <= start + length;) {
    const id = buf.readUInt16LE(p);
    const n = buf.readUInt16LE(p + 2);
    if (id === EXTRA_ZIP64) {
      return Array.from({ length: Math.floor(n / 8) }, (_, k) => Number(buf.readBigUInt64LE(p + 4 + 8 * k)));
    }
    p += 4 + n;
  }
  return [];
}

function zip64Fields(
  buf: Buffer,
  start: number,
  length: number,
  what: string,
  field: (w: string, p: number, n: 2 | 4 | 8) => void,
): void {
  for (let p = start; p + 4 <= start + length;) {
    const id = buf.readUInt16LE(p);
    const n = buf.readUInt16LE(p + 2);
    field(`${what} extra length`, p + 2, 2);
    if (id === EXTRA_ZIP64) for (let k = 0; 8 * k + 8 <= n; k++) field(`${what} zip64 value ${k}`, p + 4 + 8 * k, 8);
    p += 4 + n;
  }
}

/** One record of an archive: its full name and its (stored) bytes. */
export interface NamedRecord {
  name: string;
  data: Buffer;
}

/** An archive with these records, laid out as PyTorch's writer lays them out (stored, aligned, zip64 end records). */
export function buildZip(records: readonly NamedRecord[]): Buffer {
  const crcs = native.crc32(records.map((r) => r.data));
  const segments = zipSegments(
    records.map((r, i) => ({ name: r.name, data: r.data, size: r.data.length, crc: crcs[i] })),
  );
  return Buffer.concat(segments as Buffer[]);
}
