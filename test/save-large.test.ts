// Saves of large storages take another path than small ones: the writer computes each record's CRC-32 on a helper
// thread while it writes, and fills in the descriptors and the central directory as it reaches them. The files must
// still be the bytes Python's torch.save writes, and the native writer must refuse patches that do not fit.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { native } from '../lib/native';
import { runPython } from './helpers/python';

/** The same state dict in both languages: five float32 aranges of about 5 MiB each, an empty and a small tensor. */
const PY_STATE = `
import collections
sd = collections.OrderedDict()
for i in range(5): sd[f'w{i}'] = torch.arange(0, 1.3e6 + i, 1, dtype=torch.float32)
sd['empty'] = torch.zeros(0)
sd['small'] = torch.arange(0, 10)
`;

function nodeState(): torch.OrderedDict<string, torch.Tensor> {
  const sd = new torch.OrderedDict<string, torch.Tensor>();
  for (let i = 0; i < 5; i++) sd.set(`w${i}`, torch.arange(0, 1.3e6 + i, 1, { dtype: 'float32' }));
  sd.set('empty', torch.zeros([0]));
  sd.set('small', torch.arange(0, 10));
  return sd;
}

describe('torch.save of large storages (CRC-32s computed while writing)', function () {
  this.timeout(120000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-save-large-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('save, saveAsync and a durable save write the bytes PyTorch writes, and zipfile finds every CRC right', async () => {
    const sd = nodeState();
    torch.save(sd, path.join(dir, 'a.pt'), { fsync: false });
    await torch.saveAsync(sd, path.join(dir, 'b.pt'), { fsync: false });
    torch.save(sd, path.join(dir, 'c.pt'));
    const out = runPython(
      `${PY_STATE}
import os, zipfile
os.makedirs(DIR + '/py', exist_ok=True)
for name in 'abc':
    f = f'{DIR}/{name}.pt'
    # The record folder is the file name: Python saves under the same names.
    torch.save(sd, f'{DIR}/py/{name}.pt')
    assert zipfile.ZipFile(f).testzip() is None, f
    print(name, open(f, 'rb').read() == open(f'{DIR}/py/{name}.pt', 'rb').read())
`.replace(/DIR/g, JSON.stringify(dir)),
    );
    assert.deepEqual(out.trim().split('\n'), ['a True', 'b True', 'c True']);
  });

  it('the native writer refuses CRC patches outside a Buffer segment, or whose source is patched', () => {
    const file = path.join(dir, 'patch.bin');
    const data = Buffer.alloc(64, 1);
    const header = Buffer.alloc(8);
    const t = torch.zeros([4]);
    const bad: number[][] = [
      [0, 1, 6], // the field would run past the Buffer's end
      [0, 2, 0], // a tensor cannot be patched
      [5, 1, 0], // no such segment
      [1, 1, 0], // the source is patched itself
      [0, 1], // not a triple
    ];
    for (const patches of bad) {
      assert.throws(() => native.writeFile(file, [data, header, t._h], false, false, patches), /patch|triple/);
    }
    native.writeFile(file, [data, header], false, false, [0, 1, 2]);
    const written = fs.readFileSync(file);
    assert.equal(written.readUInt32LE(64 + 2), native.crc32([data])[0]);
  });
});
