// Learning-rate schedulers against PyTorch 1.13: the learning rates of every step (exact floats, ints where Python
// keeps ints), state dicts in 1.13's layout and order, resuming through lastEpoch or loadStateDict, the deprecated
// step(epoch) closed form, and PyTorch's messages.
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { describeState, PY_DESCRIBE } from './helpers/describe-state';
import { Case, oracleCases } from './helpers/oracle';

const { optim } = torch;
const { lr_scheduler } = optim;

const PRELUDE = `
${PY_DESCRIBE}
import warnings
warnings.simplefilter('ignore')
import torch.optim as optim
from torch.optim import lr_scheduler
def opt(lr=0.1, lr2=None):
    groups = [{'params': [torch.nn.Parameter(torch.ones(1))]}]
    if lr2 is not None: groups.append({'params': [torch.nn.Parameter(torch.ones(1))], 'lr': lr2})
    return optim.SGD(groups, lr=lr, momentum=0.9)
def lrs(make, steps=12, lr=0.1, lr2=None):
    o = opt(lr, lr2)
    s = make(o)
    out = [desc(s.get_last_lr())]
    for _ in range(steps):
        o.step()
        s.step()
        out.append(desc(s.get_last_lr()))
    return out + [desc(s.state_dict()), desc(o.state_dict()['param_groups'])]
def key_error(f):
    try:
        f()
    except KeyError as e:
        return e.args[0]
def jumped(make, epochs):
    o = opt()
    s = make(o)
    out = []
    for e in epochs:
        s.step(e)
        out.append(desc(s.get_last_lr()))
    return out
`;

type Make = (o: torch.optim.Optimizer) => torch.optim.lr_scheduler.LRScheduler;

function opt(lr: number | torch.Float = 0.1, lr2?: number): torch.optim.SGD {
  const groups: torch.optim.ParamGroupInput[] = [{ params: [new torch.Parameter(torch.ones([1]))] }];
  if (lr2 !== undefined) groups.push({ params: [new torch.Parameter(torch.ones([1]))], lr: lr2 });
  return new optim.SGD(groups, { lr, momentum: 0.9 });
}

function lrs(make: Make, steps = 12, lr: number | torch.Float = 0.1, lr2?: number): string[] {
  const o = opt(lr, lr2);
  const s = make(o);
  const out = [describeState(s.getLastLr())];
  for (let i = 0; i < steps; i++) {
    o.step();
    s.step();
    out.push(describeState(s.getLastLr()));
  }
  return [...out, describeState(s.stateDict()), describeState(o.stateDict().param_groups)];
}

function jumped(make: Make, epochs: number[]): string[] {
  const s = make(opt());
  return epochs.map((e) => {
    s.step(e);
    return describeState(s.getLastLr());
  });
}

const quiet = (fn: () => unknown): unknown => {
  const emit = process.emitWarning;
  process.emitWarning = () => undefined;
  try {
    return fn();
  } finally {
    process.emitWarning = emit;
  }
};

const schedules: Case[] = [
  [
    'StepLR(step_size=3)',
    'lrs(lambda o: lr_scheduler.StepLR(o, step_size=3))',
    () => lrs((o) => new lr_scheduler.StepLR(o, { stepSize: 3 })),
  ],
  [
    'StepLR gamma 0.5, two groups',
    'lrs(lambda o: lr_scheduler.StepLR(o, 2, gamma=0.5), lr2=0.3)',
    () => lrs((o) => new lr_scheduler.StepLR(o, { stepSize: 2, gamma: 0.5 }), 12, 0.1, 0.3),
  ],
  [
    'StepLR with an int lr and int gamma keeps ints',
    'lrs(lambda o: lr_scheduler.StepLR(o, 2, gamma=2), lr=1)',
    () => lrs((o) => new lr_scheduler.StepLR(o, { stepSize: 2, gamma: 2 }), 12, 1),
  ],
  [
    'StepLR with an integral float lr',
    'lrs(lambda o: lr_scheduler.StepLR(o, 2, gamma=2), lr=1.0)',
    () => lrs((o) => new lr_scheduler.StepLR(o, { stepSize: 2, gamma: 2 }), 12, new torch.Float(1)),
  ],
  [
    'MultiStepLR with a repeated milestone',
    'lrs(lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3))',
    () => lrs((o) => new lr_scheduler.MultiStepLR(o, { milestones: [2, 5, 5, 9], gamma: 0.3 })),
  ],
  [
    'ExponentialLR',
    'lrs(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9), lr2=0.02)',
    () => lrs((o) => new lr_scheduler.ExponentialLR(o, { gamma: 0.9 }), 12, 0.1, 0.02),
  ],
  [
    'CosineAnnealingLR past T_max (restart branch)',
    'lrs(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=4), steps=20)',
    () => lrs((o) => new lr_scheduler.CosineAnnealingLR(o, { tMax: 4 }), 20),
  ],
  [
    'CosineAnnealingLR eta_min',
    'lrs(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=7, eta_min=0.001), lr2=0.5)',
    () => lrs((o) => new lr_scheduler.CosineAnnealingLR(o, { tMax: 7, etaMin: 0.001 }), 12, 0.1, 0.5),
  ],
];

const closedForm: Case[] = [
  [
    'StepLR.step(epoch)',
    'jumped(lambda o: lr_scheduler.StepLR(o, 3), [5, 7, 2, 9])',
    () => quiet(() => jumped((o) => new lr_scheduler.StepLR(o, { stepSize: 3 }), [5, 7, 2, 9])),
  ],
  [
    'MultiStepLR.step(epoch)',
    'jumped(lambda o: lr_scheduler.MultiStepLR(o, [2, 4, 4]), [3, 6, 1])',
    () => quiet(() => jumped((o) => new lr_scheduler.MultiStepLR(o, { milestones: [2, 4, 4] }), [3, 6, 1])),
  ],
  [
    'ExponentialLR.step(epoch)',
    'jumped(lambda o: lr_scheduler.ExponentialLR(o, 0.5), [3, 10])',
    () => quiet(() => jumped((o) => new lr_scheduler.ExponentialLR(o, { gamma: 0.5 }), [3, 10])),
  ],
  [
    'CosineAnnealingLR.step(epoch)',
    'jumped(lambda o: lr_scheduler.CosineAnnealingLR(o, 10, 0.01), [3, 10, 14])',
    () => quiet(() => jumped((o) => new lr_scheduler.CosineAnnealingLR(o, { tMax: 10, etaMin: 0.01 }), [3, 10, 14])),
  ],
];

const resuming: Case[] = [
  [
    "the lesson's resume: scheduler.last_epoch = start_epoch",
    '(lambda o: (lambda s: (setattr(s, "last_epoch", 4), o.step(), s.step(), o.step(), s.step(), desc(s.state_dict()))[-1])(lr_scheduler.StepLR(o, 5, 0.1)))(opt())',
    () => {
      const o = opt();
      const s = new lr_scheduler.StepLR(o, { stepSize: 5, gamma: 0.1 });
      s.lastEpoch = 4;
      for (let i = 0; i < 2; i++) {
        o.step();
        s.step();
      }
      return describeState(s.stateDict());
    },
  ],
  [
    'a scheduler created with last_epoch resumes from initial_lr',
    "(lambda o: (o.param_groups[0].setdefault('initial_lr', 0.4), desc(lr_scheduler.CosineAnnealingLR(o, 10, last_epoch=3).state_dict()))[1])(opt())",
    () => {
      const o = opt();
      o.paramGroups[0].initial_lr = 0.4;
      return describeState(new lr_scheduler.CosineAnnealingLR(o, { tMax: 10, lastEpoch: 3 }).stateDict());
    },
  ],
  [
    'last_epoch without initial_lr: error',
    'key_error(lambda: lr_scheduler.StepLR(opt(), 3, last_epoch=5))',
    () => {
      try {
        new lr_scheduler.StepLR(opt(), { stepSize: 3, lastEpoch: 5 });
      } catch (e) {
        assert.equal((e as torch.TorchError).pyType, 'KeyError');
        return (e as Error).message;
      }
      return 'no error';
    },
  ],
  [
    'load_state_dict then continue',
    '(lambda a, b: (b.load_state_dict(a.state_dict()), b.step(), b.step(), desc(b.state_dict()))[-1])((lambda o: [o.step(), lr_scheduler.MultiStepLR(o, [1, 3])][1])(opt()), lr_scheduler.MultiStepLR(opt(), [7]))',
    () => {
      const o = opt();
      o.step();
      const a = new lr_scheduler.MultiStepLR(o, { milestones: [1, 3] });
      const b = new lr_scheduler.MultiStepLR(opt(), { milestones: [7] });
      b.loadStateDict(a.stateDict());
      quiet(() => b.step());
      b.step();
      return describeState(b.stateDict());
    },
  ],
];

describe('lr schedulers match PyTorch', () => {
  oracleCases(PRELUDE, {
    'learning rates, state dicts and groups over the steps': schedules,
    'step(epoch): the closed form': closedForm,
    resuming,
  });

  it('warns when scheduler.step() comes before optimizer.step(), as PyTorch does', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    const emit = process.emitWarning;
    let printed = 0;
    process.emitWarning = ((...args: Parameters<typeof process.emitWarning>) => {
      printed++;
      return emit.apply(process, args);
    }) as typeof process.emitWarning;
    try {
      new lr_scheduler.StepLR(opt(), { stepSize: 1 }).step();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.emitWarning = emit;
      process.off('warning', onWarning);
    }
    assert.equal(printed, 1);
    assert.match(warnings[0], /^Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`/);
  });

  it('a scheduler needs an optimizer', () => {
    assert.throws(
      () => new lr_scheduler.StepLR({} as torch.optim.Optimizer, { stepSize: 1 }),
      (e: torch.TorchError) => e.pyType === 'TypeError' && e.message === 'Object is not an Optimizer',
    );
  });
});
