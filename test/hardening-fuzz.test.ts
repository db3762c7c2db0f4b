/**
 * The fuzz run CI makes: 20,000 cases (every fixture cut at every boundary of its structure, then seeded random
 * mutants: flipped bits, pickle instructions inserted and deleted, forged sizes, strides, offsets, numels and memo
 * indexes, lying zip offsets and zip64 fields, overlapping records, 10^6-deep nesting, huge lengths, os.system),
 * in a child process so that a crash or a kill by the watchdog fails the test with the seed and case to replay.
 * FUZZ_SEED picks another seed; `npm run fuzz -- --cases N` runs longer.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as torch from '../lib';

const ROOT = path.resolve(__dirname, '..');
const SEED = Number(process.env.FUZZ_SEED ?? 1);

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function fuzz(args: string[], timeoutMs: number): Run {
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'test/fuzz/run.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 24,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('fuzzing torch.load', function () {
  this.timeout(600000);

  it(`20,000 cases (seed ${SEED}) each load or give a TorchLoadError with a code, within time and memory`, () => {
    const r = fuzz(['--cases', '20000', '--seed', String(SEED)], 540000);
    assert.equal(r.signal, null, `the fuzz process was killed:\n${r.stderr.slice(-4000)}`);
    assert.equal(r.status, 0, r.stderr.slice(-8000));
    const s = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    assert.deepEqual(s.failures, []);
    assert.equal(s.cases, 20000);
    assert.ok(s.systematic > 1000, `${s.systematic} systematic cuts`);
    // The cases reach every layer: both outcomes, and most codes (FILE_ERROR needs a path, not bytes).
    assert.ok(s.loaded > 500 && s.refused > 5000, JSON.stringify(s));
    const codes = Object.keys(s.codes);
    for (const c of codes) assert.ok(c in torch.LoadErrorCode, c);
    assert.ok(codes.length >= 13, `only ${codes.join(', ')}`);
    assert.ok(s.tensorsChecked > 1000, `${s.tensorsChecked} tensors checked`);
    assert.ok(s.slowestMs < 5000, `case ${s.slowestCase} took ${s.slowestMs} ms`);
  });

  it('the watchdog kills a case that runs over its time limit, naming it', () => {
    const r = fuzz(['--cases', '5000', '--time-limit-ms', '0'], 120000);
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    assert.match(
      r.stderr,
      /FAIL case \d+ \(seed 1\): ran over 0 ms\nreplay: npm run fuzz -- --seed 1 --from \d+ --cases 1/,
    );
  });

  it('the watchdog kills the process when its RSS passes the limit', () => {
    const r = fuzz(['--cases', '5000', '--rss-limit-mb', '1'], 120000);
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    assert.match(r.stderr, /RSS reached \d+ MB/);
  });
});
