// torch.save(obj, f, { format: 'legacy' }) writes what Python's torch.save(..., _use_new_zipfile_serialization=False)
// writes, except that storages are named '0', '1', … instead of by memory address: Python is made to use the same
// names (in the order it first pickles the storages), and then the bytes must be equal.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { buildRecipe, fixtureCases, pythonSaveRecipes, RecipeCase } from './helpers/fixtures';

const tensor = (dtype: string, shape: number[]) => ({ $: 'tensor', dtype, shape, init: 'arange' });

/** The legacy fixtures' recipes, and more: many storages (keys sorted as strings), protocols 1, 3 and 4. */
const CASES: RecipeCase[] = [
  ...fixtureCases()
    .filter((c) => c.save.format === 'legacy')
    .map((c) => ({ file: c.file, recipe: c.recipe, save: { format: 'legacy' as const, protocol: c.save.protocol } })),
  {
    file: 'legacy_many.pt',
    recipe: { value: [...Array(12).keys()].map((i) => tensor(i % 2 ? 'float64' : 'int32', [i])) },
    save: { format: 'legacy' },
  },
  {
    file: 'legacy_p3.pt',
    recipe: { value: { b: { $: 'bytes', hex: '0102' }, t: tensor('float32', [2]) } },
    save: { format: 'legacy', protocol: 3 },
  },
  {
    file: 'legacy_p4.pt',
    recipe: { value: [tensor('bool', [3]), 'x'.repeat(70000)] },
    save: { format: 'legacy', protocol: 4 },
  },
];

describe('torch.save, legacy format', function () {
  this.timeout(120000);
  let dir: string;
  let pyDir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-legacy-'));
    pyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-legacy-py-'));
    pythonSaveRecipes(
      CASES.map((c) => ({ ...c, save: { ...c.save, legacy_keys: 'sequential' } })),
      pyDir,
    );
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(pyDir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.file}: the bytes of Python's legacy save`, () => {
      const out = path.join(dir, c.file);
      torch.save(buildRecipe(c.recipe), out, { format: 'legacy', pickleProtocol: c.save?.protocol ?? 2, fsync: false });
      const theirs = path.join(pyDir, c.file);
      assert.ok(fs.readFileSync(out).equals(fs.readFileSync(theirs)), `ptdiff ${theirs} ${out}`);
    });
  }
});
