/**
 * openCheckpoint and verifyCheckpoint (the inspection API behind `torch-node inspect | verify`): layouts compared
 * with what Python's zipfile reads from the same archives, legacy payloads, TorchScript, and verification of good,
 * damaged and truncated files.
 */
import { strict as assert } from 'assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as torch from '../lib';
import { describe as describeValue } from './helpers/describe';
import { pythonJson } from './helpers/python';

const CORE = join(__dirname, 'fixtures', 'core');
const READ = join(__dirname, 'fixtures', 'read');

interface PyRecord {
  name: string;
  offset: number;
  size: number;
  compressedSize: number;
  crc32: number;
  compression: string;
}

/** Python's zipfile view of archives: each member's data offset, sizes, CRC and method (one Python process). */
function pythonRecords(files: string[]): Record<string, PyRecord[]> {
  return pythonJson<Record<string, PyRecord[]>>(
    [
      'import zipfile, struct',
      'out = {}',
      `for f in ${JSON.stringify(files)}:`,
      '    raw = open(f, "rb").read()',
      '    out[f] = []',
      '    for i in zipfile.ZipFile(f).infolist():',
      '        n, e = struct.unpack_from("<HH", raw, i.header_offset + 26)',
      '        out[f].append(dict(name=i.filename.split("/", 1)[1], offset=i.header_offset + 30 + n + e,',
      '                           size=i.file_size, compressedSize=i.compress_size, crc32=i.CRC,',
      '                           compression="deflated" if i.compress_type == zipfile.ZIP_DEFLATED else "stored"))',
      'print(json.dumps(out))',
    ].join('\n'),
  );
}

describe('openCheckpoint', function () {
  this.timeout(60000);

  it("describes a zip checkpoint as Python's zipfile reads it", function () {
    const file = join(CORE, 'lenet2_checkpoint.pt');
    const info = torch.openCheckpoint(file);
    assert.equal(info.format, 'zip');
    assert.equal(info.prefix, 'lenet2_checkpoint');
    assert.equal(info.protocol, 2);
    assert.equal(info.version, 3);
    assert.equal(info.byteOrder, 'little');
    assert.equal(info.size, readFileSync(file).length);
    assert.deepEqual(
      info.records.map((r) => ({ ...r })),
      pythonRecords([file])[file],
    );
    for (const r of info.records) assert.equal(r.offset % 64, 0, `${r.name} is 64-aligned`);
    assert.deepEqual(describeValue(info.load()), describeValue(torch.load(file)));
  });

  it('reads deflated records, the zip64 fields, a 2.7 layout and TorchScript', function () {
    const files = ['zip_deflated_other_folder.pt', 'zip64_fields.pt', 'zip_v2_7.pt', 'torchscript_scripted.pt'].map(
      (name) => join(READ, name),
    );
    const python = pythonRecords(files);
    for (const file of files) {
      assert.deepEqual(
        torch.openCheckpoint(file).records.map((r) => ({ ...r })),
        python[file],
        file,
      );
    }
    assert.equal(torch.openCheckpoint(join(READ, 'zip_deflated_other_folder.pt')).prefix, 'renamed');
    assert.equal(torch.openCheckpoint(join(READ, 'torchscript_scripted.pt')).format, 'torchscript');
    assert.equal(torch.openCheckpoint(join(READ, 'zip_big_endian.pt')).byteOrder, 'big');
    assert.equal(torch.openCheckpoint(join(READ, 'zip_p5.pt')).protocol, 5);
  });

  it('finds the storage payloads of a legacy file', function () {
    const file = join(CORE, 'legacy_small.pt');
    const info = torch.openCheckpoint(file);
    assert.equal(info.format, 'legacy');
    assert.equal(info.prefix, null);
    assert.equal(info.version, null);
    const bytes = readFileSync(file);
    // Each payload is preceded by its element count and the last one ends the file.
    const last = info.records[info.records.length - 1];
    assert.equal(last.offset + last.size, bytes.length);
    const loaded = info.load<Map<string, unknown>>();
    const tensors = [...loaded.values()].filter((v): v is torch.Tensor => v instanceof torch.Tensor);
    for (const r of info.records) {
      assert.equal(r.crc32, null);
      const numel = Number(bytes.readBigInt64LE(r.offset - 8));
      assert.ok(numel >= 0 && r.size % Math.max(numel, 1) === 0, r.name);
    }
    assert.ok(tensors.length > 0);
    assert.equal(torch.openCheckpoint(join(READ, 'legacy_p4_pointer.pt')).protocol, 4);
  });

  it('throws TorchLoadError for a broken file', function () {
    assert.throws(
      () => torch.openCheckpoint(Buffer.alloc(0)),
      (e: unknown) => {
        return e instanceof torch.TorchLoadError && e.code === 'EMPTY_FILE';
      },
    );
  });
});

describe('verifyCheckpoint', function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'tn-verify-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes good files of every format, and checks every CRC-32 of a zip', function () {
    for (const file of [
      join(CORE, 'lenet2_adam.pt'),
      join(CORE, 'legacy_views.pt'),
      join(READ, 'torchscript_traced.pt'),
    ]) {
      const r = torch.verifyCheckpoint(file);
      assert.deepEqual(r.problems, [], file);
      assert.ok(r.ok);
    }
    const deflated = torch.verifyCheckpoint(join(READ, 'zip_deflated_other_folder.pt'));
    assert.ok(deflated.ok);
    assert.equal(deflated.crcChecked, torch.openCheckpoint(join(READ, 'zip_deflated_other_folder.pt')).records.length);
    // A cuda-tagged file verifies on a machine without CUDA.
    assert.ok(torch.verifyCheckpoint(join(CORE, 'cuda0_tagged.pt')).ok);
  });

  it('lists each damaged record, and a cut file', function () {
    const bytes = readFileSync(join(CORE, 'linear_state_dict.pt'));
    const info = torch.openCheckpoint(bytes);
    const damaged = Buffer.from(bytes);
    for (const r of info.records.filter((x) => x.name.startsWith('data/'))) damaged[r.offset] ^= 1;
    const file = join(dir, 'damaged.pt');
    writeFileSync(file, damaged);
    const r = torch.verifyCheckpoint(file);
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.problems.map((p) => [p.code, p.record]),
      [
        ['BAD_CRC', 'data/0'],
        ['BAD_CRC', 'data/1'],
      ],
    );
    const cut = torch.verifyCheckpoint(bytes.subarray(0, bytes.length - 10));
    assert.equal(cut.format, null);
    assert.deepEqual(
      cut.problems.map((p) => p.code),
      ['ZIP_CORRUPT'],
    );
  });
});
