/**
 * Storages of a file being loaded. Each record ('data/<key>', or a legacy payload) becomes one libtorch storage over
 * the file's bytes (zero-copy: over the mapped pages or the caller's Buffer), placed by mapLocation; every
 * tensor that names the same key is a view of that one storage, after its extent is checked against the storage's
 * real length.
 */
import { DType, elementSize, isComplex } from '../dtype';
import { bufferRange, ByteRange } from './byte-source';
import { native, NativeTensor } from '../native';
import { wrap } from '../tensor';
import { loadError, LoadErrorCode, Where } from './load-errors';
import type { Restore } from './map-location';
import { badValue, intArg } from './pickle-args';
import { PyGlobal } from './python';
import { describeValue } from './unpickler';
import { dtypeOfStorageClass } from './storage-types';

/** Where a file's storages go, and what the loader frees when it is done. */
export interface StoragePlacement {
  restore: Restore;
  file?: string;
  /**
   * When given, collects the handles made only to hold each storage while the file loads (never handed out), so
   * that the loader disposes them at the end: the tensors keep their storages, and V8 stops counting the bytes twice.
   */
  owned?: NativeTensor[];
  /**
   * True for the locations whose storages `restore` leaves as they are (on the CPU, over the file's bytes). Their
   * first tensor is then made together with the storage, with no handle for the storage alone (perf: a native call,
   * a handle and its disposal less per tensor).
   */
  keepsOnCpu?: (location: string) => boolean;
}

/** What every storage of one file shares. */
export interface StorageContext extends StoragePlacement {
  /** The file's `byteorder` record says 'big': elements are swapped when the storage is made. */
  bigEndian: boolean;
}

/** Dtypes whose elements are bytes in a storage but whose tensors need a quantizer: their storage is made as ints. */
const PLAIN_OF_QUANTIZED: Partial<Record<DType, DType>> = {
  qint8: 'int8',
  quint8: 'uint8',
  qint32: 'int32',
  quint4x2: 'uint8',
  quint2x4: 'uint8',
};

/** Strictest alignment any dtype needs (complex128): untyped storages may be viewed as anything. */
const MAX_ALIGN = 16;

/**
 * One storage of the file: a whole record, or (legacy files) a view into another storage's bytes, which PyTorch makes
 * a storage of its own over the same memory. Made into a libtorch storage once, when first needed (eagerly by the
 * loaders, so that a bad location fails where PyTorch fails).
 */
export class StorageRecord {
  private handle: NativeTensor | null = null;
  /** The CPU bytes the storage was made over (after any alignment copy or byte swap); views take part of them. */
  private cpuBytes: ByteRange | null = null;

  /**
   * @param dtype  the storage class's dtype; 'uint8' for UntypedStorage
   * @param nbytes bytes of the storage (what the pickle claims; checked against `bytes` by the factories)
   * @param bytes  where the record's bytes are (exactly nbytes), or null for a probe or a view
   * @param root   for a view: the storage it views, from byte `byteOffset`
   */
  private constructor(
    readonly key: string,
    readonly dtype: DType,
    readonly untyped: boolean,
    readonly location: string,
    readonly nbytes: number,
    private readonly bytes: ByteRange | null,
    private readonly root: StorageRecord | null,
    private readonly byteOffset: number,
    private readonly ctx: StorageContext,
    readonly recordName: string,
  ) {}

  /** A storage over a record's bytes; throws STORAGE_SIZE when the record is shorter than the claimed size. */
  static fromRecord(
    key: string,
    dtype: DType,
    untyped: boolean,
    location: string,
    numel: number,
    bytes: ByteRange,
    ctx: StorageContext,
    recordName: string,
  ): StorageRecord {
    const nbytes = numel * elementSize(dtype);
    if (!Number.isSafeInteger(numel) || numel < 0 || nbytes > bytes.length) {
      throw loadError(
        LoadErrorCode.STORAGE_SIZE,
        `storage '${key}' claims ${numel} elements of ${dtype} (${nbytes} bytes) but its record holds ${bytes.length} bytes`,
        { file: ctx.file, record: recordName },
      );
    }
    return new StorageRecord(
      key,
      dtype,
      untyped,
      location,
      nbytes,
      { ...bytes, length: nbytes },
      null,
      0,
      ctx,
      recordName,
    );
  }

  /**
   * A storage whose bytes are not known yet (a legacy file's first pass, which learns the storages' types and sizes
   * before their payloads can be found): its tensors are checked and made empty. `available` bounds the claim.
   */
  static probe(
    key: string,
    dtype: DType,
    untyped: boolean,
    numel: number,
    available: number,
    ctx: StorageContext,
  ): StorageRecord {
    const nbytes = numel * elementSize(dtype);
    if (!Number.isSafeInteger(numel) || numel < 0 || nbytes > available) {
      throw loadError(
        LoadErrorCode.STORAGE_SIZE,
        `storage '${key}' claims ${nbytes} bytes but only ${available} bytes follow the pickle`,
        { file: ctx.file },
      );
    }
    return new StorageRecord(key, dtype, untyped, 'cpu', nbytes, null, null, 0, ctx, `storage ${key}`);
  }

  /** A legacy storage view: `numel` elements from element `offset` of this storage, as a storage of its own. */
  slice(key: string, offset: number, numel: number): StorageRecord {
    const size = elementSize(this.dtype);
    const ok = Number.isSafeInteger(offset) && Number.isSafeInteger(numel) && offset >= 0 && numel >= 0;
    if (!ok || (offset + numel) * size > this.nbytes) {
      throw loadError(
        LoadErrorCode.STORAGE_SIZE,
        `storage view '${key}' (${numel} elements from ${offset}) lies outside storage '${this.key}' of ${this.nbytes} bytes`,
        this.where(),
      );
    }
    return new StorageRecord(
      key,
      this.dtype,
      this.untyped,
      this.location,
      numel * size,
      null,
      this,
      offset * size,
      this.ctx,
      this.recordName,
    );
  }

  /** Its tensors are made straight over the bytes (see {@link StoragePlacement.keepsOnCpu}). */
  private get direct(): boolean {
    return this.ctx.keepsOnCpu?.(this.location) === true;
  }

  /** True for a probe (no bytes yet), or a view of one. */
  get isProbe(): boolean {
    return this.root ? this.root.isProbe : this.bytes === null;
  }

  where(): Where {
    return { file: this.ctx.file, record: this.recordName };
  }

  /** The bytes as the CPU storage holds them: the record's, or an aligned or byte-swapped copy. */
  private storageBytes(viewDtype: DType): ByteRange {
    if (this.cpuBytes) return this.cpuBytes;
    if (this.root) {
      const r = this.root.storageBytes(viewDtype);
      return (this.cpuBytes = { source: r.source, start: r.start + this.byteOffset, length: this.nbytes });
    }
    const r = this.bytes as ByteRange;
    const align = this.untyped ? MAX_ALIGN : Math.max(1, elementSize(this.dtype));
    if (!this.ctx.bigEndian && r.source.aligned(r.start, align)) return (this.cpuBytes = r);
    // A fresh ArrayBuffer starts aligned for any element type.
    const copy = Buffer.allocUnsafeSlow(r.length);
    r.source.slice(r.start, r.start + r.length).copy(copy);
    if (this.ctx.bigEndian) {
      const dtype = this.untyped ? viewDtype : this.dtype;
      const part = isComplex(dtype) ? elementSize(dtype) / 2 : elementSize(dtype);
      if (part === 2) copy.swap16();
      else if (part === 4) copy.swap32();
      else if (part === 8) copy.swap64();
    }
    return (this.cpuBytes = bufferRange(copy));
  }

  /**
   * The libtorch storage, as a 1-D tensor over all its bytes on its final device (or, once a storage left on the
   * CPU has made its first tensor, that tensor, which shares it). The bytes are viewed in place unless they must be
   * byte-swapped or are not aligned for their elements (legacy payloads have no padding).
   */
  materialize(viewDtype: DType = this.dtype): NativeTensor {
    if (this.handle) return this.handle;
    const plain = PLAIN_OF_QUANTIZED[this.dtype] ?? this.dtype;
    if (this.isProbe) return (this.handle = native.empty([0], plain, null));
    const r = this.storageBytes(viewDtype);
    const cpu = wrap(r.source.tensor(r.start, r.length, plain));
    const placed = this.ctx.restore(cpu, this.location)._h;
    this.ctx.owned?.push(...(placed === cpu._h ? [placed] : [cpu._h, placed]));
    if (native.storageNbytes(placed) < this.nbytes) {
      throw loadError(
        LoadErrorCode.BAD_VALUE,
        `mapLocation returned a smaller storage for '${this.key}'`,
        this.where(),
      );
    }
    return (this.handle = placed);
  }

  /**
   * Makes the storage now, as PyTorch does when the pickle first names it (so a bad location fails there). An
   * untyped big-endian storage waits for its first tensor, whose dtype says how to swap its bytes.
   */
  prepare(): void {
    // Nothing can fail for a storage left on the CPU: its first tensor makes it.
    if (this.direct) return;
    if (!(this.untyped && this.ctx.bigEndian)) this.materialize();
  }

  /**
   * Checks that a tensor of `dtype` with this offset, sizes and strides lies inside the storage (PyTorch's
   * computeStorageNbytes), before any tensor is made.
   */
  checkExtent(dtype: DType, offset: number, sizes: number[], strides: number[]): void {
    // Built only when failing (perf: this runs for every tensor of a file).
    const fail = (why: string): never => {
      throw loadError(
        LoadErrorCode.TENSOR_EXTENT,
        `tensor of ${dtype} with offset ${offset}, size [${sizes}] and stride [${strides}] ${why}`,
        this.where(),
      );
    };
    if (sizes.length !== strides.length) fail('has sizes and strides of different lengths');
    if (!Number.isSafeInteger(offset) || offset < 0) fail('has a bad offset');
    let last = offset;
    let empty = false;
    for (let i = 0; i < sizes.length; i++) {
      if (!Number.isSafeInteger(sizes[i]) || sizes[i] < 0) fail('has a negative or non-integer size');
      if (!Number.isSafeInteger(strides[i]) || strides[i] < 0) fail('has a negative or non-integer stride');
      if (sizes[i] === 0) empty = true;
      last += (sizes[i] - 1) * strides[i];
    }
    if (empty) return;
    // Sub-byte quantized types pack several elements into each byte.
    const bits = dtype === 'quint4x2' ? 4 : dtype === 'quint2x4' ? 2 : elementSize(dtype) * 8;
    // Every term is non-negative, so a total this small means each product, and the sum, were exact as doubles;
    // past it the sum is redone with BigInts.
    if (last < 2 ** 48) {
      if (Math.ceil(((last + 1) * bits) / 8) <= this.nbytes) return;
    }
    let big = BigInt(offset);
    for (let i = 0; i < sizes.length; i++) big += BigInt(sizes[i] - 1) * BigInt(strides[i]);
    const needed = ((big + 1n) * BigInt(bits) + 7n) / 8n;
    if (needed > BigInt(this.nbytes)) fail(`needs ${needed} bytes but its storage '${this.key}' has ${this.nbytes}`);
  }

  /** A quantized tensor over this storage (sharing it), after checking its extent; per channel when axis is given. */
  quantizedView(
    offset: number,
    sizes: number[],
    strides: number[],
    scale: number | NativeTensor,
    zeroPoint: number | NativeTensor,
    axis: number | null,
  ): NativeTensor {
    this.checkExtent(this.dtype, offset, sizes, strides);
    const base = this.materialize();
    if (this.isProbe) return base;
    return native.quantizedView(base, this.dtype, offset, sizes, strides, scale, zeroPoint, axis);
  }

  /** The whole storage as a 1-D tensor of its dtype (of the plain integers under a quantized storage). */
  wholeTensor(): NativeTensor {
    const dtype = PLAIN_OF_QUANTIZED[this.dtype] ?? this.dtype;
    return this.view(dtype, 0, [this.nbytes / elementSize(dtype)], [1]);
  }

  /** A tensor of dtype over this storage (sharing it), after checking its extent. */
  view(dtype: DType, offset: number, sizes: number[], strides: number[]): NativeTensor {
    this.checkExtent(dtype, offset, sizes, strides);
    if (this.isProbe) return native.empty([0], PLAIN_OF_QUANTIZED[dtype] ?? dtype, null);
    if (this.handle === null && this.direct) {
      // The first tensor makes the storage, and then stands for it when later tensors view it.
      const r = this.storageBytes(dtype);
      const plain = PLAIN_OF_QUANTIZED[this.dtype] ?? this.dtype;
      return (this.handle = r.source.view(r.start, r.length, plain, dtype, offset, sizes, strides));
    }
    return native.setStorage(this.materialize(dtype), dtype, offset, sizes, strides);
  }
}

/** A storage persistent id: ('storage', <Type>Storage, key, location, numel[, view_metadata]) (pytorch-format.md §4). */
export interface StoragePid {
  dtype: DType;
  untyped: boolean;
  key: string;
  location: string;
  numel: number;
  /** Legacy files only: (view_key, offset, numel) of a view into the storage. */
  view: { key: string; offset: number; numel: number } | null;
}

/** Parses and checks a storage persistent id. */
export function parseStoragePid(pid: unknown, where: Where): StoragePid {
  if (!Array.isArray(pid) || pid[0] !== 'storage') {
    const kind = Array.isArray(pid) ? describeValue(pid[0]) : typeof pid;
    return badValue(`Unknown typename for persistent_load, expected 'storage' but got '${kind}'`, where);
  }
  if (pid.length !== 5 && pid.length !== 6) badValue(`a storage persistent id has ${pid.length} items`, where);
  // Indexed, not destructured: an iterator per storage was a visible share of a load's allocations.
  const type = pid[1] as unknown;
  const key = pid[2] as unknown;
  const location = pid[3] as unknown;
  const numel = pid[4] as unknown;
  const view = pid[5] as unknown;
  const name = type instanceof PyGlobal ? type.name : '';
  const dtype = dtypeOfStorageClass(name);
  if (dtype === undefined) return badValue(`unknown storage type ${describeValue(type)}`, where);
  if (typeof key !== 'string' && typeof key !== 'number') badValue('a storage key must be a string', where);
  if (typeof location !== 'string') badValue('a storage location must be a string', where);
  let v: StoragePid['view'] = null;
  if (view !== undefined && view !== null) {
    if (!Array.isArray(view) || view.length !== 3) return badValue('bad storage view metadata', where);
    if (typeof view[0] !== 'string' && typeof view[0] !== 'number')
      badValue('a storage view key must be a string', where);
    v = {
      key: String(view[0]),
      offset: intArg(view[1], 'view offset', where),
      numel: intArg(view[2], 'view size', where),
    };
  }
  return {
    dtype,
    untyped: name === 'UntypedStorage' || name === '_UntypedStorage',
    key: String(key),
    location: location as string,
    numel: intArg(numel, 'storage numel', where),
    view: v,
  };
}
