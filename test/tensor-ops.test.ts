// Every math op of Tensor and the torch namespace against PyTorch on the same inputs: values bit for bit (the same
// libtorch computes both), dtype, shape and autograd node names.
import * as torch from '../lib';
import { Case, oracleCases } from './helpers/oracle';
import { pos, PY_INPUTS, ri, rn } from './helpers/inputs';

const PRELUDE = `${PY_INPUTS}
A = lambda: rn(1, 3, 4)
B = lambda: rn(2, 3, 4)
V = lambda: rn(3, 4)
P = lambda: pos(4, 3, 4)
I = lambda: ri(5, -10, 10, 3, 4)
J = lambda: ri(6, 1, 5, 3, 4)
G = lambda: rn(7, 3, 4).requires_grad_()
`;
const A = (): torch.Tensor => rn(1, [3, 4]);
const B = (): torch.Tensor => rn(2, [3, 4]);
const V = (): torch.Tensor => rn(3, [4]);
const P = (): torch.Tensor => pos(4, [3, 4]);
const I = (): torch.Tensor => ri(5, -10, 10, [3, 4]);
const J = (): torch.Tensor => ri(6, 1, 5, [3, 4]);
const G = (): torch.Tensor => rn(7, [3, 4]).requiresGrad_();

const arithmetic: Case[] = [
  ['add', 'A().add(B())', () => A().add(B())],
  ['add a broadcast row', 'A() + V()', () => A().add(V())],
  ['add alpha', 'A().add(B(), alpha=2.5)', () => A().add(B(), { alpha: 2.5 })],
  ['add an int scalar', 'A().add(2)', () => A().add(2)],
  ['add a float scalar', 'A().add(0.1)', () => A().add(0.1)],
  ['int tensor + float scalar promotes to float32', 'I().add(1.5)', () => I().add(1.5)],
  ['int tensor + int scalar stays int64', 'I() + 7', () => I().add(7)],
  [
    'int32 tensor * large int stays int32',
    'I().int() * 2**40',
    () =>
      I()
        .int()
        .mul(2 ** 40),
  ],
  ['float16 + float64 tensor', 'A().half() + B().double()', () => A().half().add(B().double())],
  [
    'bool + bool',
    'torch.tensor([True, False]) + torch.tensor([True, True])',
    () => torch.tensor([true, false]).add(torch.tensor([true, true])),
  ],
  ['sub', 'A().sub(B())', () => A().sub(B())],
  ['sub alpha', 'A().sub(B(), alpha=3)', () => A().sub(B(), { alpha: 3 })],
  ['mul', 'A().mul(B())', () => A().mul(B())],
  ['mul scalar', 'A().mul(0.3)', () => A().mul(0.3)],
  ['div', 'A().div(P())', () => A().div(P())],
  ['div scalar', 'A().div(3)', () => A().div(3)],
  ['int div gives float', 'I().div(J())', () => I().div(J())],
  ['div trunc', 'I().div(J(), rounding_mode="trunc")', () => I().div(J(), { roundingMode: 'trunc' })],
  ['div floor', 'A().div(0.3, rounding_mode="floor")', () => A().div(0.3, { roundingMode: 'floor' })],
  ['remainder', 'A().remainder(0.7)', () => A().remainder(0.7)],
  ['int remainder', 'I().remainder(J())', () => I().remainder(J())],
  ['pow scalar', 'A().pow(2)', () => A().pow(2)],
  ['pow fractional', 'P().pow(0.5)', () => P().pow(0.5)],
  ['pow tensor', 'P().pow(A())', () => P().pow(A())],
  ['torch.pow scalar base', 'torch.pow(2, A())', () => torch.pow(2, A())],
  ['int pow', 'J().pow(3)', () => J().pow(3)],
  ['maximum', 'torch.maximum(A(), B())', () => torch.maximum(A(), B())],
  ['minimum', 'A().minimum(B())', () => A().minimum(B())],
  ['addcmul', 'A().addcmul(B(), P(), value=0.5)', () => A().addcmul(B(), P(), { value: 0.5 })],
  ['addcdiv', 'A().addcdiv(B(), P(), value=-2)', () => A().addcdiv(B(), P(), { value: -2 })],
  ['lerp scalar weight', 'A().lerp(B(), 0.3)', () => A().lerp(B(), 0.3)],
  ['lerp tensor weight', 'A().lerp(B(), P())', () => A().lerp(B(), P())],
];

const inPlace: Case[] = [
  ['add_', 'A().add_(B(), alpha=-0.1)', () => A().add_(B(), { alpha: -0.1 })],
  ['add_ scalar', 'A().add_(1)', () => A().add_(1)],
  ['sub_', 'A().sub_(B())', () => A().sub_(B())],
  ['mul_', 'A().mul_(0.9)', () => A().mul_(0.9)],
  ['div_', 'A().div_(P())', () => A().div_(P())],
  ['div_ floor', 'A().div_(0.5, rounding_mode="floor")', () => A().div_(0.5, { roundingMode: 'floor' })],
  ['pow_', 'A().pow_(3)', () => A().pow_(3)],
  ['addcmul_', 'A().addcmul_(B(), B(), value=0.001)', () => A().addcmul_(B(), B(), { value: 0.001 })],
  ['addcdiv_', 'A().addcdiv_(B(), P(), value=-0.01)', () => A().addcdiv_(B(), P(), { value: -0.01 })],
  ['lerp_', 'A().lerp_(B(), 0.1)', () => A().lerp_(B(), 0.1)],
  ['sqrt_', 'P().sqrt_()', () => P().sqrt_()],
  ['clamp_', 'A().clamp_(-0.5, 0.5)', () => A().clamp_(-0.5, 0.5)],
  ['fill_', 'A().fill_(2.5)', () => A().fill_(2.5)],
  ['fill_ with a 0-d tensor', 'A().fill_(torch.tensor(4.))', () => A().fill_(torch.tensor(4, { dtype: 'float32' }))],
  ['zero_', 'A().zero_()', () => A().zero_()],
  ['copy_ with broadcast and cast', 'A().copy_(I()[0])', () => A().copy_(I().index(0))],
  ['relu_', 'A().relu_()', () => A().relu_()],
  [
    'in-place on a view writes the base',
    '(lambda a: (a[1].mul_(10), a)[1])(A())',
    () => {
      const a = A();
      a.index(1).mul_(10);
      return a;
    },
  ],
  ['in-place op on a leaf that requires grad', 'G().add_(1)', () => G().add_(1)],
];

const unary: Case[] = [
  ['neg', 'A().neg()', () => A().neg()],
  ['exp', 'A().exp()', () => A().exp()],
  ['log', 'P().log()', () => P().log()],
  ['log of negatives gives nan', 'A().log()', () => A().log()],
  ['abs', 'A().abs()', () => A().abs()],
  ['abs int', 'I().abs()', () => I().abs()],
  ['sqrt', 'P().sqrt()', () => P().sqrt()],
  ['rsqrt', 'P().rsqrt()', () => P().rsqrt()],
  ['square', 'A().square()', () => A().square()],
  ['sign', 'A().sign()', () => A().sign()],
  ['sin', 'A().sin()', () => A().sin()],
  ['cos', 'A().cos()', () => A().cos()],
  ['tanh', 'A().tanh()', () => A().tanh()],
  ['sigmoid', 'A().sigmoid()', () => A().sigmoid()],
  ['floor', '(A() * 3).floor()', () => A().mul(3).floor()],
  ['ceil', '(A() * 3).ceil()', () => A().mul(3).ceil()],
  [
    'round (half to even)',
    'torch.tensor([0.5, 1.5, 2.5, -0.5, 1.4]).round()',
    () => torch.tensor([0.5, 1.5, 2.5, -0.5, 1.4]).round(),
  ],
  ['reciprocal', 'A().reciprocal()', () => A().reciprocal()],
  ['relu', 'A().relu()', () => A().relu()],
  ['clamp', 'A().clamp(-0.5, 0.5)', () => A().clamp(-0.5, 0.5)],
  ['clamp min only', 'A().clamp(min=0)', () => A().clamp({ min: 0 })],
  ['clamp max only', 'A().clamp(max=0.1)', () => A().clamp(null, 0.1)],
  ['clamp with tensors', 'A().clamp(B(), B() + 1)', () => A().clamp(B(), B().add(1))],
  ['clamp int', 'I().clamp(-3, 3)', () => I().clamp(-3, 3)],
];

const reductions: Case[] = [
  ['sum', 'A().sum()', () => A().sum()],
  ['sum of ints is int64', 'I().int().sum()', () => I().int().sum()],
  ['sum of bools is int64', '(A() > 0).sum()', () => A().gt(0).sum()],
  ['sum dim', 'A().sum(1)', () => A().sum(1)],
  [
    'sum dims keepdim',
    'rn(8, 2, 3, 4).sum((0, 2), keepdim=True)',
    () => rn(8, [2, 3, 4]).sum([0, 2], { keepdim: true }),
  ],
  ['sum negative dim', 'A().sum(-1)', () => A().sum(-1)],
  ['sum dtype', 'A().sum(dtype=torch.float64)', () => A().sum(null, { dtype: 'float64' })],
  ['mean', 'A().mean()', () => A().mean()],
  ['mean dim', 'A().mean(0, keepdim=True)', () => A().mean(0, { keepdim: true })],
  ['mean of a large tensor (pairwise summation)', 'rn(9, 100000).mean()', () => rn(9, [100000]).mean()],
  ['prod', 'P().prod()', () => P().prod()],
  ['prod dim', 'P().prod(1)', () => P().prod(1)],
  ['var', 'A().var()', () => A().var()],
  ['var dim, correction 0', 'A().var(1, correction=0)', () => A().var(1, { correction: 0 })],
  ['std', 'A().std()', () => A().std()],
  ['std dim keepdim', 'A().std(0, keepdim=True)', () => A().std(0, { keepdim: true })],
  ['max', 'A().max()', () => A().max()],
  ['max dim', 'A().max(1)', () => A().max(1)],
  ['max dim keepdim', 'A().max(0, keepdim=True)', () => A().max(0, { keepdim: true })],
  ['min', 'A().min()', () => A().min()],
  ['min dim', 'I().min(1)', () => I().min(1)],
  ['argmax', 'A().argmax()', () => A().argmax()],
  ['argmax dim', 'A().argmax(1)', () => A().argmax(1)],
  ['argmax ties pick the first', 'torch.tensor([1, 3, 3, 0]).argmax()', () => torch.tensor([1, 3, 3, 0]).argmax()],
  ['argmin dim keepdim', 'A().argmin(0, keepdim=True)', () => A().argmin(0, { keepdim: true })],
  ['cumsum', 'A().cumsum(1)', () => A().cumsum(1)],
  ['cumsum dtype', 'I().cumsum(0, dtype=torch.float32)', () => I().cumsum(0, { dtype: 'float32' })],
  ['any', '(A() > 2).any()', () => A().gt(2).any()],
  ['all', '(P() > 0).all()', () => P().gt(0).all()],
  ['norm', 'A().norm()', () => A().norm()],
  ['norm p=1', 'A().norm(1)', () => A().norm(1)],
  ['topk', 'V().topk(2)', () => V().topk(2)],
  ['topk smallest along dim 0', 'A().topk(2, dim=0, largest=False)', () => A().topk(2, { dim: 0, largest: false })],
  ['sort', 'A().sort()', () => A().sort()],
  ['sort descending dim 0', 'A().sort(dim=0, descending=True)', () => A().sort({ dim: 0, descending: true })],
  ['max of an empty tensor raises', 'torch.zeros(0).max()', () => torch.zeros([0]).max()],
];

const comparisons: Case[] = [
  ['eq', 'A().eq(B())', () => A().eq(B())],
  ['eq scalar', 'I().eq(3)', () => I().eq(3)],
  ['ne', 'I().ne(J())', () => I().ne(J())],
  ['lt', 'A().lt(B())', () => A().lt(B())],
  ['le scalar', 'A().le(0.1)', () => A().le(0.1)],
  ['gt broadcast', 'A().gt(V())', () => A().gt(V())],
  ['ge', 'I().ge(0)', () => I().ge(0)],
  ['isnan', 'torch.tensor([nan, 1., inf]).isnan()', () => torch.tensor([NaN, 1, Infinity]).isnan()],
  ['isinf', 'torch.tensor([nan, 1., -inf]).isinf()', () => torch.tensor([NaN, 1, -Infinity]).isinf()],
  ['isfinite', 'torch.tensor([nan, 1., -inf]).isfinite()', () => torch.tensor([NaN, 1, -Infinity]).isfinite()],
  ['logical not', '(A() > 0).logical_not()', () => A().gt(0).logicalNot()],
  ['equal', 'torch.equal(A(), A())', () => torch.equal(A(), A())],
  ['not equal', 'A().equal(B())', () => A().equal(B())],
  ['allclose', 'A().allclose(A() + 1e-7)', () => A().allclose(A().add(1e-7))],
  ['not allclose', 'torch.allclose(A(), A() + 1e-3)', () => torch.allclose(A(), A().add(1e-3))],
  ['isclose with tolerances', 'A().isclose(B(), rtol=0.5, atol=0.5)', () => A().isclose(B(), { rtol: 0.5, atol: 0.5 })],
  ['where', 'torch.where(A() > 0, A(), B())', () => torch.where(A().gt(0), A(), B())],
  ['where with float scalars', 'torch.where(A() > 0, 1.5, -0.5)', () => torch.where(A().gt(0), 1.5, -0.5)],
  ['where with int scalars', 'torch.where(A() > 0, 1, 0)', () => torch.where(A().gt(0), 1, 0)],
];

const linalg: Case[] = [
  ['matmul 2-d', 'A().matmul(rn(10, 4, 5))', () => A().matmul(rn(10, [4, 5]))],
  ['matmul batched', 'rn(11, 2, 3, 4).matmul(rn(12, 4, 2))', () => rn(11, [2, 3, 4]).matmul(rn(12, [4, 2]))],
  ['matmul matrix-vector', 'A() @ V()', () => torch.matmul(A(), V())],
  ['matmul vector-vector', 'V().matmul(V())', () => V().matmul(V())],
  [
    'matmul float64',
    'A().double() @ rn(13, 4, 6, dtype=torch.float64)',
    () =>
      A()
        .double()
        .matmul(rn(13, [4, 6], 'float64')),
  ],
  ['matmul int64', 'I() @ J().t()', () => I().matmul(J().t())],
  ['mm', 'A().mm(B().t())', () => A().mm(B().t())],
  ['dot', 'V().dot(rn(14, 4))', () => V().dot(rn(14, [4]))],
  ['outer', 'torch.outer(V(), rn(15, 3))', () => torch.outer(V(), rn(15, [3]))],
  ['softmax', 'A().softmax(1)', () => A().softmax(1)],
  ['softmax dim 0', 'A().softmax(0)', () => A().softmax(0)],
  ['softmax dtype', 'A().softmax(-1, dtype=torch.float64)', () => A().softmax(-1, { dtype: 'float64' })],
  ['log_softmax', 'A().log_softmax(1)', () => A().logSoftmax(1)],
  ['log_softmax of large values', '(A() * 100).log_softmax(0)', () => A().mul(100).logSoftmax(0)],
  ['matmul shape mismatch raises', 'A().matmul(A())', () => A().matmul(A())],
];

const gradNodes: Case[] = [
  ['grad_fn of add scalar', 'G() + 1', () => G().add(1)],
  ['grad_fn of sub scalar', 'G() - 1', () => G().sub(1)],
  ['grad_fn of mul scalar', 'G() * 2', () => G().mul(2)],
  ['grad_fn of div scalar', 'G() / 2', () => G().div(2)],
  ['grad_fn of div floor', 'G().div(2, rounding_mode="floor")', () => G().div(2, { roundingMode: 'floor' })],
  ['grad_fn of pow scalar', 'G().pow(2)', () => G().pow(2)],
  ['grad_fn of pow with scalar base', 'torch.pow(2, G())', () => torch.pow(2, G())],
  ['grad_fn of remainder', 'G().remainder(2)', () => G().remainder(2)],
  ['grad_fn of clamp', 'G().clamp(0, 1)', () => G().clamp(0, 1)],
  ['grad_fn of clamp with tensors', 'G().clamp(B())', () => G().clamp(B())],
  ['grad_fn of where with a scalar', 'torch.where(G() > 0, G(), 0.5)', () => torch.where(G().gt(0), G(), 0.5)],
  ['grad_fn of lerp', 'G().lerp(B(), 0.5)', () => G().lerp(B(), 0.5)],
  ['grad_fn of in-place mul_', 'G().clone().mul_(2)', () => G().clone().mul_(2)],
  ['grad_fn of fill_', 'G().clone().fill_(2)', () => G().clone().fill_(2)],
  ['grad_fn of eq is none', 'G().eq(1)', () => G().eq(1)],
  ['grad_fn of sum with dims', 'G().sum(1)', () => G().sum(1)],
  ['grad_fn of mean', 'G().mean()', () => G().mean()],
  ['grad_fn of max dim', 'G().max(1)', () => G().max(1)],
  ['grad_fn of softmax', 'G().softmax(0)', () => G().softmax(0)],
  ['grad_fn of matmul', 'G() @ V()', () => G().matmul(V())],
  ['grad_fn of cat', 'torch.cat([G(), A()])', () => torch.cat([G(), A()])],
];

describe('tensor ops against PyTorch', () => {
  oracleCases(PRELUDE, {
    arithmetic,
    'in place': inPlace,
    unary,
    reductions,
    comparisons,
    'linear algebra and softmax': linalg,
    'autograd nodes': gradNodes,
  });
});
