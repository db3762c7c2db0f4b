// The loader: which addon it picks, what it reads about a libtorch from files, and how it explains a libtorch that is
// not the one an addon was built for, or a library the dynamic linker cannot find. Loading runs in child processes:
// a process can map only one libtorch, and a failed load must leave the test runner untouched.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { addonCandidates, inspectLibtorch, AddonBuildInfo } from '../lib/loader';
import * as torch from '../lib';

const repo = path.resolve(__dirname, '..');
const builtDir = path.join(repo, 'build', 'Release');
const built = JSON.parse(fs.readFileSync(path.join(builtDir, 'torch_node.json'), 'utf8')) as Required<AddonBuildInfo>;
const platformDir = `${process.platform}-${process.arch}`;

interface Outcome {
  code?: string;
  message?: string;
  build?: AddonBuildInfo;
  mapped: boolean;
}

/** Runs loadAddon(root) in a fresh Node process; reports the error or the addon's build facts. */
function loadIn(root: string): Outcome {
  const script = `
    const { loadAddon, loadedLibtorchDir } = require('./lib/loader');
    let out;
    try { out = { build: loadAddon(${JSON.stringify(root)}, {}).build }; }
    catch (e) { out = { code: e.code, message: e.message }; }
    out.mapped = loadedLibtorchDir() !== null;
    process.stdout.write(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: repo,
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as Outcome;
}

let tmp: string;
const writeJson = (file: string, value: unknown) => fs.writeFileSync(file, JSON.stringify(value));

/** A package root holding one addon (a copy of the real one, bytes optionally changed) and its JSON at `rel`. */
function packageWith(rel: string, info: AddonBuildInfo, patch?: (b: Buffer) => Buffer): string {
  const root = fs.mkdtempSync(path.join(tmp, 'pkg-'));
  const dir = path.join(root, rel);
  fs.mkdirSync(dir, { recursive: true });
  const bytes = fs.readFileSync(path.join(builtDir, 'torch_node.node'));
  fs.writeFileSync(path.join(dir, 'torch_node.node'), patch ? patch(bytes) : bytes);
  writeJson(path.join(dir, 'torch_node.json'), info);
  return root;
}

/** Renames every libtorch_cpu.so the addon needs to libtorch_cpX.so (same length), so the linker cannot find it. */
function needsMissingLibrary(bytes: Buffer): Buffer {
  const from = Buffer.from('libtorch_cpu.so');
  const out = Buffer.from(bytes);
  let hits = 0;
  for (let i = out.indexOf(from); i >= 0; i = out.indexOf(from, i + 1), hits++) out.write('libtorch_cpX.so', i);
  assert.ok(hits > 0, 'the addon names libtorch_cpu.so');
  return out;
}

describe('loader', () => {
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torch-node-loader-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('reading a libtorch from its files', () => {
    it('the libtorch the addon was built in has the version compiled into the addon', () => {
      const facts = inspectLibtorch(built.libDir);
      assert.equal(facts.present, true);
      assert.equal(facts.version, torch.buildInfo.libtorchVersion);
      assert.equal(facts.cuda, torch.buildInfo.flavour !== 'cpu');
    });

    it('reads build-version (libtorch archives) and version.py (pip torch), and sees CUDA', () => {
      const archive = path.join(tmp, 'libtorch');
      fs.mkdirSync(path.join(archive, 'lib'), { recursive: true });
      fs.writeFileSync(path.join(archive, 'build-version'), '2.5.1+cu124\n');
      fs.writeFileSync(path.join(archive, 'lib', 'libtorch_cpu.so'), '');
      fs.writeFileSync(path.join(archive, 'lib', 'libtorch_cuda.so'), '');
      assert.deepEqual(inspectLibtorch(path.join(archive, 'lib')), {
        libDir: path.join(archive, 'lib'),
        present: true,
        version: '2.5.1',
        cuda: true,
      });
      const pip = path.join(tmp, 'site-packages', 'torch');
      fs.mkdirSync(path.join(pip, 'lib'), { recursive: true });
      fs.writeFileSync(path.join(pip, 'version.py'), "__version__ = '2.4.0+cpu'\ngit_version = 'abc'\n");
      fs.writeFileSync(path.join(pip, 'lib', 'libtorch_cpu.so'), '');
      assert.equal(inspectLibtorch(path.join(pip, 'lib')).version, '2.4.0');
      assert.equal(inspectLibtorch(path.join(tmp, 'nowhere')).present, false);
    });
  });

  describe('choosing an addon', () => {
    it('local build first, then the prebuild the install step chose, then other prebuilds', () => {
      const root = packageWith('build/Release', built);
      for (const v of ['0.1.0-cpu', '9.9.9-cpu']) {
        fs.mkdirSync(path.join(root, 'prebuilds', platformDir, v), { recursive: true });
        fs.copyFileSync(
          path.join(builtDir, 'torch_node.node'),
          path.join(root, 'prebuilds', platformDir, v, 'torch_node.node'),
        );
      }
      writeJson(path.join(root, 'build', 'prebuild.json'), {
        addon: `prebuilds/${platformDir}/9.9.9-cpu/torch_node.node`,
        libtorch: { libDir: '/opt/libtorch/lib' },
      });
      const order = addonCandidates(root, {}).map((c) => [c.origin, path.relative(root, c.file), c.libDir]);
      assert.deepEqual(order, [
        ['local build', 'build/Release/torch_node.node', built.libDir],
        ['prebuild', `prebuilds/${platformDir}/9.9.9-cpu/torch_node.node`, '/opt/libtorch/lib'],
        ['prebuild', `prebuilds/${platformDir}/0.1.0-cpu/torch_node.node`, null],
      ]);
      const explicit = addonCandidates(root, { TORCH_NODE_ADDON: '/x/torch_node.node' });
      assert.deepEqual(
        explicit.map((c) => [c.origin, c.file]),
        [['TORCH_NODE_ADDON', '/x/torch_node.node']],
      );
    });

    it('without an install record, a prebuild whose libtorch is where it expects comes before one whose is not', () => {
      const root = packageWith(`prebuilds/${platformDir}/0.0.1-cpu`, { ...built, libtorchVersion: '0.0.1' });
      const good = path.join(root, 'prebuilds', platformDir, `${built.libtorchVersion}-cpu-z`);
      fs.mkdirSync(good);
      fs.copyFileSync(path.join(builtDir, 'torch_node.node'), path.join(good, 'torch_node.node'));
      writeJson(path.join(good, 'torch_node.json'), built);
      assert.deepEqual(
        addonCandidates(root, {}).map((c) => c.info?.libtorchVersion),
        [built.libtorchVersion, '0.0.1'],
      );
    });
  });

  describe('loading', () => {
    it('loads a prebuild made for the libtorch found', () => {
      const out = loadIn(packageWith(`prebuilds/${platformDir}/${built.libtorchVersion}-${built.flavour}`, built));
      assert.deepEqual(out.build, torch.buildInfo);
    });

    it('a prebuild whose JSON claims another libtorch is refused before loading, with what to do', () => {
      const root = packageWith(`prebuilds/${platformDir}/9.9.9-cpu`, { ...built, libtorchVersion: '9.9.9' });
      const out = loadIn(root);
      assert.equal(out.code, 'LIBTORCH_MISMATCH');
      assert.equal(out.mapped, false, 'libtorch was not loaded');
      const lines = out.message!.split('\n');
      assert.match(lines[0], /built for libtorch 9\.9\.9 \(cpu\), but the libtorch in \S+ is \S+ \(CPU only\)\.$/);
      assert.equal(lines[0].match(/ is (\S+) \(CPU only\)/)![1], torch.buildInfo.libtorchVersion);
      assert.ok(out.message!.includes('npm rebuild torch-node'), out.message);
      assert.ok(out.message!.includes('apt-get install libtorch-dev'), out.message);
    });

    it('a libtorch mapped from elsewhere than the install step found is checked after loading', () => {
      const root = packageWith(`prebuilds/${platformDir}/9.9.9-cpu`, { ...built, libtorchVersion: '9.9.9' });
      const elsewhere = path.join(root, 'other-libtorch', 'lib');
      fs.mkdirSync(elsewhere, { recursive: true });
      fs.writeFileSync(path.join(elsewhere, 'libtorch_cpu.so.9.9.9'), '');
      fs.mkdirSync(path.join(root, 'build'));
      writeJson(path.join(root, 'build', 'prebuild.json'), {
        addon: `prebuilds/${platformDir}/9.9.9-cpu/torch_node.node`,
        libtorch: { libDir: elsewhere },
      });
      const out = loadIn(root);
      assert.equal(out.code, 'LIBTORCH_MISMATCH');
      assert.ok(
        out.message!.includes(`The dynamic linker loaded libtorch from ${path.resolve(built.libDir)}`),
        out.message,
      );
    });

    it('an addon whose libtorch library is missing says which one and what to do', () => {
      const out = loadIn(packageWith('build/Release', built, needsMissingLibrary));
      assert.equal(out.code, 'LIBRARY_MISSING');
      assert.match(out.message!, /The library libtorch_cpX\.so[\d.]* was not found by the dynamic linker/);
      assert.ok(out.message!.includes('npm run build:native'), out.message);
      assert.ok(out.message!.includes(`LD_LIBRARY_PATH=${built.libDir}`), out.message);
    });

    it('an addon whose libtorch directory is gone says so', () => {
      const info = { ...built, libDir: path.join(tmp, 'removed', 'lib') };
      const out = loadIn(packageWith('build/Release', info, needsMissingLibrary));
      assert.equal(out.code, 'LIBRARY_MISSING');
      assert.ok(out.message!.includes(`${info.libDir} holds no libtorch now.`), out.message);
    });

    it('no addon at all names the places looked in and the command that compiles one', () => {
      const out = loadIn(fs.mkdtempSync(path.join(tmp, 'empty-')));
      assert.equal(out.code, 'ADDON_NOT_FOUND');
      assert.ok(out.message!.includes('npm rebuild torch-node'), out.message);
      assert.equal(out.mapped, false);
    });
  });
});
