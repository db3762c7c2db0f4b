// torch.save replaces a file atomically: the path holds the old file or the new one, never a torn one, and no
// temporary file is left behind, whether saving succeeds or fails (bad object, rename refused, disk limit mid-write).
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';

const ROOT = path.resolve(__dirname, '..');

describe('torch.save: atomic replacement', function () {
  this.timeout(60000);
  let dir: string;
  let target: string;
  const OLD = Buffer.from('the old checkpoint');
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-atomic-'));
    target = path.join(dir, 'model.pt');
    fs.writeFileSync(target, OLD, { mode: 0o640 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const onlyTarget = () => assert.deepEqual(fs.readdirSync(dir), ['model.pt']);

  it('replaces the file (a new inode), keeps its mode, leaves no temporary file', () => {
    const before = fs.statSync(target).ino;
    torch.save({ w: torch.ones([3]) }, target);
    assert.notEqual(fs.statSync(target).ino, before);
    onlyTarget();
    assert.equal(fs.readFileSync(target).readUInt32LE(0), 0x04034b50);
    assert.equal(fs.statSync(target).mode & 0o777, 0o640);
  });

  it('keeps the old file when the object cannot be saved', async () => {
    const t = torch.ones([2]);
    t.dispose();
    assert.throws(() => torch.save({ ok: torch.ones([2]), t }, target), torch.TorchTypeError);
    await assert.rejects(torch.saveAsync([1, undefined], target), torch.TorchTypeError);
    assert.ok(fs.readFileSync(target).equals(OLD));
    onlyTarget();
  });

  it('removes its temporary file when the rename is refused (the target is a folder)', async () => {
    const folder = path.join(dir, 'model.pt.d');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'keep'), 'x');
    assert.throws(
      () => torch.save(torch.ones([2]), folder),
      (e: Error & { code?: string }) => typeof e.code === 'string' && /rename/.test(e.message),
    );
    await assert.rejects(torch.saveAsync(torch.ones([2]), folder), (e: Error & { code?: string }) => !!e.code);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.pt', 'model.pt.d']);
    assert.deepEqual(fs.readdirSync(folder), ['keep']);
  });

  it('gives the OS error when the folder does not exist', () => {
    assert.throws(
      () => torch.save(torch.ones([2]), path.join(dir, 'missing', 'x.pt')),
      (e: Error & { code?: string }) => e.code === 'ENOENT',
    );
    onlyTarget();
  });

  it('keeps the old file when the disk refuses the data mid-write (file size limit)', () => {
    // A child with a 64 KiB file size limit saves a 1 MiB tensor: the write fails with EFBIG part-way through.
    const code = `require('ts-node/register/transpile-only');
const torch = require(${JSON.stringify(path.join(ROOT, 'lib'))});
process.on('SIGXFSZ', () => {});
try { torch.save(torch.zeros([1 << 18]), ${JSON.stringify(target)}); console.log('saved'); }
catch (e) { console.log(e.code); }
torch.saveAsync(torch.zeros([1 << 18]), ${JSON.stringify(target)}).then(() => console.log('saved'), (e) => console.log(e.code));`;
    const r = spawnSync('bash', ['-c', `ulimit -f 64 && exec "${process.execPath}" -e "$0"`, code], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(r.stdout.trim(), 'EFBIG\nEFBIG', r.stderr);
    assert.ok(fs.readFileSync(target).equals(OLD));
    onlyTarget();
  });

  it('atomic: false writes in place (the same inode), with the same bytes', () => {
    const before = fs.statSync(target).ino;
    torch.save(torch.ones([3]), target, { atomic: false, fsync: false });
    assert.equal(fs.statSync(target).ino, before);
    const inPlace = fs.readFileSync(target);
    torch.save(torch.ones([3]), target, { fsync: false });
    assert.ok(fs.readFileSync(target).equals(inPlace));
    onlyTarget();
  });
});
