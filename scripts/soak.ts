/**
 * Soak: looks for leaks by doing the same work many times and watching the resident set size.
 *
 *   npm run soak -- [--steps 10000] [--cycles 1000] [--batch 16] [--limit-mb 50] [--every N] [--yield-every N]
 *
 * Phase 1 trains LeNet2 (SGD with momentum, cross-entropy) for `steps` steps on fresh random batches of 3×32×32
 * images; phase 2 saves and loads a LeNet2 checkpoint (model and optimizer state dicts) `cycles` times, in turn with
 * torch.save/torch.load and torch.saveAsync/torch.loadAsync, loading the weights back into the model each time.
 * Prints the RSS as it goes and a JSON summary; the growth of each phase is its last RSS minus its RSS after the
 * first tenth (allocators and caches warm up first), and exits 1 when a phase grows by more than the limit.
 *
 * Training runs as a synchronous loop unless --yield-every N lets the event loop turn every N steps. The difference is
 * Node-API's: the tensors of dropped handles are freed during the loop (binding/tensor.cc sweeps them), but the
 * handles' own small native objects are finalized only when the event loop turns.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';

interface SoakOptions {
  steps: number;
  cycles: number;
  batch: number;
  limitMb: number;
  every: number;
  yieldEvery: number;
}

function parseArgs(argv: string[]): SoakOptions {
  const o: SoakOptions = { steps: 10000, cycles: 1000, batch: 16, limitMb: 50, every: 0, yieldEvery: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) as keyof SoakOptions;
    const v = Number(argv[i + 1]);
    if (!(key in o) || !Number.isFinite(v) || v < 0) {
      throw new Error(
        `usage: soak [--steps N] [--cycles N] [--batch N] [--limit-mb MB] [--every N] [--yield-every N] (at ${argv[i]})`,
      );
    }
    o[key] = v;
  }
  return o;
}

const rssMb = (): number => Math.round(process.memoryUsage.rss() / 1048576);

/** The RSS samples of one phase and its growth after warm-up. */
interface Phase {
  name: string;
  samples: [number, number][];
  warmMb: number;
  lastMb: number;
  maxMb: number;
  growthMb: number;
  seconds: number;
}

/**
 * Runs `n` iterations of `body` (awaited when it returns a promise), sampling the RSS every `every` iterations and
 * after the first tenth, and letting the event loop turn every `yieldEvery` iterations (never when 0).
 */
async function phase(
  name: string,
  n: number,
  every: number,
  yieldEvery: number,
  body: (i: number) => void | Promise<void>,
): Promise<Phase> {
  const t0 = Date.now();
  const samples: [number, number][] = [[0, rssMb()]];
  const warmAt = Math.max(1, Math.floor(n / 10));
  let warmMb = samples[0][1];
  for (let i = 1; i <= n; i++) {
    const done = body(i);
    if (done) await done;
    if (yieldEvery && i % yieldEvery === 0) await new Promise((r) => setImmediate(r));
    if (i === warmAt) warmMb = rssMb();
    if (i % every === 0 || i === n) {
      samples.push([i, rssMb()]);
      process.stderr.write(`${name}: ${i}/${n}  rss ${samples[samples.length - 1][1]} MB\n`);
    }
  }
  const lastMb = samples[samples.length - 1][1];
  const maxMb = Math.max(...samples.map(([, mb]) => mb));
  return { name, samples, warmMb, lastMb, maxMb, growthMb: lastMb - warmMb, seconds: (Date.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  torch.manualSeed(0);
  const net = new torch.models.LeNet2({ classes: 10 });
  const optimizer = new torch.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const criterion = new torch.nn.CrossEntropyLoss();
  let lastLoss = NaN;

  const every = (n: number): number => o.every || Math.max(1, Math.floor(n / 20));
  const training = await phase('train', o.steps, every(o.steps), o.yieldEvery, () => {
    const x = torch.randn([o.batch, 3, 32, 32]);
    const y = torch.randint(0, 10, [o.batch]);
    optimizer.zeroGrad();
    const loss = criterion.call(net.call(x), y);
    loss.backward();
    optimizer.step();
    lastLoss = loss.item() as number;
  });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-soak-'));
  const file = path.join(dir, 'checkpoint.pt');
  const checkpoint = (epoch: number) => ({
    model_state_dict: net.stateDict(),
    optimizer_state_dict: optimizer.stateDict(),
    epoch,
  });
  const restore = (ckpt: Map<string, unknown>): void => {
    net.loadStateDict(ckpt.get('model_state_dict') as Map<string, torch.Tensor>);
    optimizer.loadStateDict(ckpt.get('optimizer_state_dict') as Map<string, unknown>);
  };
  let saveLoad: Phase;
  try {
    saveLoad = await phase('save/load', o.cycles, every(o.cycles), 0, async (i) => {
      if (i % 2) {
        await torch.saveAsync(checkpoint(i), file);
        restore(await torch.loadAsync<Map<string, unknown>>(file));
      } else {
        torch.save(checkpoint(i), file);
        restore(torch.load<Map<string, unknown>>(file));
      }
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const phases = [training, saveLoad];
  const over = phases.filter((p) => p.growthMb > o.limitMb);
  process.stdout.write(JSON.stringify({ options: o, lastLoss, phases, ok: over.length === 0 }) + '\n');
  for (const p of phases) {
    process.stderr.write(
      `${p.name}: ${p.seconds.toFixed(0)} s, RSS ${p.warmMb} MB after warm-up, ${p.lastMb} MB at the end ` +
        `(growth ${p.growthMb} MB, limit ${o.limitMb}), max ${p.maxMb} MB\n`,
    );
  }
  process.exitCode = over.length ? 1 : 0;
}

void main();
