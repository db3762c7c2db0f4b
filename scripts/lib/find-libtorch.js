'use strict';
// Finding libtorch, in one place. Order (design.md): LIBTORCH (an unpacked libtorch), LIBTORCH_USE_PYTORCH=1 (the
// libtorch inside a Python torch install; TORCH_NODE_PYTHON picks the interpreter), then the system's (Debian's
// libtorch-dev). The result says where the headers and libraries are, how to link them, and which version and flavour
// (cpu, cu126, …) the addon is built against. Plain CommonJS with no dependencies: it runs before anything is installed.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

// Where a system libtorch is looked for. TORCH_NODE_SYSTEM_PREFIXES (colon-separated) replaces the list, e.g. to
// prove in a test what happens on a machine without one.
const SYSTEM_PREFIXES = process.env.TORCH_NODE_SYSTEM_PREFIXES
  ? process.env.TORCH_NODE_SYSTEM_PREFIXES.split(':').filter(Boolean)
  : ['/usr', '/usr/local'];
const MULTIARCH = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch] || '';

class LibtorchNotFound extends Error {
  constructor(message) {
    super(message);
    this.name = 'LibtorchNotFound';
  }
}

function readIfExists(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

// "1.13.1" from torch/csrc/api/include/torch/version.h (TORCH_VERSION_MAJOR/MINOR/PATCH); recent releases define
// the macros in torch/headeronly/version.h, which the former only includes.
function versionFromHeader(includeDir) {
  const text = ['torch/headeronly/version.h', 'torch/csrc/api/include/torch/version.h']
    .map((f) => readIfExists(path.join(includeDir, f)))
    .find((t) => t && /#define TORCH_VERSION_MAJOR/.test(t));
  if (!text) return null;
  const part = (n) => (text.match(new RegExp(`#define TORCH_VERSION_${n} (\\d+)`)) || [])[1];
  const [ma, mi, pa] = [part('MAJOR'), part('MINOR'), part('PATCH')];
  return ma && mi && pa ? `${ma}.${mi}.${pa}` : null;
}

// The C++ ABI a TorchConfig.cmake asks for (TORCH_CXX_FLAGS), or null.
function abiFromConfig(configFile) {
  const text = readIfExists(configFile);
  const m = text && text.match(/_GLIBCXX_USE_CXX11_ABI=(\d)/);
  return m ? m[1] === '1' : null;
}

function hasLib(libDir, name) {
  return fs.existsSync(path.join(libDir, `lib${name}.so`));
}

function describe(found) {
  const cuda = hasLib(found.libDir, 'torch_cuda');
  return {
    ...found,
    cuda,
    libraries: ['torch', 'torch_cpu', 'c10', ...(cuda ? ['torch_cuda', 'c10_cuda'] : [])].filter((l) =>
      hasLib(found.libDir, l),
    ),
  };
}

function fromUnpacked(root) {
  const libDir = path.join(root, 'lib');
  const includeDir = path.join(root, 'include');
  if (!fs.existsSync(path.join(libDir, 'libtorch_cpu.so')) || !fs.existsSync(includeDir)) {
    throw new LibtorchNotFound(
      `LIBTORCH=${root} is not an unpacked libtorch: expected ${libDir}/libtorch_cpu.so and ${includeDir}/.`,
    );
  }
  // build-version holds e.g. "2.5.1+cu124" in libtorch archives from pytorch.org.
  const buildVersion = (readIfExists(path.join(root, 'build-version')) || '').trim();
  const version = buildVersion.split('+')[0] || versionFromHeader(includeDir);
  let flavour = buildVersion.split('+')[1] || null;
  if (!flavour) flavour = hasLib(libDir, 'torch_cuda') ? 'cuda' : 'cpu';
  const abi = abiFromConfig(path.join(root, 'share/cmake/Torch/TorchConfig.cmake'));
  return describe({
    source: 'LIBTORCH',
    root,
    includeDirs: [includeDir, path.join(includeDir, 'torch/csrc/api/include')],
    libDir,
    version,
    flavour,
    cxx11Abi: abi === null ? true : abi,
    linkMode: 'direct',
  });
}

function fromPytorch() {
  const python = process.env.TORCH_NODE_PYTHON || 'python3';
  const code = [
    'import json, os, torch',
    'root = os.path.dirname(torch.__file__)',
    'cuda = torch.version.cuda',
    'hip = getattr(torch.version, "hip", None)',
    'print(json.dumps({"root": root, "version": torch.__version__, "cuda": cuda, "hip": hip,',
    '  "abi": bool(torch._C._GLIBCXX_USE_CXX11_ABI)}))',
  ].join('\n');
  let info;
  try {
    info = JSON.parse(execFileSync(python, ['-c', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (e) {
    throw new LibtorchNotFound(
      `LIBTORCH_USE_PYTORCH=1, but '${python} -c "import torch"' failed: ${String(e.stderr || e.message).trim()}\n` +
        'Install torch for that interpreter, or name another one with TORCH_NODE_PYTHON.',
    );
  }
  const [version, local] = info.version.split('+');
  let flavour = 'cpu';
  if (info.cuda) flavour = 'cu' + info.cuda.split('.').slice(0, 2).join('');
  else if (info.hip) flavour = 'rocm' + info.hip.split('.').slice(0, 2).join('.');
  else if (local && local !== 'cpu') flavour = local;
  const includeDir = path.join(info.root, 'include');
  return describe({
    source: 'LIBTORCH_USE_PYTORCH',
    root: info.root,
    includeDirs: [includeDir, path.join(includeDir, 'torch/csrc/api/include')],
    libDir: path.join(info.root, 'lib'),
    version,
    flavour,
    cxx11Abi: info.abi,
    linkMode: 'direct',
    python,
  });
}

function fromSystem() {
  for (const prefix of SYSTEM_PREFIXES) {
    for (const libDir of [path.join(prefix, 'lib', MULTIARCH), path.join(prefix, 'lib')]) {
      const config = path.join(libDir, 'cmake/Torch/TorchConfig.cmake');
      if (!fs.existsSync(config) || !hasLib(libDir, 'torch_cpu')) continue;
      const includeDir = path.join(prefix, 'include');
      const abi = abiFromConfig(config);
      return describe({
        source: 'system',
        root: prefix,
        includeDirs: [includeDir, path.join(includeDir, 'torch/csrc/api/include')],
        libDir,
        cmakePrefix: path.dirname(path.dirname(config)),
        version: versionFromHeader(includeDir),
        flavour: hasLib(libDir, 'torch_cuda') ? 'cuda' : 'cpu',
        cxx11Abi: abi === null ? true : abi,
        linkMode: 'find_package',
      });
    }
  }
  return null;
}

const HOW_TO =
  'torch-node needs libtorch. Give it one of:\n' +
  '  1. LIBTORCH=/path/to/libtorch      an unpacked libtorch (https://pytorch.org, "LibTorch" download)\n' +
  '  2. LIBTORCH_USE_PYTORCH=1          the libtorch inside a Python torch install (TORCH_NODE_PYTHON=python3.x picks it)\n' +
  '  3. the system libtorch             on Debian or Ubuntu: sudo apt-get install libtorch-dev';

function isDebianLike() {
  const osRelease = readIfExists('/etc/os-release') || '';
  return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(osRelease);
}

function isInstalled(pkg) {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', stdio: 'pipe' });
    return out.includes('install ok installed');
  } catch {
    return false;
  }
}

// Installs Debian packages when running as root on Debian or Ubuntu; says so. Returns false when it cannot.
function aptInstall(packages, log) {
  const missing = packages.filter((p) => !isInstalled(p));
  if (missing.length === 0) return true;
  if (process.platform !== 'linux' || !isDebianLike() || typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return false;
  }
  log(`torch-node: installing Debian packages: ${missing.join(' ')} (apt-get, as root)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    install();
  }
  return true;
}

/**
 * Finds libtorch. With { install: true }, a missing system libtorch is installed from Debian's packages when running
 * as root on Debian or Ubuntu. Throws LibtorchNotFound with a message naming the three ways otherwise.
 */
function findLibtorch({ install = false, log = console.error } = {}) {
  if (process.env.LIBTORCH) return fromUnpacked(path.resolve(process.env.LIBTORCH));
  if (process.env.LIBTORCH_USE_PYTORCH === '1') return fromPytorch();
  let found = fromSystem();
  if (!found && install && aptInstall(['libtorch-dev', 'zlib1g-dev'], log)) found = fromSystem();
  if (!found) throw new LibtorchNotFound(`No libtorch found.\n${HOW_TO}`);
  return found;
}

module.exports = { findLibtorch, aptInstall, LibtorchNotFound, HOW_TO };

// Command line: prints the description as JSON, or one field (for binding.gyp): --field includeDirs|libDir|…
if (require.main === module) {
  const i = process.argv.indexOf('--field');
  try {
    const found = findLibtorch();
    if (i < 0) console.log(JSON.stringify(found, null, 2));
    else {
      const v = found[process.argv[i + 1]];
      console.log(Array.isArray(v) ? v.join(' ') : String(v));
    }
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
