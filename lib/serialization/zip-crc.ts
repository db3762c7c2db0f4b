/**
 * CRC-32 checks of a zip checkpoint's records (torch.load's `checkCrc`, and verifyCheckpoint). PyTorch itself does
 * not check them when loading; Python's zipfile does.
 */
import { TorchLoadError } from '../errors';
import { native, Segment } from '../native';
import { disposeSegments } from './byte-source';
import { loadError, LoadErrorCode } from './load-errors';
import type { ZipArchive, ZipRecord } from './zip-read';

/** The records a check covers: a stored CRC of 0 on a non-empty record means the writer recorded none (2.x can). */
export function crcRecords(zip: ZipArchive): ZipRecord[] {
  return zip.records.filter((r) => r.crc32 !== 0 || r.size === 0);
}

/**
 * The bytes to checksum for each record, in place: Buffers over a Buffer source, tensor handles over a mapped file
 * (disposed right after, so that the mapping goes with the last tensor, and never counted as external memory: a
 * Buffer over a mapped gigabyte made V8 collect and held the event loop for 25 ms or more).
 */
function crcSegments(zip: ZipArchive, records: ZipRecord[]): Segment[] {
  return records.map((r) => {
    const { source, start, length } = zip.range(r);
    return source.segment(start, length);
  });
}

/** The CRC-32 of each record's bytes (stored, or inflated for a deflated record). */
export function recordCrcs(zip: ZipArchive, records: ZipRecord[]): number[] {
  const segments = crcSegments(zip, records);
  try {
    return native.crc32(segments);
  } finally {
    disposeSegments(segments);
  }
}

/** {@link recordCrcs} on the thread pool (the native side holds the bytes until it is done). */
export async function recordCrcsAsync(zip: ZipArchive, records: ZipRecord[]): Promise<number[]> {
  const segments = crcSegments(zip, records);
  try {
    return await native.crc32Async(segments);
  } finally {
    disposeSegments(segments);
  }
}

/** One BAD_CRC error for each record whose computed CRC-32 differs from the stored one. */
export function crcMismatches(zip: ZipArchive, records: ZipRecord[], computed: number[]): TorchLoadError[] {
  const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
  return records.flatMap((r, i) =>
    computed[i] === r.crc32
      ? []
      : [
          loadError(
            LoadErrorCode.BAD_CRC,
            `CRC-32 mismatch: stored ${hex(r.crc32)}, computed ${hex(computed[i])}`,
            zip.recordWhere(r),
          ),
        ],
  );
}
