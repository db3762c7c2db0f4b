/**
 * Runs a snippet of JS in a fresh Node process with torch-node loaded as `torch` (through ts-node, from lib/), for
 * tests that need process-level control: `--expose-gc`, a heap limit, or a process that may die.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `code` (CommonJS, `torch` in scope) with the given node flags; returns its exit and output. */
export function runNode(
  code: string,
  opts: { flags?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): ChildResult {
  const prelude = `require('ts-node/register/transpile-only'); const torch = require(${JSON.stringify(path.join(ROOT, 'lib'))});\n`;
  const r = spawnSync(process.execPath, [...(opts.flags ?? []), '-e', prelude + code], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120000,
    maxBuffer: 1 << 26,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
