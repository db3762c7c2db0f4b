/**
 * The container of a PyTorch file, as `torch-node inspect` shows it: zip (with its archive prefix, records, format
 * version, byte order and the PyTorch versions whose layout it has) or legacy (with its pickle protocol). Read with the
 * serialization reader's own zip and header parsers, so a broken file fails here as it would in torch.load.
 */
import { isZip } from '../serialization/load';
import { readLegacyHeader } from '../serialization/legacy-read';
import { DEFAULT_MAX_DEPTH } from '../serialization/revive';
import { isTorchScript } from '../serialization/torchscript-read';
import { archiveByteOrder, archiveVersion } from '../serialization/zip-checkpoint-read';
import { ZipArchive } from '../serialization/zip-read';

/** One record of a zip archive. */
export interface RecordFacts {
  name: string;
  /** Bytes after inflating. */
  size: number;
  compression: 'stored' | 'deflated';
  /** CRC-32 from the central directory, as 8 hex digits. */
  crc32: string;
  /** Offset of the record's first byte in the file. */
  offset: number;
}

/** What kind of file it is, and the facts its container holds. */
export type LayoutFacts =
  | {
      format: 'zip' | 'torchscript';
      /** The archive folder every record sits in (PyTorch takes it from the file name it saved to). */
      prefix: string;
      /** The `version` record. */
      version: number;
      byteOrder: 'little' | 'big';
      /** Which PyTorch versions write this set of records. */
      writtenBy: string;
      records: RecordFacts[];
      bytes: number;
    }
  | { format: 'legacy'; pickleProtocol: number; writtenBy: string; bytes: number };

// The record sets of pytorch-format.md §2.1, newest first.
function zipWriter(zip: ZipArchive): string {
  if (isTorchScript(zip)) return 'torch.jit.save (TorchScript)';
  if (zip.has('.format_version')) return 'torch.save of PyTorch 2.7 or newer';
  if (zip.has('.data/serialization_id') || zip.has('byteorder')) return 'torch.save of PyTorch 2.1 to 2.6';
  return 'torch.save of PyTorch 1.6 to 2.0';
}

/** Reads the container facts of a file's bytes; throws the reader's TorchLoadError when they are broken. */
export function describeLayout(bytes: Buffer, file: string): LayoutFacts {
  if (!isZip(bytes)) {
    const opts = { weightsOnly: false, safeGlobals: new Set<string>(), maxDepth: DEFAULT_MAX_DEPTH };
    const header = readLegacyHeader(bytes, opts, file);
    return {
      format: 'legacy',
      pickleProtocol: header.protocol,
      writtenBy: 'torch.save(_use_new_zipfile_serialization=False), or PyTorch before 1.6',
      bytes: bytes.length,
    };
  }
  const zip = ZipArchive.open(bytes, file);
  return {
    format: isTorchScript(zip) ? 'torchscript' : 'zip',
    prefix: zip.prefix,
    version: archiveVersion(zip),
    byteOrder: archiveByteOrder(zip),
    writtenBy: zipWriter(zip),
    records: zip.records.map((r) => ({
      name: r.name,
      size: r.size,
      compression: r.compression,
      crc32: r.crc32.toString(16).padStart(8, '0'),
      offset: r.dataOffset,
    })),
    bytes: bytes.length,
  };
}
