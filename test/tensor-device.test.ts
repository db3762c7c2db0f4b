// Devices: strings parsed as torch.device parses them, torch.cuda's answers equal PyTorch's, CUDA requests on this
// build fail with PyTorch's messages; on a machine with CUDA, tensors move there and back.
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { Case, oracleCases } from './helpers/oracle';

const parse = (s: string): Case[] => [
  [
    `torch.device('${s}')`,
    `(lambda d: [str(d), d.type, d.index])(torch.device('${s}'))`,
    () => {
      const d = torch.parseDevice(s);
      return [String(d), d.type, d.index];
    },
  ],
];

const cases: Case[] = [
  ...['cpu', 'cuda', 'cuda:1', 'cpu:0', 'cuda:12', 'meta'].flatMap(parse),
  ...['cuda:x', 'gpu', 'cuda:-1', 'CPU', ' cuda', 'cuda:01', 'cuda:', ''].flatMap(parse),
  ['torch.cuda.is_available()', 'torch.cuda.is_available()', () => torch.cuda.isAvailable()],
  ['torch.cuda.device_count()', 'torch.cuda.device_count()', () => torch.cuda.deviceCount()],
];

const cpuOnly: Case[] = [
  ['torch.cuda.synchronize()', 'torch.cuda.synchronize()', () => torch.cuda.synchronize()],
  ['torch.zeros(device=cuda:1)', "torch.zeros(2, device='cuda:1')", () => torch.zeros([2], { device: 'cuda:1' })],
  ['tensor.cuda()', 'torch.ones(2).cuda()', () => torch.ones([2]).cuda()],
  ["tensor.to('cuda')", "torch.ones(2).to('cuda')", () => torch.ones([2]).to('cuda')],
  ['torch.tensor(device=cuda)', "torch.tensor([1.5], device='cuda')", () => torch.tensor([1.5], { device: 'cuda' })],
];

const hasCuda = torch.cuda.isAvailable();

describe('devices', () => {
  oracleCases('', hasCuda ? cases : { parsing: cases, 'CUDA on a CPU-only build': cpuOnly });

  it('tensors live on the CPU by default; cpu() of a CPU tensor is the tensor itself', () => {
    const t = torch.ones([2]);
    assert.equal(t.device, 'cpu');
    assert.equal(t.isCuda, false);
    assert.equal(t.cpu(), t);
    assert.equal(String(new torch.Device('cuda', 1)), 'cuda:1');
    assert.throws(() => torch.parseDevice(3 as never), torch.TorchTypeError);
  });

  (hasCuda ? it : it.skip)('CUDA: a tensor moves to the GPU and back with its bytes', () => {
    torch.manualSeed(3);
    const a = torch.randn([64, 32]);
    const g = a.cuda();
    assert.equal(g.device, 'cuda:0');
    assert.equal(g.isCuda, true);
    assert.deepEqual(g.cpu().toBuffer(), a.toBuffer());
    torch.cuda.synchronize();
  });

  (hasCuda ? it : it.skip)('CUDA: ops run on the device and agree with the CPU', () => {
    torch.manualSeed(4);
    const a = torch.randn([64, 32]);
    const b = torch.randn([32, 16]);
    const onGpu = a.cuda().matmul(b.to('cuda:0')).softmax(1).cpu();
    assert.ok(onGpu.allclose(a.matmul(b).softmax(1), { rtol: 1e-4, atol: 1e-5 }));
    const z = torch.zeros([3], { device: 'cuda' });
    assert.equal(z.device, 'cuda:0');
    assert.equal(String(z), "tensor([0., 0., 0.], device='cuda:0')");
  });

  (hasCuda ? it : it.skip)('CUDA: autograd through the device', () => {
    const w = torch.ones([4], { device: 'cuda', requiresGrad: true });
    w.mul(3).sum().backward();
    assert.deepEqual(w.grad?.cpu().tolist(), [3, 3, 3, 3]);
  });
});
