// Shapes, views and indexing against PyTorch: values, and for views the strides and storage offset too.
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { Case, oracleCases } from './helpers/oracle';
import { PY_INPUTS, rn } from './helpers/inputs';

const PRELUDE = `${PY_INPUTS}
X = lambda: rn(1, 2, 3, 4)
M = lambda: rn(2, 4, 5)
def layout(t): return [list(t.shape), list(t.stride()), t.storage_offset(), t.is_contiguous()]
def put(t, idx, v):
    t[idx] = v
    return t
`;
const X = (): torch.Tensor => rn(1, [2, 3, 4]);
const M = (): torch.Tensor => rn(2, [4, 5]);
const layout = (t: torch.Tensor): unknown[] => [t.shape, t.stride(), t.storageOffset(), t.isContiguous()];

// Each view twice: its values, and its layout (shape, strides, offset, contiguity) as PyTorch makes it.
function view(name: string, py: string, js: () => torch.Tensor): Case[] {
  return [
    [name, py, js],
    [`${name}: layout`, `layout(${py})`, () => layout(js())],
  ];
}

const shapes: Case[] = [
  ...view('view', 'X().view(6, 4)', () => X().view(6, 4)),
  ...view('view with -1', 'X().view(-1, 2)', () => X().view([-1, 2])),
  ...view('reshape of a non-contiguous tensor copies', 'X().transpose(0, 2).reshape(4, 6)', () =>
    X().transpose(0, 2).reshape(4, 6),
  ),
  ...view('flatten', 'X().flatten()', () => X().flatten()),
  ...view('flatten a range', 'X().flatten(1)', () => X().flatten(1)),
  ...view('squeeze', 'rn(3, 1, 3, 1).squeeze()', () => rn(3, [1, 3, 1]).squeeze()),
  ...view('squeeze dim', 'rn(3, 1, 3, 1).squeeze(-1)', () => rn(3, [1, 3, 1]).squeeze(-1)),
  ...view('unsqueeze', 'M().unsqueeze(1)', () => M().unsqueeze(1)),
  ...view('permute', 'X().permute(2, 0, 1)', () => X().permute(2, 0, 1)),
  ...view('transpose', 'X().transpose(-1, 0)', () => X().transpose(-1, 0)),
  ...view('t', 'M().t()', () => M().t()),
  ...view('T', 'M().T', () => M().T),
  ...view('select', 'X().select(1, -1)', () => X().select(1, -1)),
  ...view('narrow', 'X().narrow(2, 1, 2)', () => X().narrow(2, 1, 2)),
  ...view('expand', 'rn(4, 3, 1).expand(3, 4)', () => rn(4, [3, 1]).expand(3, 4)),
  ...view('expand with -1', 'rn(4, 3, 1).expand(2, -1, 5)', () => rn(4, [3, 1]).expand(2, -1, 5)),
  ...view('expand_as', 'rn(4, 3, 1).expand_as(X())', () => rn(4, [3, 1]).expandAs(X())),
  ...view('view as another dtype', 'M().view(torch.int32)', () => M().viewAs('int32')),
  ...view('view as a narrower dtype', 'M().view(torch.int16)', () => M().viewAs('int16')),
  ...view('torch.flatten', 'torch.flatten(X(), 0, 1)', () => torch.flatten(X(), 0, 1)),
  [
    'numel and dim',
    '[X().numel(), X().dim(), X()[0].numel(), torch.zeros(()).dim()]',
    () => [X().numel(), X().dim(), X().index(0).numel(), torch.zeros([]).dim()],
  ],
  [
    'detach_ on a result',
    '(lambda t: [t.detach_().requires_grad, t.grad_fn is None])(rn(6, 3).requires_grad_() * 2)',
    () => {
      const t = rn(6, [3]).requiresGrad_().mul(2);
      return [t.detach_().requiresGrad, t.gradFn === null];
    },
  ],
  ['repeat', 'M().repeat(2, 1, 3)', () => M().repeat(2, 1, 3)],
  ['flip', 'X().flip(0, 2)', () => X().flip(0, 2)],
  ['chunk', 'M().chunk(3)', () => M().chunk(3)],
  ['chunk dim 1', 'M().chunk(2, 1)', () => M().chunk(2, 1)],
  ['split', 'M().split(3, 1)', () => M().split(3, 1)],
  ['contiguous of a transpose', 'layout(M().t().contiguous())', () => layout(M().t().contiguous())],
  ['clone keeps a transpose layout', 'layout(M().t().clone())', () => layout(M().t().clone())],
  ['cat', 'torch.cat([M(), rn(5, 2, 5)])', () => torch.cat([M(), rn(5, [2, 5])])],
  ['cat dim -1', 'torch.cat([M(), M()], -1)', () => torch.cat([M(), M()], -1)],
  ['cat promotes dtypes', 'torch.cat([M(), M().double()])', () => torch.cat([M(), M().double()])],
  ['stack', 'torch.stack([M(), M() * 2])', () => torch.stack([M(), M().mul(2)])],
  ['stack dim 2', 'torch.stack([M(), M()], 2)', () => torch.stack([M(), M()], 2)],
  ['cat of mismatched shapes raises', 'torch.cat([M(), X()])', () => torch.cat([M(), X()])],
  ['view of incompatible size raises', 'M().view(3, 7)', () => M().view(3, 7)],
  ['view of a non-contiguous tensor raises', 'M().t().view(20)', () => M().t().view(20)],
  ['stack of different shapes raises', 'torch.stack([M(), M().t()])', () => torch.stack([M(), M().t()])],
];

const indexing: Case[] = [
  ...view('t[0, ...]', 'X()[0, ...]', () => X().index(0, '...')),
  ...view('t[..., 1]', 'X()[..., 1]', () => X().get('...', 1)),
  ...view('t[:, 1]', 'X()[:, 1]', () => X().index(':', 1)),
  ...view('t[-1]', 'X()[-1]', () => X().index(-1)),
  ...view('t[1:3]', 'M()[1:3]', () => M().index('1:3')),
  ...view('t[::2, 1::2]', 'M()[::2, 1::2]', () => M().index('::2', '1::2')),
  ...view('t[-3:-1]', 'M()[-3:-1]', () => M().index('-3:-1')),
  ...view('a Slice object', 'M()[1:None:2]', () => M().index(new torch.Slice(1, null, 2))),
  ...view('t[None]', 'M()[None]', () => M().index(null)),
  ...view('t[:, None, 1:]', 'M()[:, None, 1:]', () => M().index(':', null, '1:')),
  ...view('t[0, ..., None]', 'X()[0, ..., None]', () => X().index(0, '...', null)),
  ...view('t[1, 2, 3] (0-d)', 'X()[1, 2, 3]', () => X().index(1, 2, 3)),
  ['t[True] adds a dimension', 'M()[True]', () => M().index(true)],
  ['t[mask]', 'M()[M() > 0]', () => M().index(M().gt(0))],
  ['t[index tensor]', 'M()[torch.tensor([3, 0, 0])]', () => M().index(torch.tensor([3, 0, 0]))],
  [
    't[:, index tensor]',
    'M()[:, torch.tensor([[0, 1], [4, 4]])]',
    () =>
      M().index(
        ':',
        torch.tensor([
          [0, 1],
          [4, 4],
        ]),
      ),
  ],
  [
    't[index, index]',
    'M()[torch.tensor([0, 2]), torch.tensor([1, -1])]',
    () => M().index(torch.tensor([0, 2]), torch.tensor([1, -1])),
  ],
  ['index_select', 'M().index_select(1, torch.tensor([4, 0]))', () => M().indexSelect(1, torch.tensor([4, 0]))],
  [
    'gather',
    'M().gather(1, torch.tensor([[0], [1], [2], [3]]))',
    () => M().gather(1, torch.tensor([[0], [1], [2], [3]])),
  ],
  ['t[1] = 5', 'put(M(), 1, 5.)', () => M().indexPut_([1], 5)],
  [
    't[:, 1:3] = tensor',
    'put(M(), (slice(None), slice(1, 3)), torch.ones(4, 2))',
    () => M().indexPut_([':', '1:3'], torch.ones([4, 2])),
  ],
  ['t[mask] = 0', 'put(M(), M() > 0, 0.)', () => M().indexPut_([M().gt(0)], 0)],
  ['out-of-range index raises', 'M()[4]', () => M().index(4)],
  ['out-of-range negative index raises', 'M()[:, -6]', () => M().index(':', -6)],
  ['too many indices raise', 'M()[0, 0, 0]', () => M().index(0, 0, 0)],
  ['index tensor out of range raises', 'M()[torch.tensor([7])]', () => M().index(torch.tensor([7]))],
  ['select out of range raises', 'X().select(0, 2)', () => X().select(0, 2)],
  ['narrow past the end raises', 'X().narrow(2, 3, 2)', () => X().narrow(2, 3, 2)],
];

const movement: Case[] = [
  ['to float64', 'M().to(torch.float64)', () => M().to('float64')],
  ['to int32 truncates', '(M() * 10).to(torch.int32)', () => M().mul(10).to('int32')],
  ['to float16', 'M().half()', () => M().half()],
  ['to bfloat16', 'M().bfloat16()', () => M().to('bfloat16')],
  ['to uint8 wraps', 'torch.tensor([-1, 256, 300]).to(torch.uint8)', () => torch.tensor([-1, 256, 300]).to('uint8')],
  ['to bool', 'M().bool()', () => M().bool()],
  [
    'to a tensor (its dtype)',
    'M().to(torch.zeros(1, dtype=torch.float64))',
    () => M().to(torch.zeros([1], { dtype: 'float64' })),
  ],
  ['to with options', 'M().to(device="cpu", dtype=torch.int16)', () => M().to({ device: 'cpu', dtype: 'int16' })],
  ['long()', '(M() * 3).long()', () => M().mul(3).long()],
  ['int()', '(M() * 3).int()', () => M().mul(3).int()],
  ['float() of float64', 'M().double().float()', () => M().double().float()],
  ['cpu()', 'M().cpu()', () => M().cpu()],
];

describe('tensor views, indexing and movement against PyTorch', () => {
  oracleCases(PRELUDE, { shapes, indexing, movement });

  it('views share storage with their base; to() of the same dtype and device is the same tensor', () => {
    const m = M();
    m.index(':', 1).fill_(7);
    assert.deepEqual(m.index(':', 1).tolist(), [7, 7, 7, 7]);
    assert.equal(m.to('float32'), m);
    assert.equal(m.cpu(), m);
    assert.notEqual(m.to({ dtype: 'float32', copy: true }), m);
  });

  it('size() and stride() take negative dims, and reject out-of-range ones', () => {
    const x = X();
    assert.equal(x.size(-1), 4);
    assert.equal(x.stride(0), 12);
    assert.equal(x.ndim, 3);
    assert.throws(() => x.size(3), /Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)/);
  });

  it('bad slice strings are TorchTypeErrors', () => {
    for (const bad of ['1', '1:2:3:4', 'a:b', '1.5:2']) {
      assert.throws(() => M().index(bad), torch.TorchTypeError, bad);
    }
  });
});
