// Checkpoints past 4 GiB: PyTorch's writer (miniz) switches records to zip64 sizes and offsets. The fixture holds
// every byte Python 1.13 wrote for {'a': 2**32 + 10 zero bytes, 'b': arange(3.)} except a's data
// (scripts/fixtures/make_zip64_fixture.py); the same layout here must give those bytes around the data.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../lib';
import { pickle } from '../lib/serialization/pickler';
import { StorageTable } from '../lib/serialization/torch-reduce';
import { zipSegments } from '../lib/serialization/zip-write';

interface Zip64Fixture {
  records: { name: string; size: number; crc: number; data?: string }[];
  head: string;
  tail: string;
}

const fx: Zip64Fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'zip64', 'big_4gib.json'), 'utf8'),
);
const BIG = 2 ** 32 + 10;

describe('torch.save past 4 GiB (zip64)', () => {
  it('lays out records, descriptors and the central directory as PyTorch does', () => {
    const placeholder = Buffer.from('the 4 GiB record');
    const segments = zipSegments(
      fx.records.map((r) => ({
        name: r.name,
        size: r.size,
        crc: r.crc,
        data: r.data === undefined ? placeholder : Buffer.from(r.data, 'hex'),
      })),
    );
    const at = segments.indexOf(placeholder);
    const join = (s: typeof segments) => Buffer.concat(s as Buffer[]).toString('hex');
    assert.equal(join(segments.slice(0, at)), fx.head);
    assert.equal(join(segments.slice(at + 1)), fx.tail);
  });

  it('pickles the 4 GiB tensor as Python does (LONG1 sizes)', () => {
    // An uninitialised 4 GiB tensor: only its metadata is read, so its pages are never touched.
    const obj = { a: torch.empty([BIG], { dtype: 'uint8' }), b: torch.arange(3, { dtype: 'float32' }) };
    const ours = pickle(obj, new StorageTable(false));
    assert.equal(ours.toString('hex'), fx.records[0].data);
  });
});
