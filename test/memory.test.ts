// Memory: dropped tensors are freed while a synchronous loop runs (V8 is told their size; collected handles are swept
// and a full GC is forced past a pressure mark), tensors still referenced survive, and dispose() frees at once.
// Each case runs in a child process so that its RSS is its own.
import { strict as assert } from 'assert';
import { runNode } from './helpers/child';

const MB = 2 ** 20;

function child<T>(code: string): T {
  const r = runNode(code, { timeoutMs: 300000 });
  assert.equal(r.status, 0, `child failed (${r.signal ?? r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as T;
}

describe('memory', () => {
  it('100,000 dropped tensors of 1 MB in a synchronous loop keep RSS bounded', function () {
    this.timeout(300000);
    const out = child<{ baseline: number; peak: number; maxLive: number; kept: number[]; view: number; ms: number }>(`
      const { native } = require('./lib/native');
      const rss = () => process.memoryUsage.rss();
      // Tensors that stay referenced (and a view whose base handle is dropped) must survive every sweep.
      const kept = [];
      const view = torch.arange(10, { dtype: 'float32' }).index('5:');
      for (let i = 0; i < 50; i++) torch.zeros([262144]);
      const baseline = rss();
      let peak = 0, maxLive = 0;
      const t0 = Date.now();
      for (let i = 0; i < 100000; i++) {
        const t = torch.zeros([262144]); // 1 MB of float32, written (so a leak would be resident)
        if (i % 10000 === 0) kept.push(t.fill_(i));
        if (i % 250 === 0) {
          peak = Math.max(peak, rss());
          maxLive = Math.max(maxLive, native.liveTensorBytes());
          if (rss() > baseline + 4 * 2 ** 30) { console.log(JSON.stringify({ aborted: i })); process.exit(3); }
        }
      }
      console.log(JSON.stringify({ baseline, peak, maxLive, ms: Date.now() - t0,
        kept: kept.map((k) => k.mean().item()), view: view.sum().item() }));
    `);
    console.log(
      `      peak RSS ${Math.round(out.peak / MB)} MB (baseline ${Math.round(out.baseline / MB)} MB, ` +
        `at most ${Math.round(out.maxLive / MB)} MB held by live handles, ${(out.ms / 1000).toFixed(1)} s)`,
    );
    // Unbounded, the loop would hold 100,000 MB; here handles never hold more than the pressure mark (256 MB) plus
    // what one sweep interval adds, and RSS (which keeps what the allocator retains) stays within 1.5 GB of the start.
    assert.ok(out.maxLive <= 512 * MB, `live handles held ${out.maxLive / MB} MB`);
    assert.ok(out.peak - out.baseline <= 1536 * MB, `RSS grew by ${(out.peak - out.baseline) / MB} MB`);
    assert.deepEqual(
      out.kept,
      Array.from({ length: 10 }, (_, k) => k * 10000),
    );
    assert.equal(out.view, 5 + 6 + 7 + 8 + 9);
  });

  it('dispose() frees at once, and the disposed tensor throws a clear error', function () {
    this.timeout(60000);
    const out = child<{ before: number; held: number; after: number; liveAfter: number; message: string }>(`
      const { native } = require('./lib/native');
      const rss = () => process.memoryUsage.rss();
      const before = rss();
      const t = torch.ones([64, 2 ** 20]); // 256 MB, written
      const held = rss();
      t.dispose();
      const after = rss();
      let message = '';
      try { t.sum(); } catch (e) { message = e.constructor.name + ': ' + e.message; }
      console.log(JSON.stringify({ before, held, after, liveAfter: native.liveTensorBytes(), message }));
    `);
    assert.ok(out.held - out.before >= 250 * MB, 'the tensor was resident');
    assert.ok(out.held - out.after >= 250 * MB, `dispose returned ${(out.held - out.after) / MB} MB`);
    assert.ok(out.liveAfter < MB);
    assert.equal(out.message, 'TorchError: this tensor has been disposed');
  });
});
