/**
 * Atomic saves under SIGKILL: a child process saves a 64 MiB checkpoint over an older one, again and again (torch.save
 * and torch.saveAsync in turn, both atomic and fsynced by default), and is killed at 20 random moments. After each
 * kill the target loads as the last checkpoint the child finished or the one it was writing, never a torn file; the
 * only other file left is at most the temporary file of the save that was cut short, and the next save removes it
 * before writing its own.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { tempFilePattern } from '../lib/serialization/stale-temps';
import { compileLib, CompiledLib } from './hardening/compiled-lib';

const ELEMENTS = 16 * 1024 * 1024; // float32: 64 MiB
const KILLS = 20;
/** Kill moments are drawn from [0, MAX_DELAY_MS) after the child is ready; a save takes about 100–400 ms here. */
const MAX_DELAY_MS = 1500;

/** The child: fills one 64 MiB tensor with the version number and saves it with that number, forever. */
const CHILD = `
const torch = require(process.argv[1]);
const fs = require('fs');
const target = process.argv[2];
const w = torch.empty([${ELEMENTS}]);
fs.writeSync(1, 'ready\\n');
(async () => {
  for (let v = Number(process.argv[3]); ; v++) {
    w.fill_(v);
    if (v % 2) await torch.saveAsync({ version: v, w }, target);
    else torch.save({ version: v, w }, target);
    fs.writeSync(1, 'saved ' + v + '\\n');
  }
})();
`;

interface KillResult {
  pid: number;
  /** The versions the child reported saved, in order. */
  saved: number[];
}

/** Runs the child until it is ready, waits `delayMs`, kills it with SIGKILL and collects what it reported. */
function runAndKill(lib: CompiledLib, target: string, first: number, delayMs: number): Promise<KillResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, lib.dir, target, String(first)], {
      env: lib.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (timer === undefined && out.includes('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child exited by itself (${code}, ${signal}): ${err}`));
      const saved = [...out.matchAll(/^saved (\d+)$/gm)].map((m) => Number(m[1]));
      resolve({ pid: child.pid as number, saved });
    });
  });
}

/** The version a checkpoint file holds, after checking every element of its tensor says the same. */
function versionOf(file: string): number {
  const ckpt = torch.load<Map<string, unknown>>(file, { mmap: false });
  const version = ckpt.get('version') as number;
  const w = ckpt.get('w') as torch.Tensor;
  assert.deepEqual(w.shape, [ELEMENTS]);
  assert.equal(w.min().item(), version, 'every element holds the version');
  assert.equal(w.max().item(), version, 'every element holds the version');
  w.dispose();
  return version;
}

describe('atomic saves: SIGKILL in the middle of saving', function () {
  this.timeout(300000);
  let lib: CompiledLib;
  let dir: string;
  before(() => {
    lib = compileLib();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-kill-'));
  });
  after(() => {
    lib?.remove();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`the target loads as the old or the new 64 MiB checkpoint at ${KILLS} random kill moments`, async () => {
    const target = path.join(dir, 'model.pt');
    const temps = (): string[] => fs.readdirSync(dir).filter((f) => tempFilePattern(target).test(f));
    const old = torch.zeros([ELEMENTS]).fill_(-1);
    torch.save({ version: -1, w: old }, target);
    old.dispose();

    let current = -1;
    let tempsLeft = 0;
    let replaced = 0;
    const delays: number[] = [];
    const pids: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      const delay = Math.floor(Math.random() * MAX_DELAY_MS);
      delays.push(delay);
      const first = (k + 1) * 1000;
      const { pid, saved } = await runAndKill(lib, target, first, delay);
      pids.push(pid);
      const context = `kill ${k} after ${delay} ms (delays so far ${delays.join(',')}); child saved [${saved.join(',')}]`;
      // Finished saves are on disk; the one in progress may or may not have been renamed over the target.
      const done = saved.length ? saved[saved.length - 1] : current;
      const inProgress = saved.length ? done + 1 : first;
      const got = versionOf(target);
      assert.ok(got === done || got === inProgress, `${context}: the target holds version ${got}`);
      if (got !== current) replaced++;
      current = got;

      const left = temps();
      assert.ok(left.length <= 1, `${context}: temporary files ${left.join(', ')}`);
      if (left.length === 1) {
        // The save cut short was this child's, or an earlier child's when this one was killed before it began saving
        // (each save first clears the temporary files of writers that are gone).
        const writer = Number(tempFilePattern(target).exec(left[0])?.[1]);
        assert.ok(writer === pid || (saved.length === 0 && pids.includes(writer)), `${context}: ${left[0]}`);
        if (writer === pid) tempsLeft++;
      }
    }
    // Some kills must have hit a save mid-write, or the test proved nothing.
    assert.ok(tempsLeft >= 3, `only ${tempsLeft} kills left a temporary file (delays ${delays.join(',')})`);
    assert.ok(replaced >= 3, `the target changed only ${replaced} times`);

    // The next save clears what the killed saves left.
    torch.save({ version: 0 }, target);
    assert.deepEqual(fs.readdirSync(dir), ['model.pt']);
  });

  it('a save first removes the temporary files of processes that are gone, and only those', async () => {
    const target = path.join(dir, 'other.pt');
    const dead = path.join(dir, `.other.pt.tmp-${await deadPid()}-3`);
    const alive = path.join(dir, `.other.pt.tmp-${process.ppid}-0`);
    const unrelated = path.join(dir, `.another.pt.tmp-999999999-0`);
    for (const f of [dead, alive, unrelated]) fs.writeFileSync(f, 'partial');
    await torch.saveAsync(torch.ones([2]), target);
    assert.ok(!fs.existsSync(dead), 'the dead writer’s file is removed');
    assert.ok(fs.existsSync(alive), 'a running writer’s file is kept');
    assert.ok(fs.existsSync(unrelated), 'another target’s file is kept');
    torch.save(torch.ones([2]), target, { atomic: false });
    assert.ok(fs.existsSync(alive));
    for (const f of [alive, unrelated]) fs.rmSync(f);
  });
});

/** The pid of a process that has exited (and been reaped). */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['-e', '0']);
    c.on('error', reject);
    c.on('exit', () => resolve(c.pid as number));
  });
}
