#!/usr/bin/env node
'use strict';
// `npm install` step: find libtorch (installing Debian's when running as root on Debian/Ubuntu and none is found);
// in a source checkout also the Python oracle and the demo's data set; then use a prebuilt addon made for exactly that
// libtorch, or compile one with cmake-js. Using a prebuild needs no compiler, cmake or TypeScript: only this file,
// scripts/lib/ and Node run.
//   TORCH_NODE_BUILD_FROM_SOURCE=1  always compile
const fs = require('fs');
const path = require('path');
const { findLibtorch, aptInstall } = require('./lib/find-libtorch');
const { findPrebuild, trialLoad, writeRecord, RECORD } = require('./lib/prebuilds');

const root = path.resolve(__dirname, '..');
const isCheckout = fs.existsSync(path.join(root, 'test')) && fs.existsSync(path.join(root, 'lib'));
const log = (m) => console.error(m);

function describeFound(found) {
  const abi = found.cxx11Abi ? 'cxx11' : 'pre-cxx11';
  return `libtorch ${found.version} (${found.flavour}, ${abi} ABI) from ${found.source}: ${found.libDir}`;
}

// The prebuild that fits `found` and loads from here: { addon } or { why } there is none.
function usablePrebuild(found) {
  if (process.env.TORCH_NODE_BUILD_FROM_SOURCE === '1') {
    return { why: 'TORCH_NODE_BUILD_FROM_SOURCE=1 asks for a compile' };
  }
  const pre = findPrebuild(root, found);
  if (!pre.match) return { why: `no prebuilt addon fits it (${pre.why})` };
  const trial = trialLoad(pre.match);
  if (!trial.ok) {
    return { why: `the prebuilt addon ${path.relative(root, pre.match)} fits but does not load: ${trial.error}` };
  }
  if (trial.build.libtorchVersion !== found.version) {
    return { why: `the prebuilt addon reports libtorch ${trial.build.libtorchVersion}, not ${found.version}` };
  }
  return { addon: pre.match };
}

function compile(found, why) {
  log(`torch-node: compiling the addon: ${why}`);
  try {
    require('./build').build({ install: true });
  } catch (e) {
    throw new Error(
      [
        `could not compile the addon: ${e.message}`,
        `  found:    ${describeFound(found)}`,
        `  expected: a C++17 compiler, make and cmake, since ${why}`,
        `  prebuilt: ${findPrebuild(root, found).available.join(', ') || 'none'} (${process.platform}-${process.arch})`,
        '  To fix: install g++, make and cmake (Debian: apt-get install g++ make cmake) and run `npm rebuild torch-node`,',
        '  or point torch-node at a libtorch a prebuild was made for (LIBTORCH=…, LIBTORCH_USE_PYTORCH=1; README,',
        '  "Installing").',
      ].join('\n'),
    );
  }
}

function main() {
  const found = findLibtorch({ install: true, log });
  if (isCheckout) {
    // Tests compare with real PyTorch (python3-torch) and `npm start` trains on Fashion-MNIST.
    if (!aptInstall(['python3-torch', 'dataset-fashion-mnist'], log)) {
      log('torch-node: note: tests need /usr/bin/python3 with torch (Debian: python3-torch) and the demo needs');
      log('            dataset-fashion-mnist; run as root on Debian/Ubuntu to have them installed.');
    }
  }
  fs.rmSync(path.join(root, RECORD), { force: true });
  const { addon, why } = usablePrebuild(found);
  if (!addon) {
    compile(found, why);
    return;
  }
  // An addon compiled earlier in an installed package would shadow the prebuild (the loader tries a local build
  // first); in a checkout the developer's build stays.
  if (!isCheckout) fs.rmSync(path.join(root, 'build', 'Release'), { recursive: true, force: true });
  writeRecord(root, addon, found);
  log(`torch-node: using the prebuilt addon ${path.relative(root, addon)} for ${describeFound(found)}`);
}

try {
  main();
} catch (e) {
  console.error(`torch-node: install failed: ${e.message}`);
  process.exit(1);
}
