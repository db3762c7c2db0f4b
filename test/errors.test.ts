// Bad calls throw a catchable TorchError (PyTorch's one-line message and exception class where PyTorch has one) and
// the process carries on: at the TS layer, in libtorch, and straight at the native layer.
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { native } from '../lib/native';
import { runNode } from './helpers/child';
import { Case, oracleCases } from './helpers/oracle';

const M = (): torch.Tensor => torch.zeros([2, 3]);

// Calls PyTorch itself rejects: same message, same exception class.
const pytorchErrors: Case[] = [
  ['matmul shape mismatch', 'torch.zeros(2, 3).matmul(torch.zeros(2, 3))', () => M().matmul(M())],
  ['index out of range', 'torch.zeros(2, 3)[5]', () => M().index(5)],
  ['negative index out of range', 'torch.zeros(2, 3)[:, -4]', () => M().index(':', -4)],
  ['view of incompatible size', 'torch.zeros(2, 3).view(4, 2)', () => M().view(4, 2)],
  ['reshape with two -1', 'torch.zeros(2, 3).reshape(-1, -1)', () => M().reshape(-1, -1)],
  [
    'cat of mismatched shapes',
    'torch.cat([torch.zeros(2, 3), torch.zeros(2, 4)])',
    () => torch.cat([M(), torch.zeros([2, 4])]),
  ],
  ['broadcast mismatch', 'torch.zeros(2, 3) + torch.zeros(4)', () => M().add(torch.zeros([4]))],
  ['sum over a missing dim', 'torch.zeros(2, 3).sum(5)', () => M().sum(5)],
  ['softmax over a missing dim', 'torch.zeros(2, 3).softmax(2)', () => M().softmax(2)],
  [
    'mean of an int tensor',
    'torch.ones(2, dtype=torch.int64).mean()',
    () => torch.ones([2], { dtype: 'int64' }).mean(),
  ],
  [
    'bad rounding mode',
    "torch.ones(2).div(2, rounding_mode='round')",
    () => torch.ones([2]).div(2, { roundingMode: 'round' as 'floor' }),
  ],
  [
    'gather index out of bounds',
    'torch.zeros(2, 3).gather(1, torch.tensor([[7]]))',
    () => M().gather(1, torch.tensor([[7]])),
  ],
  ['item of many elements', 'torch.zeros(2, 3).item()', () => M().item()],
  [
    'backward of a non-scalar',
    'torch.zeros(2, requires_grad=True).mul(2).backward()',
    () => torch.zeros([2], { requiresGrad: true }).mul(2).backward(),
  ],
  ['a CUDA tensor on a CPU-only build', "torch.zeros(2, device='cuda')", () => torch.zeros([2], { device: 'cuda' })],
  ['moving to CUDA on a CPU-only build', "torch.zeros(2).to('cuda:1')", () => torch.zeros([2]).to('cuda:1')],
  ['cuda() on a CPU-only build', 'torch.zeros(2).cuda()', () => torch.zeros([2]).cuda()],
  ['an invalid device string', "torch.zeros(2, device='cuda:x')", () => torch.zeros([2], { device: 'cuda:x' })],
  ['an unknown device type', "torch.zeros(2, device='gpu')", () => torch.zeros([2], { device: 'gpu' })],
  ['randint with low >= high', 'torch.randint(5, 2, (3,))', () => torch.randint(5, 2, [3])],
  ['a scalar where a list was expected', 'torch.tensor([[1, 2], 3])', () => torch.tensor([[1, 2], 3] as never)],
  ['a ragged list', 'torch.tensor([[[1]], [[2, 3]]])', () => torch.tensor([[[1]], [[2, 3]]])],
  ['None in the data', 'torch.tensor([1, None])', () => torch.tensor([1, null] as never)],
  ['expand to a smaller size', 'torch.zeros(2, 3).expand(2, 2)', () => M().expand(2, 2)],
  [
    'in-place op that would change the shape',
    'torch.zeros(3).add_(torch.zeros(2, 3))',
    () => torch.zeros([3]).add_(torch.zeros([2, 3])),
  ],
];

/** Asserts a TorchError (or subclass) with a message matching `re`, and returns it. */
function throwsTorch(fn: () => unknown, re: RegExp, cls: typeof torch.TorchError = torch.TorchError): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof cls, `expected a ${cls.name}, got ${e?.constructor?.name}: ${e?.message}`);
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), `a one-line message: ${e.message}`);
    return true;
  });
}

describe('errors', () => {
  describe('PyTorch errors arrive with PyTorch messages', () => oracleCases('', pytorchErrors));

  it('wrong JS arguments are TorchTypeErrors from the TS layer', () => {
    throwsTorch(() => torch.zeros([2], { dtype: 'float33' }), /unknown dtype "float33"/, torch.TorchTypeError);
    throwsTorch(() => M().to('int65'), /Invalid device string: 'int65'/);
    throwsTorch(
      () => M().add('x' as never),
      /expected a Tensor, number, bigint or boolean, got 'x'/,
      torch.TorchTypeError,
    );
    throwsTorch(() => M().view(1.5, 4), /expected integer sizes/, torch.TorchTypeError);
    throwsTorch(() => M().index({} as never), /unsupported index item \{\}/, torch.TorchTypeError);
    throwsTorch(() => M().index('1:x'), /invalid slice '1:x'/, torch.TorchTypeError);
    throwsTorch(() => torch.tensor([undefined] as never), /Could not infer dtype of undefined/, torch.TorchTypeError);
    throwsTorch(
      () => torch.fromBuffer('abc' as never, { dtype: 'uint8' }),
      /fromBuffer expects a Buffer, typed array or ArrayBuffer, got 'abc'/,
    );
  });

  it('wrong arguments straight at the native layer throw instead of crashing', () => {
    const h = M()._h;
    const external = native.fromExternal(new Uint8Array(24), 'float32');
    const raw = native as unknown as Record<string, (...a: unknown[]) => unknown>;
    const calls: [() => unknown, RegExp][] = [
      [() => raw.add(123, 4), /argument 0: expected a tensor handle/],
      [() => raw.add(h, 'x'), /argument 1: expected a number, bigint or boolean/],
      [() => raw.view(h, 'x'), /argument 1: expected an array of integers/],
      [() => raw.view(h, [1.5]), /argument 1: expected an array of integers/],
      [() => raw.zeros([2], 'float99', null), /unknown dtype 'float99'/],
      [() => raw.zeros([2], null, 7), /argument 2: expected a string/],
      [() => raw.index(h, [{}]), /unsupported index item at position 0/],
      [() => raw.index(h, 5), /expected an index list/],
      [() => raw.fromBytes(new Uint8Array(3), 'float32', [1]), /expected 4 bytes for this shape and dtype, got 3/],
      [() => raw.fromBytes('abc', 'float32', [1]), /argument 0: expected a TypedArray/],
      [() => raw.setStorage(external, null, 0, [100], [1]), /Trying to resize storage that is not resizable/],
      [() => raw.setStorage(external, null, -1, [2], [1]), /invalid storage offset -1/],
      [() => raw.asStrided(external, [100], [1], 0), /out of bounds for storage of size 24/],
      [() => raw.cat([h, {}], 0), /argument 0: expected an array of tensor handles/],
      [() => raw.select(h, 0, 2 ** 60), /argument 2: expected an integer/],
      [() => raw.dispose({}), /expected a tensor handle/],
      [() => raw.backward(h, 'grad', null, false), /argument 1: expected a tensor handle/],
    ];
    for (const [call, re] of calls) throwsTorch(call, re);
  });

  it('a disposed tensor throws a clear error on use, and dispose twice is harmless', () => {
    const t = M();
    t.dispose();
    t.dispose();
    assert.equal(t.isDisposed, true);
    throwsTorch(() => t.add(1), /this tensor has been disposed/);
    throwsTorch(() => t.shape, /this tensor has been disposed/);
    throwsTorch(() => String(t), /this tensor has been disposed/);
    throwsTorch(() => M().add(t), /this tensor has been disposed/);
  });

  it('errors are Error subclasses with pyType, and the process carries on', () => {
    try {
      M().matmul(M());
      assert.fail('no throw');
    } catch (e) {
      assert.ok(e instanceof Error);
      assert.ok(e instanceof torch.TorchError);
      assert.equal((e as torch.TorchError).name, 'TorchError');
      assert.equal((e as torch.TorchError).pyType, 'RuntimeError');
      assert.ok(!(e as Error).message.includes('Exception raised from'), 'no C++ backtrace');
    }
    assert.equal(torch.ones([3]).sum().item(), 3);
  });

  it('a process that makes every bad call above keeps running to a normal exit', function () {
    this.timeout(60000);
    const r = runNode(`
      const bad = [
        () => torch.zeros([2, 3]).matmul(torch.zeros([2, 3])),
        () => torch.zeros([2]).index(9),
        () => torch.zeros([2], { device: 'cuda' }),
        () => torch.zeros([2], { dtype: 'nope' }),
        () => require(${JSON.stringify(require.resolve('../lib/native'))}).native.add(1, 2),
        () => { const t = torch.ones([1]); t.dispose(); t.item(); },
      ];
      let caught = 0;
      for (const f of bad) { try { f(); } catch (e) { if (e instanceof torch.TorchError) caught++; } }
      console.log(caught, torch.ones([2]).add(1).sum().item());
    `);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '6 4');
  });
});
