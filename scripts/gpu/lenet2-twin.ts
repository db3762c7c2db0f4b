/**
 * Node's half of the GPU parity check (scripts/gpu-check.sh); its Python twin is scripts/gpu/lenet2_twin.py, whose
 * `data` command writes the batches and the initial weights both start from.
 *
 *   node -r ts-node/register scripts/gpu/lenet2-twin.ts train --data DIR --device DEV --out FILE [--epochs E]
 *       the lesson's loop on DEV with cuDNN deterministic; saves the checkpoint from DEV's tensors
 *   node -r ts-node/register scripts/gpu/lenet2-twin.ts check --node FILE --python FILE --device DEV
 *       loads Python's checkpoint with mapLocation 'cpu', DEV, a function and its own tags, and compares every tensor
 *       with Node's bit for bit
 * Each prints one JSON line.
 */
import * as path from 'path';
import * as torch from '../../lib';

type Checkpoint = Map<string, unknown>;

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback !== undefined) return fallback;
  throw new Error(`missing --${name}`);
}

function train(): void {
  const device = arg('device');
  const epochs = Number(arg('epochs', '3'));
  torch.backends.cudnn.deterministic = true;
  torch.backends.cudnn.benchmark = false;
  const data = torch.load(path.join(arg('data'), 'batches.pt')) as Map<string, torch.Tensor>;
  const [xs, ys] = [data.get('x')!, data.get('y')!];
  const init = torch.load(path.join(arg('data'), 'init.pt')) as Map<string, torch.Tensor>;
  torch.manualSeed(1);
  const net = new torch.models.LeNet2({ classes: 10 });
  // Whether torch-node's own initialisation drew the weights Python's did (a figure, not a requirement).
  const ownInit = net.stateDict() as Map<string, torch.Tensor>;
  const sameInit = [...init].every(([k, t]) => t.toBuffer().equals(ownInit.get(k)!.toBuffer()));
  net.loadStateDict(init);
  net.to(device);
  const criterion = new torch.nn.CrossEntropyLoss();
  const optimizer = new torch.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const scheduler = new torch.optim.lr_scheduler.StepLR(optimizer, { stepSize: 2, gamma: 0.1 });
  const start = process.hrtime.bigint();
  let loss = torch.zeros([]);
  for (let epoch = 0; epoch < epochs; epoch++) {
    net.train();
    for (let i = 0; i < xs.shape[0]; i++) {
      const outputs = net.call(xs.index(i).to(device));
      optimizer.zeroGrad();
      loss = criterion.call(outputs, ys.index(i).to(device));
      loss.backward();
      optimizer.step();
    }
    scheduler.step();
  }
  if (device.startsWith('cuda')) torch.cuda.synchronize();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const checkpoint = {
    model_state_dict: net.stateDict(),
    optimizer_state_dict: optimizer.stateDict(),
    scheduler_state_dict: scheduler.stateDict(),
    epoch: epochs - 1,
  };
  torch.save(checkpoint, arg('out'));
  console.log(JSON.stringify({ seconds: Number(seconds.toFixed(3)), loss: loss.item(), sameInitAsPython: sameInit }));
}

/** Every tensor of a checkpoint by a path name: the model's and the optimizer's per-parameter state. */
function tensors(checkpoint: Checkpoint): Map<string, torch.Tensor> {
  const out = new Map<string, torch.Tensor>();
  for (const [k, v] of checkpoint.get('model_state_dict') as Map<string, torch.Tensor>) out.set(`model.${k}`, v);
  const state = (checkpoint.get('optimizer_state_dict') as Map<string, unknown>).get('state') as Map<
    number,
    Map<string, unknown>
  >;
  for (const [i, s] of state) {
    for (const [k, v] of s) if (v instanceof torch.Tensor) out.set(`optimizer.${i}.${k}`, v);
  }
  return out;
}

function bytesOf(t: torch.Tensor): Buffer {
  return t.detach().cpu().contiguous().toBuffer();
}

function check(): void {
  const device = arg('device');
  const ours = tensors(torch.load(arg('node'), { mapLocation: 'cpu' }) as Checkpoint);
  const forms: [string, torch.MapLocation | undefined][] = [
    ['cpu', 'cpu'],
    ['device', device],
    ['function', (storage: torch.Tensor) => storage.to(device)],
    ['tags', undefined],
  ];
  const report: Record<string, unknown> = { tensors: ours.size };
  for (const [name, mapLocation] of forms) {
    const theirs = tensors(torch.load(arg('python'), mapLocation === undefined ? {} : { mapLocation }) as Checkpoint);
    const same = [...ours].filter(([k, t]) => theirs.has(k) && bytesOf(theirs.get(k)!).equals(bytesOf(t)));
    report[name] = {
      identical: same.length,
      differ: [...ours.keys()].filter((k) => !same.some(([s]) => s === k)).slice(0, 5),
      devices: [...new Set([...theirs.values()].map((t) => t.device))].sort(),
    };
  }
  console.log(JSON.stringify(report));
}

({ train, check })[process.argv[2] as 'train' | 'check']();
