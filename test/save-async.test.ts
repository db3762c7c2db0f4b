// saveAsync and stream targets write the same bytes as save (Python's), off the main thread and with back-pressure.
import { strict as assert } from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import * as torch from '../lib';
import { collector } from './helpers/collector';
import { buildRecipe, fixtureCases } from './helpers/fixtures';

const sha256 = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');
const fixture = (file: string) => fixtureCases().find((c) => c.file === file)!;

/** A stream that takes 16 bytes at a time and answers later: writers must wait for it. */
function slowStream(): Writable & { bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      setImmediate(cb);
    },
  });
  return Object.assign(w, { bytes: () => Buffer.concat(chunks) });
}

describe('torch.saveAsync and streams', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-save-async-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("saveAsync to a path writes Python's bytes (the lesson's checkpoint)", async () => {
    const c = fixture('lenet2_checkpoint.pt');
    const out = path.join(dir, c.file);
    await torch.saveAsync(buildRecipe(c.recipe), out, { fsync: false });
    assert.equal(sha256(fs.readFileSync(out)), c.sha256);
  });

  it("saveAsync to a slow stream waits for it and writes Python's stream bytes (prefix 'archive')", async () => {
    const c = fixture('stream_archive.pt');
    const w = slowStream();
    await torch.saveAsync(buildRecipe(c.recipe), w);
    assert.equal(sha256(w.bytes()), c.sha256);
    assert.ok(!w.writableEnded, 'the stream is left open, as Python leaves a file object open');
  });

  it('save to a stream queues the same bytes', () => {
    const c = fixture('stream_archive.pt');
    const w = collector();
    torch.save(buildRecipe(c.recipe), w);
    assert.equal(sha256(w.bytes()), c.sha256);
  });

  it('legacy format to a stream', async () => {
    const obj = { t: torch.arange(4) };
    const file = path.join(dir, 'legacy.pt');
    torch.save(obj, file, { format: 'legacy', fsync: false });
    const w = slowStream();
    await torch.saveAsync(obj, w, { format: 'legacy' });
    assert.ok(w.bytes().equals(fs.readFileSync(file)));
  });

  it('keeps the event loop turning while it checksums and writes', async () => {
    const big = torch.ones([32 << 20], { dtype: 'uint8' });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await torch.saveAsync({ big }, path.join(dir, 'big.pt'), { fsync: false });
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'no timer ran while saving');
    assert.equal(fs.statSync(path.join(dir, 'big.pt')).size > 32 << 20, true);
  });

  it('a tensor disposed while saveAsync runs is still written whole', async () => {
    const c = fixture('tensor_randn.pt');
    const t = buildRecipe(c.recipe) as torch.Tensor;
    const out = path.join(dir, c.file);
    const done = torch.saveAsync(t, out, { fsync: false });
    t.dispose();
    await done;
    assert.equal(sha256(fs.readFileSync(out)), c.sha256);
  });

  it('rejects (does not throw) on bad input', async () => {
    const p = torch.saveAsync({ f: () => 1 }, path.join(dir, 'bad.pt'));
    await assert.rejects(p, torch.TorchTypeError);
  });
});
