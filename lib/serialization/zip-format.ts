/**
 * Constants of the zip layout PyTorch writes (pytorch-format.md §2.3), shared by the reader and the writer.
 */

export const SIG_LOCAL = 0x04034b50; // PK\x03\x04
export const SIG_CENTRAL = 0x02014b50; // PK\x01\x02
export const SIG_DESCRIPTOR = 0x08074b50; // PK\x07\x08
export const SIG_EOCD = 0x06054b50; // PK\x05\x06
export const SIG_ZIP64_EOCD = 0x06064b50; // PK\x06\x06
export const SIG_ZIP64_LOCATOR = 0x07064b50; // PK\x06\x07

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;

/** General-purpose flags: bit 3 (sizes in a data descriptor) and bit 11 (UTF-8 names). */
export const FLAG_DESCRIPTOR = 0x0008;
export const FLAG_UTF8 = 0x0800;

export const METHOD_STORED = 0;
export const METHOD_DEFLATED = 8;

/** Zip64 extra field header id. */
export const EXTRA_ZIP64 = 0x0001;
/** PyTorch's padding extra field: 'F','B' then length, filled with 'Z'. */
export const EXTRA_PADDING_ID = 0x4246; // 'F','B' little-endian
/** Record data starts on multiples of this in PyTorch's files. */
export const ALIGNMENT = 64;

/** 0xFFFFFFFF: a 32-bit field that says "see the zip64 extra field". */
export const ZIP64_MARKER = 0xffffffff;
