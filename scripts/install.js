#!/usr/bin/env node
'use strict';
// `npm install` step: find libtorch (installing Debian's when running as root on Debian/Ubuntu and none is found);
// in a source checkout also the Python oracle and the demo's data set; then use a matching prebuilt addon, or compile.
//   TORCH_NODE_BUILD_FROM_SOURCE=1  always compile
const fs = require('fs');
const path = require('path');
const { findLibtorch, aptInstall } = require('./lib/find-libtorch');
const { findPrebuild } = require('./lib/prebuilds');

const root = path.resolve(__dirname, '..');
const isCheckout = fs.existsSync(path.join(root, 'test')) && fs.existsSync(path.join(root, 'lib'));
const log = (m) => console.error(m);

function main() {
  const found = findLibtorch({ install: true, log });
  if (isCheckout) {
    // Tests compare with real PyTorch (python3-torch) and `npm start` trains on Fashion-MNIST.
    if (!aptInstall(['python3-torch', 'dataset-fashion-mnist'], log)) {
      log('torch-node: note: tests need /usr/bin/python3 with torch (Debian: python3-torch) and the demo needs');
      log('            dataset-fashion-mnist; run as root on Debian/Ubuntu to have them installed.');
    }
  }
  if (process.env.TORCH_NODE_BUILD_FROM_SOURCE !== '1') {
    const pre = findPrebuild(root, found);
    if (pre.match) {
      log(`torch-node: using the prebuilt addon ${path.relative(root, pre.match)} (libtorch ${found.version}, ${found.flavour})`);
      return;
    }
    if (pre.candidates.length) log(`torch-node: no prebuild matches libtorch ${found.version} (${found.flavour}); ${pre.why}`);
  }
  require('./build').build({ install: true });
}

try {
  main();
} catch (e) {
  console.error(`torch-node: install failed: ${e.message}`);
  process.exit(1);
}
