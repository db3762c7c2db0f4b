/**
 * A checkpoint past 4 GiB, as PyTorch 1.13 wrote it: every byte but the 4 GiB storage comes from
 * test/fixtures/zip64/big_4gib.json (recorded by scripts/fixtures/make_zip64_fixture.py from a real torch.save of
 * {'a': torch.zeros(2**32 + 10, dtype=torch.uint8), 'b': torch.arange(3.)}); the storage's zeros are a hole of a
 * sparse file, so the test costs no disk. The file is larger than a Buffer can be, so only the mapped file reads it.
 */
import { strict as assert } from 'assert';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as torch from '../lib';
import { native } from '../lib/native';

interface Zip64Fixture {
  records: { name: string; size: number; crc: number }[];
  head: string;
  tail: string;
}

const FIXTURE = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'zip64', 'big_4gib.json'), 'utf8')) as Zip64Fixture;
const BIG = 2 ** 32 + 10;

describe('load: a checkpoint past 4 GiB (zip64)', function () {
  this.timeout(60000);
  let dir: string;
  let file: string;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'tn-zip64-'));
    file = join(dir, 'big.pt');
    const head = Buffer.from(FIXTURE.head, 'hex');
    const fd = openSync(file, 'w');
    writeSync(fd, head, 0, head.length, 0);
    writeSync(fd, Buffer.from(FIXTURE.tail, 'hex'), 0, FIXTURE.tail.length / 2, head.length + BIG);
    closeSync(fd);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('openCheckpoint reads its zip64 directory as Python wrote it', function () {
    const info = torch.openCheckpoint(file);
    assert.equal(info.prefix, 'big');
    assert.equal(info.size, FIXTURE.head.length / 2 + BIG + FIXTURE.tail.length / 2);
    assert.deepEqual(
      info.records.map((r) => ({ name: `big/${r.name}`, size: r.size, crc: r.crc32 })),
      FIXTURE.records.map((r) => ({ name: r.name, size: r.size, crc: r.crc })),
    );
    assert.equal(info.records[1].offset, FIXTURE.head.length / 2);
  });

  it('loads over the mapped file: a 4 GiB storage and the tensor after it', function () {
    const sd = torch.load<Map<string, torch.Tensor>>(file);
    const a = sd.get('a') as torch.Tensor;
    assert.equal(a.dtype, 'uint8');
    assert.deepEqual(a.shape, [BIG]);
    assert.equal(native.storageNbytes(a._h), BIG);
    // Only the last page is touched.
    assert.deepEqual([...a.narrow(0, BIG - 4, 4).toBuffer()], [0, 0, 0, 0]);
    assert.deepEqual((sd.get('b') as torch.Tensor).tolist(), [0, 1, 2]);
  });

  it('reading it into one Buffer is not possible: mmap: false says why', function () {
    assert.throws(
      () => torch.load(file, { mmap: false }),
      (e: unknown) => e instanceof torch.TorchLoadError && e.code === 'FILE_ERROR',
    );
  });
});
