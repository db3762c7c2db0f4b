/**
 * Command-line options of the demo (`npm start -- --epochs 10 --batch-size 64 --train-size 20000 --device cuda`).
 */
import { parseArgs } from 'util';
import { DEFAULT_DIR } from './fashion-mnist';

export interface LessonOptions {
  epochs: number;
  batchSize: number;
  trainSize: number;
  testSize: number;
  device: string;
  out: string | null;
  data: string;
  checkpointInterval: number;
  interruptAfter: number;
  seed: number;
}

export const USAGE = `usage: npm start -- [options]
  --epochs N               epochs in all (default 10)
  --batch-size N           images per step (default 64)
  --train-size N           training images used, from the start of the set (default 20000)
  --test-size N            test images scored at the end (default 10000, all)
  --device D               cpu, cuda, cuda:1 … (default cpu)
  --out DIR                where the model and checkpoint files go (default: a new folder in the OS temp dir)
  --data DIR               Fashion-MNIST's gzipped IDX files (default ${DEFAULT_DIR})
  --checkpoint-interval N  save a checkpoint every N epochs (default 5)
  --interrupt-after E      pretend training breaks off after epoch E (0-based, default 5), then resume
  --seed N                 torch.manualSeed before everything (default 1)`;

function positiveInt(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got '${text}'`);
  return n;
}

/** Parses argv (without node and the script); throws with a message on bad input; null means --help. */
export function parseOptions(argv: string[]): LessonOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      'train-size': { type: 'string' },
      'test-size': { type: 'string' },
      device: { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
      'checkpoint-interval': { type: 'string' },
      'interrupt-after': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  return {
    epochs: positiveInt('epochs', values.epochs, 10),
    batchSize: positiveInt('batch-size', values['batch-size'], 64),
    trainSize: positiveInt('train-size', values['train-size'], 20000),
    testSize: positiveInt('test-size', values['test-size'], 10000),
    device: values.device ?? 'cpu',
    out: values.out ?? null,
    data: values.data ?? DEFAULT_DIR,
    checkpointInterval: positiveInt('checkpoint-interval', values['checkpoint-interval'], 5),
    interruptAfter: positiveInt('interrupt-after', values['interrupt-after'], 5, 0),
    seed: positiveInt('seed', values.seed, 1, 0),
  };
}
