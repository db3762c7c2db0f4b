/**
 * CRC-32 checks of a zip checkpoint's records (torch.load's `checkCrc`, and verifyCheckpoint). PyTorch itself does
 * not check them when loading; Python's zipfile does.
 */
import { TorchLoadError } from '../errors';
import { loadError, LoadErrorCode } from './load-errors';
import type { ZipArchive, ZipRecord } from './zip-read';

/** The records a check covers: a stored CRC of 0 on a non-empty record means the writer recorded none (2.x can). */
export function crcRecords(zip: ZipArchive): ZipRecord[] {
  return zip.records.filter((r) => r.crc32 !== 0 || r.size === 0);
}

/** The bytes to checksum for each record: as stored, or inflated for a deflated one. */
export function crcSegments(zip: ZipArchive, records: ZipRecord[]): Buffer[] {
  return records.map((r) => zip.readRecord(r));
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
