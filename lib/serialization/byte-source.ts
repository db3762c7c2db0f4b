/**
 * The bytes of a file being loaded: a Buffer the caller gave (used in place), or a file mapped copy-on-write. A mapped
 * file is read through Buffers over small ranges (zip structure, pickles) and gives storages as tensors over its
 * ranges, so that checkpoints past a Buffer's 4 GiB load too; both forms are zero-copy.
 */
import type { DType } from '../dtype';
import { MappedFile, native, NativeTensor, Segment, ViewArgs } from '../native';

/** Bytes addressed by file offset. */
export interface ByteSource {
  readonly length: number;
  /** A Buffer over bytes [start, end), no copy (the range must fit a Buffer). */
  slice(start: number, end: number): Buffer;
  /** A 1-D CPU tensor of dtype over [start, start + nbytes), no copy; `aligned(start, size of dtype)` must hold. */
  tensor(start: number, nbytes: number, dtype: DType): NativeTensor;
  /** As {@link tensor}, but the tensor returned is the view `view` of that storage. */
  view(start: number, nbytes: number, dtype: DType, ...view: ViewArgs): NativeTensor;
  /**
   * The bytes [start, start + length) for the native layer to read (a CRC-32), without copying: a Buffer, or a
   * tensor handle that the caller disposes when done (see {@link disposeSegments}).
   */
  segment(start: number, length: number): Segment;
  /** True when the byte at `start` lies at an address that is a multiple of `align`. */
  aligned(start: number, align: number): boolean;
  /** The little-endian unsigned 16- or 32-bit number at `at` (which must lie inside), read without a view. */
  u16(at: number): number;
  u32(at: number): number;
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
  view(start: number, nbytes: number, dtype: DType, ...view: ViewArgs): NativeTensor {
    return native.fromExternal(this.buffer.subarray(start, start + nbytes), dtype, ...view);
  }
  aligned(start: number, align: number): boolean {
    return (this.buffer.byteOffset + start) % align === 0;
  }
  segment(start: number, length: number): Segment {
    return this.slice(start, start + length);
  }
  u16(at: number): number {
    return this.buffer.readUInt16LE(at);
  }
  u32(at: number): number {
    return this.buffer.readUInt32LE(at);
  }
}

/**
 * Ranges up to this size are read from a mapped file as copies (the zip structure, pickles): a Buffer over the
 * mapping would keep the whole file mapped, and its pages resident, until V8 collects it, long after the tensors
 * over the file are gone. (Perf: it also spares a finalizer per zip record.)
 */
const MAPPED_COPY_LIMIT = 16 << 20;

/**
 * Without a window (files past 64 MiB, whose records are mostly large and their headers far apart), reads that fit in
 * one block of this size are served from a copy of that block: headers that lie close together share a native read.
 */
const BLOCK = 4 << 10;

/** A file mapped copy-on-write (the mapping starts on a page boundary). */
export class MappedSource implements ByteSource {
  readonly length: number;
  /**
   * A view of the whole file when it is small (native mapWindow), which every read goes through in place; close()
   * detaches it, so that no view of it outlives the load (which would keep the file mapped until V8 collects it).
   */
  private readonly window: Buffer | null;
  /** Without a window: a copy of the block of the file at blockStart (empty until a small read needs one). */
  private block: Buffer = Buffer.alloc(0);
  private blockStart = 0;
  constructor(private readonly file: MappedFile) {
    this.length = native.mapLength(file);
    const window = native.mapWindow(file);
    this.window = window === null ? null : Buffer.from(window);
  }
  slice(start: number, end: number): Buffer {
    if (this.window !== null && start >= 0 && start <= end && end <= this.length)
      return this.window.subarray(start, end);
    if (this.inBlock(start, end)) return this.block.subarray(start - this.blockStart, end - this.blockStart);
    const length = end - start;
    return length <= MAPPED_COPY_LIMIT
      ? native.mapRead(this.file, start, length)
      : native.mapSlice(this.file, start, length);
  }
  /** True when [start, end) is in the current block, after reading the block that holds it when it fits in one. */
  private inBlock(start: number, end: number): boolean {
    if (start >= this.blockStart && end <= this.blockStart + this.block.length) return true;
    const b = start - (start % BLOCK);
    if (end > b + BLOCK || end > this.length || start < 0) return false;
    this.block = native.mapRead(this.file, b, Math.min(BLOCK, this.length - b));
    this.blockStart = b;
    return true;
  }
  u16(at: number): number {
    if (this.window !== null) return this.window.readUInt16LE(at);
    if (!this.inBlock(at, at + 2)) return this.slice(at, at + 2).readUInt16LE(0);
    const o = at - this.blockStart;
    return this.block[o] | (this.block[o + 1] << 8);
  }
  u32(at: number): number {
    if (this.window !== null) return this.window.readUInt32LE(at);
    if (!this.inBlock(at, at + 4)) return this.slice(at, at + 4).readUInt32LE(0);
    const o = at - this.blockStart;
    return (this.block[o] | (this.block[o + 1] << 8) | (this.block[o + 2] << 16)) + this.block[o + 3] * 2 ** 24;
  }
  tensor(start: number, nbytes: number, dtype: DType): NativeTensor {
    return native.mapTensor(this.file, start, nbytes, dtype);
  }
  view(start: number, nbytes: number, dtype: DType, ...view: ViewArgs): NativeTensor {
    return native.mapTensor(this.file, start, nbytes, dtype, ...view);
  }
  aligned(start: number, align: number): boolean {
    return start % align === 0;
  }
  /**
   * Ends reading: the file stays mapped only while tensors over it live (left to the GC, the handle kept every
   * page that was read resident after the tensors were gone). The source cannot be read afterwards.
   */
  close(): void {
    native.mapClose(this.file);
    this.block = Buffer.alloc(0);
  }
  segment(start: number, length: number): Segment {
    // A tensor, disposed as soon as the native work is done, unmaps with the file instead of waiting for the GC.
    return this.tensor(start, length, 'uint8');
  }
}

/** Frees the tensor handles among segments made by {@link ByteSource.segment}. */
export function disposeSegments(segments: Segment[]): void {
  for (const s of segments) if (!(s instanceof Uint8Array)) native.dispose(s);
}

/** A source as given, or a Buffer as one. */
export function asSource(bytes: Buffer | ByteSource): ByteSource {
  return Buffer.isBuffer(bytes) ? new BufferSource(bytes) : bytes;
}

/** The source of a Buffer, or of one range of a source as a Buffer of its own (inflated records). */
export function bufferRange(buffer: Buffer): ByteRange {
  return { source: new BufferSource(buffer), start: 0, length: buffer.length };
}
