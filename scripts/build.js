#!/usr/bin/env node
'use strict';
// Builds the addon with cmake-js against the libtorch that scripts/lib/find-libtorch.js finds, into build/Release,
// and records what it was built against (build/Release/torch_node.json).
//   node scripts/build.js [--out DIR] [--debug] [--sanitize]
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { findLibtorch } = require('./lib/find-libtorch');
const { buildInfo, writeBuildInfo } = require('./lib/build-info');

// libtorch 2.12 and later require C++20 of code that includes ATen; older ones are built as C++17.
function cxxStandard(version) {
  const [major, minor] = String(version || '0.0').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 12) ? '20' : '17';
}

function cmakeDefines(found, { sanitize }) {
  const d = {
    TORCH_NODE_LINK_MODE: found.linkMode,
    TORCH_NODE_FLAVOUR: found.flavour,
    TORCH_NODE_CXX_STANDARD: cxxStandard(found.version),
  };
  if (found.linkMode === 'find_package') d.CMAKE_PREFIX_PATH = found.cmakePrefix;
  else {
    d.TORCH_NODE_INCLUDE_DIRS = found.includeDirs.join(';');
    d.TORCH_NODE_LIB_DIR = found.libDir;
    d.TORCH_NODE_LIBS = found.libraries.join(';');
    d.TORCH_NODE_CXX11_ABI = found.cxx11Abi ? '1' : '0';
  }
  if (sanitize) d.TORCH_NODE_SANITIZE = 'ON';
  return d;
}

function build({ out = 'build', debug = false, sanitize = false, install = false } = {}) {
  const root = path.resolve(__dirname, '..');
  const found = findLibtorch({ install });
  // A Python torch without C++ files (Debian's python3-torch keeps them in libtorch-dev) would otherwise compile
  // against whatever headers the compiler finds and link no libtorch at all.
  if (found.linkMode === 'direct' && (!found.libraries.includes('torch_cpu') || !fs.existsSync(found.includeDirs[0]))) {
    throw new Error(
      `the libtorch of ${found.source} at ${found.root} has no C++ headers or libraries ` +
        `(expected ${found.includeDirs[0]}/ and ${found.libDir}/libtorch_cpu.so, as a pip-installed torch has them)`,
    );
  }
  console.error(`torch-node: building against libtorch ${found.version} (${found.flavour}) from ${found.source}: ${found.libDir}`);
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const args = [cmakeJs, 'compile', '-d', root, '-O', out, '-p', process.env.TORCH_NODE_JOBS || '2'];
  args.push('--config', debug ? 'Debug' : 'Release');
  for (const [k, v] of Object.entries(cmakeDefines(found, { sanitize }))) args.push(`--CD${k}=${v}`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`cmake-js failed (exit ${r.status}); see the compiler output above`);
  const dir = path.join(root, out, debug ? 'Debug' : 'Release');
  writeBuildInfo(dir, buildInfo(found));
  return dir;
}

module.exports = { build, cmakeDefines };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const outIdx = argv.indexOf('--out');
  try {
    build({
      out: outIdx >= 0 ? argv[outIdx + 1] : 'build',
      debug: argv.includes('--debug'),
      sanitize: argv.includes('--sanitize'),
      install: true,
    });
  } catch (e) {
    console.error(`torch-node: ${e.message}`);
    process.exit(1);
  }
}
