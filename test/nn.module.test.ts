// nn.Module semantics against PyTorch 1.13: registration order, traversal, state dicts and their _metadata,
// loadStateDict's results and messages, train/eval, zeroGrad, to(), and String(module) equal to repr(module).
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { Case, oracleCases } from './helpers/oracle';
import { PY_INPUTS, rn } from './helpers/inputs';

const { nn } = torch;
const { LeNet2 } = torch.models;

const PRELUDE = `
${PY_INPUTS}
import torch.nn as nn
sys.path.insert(0, 'scripts/parity')
from lenet2 import LeNet2
def lenet(classes=10, seed=1):
    torch.manual_seed(seed)
    return LeNet2(classes)
def edited(sd, drop=(), add=None, reshape=None):
    for k in drop: del sd[k]
    for k, v in (add or {}).items(): sd[k] = v
    for k, shape in (reshape or {}).items(): sd[k] = torch.zeros(shape)
    return sd
def loaded(net, sd, strict=True):
    r = net.load_state_dict(sd, strict=strict)
    return [r.missing_keys, r.unexpected_keys, list(net.state_dict().values())]
def metadata(sd):
    return [[k, v['version']] for k, v in sd._metadata.items()]
def trained(net, x):
    net(x).sum().backward()
    return net
class Custom(nn.Module):
    def __init__(self):
        super().__init__()
        self.alpha = nn.Parameter(torch.ones(2))
        self.register_buffer('steps', torch.zeros(1))
        self.register_buffer('scratch', torch.zeros(3), persistent=False)
        self.body = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
        self.beta = nn.Parameter(torch.zeros(1))
`;

function lenet(classes = 10, seed = 1): torch.models.LeNet2 {
  torch.manualSeed(seed);
  return new LeNet2({ classes });
}

interface EditOptions {
  drop?: string[];
  add?: Record<string, torch.Tensor>;
  reshape?: Record<string, number[]>;
}

function edited(sd: torch.nn.StateDict, opts: EditOptions = {}): torch.nn.StateDict {
  for (const k of opts.drop ?? []) sd.delete(k);
  for (const [k, v] of Object.entries(opts.add ?? {})) sd.set(k, v);
  for (const [k, shape] of Object.entries(opts.reshape ?? {})) sd.set(k, torch.zeros(shape));
  return sd;
}

function loaded(net: torch.nn.Module, sd: torch.nn.StateDict, strict = true): unknown[] {
  const r = net.loadStateDict(sd, { strict });
  return [r.missingKeys, r.unexpectedKeys, [...net.stateDict().values()]];
}

function metadata(sd: torch.nn.StateDict): unknown[] {
  return [...(sd.metadata as Map<string, Map<string, number>>)].map(([k, v]) => [k, v.get('version')]);
}

function trained<T extends torch.nn.Module>(net: T, x: torch.Tensor): T {
  ((net as torch.nn.Module).call(x) as torch.Tensor).sum().backward();
  return net;
}

class Custom extends nn.Module {
  declare alpha: torch.Parameter;
  declare body: torch.nn.Sequential;
  declare beta: torch.Parameter;
  constructor() {
    super();
    this.alpha = new torch.Parameter(torch.ones([2]));
    this.registerBuffer('steps', torch.zeros([1]));
    this.registerBuffer('scratch', torch.zeros([3]), { persistent: false });
    this.body = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
    this.beta = new torch.Parameter(torch.zeros([1]));
  }
}

const image = (): torch.Tensor => rn(3, [2, 3, 32, 32]);

const structure: Case[] = [
  [
    'named_parameters order',
    '[n for n, _ in lenet().named_parameters()]',
    () => [...lenet().namedParameters()].map(([n]) => n),
  ],
  [
    'a custom module registers in assignment order',
    '[n for n, _ in Custom().named_parameters()]',
    () => [...new Custom().namedParameters()].map(([n]) => n),
  ],
  [
    'named_buffers include non-persistent ones',
    '[n for n, _ in Custom().named_buffers()]',
    () => [...new Custom().namedBuffers()].map(([n]) => n),
  ],
  [
    'state_dict keys leave non-persistent buffers out',
    'list(Custom().state_dict().keys())',
    () => [...new Custom().stateDict().keys()],
  ],
  [
    'state_dict _metadata (module versions)',
    'metadata(Custom().state_dict())',
    () => metadata(new Custom().stateDict()),
  ],
  ['LeNet2 state_dict _metadata', 'metadata(lenet().state_dict())', () => metadata(lenet().stateDict())],
  [
    'state_dict values are detached',
    '[t.requires_grad for t in lenet().state_dict().values()]',
    () => [...lenet().stateDict().values()].map((t) => t.requiresGrad),
  ],
  [
    'state_dict with keep_vars',
    '[t.requires_grad for t in lenet().state_dict(keep_vars=True).values()]',
    () => [...lenet().stateDict({ keepVars: true }).values()].map((t) => t.requiresGrad),
  ],
  ['named_modules', '[n for n, _ in lenet().named_modules()]', () => [...lenet().namedModules()].map(([n]) => n)],
  ['named_children', '[n for n, _ in lenet().named_children()]', () => [...lenet().namedChildren()].map(([n]) => n)],
  [
    'children of a Sequential',
    '[type(m).__name__ for m in lenet().features.children()]',
    () => [...lenet().features.children()].map((m) => m.constructor.name),
  ],
  ['Sequential indexing from the end', 'repr(lenet().classifier[-1])', () => String(lenet().classifier.get(-1))],
  ['Sequential index out of range: error', 'lenet().features[6]', () => lenet().features.get(6)],
  ['Sequential slice', 'repr(lenet().features[1:3])', () => String(lenet().features.slice(1, 3))],
  [
    'a Sequential from an OrderedDict',
    "repr(nn.Sequential(OrderedDict([('conv', nn.Conv2d(1, 2, 3)), ('act', nn.ReLU())])))",
    () =>
      String(
        new nn.Sequential(
          new Map<string, torch.nn.Module>([
            ['conv', new nn.Conv2d(1, 2, 3)],
            ['act', new nn.ReLU()],
          ]),
        ),
      ),
  ],
  [
    'assigning a tensor to a parameter name: error',
    "setattr(nn.Linear(2, 3), 'weight', torch.zeros(3, 2))",
    () => {
      (new nn.Linear(2, 3) as unknown as Record<string, unknown>).weight = torch.zeros([3, 2]);
    },
  ],
  [
    'assigning a number to a child name: error',
    "setattr(lenet(), 'features', 3)",
    () => {
      (lenet() as unknown as Record<string, unknown>).features = 3;
    },
  ],
  [
    'assigning a string to a buffer name: error',
    "setattr(nn.BatchNorm1d(2), 'running_mean', 'x')",
    () => {
      (new nn.BatchNorm1d(2) as unknown as Record<string, unknown>).running_mean = 'x';
    },
  ],
];

const loading: Case[] = [
  [
    'load_state_dict from another seed',
    'loaded(lenet(), lenet(seed=2).state_dict())',
    () => loaded(lenet(), lenet(10, 2).stateDict()),
  ],
  [
    'missing and unexpected keys: error',
    "lenet().load_state_dict(edited(lenet().state_dict(), drop=['features.0.bias', 'classifier.4.weight'], add={'features.9.weight': torch.zeros(1), 'extra': torch.zeros(1)}))",
    () =>
      lenet().loadStateDict(
        edited(lenet().stateDict(), {
          drop: ['features.0.bias', 'classifier.4.weight'],
          add: { 'features.9.weight': torch.zeros([1]), extra: torch.zeros([1]) },
        }),
      ),
  ],
  [
    'missing and unexpected keys, strict=False',
    "loaded(lenet(), edited(lenet(seed=3).state_dict(), drop=['features.0.bias'], add={'extra.x': torch.zeros(1)}), strict=False)",
    () =>
      loaded(
        lenet(),
        edited(lenet(10, 3).stateDict(), { drop: ['features.0.bias'], add: { 'extra.x': torch.zeros([1]) } }),
        false,
      ),
  ],
  [
    'size mismatch: error even without strict',
    'lenet().load_state_dict(lenet(2019).state_dict(), strict=False)',
    () => lenet().loadStateDict(lenet(2019).stateDict(), { strict: false }),
  ],
  [
    'size mismatch and missing keys together: error',
    "lenet().load_state_dict(edited(lenet().state_dict(), drop=['features.3.bias'], reshape={'features.0.weight': (6, 3, 3, 3)}))",
    () =>
      lenet().loadStateDict(
        edited(lenet().stateDict(), { drop: ['features.3.bias'], reshape: { 'features.0.weight': [6, 3, 3, 3] } }),
      ),
  ],
  [
    'a non-tensor value: error',
    "lenet().load_state_dict(edited(lenet().state_dict(), add={'features.0.bias': 3}))",
    () =>
      lenet().loadStateDict(edited(lenet().stateDict(), { add: { 'features.0.bias': 3 as unknown as torch.Tensor } })),
  ],
  [
    'BatchNorm state dict of version 1 gets num_batches_tracked',
    "loaded(nn.BatchNorm1d(3), OrderedDict([(k, v) for k, v in nn.BatchNorm1d(3).state_dict().items() if k != 'num_batches_tracked']))",
    () => {
      const sd = new nn.BatchNorm1d(3).stateDict();
      sd.delete('num_batches_tracked');
      sd.metadata = undefined;
      return loaded(new nn.BatchNorm1d(3), sd);
    },
  ],
  [
    'a plain dict loads',
    'loaded(nn.Linear(2, 2), {"weight": torch.ones(2, 2), "bias": torch.zeros(2)})',
    () =>
      loaded(new nn.Linear(2, 2), {
        weight: torch.ones([2, 2]),
        bias: torch.zeros([2]),
      } as unknown as torch.nn.StateDict),
  ],
];

const modes: Case[] = [
  [
    'eval() then train() on a child',
    '(lambda n: (n.eval(), n.features.train(), [m.training for m in n.modules()])[2])(lenet())',
    () => {
      const n = lenet();
      n.eval();
      n.features.train();
      return [...n.modules()].map((m) => m.training);
    },
  ],
  ['train() with a non-bool: error', "lenet().train('yes')", () => lenet().train('yes' as unknown as boolean)],
  [
    'zero_grad zeroes gradients (1.13 default)',
    '[p.grad for p in (lambda n: (n.zero_grad(), n)[1])(trained(lenet(), rn(3, 2, 3, 32, 32))).parameters()]',
    () => {
      const n = trained(lenet(), image());
      n.zeroGrad();
      return [...n.parameters()].map((p) => p.grad);
    },
  ],
  [
    'zero_grad(set_to_none=True)',
    '[p.grad for p in (lambda n: (n.zero_grad(set_to_none=True), n)[1])(trained(lenet(), rn(3, 2, 3, 32, 32))).parameters()]',
    () => {
      const n = trained(lenet(), image());
      n.zeroGrad({ setToNone: true });
      return [...n.parameters()].map((p) => p.grad);
    },
  ],
  [
    'to(float64) casts parameters and buffers',
    'list(nn.BatchNorm1d(2).to(torch.float64).state_dict().values())',
    () => [...new nn.BatchNorm1d(2).to('float64').stateDict().values()],
  ],
  ['to(int64): error', 'nn.Linear(2, 2).to(torch.int64)', () => new nn.Linear(2, 2).to('int64')],
  ['forward of the lesson net', 'lenet()(rn(3, 2, 3, 32, 32))', () => lenet().call(image())],
  [
    'forward after initialize()',
    '(lambda n: (n.initialize(), n)[1])(lenet())(rn(3, 2, 3, 32, 32))',
    () => {
      const n = lenet();
      n.initialize();
      return n.call(image());
    },
  ],
];

const repr = (name: string, py: string, js: () => unknown): Case => [name, `repr(${py})`, () => String(js())];
const reprs: Case[] = [
  repr("the lesson's LeNet2(classes=2019)", 'LeNet2(2019)', () => new LeNet2({ classes: 2019 })),
  repr(
    'Conv2d with every option',
    'nn.Conv2d(4, 6, (3, 2), stride=2, padding=(1, 0), dilation=2, groups=2, bias=False)',
    () => new nn.Conv2d(4, 6, [3, 2], { stride: 2, padding: [1, 0], dilation: 2, groups: 2, bias: false }),
  ),
  repr('Linear without bias', 'nn.Linear(3, 4, bias=False)', () => new nn.Linear(3, 4, { bias: false })),
  repr('ReLU(inplace=True)', 'nn.ReLU(inplace=True)', () => new nn.ReLU({ inplace: true })),
  repr(
    'MaxPool2d with tuples',
    'nn.MaxPool2d((3, 2), (2, 1), padding=1, ceil_mode=True)',
    () => new nn.MaxPool2d([3, 2], [2, 1], { padding: 1, ceilMode: true }),
  ),
  repr('AvgPool2d', 'nn.AvgPool2d(3, padding=1)', () => new nn.AvgPool2d(3, null, { padding: 1 })),
  repr('Flatten', 'nn.Flatten()', () => new nn.Flatten()),
  repr('Dropout', 'nn.Dropout(0.25)', () => new nn.Dropout(0.25)),
  repr('BatchNorm2d', 'nn.BatchNorm2d(16)', () => new nn.BatchNorm2d(16)),
  repr(
    'BatchNorm1d momentum None, no affine',
    'nn.BatchNorm1d(8, eps=0.001, momentum=None, affine=False)',
    () => new nn.BatchNorm1d(8, { eps: 0.001, momentum: null, affine: false }),
  ),
  repr('Softmax', 'nn.Softmax(dim=-1)', () => new nn.Softmax(-1)),
  repr('Softmax without dim', 'nn.Softmax()', () => new nn.Softmax()),
  repr(
    'losses',
    '[nn.CrossEntropyLoss(), nn.NLLLoss(), nn.MSELoss()]',
    () => `[${[new nn.CrossEntropyLoss(), new nn.NLLLoss(), new nn.MSELoss()].join(', ')}]`,
  ),
  repr('a custom module with a nested Sequential', 'Custom()', () => new Custom()),
  repr('an empty Sequential', 'nn.Sequential()', () => new nn.Sequential()),
];

describe('nn.Module matches PyTorch', () => {
  oracleCases(`from collections import OrderedDict\n${PRELUDE}`, {
    'registration and traversal': structure,
    loadStateDict: loading,
    'modes, gradients and devices': modes,
    'String(module) is repr(module)': reprs,
  });

  describe('JS-side behaviour', () => {
    it('registered children read back as properties and by index', () => {
      const net = lenet();
      assert.equal(net.features[0], net.features.get(0));
      assert.ok(net.features[3] instanceof nn.Conv2d);
      assert.equal(net.features.length, 6);
      assert.deepEqual(
        [...net.features].map((m) => m.constructor.name),
        ['Conv2d', 'ReLU', 'MaxPool2d', 'Conv2d', 'ReLU', 'MaxPool2d'],
      );
    });

    it('Module.to keeps the Parameter objects an optimizer holds', () => {
      const lin = new nn.Linear(2, 2);
      const before = [...lin.parameters()];
      const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
      lin.to('float64');
      assert.deepEqual([...lin.parameters()], before);
      assert.equal(opt.paramGroups[0].params[0], lin.weight);
      assert.equal(lin.weight.dtype, 'float64');
    });

    it('reassigning a parameter name to null keeps it declared but absent', () => {
      const lin = new nn.Linear(2, 2);
      (lin as unknown as { bias: null }).bias = null;
      assert.deepEqual([...lin.stateDict().keys()], ['weight']);
      assert.equal(String(lin), 'Linear(in_features=2, out_features=2, bias=False)');
    });

    it('a plain attribute replaced by a module moves to the children', () => {
      const m = new nn.Module() as torch.nn.Module & { head?: unknown };
      m.head = 3;
      m.head = new nn.ReLU();
      assert.deepEqual(
        [...m.namedChildren()].map(([n]) => n),
        ['head'],
      );
      assert.equal(Object.getOwnPropertyDescriptor(m, 'head')?.get !== undefined, true);
      delete m.head;
      assert.equal([...m.children()].length, 0);
    });

    it('registering over an existing attribute throws KeyError', () => {
      const m = new nn.Linear(2, 2);
      assert.throws(
        () => m.registerBuffer('forward', torch.zeros([1])),
        (e: torch.TorchError) => e.pyType === 'KeyError' && e.message === "attribute 'forward' already exists",
      );
    });

    it('call() runs forward, and a module without forward says so', () => {
      assert.throws(
        () => new nn.Module().call(),
        (e: torch.TorchError) => e.pyType === 'NotImplementedError' && /missing the required "forward"/.test(e.message),
      );
    });
  });
});
