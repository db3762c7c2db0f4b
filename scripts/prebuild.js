#!/usr/bin/env node
'use strict';
// `npm run prebuild`: builds the addon against the libtorch found (scripts/build.js) and stores it, with the JSON of
// what it was built against, under prebuilds/<platform>-<arch>/<libtorch-version>-<flavour>/, which `npm pack` ships.
//   node scripts/prebuild.js [--from DIR]    DIR: an addon already built (torch_node.node + torch_node.json)
const fs = require('fs');
const path = require('path');
const { readBuildInfo } = require('./lib/build-info');
const { ADDON, prebuildDir } = require('./lib/prebuilds');

const root = path.resolve(__dirname, '..');

/** Copies the addon built in `from` into its prebuild folder; returns that folder. */
function storePrebuild(from) {
  const info = readBuildInfo(from);
  if (!info || !fs.existsSync(path.join(from, ADDON))) {
    throw new Error(`${from} holds no built addon (expected ${ADDON} and torch_node.json there)`);
  }
  if (info.platform !== process.platform || info.arch !== process.arch) {
    throw new Error(`${from} was built for ${info.platform}-${info.arch}, not ${process.platform}-${process.arch}`);
  }
  const dir = prebuildDir(root, info);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(from, ADDON), path.join(dir, ADDON));
  fs.copyFileSync(path.join(from, 'torch_node.json'), path.join(dir, 'torch_node.json'));
  return dir;
}

// npm also runs the `prebuild` script before `build` (its pre-hook convention), with the same environment; only
// npm's process title ("npm run build") tells the two apart. As a hook it does nothing: `npm run build` makes no
// prebuild.
function isHookOfBuild() {
  if (process.env.npm_lifecycle_event !== 'prebuild' || process.platform !== 'linux') return false;
  try {
    const shell = fs.readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    const npmPid = shell.slice(shell.lastIndexOf(')') + 2).split(' ')[1];
    const title = fs.readFileSync(`/proc/${npmPid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return /^npm\b/.test(title) && !/\bprebuild\b/.test(title);
  } catch {
    return false;
  }
}

if (require.main === module && !isHookOfBuild()) {
  const i = process.argv.indexOf('--from');
  try {
    const from = i >= 0 ? path.resolve(process.argv[i + 1]) : require('./build').build({ install: true });
    const dir = storePrebuild(from);
    console.error(`torch-node: prebuild stored in ${path.relative(root, dir)}`);
  } catch (e) {
    console.error(`torch-node: prebuild failed: ${e.message}`);
    process.exit(1);
  }
}
