#!/usr/bin/env node
/**
 * The `torch-node` command (package.json `bin`, compiled to dist/cli.js):
 *
 *   torch-node inspect FILE [--json]   what a PyTorch file holds: its container, then a tree of keys, dtypes, shapes,
 *                                      sizes, devices and shared storages, then totals
 *   torch-node verify FILE             its structure and CRC-32s are sound and it loads; exit 1 otherwise
 *   torch-node convert IN OUT [--format zip|legacy] [--map-location LOC]
 *
 * Exit codes: 0 done, 1 a problem with a file (the message says which and why), 2 a usage error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TorchLoadError } from './errors';
import { renderLayout, renderTotals, renderTree, writtenBy } from './inspect/render';
import { StorageIndex, ValueTree } from './inspect/value-tree';
import { packageRoot } from './loader';
import './models'; // registers the classes whole-module files name (torch.nn's, __main__.LeNet2)
import { load, openCheckpoint, save, TorchScriptArchive, verifyCheckpoint } from './serialization';

const USAGE = `usage:
  torch-node inspect FILE [--json]    what FILE holds: format, records, keys, dtypes, shapes, sizes, devices, totals
  torch-node verify FILE              check its structure and CRC-32s and that it loads; exit 1 on a problem
  torch-node convert IN OUT [--format zip|legacy] [--map-location LOC]
                                      load IN and save it as OUT (default format zip; LOC: cpu, cuda:0, …)
  torch-node --help | --version`;

/** Where the command writes (stdout and stderr by default; tests capture them). */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

const stdio: CliOutput = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

class UsageError extends Error {}
/** verify found problems and has printed them. */
class VerifyFailed extends Error {}

/** Positional arguments and `--name value` / `--flag` options, checked against what the command takes. */
function parseArgs(args: string[], valued: string[], flags: string[]): { pos: string[]; opts: Map<string, string> } {
  const pos: string[] = [];
  const opts = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) pos.push(a);
    else if (flags.includes(a)) opts.set(a, '');
    else if (valued.includes(a)) {
      if (i + 1 >= args.length) throw new UsageError(`${a} needs a value`);
      opts.set(a, args[++i]);
    } else throw new UsageError(`unknown option ${a}`);
  }
  return { pos, opts };
}

function oneFile(pos: string[], command: string): string {
  if (pos.length !== 1) throw new UsageError(`${command} takes one FILE`);
  return pos[0];
}

function inspect(args: string[], io: CliOutput): void {
  const { pos, opts } = parseArgs(args, [], ['--json']);
  const info = openCheckpoint(oneFile(pos, 'inspect'));
  // Every storage stays on the CPU; the index notes where the file puts each one.
  const storages = new StorageIndex();
  const { root, totals } = new ValueTree(storages).describe(info.load({ mapLocation: storages.mapLocation }));
  if (opts.has('--json')) {
    const { file, size, format, prefix, version, byteOrder, protocol, records } = info;
    const layout = { size, format, prefix, version, byteOrder, protocol, writtenBy: writtenBy(info), records };
    io.out(JSON.stringify({ file, layout, value: root, totals }, null, 2));
    return;
  }
  io.out([...renderLayout(info), '', ...renderTree(root, totals.shared), '', ...renderTotals(totals)].join('\n'));
}

function verify(args: string[], io: CliOutput): void {
  const file = oneFile(parseArgs(args, [], []).pos, 'verify');
  const report = verifyCheckpoint(file);
  if (!report.ok) {
    for (const p of report.problems) io.err(`torch-node: ${p.code}: ${p.message}`);
    throw new VerifyFailed();
  }
  const crcs = report.format === 'legacy' ? 'legacy format (it has no CRC-32s)' : `${report.crcChecked} CRC-32s match`;
  io.out(`${file}: OK: ${crcs}; it loads`);
}

function convert(args: string[], io: CliOutput): void {
  const { pos, opts } = parseArgs(args, ['--format', '--map-location'], []);
  if (pos.length !== 2) throw new UsageError('convert takes IN and OUT');
  const format = opts.get('--format') ?? 'zip';
  if (format !== 'zip' && format !== 'legacy') throw new UsageError(`--format is zip or legacy, not ${format}`);
  const [input, output] = pos;
  const value = load(input, { mapLocation: opts.get('--map-location') });
  if (value instanceof TorchScriptArchive) {
    throw new TorchLoadError('UNSUPPORTED', 'a TorchScript archive cannot be converted (torch.jit.save wrote it)', {
      file: input,
    });
  }
  save(value, output, { format });
  io.out(`${input} → ${output} (${format} format)`);
}

/** Runs the command with `args` (without `node` and the script); returns the exit code. */
export function main(args: string[], io: CliOutput = stdio): number {
  const [command, ...rest] = args;
  try {
    if (command === 'inspect') inspect(rest, io);
    else if (command === 'verify') verify(rest, io);
    else if (command === 'convert') convert(rest, io);
    else if (command === '--help' || command === '-h' || command === 'help') io.out(USAGE);
    else if (command === '--version') {
      io.out(JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version);
    } else throw new UsageError(command ? `unknown command ${command}` : 'no command given');
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`torch-node: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof VerifyFailed) return 1;
    const err = e as Error & { code?: string };
    io.err(`torch-node: ${err.code ? `${err.code}: ` : ''}${err.message}`);
    return 1;
  }
}

if (require.main === module) {
  // `torch-node inspect big.pt | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.exitCode = main(process.argv.slice(2));
}
