/**
 * Every fixture written by Python (test/fixtures/**) loads with the values Python's torch.load sees: both sides are
 * described canonically (scripts/fixtures/describe.py and its twin test/helpers/describe.ts) and compared, tensors by
 * dtype, shape, strides, offset, requires_grad, Parameter-ness, bytes and storage sharing.
 */
import { strict as assert } from 'assert';
import { createHash } from 'crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { basename, join } from 'path';
import * as torch from '../lib';
import { canonical, describe as describeValue, describeInPython, PythonResult } from './helpers/describe';

const FIXTURES = join(__dirname, 'fixtures');

/** Checkpoint files under a fixtures folder (everything but manifests). */
function fixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...fixtureFiles(p));
    else if (!name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** Fixtures that Python cannot load (newer layouts than 1.13 reads) carry their expected description. */
function expectedDescriptions(dir: string): Record<string, unknown> {
  const p = join(dir, 'expected.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>) : {};
}

describe('load: the read fixtures are the ones their manifest lists', function () {
  it('every file of test/fixtures/read has the sha256 make_read_fixtures.py recorded, and no file is missing', function () {
    const dir = join(FIXTURES, 'read');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      cases: { file: string; sha256: string }[];
    };
    const listed = manifest.cases.map((c) => c.file).sort();
    assert.deepEqual(
      listed,
      fixtureFiles(dir)
        .map((f) => basename(f))
        .sort(),
    );
    for (const c of manifest.cases) {
      assert.equal(
        createHash('sha256')
          .update(readFileSync(join(dir, c.file)))
          .digest('hex'),
        c.sha256,
        c.file,
      );
    }
  });
});

describe('load: every fixture gives the values Python sees', function () {
  this.timeout(180000);
  const files = fixtureFiles(FIXTURES);
  let python: Record<string, PythonResult> = {};

  before(function () {
    assert.ok(files.length >= 40, `expected the fixtures, found ${files.length}`);
    python = describeInPython(files, ['--map-location', 'cpu']);
  });

  for (const file of files) {
    const name = file.slice(FIXTURES.length + 1);
    it(name, function () {
      // A fixture Python 1.13 cannot read right (a newer layout) has its expected description next to it.
      const stored = expectedDescriptions(join(file, '..'))[basename(file)];
      const py = python[file];
      let expected: unknown = stored;
      if (expected === undefined) {
        if (!py || !('value' in py)) assert.fail(`Python could not load ${name}: ${JSON.stringify(py)}`);
        expected = py.value;
      }
      const value = torch.load(file, { mapLocation: 'cpu' });
      assert.deepEqual(canonical(describeValue(value)), canonical(expected));
    });
  }
});
