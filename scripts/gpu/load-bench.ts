/**
 * Node's half of the big-load figure (scripts/gpu-check.sh); its Python twin is scripts/gpu/load_bench.py.
 *
 *   node -r ts-node/register scripts/gpu/load-bench.ts make --file F --mib N --device DEV
 *       saves a checkpoint of N MiB (16 float32 tensors and a ragged one) made on DEV, and times that save
 *   node -r ts-node/register scripts/gpu/load-bench.ts time --file F --device DEV [--repeat R]
 *       times torch.load(F, { mapLocation: DEV }) until the device has the bytes (load, then synchronize), R times,
 *       and loadAsync once; prints the times and each tensor's sum (float64) for the twin to compare
 * Each prints one JSON line.
 */
import * as torch from '../../lib';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback !== undefined) return fallback;
  throw new Error(`missing --${name}`);
}

const device = arg('device');
const sync = (): void => {
  if (device.startsWith('cuda')) torch.cuda.synchronize();
};
const seconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;

function make(): void {
  const mib = Number(arg('mib'));
  const each = (mib * 1048576 - 1048576) / 16 / 4; // 16 equal tensors and one ragged MiB
  torch.manualSeed(0);
  const obj: Record<string, torch.Tensor> = {};
  for (let i = 0; i < 16; i++) obj[`t${i}`] = torch.rand([each], { device });
  obj.ragged = torch.rand([(1 << 20) / 4 - 3], { device });
  sync();
  const start = process.hrtime.bigint();
  torch.save(obj, arg('file'));
  console.log(JSON.stringify({ saveSeconds: Number(seconds(start).toFixed(3)) }));
}

async function time(): Promise<void> {
  const file = arg('file');
  const repeat = Number(arg('repeat', '3'));
  torch.zeros([1], { device }).cpu(); // the device's context is made before timing, as in the twin
  const times: number[] = [];
  let loaded = new Map<string, torch.Tensor>();
  for (let r = 0; r < repeat; r++) {
    loaded = new Map();
    const start = process.hrtime.bigint();
    loaded = torch.load(file, { mapLocation: device }) as Map<string, torch.Tensor>;
    sync();
    times.push(Number(seconds(start).toFixed(4)));
  }
  const sums = Object.fromEntries([...loaded].map(([k, t]) => [k, t.to({ dtype: 'float64' }).sum().item()]));
  const devices = [...new Set([...loaded.values()].map((t) => t.device))];
  loaded = new Map();
  const start = process.hrtime.bigint();
  await torch.loadAsync(file, { mapLocation: device });
  sync();
  const asyncSeconds = Number(seconds(start).toFixed(4));
  console.log(JSON.stringify({ times, asyncSeconds, devices, sums }));
}

if (process.argv[2] === 'make') make();
else void time();
