// Optimizers against PyTorch 1.13: SGD, Adam and AdamW trajectories are PyTorch's bit for bit for every option;
// state dicts have 1.13's layout, key order and int/float types; loadStateDict takes 1.13 and older layouts; bad
// arguments raise PyTorch's messages; String(optimizer) is repr(optimizer).
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { Case, oracleCases } from './helpers/oracle';
import { PY_INPUTS, rn } from './helpers/inputs';
import { describeState, PY_DESCRIBE } from './helpers/describe-state';

const { nn, optim } = torch;

const PRELUDE = `
${PY_INPUTS}
${PY_DESCRIBE}
import torch.nn as nn
import torch.optim as optim
def model():
    torch.manual_seed(5)
    return nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 3))
def run(make, steps=4, groups=False):
    net = model()
    params = [{'params': net[0].parameters()}, {'params': net[2].parameters(), 'lr': 0.05}] if groups else net.parameters()
    opt = make(params)
    for i in range(steps):
        opt.zero_grad()
        ((net(rn(100 + i, 8, 6)) - rn(200 + i, 8, 3)) ** 2).mean().backward()
        opt.step()
    return opt, net
def trajectory(make, steps=4, groups=False):
    opt, net = run(make, steps, groups)
    return list(net.parameters())
def state(make, steps=2, groups=False):
    return desc(run(make, steps, groups)[0].state_dict())
def reloaded(make, sd):
    opt, net = run(make, 0)
    opt.load_state_dict(sd)
    return desc(opt.state_dict())
p = lambda *shape: nn.Parameter(torch.ones(*shape))
`;

function model(): torch.nn.Sequential {
  torch.manualSeed(5);
  return new nn.Sequential(new nn.Linear(6, 4), new nn.ReLU(), new nn.Linear(4, 3));
}

type Make = (params: torch.optim.Params) => torch.optim.Optimizer;

function run(make: Make, steps = 4, groups = false): [torch.optim.Optimizer, torch.nn.Sequential] {
  const net = model();
  const params = groups
    ? [{ params: net.get(0).parameters() }, { params: net.get(2).parameters(), lr: 0.05 }]
    : net.parameters();
  const opt = make(params);
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    net
      .call(rn(100 + i, [8, 6]))
      .sub(rn(200 + i, [8, 3]))
      .pow(2)
      .mean()
      .backward();
    opt.step();
  }
  return [opt, net];
}

const trajectory = (make: Make, steps = 4, groups = false): unknown => [...run(make, steps, groups)[1].parameters()];
const state = (make: Make, steps = 2, groups = false): string => describeState(run(make, steps, groups)[0].stateDict());

// [name, Python constructor, ours]
const OPTIMIZERS: [string, string, Make][] = [
  ['SGD', 'lambda ps: optim.SGD(ps, lr=0.1)', (ps) => new optim.SGD(ps, { lr: 0.1 })],
  [
    'SGD momentum',
    'lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9)',
    (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 }),
  ],
  [
    'SGD momentum, dampening, weight decay',
    'lambda ps: optim.SGD(ps, lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)',
    (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.01 }),
  ],
  [
    'SGD nesterov',
    'lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True)',
    (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true }),
  ],
  [
    'SGD maximize',
    'lambda ps: optim.SGD(ps, lr=0.1, momentum=0.5, maximize=True)',
    (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.5, maximize: true }),
  ],
  [
    'SGD integral floats',
    'lambda ps: optim.SGD(ps, lr=1.0, momentum=0.0, weight_decay=0.0)',
    (ps) =>
      new optim.SGD(ps, { lr: new torch.Float(1), momentum: new torch.Float(0), weightDecay: new torch.Float(0) }),
  ],
  ['Adam', 'lambda ps: optim.Adam(ps)', (ps) => new optim.Adam(ps)],
  [
    'Adam amsgrad, weight decay, betas',
    'lambda ps: optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True)',
    (ps) => new optim.Adam(ps, { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, amsgrad: true }),
  ],
  [
    'Adam maximize',
    'lambda ps: optim.Adam(ps, lr=0.01, maximize=True)',
    (ps) => new optim.Adam(ps, { lr: 0.01, maximize: true }),
  ],
  ['AdamW', 'lambda ps: optim.AdamW(ps)', (ps) => new optim.AdamW(ps)],
  [
    'AdamW amsgrad',
    'lambda ps: optim.AdamW(ps, lr=0.02, weight_decay=0.5, amsgrad=True)',
    (ps) => new optim.AdamW(ps, { lr: 0.02, weightDecay: 0.5, amsgrad: true }),
  ],
];

const trajectories: Case[] = OPTIMIZERS.flatMap(([name, py, js]): Case[] => [
  [name, `trajectory(${py})`, () => trajectory(js)],
  [`${name} with two groups`, `trajectory(${py}, groups=True)`, () => trajectory(js, 4, true)],
]);

const stateDicts: Case[] = OPTIMIZERS.flatMap(([name, py, js]): Case[] => [
  [name, `state(${py})`, () => state(js)],
  [`${name}, two groups`, `state(${py}, groups=True)`, () => state(js, 2, true)],
]);

const sgd = OPTIMIZERS[1][2];
const adam = OPTIMIZERS[6][2];
const loading: Case[] = [
  [
    'SGD state dict from another run',
    'reloaded(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), run(lambda ps: optim.SGD(ps, lr=0.3, momentum=0.5), 3)[0].state_dict())',
    () => {
      const [target] = run(sgd, 0);
      target.loadStateDict(run((ps) => new optim.SGD(ps, { lr: 0.3, momentum: 0.5 }), 3)[0].stateDict());
      return describeState(target.stateDict());
    },
  ],
  [
    'an old SGD layout (no maximize, foreach, differentiable)',
    "reloaded(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), {'state': {}, 'param_groups': [{'lr': 0.2, 'momentum': 0.9, 'dampening': 0, 'weight_decay': 0, 'nesterov': False, 'params': [0, 1, 2, 3]}]})",
    () => {
      const [target] = run(sgd, 0);
      target.loadStateDict({
        state: new Map(),
        param_groups: [
          { lr: 0.2, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, params: [0, 1, 2, 3] },
        ],
      });
      return describeState(target.stateDict());
    },
  ],
  [
    'an old Adam layout (integer step)',
    "reloaded(lambda ps: optim.Adam(ps), {'state': {0: {'step': 3, 'exp_avg': torch.ones(4, 6), 'exp_avg_sq': torch.ones(4, 6)}}, 'param_groups': [{'lr': 0.001, 'betas': (0.9, 0.999), 'eps': 1e-08, 'weight_decay': 0, 'amsgrad': False, 'params': [0, 1, 2, 3]}]})",
    () => {
      const [target] = run(adam, 0);
      target.loadStateDict({
        state: new Map([[0, { step: 3, exp_avg: torch.ones([4, 6]), exp_avg_sq: torch.ones([4, 6]) }]]),
        param_groups: [
          {
            lr: 0.001,
            betas: torch.tuple(0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0,
            amsgrad: false,
            params: [0, 1, 2, 3],
          },
        ],
      });
      return describeState(target.stateDict());
    },
  ],
  [
    'a different number of groups: error',
    'run(lambda ps: optim.SGD(ps, lr=0.1), 0)[0].load_state_dict(run(lambda ps: optim.SGD(ps, lr=0.1), 0, True)[0].state_dict())',
    () =>
      run((ps) => new optim.SGD(ps, { lr: 0.1 }), 0)[0].loadStateDict(
        run((ps) => new optim.SGD(ps, { lr: 0.1 }), 0, true)[0].stateDict(),
      ),
  ],
  [
    "a group that doesn't match: error",
    'optim.SGD([p(2)], lr=0.1).load_state_dict(optim.SGD([p(2), p(3)], lr=0.1).state_dict())',
    () =>
      new optim.SGD([new torch.Parameter(torch.ones([2]))], { lr: 0.1 }).loadStateDict(
        new optim.SGD([new torch.Parameter(torch.ones([2])), new torch.Parameter(torch.ones([3]))], {
          lr: 0.1,
        }).stateDict(),
      ),
  ],
];

const P = (): torch.Parameter => new torch.Parameter(torch.ones([2]));
const errors: Case[] = [
  ['negative learning rate', 'optim.SGD([p(2)], lr=-1)', () => new optim.SGD([P()], { lr: -1 })],
  [
    'negative momentum',
    'optim.SGD([p(2)], lr=0.1, momentum=-0.5)',
    () => new optim.SGD([P()], { lr: 0.1, momentum: -0.5 }),
  ],
  [
    'negative weight decay',
    'optim.SGD([p(2)], lr=0.1, weight_decay=-1)',
    () => new optim.SGD([P()], { lr: 0.1, weightDecay: -1 }),
  ],
  [
    'nesterov without momentum',
    'optim.SGD([p(2)], lr=0.1, nesterov=True)',
    () => new optim.SGD([P()], { lr: 0.1, nesterov: true }),
  ],
  ['SGD without lr in a group', "optim.SGD([{'params': [p(2)]}])", () => new optim.SGD([{ params: [P()] }])],
  ['an empty parameter list', 'optim.SGD([], lr=0.1)', () => new optim.SGD([], { lr: 0.1 })],
  [
    'a parameter in two groups',
    "(lambda q: optim.SGD([{'params': [q]}, {'params': [q]}], lr=0.1))(p(2))",
    () => {
      const q = P();
      return new optim.SGD([{ params: [q] }, { params: [q] }], { lr: 0.1 });
    },
  ],
  ['a non-leaf tensor', 'optim.SGD([p(2) * 2], lr=0.1)', () => new optim.SGD([P().mul(2)], { lr: 0.1 })],
  [
    'Adam beta out of range',
    'optim.Adam([p(2)], betas=(1, 0.999))',
    () => new optim.Adam([P()], { betas: [1, 0.999] }),
  ],
  ['Adam negative eps', 'optim.Adam([p(2)], eps=-1e-8)', () => new optim.Adam([P()], { eps: -1e-8 })],
  ['AdamW negative lr', 'optim.AdamW([p(2)], lr=-0.5)', () => new optim.AdamW([P()], { lr: -0.5 })],
];

const reprs: Case[] = [
  [
    'SGD',
    "repr(optim.SGD([{'params': [p(2)]}, {'params': [p(3)], 'lr': 1}], lr=0.1, momentum=0.9))",
    () => String(new optim.SGD([{ params: [P()] }, { params: [P()], lr: 1 }], { lr: 0.1, momentum: 0.9 })),
  ],
  ['Adam', 'repr(optim.Adam([p(2)], lr=1.0))', () => String(new optim.Adam([P()], { lr: new torch.Float(1) }))],
  ['AdamW', 'repr(optim.AdamW([p(2)]))', () => String(new optim.AdamW([P()]))],
];

describe('optimizers match PyTorch', () => {
  oracleCases(PRELUDE, {
    'trajectories (parameters after 4 steps, bit for bit)': trajectories,
    'state dicts (layout, order, int/float)': stateDicts,
    loadStateDict: loading,
    'errors with PyTorch messages': errors,
    'String(optimizer) is repr(optimizer)': reprs,
  });

  describe('JS-side behaviour', () => {
    it('step(closure) returns the loss the closure computed, with gradients on', () => {
      const w = new torch.Parameter(torch.tensor([1, 2], { dtype: 'float32' }));
      const opt = new optim.SGD([w], { lr: 0.5 });
      const loss = opt.step(() => {
        opt.zeroGrad();
        const l = w.mul(w).sum();
        l.backward();
        return l;
      }) as torch.Tensor;
      assert.equal(loss.item(), 5);
      assert.deepEqual(w.tolist(), [0, 0]);
    });

    it('parameters without gradients are skipped and get no state', () => {
      const a = new torch.Parameter(torch.ones([2]));
      const b = new torch.Parameter(torch.ones([2]));
      const opt = new optim.Adam([a, b]);
      a.sum().backward();
      opt.step();
      assert.deepEqual([...opt.state.keys()], [a]);
      assert.deepEqual(b.tolist(), [1, 1]);
    });

    it('zeroGrad zeroes by default and drops with setToNone', () => {
      const a = new torch.Parameter(torch.ones([2]));
      const opt = new optim.SGD([a], { lr: 0.1 });
      a.sum().backward();
      opt.zeroGrad();
      assert.deepEqual(a.grad?.tolist(), [0, 0]);
      opt.zeroGrad({ setToNone: true });
      assert.equal(a.grad, null);
    });

    it('addParamGroup takes camelCase options and fills defaults in order', () => {
      const opt = new optim.SGD([P()], { lr: 0.1, momentum: 0.9 });
      opt.addParamGroup({ params: [P()], weightDecay: 0.01 });
      assert.deepEqual(Object.keys(opt.paramGroups[1]), [
        'params',
        'weight_decay',
        'lr',
        'momentum',
        'dampening',
        'nesterov',
        'maximize',
        'foreach',
        'differentiable',
      ]);
      assert.equal(opt.paramGroups[1].weight_decay, 0.01);
    });
  });
});
