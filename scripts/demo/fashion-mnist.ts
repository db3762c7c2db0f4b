/**
 * Fashion-MNIST from Debian's dataset-fashion-mnist (gzipped IDX files), shaped for LeNet2 as the lesson's transforms
 * would: 28×28 gray images padded to 32×32 with black, scaled to [0, 1] and normalised, one channel kept in memory
 * and repeated to 3 channels per batch (a broadcast view, no copy).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import * as torch from '../../lib';

/** Where the Debian package installs the files. */
export const DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

/** Mean and standard deviation of Fashion-MNIST's training pixels in [0, 1]. */
const MEAN = 0.286;
const STD = 0.353;

/** Images (N, 1, 32, 32) float32, normalised, and their labels (N) int64. */
export interface Split {
  images: torch.Tensor;
  labels: torch.Tensor;
}

/** The payload of an IDX file after its header: magic 0x0000080N, N big-endian dimension sizes, then uint8 data. */
function readIdx(file: string, dims: number): { shape: number[]; data: Buffer } {
  const bytes = zlib.gunzipSync(fs.readFileSync(file));
  const magic = bytes.readUInt32BE(0);
  if (magic !== 0x800 + dims) throw new Error(`${file}: not an IDX file of ${dims} dimension(s) (magic ${magic})`);
  const shape = Array.from({ length: dims }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const data = bytes.subarray(4 + 4 * dims);
  if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`${file}: truncated`);
  return { shape, data };
}

/** One split ('train' or 't10k'), its first `limit` images. */
export function loadSplit(split: 'train' | 't10k', limit = Infinity, dir = DEFAULT_DIR): Split {
  const images = readIdx(path.join(dir, `${split}-images-idx3-ubyte.gz`), 3);
  const labels = readIdx(path.join(dir, `${split}-labels-idx1-ubyte.gz`), 1);
  const n = Math.min(limit, images.shape[0]);
  const raw = torch.fromBuffer(images.data, { dtype: 'uint8', shape: images.shape }).narrow(0, 0, n);
  const padded = torch.nn.functional.pad(raw.unsqueeze(1).to('float32'), [2, 2, 2, 2]);
  return {
    images: padded.div(255).sub(MEAN).div(STD),
    labels: torch.fromBuffer(labels.data, { dtype: 'uint8', shape: labels.shape }).narrow(0, 0, n).to('int64'),
  };
}

/** Batches of (images (B, 3, 32, 32), labels), in the order of `order` (a permutation) or as stored. */
export function* batches(
  split: Split,
  batchSize: number,
  order?: torch.Tensor,
): Generator<[torch.Tensor, torch.Tensor]> {
  const n = split.labels.shape[0];
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    let x: torch.Tensor;
    let y: torch.Tensor;
    if (order) {
      const idx = order.narrow(0, start, size);
      x = split.images.indexSelect(0, idx);
      y = split.labels.indexSelect(0, idx);
    } else {
      x = split.images.narrow(0, start, size);
      y = split.labels.narrow(0, start, size);
    }
    yield [x.expand([size, 3, 32, 32]), y];
  }
}
