// The npm package as a user gets it: stage the package files, store the built addon as a prebuild, `npm pack`, install
// the tarball into a new project with no compiler reachable (cc, gcc, g++, c++, cmake, make, ninja shadowed by scripts
// that fail and log), then use it from CommonJS, ESM and TypeScript, and compare with real PyTorch.
// Slow (npm pack compiles the TypeScript; npm install; Python; tsc): 20–55 s on 2 shared cores.
import { strict as assert } from 'assert';
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pythonJson } from './helpers/python';

const repo = path.resolve(__dirname, '..');
const SHADOWED = ['cc', 'gcc', 'g++', 'c++', 'cmake', 'make', 'ninja'];

/** The environment without the npm_* variables of an outer `npm test`, which would steer the inner npm. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  return { ...env, ...extra };
}

function run(cmd: string, args: string[], cwd: string, env = cleanEnv()): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  return r;
}

function mustRun(cmd: string, args: string[], cwd: string, env = cleanEnv()): string {
  const r = run(cmd, args, cwd, env);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A copy of what `npm pack` needs: the package's `files`, plus lib/ and tsconfig.json for `prepare` (build-ts). */
function stagePackage(stage: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { files: string[] };
  const entries = ['package.json', 'README.md', 'tsconfig.json', 'lib', ...pkg.files];
  for (const entry of entries.filter((e) => !/^(dist|prebuilds)\/?$/.test(e))) {
    fs.cpSync(path.join(repo, entry), path.join(stage, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(stage, 'node_modules'));
}

/** A bin folder whose compilers and build tools fail and append their name to shadow.log. */
function shadowCompilers(dir: string): string {
  const bin = path.join(dir, 'shadow-bin');
  fs.mkdirSync(bin);
  for (const tool of SHADOWED) {
    const script = `#!/bin/sh\necho "${tool} $*" >> "${dir}/shadow.log"\necho "${tool}: not available here" >&2\nexit 127\n`;
    fs.writeFileSync(path.join(bin, tool), script, { mode: 0o755 });
  }
  return bin;
}

describe('npm package: pack, install with no compiler, use from CommonJS, ESM and TypeScript', function () {
  this.timeout(5 * 60 * 1000);
  let work: string;
  let app: string;
  let files: string[];
  let installOutput: string;
  let noCompilerEnv: NodeJS.ProcessEnv;
  const built = JSON.parse(fs.readFileSync(path.join(repo, 'build', 'Release', 'torch_node.json'), 'utf8'));
  const variant = `prebuilds/${process.platform}-${process.arch}/${built.libtorchVersion}-${built.flavour}`;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'torch-node-pack-'));
    const stage = path.join(work, 'stage');
    stagePackage(stage);
    mustRun(
      process.execPath,
      [path.join(stage, 'scripts', 'prebuild.js'), '--from', path.join(repo, 'build', 'Release')],
      stage,
    );
    const packed = mustRun('npm', ['pack', '--json', '--pack-destination', work], stage);
    const [info] = JSON.parse(packed.slice(packed.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    files = info.files.map((f) => f.path);

    app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    noCompilerEnv = cleanEnv({ PATH: `${shadowCompilers(work)}${path.delimiter}${process.env.PATH}` });
    // Offline from npm's cache when it holds the dependencies' metadata (npm ci does not store it); else the registry.
    const install = (mode: string) =>
      run(
        'npm',
        ['install', path.join(work, info.filename), mode, '--no-audit', '--no-fund', '--foreground-scripts'],
        app,
        noCompilerEnv,
      );
    let r = install('--offline');
    if (r.status !== 0 && /ENOTCACHED/.test(r.stderr)) r = install('--prefer-offline');
    installOutput = r.stdout + r.stderr;
    assert.equal(r.status, 0, `npm install failed:\n${installOutput}`);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('ships dist/, the prebuild and the sources to compile; no tests, fixtures, TypeScript sources or libtorch', () => {
    for (const f of ['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/index.d.mts', 'dist/loader.js']) {
      assert.ok(files.includes(f), `${f} is packed`);
    }
    assert.ok(files.includes(`${variant}/torch_node.node`) && files.includes(`${variant}/torch_node.json`));
    for (const f of ['binding/addon.cc', 'binding/tensor.h', 'CMakeLists.txt', 'binding.gyp', 'scripts/install.js']) {
      assert.ok(files.includes(f), `${f} is packed`);
    }
    assert.ok(files.includes('scripts/lib/find-libtorch.js') && files.includes('scripts/build.js'));
    const unwanted = files.filter((f) =>
      /^(test|lib|bench|build)\/|fixtures|\.py$|\.pt$|\/lib(torch|c10)\w*\.so/.test(f),
    );
    assert.deepEqual(unwanted, []);
    const prebuildJson = JSON.parse(
      fs.readFileSync(path.join(app, 'node_modules/torch-node', variant, 'torch_node.json'), 'utf8'),
    );
    assert.deepEqual(
      [prebuildJson.libtorchVersion, prebuildJson.flavour, prebuildJson.cxx11Abi, prebuildJson.napiVersion],
      [built.libtorchVersion, built.flavour, built.cxx11Abi, built.napiVersion],
    );
  });

  it('installs with no compiler reachable, using the prebuild', () => {
    assert.match(installOutput, /torch-node: using the prebuilt addon prebuilds\/\S+\/torch_node\.node for libtorch/);
    assert.equal(fs.existsSync(path.join(work, 'shadow.log')), false, 'no compiler or build tool was run');
    assert.equal(fs.existsSync(path.join(app, 'node_modules/torch-node/build/Release')), false, 'nothing compiled');
    for (const devOnly of ['typescript', 'ts-node', 'mocha']) {
      assert.equal(fs.existsSync(path.join(app, 'node_modules', devOnly)), false, `${devOnly} is not installed`);
    }
  });

  /** LeNet2's output for the input in lenet2.pt, flattened. */
  let pythonOutput: number[];
  const assertClose = (got: number[], what: string) => {
    assert.equal(got.length, pythonOutput.length, what);
    got.forEach((v, i) => assert.ok(Math.abs(v - pythonOutput[i]) <= 1e-6 * (1 + Math.abs(v)), `${what}[${i}]`));
  };
  const forward = [
    "const ckpt = load('lenet2.pt');",
    'const net = new torch.models.LeNet2({ classes: 10 });',
    "net.loadStateDict(ckpt.get('model'));",
    'net.eval();',
    "const y = torch.noGrad(() => net.call(ckpt.get('x')));",
  ];

  it('loads a PyTorch checkpoint and runs LeNet2 from CommonJS: require("torch-node")', () => {
    pythonOutput = pythonJson<number[]>(
      [
        "sys.path.insert(0, 'scripts/parity')",
        'from lenet2 import LeNet2',
        'torch.manual_seed(3)',
        'net = LeNet2(10).eval()',
        'x = torch.randn(2, 3, 32, 32)',
        `torch.save({'model': net.state_dict(), 'x': x}, ${JSON.stringify(path.join(app, 'lenet2.pt'))})`,
        'with torch.no_grad():',
        '    print(json.dumps(net(x).flatten().tolist()))',
      ].join('\n'),
      { cwd: repo },
    );
    const script = ["const torch = require('torch-node');", 'const load = torch.load;', ...forward];
    script.push('console.log(JSON.stringify(Array.from(y.flatten().data())));');
    fs.writeFileSync(path.join(app, 'use.cjs'), script.join('\n'));
    assertClose(JSON.parse(mustRun(process.execPath, ['use.cjs'], app, noCompilerEnv)), 'CommonJS output');
  });

  it('does the same from ESM (default and named imports) and saves a file Python reads', () => {
    const script = ["import torch, { load, save, Tensor } from 'torch-node';", ...forward];
    script.push("if (!(y instanceof Tensor)) throw new Error('not a Tensor');", "save(y, 'y-esm.pt');");
    fs.writeFileSync(path.join(app, 'use.mjs'), script.join('\n'));
    mustRun(process.execPath, ['use.mjs'], app, noCompilerEnv);
    const saved = pythonJson<number[]>(`print(json.dumps(torch.load('y-esm.pt').flatten().tolist()))`, { cwd: app });
    assertClose(saved, 'ESM output, saved and read by Python');
  });

  it('npx torch-node inspect shows the checkpoint’s keys, dtypes and shapes; verify passes it', () => {
    const shapes = pythonJson<[string, string, number[]][]>(
      `print(json.dumps([(k, str(v.dtype)[6:], list(v.shape)) for k, v in torch.load('lenet2.pt')['model'].items()]))`,
      { cwd: app },
    );
    const out = mustRun('npx', ['--no-install', 'torch-node', 'inspect', 'lenet2.pt'], app, noCompilerEnv);
    assert.match(out, /^lenet2\.pt: zip archive 'lenet2\/'/);
    for (const [key, dtype, shape] of shapes) {
      assert.ok(out.includes(`'${key}': Tensor ${dtype} [${shape.join(', ')}]`), `${key} in\n${out}`);
    }
    assert.match(mustRun('npx', ['--no-install', 'torch-node', 'verify', 'lenet2.pt'], app, noCompilerEnv), /OK/);
  });

  it('types: CommonJS and ESM consumers compile with tsc --noEmit against the installed dist/*.d.ts', () => {
    for (const f of ['consumer.cts', 'consumer.mts'])
      fs.copyFileSync(path.join(__dirname, 'types', f), path.join(app, f));
    const tsconfig = {
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'ES2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [path.join(repo, 'node_modules', '@types')],
      },
      files: ['consumer.cts', 'consumer.mts'],
    };
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
  });

  // Last: the failed compile leaves the installed package without its install record.
  it('a forced build from source with no compiler fails, saying what was found and what to do', () => {
    const env = { ...noCompilerEnv, TORCH_NODE_BUILD_FROM_SOURCE: '1' };
    const r = run(process.execPath, ['node_modules/torch-node/scripts/install.js'], app, env);
    assert.equal(r.status, 1);
    const message = r.stderr.slice(r.stderr.indexOf('torch-node: install failed'));
    assert.match(message, /could not compile the addon/);
    assert.ok(message.includes(`found:    libtorch ${built.libtorchVersion} (${built.flavour}`), message);
    assert.ok(message.includes('TORCH_NODE_BUILD_FROM_SOURCE=1 asks for a compile'), message);
    assert.ok(message.includes('apt-get install g++ make cmake'), message);
    assert.ok(fs.readFileSync(path.join(work, 'shadow.log'), 'utf8').includes('cmake'), 'cmake was tried');
  });
});
