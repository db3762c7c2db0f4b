/**
 * A watchdog thread for the fuzz loop. The cases run synchronously on the main thread, so a case that hangs or eats
 * memory cannot be stopped from there: a worker thread watches the time the current case has run and the process's
 * RSS, and on a breach writes which case it was (to stderr) and kills the whole process with SIGKILL, so that the
 * parent (the test, or the person running `npm run fuzz`) sees a crash with the seed and case index to replay.
 */
import { Worker } from 'worker_threads';

/** Shared slots: [0] the running case's index (-1 between cases), [1] when it started (ms since the epoch). */
const WORKER = `
const { workerData } = require('worker_threads');
const fs = require('fs');
const slots = new Float64Array(workerData.shared);
setInterval(() => {
  const index = slots[0];
  const rss = process.memoryUsage.rss();
  let why = null;
  if (index >= 0 && Date.now() - slots[1] > workerData.timeLimitMs) why = 'ran over ' + workerData.timeLimitMs + ' ms';
  else if (rss > workerData.rssLimit) why = 'RSS reached ' + Math.round(rss / 1048576) + ' MB';
  if (why) {
    fs.writeSync(2, 'fuzz: FAIL case ' + index + ' (seed ' + workerData.seed + '): ' + why + '\\n' +
      'replay: npm run fuzz -- --seed ' + workerData.seed + ' --from ' + index + ' --cases 1\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 20);
`;

/** The main thread's side of the watchdog. */
export class Watchdog {
  private readonly slots: Float64Array;
  private readonly worker: Worker;

  constructor(opts: { seed: number; timeLimitMs: number; rssLimitBytes: number }) {
    const shared = new SharedArrayBuffer(16);
    this.slots = new Float64Array(shared);
    this.slots[0] = -1;
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { shared, seed: opts.seed, timeLimitMs: opts.timeLimitMs, rssLimit: opts.rssLimitBytes },
    });
    this.worker.unref();
  }

  /** Case `index` starts now. */
  start(index: number): void {
    this.slots[1] = Date.now();
    this.slots[0] = index;
  }

  /** The current case is over. */
  stop(): void {
    this.slots[0] = -1;
  }

  /** Stops watching. */
  close(): Promise<number> {
    return this.worker.terminate();
  }
}
