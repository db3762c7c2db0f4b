/**
 * Measures how long torch.saveAsync and torch.loadAsync of a 1 GiB checkpoint keep the event loop from turning
 * (perf_hooks.monitorEventLoopDelay, 1 ms resolution), in a fresh process so that no other test's heap or tensors are
 * in the way. Run by test/hardening-event-loop.test.ts:
 *
 *   node --expose-gc -r ts-node/register/transpile-only test/hardening/event-loop-child.ts FILE
 *
 * Each operation is measured up to three times, stopping at the first run under the limit: a run's maximum also holds
 * the scheduling delays of a busy machine, which do not repeat, while work done on the main thread does. Prints a JSON
 * report: for each operation its runs' [milliseconds, max delay in ms], and what the loaded tensor held.
 */
import { monitorEventLoopDelay } from 'perf_hooks';
import * as torch from '../../lib';

const ELEMENTS = 256 * 1024 * 1024; // float32: 1 GiB
const LIMIT_MS = 20;
const gc = (globalThis as { gc?: () => void }).gc as () => void;

/** Runs f with the event loop watched; returns [duration, max delay] in ms and f's value. */
async function watched<T>(f: () => Promise<T>): Promise<[[number, number], T]> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = performance.now();
  const value = await f();
  const ms = performance.now() - t0;
  h.disable();
  return [[Math.round(ms), Math.round(h.max / 1e5) / 10], value];
}

/** Lets allocations made before a measurement settle (collections, sweeps) so they are not charged to it. */
async function settle(): Promise<void> {
  gc();
  torch.zeros([1]).dispose();
  await new Promise((r) => setTimeout(r, 100));
}

async function measure<T>(runs: [number, number][], f: () => Promise<T>, after: (v: T) => void): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await settle();
    const [run, value] = await watched(f);
    runs.push(run);
    after(value);
    if (run[1] <= LIMIT_MS) return;
  }
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const report: Record<string, unknown> = {};
  const w = torch.empty([ELEMENTS]).fill_(1.5);
  w.narrow(0, 0, 1).fill_(7);
  w.narrow(0, ELEMENTS - 1, 1).fill_(9);
  const idle: [number, number][] = [];
  await measure(
    idle,
    () => new Promise((r) => setTimeout(r, 500)),
    () => undefined,
  );
  report.idle = idle;
  const save: [number, number][] = [];
  await measure(
    save,
    () => torch.saveAsync({ w, step: 1 }, file),
    () => undefined,
  );
  report.saveAsync = save;
  w.dispose();

  const ends: number[] = [];
  const check = (ckpt: Map<string, unknown>): void => {
    const t = ckpt.get('w') as torch.Tensor;
    ends.push(t.shape[0], t.narrow(0, 0, 1).item() as number, t.narrow(0, ELEMENTS - 1, 1).item() as number);
    t.dispose();
  };
  for (const [name, options] of [
    ['loadAsync', {}],
    ['loadAsync checkCrc', { checkCrc: true }],
    ['loadAsync mmap false', { mmap: false }],
  ] as [string, torch.LoadOptions][]) {
    const runs: [number, number][] = [];
    await measure(runs, () => torch.loadAsync<Map<string, unknown>>(file, options), check);
    report[name] = runs;
  }
  report.loaded = ends;
  process.stdout.write(JSON.stringify(report) + '\n');
}

void main();
