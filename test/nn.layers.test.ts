// Layers, nn.functional, nn.init and losses against PyTorch 1.13: seeded construction gives PyTorch's exact weights,
// forward values and gradients are PyTorch's bytes, and bad arguments raise PyTorch's messages.
import * as torch from '../lib';
import { Case, oracleCases } from './helpers/oracle';
import { PY_INPUTS, ri, rn } from './helpers/inputs';

const { nn } = torch;
const F = nn.functional;
const init = nn.init;

const PRELUDE = `
${PY_INPUTS}
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.init as init
def seeded(seed, make):
    torch.manual_seed(seed)
    return make()
def fb(mod, x, seed=None, target=None):
    # forward then backward of the sum: output, input gradient, then every parameter's gradient
    x = x.clone().requires_grad_(True)
    if seed is not None: torch.manual_seed(seed)
    out = mod(x) if target is None else mod(x, target)
    out.sum().backward()
    return [out, x.grad] + [p.grad for p in mod.parameters()]
def bn_run(mod, xs):
    # BatchNorm over several batches: every output, then the buffers
    outs = [mod(x) for x in xs]
    return outs + [b for b in mod.buffers()]
`;

function seeded<T>(seed: number, make: () => T): T {
  torch.manualSeed(seed);
  return make();
}

/** Forward then backward of the sum: output, input gradient, then every parameter's gradient (as fb in Python). */
function fb(
  mod: torch.nn.Module,
  x: torch.Tensor,
  seed: number | null = null,
  target: torch.Tensor | null = null,
): unknown[] {
  const input = x.clone().requiresGrad_(true);
  if (seed !== null) torch.manualSeed(seed);
  const out: torch.Tensor = target === null ? mod.call(input) : mod.call(input, target);
  out.sum().backward();
  return [out, input.grad, ...[...mod.parameters()].map((p) => p.grad)];
}

function bnRun(mod: torch.nn.Module, xs: torch.Tensor[]): unknown[] {
  return [...xs.map((x) => mod.call(x)), ...mod.buffers()];
}

const construction: Case[] = [
  [
    'Conv2d(3, 6, 5) weight',
    'seeded(1, lambda: nn.Conv2d(3, 6, 5)).weight',
    () => seeded(1, () => new nn.Conv2d(3, 6, 5)).weight,
  ],
  [
    'Conv2d(3, 6, 5) bias',
    'seeded(1, lambda: nn.Conv2d(3, 6, 5)).bias',
    () => seeded(1, () => new nn.Conv2d(3, 6, 5)).bias,
  ],
  [
    'Conv2d with groups, stride, padding, dilation, no bias',
    'seeded(2, lambda: nn.Conv2d(4, 6, (3, 2), stride=2, padding=(1, 0), dilation=2, groups=2, bias=False)).weight',
    () =>
      seeded(2, () => new nn.Conv2d(4, 6, [3, 2], { stride: 2, padding: [1, 0], dilation: 2, groups: 2, bias: false }))
        .weight,
  ],
  [
    'Linear(400, 120) weight',
    'seeded(3, lambda: nn.Linear(400, 120)).weight',
    () => seeded(3, () => new nn.Linear(400, 120)).weight,
  ],
  [
    'Linear(400, 120) bias',
    'seeded(3, lambda: nn.Linear(400, 120)).bias',
    () => seeded(3, () => new nn.Linear(400, 120)).bias,
  ],
  [
    'Linear in float64',
    'seeded(4, lambda: nn.Linear(5, 3, dtype=torch.float64)).weight',
    () => seeded(4, () => new nn.Linear(5, 3, { dtype: 'float64' })).weight,
  ],
  [
    'BatchNorm2d parameters and buffers',
    'list(nn.BatchNorm2d(4).parameters()) + list(nn.BatchNorm2d(4).buffers())',
    () => [...new nn.BatchNorm2d(4).parameters(), ...new nn.BatchNorm2d(4).buffers()],
  ],
  [
    'BatchNorm1d without affine or stats has nothing',
    'list(nn.BatchNorm1d(3, affine=False, track_running_stats=False).parameters())',
    () => [...new nn.BatchNorm1d(3, { affine: false, trackRunningStats: false }).parameters()],
  ],
];

const initCases: Case[] = [
  [
    'kaiming_uniform_ defaults',
    'init.kaiming_uniform_(seeded(5, lambda: torch.empty(8, 4, 3, 3)))',
    () => init.kaimingUniform_(seeded(5, () => torch.empty([8, 4, 3, 3]))),
  ],
  [
    'kaiming_uniform_ a=0.3, fan_out, relu',
    "init.kaiming_uniform_(seeded(6, lambda: torch.empty(7, 5)), a=0.3, mode='fan_out', nonlinearity='relu')",
    () =>
      init.kaimingUniform_(
        seeded(6, () => torch.empty([7, 5])),
        { a: 0.3, mode: 'fan_out', nonlinearity: 'relu' },
      ),
  ],
  [
    'kaiming_normal_ leaky_relu a=√5',
    'init.kaiming_normal_(seeded(7, lambda: torch.empty(6, 3, 5, 5)), a=math.sqrt(5))',
    () =>
      init.kaimingNormal_(
        seeded(7, () => torch.empty([6, 3, 5, 5])),
        { a: Math.sqrt(5) },
      ),
  ],
  [
    'xavier_uniform_ gain 2',
    'init.xavier_uniform_(seeded(8, lambda: torch.empty(10, 20)), gain=2.0)',
    () =>
      init.xavierUniform_(
        seeded(8, () => torch.empty([10, 20])),
        2,
      ),
  ],
  [
    'xavier_normal_',
    'init.xavier_normal_(seeded(9, lambda: torch.empty(4, 6, 2)))',
    () => init.xavierNormal_(seeded(9, () => torch.empty([4, 6, 2]))),
  ],
  [
    'normal_',
    'init.normal_(seeded(10, lambda: torch.empty(5)), 1.5, 0.25)',
    () =>
      init.normal_(
        seeded(10, () => torch.empty([5])),
        1.5,
        0.25,
      ),
  ],
  [
    'uniform_',
    'init.uniform_(seeded(11, lambda: torch.empty(5)), -3, 0.5)',
    () =>
      init.uniform_(
        seeded(11, () => torch.empty([5])),
        -3,
        0.5,
      ),
  ],
  ['constant_', 'init.constant_(torch.empty(3), 2020)', () => init.constant_(torch.empty([3]), 2020)],
  [
    'ones_ and zeros_',
    '[init.ones_(torch.empty(2)), init.zeros_(torch.empty(2))]',
    () => [init.ones_(torch.empty([2])), init.zeros_(torch.empty([2]))],
  ],
  [
    'calculate_gain for every nonlinearity',
    "[init.calculate_gain(n) for n in ['linear', 'conv2d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu']] + [init.calculate_gain('leaky_relu', 0.2), init.calculate_gain('leaky_relu', math.sqrt(5))]",
    () => [
      ...(['linear', 'conv2d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu'] as const).map((n) =>
        init.calculateGain(n),
      ),
      init.calculateGain('leaky_relu', 0.2),
      init.calculateGain('leaky_relu', Math.sqrt(5)),
    ],
  ],
  [
    '_calculate_fan_in_and_fan_out',
    'init._calculate_fan_in_and_fan_out(torch.empty(6, 3, 5, 5))',
    () => init._calculateFanInAndFanOut(torch.empty([6, 3, 5, 5])),
  ],
  [
    'fan of a vector: error',
    'init._calculate_fan_in_and_fan_out(torch.empty(3))',
    () => init._calculateFanInAndFanOut(torch.empty([3])),
  ],
  [
    'unknown mode: error',
    "init.kaiming_uniform_(torch.empty(3, 3), mode='fan_x')",
    () => init.kaimingUniform_(torch.empty([3, 3]), { mode: 'fan_x' as 'fan_in' }),
  ],
  ['unknown nonlinearity: error', "init.calculate_gain('swish')", () => init.calculateGain('swish')],
];

const x4 = (): torch.Tensor => rn(20, [2, 3, 8, 8]);
const layers: Case[] = [
  [
    'Conv2d forward and backward',
    'fb(seeded(1, lambda: nn.Conv2d(3, 4, 3, padding=1, stride=2)), rn(20, 2, 3, 8, 8))',
    () =>
      fb(
        seeded(1, () => new nn.Conv2d(3, 4, 3, { padding: 1, stride: 2 })),
        x4(),
      ),
  ],
  [
    'Conv2d groups and dilation',
    'fb(seeded(2, lambda: nn.Conv2d(3, 6, 3, dilation=2, groups=3, bias=False)), rn(20, 2, 3, 8, 8))',
    () =>
      fb(
        seeded(2, () => new nn.Conv2d(3, 6, 3, { dilation: 2, groups: 3, bias: false })),
        x4(),
      ),
  ],
  [
    'Linear',
    'fb(seeded(3, lambda: nn.Linear(8, 5)), rn(21, 4, 8))',
    () =>
      fb(
        seeded(3, () => new nn.Linear(8, 5)),
        rn(21, [4, 8]),
      ),
  ],
  [
    'Linear without bias on 3-d input',
    'fb(seeded(3, lambda: nn.Linear(8, 5, bias=False)), rn(21, 2, 4, 8))',
    () =>
      fb(
        seeded(3, () => new nn.Linear(8, 5, { bias: false })),
        rn(21, [2, 4, 8]),
      ),
  ],
  ['ReLU', 'fb(nn.ReLU(), rn(22, 3, 4))', () => fb(new nn.ReLU(), rn(22, [3, 4]))],
  ['MaxPool2d(2, 2)', 'fb(nn.MaxPool2d(2, 2), rn(20, 2, 3, 8, 8))', () => fb(new nn.MaxPool2d(2, 2), x4())],
  [
    'MaxPool2d(3, 2, padding, ceil)',
    'fb(nn.MaxPool2d(3, 2, padding=1, ceil_mode=True), rn(20, 2, 3, 8, 8))',
    () => fb(new nn.MaxPool2d(3, 2, { padding: 1, ceilMode: true }), x4()),
  ],
  ['AvgPool2d(2)', 'fb(nn.AvgPool2d(2), rn(20, 2, 3, 8, 8))', () => fb(new nn.AvgPool2d(2), x4())],
  [
    'AvgPool2d(3, 2, padding, no pad count)',
    'fb(nn.AvgPool2d(3, 2, padding=1, count_include_pad=False), rn(20, 2, 3, 8, 8))',
    () => fb(new nn.AvgPool2d(3, 2, { padding: 1, countIncludePad: false }), x4()),
  ],
  ['Flatten', 'fb(nn.Flatten(), rn(20, 2, 3, 8, 8))', () => fb(new nn.Flatten(), x4())],
  ['Flatten(0, 2)', 'fb(nn.Flatten(0, 2), rn(20, 2, 3, 8, 8))', () => fb(new nn.Flatten(0, 2), x4())],
  [
    'Dropout while training (seeded mask)',
    'fb(nn.Dropout(0.3), rn(23, 4, 6), seed=5)',
    () => fb(new nn.Dropout(0.3), rn(23, [4, 6]), 5),
  ],
  [
    'Dropout in eval mode is the identity',
    'fb(nn.Dropout().eval(), rn(23, 4, 6))',
    () => fb(new nn.Dropout().eval(), rn(23, [4, 6])),
  ],
  ['Softmax(dim=1)', 'fb(nn.Softmax(dim=1), rn(24, 3, 5))', () => fb(new nn.Softmax(1), rn(24, [3, 5]))],
  ['Identity', 'fb(nn.Identity(), rn(24, 3, 5))', () => fb(new nn.Identity(), rn(24, [3, 5]))],
  [
    'BatchNorm2d training: outputs and running stats',
    'bn_run(nn.BatchNorm2d(3), [rn(25, 4, 3, 5, 5), rn(26, 4, 3, 5, 5)])',
    () => bnRun(new nn.BatchNorm2d(3), [rn(25, [4, 3, 5, 5]), rn(26, [4, 3, 5, 5])]),
  ],
  [
    'BatchNorm2d momentum None (cumulative average)',
    'bn_run(nn.BatchNorm2d(3, momentum=None), [rn(25, 4, 3, 5, 5), rn(26, 4, 3, 5, 5), rn(27, 4, 3, 5, 5)])',
    () =>
      bnRun(new nn.BatchNorm2d(3, { momentum: null }), [
        rn(25, [4, 3, 5, 5]),
        rn(26, [4, 3, 5, 5]),
        rn(27, [4, 3, 5, 5]),
      ]),
  ],
  [
    'BatchNorm1d training then eval',
    'bn_run(nn.BatchNorm1d(4), [rn(28, 6, 4)]) + [nn.BatchNorm1d(4).eval()(rn(29, 6, 4))]',
    () => [...bnRun(new nn.BatchNorm1d(4), [rn(28, [6, 4])]), new nn.BatchNorm1d(4).eval().call(rn(29, [6, 4]))],
  ],
  [
    'BatchNorm1d gradients',
    'fb(nn.BatchNorm1d(4, eps=1e-3, momentum=0.3), rn(30, 5, 4, 3))',
    () => fb(new nn.BatchNorm1d(4, { eps: 1e-3, momentum: 0.3 }), rn(30, [5, 4, 3])),
  ],
  [
    'BatchNorm2d on 3-d input: error',
    'nn.BatchNorm2d(3)(rn(1, 2, 3, 4))',
    () => new nn.BatchNorm2d(3).call(rn(1, [2, 3, 4])),
  ],
  [
    'BatchNorm1d on 4-d input: error',
    'nn.BatchNorm1d(3)(rn(1, 2, 3, 4, 4))',
    () => new nn.BatchNorm1d(3).call(rn(1, [2, 3, 4, 4])),
  ],
  [
    'BatchNorm with one value per channel: error',
    'nn.BatchNorm1d(3)(rn(1, 1, 3))',
    () => new nn.BatchNorm1d(3).call(rn(1, [1, 3])),
  ],
  ['Dropout p out of range: error', 'nn.Dropout(1.5)', () => new nn.Dropout(1.5)],
  ['Conv2d groups not dividing: error', 'nn.Conv2d(3, 4, 3, groups=2)', () => new nn.Conv2d(3, 4, 3, { groups: 2 })],
];

const target = (): torch.Tensor => ri(31, 0, 5, [6]);
const losses: Case[] = [
  [
    'CrossEntropyLoss',
    'fb(nn.CrossEntropyLoss(), rn(32, 6, 5), target=ri(31, 0, 5, 6))',
    () => fb(new nn.CrossEntropyLoss(), rn(32, [6, 5]), null, target()),
  ],
  [
    "CrossEntropyLoss reduction='sum', weight, ignore_index",
    "fb(nn.CrossEntropyLoss(weight=torch.tensor([1., 2., .5, 1., 3.]), ignore_index=2, reduction='sum'), rn(32, 6, 5), target=ri(31, 0, 5, 6))",
    () =>
      fb(
        new nn.CrossEntropyLoss({ weight: torch.tensor([1, 2, 0.5, 1, 3]), ignoreIndex: 2, reduction: 'sum' }),
        rn(32, [6, 5]),
        null,
        target(),
      ),
  ],
  [
    'CrossEntropyLoss label_smoothing',
    'fb(nn.CrossEntropyLoss(label_smoothing=0.1), rn(32, 6, 5), target=ri(31, 0, 5, 6))',
    () => fb(new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }), rn(32, [6, 5]), null, target()),
  ],
  [
    "CrossEntropyLoss reduction='none'",
    "fb(nn.CrossEntropyLoss(reduction='none'), rn(32, 6, 5), target=ri(31, 0, 5, 6))",
    () => fb(new nn.CrossEntropyLoss({ reduction: 'none' }), rn(32, [6, 5]), null, target()),
  ],
  [
    'CrossEntropyLoss with class probabilities',
    'fb(nn.CrossEntropyLoss(), rn(32, 6, 5), target=rn(33, 6, 5).softmax(1))',
    () => fb(new nn.CrossEntropyLoss(), rn(32, [6, 5]), null, rn(33, [6, 5]).softmax(1)),
  ],
  [
    'CrossEntropyLoss on images (N, C, H, W)',
    'fb(nn.CrossEntropyLoss(), rn(34, 2, 3, 4, 4), target=ri(35, 0, 3, 2, 4, 4))',
    () => fb(new nn.CrossEntropyLoss(), rn(34, [2, 3, 4, 4]), null, ri(35, 0, 3, [2, 4, 4])),
  ],
  [
    'NLLLoss',
    'fb(nn.NLLLoss(), rn(32, 6, 5).log_softmax(1), target=ri(31, 0, 5, 6))',
    () => fb(new nn.NLLLoss(), rn(32, [6, 5]).logSoftmax(1), null, target()),
  ],
  [
    "NLLLoss weight, ignore_index, 'none'",
    "fb(nn.NLLLoss(weight=torch.tensor([1., 2., .5, 1., 3.]), ignore_index=0, reduction='none'), rn(32, 6, 5), target=ri(31, 0, 5, 6))",
    () =>
      fb(
        new nn.NLLLoss({ weight: torch.tensor([1, 2, 0.5, 1, 3]), ignoreIndex: 0, reduction: 'none' }),
        rn(32, [6, 5]),
        null,
        target(),
      ),
  ],
  [
    'MSELoss',
    'fb(nn.MSELoss(), rn(36, 4, 3), target=rn(37, 4, 3))',
    () => fb(new nn.MSELoss(), rn(36, [4, 3]), null, rn(37, [4, 3])),
  ],
  [
    "MSELoss reduction='sum' with broadcasting",
    "fb(nn.MSELoss(reduction='sum'), rn(36, 4, 3), target=rn(37, 3))",
    () => fb(new nn.MSELoss({ reduction: 'sum' }), rn(36, [4, 3]), null, rn(37, [3])),
  ],
  [
    'a bad reduction: error',
    "F.mse_loss(rn(1, 2), rn(2, 2), reduction='avg')",
    () => F.mseLoss(rn(1, [2]), rn(2, [2]), { reduction: 'avg' as 'mean' }),
  ],
  [
    'CrossEntropyLoss with a bad target: error',
    'nn.CrossEntropyLoss()(rn(1, 2, 3), ri(2, 3, 5, 2))',
    () => new nn.CrossEntropyLoss().call(rn(1, [2, 3]), ri(2, 3, 5, [2])),
  ],
];

const w = (): torch.Tensor => rn(40, [4, 3, 3, 3]);
const functional: Case[] = [
  [
    'F.conv2d',
    'F.conv2d(rn(20, 2, 3, 8, 8), rn(40, 4, 3, 3, 3), rn(41, 4), 2, 1)',
    () => F.conv2d(x4(), w(), rn(41, [4]), { stride: 2, padding: 1 }),
  ],
  [
    "F.conv2d padding='valid'",
    "F.conv2d(rn(20, 2, 3, 8, 8), rn(40, 4, 3, 3, 3), padding='valid')",
    () => F.conv2d(x4(), w(), null, { padding: 'valid' }),
  ],
  [
    'F.linear',
    'F.linear(rn(21, 4, 8), rn(42, 5, 8), rn(43, 5))',
    () => F.linear(rn(21, [4, 8]), rn(42, [5, 8]), rn(43, [5])),
  ],
  ['F.relu in place', 'F.relu(rn(22, 3, 4), inplace=True)', () => F.relu(rn(22, [3, 4]), { inplace: true })],
  ['F.max_pool2d stride default', 'F.max_pool2d(rn(20, 2, 3, 8, 8), 3)', () => F.maxPool2d(x4(), 3)],
  [
    'F.max_pool2d dilation',
    'F.max_pool2d(rn(20, 2, 3, 8, 8), 2, 1, 0, 2)',
    () => F.maxPool2d(x4(), 2, { stride: 1, dilation: 2 }),
  ],
  [
    'F.avg_pool2d divisor_override',
    'F.avg_pool2d(rn(20, 2, 3, 8, 8), 2, divisor_override=3)',
    () => F.avgPool2d(x4(), 2, { divisorOverride: 3 }),
  ],
  [
    'F.dropout (seeded)',
    'seeded(3, lambda: F.dropout(rn(23, 4, 6), 0.5))',
    () => seeded(3, () => F.dropout(rn(23, [4, 6]), { p: 0.5 })),
  ],
  [
    'F.softmax / log_softmax',
    '[F.softmax(rn(24, 3, 5), 0), F.log_softmax(rn(24, 3, 5), 1), F.softmax(rn(24, 3, 5), 1, dtype=torch.float64)]',
    () => [
      F.softmax(rn(24, [3, 5]), 0),
      F.logSoftmax(rn(24, [3, 5]), 1),
      F.softmax(rn(24, [3, 5]), 1, { dtype: 'float64' }),
    ],
  ],
  [
    'F.batch_norm eval with stats',
    'F.batch_norm(rn(30, 5, 4), rn(44, 4), rn(45, 4).abs(), rn(46, 4), rn(47, 4))',
    () => F.batchNorm(rn(30, [5, 4]), rn(44, [4]), rn(45, [4]).abs(), { weight: rn(46, [4]), bias: rn(47, [4]) }),
  ],
  [
    'F.cross_entropy / nll_loss / mse_loss',
    "[F.cross_entropy(rn(32, 6, 5), ri(31, 0, 5, 6), label_smoothing=0.2), F.nll_loss(rn(32, 6, 5), ri(31, 0, 5, 6), reduction='sum'), F.mse_loss(rn(36, 4, 3), rn(37, 4, 3), reduction='none')]",
    () => [
      F.crossEntropy(rn(32, [6, 5]), target(), { labelSmoothing: 0.2 }),
      F.nllLoss(rn(32, [6, 5]), target(), { reduction: 'sum' }),
      F.mseLoss(rn(36, [4, 3]), rn(37, [4, 3]), { reduction: 'none' }),
    ],
  ],
  ['F.dropout bad p: error', 'F.dropout(rn(1, 3), -0.1)', () => F.dropout(rn(1, [3]), { p: -0.1 })],
];

describe('nn layers, functional, init and losses match PyTorch', () => {
  oracleCases(`import math\n${PRELUDE}`, {
    'seeded construction': construction,
    'nn.init': initCases,
    'layers (forward and backward)': layers,
    losses,
    'nn.functional': functional,
  });
});
