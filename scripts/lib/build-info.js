'use strict';
// What an addon binary was built against, stored beside it as JSON: the loader checks it against the libtorch it
// finds at run time, and prebuilds are keyed by it.
const fs = require('fs');
const path = require('path');

const NAPI_VERSION = 8;

function buildInfo(found) {
  return {
    libtorchVersion: found.version,
    flavour: found.flavour,
    cxx11Abi: found.cxx11Abi,
    napiVersion: NAPI_VERSION,
    platform: process.platform,
    arch: process.arch,
    libtorchSource: found.source,
    libDir: found.libDir,
  };
}

function writeBuildInfo(dir, info) {
  fs.writeFileSync(path.join(dir, 'torch_node.json'), JSON.stringify(info, null, 2) + '\n');
}

function readBuildInfo(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'torch_node.json'), 'utf8'));
  } catch {
    return null;
  }
}

module.exports = { buildInfo, writeBuildInfo, readBuildInfo, NAPI_VERSION };
