// String(tensor) against Python's repr(tensor) on the same values (seeded on both sides).
import { strict as assert } from 'assert';
import { inspect } from 'util';
import * as torch from '../lib';
import { native, NativeTensor } from '../lib/native';
import { formatExponent, formatFixed, pyFloatRepr } from '../lib/python-format';
import { Case, oracleCases, pyEval } from './helpers/oracle';

const PRELUDE = `
import math
nan, inf = float('nan'), float('inf')
def rn(seed, *shape, dtype=torch.float32):
    torch.manual_seed(seed)
    return torch.randn(*shape, dtype=dtype)
`;

function rn(seed: number, shape: number[], dtype: torch.DType = 'float32'): torch.Tensor {
  torch.manualSeed(seed);
  return torch.randn(shape, { dtype });
}

/** A quantized tensor over the given stored integers (as torch._make_per_*_quantized_tensor makes one). */
function quantized(
  dtype: 'quint8' | 'qint8',
  ints: number[],
  shape: number[],
  scale: number | torch.Tensor,
  zeroPoint: number | torch.Tensor,
  axis: number | null = null,
): torch.Tensor {
  const base = torch.tensor(ints, { dtype: dtype === 'quint8' ? 'uint8' : 'int8' });
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((x, y) => x * y, 1));
  const h = (v: number | torch.Tensor): number | NativeTensor => (v instanceof torch.Tensor ? v._h : v);
  return new torch.Tensor(native.quantizedView(base._h, dtype, 0, shape, strides, h(scale), h(zeroPoint), axis));
}

// Python's repr of the expression against String() of ours.
const r = (name: string, py: string, js: () => unknown): Case => [name, `repr(${py})`, () => String(js())];

// kaiming_uniform_(a=√5) on a Conv2d(3, 6, 5) weight: bound = √3 · gain / √fan_in with gain = √(2 / (1 + a²)).
const a = Math.sqrt(5);
const convBound = Math.sqrt(3) * (Math.sqrt(2 / (1 + a * a)) / Math.sqrt(75));

const cases: Case[] = [
  r(
    "the lesson's net.features[0].weight[0, ...]",
    '(torch.manual_seed(1), torch.nn.Conv2d(3, 6, 5))[1].weight[0, ...]',
    () => {
      torch.manualSeed(1);
      const w = new torch.Parameter(torch.empty([6, 3, 5, 5]).uniform_(-convBound, convBound));
      return w.index(0, '...');
    },
  ),
  r('3-d randn (blank lines between matrices)', 'rn(0, 3, 5, 5)', () => rn(0, [3, 5, 5])),
  r('4-d (two blank lines)', 'rn(10, 2, 2, 2, 3)', () => rn(10, [2, 2, 2, 3])),
  r('non-contiguous view', 'rn(9, 3, 4).t()', () => rn(9, [3, 4]).t()),
  r('integers', 'torch.tensor([1, -20, 300])', () => torch.tensor([1, -20, 300])),
  r('int64 beyond 2^53', 'torch.tensor([2**62, -1, 2**53 + 1])', () => torch.tensor([2n ** 62n, -1n, 2n ** 53n + 1n])),
  r('integral floats', 'torch.tensor([1., 2., 300.])', () => torch.tensor([1, 2, 300], { dtype: 'float32' })),
  r('integral floats, wide range (sci)', 'torch.tensor([1., 1e5])', () => torch.tensor([1, 1e5], { dtype: 'float32' })),
  r('integral floats past 1e8', 'torch.tensor([1e9, 2e9])', () => torch.tensor([1e9, 2e9], { dtype: 'float32' })),
  r('tiny values (sci)', 'torch.tensor([1e-5, 1., 1000.])', () => torch.tensor([1e-5, 1, 1000])),
  r('small and plain', 'torch.tensor([0.00001234, 0.5])', () => torch.tensor([0.00001234, 0.5])),
  r('huge floats', 'torch.tensor([1.5e10, -2.25])', () => torch.tensor([1.5e10, -2.25])),
  r('float64 sci with 3-digit exponents', 'torch.tensor([1e-300, 1e300], dtype=torch.float64)', () =>
    torch.tensor([1e-300, 1e300], { dtype: 'float64' }),
  ),
  r('nan and inf', 'torch.tensor([nan, inf, -inf, 1.5])', () => torch.tensor([NaN, Infinity, -Infinity, 1.5])),
  r('nan with integers', 'torch.tensor([nan, 1., 2.])', () => torch.tensor([NaN, 1, 2], { dtype: 'float32' })),
  r('inf in sci mode', 'torch.tensor([inf, 1e-6, 1.])', () => torch.tensor([Infinity, 1e-6, 1])),
  r('all nan', 'torch.tensor([nan, nan])', () => torch.tensor([NaN, NaN])),
  r('zeros and negative zero', 'torch.tensor([0., -0.])', () => torch.tensor([0, -0], { dtype: 'float32' })),
  r('negative zero among fractions', 'torch.tensor([-0., 1.5])', () => torch.tensor([-0, 1.5])),
  r('exact ties round half to even', 'torch.tensor([0.03125, 0.15625, 1.5])', () =>
    torch.tensor([0.03125, 0.15625, 1.5]),
  ),
  r('float64', 'rn(2, 4, dtype=torch.float64)', () => rn(2, [4], 'float64')),
  r('float16', 'rn(11, 5).half()', () => rn(11, [5]).half()),
  r('bfloat16', 'rn(12, 2, 3).bfloat16()', () => rn(12, [2, 3]).to('bfloat16')),
  r('int32', 'torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)', () =>
    torch.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'int32' },
    ),
  ),
  r('uint8', 'torch.tensor([0, 255, 7], dtype=torch.uint8)', () => torch.tensor([0, 255, 7], { dtype: 'uint8' })),
  r('int8', 'torch.tensor([-128, 127], dtype=torch.int8)', () => torch.tensor([-128, 127], { dtype: 'int8' })),
  r('int16', 'torch.tensor([-300, 2], dtype=torch.int16)', () => torch.tensor([-300, 2], { dtype: 'int16' })),
  r('bool', 'torch.tensor([[True, False], [False, True]])', () =>
    torch.tensor([
      [true, false],
      [false, true],
    ]),
  ),
  r('complex64', 'torch.complex(rn(1, 3), rn(2, 3))', () => torch.complex(rn(1, [3]), rn(2, [3]))),
  r('complex128 2-d', 'torch.complex(rn(3, 2, 2, dtype=torch.float64), rn(4, 2, 2, dtype=torch.float64))', () =>
    torch.complex(rn(3, [2, 2], 'float64'), rn(4, [2, 2], 'float64')),
  ),
  r(
    'complex with zero and negative-zero imaginary parts',
    'torch.tensor([1+0j, complex(2, -0.0), complex(0, -1.5)])',
    () => torch.tensor([new torch.Complex(1, 0), new torch.Complex(2, -0), new torch.Complex(0, -1.5)]),
  ),
  r('complex in sci mode', 'torch.tensor([1e-6+1j, 3+4e6j])', () =>
    torch.tensor([new torch.Complex(1e-6, 1), new torch.Complex(3, 4e6)]),
  ),
  r('0-d float', 'torch.tensor(3.5)', () => torch.tensor(3.5)),
  r('0-d integral float', 'torch.tensor(3.)', () => torch.tensor(3, { dtype: 'float32' })),
  r('0-d int', 'torch.tensor(7)', () => torch.tensor(7)),
  r('0-d bool', 'torch.tensor(True)', () => torch.tensor(true)),
  r('0-d float64', 'torch.tensor(0.1, dtype=torch.float64)', () => torch.tensor(0.1, { dtype: 'float64' })),
  r('0-d complex', 'torch.tensor(1-2j)', () => torch.tensor(new torch.Complex(1, -2))),
  r('empty (0, 3)', 'torch.zeros(0, 3)', () => torch.zeros([0, 3])),
  r('empty (0,)', 'torch.zeros(0)', () => torch.zeros([0])),
  r('empty int64', 'torch.zeros(0, dtype=torch.int64)', () => torch.zeros([0], { dtype: 'int64' })),
  r('empty float64 (2, 0)', 'torch.zeros(2, 0, dtype=torch.float64)', () => torch.zeros([2, 0], { dtype: 'float64' })),
  r('requires_grad', 'torch.ones(2, requires_grad=True)', () => torch.ones([2], { requiresGrad: true })),
  r('grad_fn', 'torch.ones(2, requires_grad=True) * 2', () => torch.ones([2], { requiresGrad: true }).mul(2)),
  r('grad_fn of a sum', 'rn(5, 3).requires_grad_().sum()', () => rn(5, [3]).requiresGrad_().sum()),
  r('Parameter', 'torch.nn.Parameter(rn(6, 2, 3))', () => new torch.Parameter(rn(6, [2, 3]))),
  r(
    'Parameter without grad',
    'torch.nn.Parameter(torch.ones(2), requires_grad=False)',
    () => new torch.Parameter(torch.ones([2]), false),
  ),
  r('summarised 2-d ints', 'torch.arange(2000).reshape(40, 50)', () => torch.arange(2000).reshape(40, 50)),
  r('summarised 1-d', 'rn(3, 1001)', () => rn(3, [1001])),
  r('summarised 3-d', 'rn(4, 10, 10, 11)', () => rn(4, [10, 10, 11])),
  r('summarised, first dimension short', 'rn(5, 2, 1000)', () => rn(5, [2, 1000])),
  r('summarised integral floats', 'torch.arange(10000.)', () => torch.arange(10000, { dtype: 'float32' })),
  r('long row wraps', 'rn(6, 30)', () => rn(6, [30])),
  r('long rows wrap in 2-d', 'rn(7, 4, 30)', () => rn(7, [4, 30])),
  r('long int row wraps', 'torch.arange(100) * 1000', () => torch.arange(100).mul(1000)),
  r('complex row wraps', 'torch.complex(rn(1, 12), rn(2, 12))', () => torch.complex(rn(1, [12]), rn(2, [12]))),
  r('view of a Parameter', 'torch.nn.Parameter(rn(8, 4, 4))[1:3, ::2]', () =>
    new torch.Parameter(rn(8, [4, 4])).index('1:3', '::2'),
  ),
  r(
    'quantized per tensor (quint8)',
    'torch._make_per_tensor_quantized_tensor(torch.tensor([0, 10, 255, 37], dtype=torch.uint8), 0.1, 10)',
    () => quantized('quint8', [0, 10, 255, 37], [4], 0.1, 10),
  ),
  r(
    'quantized per tensor (qint8, 2-d)',
    'torch._make_per_tensor_quantized_tensor(torch.tensor([[-128, 3], [5, 127]], dtype=torch.int8), 0.025, -3)',
    () => quantized('qint8', [-128, 3, 5, 127], [2, 2], 0.025, -3),
  ),
  r(
    'quantized per channel',
    'torch._make_per_channel_quantized_tensor(torch.tensor([[0, 10], [20, 255]], dtype=torch.uint8), ' +
      'torch.tensor([0.1, 0.2], dtype=torch.float64), torch.tensor([0, 5]), 0)',
    () =>
      quantized(
        'quint8',
        [0, 10, 20, 255],
        [2, 2],
        torch.tensor([0.1, 0.2], { dtype: 'float64' }),
        torch.tensor([0, 5]),
        0,
      ),
  ),
];

// Suffixes move to their own line when the last line would pass column 80: try every length around the edge.
for (let n = 1; n <= 16; n++) {
  cases.push(
    r(
      `suffix wrapping, ${n} float64 elements with requires_grad`,
      `rn(${20 + n}, ${n}, dtype=torch.float64).requires_grad_()`,
      () => rn(20 + n, [n], 'float64').requiresGrad_(),
    ),
  );
  cases.push(
    r(`suffix wrapping, ${n} int32 elements`, `torch.arange(${n}, dtype=torch.int32) * 1001`, () =>
      torch.arange(n, { dtype: 'int32' }).mul(1001),
    ),
  );
}

describe('printing: String(t) equals PyTorch repr', () => {
  oracleCases(PRELUDE, cases);

  it('util.inspect and template strings use the same repr', () => {
    const t = torch.tensor([1.5, 2]);
    assert.equal(`${t}`, 'tensor([1.5000, 2.0000])');
    assert.equal(
      inspect(new torch.Parameter(t)),
      'Parameter containing:\ntensor([1.5000, 2.0000], requires_grad=True)',
    );
  });
});

describe("printing: Python's float formatting", () => {
  // Values whose decimal forms are exact ties, near powers of ten, subnormal, huge, and plain.
  const values = [
    0,
    -0,
    0.5,
    0.125,
    0.375,
    2.5,
    3.5,
    -2.5,
    0.03125,
    0.15625,
    1e-5,
    1.5e-5,
    9.99995,
    99999.5,
    0.1,
    1 / 3,
    2 / 3,
    123456789.123,
    1e16,
    1e15,
    1.5e16,
    1e21,
    1e22,
    5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    1e-4,
    0.0001234,
    1e-7,
    6.02214076e23,
    -7.25,
    1234.5,
    0.00005,
    0.00015,
    1e100,
    4.35,
    2.675,
  ];
  // A Python literal for the exact same double (shortest round-trip digits read back to the same value).
  const lit = (v: number): string => (Object.is(v, -0) ? '-0.0' : v.toExponential());
  let python: Record<string, string[]>;
  before(() => {
    const res = pyEval(
      '',
      values.map((v, i) => [
        String(i),
        `[f'{${lit(v)}:.4f}', f'{${lit(v)}:.0f}', f'{${lit(v)}:.4e}', f'{${lit(v)}:.0e}', repr(${lit(v)})]`,
      ]),
    );
    python = {};
    for (const [k, v] of Object.entries(res)) python[k] = (v as { list: { str: string }[] }).list.map((x) => x.str);
  });
  values.forEach((v, i) => {
    it(`${Object.is(v, -0) ? '-0' : v}`, () => {
      const ours = [formatFixed(v, 4), formatFixed(v, 0), formatExponent(v, 4), formatExponent(v, 0), pyFloatRepr(v)];
      assert.deepEqual(ours, python[String(i)]);
    });
  });
});
