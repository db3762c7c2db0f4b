/**
 * `npm run bench`: torch-node against Python's PyTorch (/usr/bin/python3), measured in the same run on the same
 * machine. Writes the checkpoints with PyTorch into a temporary folder (/dev/shm when it has room), runs each group
 * of cases in Node and Python worker processes (alternating, so that a change in the machine's load hits both),
 * prints the table of medians and Node/Python ratios against their targets, writes bench/results.json and deletes
 * the files. The exit code is 1 when a target is missed.
 *
 *   npm run bench                 the full run (about five minutes on 2 cores)
 *   npm run bench -- --quick      a small version (under a minute); results in bench/tmp/results-quick.json
 *   npm run bench -- --only load,save   some groups only (load, save, small, lenet, import)
 *   npm run bench -- --markdown   prints README's table from bench/results.json, runs nothing
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { bigSize, FULL, groups, Group, Paths, QUICK, Sizes } from './cases';
import { makeFiles, Measured, pythonVersions, ROOT, runWorker, Side, timeCat, timeImports } from './processes';
import { caseFigures, catFigure, Collected, consoleTable, Figure, importFigures, markdownTable } from './report';

const RESULTS = path.join(__dirname, 'results.json');
const QUICK_RESULTS = path.join(__dirname, 'tmp', 'results-quick.json');
const GROUP_NAMES = ['load', 'save', 'small', 'lenet', 'import'];

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

/** Bytes free for an unprivileged user in the file system of `dir`. */
function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

/** The run's temporary folders: /dev/shm when it has room for the files and the saved copies, and one on disk. */
function makeFolders(sizes: Sizes): Paths {
  const bytes = sizes.bigCount * sizes.bigMiB * 2 ** 20;
  const need = 2 * bytes + (512 << 20);
  const tmp = path.join(__dirname, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  if (freeBytes(tmp) < need) throw new Error(`bench needs ${need >> 20} MiB free on disk in ${tmp}`);
  const diskDir = fs.mkdtempSync(path.join(tmp, 'run-'));
  const shm = fs.existsSync('/dev/shm') && freeBytes('/dev/shm') >= need;
  if (!shm) log('note: /dev/shm lacks room; the "in memory" files are on disk');
  const memDir = shm ? fs.mkdtempSync('/dev/shm/torch-node-bench-') : fs.mkdtempSync(path.join(tmp, 'mem-'));
  return { big: path.join(memDir, 'big.pt'), small: path.join(memDir, 'small.pt'), memDir, diskDir };
}

function machine(): Record<string, unknown> {
  const osRelease = fs.readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)/m)?.[1];
  const torchNode = JSON.parse(fs.readFileSync(path.join(ROOT, 'build', 'Release', 'torch_node.json'), 'utf8'));
  return {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: osRelease,
    kernel: os.release(),
    node: process.version,
    libtorch: torchNode.libtorchVersion,
    ...pythonVersions(),
  };
}

/** Runs every case of a group in `processes` worker processes per side, alternating which side goes first. */
function runGroup(g: Group, sizes: Sizes): Record<string, Collected> {
  const got: Record<string, Collected> = Object.fromEntries(g.cases.map((c) => [c.id, { node: [], python: [] }]));
  for (let i = 0; i < sizes.processes; i++) {
    const order: Side[] = i % 2 === 0 ? ['node', 'python'] : ['python', 'node'];
    for (const side of order) {
      log(`[${g.name}] ${side} process ${i + 1}/${sizes.processes}`);
      const measured: Record<string, Measured> = runWorker(side, g.cases, 1, sizes.rounds);
      for (const c of g.cases) got[c.id][side].push(measured[c.id]);
    }
  }
  return got;
}

function run(sizes: Sizes, only: string[]): Figure[] {
  const paths = makeFolders(sizes);
  try {
    log(`writing the checkpoints with PyTorch in ${paths.memDir}`);
    makeFiles(paths.big, sizes.bigCount, sizes.bigMiB, paths.small, sizes.smallCount);
    const times: Figure[] = [];
    const rss: Figure[] = [];
    for (const g of groups(sizes, paths).filter((x) => only.includes(x.name))) {
      const got = runGroup(g, sizes);
      for (const c of g.cases) {
        const [time, peak] = caseFigures(c, got[c.id]);
        times.push(time);
        rss.push(peak);
        if (c.id === 'load-sum') {
          log('[load] cat');
          const node = got[c.id].node.flatMap((m) => m.wall);
          times.push(catFigure(c.id, `load ${bigSize(sizes)} + sum`, node, timeCat(paths.big, sizes.imports)));
        }
      }
    }
    if (only.includes('import')) {
      log('[import] whole processes');
      const [time, peak] = importFigures(timeImports(sizes.imports));
      times.push(time);
      rss.push(peak);
    }
    return [...times, ...rss];
  } finally {
    for (const dir of [paths.memDir, paths.diskDir]) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, markdown: { type: 'boolean' }, only: { type: 'string' } },
  });
  if (values.markdown) {
    const saved = JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as { figures: Figure[] };
    console.log(markdownTable(saved.figures));
    return;
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('build the package first: npm run build');
  const only = values.only ? values.only.split(',') : GROUP_NAMES;
  const unknown = only.filter((g) => !GROUP_NAMES.includes(g));
  if (unknown.length) throw new Error(`unknown group ${unknown.join(', ')}; groups: ${GROUP_NAMES.join(', ')}`);
  const sizes = values.quick ? QUICK : FULL;
  const loadBefore = os.loadavg();
  if (loadBefore[0] > 1.5) log(`note: load average ${loadBefore[0].toFixed(1)}: other work will add noise`);
  const started = Date.now();
  const info = machine();
  const figures = run(sizes, only);
  const results = {
    date: new Date().toISOString(),
    quick: Boolean(values.quick),
    seconds: Math.round((Date.now() - started) / 1000),
    machine: info,
    loadAverage: { before: loadBefore, after: os.loadavg() },
    settings: { ...sizes, warmup: 1, time: 'median wall time per operation' },
    figures,
  };
  const out = values.quick ? QUICK_RESULTS : RESULTS;
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(consoleTable(figures));
  const missed = figures.filter((f) => f.met === false);
  console.log(
    missed.length
      ? `\n${missed.length} target(s) missed: ${missed.map((f) => f.id).join(', ')}`
      : `\nevery target met (${figures.filter((f) => f.met).length} figures)`,
  );
  console.log(`results: ${path.relative(ROOT, out)}`);
  if (missed.length) process.exitCode = 1;
}

main();
