#!/usr/bin/env node
'use strict';
// Packs what scripts/gpu-check.sh needs on a GPU machine that has no Node and no network, into .gpu-carry/ (ignored
// by git; the device tool's `run` takes it with carry: [".gpu-carry"]):
//   bin/node        this Node binary (NodeSource's build needs only glibc and libstdc++)
//   node_modules/   cmake-js and node-addon-api (the build), mocha, ts-node and typescript (tests and scripts), with
//                   everything they require, resolved as Node resolves it
//   zlib/include/   zlib.h and zconf.h, for a machine without zlib's development headers (the addon's CRC-32)
// as one bundle.tar.xz, and checks that it and the working tree stay under the tool's 64 MiB.
//   node scripts/gpu/pack.js [--out DIR]
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const ROOTS = ['cmake-js', 'node-addon-api', 'mocha', 'ts-node', 'typescript'];
const LIMIT = 64 << 20;

// The folder of package `name` as Node would find it from `fromDir` (node_modules of each ancestor).
function locate(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === path.dirname(dir)) return null;
  }
}

// Every package folder the roots need at run time (dependencies, optional and peer dependencies that are present).
function closure() {
  const seen = new Set();
  const queue = ROOTS.map((n) => locate(n, ROOT));
  while (queue.length) {
    const dir = queue.pop();
    if (!dir || seen.has(dir)) continue;
    seen.add(dir);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const deps = { ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies };
    for (const name of Object.keys(deps)) queue.push(locate(name, dir));
  }
  return [...seen].sort();
}

function du(dir) {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

// Bytes of what the tool sends besides `carry`: tracked files and untracked files git does not ignore.
function treeBytes() {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return files
    .split('\0')
    .filter(Boolean)
    .reduce((sum, f) => sum + (fs.existsSync(path.join(ROOT, f)) ? fs.lstatSync(path.join(ROOT, f)).size : 0), 0);
}

function zlibInclude() {
  const dirs = ['/usr/include', '/usr/include/x86_64-linux-gnu', '/usr/local/include'];
  const find = (name) => dirs.map((d) => path.join(d, name)).find((f) => fs.existsSync(f));
  return ['zlib.h', 'zconf.h'].map((n) => {
    const f = find(n);
    if (!f) throw new Error(`${n} not found here (apt-get install zlib1g-dev)`);
    return f;
  });
}

function pack(out) {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-gpu-pack-'));
  try {
    fs.mkdirSync(path.join(stage, 'bin'));
    fs.copyFileSync(process.execPath, path.join(stage, 'bin', 'node'));
    fs.chmodSync(path.join(stage, 'bin', 'node'), 0o755);
    const packages = closure();
    for (const dir of packages) {
      fs.cpSync(dir, path.join(stage, path.relative(ROOT, dir)), { recursive: true, dereference: false });
    }
    fs.mkdirSync(path.join(stage, 'zlib', 'include'), { recursive: true });
    for (const f of zlibInclude()) fs.copyFileSync(f, path.join(stage, 'zlib', 'include', path.basename(f)));
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    const bundle = path.join(out, 'bundle.tar.xz');
    execFileSync('tar', ['-cf', bundle, '-I', 'xz -T2 -6', '-C', stage, '.'], { stdio: 'inherit' });
    const tree = treeBytes();
    const carry = du(out);
    const report = {
      node: process.version,
      packages: packages.length,
      unpackedBytes: du(stage),
      bundleBytes: fs.statSync(bundle).size,
      treeBytes: tree,
      totalBytes: tree + carry,
      limitBytes: LIMIT,
      fits: tree + carry <= LIMIT,
    };
    console.log(JSON.stringify(report));
    if (!report.fits) throw new Error(`the working tree and .gpu-carry take ${tree + carry} bytes, over 64 MiB`);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

const i = process.argv.indexOf('--out');
try {
  pack(path.resolve(i >= 0 ? process.argv[i + 1] : path.join(ROOT, '.gpu-carry')));
} catch (e) {
  console.error(`gpu pack: ${e.message}`);
  process.exit(1);
}
