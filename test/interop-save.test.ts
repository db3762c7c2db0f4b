// Python's torch.load reads every file Node writes, live in a child /usr/bin/python3: each fixture recipe rebuilt
// and saved by Node in every format and target (zip, legacy, a stream, saveAsync) loads in Python equal to the object
// Python builds from the same recipe; and JS values with no recipe come back as the Python values they stand for.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { Float, FrozenSet, OrderedDict, tuple } from '../lib/serialization/python';
import { collector } from './helpers/collector';
import { buildRecipe, fixtureCases } from './helpers/fixtures';
import { pythonJson } from './helpers/python';

const GENERATOR_DIR = path.join(__dirname, '..', 'scripts', 'fixtures');

/** A file Node wrote from the recipe of the fixture `file`. */
interface Written {
  path: string;
  file: string;
}

/**
 * Python loads each file and compares it with the object it builds from the fixture's recipe (read from the
 * manifest itself, where -0.0 and large ints are exact), with the generator's same(); returns the failures.
 */
function pythonMismatches(files: Written[]): string[] {
  return pythonJson<string[]>(
    `sys.path.insert(0, ${JSON.stringify(GENERATOR_DIR)})
import os, __main__, make_fixtures as mf
__main__.LeNet2 = mf.LeNet2  # whole-module files name __main__.LeNet2
with open(os.path.join(mf.OUT, 'manifest.json')) as m:
    recipes = {c['file']: c['recipe'] for c in json.load(m)['cases']}
bad = []
for f in json.load(sys.stdin):
    try:
        if not mf.same(mf.build_recipe(recipes[f['file']]), torch.load(f['path'])):
            bad.append(f['path'] + ': different')
    except Exception as e:
        bad.append(f['path'] + ': ' + repr(e))
print(json.dumps(bad))`,
    { input: JSON.stringify(files) },
  );
}

describe('interop: Python reads what Node saves', function () {
  this.timeout(180000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-interop-save-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('every fixture recipe, saved as zip, legacy, to a stream and with saveAsync, loads equal in Python', async () => {
    const written: Written[] = [];
    for (const c of fixtureCases()) {
      if (c.python_only) continue;
      const base = path.join(dir, c.file.replace(/\.[^.]*$/, ''));
      const zip = `${base}.zip.pt`;
      const legacy = `${base}.legacy.pt`;
      const viaAsync = `${base}.async.pt`;
      const viaStream = `${base}.stream.pt`;
      torch.save(buildRecipe(c.recipe), zip, { fsync: false });
      torch.save(buildRecipe(c.recipe), legacy, { format: 'legacy', fsync: false });
      await torch.saveAsync(buildRecipe(c.recipe), viaAsync, { fsync: false, pickleProtocol: 4 });
      const w = collector();
      torch.save(buildRecipe(c.recipe), w, { pickleProtocol: 1 });
      fs.writeFileSync(viaStream, w.bytes());
      for (const p of [zip, legacy, viaAsync, viaStream]) written.push({ path: p, file: c.file });
    }
    assert.ok(written.length > 150);
    assert.deepEqual(pythonMismatches(written), []);
  });

  it('JS values come back as the Python values they stand for', () => {
    const marked = [1, 2.5];
    torch.markFloat(marked, 0);
    const obj = {
      plain: { b: 1, a: 'two' },
      map: new Map<unknown, unknown>([
        [1, 'int key'],
        [tuple<unknown>(1, 'x'), 'tuple key'],
        [new Float(2), 'float key'],
        [null, 'None key'],
      ]),
      numbers: [0, -1, 2 ** 31, 2 ** 53, -0, 0.5, NaN, Infinity, new Float(3), 12345678901234567890n],
      marked,
      text: ['', 'é😀', 'a\u0000b'],
      bytes: [Buffer.from([0, 255]), Buffer.alloc(0), new Uint8Array([1, 2])],
      sets: [new Set([3, 1]), new FrozenSet(['z'])],
      od: new OrderedDict([['k', true]]),
      torch: [new torch.Device('cuda', 1), torch.parseDevice('cpu'), new torch.Complex(1, -2)],
      param: new torch.Parameter(torch.ones([2])),
      view: torch.arange(6).view(2, 3).t(),
    };
    const file = path.join(dir, 'values.pt');
    torch.save(obj, file, { fsync: false });
    const got = pythonJson<Record<string, unknown>>(`
o = torch.load(${JSON.stringify(file)})
def show(v):
    if isinstance(v, torch.Tensor):
        return [type(v).__name__, v.requires_grad, list(v.shape), list(v.stride()), v.tolist()]
    if isinstance(v, (list, tuple, set, frozenset)):
        return [type(v).__name__] + [show(x) for x in (sorted(v) if isinstance(v, (set, frozenset)) else v)]
    if isinstance(v, dict):
        return [type(v).__name__] + [[show(k), show(x)] for k, x in v.items()]
    return [type(v).__name__, repr(v)]
print(json.dumps({k: show(v) for k, v in o.items()}))`);
    assert.deepEqual(got.plain, [
      'dict',
      [
        ['str', "'b'"],
        ['int', '1'],
      ],
      [
        ['str', "'a'"],
        ['str', "'two'"],
      ],
    ]);
    assert.deepEqual(got.map, [
      'dict',
      [
        ['int', '1'],
        ['str', "'int key'"],
      ],
      [
        ['tuple', ['int', '1'], ['str', "'x'"]],
        ['str', "'tuple key'"],
      ],
      [
        ['float', '2.0'],
        ['str', "'float key'"],
      ],
      [
        ['NoneType', 'None'],
        ['str', "'None key'"],
      ],
    ]);
    assert.deepEqual(got.numbers, [
      'list',
      ['int', '0'],
      ['int', '-1'],
      ['int', '2147483648'],
      ['int', '9007199254740992'],
      ['float', '-0.0'],
      ['float', '0.5'],
      ['float', 'nan'],
      ['float', 'inf'],
      ['float', '3.0'],
      ['int', '12345678901234567890'],
    ]);
    assert.deepEqual(got.marked, ['list', ['float', '1.0'], ['float', '2.5']]);
    assert.deepEqual(got.text, ['list', ['str', "''"], ['str', "'é😀'"], ['str', "'a\\x00b'"]]);
    assert.deepEqual(got.bytes, ['list', ['bytes', "b'\\x00\\xff'"], ['bytes', "b''"], ['bytes', "b'\\x01\\x02'"]]);
    assert.deepEqual(got.sets, ['list', ['set', ['int', '1'], ['int', '3']], ['frozenset', ['str', "'z'"]]]);
    assert.deepEqual(got.od, [
      'OrderedDict',
      [
        ['str', "'k'"],
        ['bool', 'True'],
      ],
    ]);
    assert.deepEqual(got.torch, [
      'list',
      ['device', "device(type='cuda', index=1)"],
      ['device', "device(type='cpu')"],
      ['complex', '(1-2j)'],
    ]);
    assert.deepEqual(got.param, ['Parameter', true, [2], [1], [1, 1]]);
    assert.deepEqual(got.view, [
      'Tensor',
      false,
      [3, 2],
      [1, 3],
      [
        [0, 3],
        [1, 4],
        [2, 5],
      ],
    ]);
  });
});
