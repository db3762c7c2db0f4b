'use strict';
// Prebuilt addons: prebuilds/<platform>-<arch>/<libtorch-version>-<flavour>/{torch_node.node,torch_node.json}.
// One is used only when it was built for exactly the libtorch found (version, flavour, C++ ABI, N-API version).
const fs = require('fs');
const path = require('path');
const { readBuildInfo, NAPI_VERSION } = require('./build-info');

function prebuildDir(root, found) {
  return path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, `${found.version}-${found.flavour}`);
}

// { match: path | null, candidates: [dirs], why: text }
function findPrebuild(root, found) {
  const base = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  const candidates = fs.existsSync(base) ? fs.readdirSync(base).map((d) => path.join(base, d)) : [];
  const dir = prebuildDir(root, found);
  const info = readBuildInfo(dir);
  if (!info || !fs.existsSync(path.join(dir, 'torch_node.node'))) {
    return { match: null, candidates, why: `available: ${candidates.map((c) => path.basename(c)).join(', ') || 'none'}` };
  }
  const problems = [];
  if (info.libtorchVersion !== found.version) problems.push(`libtorch ${info.libtorchVersion} ≠ ${found.version}`);
  if (info.flavour !== found.flavour) problems.push(`flavour ${info.flavour} ≠ ${found.flavour}`);
  if (info.cxx11Abi !== found.cxx11Abi) problems.push(`C++ ABI ${info.cxx11Abi ? 'cxx11' : 'pre-cxx11'} differs`);
  if (info.napiVersion > NAPI_VERSION) problems.push(`N-API ${info.napiVersion} > ${NAPI_VERSION}`);
  if (problems.length) return { match: null, candidates, why: problems.join('; ') };
  return { match: path.join(dir, 'torch_node.node'), candidates, why: '' };
}

module.exports = { findPrebuild, prebuildDir };
