// An ES-module TypeScript consumer of the installed package: the default import and named imports, type-checked by
// test/package.test.ts with `tsc --noEmit` (module nodenext) against dist/index.d.mts.
import torch, { load, save, Tensor, zeros, TorchError } from 'torch-node';
import * as namespace from 'torch-node';

const a: Tensor = zeros([2, 2]);
const b: Tensor = torch.ones([2, 2]);
const c: Tensor = namespace.matmul(a, b);
const err: typeof TorchError = torch.TorchError;
save({ c }, 'c.pt');
const back: unknown = load('c.pt');
console.log(c.shape, err.name, back);

// @ts-expect-error: Tensor has no such method
a.notAMethod();
// @ts-expect-error: the default export is the namespace, not a function
torch();
