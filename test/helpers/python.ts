/**
 * The oracle: real PyTorch, run as a child process. Interop tests never skip: when Python or its torch is missing
 * they fail, because CI must prove what they claim.
 */
import { execFileSync } from 'child_process';

/** The interpreter with Debian's python3-torch (a python3 earlier on PATH may lack torch). */
export const PYTHON = process.env.TORCH_NODE_PYTHON || '/usr/bin/python3';

/** Runs Python code (with `import torch` done) and returns its stdout. */
export function runPython(
  code: string,
  opts: { input?: Buffer | string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const prelude = 'import sys, json, torch\n';
  try {
    return execFileSync(PYTHON, ['-c', prelude + code], {
      input: opts.input,
      cwd: opts.cwd,
      env: { ...process.env, PYTHONHASHSEED: '0', ...opts.env },
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`python failed: ${err.stderr || err.message}`);
  }
}

/** Runs Python code that prints one JSON value; returns it parsed. */
export function pythonJson<T = unknown>(code: string, opts: { input?: Buffer | string; cwd?: string } = {}): T {
  const out = runPython(code, opts).trim().split('\n');
  return JSON.parse(out[out.length - 1]) as T;
}

/** Runs Python code that writes raw bytes to stdout (sys.stdout.buffer); returns them. */
export function pythonBytes(code: string, opts: { input?: Buffer | string } = {}): Buffer {
  try {
    return execFileSync(PYTHON, ['-c', 'import sys, torch\n' + code], {
      input: opts.input,
      maxBuffer: 1 << 30,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`python failed: ${err.stderr?.toString() || err.message}`);
  }
}

/** Hex of the bytes Python's `t.numpy().tobytes()` gives for the expression `expr` (a tensor). */
export function pythonTensorHex(setup: string, expr: string): string {
  return runPython(
    `${setup}\nt = (${expr}).detach().contiguous()\nprint(t.numpy().tobytes().hex() if t.dtype not in (torch.bfloat16, torch.float16) else t.view(torch.int16).numpy().tobytes().hex())`,
  ).trim();
}
