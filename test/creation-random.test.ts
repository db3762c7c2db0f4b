// torch.manualSeed parity: the same seed and the same sequence of random ops give PyTorch's exact numbers.
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { Case, oracleCases } from './helpers/oracle';

const PRELUDE = `
def seeded(seed, *fns):
    torch.manual_seed(seed)
    return [f() for f in fns]
`;

/** Seeds, then runs each function in order (a sequence draws from one generator state). */
function seeded(seed: number | bigint, ...fns: (() => unknown)[]): unknown[] {
  torch.manualSeed(seed);
  return fns.map((f) => f());
}

const cases: Case[] = [
  ['randn [2, 3]', 'seeded(1, lambda: torch.randn(2, 3))', () => seeded(1, () => torch.randn([2, 3]))],
  // 16 or more elements take libtorch's vectorised normal path.
  ['randn of 100 (vectorised path)', 'seeded(2, lambda: torch.randn(100))', () => seeded(2, () => torch.randn([100]))],
  [
    'randn float64',
    'seeded(3, lambda: torch.randn(5, 7, dtype=torch.float64))',
    () => seeded(3, () => torch.randn([5, 7], { dtype: 'float64' })),
  ],
  ['rand', 'seeded(4, lambda: torch.rand(3, 4))', () => seeded(4, () => torch.rand([3, 4]))],
  [
    'rand float64',
    'seeded(5, lambda: torch.rand(50, dtype=torch.float64))',
    () => seeded(5, () => torch.rand([50], { dtype: 'float64' })),
  ],
  [
    'randint(low, high, shape)',
    'seeded(6, lambda: torch.randint(-5, 5, (4, 5)))',
    () => seeded(6, () => torch.randint(-5, 5, [4, 5])),
  ],
  ['randint(high, shape)', 'seeded(7, lambda: torch.randint(10, (6,)))', () => seeded(7, () => torch.randint(10, [6]))],
  [
    'randint with a dtype',
    'seeded(8, lambda: torch.randint(0, 255, (9,), dtype=torch.uint8))',
    () => seeded(8, () => torch.randint(0, 255, [9], { dtype: 'uint8' })),
  ],
  [
    'randint with a large range',
    'seeded(9, lambda: torch.randint(0, 2**40, (5,)))',
    () => seeded(9, () => torch.randint(0, 2 ** 40, [5])),
  ],
  ['randperm', 'seeded(10, lambda: torch.randperm(10))', () => seeded(10, () => torch.randperm(10))],
  ['randperm large', 'seeded(11, lambda: torch.randperm(1000))', () => seeded(11, () => torch.randperm(1000))],
  [
    'uniform_',
    'seeded(12, lambda: torch.empty(3, 4).uniform_(-0.2, 0.2))',
    () => seeded(12, () => torch.empty([3, 4]).uniform_(-0.2, 0.2)),
  ],
  [
    'uniform_ default range',
    'seeded(13, lambda: torch.empty(20).uniform_())',
    () => seeded(13, () => torch.empty([20]).uniform_()),
  ],
  [
    'normal_',
    'seeded(14, lambda: torch.empty(30).normal_(1.5, 0.25))',
    () => seeded(14, () => torch.empty([30]).normal_(1.5, 0.25)),
  ],
  [
    'normal_ float64',
    'seeded(15, lambda: torch.empty(4, dtype=torch.float64).normal_())',
    () => seeded(15, () => torch.empty([4], { dtype: 'float64' }).normal_()),
  ],
  [
    'bernoulli_',
    'seeded(16, lambda: torch.empty(40).bernoulli_(0.3))',
    () => seeded(16, () => torch.empty([40]).bernoulli_(0.3)),
  ],
  [
    'a sequence of ops draws from one state',
    'seeded(17, lambda: torch.randn(3), lambda: torch.rand(2), lambda: torch.randint(0, 9, (3,)), lambda: torch.randn(20))',
    () =>
      seeded(
        17,
        () => torch.randn([3]),
        () => torch.rand([2]),
        () => torch.randint(0, 9, [3]),
        () => torch.randn([20]),
      ),
  ],
  [
    'a large seed (bigint)',
    'seeded(2**63 + 5, lambda: torch.randn(4))',
    () => seeded(2n ** 63n + 5n, () => torch.randn([4])),
  ],
  ['initial_seed', 'seeded(1234, torch.initial_seed)', () => seeded(1234, () => torch.initialSeed())],
  ['get_rng_state after a seed', 'seeded(18, torch.get_rng_state)', () => seeded(18, () => torch.getRngState())],
  [
    'get_rng_state after draws',
    'seeded(19, lambda: torch.randn(7), torch.get_rng_state)',
    () =>
      seeded(
        19,
        () => torch.randn([7]),
        () => torch.getRngState(),
      ),
  ],
];

describe('random numbers: manualSeed gives PyTorch numbers', () => {
  oracleCases(PRELUDE, cases);

  it('setRngState restores the generator', () => {
    torch.manualSeed(20);
    const state = torch.getRngState();
    const first = torch.randn([10]);
    torch.setRngState(state);
    assert.ok(torch.randn([10]).equal(first));
    assert.equal(torch.randn([10]).equal(first), false);
  });
});
