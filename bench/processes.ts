/**
 * The processes the benchmark starts: worker processes of each twin (bench/node/worker.js over the built package,
 * bench/python/worker.py under /usr/bin/python3), whole-process imports, and `cat` as the floor for reading a file.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { CaseSpec } from './cases';

export const ROOT = path.resolve(__dirname, '..');
export const PYTHON = process.env.TORCH_NODE_PYTHON || '/usr/bin/python3';

/** What a worker measured for one case: milliseconds per operation for each timed round, and its peak RSS. */
export interface Measured {
  wall: number[];
  cpu: number[];
  peakRssKiB: number;
}

export type Side = 'node' | 'python';

/** Runs one worker process of a side over the given cases; returns what it measured, by case id. */
export function runWorker(side: Side, cases: CaseSpec[], warmup: number, rounds: number): Record<string, Measured> {
  const spec = JSON.stringify({
    cases: cases.map((c) => ({ id: c.id, kind: c.kind, params: c.params })),
    warmup,
    rounds,
  });
  const [cmd, args] =
    side === 'node'
      ? [process.execPath, ['--expose-gc', path.join(__dirname, 'node', 'worker.js'), spec]]
      : [PYTHON, [path.join(__dirname, 'python', 'worker.py'), spec]];
  const out = execFileSync(cmd, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, Measured>;
}

/** Wall milliseconds of one whole process, and the peak RSS (KiB) it prints as its last line. */
function timeProcess(cmd: string, args: string[]): { ms: number; peakRssKiB: number } {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
  return { ms, peakRssKiB: Number(r.stdout.trim().split('\n').pop()) };
}

const IMPORT: Record<Side, [string, string[]]> = {
  node: [process.execPath, ['-e', "require('torch-node'); console.log(process.resourceUsage().maxRSS)"]],
  python: [PYTHON, ['-c', 'import torch, resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)']],
};

/** `require('torch-node')` and `import torch` as whole processes, alternating, after one warm-up run of each. */
export function timeImports(runs: number): Record<Side, Measured> {
  const out: Record<Side, Measured> = {
    node: { wall: [], cpu: [], peakRssKiB: 0 },
    python: { wall: [], cpu: [], peakRssKiB: 0 },
  };
  for (let i = 0; i <= runs; i++) {
    for (const side of ['node', 'python'] as const) {
      const r = timeProcess(...IMPORT[side]);
      if (i === 0) continue;
      out[side].wall.push(r.ms);
      out[side].peakRssKiB = Math.max(out[side].peakRssKiB, r.peakRssKiB);
    }
  }
  return out;
}

/** Wall milliseconds of `cat file > /dev/null`, after one warm-up run (the file is then in the page cache). */
export function timeCat(file: string, runs: number): number[] {
  const devNull = fs.openSync('/dev/null', 'w');
  try {
    const times: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      const r = spawnSync('cat', [file], { stdio: ['ignore', devNull, 'inherit'] });
      if (r.status !== 0) throw new Error(`cat ${file} exited with ${r.status}`);
      if (i > 0) times.push(performance.now() - t);
    }
    return times;
  } finally {
    fs.closeSync(devNull);
  }
}

/** Writes the benchmark's checkpoints with PyTorch (bench/python/make_files.py). */
export function makeFiles(big: string, bigCount: number, bigMiB: number, small: string, smallCount: number): void {
  const script = path.join(__dirname, 'python', 'make_files.py');
  execFileSync(PYTHON, [script, big, String(bigCount), String(bigMiB), small, String(smallCount)], {
    stdio: 'inherit',
  });
}

/** Python and PyTorch versions, and the number of threads PyTorch uses. */
export function pythonVersions(): { python: string; torch: string; threads: number } {
  const code =
    'import json, platform, torch; print(json.dumps([platform.python_version(), torch.__version__, torch.get_num_threads()]))';
  const [python, torch, threads] = JSON.parse(execFileSync(PYTHON, ['-c', code], { encoding: 'utf8' })) as [
    string,
    string,
    number,
  ];
  return { python, torch, threads };
}
