/**
 * Native robustness: every function the addon exports, called with wrong argument counts and wrong values (undefined,
 * null, numbers out of range, strings, objects, typed arrays, symbols, disposed, empty and fake tensor handles, tensors
 * of the wrong dtype or rank) in each position, returns or throws a JS Error: none aborts the process. The sweep runs in
 * a child process (test/hardening/native-sweep.ts), so a crash fails this test naming the function it was in.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { native } from '../lib/native';

const ROOT = path.resolve(__dirname, '..');

/** The functions that may be called with no arguments at all; every other one must throw when given none. */
const NULLARY = [
  'NativeTensor',
  'liveTensorBytes',
  'initialSeed',
  'getRngState',
  'isGradEnabled',
  'getNumThreads',
  'cudaIsAvailable',
  'cudaDeviceCount',
  ...(torch.cuda.isAvailable() ? ['cudaSynchronize'] : []),
];

describe('native robustness: every addon function with wrong arguments', function () {
  this.timeout(300000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-sweep-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('every call returns or throws an Error, and the process carries on to a normal exit', () => {
    const progress = path.join(dir, 'progress');
    // The child runs in an empty folder: a file function given a string as its path writes there.
    const r = spawnSync(
      process.execPath,
      [
        '-r',
        require.resolve('ts-node/register/transpile-only'),
        path.join(ROOT, 'test', 'hardening', 'native-sweep.ts'),
        progress,
      ],
      {
        cwd: dir,
        env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
        encoding: 'utf8',
        timeout: 240000,
        maxBuffer: 1 << 24,
      },
    );
    const last = fs.existsSync(progress) ? fs.readFileSync(progress, 'utf8') : '(not started)';
    assert.equal(r.signal, null, `the sweep died by ${r.signal} in ${last}:\n${r.stderr.slice(-3000)}`);
    assert.equal(r.status, 0, `the sweep failed in ${last}:\n${r.stderr.slice(-3000)}`);
    assert.equal(last, 'done');
    const s = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    assert.deepEqual(s.nonErrors, [], 'calls that threw something other than an Error');
    const exported = Object.keys(native).filter(
      (k) => typeof (native as unknown as Record<string, unknown>)[k] === 'function',
    );
    assert.equal(s.functions, exported.length);
    assert.ok(s.calls > 200 * exported.length, `${s.calls} calls`);
    assert.ok(s.threw > s.calls / 2, `${s.threw} of ${s.calls} calls threw`);
    assert.deepEqual([...s.nullary].sort(), [...NULLARY].sort(), 'functions that accept being called with nothing');
  });

  it('every function the addon exports is typed in lib/native.ts', () => {
    const typed = fs.readFileSync(path.join(ROOT, 'lib', 'native.ts'), 'utf8');
    const missing = Object.keys(native).filter((k) => !new RegExp(`^\\s+${k}[(:]`, 'm').test(typed));
    assert.deepEqual(missing, []);
  });
});
