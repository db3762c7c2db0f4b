// torch.save writes the bytes Python's torch.save writes: the committed fixtures (rebuilt in Node from their recipes)
// and more cases that Python builds and saves live, file names (the record prefix), and typed errors.
import { strict as assert } from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { archivePrefix } from '../lib/serialization/save';
import {
  buildRecipe,
  buildValueRecipe,
  fixtureCases,
  fixturePath,
  pythonSaveRecipes,
  RecipeCase,
} from './helpers/fixtures';
import { collector } from './helpers/collector';
import { runPython } from './helpers/python';

const sha256 = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

const F = (v: number | string) => ({ $: 'float', v });
const T = (...v: unknown[]) => ({ $: 'tuple', v });
const tensor = (dtype: string, shape: number[], extra: object = {}) => ({
  $: 'tensor',
  dtype,
  shape,
  init: 'arange',
  ...extra,
});

/** Cases beyond the fixtures: edges of the pickle format, built and saved by Python in the test run. */
const LIVE: RecipeCase[] = [
  { file: 'memo_long.pt', recipe: { value: [...Array(300).keys()].flatMap((i) => [`w${i}`, `w${i}`]) } },
  {
    file: 'long4.pt',
    recipe: {
      value: [
        { $: 'int', v: (2n ** 2100n).toString() },
        { $: 'int', v: (-(2n ** 2047n)).toString() },
      ],
    },
  },
  { file: 'list_1000.pt', recipe: { value: [...Array(1000).keys()] } },
  {
    file: 'odicts.pt',
    recipe: {
      value: [1, 1000, 1001, 2001].map((n) => ({ $: 'odict', v: [...Array(n).keys()].map((i) => [i, F(i)]) })),
    },
  },
  {
    file: 'float_slots.pt',
    recipe: {
      value: {
        t: T(F(1), 2, F(3), T(F(4))),
        l: [F(0), 0, F('-0.0'), F(1e20), 1e15],
        od: {
          $: 'odict',
          v: [
            ['a', F(2)],
            ['b', [F(5)]],
          ],
        },
        d: {
          $: 'dict',
          v: [
            [F(1), F(1)],
            [2, F(2)],
          ],
        },
      },
    },
  },
  { file: 'tuples.pt', recipe: { value: [T(), T(T()), T(1, 2, 3, 4, 5), T([1], { a: 1 }, T(1, T(2, T(3))))] } },
  {
    file: 'small_bytes.pt',
    recipe: {
      value: [
        { $: 'bytes', hex: '61' },
        { $: 'bytes', hex: '61' },
        { $: 'bytes', hex: '' },
        { $: 'bytes', hex: '' },
        { $: 'bytes', hex: '6162' },
        { $: 'bytes', hex: '6162' },
        { $: 'bytearray', hex: '' },
        { $: 'bytes', hex: '31' },
        '1',
        'a',
        'ab',
      ],
    },
  },
  {
    file: 'strings.pt',
    recipe: {
      value: [
        ['version', 'version', 'a.b', 'a.b', '', '', 'é', 'é', '€', '€', 'x y', 'x y', '10', '10', '_', '_'],
        { 'features.0.weight': 1, features: 2, Ünïcødé: 3, '𝔘': 4 },
      ],
    },
  },
  {
    file: 'frames4.pt',
    recipe: { value: { big: [...Array(30000).keys()], text: 'x'.repeat(70000), t: tensor('float32', [3]) } },
    save: { protocol: 4 },
  },
  {
    file: 'protocol3.pt',
    recipe: { value: { b: { $: 'bytes', hex: '00ff' }, s: { $: 'set', v: [1, 2] } } },
    save: { protocol: 3 },
  },
  {
    file: 'protocol4_sets.pt',
    recipe: {
      value: [
        { $: 'set', v: [1, 2, 3] },
        { $: 'frozenset', v: [4] },
        { $: 'bytes', hex: 'ff' },
        { $: 'bytearray', hex: '0102' },
        { $: 'dtype', v: 'float64' },
      ],
    },
    save: { protocol: 4 },
  },
  {
    file: 'storages_sorted.pt',
    recipe: {
      defs: { base: tensor('float32', [12]) },
      value: [...Array(12).keys()].map((i) =>
        i % 2 ? { $: 'view', of: { $: 'ref', id: 'base' }, ops: [['narrow', 0, i, 1]] } : tensor('int16', [i]),
      ),
    },
  },
  {
    file: 'torch_misc.pt',
    recipe: {
      value: [
        { $: 'size', v: [0] },
        { $: 'size', v: [1, 2, 3, 4] },
        { $: 'device', v: 'cuda' },
        { $: 'device', v: 'cpu' },
        { $: 'dtype', v: 'complex128' },
        { $: 'param', data: tensor('float16', [2]), requires_grad: true },
      ],
    },
  },
  // The record prefix comes from the file name: basename, minus the last extension.
  { file: 'ckpt.pth.tar', recipe: { value: tensor('float32', [1]) } },
  { file: '.hidden.pt', recipe: { value: tensor('float32', [1]) } },
  { file: 'trailing.', recipe: { value: tensor('float32', [1]) } },
  { file: 'with space.pt', recipe: { value: tensor('float32', [1]) } },
  { file: 'é日本.pt', recipe: { value: tensor('float32', [1]) } },
];

describe('torch.save: bytes equal to Python', function () {
  this.timeout(120000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-save-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the committed fixtures are intact (their sha256 is the manifest’s)', () => {
    for (const c of fixtureCases()) assert.equal(sha256(fs.readFileSync(fixturePath(c))), c.sha256, c.file);
  });

  describe('fixtures rebuilt in Node', () => {
    for (const c of fixtureCases()) {
      if (c.python_only || c.save.format === 'legacy') continue;
      it(`${c.file}: ${c.desc}`, () => {
        const obj = buildRecipe(c.recipe);
        const opts = { pickleProtocol: c.save.protocol, fsync: false };
        let bytes: Buffer;
        if (c.save.target === 'stream') {
          const w = collector();
          torch.save(obj, w, opts);
          bytes = w.bytes();
        } else {
          torch.save(obj, path.join(dir, c.file), opts);
          bytes = fs.readFileSync(path.join(dir, c.file));
        }
        assert.equal(sha256(bytes), c.sha256);
      });
    }
  });

  describe('objects Python builds and saves in this run', () => {
    let pyDir: string;
    before(() => {
      pyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-save-py-'));
      pythonSaveRecipes(LIVE, pyDir);
    });
    after(() => fs.rmSync(pyDir, { recursive: true, force: true }));
    for (const c of LIVE) {
      it(c.file, () => {
        const out = path.join(dir, c.file);
        torch.save(buildValueRecipe(c.recipe), out, { pickleProtocol: c.save?.protocol ?? 2, fsync: false });
        const ours = fs.readFileSync(out);
        const theirs = fs.readFileSync(path.join(pyDir, c.file));
        assert.ok(ours.equals(theirs), `${c.file} differs: ptdiff ${path.join(pyDir, c.file)} ${out}`);
      });
    }
  });

  describe('record prefix', () => {
    it('is the file name without folders and last extension; "archive" for a stream', () => {
      assert.equal(archivePrefix('/a/b.c/ckpt.pth.tar'), 'ckpt.pth');
      assert.equal(archivePrefix('C:\\x\\model.pt'), 'model');
      assert.equal(archivePrefix('noext'), 'noext');
      assert.equal(archivePrefix(collector()), 'archive');
    });

    it('an empty prefix is refused, as PyTorch refuses it', () => {
      const py = runPython(`
try:
    torch.save(torch.zeros(1), ${JSON.stringify(path.join(dir, '.pt'))})
except RuntimeError as e:
    print(str(e).split('] ')[-1])`).trim();
      assert.throws(
        () => torch.save(torch.zeros([1]), path.join(dir, '.pt')),
        (e: Error) => e instanceof torch.TorchError && py.endsWith(e.message),
      );
    });
  });

  describe('errors', () => {
    const target = () => path.join(dir, 'err.pt');
    const cases: [string, unknown, RegExp][] = [
      ['undefined', { a: [1, undefined] }, /cannot save undefined .* at obj\["a"\]\[1\]/],
      ['a function', new Map([['f', () => 1]]), /cannot save a function at obj\["f"\]/],
      ['a symbol', [Symbol('s')], /cannot save a symbol at obj\[0\]/],
      ['an instance of an unregistered class', { d: new Date(0) }, /cannot save an object of class Date .*register/],
    ];
    for (const [what, value, re] of cases) {
      it(`${what} gives a TorchTypeError naming where it is`, () => {
        assert.throws(
          () => torch.save(value, target()),
          (e: Error) => e instanceof torch.TorchTypeError && re.test(e.message),
        );
      });
    }

    it('a disposed tensor gives a TorchTypeError', () => {
      const t = torch.zeros([2]);
      t.dispose();
      assert.throws(
        () => torch.save({ t }, target()),
        (e: Error) => e instanceof torch.TorchTypeError && /disposed at obj\["t"\]$/.test(e.message),
      );
    });

    it('two dtypes over one storage give PyTorch’s message', () => {
      const py = runPython(`
import io
t = torch.zeros(4)
try:
    torch.save([t, t.view(torch.int32)], io.BytesIO())
except RuntimeError as e:
    print(e)`).trim();
      const t = torch.zeros([4]);
      assert.throws(
        () => torch.save([t, t.viewAs('int32')], target()),
        (e: Error) => e instanceof torch.TorchError && e.message === `${py} at obj[1]`,
      );
    });

    it('bad options and targets give TorchTypeErrors', () => {
      assert.throws(() => torch.save(1, 42 as unknown as string), torch.TorchTypeError);
      assert.throws(() => torch.save(1, target(), { format: 'tar' as 'zip' }), torch.TorchTypeError);
      assert.throws(() => torch.save(1, target(), { pickleProtocol: 0 as 4 }), torch.TorchTypeError);
    });

    it('a list that contains itself is saved as Python saves it', () => {
      const l: unknown[] = [1];
      l.push(l);
      torch.save(l, target(), { fsync: false });
      const py = runPython(`print(repr(torch.load(${JSON.stringify(target())})))`).trim();
      assert.equal(py, '[1, [...]]');
    });
  });
});
