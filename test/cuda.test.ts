/**
 * CUDA: tensors, modules, optimizers, torch.save and torch.load on a GPU, checked against the Python torch of the
 * same machine (TORCH_NODE_PYTHON). Every test here needs torch.cuda.isAvailable(): on a CPU machine the suite is
 * reported as pending, test by test, by name. scripts/gpu-check.sh runs this file on a GPU machine.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { runPython } from './helpers/python';

const CUDA_FILE = path.join(__dirname, 'fixtures', 'core', 'cuda0_tagged.pt');

/** The tensor's bytes as hex, read on the host. */
function hex(t: torch.Tensor): string {
  return t.cpu().contiguous().toBuffer().toString('hex');
}

/** What Python's torch.load(file, map_location=…) gives for key `key` of a dict: its device and bytes as hex. */
function pythonTensor(file: string, key: string, mapLocation: string | null): { device: string; hex: string } {
  const ml = mapLocation === null ? '' : `, map_location=${JSON.stringify(mapLocation)}`;
  const out = runPython(
    `obj = torch.load(${JSON.stringify(file)}${ml})\nt = obj[${JSON.stringify(key)}]\n` +
      `print(json.dumps({'device': str(t.device), 'hex': t.detach().cpu().contiguous().view(torch.uint8).numpy().tobytes().hex()}))`,
  );
  return JSON.parse(out.trim().split('\n').pop()!) as { device: string; hex: string };
}

describe('CUDA (skipped without a GPU)', function () {
  this.timeout(120000);
  let dir = '';

  before(function () {
    if (!torch.cuda.isAvailable()) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-cuda-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('devices', function () {
    it('torch.cuda.deviceCount() is what Python counts; synchronize() takes nothing, an index or a device', function () {
      const python = Number(runPython('print(torch.cuda.device_count())').trim());
      assert.equal(torch.cuda.deviceCount(), python);
      torch.cuda.synchronize();
      torch.cuda.synchronize(0);
      torch.cuda.synchronize('cuda:0');
      assert.throws(() => torch.cuda.synchronize(python), /invalid device ordinal/);
    });

    it("tensors go to 'cuda', 'cuda:0', .cuda() and back to the CPU with the same bytes", function () {
      torch.manualSeed(3);
      const x = torch.randn([5, 7]);
      for (const y of [
        x.to('cuda'),
        x.to('cuda:0'),
        x.cuda(),
        x.cuda(0),
        x.to({ device: 'cuda:0', nonBlocking: true }),
      ]) {
        assert.equal(y.device, 'cuda:0');
        assert.equal(hex(y.to('cpu')), hex(x));
      }
      const back = x.cuda().mul(2).cpu();
      assert.equal(back.device, 'cpu');
      assert.equal(hex(back), hex(x.mul(2)));
    });

    it('an index past the last GPU fails as PyTorch fails', function () {
      const n = torch.cuda.deviceCount();
      assert.throws(() => torch.zeros([2], { device: `cuda:${n}` }), /invalid device ordinal/);
    });

    it('torch.backends.cudnn.deterministic and benchmark are switches that read back', function () {
      const { cudnn } = torch.backends;
      const saved = [cudnn.deterministic, cudnn.benchmark];
      try {
        cudnn.deterministic = true;
        cudnn.benchmark = false;
        assert.equal(cudnn.deterministic, true);
        assert.equal(cudnn.benchmark, false);
        torch.manualSeed(5);
        const x = torch.randn([4, 3, 16, 16], { device: 'cuda' });
        const w = torch.randn([6, 3, 5, 5], { device: 'cuda' });
        const a = torch.nn.functional.conv2d(x, w);
        const b = torch.nn.functional.conv2d(x, w);
        assert.equal(hex(a), hex(b), 'a deterministic convolution gives the same bits twice');
      } finally {
        [cudnn.deterministic, cudnn.benchmark] = saved;
      }
    });
  });

  describe('modules and optimizers', function () {
    it("net.to('cuda') moves parameters in place: an optimizer made before still steps them, on the GPU", function () {
      torch.manualSeed(1);
      const net = new torch.models.LeNet2({ classes: 3 });
      const params = [...net.parameters()];
      const optimizer = new torch.optim.SGD(params, { lr: 0.01, momentum: 0.9 });
      net.to('cuda');
      assert.deepEqual(
        [...net.parameters()].map((p, i) => p === params[i]),
        params.map(() => true),
      );
      const before = hex(params[0]);
      const x = torch.randn([2, 3, 32, 32], { device: 'cuda' });
      const loss = new torch.nn.CrossEntropyLoss().call(net.call(x), torch.tensor([0, 2], { device: 'cuda' }));
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      assert.notEqual(hex(params[0]), before);
      for (const p of params) assert.equal(p.device, 'cuda:0');
      for (const s of optimizer.state.values()) assert.equal((s.momentum_buffer as torch.Tensor).device, 'cuda:0');
      net.to('cpu');
      for (const p of params) assert.equal(p.device, 'cpu');
    });

    it("loadStateDict puts a CPU-loaded optimizer state on each parameter's device (Adam's step stays put)", function () {
      torch.manualSeed(2);
      const make = () => {
        const lin = new torch.nn.Linear(4, 3).to('cuda');
        return { lin, opt: new torch.optim.Adam(lin.parameters(), { lr: 0.001 }) };
      };
      const a = make();
      const x = torch.randn([5, 4], { device: 'cuda' });
      a.lin.call(x).sum().backward();
      a.opt.step();
      const file = path.join(dir, 'adam.pt');
      torch.save(a.opt.stateDict(), file);
      const b = make();
      b.opt.loadStateDict(torch.load(file, { mapLocation: 'cpu' }) as Map<string, unknown>);
      for (const p of b.lin.parameters()) {
        const s = b.opt.state.get(p)!;
        assert.equal((s.exp_avg as torch.Tensor).device, 'cuda:0');
        assert.equal((s.exp_avg_sq as torch.Tensor).device, 'cuda:0');
        assert.equal((s.step as torch.Tensor).device, 'cpu', "1.13's load_state_dict leaves 'step' where it was");
      }
      const pa = [...a.lin.parameters()];
      [...b.lin.parameters()].forEach((p, i) => {
        assert.equal(
          hex(b.opt.state.get(p)!.exp_avg as torch.Tensor),
          hex(a.opt.state.get(pa[i])!.exp_avg as torch.Tensor),
        );
      });
    });
  });

  describe('torch.save of CUDA tensors', function () {
    it("tags storages 'cuda:0'; Python loads them onto the GPU, or the CPU with map_location='cpu'", function () {
      torch.manualSeed(4);
      const w = torch.randn([3, 4], { device: 'cuda' });
      const file = path.join(dir, 'cuda-save.pt');
      torch.save({ w, row: w.index(1) }, file);
      const tags: string[] = [];
      torch.load(file, { mapLocation: (_s: torch.Tensor, location: string) => (tags.push(location), 'cpu') });
      assert.deepEqual(tags, ['cuda:0'], 'one storage (the view shares it), tagged as PyTorch tags it');
      const onGpu = pythonTensor(file, 'w', null);
      assert.equal(onGpu.device, 'cuda:0');
      assert.equal(onGpu.hex, hex(w));
      const onCpu = pythonTensor(file, 'row', 'cpu');
      assert.equal(onCpu.device, 'cpu');
      assert.equal(onCpu.hex, hex(w.index(1)));
      const shared = runPython(
        `d = torch.load(${JSON.stringify(file)}, map_location='cuda:0')\n` +
          "print(d['row'].data_ptr() == d['w'].data_ptr() + 4 * d['w'].element_size())",
      ).trim();
      assert.equal(shared, 'True', 'a view saved from the GPU shares its storage after loading');
    });

    it('saveAsync writes the same bytes as save for CUDA tensors', async function () {
      torch.manualSeed(6);
      const sd = new torch.models.LeNet2({ classes: 2 }).to('cuda').stateDict();
      // The same file name in two folders: the record folder inside the zip is named after the file.
      fs.mkdirSync(path.join(dir, 'sync'));
      fs.mkdirSync(path.join(dir, 'async'));
      const a = path.join(dir, 'sync', 'lenet2.pt');
      const b = path.join(dir, 'async', 'lenet2.pt');
      torch.save(sd, a);
      await torch.saveAsync(sd, b);
      assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)));
    });
  });

  describe('torch.load to and from CUDA', function () {
    it("a file tagged cuda:0 loads onto the GPU by default and onto the CPU with mapLocation 'cpu'", function () {
      const gpu = torch.load(CUDA_FILE) as Map<string, unknown> | torch.Tensor;
      const cpu = torch.load(CUDA_FILE, { mapLocation: 'cpu' }) as Map<string, unknown> | torch.Tensor;
      const tensors = (v: unknown): torch.Tensor[] =>
        v instanceof torch.Tensor ? [v] : v instanceof Map ? [...v.values()].flatMap(tensors) : [];
      const [g, c] = [tensors(gpu), tensors(cpu)];
      assert.ok(g.length > 0 && g.length === c.length);
      g.forEach((t, i) => {
        assert.equal(t.device, 'cuda:0');
        assert.equal(c[i].device, 'cpu');
        assert.equal(hex(t), hex(c[i]));
      });
    });

    it('mapLocation as a string, a Device, an object, a Map and a function sends CPU storages to the GPU', function () {
      torch.manualSeed(7);
      const x = torch.randn([6, 5]);
      const file = path.join(dir, 'cpu-saved.pt');
      torch.save({ x }, file);
      const forms: torch.MapLocation[] = [
        'cuda:0',
        'cuda',
        new torch.Device('cuda', 0),
        { cpu: 'cuda:0' },
        new Map([['cpu', 'cuda:0']]),
        () => 'cuda:0',
        (storage: torch.Tensor) => storage.cuda(),
      ];
      for (const mapLocation of forms) {
        const y = (torch.load(file, { mapLocation }) as Map<string, torch.Tensor>).get('x')!;
        assert.equal(y.device, 'cuda:0', `mapLocation ${String(mapLocation)}`);
        assert.equal(hex(y), hex(x));
      }
    });

    it('a storage larger than one pinned staging chunk (64 MiB) arrives whole, and loadAsync agrees', async function () {
      const n = 20_000_003; // 80 MB of float32: two full chunks and a ragged tail
      const x = torch.arange(n, { dtype: 'float32' });
      const file = path.join(dir, 'big.pt');
      torch.save({ x, tail: x.narrow(0, n - 5, 5) }, file);
      const sync = torch.load(file, { mapLocation: 'cuda:0' }) as Map<string, torch.Tensor>;
      const async = (await torch.loadAsync(file, { mapLocation: 'cuda:0' })) as Map<string, torch.Tensor>;
      for (const d of [sync, async]) {
        assert.equal(d.get('x')!.device, 'cuda:0');
        assert.ok(d.get('x')!.cpu().toBuffer().equals(x.toBuffer()));
        assert.deepEqual(d.get('tail')!.cpu().tolist(), x.narrow(0, n - 5, 5).tolist());
      }
    });

    it("Python's checkpoint saved from the GPU loads in Node onto the GPU and the CPU", function () {
      const file = path.join(dir, 'python-cuda.pt');
      const expected = runPython(
        `torch.manual_seed(8)\nw = torch.randn(4, 4, device='cuda')\n` +
          `torch.save({'w': w, 'epoch': 3}, ${JSON.stringify(file)})\n` +
          `print(w.cpu().view(torch.uint8).numpy().tobytes().hex())`,
      ).trim();
      const gpu = torch.load(file) as Map<string, unknown>;
      const cpu = torch.load(file, { mapLocation: 'cpu' }) as Map<string, unknown>;
      assert.equal((gpu.get('w') as torch.Tensor).device, 'cuda:0');
      assert.equal((cpu.get('w') as torch.Tensor).device, 'cpu');
      assert.equal(hex(gpu.get('w') as torch.Tensor), expected);
      assert.equal(hex(cpu.get('w') as torch.Tensor), expected);
      assert.equal(gpu.get('epoch'), 3);
    });
  });
});
