/**
 * The native robustness sweep, run in a child process by test/hardening-native.test.ts (a crash must not take the
 * test runner down with it): every function the addon exports is called with wrong argument counts (0 to 8
 * undefineds) and, in each of 8 argument positions, with each wrong value below while the other positions hold a
 * fresh valid tensor handle. Every call must return or throw an Error; promises must settle the same way. Before each
 * function the child writes its name to the progress file, so that a crash can be traced to it.
 *
 *   node -r ts-node/register/transpile-only test/hardening/native-sweep.ts PROGRESS_FILE
 * prints a JSON summary on stdout.
 */
import * as fs from 'fs';
import { TorchError } from '../../lib/errors';
import { fullGcFunction } from '../../lib/memory';
import { native } from '../../lib/native';

type Fn = (...args: unknown[]) => unknown;
const raw = native as unknown as Record<string, unknown>;
const Handle = native.NativeTensor as unknown as new () => object;

const POSITIONS = 8;

/** Wrong values of every kind; each is made fresh per call (a call may keep or change what it is given). */
function wrongValues(): [string, () => unknown][] {
  const h = (): object => native.zeros([2, 3], null, null) as unknown as object;
  return [
    ['undefined', () => undefined],
    ['null', () => null],
    ['0', () => 0],
    ['-1', () => -1],
    ['1.5', () => 1.5],
    ['NaN', () => NaN],
    ['2^60', () => 2 ** 60],
    ['-1e300', () => -1e300],
    ['true', () => true],
    ['bigint 2^70', () => 2n ** 70n],
    ['-1n', () => -1n],
    ["'x'", () => 'x'],
    ["''", () => ''],
    ["'cuda:99'", () => 'cuda:99'],
    ["'meta'", () => 'meta'],
    ["'float99'", () => 'float99'],
    ['{}', () => ({})],
    ['[]', () => []],
    ['[1.5]', () => [1.5]],
    ['[-1]', () => [-1]],
    ['[2^60]', () => [2 ** 60]],
    ['[{}]', () => [{}]],
    ['[null]', () => [null]],
    ['sparse array', () => new Array(3)],
    ['Buffer(3)', () => Buffer.alloc(3)],
    ['Float32Array(3)', () => new Float32Array(3)],
    ['DataView', () => new DataView(new ArrayBuffer(8))],
    ['ArrayBuffer', () => new ArrayBuffer(8)],
    ['symbol', () => Symbol('s')],
    [
      'disposed handle',
      () => {
        const d = h();
        native.dispose(d as never);
        return d;
      },
    ],
    ['empty NativeTensor', () => new Handle()],
    ['fake handle', () => Object.create(Handle.prototype)],
    ['int64 handle', () => native.zeros([2], 'int64', null)],
    ['bool handle', () => native.zeros([2, 3], 'bool', null)],
    ['0-dim handle', () => native.zeros([], null, null)],
    ['empty handle', () => native.zeros([0], null, null)],
    ['5-d handle', () => native.zeros([1, 1, 1, 1, 1], null, null)],
    ['[handle, {}]', () => [h(), {}]],
  ];
}

interface Summary {
  functions: number;
  calls: number;
  threw: number;
  returned: number;
  /** Functions that returned when called with no arguments at all. */
  nullary: string[];
  /** Calls that threw something other than an Error. */
  nonErrors: string[];
}

async function settle(call: () => unknown): Promise<'threw' | 'returned' | string> {
  let r: unknown;
  try {
    r = call();
    if (r instanceof Promise) r = await r;
  } catch (e) {
    return e instanceof Error ? 'threw' : `threw ${typeof e} ${String(e)}`;
  }
  return 'returned';
}

/** Puts back the process-wide hooks lib/native.ts installed, in case a call replaced them. */
function restoreHooks(): void {
  native.setErrorClass(TorchError);
  native.setGcHook(fullGcFunction());
}

async function main(): Promise<void> {
  const progress = process.argv[2];
  const names = Object.keys(raw).filter((k) => typeof raw[k] === 'function');
  const values = wrongValues();
  const s: Summary = { functions: names.length, calls: 0, threw: 0, returned: 0, nullary: [], nonErrors: [] };
  const record = (name: string, what: string, result: string): void => {
    s.calls++;
    if (result === 'threw') s.threw++;
    else if (result === 'returned') s.returned++;
    else s.nonErrors.push(`${name}(${what}): ${result}`);
  };
  for (const name of names) {
    fs.writeFileSync(progress, name);
    const fn = raw[name] as Fn;
    const call = (args: unknown[]) => () =>
      name === 'NativeTensor' ? new (fn as unknown as new (...a: unknown[]) => unknown)(...args) : fn(...args);
    for (let n = 0; n <= POSITIONS; n++) {
      const result = await settle(call(new Array(n).fill(undefined)));
      record(name, `${n} × undefined`, result);
      if (n === 0 && result === 'returned') s.nullary.push(name);
    }
    for (let pos = 0; pos < POSITIONS; pos++) {
      for (const [label, make] of values) {
        const args = Array.from({ length: POSITIONS }, (_, i) =>
          i === pos ? make() : native.ones([2, 3], null, null),
        );
        record(name, `${label} at ${pos}`, await settle(call(args)));
      }
    }
    if (name === 'setErrorClass' || name === 'setGcHook' || name === 'setGradEnabled') restoreHooks();
  }
  native.setGradEnabled(true);
  fs.writeFileSync(progress, 'done');
  process.stdout.write(JSON.stringify(s) + '\n');
}

main().catch((e) => {
  process.stderr.write(`sweep failed: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
