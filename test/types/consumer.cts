// A CommonJS TypeScript consumer of the installed package. test/package.test.ts compiles it with `tsc --noEmit`
// (module nodenext) against the packed package's dist/*.d.ts; each @ts-expect-error proves the types are not `any`.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS form is what this file checks
import torch = require('torch-node');

const x: torch.Tensor = torch.randn([2, 3], { dtype: 'float64' });
const shape: number[] = x.shape;
const total: number = x.sum().item() as number;
const doubled: torch.Tensor = torch.noGrad(() => x.mul(2));
const info: { libtorchVersion: string; flavour: string } = torch.buildInfo;
const net = new torch.models.LeNet2({ classes: 10 });
net.loadStateDict(net.stateDict());
torch.save(net.stateDict(), 'net_params.pkl');
const loaded: unknown = torch.load('net_params.pkl', { mapLocation: 'cpu' });
console.log(shape, total, doubled.dtype, info.flavour, loaded);

// @ts-expect-error: a shape is numbers
torch.zeros(['2']);
// @ts-expect-error: LeNet2 takes { classes }
new torch.models.LeNet2(10);
// @ts-expect-error: requiresGrad is a boolean
torch.ones([1], { requiresGrad: 'yes' });
