// save(load(f), sameName) reproduces every fixture written by Python's torch.save, byte for byte. Two kinds of files
// cannot come back identical, exactly as in Python: a legacy file names its storages by memory addresses (Node writes
// '0', '1', …, so it is compared with Python saving the same loaded object with those keys), and a cuda:0 file
// loaded on a CPU machine with mapLocation 'cpu' is saved with 'cpu' tags (compared with Python's load and save).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { collector } from './helpers/collector';
import { FixtureCase, fixtureCases, fixturePath } from './helpers/fixtures';
import { runPython } from './helpers/python';

const GENERATOR_DIR = path.join(__dirname, '..', 'scripts', 'fixtures');

/** Fixtures whose load-then-save differs from the file in Python too; what Python writes instead is the reference. */
function needsPythonReference(c: FixtureCase): boolean {
  return c.save.format === 'legacy' || c.save.location !== undefined;
}

/** Python loads each fixture (mapping storages to the CPU) and saves it again: legacy files with keys '0', '1', …. */
function pythonResaves(cases: FixtureCase[], dir: string): void {
  runPython(
    `sys.path.insert(0, ${JSON.stringify(GENERATOR_DIR)})
import os, make_fixtures as mf
for case in json.load(sys.stdin):
    obj = torch.load(case['path'], map_location='cpu')
    save = {k: v for k, v in case['save'].items() if k != 'location'}
    mf.save_case(obj, {'save': {**save, 'legacy_keys': 'sequential'}}, os.path.join(${JSON.stringify(dir)}, case['file']))`,
    { input: JSON.stringify(cases.map((c) => ({ ...c, path: fixturePath(c) }))) },
  );
}

describe('round trip: save(load(f)) gives f back', function () {
  this.timeout(120000);
  let dir: string;
  let pyDir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-roundtrip-'));
    pyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-roundtrip-py-'));
    pythonResaves(fixtureCases().filter(needsPythonReference), pyDir);
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(pyDir, { recursive: true, force: true });
  });

  for (const c of fixtureCases()) {
    it(`${c.file}: ${c.desc}`, () => {
      const obj = torch.load(fixturePath(c), c.save.location ? { mapLocation: 'cpu' } : {});
      const opts = { format: c.save.format, pickleProtocol: c.save.protocol, fsync: false };
      let ours: Buffer;
      if (c.save.target === 'stream') {
        const w = collector();
        torch.save(obj, w, opts);
        ours = w.bytes();
      } else {
        torch.save(obj, path.join(dir, c.file), opts);
        ours = fs.readFileSync(path.join(dir, c.file));
      }
      const reference = needsPythonReference(c) ? path.join(pyDir, c.file) : fixturePath(c);
      assert.ok(ours.equals(fs.readFileSync(reference)), `differs from ${reference}`);
    });
  }
});
