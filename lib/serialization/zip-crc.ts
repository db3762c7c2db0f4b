/**
 * CRC-32 checks of a zip checkpoint's records (torch.load's `checkCrc`, and verifyCheckpoint). PyTorch itself does
 * not check them when loading; Python's zipfile does.
 */
import { TorchLoadError } from '../errors';
import { Segment } from '../native';
import { loadError, LoadErrorCode } from './load-errors';
import type { ZipArchive, ZipRecord } from './zip-read';

/** The records a check covers: a stored CRC of 0 on a non-empty record means the writer recorded none (2.x can). */
export function crcRecords(zip: ZipArchive): ZipRecord[] {
  return zip.records.filter((r) => r.crc32 !== 0 || r.size === 0);
}

/**
 * Records up to this size are checksummed through a Buffer; larger ones as a tensor over the same bytes. A Buffer
 * over a mapped gigabyte counts as a gigabyte of external memory to V8, whose collections it triggers then held the
 * event loop for 25 ms or more (loadAsync with checkCrc); a tensor over a mapping is not counted (binding/tensor.cc).
 */
const MAX_BUFFER_SEGMENT = 1 << 20;

/** The bytes to checksum for each record: as stored, or inflated for a deflated one. */
export function crcSegments(zip: ZipArchive, records: ZipRecord[]): Segment[] {
  return records.map((r) => {
    const { source, start, length } = zip.range(r);
    return length <= MAX_BUFFER_SEGMENT ? source.slice(start, start + length) : source.tensor(start, length, 'uint8');
  });
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
