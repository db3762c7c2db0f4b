/**
 * What the benchmark measures: each case with its parameters (the same for the Node and the Python twin), the group
 * of cases one worker process runs, and the target Node/Python ratio (lower is better; none for figures kept for
 * information). Sizes depend on the mode: the full run uses the sizes, `--quick` a small version.
 */

/** The kinds of case each twin knows (bench/node/worker.js, bench/python/worker.py). */
export type CaseKind = 'load' | 'save' | 'lenet';

/** One timed case: what both twins run, and the targets for its time and its peak RSS. */
export interface CaseSpec {
  id: string;
  figure: string;
  kind: CaseKind;
  params: Record<string, unknown>;
  /** Highest acceptable Node/Python ratio of the median wall time. */
  target?: number;
  /** Highest acceptable Node/Python ratio of the peak RSS during the case. */
  rssTarget?: number;
}

/** Cases that one worker process runs one after the other (each Python process pays for `import torch` once). */
export interface Group {
  name: string;
  cases: CaseSpec[];
}

/** The sizes of a run. */
export interface Sizes {
  /** The big state dict: `bigCount` tensors of `bigMiB` MiB of float32. */
  bigCount: number;
  bigMiB: number;
  /** The small state dict: `smallCount` tensors of 256 float32 (1 KB). */
  smallCount: number;
  /** Timed rounds per worker process (after one warm-up round), and worker processes per side. */
  rounds: number;
  processes: number;
  /** Whole-process runs of `require('torch-node')` / `import torch`, and of `cat`, per side. */
  imports: number;
  /** LeNet2 operations per timed round, by case. */
  steps: { train16: number; train64: number; forward1: number; forward256: number };
}

export const FULL: Sizes = {
  bigCount: 16,
  bigMiB: 64,
  smallCount: 10000,
  rounds: 5,
  processes: 2,
  imports: 7,
  steps: { train16: 60, train64: 20, forward1: 300, forward256: 4 },
};

export const QUICK: Sizes = {
  bigCount: 16,
  bigMiB: 4,
  smallCount: 10000,
  rounds: 3,
  processes: 1,
  imports: 3,
  steps: { train16: 20, train64: 8, forward1: 100, forward256: 2 },
};

/** Files and folders of one run. */
export interface Paths {
  big: string;
  small: string;
  /** A folder in memory (/dev/shm) and one on disk, for the save cases. */
  memDir: string;
  diskDir: string;
}

/** Human size of the big state dict: '1 GiB', '64 MiB'. */
export function bigSize(s: Sizes): string {
  const mib = s.bigCount * s.bigMiB;
  return mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

/** The groups of cases of a run. Targets are the (issue 6). */
export function groups(s: Sizes, p: Paths): Group[] {
  const big = bigSize(s);
  const small = `${s.smallCount.toLocaleString('en-US')} × 1 KB`;
  const bigNumel = (s.bigMiB * 1024 * 1024) / 4;
  const load = (id: string, figure: string, extra: Record<string, unknown>, target: number): CaseSpec => ({
    id,
    figure,
    kind: 'load',
    params: { file: p.big, ...extra },
    target,
    rssTarget: 1.0,
  });
  const save = (id: string, figure: string, target: string, fsync: boolean): CaseSpec => ({
    id,
    figure,
    kind: 'save',
    params: { count: s.bigCount, numel: bigNumel, target, fsync },
    target: 0.6,
  });
  const lenet = (id: string, figure: string, mode: string, batch: number, steps: number, target?: number) => ({
    id,
    figure,
    kind: 'lenet' as const,
    params: { mode, batch, steps },
    target,
  });
  return [
    {
      name: 'load',
      cases: [
        load('load', `load ${big}: load only`, {}, 0.05),
        load('load-sum', `load ${big} + sum every tensor`, { sum: true }, 0.5),
        load('load-crc', `load ${big}, CRC-32 checked`, { crc: true }, 0.5),
        load('load-crc-sum', `load ${big}, CRC-32 checked + sum`, { crc: true, sum: true }, 0.5),
        load('load-buffer', `load ${big} from a Buffer`, { buffer: true }, 0.05),
        load('load-buffer-sum', `load ${big} from a Buffer + sum`, { buffer: true, sum: true }, 0.5),
      ],
    },
    {
      name: 'save',
      cases: [
        save('save-mem', `save ${big} to /dev/shm`, `${p.memDir}/big-saved.pt`, true),
        save('save-disk', `save ${big} to disk, no fsync`, `${p.diskDir}/big-saved.pt`, false),
        save('save-disk-fsync', `save ${big} to disk + fsync`, `${p.diskDir}/big-saved.pt`, true),
      ],
    },
    {
      name: 'small',
      cases: [
        { id: 'load-small', figure: `load ${small}`, kind: 'load', params: { file: p.small }, target: 0.5 },
        {
          id: 'save-small',
          figure: `save ${small}`,
          kind: 'save',
          params: { count: s.smallCount, numel: 256, target: `${p.memDir}/small-saved.pt`, fsync: true },
          target: 0.7,
        },
      ],
    },
    {
      name: 'lenet',
      cases: [
        lenet('train-16', 'LeNet2 SGD step, batch 16', 'train', 16, s.steps.train16, 1.05),
        lenet('train-64', 'LeNet2 SGD step, batch 64', 'train', 64, s.steps.train64, 1.05),
        lenet('forward-1', 'LeNet2 forward, batch 1 (latency)', 'forward', 1, s.steps.forward1, 1.1),
        lenet('forward-256', 'LeNet2 forward, batch 256 (throughput)', 'forward', 256, s.steps.forward256),
      ],
    },
  ];
}
