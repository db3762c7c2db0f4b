// Making tensors: torch.tensor's dtype inference, typed arrays, 16-bit floats, and the factories, against PyTorch.
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { Case, oracleCases } from './helpers/oracle';
import { PY_INPUTS } from './helpers/inputs';

// 1 + 2^-11 + 2^-40: rounding through float32 first (1 + 2^-11, a tie, then to even: 1) differs from rounding the
// double straight to half precision (1 + 2^-10), so this value shows which way PyTorch converts.
const HALF_TIE = 1 + 2 ** -11 + 2 ** -40;

const fromValues: Case[] = [
  ['integers → int64', 'torch.tensor([1, 2, -3])', () => torch.tensor([1, 2, -3])],
  ['floats → float32', 'torch.tensor([1.5, 2.25])', () => torch.tensor([1.5, 2.25])],
  ['ints and floats → float32', 'torch.tensor([1, 2.5])', () => torch.tensor([1, 2.5])],
  ['booleans → bool', 'torch.tensor([True, False])', () => torch.tensor([true, false])],
  ['booleans and ints → int64', 'torch.tensor([True, 2])', () => torch.tensor([true, 2])],
  ['bigints → int64', 'torch.tensor([2**63 - 1, -2**63])', () => torch.tensor([2n ** 63n - 1n, -(2n ** 63n)])],
  ['complex → complex64', 'torch.tensor([1+2j, 3])', () => torch.tensor([new torch.Complex(1, 2), 3])],
  [
    'nested',
    'torch.tensor([[1.5, 2], [3, 4]])',
    () =>
      torch.tensor([
        [1.5, 2],
        [3, 4],
      ]),
  ],
  ['scalar → 0-d', 'torch.tensor(2.5)', () => torch.tensor(2.5)],
  ['int scalar → 0-d int64', 'torch.tensor(-7)', () => torch.tensor(-7)],
  ['empty list → float32 (0,)', 'torch.tensor([])', () => torch.tensor([])],
  ['[[]] → (1, 0)', 'torch.tensor([[]])', () => torch.tensor([[]])],
  [
    'float32 rounding of doubles',
    'torch.tensor([0.1, 1/3, 1e-46, 3.5e38])',
    () => torch.tensor([0.1, 1 / 3, 1e-46, 3.5e38]),
  ],
  [
    'dtype float64 keeps doubles',
    'torch.tensor([0.1, 1/3], dtype=torch.float64)',
    () => torch.tensor([0.1, 1 / 3], { dtype: 'float64' }),
  ],
  [
    "dtype 'torch.float64' and aliases",
    'torch.tensor([1, 2], dtype=torch.double)',
    () => torch.tensor([1, 2], { dtype: 'torch.double' }),
  ],
  ['dtype long', 'torch.tensor([1, 2], dtype=torch.long)', () => torch.tensor([1, 2], { dtype: 'long' })],
  [
    'floats to int32 truncate',
    'torch.tensor([1.7, -1.7], dtype=torch.int32)',
    () => torch.tensor([1.7, -1.7], { dtype: 'int32' }),
  ],
  ['ints to uint8', 'torch.tensor([0, 200], dtype=torch.uint8)', () => torch.tensor([0, 200], { dtype: 'uint8' })],
  ['ints to bool', 'torch.tensor([0, 2, -1], dtype=torch.bool)', () => torch.tensor([0, 2, -1], { dtype: 'bool' })],
  [
    'float16 from numbers',
    'torch.tensor([0.1, 65504, 70000, 1e-8, -2.5, 6e-5], dtype=torch.float16)',
    () => torch.tensor([0.1, 65504, 70000, 1e-8, -2.5, 6e-5], { dtype: 'float16' }),
  ],
  [
    'float16 double-rounding case',
    `torch.tensor([${HALF_TIE}], dtype=torch.float16)`,
    () => torch.tensor([HALF_TIE], { dtype: 'float16' }),
  ],
  [
    'bfloat16 from numbers',
    'torch.tensor([0.1, 3.3895e38, 1e-40, -7.75, 1/3], dtype=torch.bfloat16)',
    () => torch.tensor([0.1, 3.3895e38, 1e-40, -7.75, 1 / 3], { dtype: 'bfloat16' }),
  ],
  [
    'bfloat16 double-rounding case',
    `torch.tensor([${1 + 2 ** -8 + 2 ** -40}], dtype=torch.bfloat16)`,
    () => torch.tensor([1 + 2 ** -8 + 2 ** -40], { dtype: 'bfloat16' }),
  ],
  [
    'float16 raw bits',
    'torch.tensor([0x3c00, 0x7c00, -0x0200, 0x0001], dtype=torch.int16).view(torch.float16)',
    () => torch.tensor(new Uint16Array([0x3c00, 0x7c00, 0xfe00, 0x0001]), { dtype: 'float16' }),
  ],
  [
    'bfloat16 raw bits',
    'torch.tensor([0x3f80, -0x0080, 0x0001], dtype=torch.int16).view(torch.bfloat16)',
    () => torch.tensor(new Uint16Array([0x3f80, 0xff80, 0x0001]), { dtype: 'bfloat16' }),
  ],
  [
    'complex128',
    'torch.tensor([1.5-2j], dtype=torch.complex128)',
    () => torch.tensor([new torch.Complex(1.5, -2)], { dtype: 'complex128' }),
  ],
  ['int8 overflow raises', 'torch.tensor([1, 300], dtype=torch.int8)', () => torch.tensor([1, 300], { dtype: 'int8' })],
  [
    'uint8 wraps ints down to -255',
    'torch.tensor([-255, -1], dtype=torch.uint8)',
    () => torch.tensor([-255, -1], { dtype: 'uint8' }),
  ],
  [
    'uint8 below -255 raises',
    'torch.tensor([-256], dtype=torch.uint8)',
    () => torch.tensor([-256], { dtype: 'uint8' }),
  ],
  [
    'uint8 from a negative float raises',
    'torch.tensor([-1.5], dtype=torch.uint8)',
    () => torch.tensor([-1.5], { dtype: 'uint8' }),
  ],
  ['int32 from nan raises', 'torch.tensor([nan], dtype=torch.int32)', () => torch.tensor([NaN], { dtype: 'int32' })],
  ['int64 past 2^63 raises', 'torch.tensor([2**63])', () => torch.tensor([2n ** 63n])],
  [
    'bool and int into int16',
    'torch.tensor([True, 300], dtype=torch.int16)',
    () => torch.tensor([true, 300], { dtype: 'int16' }),
  ],
  ['ragged nested list raises', 'torch.tensor([[1, 2], [3]])', () => torch.tensor([[1, 2], [3]])],
  ['requires_grad', 'torch.tensor([1.5], requires_grad=True)', () => torch.tensor([1.5], { requiresGrad: true })],
  [
    'requires_grad on ints raises',
    'torch.tensor([1], requires_grad=True)',
    () => torch.tensor([1], { requiresGrad: true }),
  ],
];

const fromTypedArrays: Case[] = [
  [
    'Float32Array → float32',
    'torch.tensor([0.5, -1], dtype=torch.float32)',
    () => torch.tensor(new Float32Array([0.5, -1])),
  ],
  [
    'Float64Array → float64',
    'torch.tensor([0.1, 2], dtype=torch.float64)',
    () => torch.tensor(new Float64Array([0.1, 2])),
  ],
  ['Int32Array → int32', 'torch.tensor([1, -2], dtype=torch.int32)', () => torch.tensor(new Int32Array([1, -2]))],
  ['Int16Array → int16', 'torch.tensor([1, -2], dtype=torch.int16)', () => torch.tensor(new Int16Array([1, -2]))],
  ['Int8Array → int8', 'torch.tensor([1, -2], dtype=torch.int8)', () => torch.tensor(new Int8Array([1, -2]))],
  ['Uint8Array → uint8', 'torch.tensor([1, 255], dtype=torch.uint8)', () => torch.tensor(new Uint8Array([1, 255]))],
  ['Buffer → uint8', 'torch.tensor([104, 105], dtype=torch.uint8)', () => torch.tensor(Buffer.from('hi'))],
  ['BigInt64Array → int64', 'torch.tensor([2**62, -1])', () => torch.tensor(new BigInt64Array([2n ** 62n, -1n]))],
  [
    'typed array with another dtype converts',
    'torch.tensor([1.5, 2.5], dtype=torch.float64)',
    () => torch.tensor(new Float32Array([1.5, 2.5]), { dtype: 'float64' }),
  ],
  [
    'a typed array over part of a buffer',
    'torch.tensor([2., 3.])',
    () => torch.tensor(new Float32Array(new Float32Array([1, 2, 3, 4]).buffer, 4, 2)),
  ],
];

const factories: Case[] = [
  ['zeros', 'torch.zeros(2, 3)', () => torch.zeros([2, 3])],
  ['zeros with separate sizes', 'torch.zeros(2, 3)', () => torch.zeros(2, 3)],
  ['zeros 0-d', 'torch.zeros(())', () => torch.zeros([])],
  ['ones int32', 'torch.ones(2, dtype=torch.int32)', () => torch.ones([2], { dtype: 'int32' })],
  ['ones bool', 'torch.ones(3, dtype=torch.bool)', () => torch.ones(3, { dtype: 'bool' })],
  [
    'empty has the shape and dtype',
    'torch.empty(2, 0, dtype=torch.float64)',
    () => torch.empty([2, 0], { dtype: 'float64' }),
  ],
  ['full with an int → int64', 'torch.full((2, 2), 3)', () => torch.full([2, 2], 3)],
  ['full with a float → float32', 'torch.full((2,), 3.5)', () => torch.full([2], 3.5)],
  ['full with a bool → bool', 'torch.full((2,), True)', () => torch.full([2], true)],
  ['full with a dtype', 'torch.full((2,), 7, dtype=torch.float16)', () => torch.full([2], 7, { dtype: 'float16' })],
  ['arange(end) → int64', 'torch.arange(5)', () => torch.arange(5)],
  ['arange(start, end, step) floats', 'torch.arange(0, 1, 0.1)', () => torch.arange(0, 1, 0.1)],
  ['arange with a float start', 'torch.arange(0.5, 3)', () => torch.arange(0.5, 3)],
  ['arange negative step', 'torch.arange(10, 0, -3)', () => torch.arange(10, 0, -3)],
  ['arange dtype', 'torch.arange(4, dtype=torch.float64)', () => torch.arange(4, { dtype: 'float64' })],
  ['arange(0, 5, 0) raises', 'torch.arange(0, 5, 0)', () => torch.arange(0, 5, 0)],
  ['arange with an inconsistent step raises', 'torch.arange(5, 0)', () => torch.arange(5, 0)],
  ['linspace', 'torch.linspace(0, 1, 7)', () => torch.linspace(0, 1, 7)],
  [
    'linspace float64',
    'torch.linspace(-1, 1, 5, dtype=torch.float64)',
    () => torch.linspace(-1, 1, 5, { dtype: 'float64' }),
  ],
  ['linspace with negative steps raises', 'torch.linspace(0, 1, -1)', () => torch.linspace(0, 1, -1)],
  ['negative size raises', 'torch.zeros(-1)', () => torch.zeros(-1)],
  [
    'zeros_like',
    'torch.zeros_like(torch.ones(2, 3, dtype=torch.int16))',
    () => torch.zerosLike(torch.ones([2, 3], { dtype: 'int16' })),
  ],
  [
    'ones_like with a dtype',
    'torch.ones_like(torch.zeros(2), dtype=torch.float64)',
    () => torch.onesLike(torch.zeros([2]), { dtype: 'float64' }),
  ],
  ['full_like', 'torch.full_like(torch.zeros(2, 2), 0.25)', () => torch.fullLike(torch.zeros([2, 2]), 0.25)],
  [
    // Uninitialised memory: zeroed on both sides so that the comparison shows the shape and dtype.
    'empty_like has the shape and dtype',
    'torch.empty_like(torch.zeros(3, 1, dtype=torch.uint8)).zero_()',
    () => torch.emptyLike(torch.zeros([3, 1], { dtype: 'uint8' })).zero_(),
  ],
  ['requires_grad on a factory', 'torch.zeros(2, requires_grad=True)', () => torch.zeros([2], { requiresGrad: true })],
];

describe('creation against PyTorch', () => {
  oracleCases(PY_INPUTS, {
    'torch.tensor from values': fromValues,
    'torch.tensor from typed arrays': fromTypedArrays,
    factories,
  });

  it('bad data and options are TorchTypeErrors with clear messages', () => {
    assert.throws(() => torch.tensor([1, {}] as never), /Could not infer dtype of \{\}/);
    assert.throws(() => torch.tensor(['a'] as never), /Could not infer dtype of string/);
    assert.throws(() => torch.tensor([1], { dtype: 'float128' }), /unknown dtype "float128"/);
    assert.throws(() => torch.tensor(new Uint16Array([1])), /Uint16Array without a matching dtype/);
    assert.throws(() => torch.zeros([1.5]), /expected integer sizes/);
  });
});
