/**
 * Leaks, in short: scripts/soak.ts (npm run soak runs 10,000 training steps and 1,000 save/load cycles) with 2,000
 * LeNet2 training steps and 200 checkpoint save/load cycles in a child process; the RSS of each phase may grow by at
 * most 100 MB after its warm-up (a tensor leaked per step would add hundreds of MB).
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

describe('soak: training steps and save/load cycles keep the RSS flat', function () {
  this.timeout(600000);

  it('2,000 LeNet2 steps and 200 save/load cycles grow the RSS by less than 100 MB each', () => {
    const args = ['--steps', '2000', '--cycles', '200', '--limit-mb', '100', '--yield-every', '100'];
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/soak.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 540000,
    });
    assert.equal(r.signal, null, r.stderr.slice(-3000));
    const report = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    for (const p of report.phases) {
      assert.ok(p.growthMb < 100, `${p.name} grew by ${p.growthMb} MB: ${JSON.stringify(p.samples)}`);
      assert.ok(p.samples.length >= 20, `${p.name} sampled ${p.samples.length} times`);
    }
    assert.ok(Number.isFinite(report.lastLoss), 'training ran');
    assert.equal(r.status, 0, r.stderr.slice(-3000));
  });
});
