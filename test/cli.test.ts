// The torch-node command against PyTorch and Python's zipfile: on every fixture, `inspect --json` finds the tensors
// (dtypes, shapes, devices, storages and how they are shared) that torch.load finds and the records zipfile lists;
// `verify` passes them and fails broken files as PyTorch or zipfile do; `convert` writes files Python loads.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../lib/cli';
import type { TensorFacts, Totals, ValueNode } from '../lib/inspect/value-tree';
import { Desc, describeInPython } from './helpers/describe';
import { fixtureCases, fixturePath } from './helpers/fixtures';
import { pythonJson } from './helpers/python';

const repo = path.resolve(__dirname, '..');

/** Runs the command in this process; returns its exit code and what it wrote. */
function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { out: (l) => (out += l + '\n'), err: (l) => (err += l + '\n') });
  return { code, out, err };
}

interface Inspected {
  layout: { format: string; prefix: string | null; records: { name: string; size: number; crc32: number | null }[] };
  value: ValueNode;
  totals: Totals;
}

function inspectJson(file: string): Inspected {
  const r = cli('inspect', file, '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Inspected;
}

function ourTensors(n: ValueNode, out: TensorFacts[] = []): TensorFacts[] {
  if (n.tensor) out.push(n.tensor);
  for (const c of n.children ?? []) ourTensors(c, out);
  return out;
}

type PyTensor = { dtype: string; shape: number[]; storage: number; storage_nbytes: number };

/** The tensors of a describe.py description (a quantized tensor's scale tensors are part of it, not separate). */
function pythonTensors(d: unknown, out: PyTensor[] = []): PyTensor[] {
  if (Array.isArray(d)) d.forEach((x) => pythonTensors(x, out));
  else if (typeof d === 'object' && d !== null) {
    if ((d as Desc).t === 'tensor') out.push(d as unknown as PyTensor);
    else Object.values(d).forEach((x) => pythonTensors(x, out));
  }
  return out;
}

/** Storages as (bytes, tensors using it), sorted: equal for two loads that share memory the same way. */
function storageGroups(tensors: { storage: number; bytes: number }[]): string[] {
  const groups = new Map<number, { bytes: number; users: number }>();
  for (const t of tensors) {
    const g = groups.get(t.storage) ?? { bytes: t.bytes, users: 0 };
    g.users++;
    groups.set(t.storage, g);
  }
  return [...groups.values()].map((g) => `${g.bytes}B×${g.users}`).sort();
}

describe('torch-node command', () => {
  const cases = fixtureCases();
  const files = cases.map(fixturePath);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torch-node-cli-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('inspect', () => {
    it('finds on every fixture the tensors torch.load finds: dtypes, shapes, storages, sharing', function () {
      this.timeout(120000);
      const python = describeInPython(files, ['--map-location', 'cpu']);
      for (const file of files) {
        const want = python[file];
        assert.ok('value' in want, `Python loads ${file}`);
        const py = pythonTensors(want.value);
        const ours = ourTensors(inspectJson(file).value);
        const sig = (t: { dtype: string; shape: number[] }) => `${t.dtype}[${t.shape}]`;
        assert.deepEqual(ours.map(sig).sort(), py.map(sig).sort(), file);
        assert.deepEqual(
          storageGroups(ours.map((t) => ({ storage: t.storage, bytes: t.storageBytes }))),
          storageGroups(py.map((t) => ({ storage: t.storage, bytes: t.storage_nbytes }))),
          `${file}: storages and their sharing`,
        );
      }
    });

    it('lists the records Python’s zipfile lists (names, sizes, CRC-32s), with the archive prefix', () => {
      const zips = files.filter((f) => fs.readFileSync(f).readUInt32LE(0) === 0x04034b50);
      const py = pythonJson<Record<string, [string, number, number][]>>(
        [
          'import zipfile',
          `out = {f: [(i.filename, i.file_size, i.CRC) for i in zipfile.ZipFile(f).infolist()] for f in ${JSON.stringify(zips)}}`,
          'print(json.dumps(out))',
        ].join('\n'),
      );
      for (const file of zips) {
        const { layout } = inspectJson(file);
        assert.ok(layout.format !== 'legacy');
        const ours = layout.records.map((r) => [`${layout.prefix}/${r.name}`, r.size, r.crc32]);
        assert.deepEqual(ours, py[file], file);
      }
    });

    it('gives the device each storage is tagged with in the file, as map_location sees it', () => {
      const py = pythonJson<Record<string, string[]>>(
        [
          "sys.path.insert(0, 'scripts/fixtures')",
          'from make_fixtures import LeNet2',
          'out = {}',
          `for f in ${JSON.stringify(files)}:`,
          '    tags = []',
          '    torch.load(f, map_location=lambda s, loc: (tags.append(loc), s)[1])',
          '    out[f] = sorted(tags)',
          'print(json.dumps(out))',
        ].join('\n'),
        { cwd: repo },
      );
      assert.ok(py[files.find((f) => f.endsWith('cuda0_tagged.pt'))!].includes('cuda:0'), 'a fixture tagged cuda:0');
      for (const file of files) {
        const byStorage = new Map(ourTensors(inspectJson(file).value).map((t) => [t.storage, t.device]));
        const ours = [...byStorage.values()].sort();
        // Python calls map_location once per storage record, ours counts storages that tensors use.
        assert.deepEqual([...new Set(ours)], [...new Set(py[file])], file);
      }
    });

    it('prints a readable tree: keys, dtypes, shapes, sizes, devices; then totals', () => {
      const file = files.find((f) => f.endsWith('lenet2_checkpoint.pt'))!;
      const sd = pythonJson<[string, string, number[]][]>(
        `print(json.dumps([(k, str(v.dtype)[6:], list(v.shape)) for k, v in torch.load(${JSON.stringify(file)})['model_state_dict'].items()]))`,
      );
      const { code, out } = cli('inspect', file);
      assert.equal(code, 0);
      assert.match(out, /zip archive 'lenet2_checkpoint\/', version 3, little-endian, pickle protocol 2, 22 records/);
      assert.match(out, /written by torch.save of PyTorch 1\.6 to 2\.0/);
      for (const [key, dtype, shape] of sd) {
        assert.ok(out.includes(`'${key}': Tensor ${dtype} [${shape.join(', ')}] `), `${key} in\n${out}`);
      }
      assert.match(out, /^total: 20 tensors \(float32 20; cpu 20\), 122,652 elements, 479\.1 KiB$/m);
      const shared = cli(
        'inspect',
        files.find((f) => f.endsWith('views_shared.pt'))!,
      ).out;
      assert.match(shared, /'row': Tensor float32 \[6\] 24 B cpu storage #0, shared/);
      assert.match(shared, /shared storages: #0 by 6 tensors/);
    });
  });

  describe('verify', () => {
    it('passes every fixture', () => {
      for (const file of files) {
        const r = cli('verify', file);
        assert.equal(r.code, 0, `${file}: ${r.err}`);
        assert.match(r.out, /: OK: /);
      }
    });

    it('fails broken files as PyTorch and zipfile do, with a clear message and exit code 1', () => {
      const good = fs.readFileSync(files.find((f) => f.endsWith('lenet2_c2_state_dict.pt'))!);
      const broken: Record<string, Buffer> = {
        'truncated.pt': good.subarray(0, 5000),
        'garbage.pt': Buffer.from('hello\n'),
        'empty.pt': Buffer.alloc(0),
        'flipped.pt': Buffer.from(good),
      };
      broken['flipped.pt'][3000] ^= 0xff;
      for (const [name, bytes] of Object.entries(broken)) fs.writeFileSync(path.join(tmp, name), bytes);
      const py = pythonJson<Record<string, string | null>>(
        [
          'import zipfile',
          'out = {}',
          `for name in ${JSON.stringify(Object.keys(broken))}:`,
          '    try:',
          '        torch.load(name); out[name] = None',
          '    except Exception as e:',
          '        out[name] = type(e).__name__',
          "out['flipped.pt/testzip'] = zipfile.ZipFile('flipped.pt').testzip()",
          'print(json.dumps(out))',
        ].join('\n'),
        { cwd: tmp },
      );
      const expected: Record<string, RegExp> = {
        'truncated.pt': /^torch-node: ZIP_CORRUPT: .*failed finding central directory/,
        'garbage.pt': /^torch-node: BAD_MAGIC: Invalid magic number; corrupt file\?/,
        'empty.pt': /^torch-node: (BAD_MAGIC|EMPTY_FILE): .*Ran out of input/,
      };
      for (const [name, message] of Object.entries(expected)) {
        assert.notEqual(py[name], null, `PyTorch refuses ${name} too`);
        const r = cli('verify', path.join(tmp, name));
        assert.equal(r.code, 1, name);
        assert.match(r.err, message);
      }
      // PyTorch 1.13 loads a file whose stored bytes changed; zipfile's CRC check names the record, and so does verify.
      assert.equal(py['flipped.pt'], null);
      const record = (py['flipped.pt/testzip'] as string).split('/').slice(1).join('/');
      const r = cli('verify', path.join(tmp, 'flipped.pt'));
      assert.equal(r.code, 1);
      assert.match(r.err, /^torch-node: BAD_CRC: CRC-32 mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/);
      assert.ok(r.err.includes(`record '${record}'`), r.err);
      const missing = cli('verify', path.join(tmp, 'no-such-file.pt'));
      assert.equal(missing.code, 1);
      assert.match(missing.err, /^torch-node: FILE_ERROR: cannot read .*no-such-file\.pt: ENOENT/);
    });
  });

  describe('convert', () => {
    it('zip → legacy → zip: Python loads each, and the round trip gives back the original bytes', () => {
      const original = files.find((f) => f.endsWith('lenet2_c2_state_dict.pt'))!;
      const legacy = path.join(tmp, 'legacy.pt');
      const back = path.join(tmp, 'lenet2_c2_state_dict.pt');
      assert.equal(cli('convert', original, legacy, '--format', 'legacy').code, 0);
      assert.equal(cli('convert', legacy, back).code, 0);
      assert.equal(inspectJson(legacy).layout.format, 'legacy');
      const same = pythonJson<boolean[]>(
        [
          `a = torch.load(${JSON.stringify(original)})`,
          `b = torch.load(${JSON.stringify(legacy)})`,
          'print(json.dumps([list(a) == list(b)] + [torch.equal(a[k], b[k]) for k in a]))',
        ].join('\n'),
      );
      assert.ok(same.every(Boolean), 'Python reads the legacy file as the original');
      assert.ok(fs.readFileSync(back).equals(fs.readFileSync(original)), 'same bytes as PyTorch wrote');
    });

    it('--map-location moves CUDA-tagged storages; without it a CPU machine gets PyTorch’s advice', () => {
      const cudaFile = files.find((f) => f.endsWith('cuda0_tagged.pt'))!;
      const out = path.join(tmp, 'on-cpu.pt');
      const refused = cli('convert', cudaFile, out);
      const cuda = pythonJson<boolean>('print(json.dumps(torch.cuda.is_available()))');
      if (!cuda) {
        assert.equal(refused.code, 1);
        assert.match(refused.err, /BAD_LOCATION: Attempting to deserialize object on a CUDA device/);
      }
      assert.equal(cli('convert', cudaFile, out, '--map-location', 'cpu').code, 0);
      const devices = pythonJson<string[]>(
        `print(json.dumps(sorted({str(v.device) for v in torch.load(${JSON.stringify(out)}).values()})))`,
      );
      assert.deepEqual(devices, ['cpu']);
    });
  });

  describe('usage and the installed command', () => {
    it('a usage error prints the usage and exits 2', () => {
      for (const args of [
        [],
        ['bogus'],
        ['inspect'],
        ['inspect', 'a', '--nope'],
        ['convert', 'a', 'b', '--format', 'x'],
      ]) {
        const r = cli(...args);
        assert.equal(r.code, 2, args.join(' '));
        assert.match(r.err, /usage:\n {2}torch-node inspect FILE/);
      }
      assert.match(cli('--help').out, /torch-node verify FILE/);
    });

    it('runs as a program: exit code 0 on a good file, 1 on a broken one', () => {
      const run = (file: string) =>
        spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'lib/cli.ts', 'verify', file], {
          cwd: repo,
          encoding: 'utf8',
        });
      assert.equal(run(files[0]).status, 0);
      fs.writeFileSync(path.join(tmp, 'junk.pt'), 'junk');
      const bad = run(path.join(tmp, 'junk.pt'));
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /^torch-node: BAD_MAGIC/);
    });
  });
});
