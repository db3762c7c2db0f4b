// Finding libtorch (scripts/lib/find-libtorch.js) in each of its three ways, and building the addon with node-gyp
// from binding.gyp into a temporary folder, then loading it.
import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runNode } from './helpers/child';

const ROOT = path.resolve(__dirname, '..');
const FIND = path.join(ROOT, 'scripts', 'lib', 'find-libtorch.js');

/** Runs find-libtorch.js as its command line does, with only the given variables set. */
function find(env: NodeJS.ProcessEnv): { status: number | null; json: Record<string, unknown> | null; stderr: string } {
  const clean = { ...process.env };
  for (const k of ['LIBTORCH', 'LIBTORCH_USE_PYTORCH', 'TORCH_NODE_PYTHON', 'TORCH_NODE_SYSTEM_PREFIXES'])
    delete clean[k];
  const r = spawnSync(process.execPath, [FIND], { env: { ...clean, ...env }, encoding: 'utf8' });
  return { status: r.status, json: r.status === 0 ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

function touch(file: string, text = ''): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('build: finding libtorch', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-find-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('LIBTORCH: an unpacked libtorch, version and flavour from build-version', () => {
    const root = path.join(tmp, 'libtorch');
    for (const lib of ['torch', 'torch_cpu', 'c10', 'torch_cuda', 'c10_cuda'])
      touch(path.join(root, 'lib', `lib${lib}.so`));
    touch(path.join(root, 'include', 'torch', 'csrc', 'api', 'include', 'torch', 'version.h'));
    touch(path.join(root, 'build-version'), '2.5.1+cu124\n');
    touch(
      path.join(root, 'share', 'cmake', 'Torch', 'TorchConfig.cmake'),
      'set(TORCH_CXX_FLAGS "-D_GLIBCXX_USE_CXX11_ABI=0")\n',
    );
    const r = find({ LIBTORCH: root });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.json, {
      source: 'LIBTORCH',
      root,
      includeDirs: [path.join(root, 'include'), path.join(root, 'include', 'torch', 'csrc', 'api', 'include')],
      libDir: path.join(root, 'lib'),
      version: '2.5.1',
      flavour: 'cu124',
      cxx11Abi: false,
      linkMode: 'direct',
      cuda: true,
      libraries: ['torch', 'torch_cpu', 'c10', 'torch_cuda', 'c10_cuda'],
    });
  });

  it('LIBTORCH without build-version: the version from the headers, old layout and new', () => {
    const macros = (v: string): string =>
      ['MAJOR', 'MINOR', 'PATCH'].map((part, i) => `#define TORCH_VERSION_${part} ${v.split('.')[i]}\n`).join('');
    const layouts: [string, Record<string, string>][] = [
      ['1.13.1', { 'torch/csrc/api/include/torch/version.h': macros('1.13.1') }],
      // Recent releases: the api header only includes the header-only one, which defines the macros.
      [
        '2.9.0',
        {
          'torch/csrc/api/include/torch/version.h': '#include <torch/headeronly/version.h>\n',
          'torch/headeronly/version.h': macros('2.9.0'),
        },
      ],
    ];
    for (const [version, headers] of layouts) {
      const root = path.join(tmp, `libtorch-${version}`);
      for (const lib of ['torch', 'torch_cpu', 'c10']) touch(path.join(root, 'lib', `lib${lib}.so`));
      for (const [file, text] of Object.entries(headers)) touch(path.join(root, 'include', file), text);
      const r = find({ LIBTORCH: root });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.json?.version, version);
      assert.equal(r.json?.flavour, 'cpu');
    }
  });

  it('LIBTORCH: a folder that is not a libtorch is refused with what was expected', () => {
    const r = find({ LIBTORCH: path.join(tmp, 'nothing') });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not an unpacked libtorch: expected .*libtorch_cpu\.so/);
  });

  it("LIBTORCH_USE_PYTORCH=1: the libtorch inside Python's torch, from the interpreter TORCH_NODE_PYTHON names", () => {
    const fake = path.join(tmp, 'fake-python');
    // A stand-in interpreter: whatever code it is given, it answers as a CUDA 12.1 build of torch 2.4.0 would.
    touch(
      fake,
      '#!/bin/sh\necho \'{"root": "/opt/py/torch", "version": "2.4.0+cu121", "cuda": "12.1", "hip": null, "abi": false}\'\n',
    );
    fs.chmodSync(fake, 0o755);
    const r = find({ LIBTORCH_USE_PYTORCH: '1', TORCH_NODE_PYTHON: fake });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.json?.source, 'LIBTORCH_USE_PYTORCH');
    assert.equal(r.json?.version, '2.4.0');
    assert.equal(r.json?.flavour, 'cu121');
    assert.equal(r.json?.cxx11Abi, false);
    assert.equal(r.json?.libDir, '/opt/py/torch/lib');
    assert.deepEqual(r.json?.includeDirs, ['/opt/py/torch/include', '/opt/py/torch/include/torch/csrc/api/include']);
    assert.equal(r.json?.python, fake);
  });

  it('LIBTORCH_USE_PYTORCH=1 with an interpreter that has no torch says so', () => {
    const fake = path.join(tmp, 'no-torch-python');
    touch(fake, '#!/bin/sh\necho "ModuleNotFoundError: No module named \'torch\'" >&2\nexit 1\n');
    fs.chmodSync(fake, 0o755);
    const r = find({ LIBTORCH_USE_PYTORCH: '1', TORCH_NODE_PYTHON: fake });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /LIBTORCH_USE_PYTORCH=1, but .* failed: ModuleNotFoundError: No module named 'torch'/);
    assert.match(r.stderr, /TORCH_NODE_PYTHON/);
  });

  it("the system's libtorch (Debian's libtorch-dev on this machine)", () => {
    const r = find({});
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.json?.source, 'system');
    assert.equal(r.json?.flavour, 'cpu');
    assert.match(String(r.json?.version), /^1\.13\.\d+$/);
  });

  it('nothing found: the message names the three ways', () => {
    const r = find({ TORCH_NODE_SYSTEM_PREFIXES: path.join(tmp, 'empty-prefix') });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /No libtorch found/);
    assert.match(r.stderr, /LIBTORCH=\/path\/to\/libtorch/);
    assert.match(r.stderr, /LIBTORCH_USE_PYTORCH=1/);
    assert.match(r.stderr, /apt-get install libtorch-dev/);
  });
});

describe('build: node-gyp builds the same addon from binding.gyp', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-gyp-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('builds into a temporary folder, loads, and runs an op', function () {
    // Compiling nine files against libtorch's headers without a precompiled header: about a minute when the
    // machine is quiet, several when it is shared.
    this.timeout(900000);
    for (const p of [
      'binding',
      'binding.gyp',
      path.join('scripts', 'lib'),
      path.join('node_modules', 'node-addon-api'),
    ]) {
      fs.cpSync(path.join(ROOT, p), path.join(tmp, p), { recursive: true });
    }
    const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
    const gyp = path.join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    const r = spawnSync(process.execPath, [gyp, 'rebuild', '--nodedir=/usr', '-j', '2'], {
      cwd: tmp,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    assert.equal(r.status, 0, `node-gyp failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    const addon = path.join(tmp, 'build', 'Release', 'torch_node.node');
    assert.ok(fs.existsSync(addon));
    const run = runNode(
      `const { native } = require('./lib/native');
       torch.manualSeed(1);
       console.log(JSON.stringify({ loaded: Object.keys(require.cache).includes(process.env.TORCH_NODE_ADDON),
         build: native.build, sum: torch.ones([2, 3]).matmul(torch.ones([3])).sum().item(),
         randn: torch.randn([2, 3]).toBuffer().toString('hex') }));`,
      { env: { TORCH_NODE_ADDON: addon } },
    );
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout.trim().split('\n').pop() as string);
    assert.equal(out.loaded, true, 'the node-gyp addon is the one loaded');
    assert.equal(out.sum, 6);
    assert.equal(out.build.flavour, 'cpu');
    assert.match(out.build.libtorchVersion, /^1\.13\./);
    // The same numbers as the cmake-js build gives.
    const ours = runNode(
      `torch.manualSeed(1); console.log(torch.randn([2, 3]).toBuffer().toString('hex'));`,
    ).stdout.trim();
    assert.equal(out.randn, ours);
  });
});
