// The foundation's "done when": RNG parity with PyTorch's bytes and a one-line catchable error.
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { pythonTensorHex } from './helpers/python';

describe('foundation smoke', () => {
  it('manualSeed(1); randn([2,3]) gives PyTorch bytes', () => {
    torch.manualSeed(1);
    const ours = torch.randn([2, 3]).toBuffer().toString('hex');
    assert.equal(ours, pythonTensorHex('torch.manual_seed(1)', 'torch.randn(2, 3)'));
  });

  it('a bad matmul throws a one-line TorchError and the process goes on', () => {
    assert.throws(
      () => torch.zeros([2, 3]).matmul(torch.zeros([2, 3])),
      (e: Error) =>
        e instanceof torch.TorchError && e.message === 'mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)',
    );
    assert.equal(torch.ones([2]).sum().item(), 2);
  });
});
