// Autograd against PyTorch: gradients of the ops, accumulation, gradient arguments, graph reuse, detach, no_grad.
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { Case, oracleCases } from './helpers/oracle';
import { pos, PY_INPUTS, rn } from './helpers/inputs';

const PRELUDE = `${PY_INPUTS}
def grad_of(f, *leaves):
    y = f(*leaves)
    y.backward()
    return [l.grad for l in leaves]
X = lambda: rn(1, 3, 4).requires_grad_()
W = lambda: rn(2, 4, 2).requires_grad_()
P = lambda: pos(3, 3, 4).requires_grad_()
def twice():
    x = X()
    (x * 2).sum().backward()
    (x * x).sum().backward()
    return x.grad
def with_gradient():
    x = X()
    (x * 3).backward(rn(4, 3, 4))
    return x.grad
def retained():
    x = X()
    y = (x.exp() * 2).sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad
def second_backward():
    x = X()
    y = (x.exp() * 2).sum()
    y.backward()
    y.backward()
def second_order():
    x = X()
    (g,) = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
    g.sum().backward()
    return x.grad
def non_leaf():
    x = X()
    h = x * 2
    h.retain_grad()
    (h * h).sum().backward()
    return [h.grad, x.grad]
def detached():
    x = X()
    d = x.detach()
    return [d.requires_grad, d.grad_fn is None, d.data_ptr() == x.data_ptr()]
def no_grad():
    x = X()
    with torch.no_grad():
        y = x * 2
    return y
def in_place_on_leaf():
    x = X()
    x.add_(1)
`;
const X = (): torch.Tensor => rn(1, [3, 4]).requiresGrad_();
const W = (): torch.Tensor => rn(2, [4, 2]).requiresGrad_();
const P = (): torch.Tensor => pos(3, [3, 4]).requiresGrad_();

function gradOf(f: (...leaves: torch.Tensor[]) => torch.Tensor, ...leaves: torch.Tensor[]): (torch.Tensor | null)[] {
  f(...leaves).backward();
  return leaves.map((l) => l.grad);
}

const cases: Case[] = [
  ['grad of sum', 'grad_of(lambda x: x.sum(), X())', () => gradOf((x) => x.sum(), X())],
  ['grad of mean', 'grad_of(lambda x: x.mean(), X())', () => gradOf((x) => x.mean(), X())],
  [
    'grad of add, sub, mul, div',
    'grad_of(lambda x, p: ((x + 1) * p - x / p).sum(), X(), P())',
    () => gradOf((x, p) => x.add(1).mul(p).sub(x.div(p)).sum(), X(), P()),
  ],
  [
    'grad of pow, exp, log, sqrt',
    'grad_of(lambda p: (p.pow(3) + p.exp() + p.log() + p.sqrt()).sum(), P())',
    () => gradOf((p) => p.pow(3).add(p.exp()).add(p.log()).add(p.sqrt()).sum(), P()),
  ],
  [
    'grad of abs, neg, clamp',
    'grad_of(lambda x: (x.abs() - x.neg().clamp(-0.5, 0.5)).sum(), X())',
    () => gradOf((x) => x.abs().sub(x.neg().clamp(-0.5, 0.5)).sum(), X()),
  ],
  [
    'grad of tanh, sigmoid, relu',
    'grad_of(lambda x: (x.tanh() * x.sigmoid() + x.relu()).sum(), X())',
    () => gradOf((x) => x.tanh().mul(x.sigmoid()).add(x.relu()).sum(), X()),
  ],
  [
    'grad of matmul',
    'grad_of(lambda x, w: (x @ w).sum(), X(), W())',
    () => gradOf((x, w) => x.matmul(w).sum(), X(), W()),
  ],
  [
    'grad of max and min',
    'grad_of(lambda x: x.max() - x.min(1)[0].sum(), X())',
    () => gradOf((x) => x.max().sub(x.min(1).values.sum()), X()),
  ],
  [
    'grad of softmax and log_softmax',
    'grad_of(lambda x: (x.softmax(1) * rn(5, 3, 4)).sum() + x.log_softmax(0)[1, 2], X())',
    () =>
      gradOf(
        (x) =>
          x
            .softmax(1)
            .mul(rn(5, [3, 4]))
            .sum()
            .add(x.logSoftmax(0).index(1, 2)),
        X(),
      ),
  ],
  [
    'grad through views and indexing',
    'grad_of(lambda x: (x.t()[1:, ::2] * 3).sum() + x.view(12)[5], X())',
    () => gradOf((x) => x.t().index('1:', '::2').mul(3).sum().add(x.view(12).index(5)), X()),
  ],
  [
    'grad through cat and stack',
    'grad_of(lambda x: (torch.cat([x, x * 2]) ** 2).sum() + torch.stack([x, x])[1, 0, 0], X())',
    () =>
      gradOf(
        (x) =>
          torch
            .cat([x, x.mul(2)])
            .pow(2)
            .sum()
            .add(torch.stack([x, x]).index(1, 0, 0)),
        X(),
      ),
  ],
  [
    'grad of var and std',
    'grad_of(lambda x: x.var() + x.std(1).sum(), X())',
    () => gradOf((x) => x.var().add(x.std(1).sum()), X()),
  ],
  [
    'grads accumulate over two backward calls',
    'twice()',
    () => {
      const x = X();
      x.mul(2).sum().backward();
      x.mul(x).sum().backward();
      return x.grad;
    },
  ],
  [
    'backward with a gradient',
    'with_gradient()',
    () => {
      const x = X();
      x.mul(3).backward(rn(4, [3, 4]));
      return x.grad;
    },
  ],
  [
    'backward with retain_graph twice',
    'retained()',
    () => {
      const x = X();
      const y = x.exp().mul(2).sum();
      y.backward(null, { retainGraph: true });
      y.backward();
      return x.grad;
    },
  ],
  [
    'a second backward without retain_graph raises',
    'second_backward()',
    () => {
      const y = X().exp().mul(2).sum();
      y.backward();
      y.backward();
    },
  ],
  ['backward of a non-scalar raises', 'X().mul(2).backward()', () => X().mul(2).backward()],
  [
    'backward of a tensor without grad raises',
    'torch.ones(2).sum().backward()',
    () => torch.ones([2]).sum().backward(),
  ],
  [
    'retain_grad keeps a non-leaf gradient',
    'non_leaf()',
    () => {
      const x = X();
      const h = x.mul(2).retainGrad();
      h.mul(h).sum().backward();
      return [h.grad, x.grad];
    },
  ],
  [
    'detach shares data and leaves the graph',
    'detached()',
    () => {
      const x = X();
      const d = x.detach();
      d.index(0, 0).fill_(42);
      return [d.requiresGrad, d.gradFn === null, x.index(0, 0).item() === 42];
    },
  ],
  ['no_grad results do not require grad', 'no_grad()', () => torch.noGrad(() => X().mul(2))],
  ['in-place op on a leaf that requires grad raises', 'in_place_on_leaf()', () => X().add_(1)],
  [
    'setting requires_grad on an int tensor raises',
    "setattr(torch.ones(2, dtype=torch.int64), 'requires_grad', True)",
    () => {
      torch.ones([2], { dtype: 'int64' }).requiresGrad = true;
    },
  ],
  [
    'requires_grad on an int tensor raises',
    'torch.ones(2, dtype=torch.int64).requires_grad_()',
    () => torch.ones([2], { dtype: 'int64' }).requiresGrad_(),
  ],
];

describe('autograd against PyTorch', () => {
  oracleCases(PRELUDE, cases);

  it('noGrad restores the previous mode, also after a throw, and nests with enableGrad', () => {
    assert.equal(torch.isGradEnabled(), true);
    assert.throws(() =>
      torch.noGrad(() => {
        throw new Error('inner');
      }),
    );
    assert.equal(torch.isGradEnabled(), true);
    const x = X();
    torch.noGrad(() => {
      assert.equal(torch.isGradEnabled(), false);
      assert.equal(torch.enableGrad(() => x.mul(2)).gradFn, 'MulBackward0');
      assert.equal(x.mul(2).requiresGrad, false);
    });
    assert.equal(torch.isGradEnabled(), true);
  });

  it('noGrad rejects an async function and leaves grad mode on', () => {
    assert.throws(() => torch.noGrad(async () => 1), /synchronous function/);
    assert.equal(torch.isGradEnabled(), true);
  });

  it('leaves, grad_fn names, and clearing a gradient', () => {
    const x = X();
    assert.equal(x.isLeaf, true);
    assert.equal(x.gradFn, null);
    const y = x.mul(2);
    assert.equal(y.isLeaf, false);
    assert.equal(y.gradFn, 'MulBackward0');
    y.sum().backward();
    assert.ok(x.grad);
    x.grad = null;
    assert.equal(x.grad, null);
    x.requiresGrad = false;
    assert.equal(x.requiresGrad, false);
  });
});
