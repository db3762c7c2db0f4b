/**
 * The bytes of a file being loaded: a Buffer the caller gave (used in place), or a file mapped copy-on-write. A mapped
 * file is read through Buffers over small ranges (zip structure, pickles) and gives storages as tensors over its
 * ranges, so that checkpoints past a Buffer's 4 GiB load too; both forms are zero-copy.
 */
import type { DType } from '../dtype';
import { MappedFile, native, NativeTensor } from '../native';

/** Bytes addressed by file offset. */
export interface ByteSource {
  readonly length: number;
  /** A Buffer over bytes [start, end), no copy (the range must fit a Buffer). */
  slice(start: number, end: number): Buffer;
  /** A 1-D CPU tensor of dtype over [start, start + nbytes), no copy; `aligned(start, size of dtype)` must hold. */
  tensor(start: number, nbytes: number, dtype: DType): NativeTensor;
  /** True when the byte at `start` lies at an address that is a multiple of `align`. */
  aligned(start: number, align: number): boolean;
}

/** A range of a source: a record's bytes, or a legacy storage's payload. */
export interface ByteRange {
  source: ByteSource;
  start: number;
  length: number;
}

/** A Buffer as a source. Its ArrayBuffer starts aligned for any element (Node's allocations are). */
export class BufferSource implements ByteSource {
  constructor(readonly buffer: Buffer) {}
  get length(): number {
    return this.buffer.length;
  }
  slice(start: number, end: number): Buffer {
    return this.buffer.subarray(start, end);
  }
  tensor(start: number, nbytes: number, dtype: DType): NativeTensor {
    return native.fromExternal(this.buffer.subarray(start, start + nbytes), dtype);
  }
  aligned(start: number, align: number): boolean {
    return (this.buffer.byteOffset + start) % align === 0;
  }
}

/** A file mapped copy-on-write (the mapping starts on a page boundary). */
export class MappedSource implements ByteSource {
  readonly length: number;
  constructor(private readonly file: MappedFile) {
    this.length = native.mapLength(file);
  }
  slice(start: number, end: number): Buffer {
    return native.mapSlice(this.file, start, end - start);
  }
  tensor(start: number, nbytes: number, dtype: DType): NativeTensor {
    return native.mapTensor(this.file, start, nbytes, dtype);
  }
  aligned(start: number, align: number): boolean {
    return start % align === 0;
  }
}

/** A source as given, or a Buffer as one. */
export function asSource(bytes: Buffer | ByteSource): ByteSource {
  return Buffer.isBuffer(bytes) ? new BufferSource(bytes) : bytes;
}

/** The source of a Buffer, or of one range of a source as a Buffer of its own (inflated records). */
export function bufferRange(buffer: Buffer): ByteRange {
  return { source: new BufferSource(buffer), start: 0, length: buffer.length };
}
