'use strict';
// Prebuilt addons: prebuilds/<platform>-<arch>/<libtorch-version>-<flavour>/{torch_node.node,torch_node.json}.
// One is used only when it was built for exactly the libtorch found (version, flavour, C++ ABI, N-API version) and a
// trial load in a child process proves that the dynamic linker finds that libtorch from here.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { readBuildInfo, NAPI_VERSION } = require('./build-info');

const ADDON = 'torch_node.node';
// The install record: which prebuild the install step chose, and the libtorch it found (read by lib/loader.ts).
const RECORD = path.join('build', 'prebuild.json');

function platformDir(root) {
  return path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
}

function prebuildDir(root, info) {
  return path.join(platformDir(root), `${info.libtorchVersion}-${info.flavour}`);
}

// Every prebuild for this platform and architecture, with what it was built against ({ dir, info }).
function listPrebuilds(root) {
  const base = platformDir(root);
  if (!fs.existsSync(base)) return [];
  return fs
    .readdirSync(base)
    .sort()
    .map((d) => ({ dir: path.join(base, d), info: readBuildInfo(path.join(base, d)) }))
    .filter((p) => p.info && fs.existsSync(path.join(p.dir, ADDON)));
}

// Why a prebuild built against `info` does not fit the libtorch `found`: a list of differences, empty when it fits.
function differences(info, found) {
  const problems = [];
  if (info.libtorchVersion !== found.version) problems.push(`libtorch ${info.libtorchVersion}, not ${found.version}`);
  if (info.flavour !== found.flavour) problems.push(`flavour ${info.flavour}, not ${found.flavour}`);
  const abi = (b) => (b ? 'cxx11' : 'pre-cxx11');
  if (info.cxx11Abi !== found.cxx11Abi) problems.push(`C++ ABI ${abi(info.cxx11Abi)}, not ${abi(found.cxx11Abi)}`);
  if (info.napiVersion > NAPI_VERSION) problems.push(`N-API ${info.napiVersion}, newer than ${NAPI_VERSION}`);
  return problems;
}

/**
 * The prebuild for the libtorch `found`: { match: addon path | null, available: ['1.13.0-cpu', …], why: text }.
 * `why` says, when nothing matches, how the nearest candidates differ.
 */
function findPrebuild(root, found) {
  const all = listPrebuilds(root);
  const available = all.map((p) => path.basename(p.dir));
  for (const p of all) {
    if (differences(p.info, found).length === 0) return { match: path.join(p.dir, ADDON), available, why: '' };
  }
  const why = all.length
    ? all.map((p) => `${path.basename(p.dir)}: ${differences(p.info, found).join(', ')}`).join('; ')
    : `no prebuilds for ${process.platform}-${process.arch} in this package`;
  return { match: null, available, why };
}

/**
 * Loads `addon` in a child process (so a crash or a missing library cannot hurt the installer) and returns
 * { ok: true, build } with the facts the addon reports, or { ok: false, error } with the loader's first lines.
 */
function trialLoad(addon) {
  const code = `process.stdout.write(JSON.stringify(require(${JSON.stringify(addon)}).build))`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 120000 });
  if (r.status === 0) {
    try {
      return { ok: true, build: JSON.parse(r.stdout) };
    } catch {
      return { ok: false, error: `unexpected output: ${r.stdout.slice(0, 200)}` };
    }
  }
  const lines = String(r.stderr || r.error || `exit ${r.status}`).split('\n');
  const error = lines.find((l) => /Error:/.test(l)) || lines.find((l) => l.trim()) || `exit ${r.status}`;
  return { ok: false, error: error.trim() };
}

function writeRecord(root, addon, found) {
  const file = path.join(root, RECORD);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const record = {
    addon: path.relative(root, addon),
    libtorch: { version: found.version, flavour: found.flavour, source: found.source, libDir: found.libDir },
  };
  fs.writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
}

module.exports = { ADDON, RECORD, prebuildDir, listPrebuilds, differences, findPrebuild, trialLoad, writeRecord };
