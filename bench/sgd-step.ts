/**
 * Benchmark: one optimizer.step() of SGD with momentum on LeNet2's parameters (fixed gradients), and one whole
 * training step (forward, loss, zeroGrad, backward, step; batch 64), in Node and in PyTorch (/usr/bin/python3) in the
 * same run. Prints the best and median CPU time per step over several rounds (CPU time, all threads: on a shared
 * machine wall time mostly measures the neighbours), and Node's time as a share of Python's (the target for the
 * optimizer step: within 5%).
 *
 *   node -r ts-node/register bench/sgd-step.ts [--rounds 7] [--steps 200]
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { parseArgs } from 'util';
import * as torch from '../lib';

const { values } = parseArgs({ options: { rounds: { type: 'string' }, steps: { type: 'string' } } });
const ROUNDS = Number(values.rounds ?? 7);
const STEPS = Number(values.steps ?? 200);
const PYTHON = process.env.TORCH_NODE_PYTHON || '/usr/bin/python3';

const PY = `
import sys, time, json, torch
sys.path.insert(0, ${JSON.stringify(path.join(__dirname, '..', 'scripts', 'parity'))})
from lenet2 import LeNet2
rounds, steps = ${ROUNDS}, ${STEPS}
torch.manual_seed(1)
net = LeNet2(classes=10)
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
for p in net.parameters(): p.grad = torch.randn_like(p)
def optimizer_round():
    t = time.process_time()
    for _ in range(steps): opt.step()
    return (time.process_time() - t) * 1000 / steps
x, y = torch.randn(64, 3, 32, 32), torch.randint(0, 10, (64,))
crit = torch.nn.CrossEntropyLoss()
def training_round():
    t = time.process_time()
    for _ in range(steps // 10):
        loss = crit(net(x), y); opt.zero_grad(); loss.backward(); opt.step()
    return (time.process_time() - t) * 1000 / (steps // 10)
optimizer_round(); training_round()
print(json.dumps({'optimizer': [optimizer_round() for _ in range(rounds)], 'training': [training_round() for _ in range(rounds)]}))
`;

function node(): { optimizer: number[]; training: number[] } {
  torch.manualSeed(1);
  const net = new torch.models.LeNet2({ classes: 10 });
  const opt = new torch.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  for (const p of net.parameters()) p.grad = torch.randn(p.shape);
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const ms = (t: number, n: number): number => (cpu() - t) / n;
  const optimizerRound = (): number => {
    const t = cpu();
    for (let i = 0; i < STEPS; i++) opt.step();
    return ms(t, STEPS);
  };
  const x = torch.randn([64, 3, 32, 32]);
  const y = torch.randint(0, 10, [64]);
  const crit = new torch.nn.CrossEntropyLoss();
  const n = Math.floor(STEPS / 10);
  const trainingRound = (): number => {
    const t = cpu();
    for (let i = 0; i < n; i++) {
      const loss = crit.call(net.call(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    return ms(t, n);
  };
  optimizerRound();
  trainingRound();
  return {
    optimizer: Array.from({ length: ROUNDS }, optimizerRound),
    training: Array.from({ length: ROUNDS }, trainingRound),
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const python = JSON.parse(execFileSync(PYTHON, ['-c', PY], { encoding: 'utf8' })) as ReturnType<typeof node>;
const ours = node();
for (const what of ['optimizer', 'training'] as const) {
  const [pb, nb] = [Math.min(...python[what]), Math.min(...ours[what])];
  const [pm, nm] = [median(python[what]), median(ours[what])];
  console.log(
    `${what === 'optimizer' ? 'SGD step   ' : 'train step '} python ${pb.toFixed(3)} ms (median ${pm.toFixed(3)})` +
      `  node ${nb.toFixed(3)} ms (median ${nm.toFixed(3)})  node/python ${((100 * nb) / pb).toFixed(1)}% (median ${((100 * nm) / pm).toFixed(1)}%)`,
  );
}
