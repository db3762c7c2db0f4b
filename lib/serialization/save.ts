/**
 * torch.save: the file Python's `torch.save(obj, f)` writes for the same object and file name, byte for byte
 * (PyTorch 1.6–2.0 layout: `data.pkl`, `data/<key>` sorted as strings, `version`), or the legacy format.
 * Storages go from tensor memory to the file without an intermediate copy: the file is described as a list of
 * segments (header Buffers and tensor handles) that the native layer checksums and writes.
 */
import type { Writable } from 'stream';
import { TorchError, TorchTypeError } from '../errors';
import { native, Segment } from '../native';
import { legacySegments } from './legacy-write';
import { pickle, PickleProtocol } from './pickler';
import { removeStaleTemps, removeStaleTempsAsync } from './stale-temps';
import { SavedStorage, StorageTable } from './torch-reduce';
import { RecordToWrite, zipLayout, ZipLayout, zipSegments } from './zip-write';

/** Options of {@link save} and {@link saveAsync}. */
export interface SaveOptions {
  /** 'zip' (PyTorch's format since 1.6, the default) or 'legacy' (`_use_new_zipfile_serialization=False`). */
  format?: 'zip' | 'legacy';
  /** Write a temporary file beside the target and rename it over the target (default true): a crash or error
   * never leaves a torn file, and the temporary file a killed save leaves (`.NAME.tmp-PID-N`) is removed by the next
   * atomic save to the same path. With false, the target is truncated and written in place. */
  atomic?: boolean;
  /** fsync the file (and, when atomic, its folder) before returning (default true). */
  fsync?: boolean;
  /** Pickle protocol, as torch.save's `pickle_protocol` (default 2, PyTorch's default). */
  pickleProtocol?: PickleProtocol;
}

/** Where to save: a file path, or a writable stream (which gets the bytes in order and is not closed). */
export type SaveTarget = string | Writable;

/** The version record every torch.save of this layout writes. */
const VERSION_RECORD = Buffer.from('3\n');

/**
 * The records' folder name: the file name without its folders and without its last extension
 * (`ckpt.pth.tar` → `ckpt.pth`), 'archive' for a stream, as PyTorch's writer derives it.
 */
export function archivePrefix(target: SaveTarget): string {
  if (typeof target !== 'string') return 'archive';
  const base = target.slice(Math.max(target.lastIndexOf('/'), target.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  const prefix = dot === -1 ? base : base.slice(0, dot);
  if (prefix === '') throw new TorchError(`invalid file name: ${target}`);
  return prefix;
}

function checkOptions(target: unknown, opts: SaveOptions): Required<SaveOptions> {
  if (typeof target !== 'string' && !isWritable(target)) {
    throw new TorchTypeError('torch.save: expected a file path or a writable stream as the second argument');
  }
  const format = opts.format ?? 'zip';
  if (format !== 'zip' && format !== 'legacy') {
    throw new TorchTypeError(`torch.save: format must be 'zip' or 'legacy', got ${JSON.stringify(format)}`);
  }
  return { format, atomic: opts.atomic ?? true, fsync: opts.fsync ?? true, pickleProtocol: opts.pickleProtocol ?? 2 };
}

function isWritable(x: unknown): x is Writable {
  return typeof x === 'object' && x !== null && typeof (x as Writable).write === 'function';
}

/** What one save writes: the object's pickle and storages, and how to lay them out once CRCs are known. */
interface Plan {
  /** Segments whose CRC-32 the zip format needs (none for legacy). */
  crcInputs: Segment[];
  layout(crcs: number[]): Segment[];
  /**
   * For a file of large storages (zip only): the layout with its CRC-32 fields left for the writer, which computes
   * them on another thread while it writes (perf: computing them first took a sixth of a 1 GiB save).
   */
  patchedLayout: (() => ZipLayout) | null;
  /**
   * Frees the handles over the storages' bytes once the file is written. Each counts its storage's bytes as memory
   * held (binding/tensor.cc) on top of the tensor's own handle: left to the GC, saving a large tensor twice pushed
   * the count past the pressure mark and forced a full collection, blocking the event loop for tens of ms.
   */
  release(): void;
}

/** `sync`: the save ends before the caller can touch its tensors again (see StorageTable's `borrow`). */
function plan(obj: unknown, target: SaveTarget, o: Required<SaveOptions>, sync: boolean): Plan {
  const legacy = o.format === 'legacy';
  const prefix = legacy ? '' : archivePrefix(target);
  const table = new StorageTable(legacy, sync);
  const data = pickle(obj, table, o.pickleProtocol);
  const release = (): void => table.release();
  if (legacy) {
    const layout = (): Segment[] => legacySegments(data, table.storages, o.pickleProtocol);
    return { crcInputs: [], layout, patchedLayout: null, release };
  }
  const byKey: SavedStorage[] = [...table.storages].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const contents: [string, Segment, number][] = [
    ['data.pkl', data, data.length],
    ...byKey.map((s): [string, Segment, number] => [`data/${s.key}`, s.bytes, s.nbytes]),
    ['version', VERSION_RECORD, VERSION_RECORD.length],
  ];
  const records = (crcs: number[] | null): RecordToWrite[] =>
    contents.map(([name, seg, size], i) => ({ name: `${prefix}/${name}`, data: seg, size, crc: crcs ? crcs[i] : 0 }));
  const storageBytes = byKey.reduce((n, s) => n + s.nbytes, 0);
  return {
    crcInputs: contents.map(([, seg]) => seg),
    layout: (crcs) => zipSegments(records(crcs)),
    patchedLayout: storageBytes >= OVERLAPPED_CRC_FROM ? () => zipLayout(records(null)) : null,
    release,
  };
}

/**
 * Storages adding up to this many bytes are checksummed while written; below it, first (one writev for all the
 * records beats a write per record for files of many small tensors).
 */
const OVERLAPPED_CRC_FROM = 16 << 20;

/** The non-empty segments as Buffers for a stream (tensor bytes viewed in place, not copied). */
function streamChunks(segments: Segment[]): Uint8Array[] {
  const chunks = segments.map((s) => (s instanceof Uint8Array ? s : native.numel(s) > 0 ? native.bytesView(s) : null));
  return chunks.filter((c): c is Uint8Array => c !== null && c.length > 0);
}

/**
 * Saves `obj` as Python's `torch.save(obj, f)` would: to a file path (atomically by default) or a writable stream.
 * `obj` may be a Tensor or Parameter, a state dict (OrderedDict with `_metadata`), an optimizer or scheduler state
 * dict, a plain object (a dict with str keys), a Map (any keys), an array (list), a Tuple, numbers (integral → int,
 * others and {@link Float} → float), bigints, strings, Buffers (bytes), null, booleans, Sets, torch values (Size,
 * TorchDtype, Device), PyGlobal/PyObject values from a loaded file, and instances of registered classes.
 * @throws TorchTypeError for values Python has no counterpart for (naming where they are), TorchError for
 *   unsupported tensors, and the OS error (with `.code`) when the file cannot be written; the old file is then kept.
 */
export function save(obj: unknown, f: SaveTarget, opts: SaveOptions = {}): void {
  const o = checkOptions(f, opts);
  const p = plan(obj, f, o, true);
  try {
    if (typeof f === 'string') {
      // A save to this path that was killed before its rename left a temporary file: clear it (stale-temps.ts).
      if (o.atomic) removeStaleTemps(f);
      const z = p.patchedLayout?.();
      if (z) native.writeFile(f, z.segments, o.atomic, o.fsync, z.crcPatches);
      else native.writeFile(f, p.layout(p.crcInputs.length ? native.crc32(p.crcInputs) : []), o.atomic, o.fsync);
    } else {
      const segments = p.layout(p.crcInputs.length ? native.crc32(p.crcInputs) : []);
      // The Buffers the stream may keep hold their own references to the tensor memory (bytesView).
      for (const chunk of streamChunks(segments)) f.write(chunk);
    }
  } finally {
    p.release();
  }
}

/**
 * {@link save} with the checksums and the file writing done off the main thread. Pickling (walking `obj`) happens
 * before the returned promise is made, so `obj` may change afterwards; tensor memory is pinned until the write ends.
 * For a stream, resolves once the stream has taken every byte (honouring back-pressure).
 */
export async function saveAsync(obj: unknown, f: SaveTarget, opts: SaveOptions = {}): Promise<void> {
  const o = checkOptions(f, opts);
  const p = plan(obj, f, o, false);
  try {
    if (typeof f === 'string') {
      if (o.atomic) await removeStaleTempsAsync(f);
      const z = p.patchedLayout?.();
      if (z) return await native.writeFileAsync(f, z.segments, o.atomic, o.fsync, z.crcPatches);
      const segments = p.layout(p.crcInputs.length ? await native.crc32Async(p.crcInputs) : []);
      return await native.writeFileAsync(f, segments, o.atomic, o.fsync);
    }
    const segments = p.layout(p.crcInputs.length ? await native.crc32Async(p.crcInputs) : []);
    await writeStream(f, streamChunks(segments));
  } finally {
    p.release();
  }
}

async function writeStream(stream: Writable, chunks: Uint8Array[]): Promise<void> {
  for (const chunk of chunks) {
    await new Promise<void>((resolve, reject) => {
      stream.write(chunk, (err) => (err ? reject(err) : resolve()));
    });
  }
}
