// save(load(f), sameName) reproduces every fixture written by Python's torch.save, byte for byte. Two kinds of files
// cannot come back identical, exactly as in Python: a legacy file names its storages by memory addresses (Node writes
// '0', '1', …, so it is compared with Python saving the same loaded object with those keys), and a cuda:0 file
// loaded on a CPU machine with mapLocation 'cpu' is saved with 'cpu' tags (compared with Python's load and save).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import type { PickleProtocol } from '../lib/serialization/pickler';
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

describe('round trip of objects real checkpoints hold', function () {
  this.timeout(120000);
  // Written by Python in this run: bare storages, inert objects of classes torch-node does not know, numpy values.
  const OBJECTS: Record<string, string> = {
    storage: 't.storage()',
    storage_and_tensor: '[t, t.storage()]',
    namespace: "{'args': argparse.Namespace(lr=0.1, name='run', layers=[1, 2]), 'epoch': 3}",
    counter: "collections.Counter({'a': 2, 'b': 1})",
    defaultdict: "collections.defaultdict(list, {'x': [1]})",
    datetime: 'datetime.datetime(2024, 1, 2, 3, 4, 5)',
    numpy: "{'acc': np.float64(0.75), 'n': np.int64(3), 'arr': np.arange(4, dtype=np.float32)}",
    layouts: '[torch.strided, torch.sparse_coo, torch.per_tensor_affine]',
    sparse: 'torch.tensor([[0, 1.0], [2, 0]]).to_sparse()',
    complex: '[1 + 2j, complex(0, -0.0), 3j]',
    non_leaf: 'torch.ones(2, requires_grad=True) * 2',
    parameter_list: 'torch.nn.ParameterList([torch.nn.Parameter(torch.ones(1))])',
    builtins: '[slice(1, 5, 2), range(3), Ellipsis, NotImplemented]',
  };
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-roundtrip-objects-'));
    runPython(
      `import argparse, collections, datetime, os, numpy as np
t = torch.arange(6.)
for name, expr in json.load(sys.stdin).items():
    torch.save(eval(expr), os.path.join(${JSON.stringify(dir)}, name + '.pt'))`,
      { input: JSON.stringify(OBJECTS) },
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [name, expr] of Object.entries(OBJECTS)) {
    it(`${name}: ${expr}`, () => {
      const file = path.join(dir, `${name}.pt`);
      const original = fs.readFileSync(file);
      torch.save(torch.load(file), file, { fsync: false });
      assert.ok(fs.readFileSync(file).equals(original));
    });
  }
});

describe("round trip of the reader's fixtures that torch.save 1.13 wrote", () => {
  // test/fixtures/read: files that exercise the reader; these ones are PyTorch 1.13 torch.save output.
  const READ_FIXTURES: [string, PickleProtocol][] = [
    ['zip_p3.pt', 3],
    ['zip_p5.pt', 5],
    ['numpy_values.pt', 2],
    ['odd_values.pt', 2],
    ['storages_bare.pt', 2],
    ['tensor_with_attributes.pt', 2],
    ['unknown_classes.pt', 2],
    ['unknown_classes_p4.pt', 4],
  ];
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-roundtrip-read-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [file, protocol] of READ_FIXTURES) {
    it(`${file} (protocol ${protocol})`, () => {
      const original = path.join(__dirname, 'fixtures', 'read', file);
      const out = path.join(dir, file);
      torch.save(torch.load(original), out, { pickleProtocol: protocol, fsync: false });
      assert.ok(fs.readFileSync(out).equals(fs.readFileSync(original)), `ptdiff ${original} ${out}`);
    });
  }
});
