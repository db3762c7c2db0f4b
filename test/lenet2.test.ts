// LeNet2 and whole modules in files, against PyTorch 1.13: seeded state dicts and whole-module pickles are the bytes
// Python writes; a whole LeNet2 saved by Python loads in Node as a working LeNet2, and one saved by Node loads in
// Python (LeNet2 defined in __main__, as the lesson's script does) and computes the same outputs.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { runPython } from './helpers/python';
import { assertSameFile } from './helpers/same-file';

const { nn } = torch;
const { LeNet2 } = torch.models;

// LeNet2 defined in __main__ (the lesson's script), and every layer type in one Sequential.
const PY_MODELS = `
exec(open('scripts/parity/lenet2.py').read())
import torch.nn as nn
def all_layers():
    torch.manual_seed(7)
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(inplace=True),
                         nn.MaxPool2d(2), nn.AvgPool2d(2, 1), nn.Dropout(0.2), nn.Flatten(),
                         nn.Linear(36, 5, bias=False), nn.BatchNorm1d(5, momentum=None), nn.Softmax(dim=1),
                         nn.Identity(), nn.CrossEntropyLoss(label_smoothing=0.1), nn.NLLLoss(), nn.MSELoss())
`;

function allLayers(): torch.nn.Sequential {
  torch.manualSeed(7);
  return new nn.Sequential(
    new nn.Conv2d(3, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU({ inplace: true }),
    new nn.MaxPool2d(2),
    new nn.AvgPool2d(2, 1),
    new nn.Dropout(0.2),
    new nn.Flatten(),
    new nn.Linear(36, 5, { bias: false }),
    new nn.BatchNorm1d(5, { momentum: null }),
    new nn.Softmax(1),
    new nn.Identity(),
    new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }),
    new nn.NLLLoss(),
    new nn.MSELoss(),
  );
}

function input(): torch.Tensor {
  torch.manualSeed(11);
  return torch.randn([4, 3, 32, 32]);
}

describe('LeNet2 and whole modules in files match PyTorch', function () {
  this.timeout(120000);
  let dir = '';
  let py = '';
  let node = '';

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-lenet2-'));
    py = path.join(dir, 'py');
    node = path.join(dir, 'node');
    fs.mkdirSync(py);
    fs.mkdirSync(node);
    // One Python process writes every reference file (same names as Node's, so the archive prefixes agree).
    runPython(`${PY_MODELS}
import os
os.chdir(${JSON.stringify(py)})
torch.manual_seed(1)
net = LeNet2(classes=2019)
torch.save(net.state_dict(), 'lenet2_2019.pth')
torch.save(net, 'lenet2_whole.pkl')
net.initialize()
torch.save(net.state_dict(), 'lenet2_initialized.pth')
torch.manual_seed(1)
net = LeNet2(classes=10)
torch.manual_seed(11)
x = torch.randn(4, 3, 32, 32)
torch.save(net, 'lenet2_10.pkl')
torch.save(net(x), 'lenet2_10_out.pt')
torch.save(all_layers(), 'all_layers.pkl')
`);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('torch.manualSeed(1); new LeNet2({ classes: 2019 }) state dict is the bytes Python writes', () => {
    torch.manualSeed(1);
    torch.save(new LeNet2({ classes: 2019 }).stateDict(), path.join(node, 'lenet2_2019.pth'));
    assertSameFile(path.join(py, 'lenet2_2019.pth'), path.join(node, 'lenet2_2019.pth'));
  });

  it("after initialize() every parameter is 2020, and the file is Python's", () => {
    torch.manualSeed(1);
    const net = new LeNet2({ classes: 2019 });
    net.initialize();
    for (const p of net.parameters()) assert.ok(p.eq(2020).all().item());
    torch.save(net.stateDict(), path.join(node, 'lenet2_initialized.pth'));
    assertSameFile(path.join(py, 'lenet2_initialized.pth'), path.join(node, 'lenet2_initialized.pth'));
  });

  it("a whole LeNet2 pickles as __main__.LeNet2 with 1.13's __dict__ for every module", () => {
    torch.manualSeed(1);
    torch.save(new LeNet2({ classes: 2019 }), path.join(node, 'lenet2_whole.pkl'));
    assertSameFile(path.join(py, 'lenet2_whole.pkl'), path.join(node, 'lenet2_whole.pkl'));
  });

  it('every layer type pickles whole as PyTorch does', () => {
    torch.save(allLayers(), path.join(node, 'all_layers.pkl'));
    assertSameFile(path.join(py, 'all_layers.pkl'), path.join(node, 'all_layers.pkl'));
  });

  it('a whole module loaded from Python saves back to the same bytes', () => {
    for (const name of ['lenet2_whole.pkl', 'all_layers.pkl']) {
      const m = torch.load(path.join(py, name));
      assert.ok(m instanceof nn.Module, `${name} loads as a Module`);
      torch.save(m, path.join(node, name));
      assertSameFile(path.join(py, name), path.join(node, name));
    }
  });

  it('a module with its own attributes round-trips (floats, odd names, hooks kept as read)', () => {
    class Extra extends nn.Module {}
    nn.registerModuleClass(Extra, '__main__', 'Extra');
    const file = path.join(py, 'extra.pkl');
    runPython(`import torch.nn as nn
class Extra(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = 1.0
        self.num_classes = 3
        self.fc_1 = nn.Linear(2, 2)
        self.odd_name_2 = 'x'
        self.camelCase = (1, 2.5)
torch.manual_seed(2)
torch.save(Extra(), ${JSON.stringify(file)})`);
    const m = torch.load(file) as Extra & { scale: number; numClasses: number; fc_1: torch.nn.Linear };
    assert.ok(m instanceof Extra);
    assert.equal(m.scale, 1);
    assert.equal(m.numClasses, 3);
    assert.ok(m.fc_1 instanceof nn.Linear);
    torch.save(m, path.join(node, 'extra.pkl'));
    assertSameFile(file, path.join(node, 'extra.pkl'));
  });

  it('a module whose class is not registered refuses to save whole, and says how', () => {
    class TinyNet extends nn.Module {}
    assert.throws(
      () => torch.save(new TinyNet(), path.join(node, 'tiny.pkl')),
      /cannot save a whole TinyNet: its class is not registered for pickling; call nn.registerModuleClass\(TinyNet/,
    );
  });

  it("Python's whole LeNet2 loads in Node as a working LeNet2", () => {
    const net = torch.load(path.join(py, 'lenet2_10.pkl'));
    assert.ok(net instanceof LeNet2);
    assert.ok(net.features.get(0) instanceof nn.Conv2d);
    assert.equal(String(net), String(new LeNet2({ classes: 10 })));
    const expected = torch.load(path.join(py, 'lenet2_10_out.pt')) as torch.Tensor;
    assert.equal(net.call(input()).toBuffer().toString('hex'), expected.toBuffer().toString('hex'));
    // It trains: gradients reach every parameter and an optimizer can hold them.
    const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
    net.call(input()).sum().backward();
    opt.step();
    assert.ok([...net.parameters()].every((p) => p.grad !== null));
  });

  it("Node's whole LeNet2 loads in Python and gives the same outputs", () => {
    torch.manualSeed(1);
    const net = new LeNet2({ classes: 10 });
    const file = path.join(node, 'lenet2_10.pkl');
    torch.save(net, file);
    const ours = net.call(input()).toBuffer().toString('hex');
    const theirs = runPython(`${PY_MODELS}
net = torch.load(${JSON.stringify(file)})
assert type(net).__name__ == 'LeNet2' and type(net).__module__ == '__main__'
torch.manual_seed(11)
print(net(torch.randn(4, 3, 32, 32)).detach().numpy().tobytes().hex())
`).trim();
    assert.equal(ours, theirs);
    assertSameFile(path.join(py, 'lenet2_10.pkl'), file);
  });

  it('a state dict saved by Python loads into a new LeNet2 with the same outputs', () => {
    const sd = torch.load(path.join(py, 'lenet2_2019.pth')) as torch.nn.StateDict;
    const net = new LeNet2({ classes: 2019 });
    const r = net.loadStateDict(sd);
    assert.deepEqual(r, { missingKeys: [], unexpectedKeys: [] });
    torch.manualSeed(1);
    const fresh = new LeNet2({ classes: 2019 });
    assert.ok(net.call(input()).equal(fresh.call(input())));
  });
});
