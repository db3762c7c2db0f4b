/**
 * Building against a CUDA libtorch, as far as a CPU machine can check it: what scripts/build.js hands CMake for a pip
 * torch with CUDA (direct mode, its C++ ABI, torch_cuda among the libraries, the C++ standard its headers need), and
 * the refusal of a Python torch that has no C++ files. scripts/gpu-check.sh builds for real on a GPU machine.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cmakeDefines } = require('../scripts/build.js') as {
  cmakeDefines: (found: Record<string, unknown>, opts: { sanitize: boolean }) => Record<string, string>;
};

/** What find-libtorch.js reports for a pip torch of this version with CUDA 13.0 (as on the GPU machine). */
function pipTorch(version: string): Record<string, unknown> {
  const root = '/opt/torch/.venv/lib/python3.12/site-packages/torch';
  return {
    source: 'LIBTORCH_USE_PYTORCH',
    root,
    includeDirs: [`${root}/include`, `${root}/include/torch/csrc/api/include`],
    libDir: `${root}/lib`,
    version,
    flavour: 'cu130',
    cxx11Abi: true,
    linkMode: 'direct',
    cuda: true,
    libraries: ['torch', 'torch_cpu', 'c10', 'torch_cuda', 'c10_cuda'],
  };
}

describe('CUDA build (direct mode)', function () {
  this.timeout(60000);

  it('a pip torch with CUDA: direct mode, its ABI, its lib folder and torch_cuda among the libraries', function () {
    const d = cmakeDefines(pipTorch('2.11.0'), { sanitize: false });
    assert.equal(d.TORCH_NODE_LINK_MODE, 'direct');
    assert.equal(d.TORCH_NODE_FLAVOUR, 'cu130');
    assert.equal(d.TORCH_NODE_CXX11_ABI, '1');
    assert.equal(d.TORCH_NODE_LIB_DIR, '/opt/torch/.venv/lib/python3.12/site-packages/torch/lib');
    assert.deepEqual(d.TORCH_NODE_LIBS.split(';'), ['torch', 'torch_cpu', 'c10', 'torch_cuda', 'c10_cuda']);
  });

  it('C++17 up to libtorch 2.11, C++20 from 2.12 (whose ATen headers require it)', function () {
    const std = (v: string) => cmakeDefines(pipTorch(v), { sanitize: false }).TORCH_NODE_CXX_STANDARD;
    assert.deepEqual(['1.13.1', '2.6.0', '2.11.0', '2.12.0', '2.13.1', '3.0.0'].map(std), [
      '17',
      '17',
      '17',
      '20',
      '20',
      '20',
    ]);
  });

  it('a Python torch without C++ headers and libraries is refused before anything compiles', function () {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-cuda-build-'));
    try {
      const python = path.join(tmp, 'python');
      const root = path.join(tmp, 'site', 'torch');
      fs.mkdirSync(root, { recursive: true });
      const answer = JSON.stringify({ root, version: '2.11.0+cu130', cuda: '13.0', hip: null, abi: true });
      fs.writeFileSync(python, `#!/bin/sh\necho '${answer}'\n`, { mode: 0o755 });
      const out = path.join(tmp, 'build');
      const r = spawnSync(process.execPath, ['scripts/build.js', '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, LIBTORCH_USE_PYTORCH: '1', TORCH_NODE_PYTHON: python },
      });
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /has no C\+\+ headers or libraries \(expected .*\/include\/ and .*\/lib\/libtorch_cpu\.so/,
      );
      assert.ok(!fs.existsSync(out), 'nothing was built');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
