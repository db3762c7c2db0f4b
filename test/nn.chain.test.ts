// Native chains (lib/nn/chain.ts): a Sequential of built-in layers, and LeNet2, run in one native call. Values and
// gradients are PyTorch's bytes on the chained path and on the layer-by-layer path it falls back to; a spy on the
// binding shows which path ran.
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { native } from '../lib/native';
import { Case, oracleCases } from './helpers/oracle';
import { PY_INPUTS, rn } from './helpers/inputs';

const { nn } = torch;

const PRELUDE = `
${PY_INPUTS}
exec(open('scripts/parity/lenet2.py').read())
import torch.nn as nn
def seeded(seed, make):
    torch.manual_seed(seed)
    return make()
def fb(mod, x, seed=None):
    # forward then backward of the sum: output, input gradient, then every parameter's gradient
    x = x.clone().requires_grad_(True)
    if seed is not None: torch.manual_seed(seed)
    out = mod(x)
    out.sum().backward()
    return [out, x.grad] + [p.grad for p in mod.parameters()]
def convs():
    torch.manual_seed(3)
    return nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.ReLU(inplace=True),
                         nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
                         nn.Conv2d(4, 6, (3, 1), dilation=(2, 1), groups=2, bias=False), nn.ReLU())
def mlp():
    torch.manual_seed(4)
    return nn.Sequential(nn.Sequential(nn.Linear(8, 16), nn.ReLU()), nn.Dropout(0.3), nn.Linear(16, 3))
def mixed():
    torch.manual_seed(5)
    return nn.Sequential(nn.Conv2d(3, 2, 3), nn.Flatten(), nn.Linear(72, 4))
def lenet_new_head():
    torch.manual_seed(6)
    net = LeNet2(classes=10)
    net.classifier = nn.Sequential(nn.Linear(400, 7), nn.Dropout(0.5))
    return net
`;

function seeded<T>(seed: number, make: () => T): T {
  torch.manualSeed(seed);
  return make();
}

function convs(): torch.nn.Sequential {
  return seeded(3, () => {
    return new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { stride: 2, padding: 1 }),
      new nn.ReLU({ inplace: true }),
      new nn.MaxPool2d(3, 2, { padding: 1, ceilMode: true }),
      new nn.Conv2d(4, 6, [3, 1], { dilation: [2, 1], groups: 2, bias: false }),
      new nn.ReLU(),
    );
  });
}

function mlp(): torch.nn.Sequential {
  return seeded(4, () => {
    return new nn.Sequential(
      new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU()),
      new nn.Dropout(0.3),
      new nn.Linear(16, 3),
    );
  });
}

function mixed(): torch.nn.Sequential {
  return seeded(5, () => new nn.Sequential(new nn.Conv2d(3, 2, 3), new nn.Flatten(), new nn.Linear(72, 4)));
}

function lenetNewHead(): torch.models.LeNet2 {
  return seeded(6, () => {
    const net = new torch.models.LeNet2({ classes: 10 });
    net.classifier = new nn.Sequential(new nn.Linear(400, 7), new nn.Dropout(0.5));
    return net;
  });
}

/** Forward then backward of the sum: output, input gradient, then every parameter's gradient (as fb in Python). */
function fb(mod: torch.nn.Module, x: torch.Tensor, seed: number | null = null): unknown[] {
  const input = x.clone().requiresGrad_(true);
  if (seed !== null) torch.manualSeed(seed);
  const out: torch.Tensor = mod.call(input);
  out.sum().backward();
  return [out, input.grad, ...[...mod.parameters()].map((p) => p.grad)];
}

/** How many times the native chain ran during fn. */
function chainCalls(fn: () => void): number {
  const original = native.chain;
  let calls = 0;
  native.chain = (...args: Parameters<typeof original>) => {
    calls++;
    return original(...args);
  };
  try {
    fn();
  } finally {
    native.chain = original;
  }
  return calls;
}

const img = (): torch.Tensor => rn(20, [2, 3, 19, 19]);
const cases: Case[] = [
  [
    'convolutions, in-place ReLU, padded ceil-mode pooling',
    'fb(convs(), rn(20, 2, 3, 19, 19))',
    () => fb(convs(), img()),
  ],
  [
    'nested Sequential with dropout while training',
    'fb(mlp(), rn(21, 5, 8), seed=9)',
    () => fb(mlp(), rn(21, [5, 8]), 9),
  ],
  ['dropout in eval mode', 'fb(mlp().eval(), rn(21, 5, 8), seed=9)', () => fb(mlp().eval(), rn(21, [5, 8]), 9)],
  ['a Flatten among them: layer by layer', 'fb(mixed(), rn(22, 2, 3, 8, 8))', () => fb(mixed(), rn(22, [2, 3, 8, 8]))],
  [
    'LeNet2 forward and backward',
    'fb(seeded(2, lambda: LeNet2(classes=10)), rn(23, 2, 3, 32, 32))',
    () =>
      fb(
        seeded(2, () => new torch.models.LeNet2({ classes: 10 })),
        rn(23, [2, 3, 32, 32]),
      ),
  ],
  [
    'LeNet2 with a replaced classifier',
    'fb(lenet_new_head(), rn(23, 2, 3, 32, 32), seed=4)',
    () => fb(lenetNewHead(), rn(23, [2, 3, 32, 32]), 4),
  ],
  [
    'a wrong input shape raises PyTorch message',
    'convs()(rn(24, 2, 5, 9, 9))',
    () => convs().call(rn(24, [2, 5, 9, 9])),
  ],
  [
    'LeNet2 on a wrong image size raises PyTorch message',
    'seeded(2, lambda: LeNet2(classes=10))(rn(25, 1, 3, 28, 28))',
    () => seeded(2, () => new torch.models.LeNet2({ classes: 10 })).call(rn(25, [1, 3, 28, 28])),
  ],
];

describe('native chains of built-in layers', () => {
  describe('match PyTorch', () => oracleCases(`import math\n${PRELUDE}`, cases));

  it('a Sequential of built-in layers runs in one native call, nested ones included', () => {
    assert.equal(
      chainCalls(() => convs().call(img())),
      1,
    );
    assert.equal(
      chainCalls(() => mlp().call(rn(21, [5, 8]))),
      1,
    );
  });

  it('LeNet2 runs both stages in one call; a custom stage or layer makes it run layer by layer', () => {
    const net = seeded(2, () => new torch.models.LeNet2({ classes: 10 }));
    const x = rn(23, [2, 3, 32, 32]);
    assert.equal(
      chainCalls(() => net.call(x)),
      1,
    );
    class Doubling extends nn.Module {
      override forward(t: torch.Tensor): torch.Tensor {
        return t.mul(2);
      }
    }
    net.classifier.append(new Doubling());
    // features still chains; the classifier, with a custom layer, runs through its children's own forwards
    assert.equal(
      chainCalls(() => net.call(x)),
      1,
    );
    const seq = new nn.Sequential(new Doubling(), new nn.ReLU());
    assert.equal(
      chainCalls(() => seq.call(x)),
      0,
    );
  });

  it('a subclass of a built-in layer runs its own forward', () => {
    class Shifted extends nn.Linear {
      override forward(t: torch.Tensor): torch.Tensor {
        return super.forward(t).add(100);
      }
    }
    const seq = seeded(1, () => new nn.Sequential(new Shifted(2, 2), new nn.ReLU()));
    let out: torch.Tensor | null = null;
    assert.equal(
      chainCalls(() => {
        out = seq.call(torch.ones([1, 2]));
      }),
      0,
    );
    assert.ok(Number((out as unknown as torch.Tensor).min().item()) >= 99);
  });

  it('a layer with a forward patched onto it runs that forward', () => {
    const relu = new nn.ReLU();
    relu.forward = (t: torch.Tensor): torch.Tensor => t.neg();
    const seq = new nn.Sequential(new nn.Linear(2, 2), relu);
    const x = torch.ones([1, 2]);
    let out: torch.Tensor | null = null;
    assert.equal(
      chainCalls(() => {
        out = seq.call(x);
      }),
      0,
    );
    assert.deepEqual((out as unknown as torch.Tensor).tolist(), (seq.get(0) as torch.nn.Linear).call(x).neg().tolist());
  });

  it('a weight replaced between calls is the one used', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 1, { bias: false }), new nn.ReLU());
    (seq.get(0) as torch.nn.Linear).weight = new nn.Parameter(torch.tensor([[2, 3]], { dtype: 'float32' }));
    assert.deepEqual(seq.call(torch.tensor([[1, 1]], { dtype: 'float32' })).tolist(), [[5]]);
  });

  it('only in-place layers hand back the input itself', () => {
    const x = torch.tensor([-1, 2], { dtype: 'float32' });
    const out = new nn.Sequential(new nn.ReLU({ inplace: true })).call(x);
    assert.equal(out, x);
    assert.deepEqual(x.tolist(), [0, 2]);
  });
});
