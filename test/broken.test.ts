/**
 * A corpus of broken and hostile files: each gives a TorchLoadError with the right code (never a crash, an
 * out-of-bounds read, a hang or a silently wrong tensor), and Python's torch.load is asked about the same files
 * (where it is safe to ask) to show they are broken for PyTorch too. Then random damage: byte flips and cuts of real
 * files either load or give a TorchLoadError, nothing else.
 */
import { strict as assert } from 'assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as torch from '../lib';
import { ArchiveSpec, PickleBytes, writeArchives } from './helpers/craft';
import { describeInPython, PythonResult } from './helpers/describe';

const CORE = join(__dirname, 'fixtures', 'core');
const ZIP = readFileSync(join(CORE, 'tensor_randn.pt'));
const LEGACY = readFileSync(join(CORE, 'legacy_small.pt'));

/** A deterministic PRNG (mulberry32), so that the random corpus is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(n: number, seed: number): Buffer {
  const r = rng(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
}

/** Replaces `from` by `to` (same length) at every place in a copy of buf. */
function patch(buf: Buffer, from: string, to: string, nth = -1): Buffer {
  const out = Buffer.from(buf);
  let at = -1;
  for (let i = 0; ; i++) {
    at = out.indexOf(from, at + 1, 'latin1');
    if (at < 0) break;
    if (nth < 0 || i === nth) out.write(to, at, 'latin1');
  }
  return out;
}

/** A tensor pickle over storage '0' (FloatStorage of `numel`), with the given extent. */
function tensorPickle(numel: number, offset: number, size: number[], stride: number[]): Buffer {
  return new PickleBytes().proto(2).tensorV2({ numel }, offset, size, stride).stop().bytes();
}

const FLOATS4 = Buffer.from(new Float32Array([1, 2, 3, 4]).buffer);

/** A copy of a zip whose first central-directory entry claims `size` uncompressed bytes. */
function claimSize(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  const eocd = out.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  out.writeUInt32LE(size, out.readUInt32LE(eocd + 16) + 24);
  return out;
}

/** What Python should make of a case: fail too, load it (PyTorch does not check this), or not be asked (unsafe). */
type PythonVerdict = 'fails' | 'loads' | 'unsafe';

interface Case {
  name: string;
  code: string;
  python: PythonVerdict;
  options?: torch.LoadOptions;
  /** Bytes of the file, or records of an archive written by PyTorch's writer. */
  bytes?: Buffer;
  records?: [string, Buffer][];
}

function cases(): Case[] {
  const c: Case[] = [
    { name: 'empty', code: 'EMPTY_FILE', python: 'fails', bytes: Buffer.alloc(0) },
    { name: 'random bytes', code: 'BAD_MAGIC', python: 'fails', bytes: randomBytes(1000, 1) },
    {
      name: 'random bytes after a zip signature',
      code: 'ZIP_CORRUPT',
      python: 'fails',
      bytes: Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), randomBytes(996, 2)]),
    },
    {
      name: 'legacy: bad magic number',
      code: 'BAD_MAGIC',
      python: 'fails',
      bytes: (() => {
        const b = Buffer.from(LEGACY);
        b[5] ^= 1;
        return b;
      })(),
    },
    {
      name: 'legacy: bad protocol version',
      code: 'BAD_MAGIC',
      python: 'fails',
      bytes: (() => {
        const b = Buffer.from(LEGACY);
        b.writeUInt16LE(1002, 18);
        return b;
      })(),
    },
    {
      name: 'zip: bad CRC (checkCrc)',
      code: 'BAD_CRC',
      python: 'loads',
      options: { checkCrc: true },
      bytes: (() => {
        const b = Buffer.from(ZIP);
        b[320] ^= 0x40;
        return b;
      })(),
    },
    {
      name: 'zip: central directory offset past the end',
      code: 'ZIP_CORRUPT',
      python: 'fails',
      bytes: (() => {
        const b = Buffer.from(ZIP);
        const z64 = b.lastIndexOf(Buffer.from('PK\x06\x06', 'latin1'));
        b.writeBigUInt64LE(BigInt(b.length * 2), z64 + 48);
        return b;
      })(),
    },
    {
      name: 'zip: damaged local header',
      code: 'ZIP_CORRUPT',
      python: 'fails',
      bytes: (() => {
        const b = Buffer.from(ZIP);
        b.write('PX', 234, 'latin1');
        return b;
      })(),
    },
    {
      name: 'zip: two records of one name',
      code: 'ZIP_CORRUPT',
      python: 'unsafe',
      bytes: patch(readFileSync(join(CORE, 'linear_state_dict.pt')), 'data/1', 'data/0', 1),
    },
    {
      name: 'zip: a record outside the archive folder',
      code: 'ZIP_CORRUPT',
      python: 'unsafe',
      bytes: patch(ZIP, 'tensor_randn/data/0', 'tensor_randX/data/0', 1),
    },
    {
      name: 'zip: a deflated record claiming more than DEFLATE can expand to',
      code: 'ZIP_CORRUPT',
      python: 'unsafe',
      bytes: claimSize(readFileSync(join(__dirname, 'fixtures', 'read', 'zip_deflated_other_folder.pt')), 0x7fffffff),
    },
    {
      name: 'storage claims more than its record',
      code: 'STORAGE_SIZE',
      python: 'unsafe',
      records: [
        ['data.pkl', tensorPickle(100, 0, [100], [1])],
        ['data/0', FLOATS4],
      ],
    },
    {
      name: 'tensor past the end of its storage',
      code: 'TENSOR_EXTENT',
      python: 'unsafe',
      records: [
        ['data.pkl', tensorPickle(4, 0, [10], [1])],
        ['data/0', FLOATS4],
      ],
    },
    {
      name: 'offset past the storage',
      code: 'TENSOR_EXTENT',
      python: 'unsafe',
      records: [
        ['data.pkl', tensorPickle(4, 4, [1], [1])],
        ['data/0', FLOATS4],
      ],
    },
    {
      name: 'strides past the storage',
      code: 'TENSOR_EXTENT',
      python: 'unsafe',
      records: [
        ['data.pkl', tensorPickle(4, 0, [2, 2], [3, 1])],
        ['data/0', FLOATS4],
      ],
    },
    {
      name: 'negative stride',
      code: 'TENSOR_EXTENT',
      python: 'unsafe',
      records: [
        ['data.pkl', tensorPickle(4, 3, [2], [-1])],
        ['data/0', FLOATS4],
      ],
    },
    {
      name: 'missing storage record',
      code: 'RECORD_MISSING',
      python: 'fails',
      records: [['data.pkl', tensorPickle(4, 0, [4], [1])]],
    },
    { name: 'missing data.pkl', code: 'RECORD_MISSING', python: 'fails', records: [['data/0', FLOATS4]] },
    {
      name: 'unknown archive version',
      code: 'BAD_VERSION',
      python: 'fails',
      bytes: (() => {
        const b = Buffer.from(ZIP);
        b.write('99', 448, 'latin1'); // the `version` record's data
        return b;
      })(),
    },
    {
      name: 'unknown opcode',
      code: 'PICKLE_CORRUPT',
      python: 'fails',
      records: [['data.pkl', new PickleBytes().proto(2).raw(0xff).stop().bytes()]],
    },
    {
      name: 'memo reference to nothing',
      code: 'PICKLE_CORRUPT',
      python: 'fails',
      records: [['data.pkl', new PickleBytes().proto(2).raw(0x68, 7).stop().bytes()]],
    },
    {
      name: 'stack underflow',
      code: 'PICKLE_CORRUPT',
      python: 'fails',
      records: [['data.pkl', new PickleBytes().proto(2).reduce().stop().bytes()]],
    },
    {
      name: 'string longer than the file',
      code: 'TRUNCATED',
      python: 'fails',
      records: [
        [
          'data.pkl',
          new PickleBytes()
            .proto(2)
            .raw(0x58, Buffer.from([0, 0, 0, 0x7f]), 'abc')
            .stop()
            .bytes(),
        ],
      ],
    },
    {
      name: 'no STOP',
      code: 'TRUNCATED',
      python: 'fails',
      records: [['data.pkl', new PickleBytes().proto(2).none().bytes()]],
    },
    {
      name: 'pickle protocol 6',
      code: 'PICKLE_CORRUPT',
      python: 'fails',
      records: [['data.pkl', new PickleBytes().proto(6).none().stop().bytes()]],
    },
    {
      name: 'nesting deeper than maxDepth',
      code: 'LIMIT_EXCEEDED',
      python: 'loads',
      records: [
        ['data.pkl', new PickleBytes().proto(2).raw(Buffer.alloc(3000, 0x5d), Buffer.alloc(2999, 0x61)).stop().bytes()],
      ],
    },
    {
      name: 'an int of 5000 decimal digits',
      code: 'LIMIT_EXCEEDED',
      python: 'fails',
      records: [['data.pkl', new PickleBytes().raw('I', '7'.repeat(5000), '\n').stop().bytes()]],
    },
    {
      name: 'a storage id naming a class that is not a storage',
      code: 'BAD_VALUE',
      python: 'fails',
      records: [
        ['data.pkl', new PickleBytes().proto(2).storage('NotAStorage', '0', 'cpu', 4).stop().bytes()],
        ['data/0', FLOATS4],
      ],
    },
    {
      name: 'a text persistent id',
      code: 'BAD_VALUE',
      python: 'fails',
      records: [['data.pkl', new PickleBytes().proto(2).raw('P0\n').stop().bytes()]],
    },
    {
      name: 'a string where a storage belongs',
      code: 'BAD_VALUE',
      python: 'fails',
      records: [
        [
          'data.pkl',
          new PickleBytes()
            .proto(2)
            .global('torch._utils', '_rebuild_tensor_v2')
            .mark()
            .str('not a storage')
            .int(0)
            .ints([1])
            .ints([1])
            .bool(false)
            .none()
            .tuple()
            .reduce()
            .stop()
            .bytes(),
        ],
      ],
    },
    {
      name: 'requires_grad on an integer tensor',
      code: 'BAD_VALUE',
      python: 'fails',
      records: [
        [
          'data.pkl',
          new PickleBytes()
            .proto(2)
            .global('torch._utils', '_rebuild_tensor_v2')
            .mark()
            .storage('IntStorage', '0', 'cpu', 4)
            .int(0)
            .ints([4])
            .ints([1])
            .bool(true)
            .global('collections', 'OrderedDict')
            .emptyTuple()
            .reduce()
            .tuple()
            .reduce()
            .stop()
            .bytes(),
        ],
        ['data/0', FLOATS4],
      ],
    },
    {
      name: 'unknown byte order',
      code: 'BAD_VALUE',
      python: 'loads',
      records: [
        ['data.pkl', tensorPickle(4, 0, [4], [1])],
        ['byteorder', Buffer.from('middle')],
        ['data/0', FLOATS4],
      ],
    },
    {
      name: 'os.system under weightsOnly',
      code: 'UNSAFE',
      python: 'unsafe',
      options: { weightsOnly: true },
      records: [
        ['data.pkl', new PickleBytes().proto(2).global('os', 'system').str('true').raw(0x85).reduce().stop().bytes()],
      ],
    },
    {
      name: 'a storage tagged for a device that does not exist',
      code: 'BAD_LOCATION',
      python: 'fails',
      records: [
        ['data.pkl', new PickleBytes().proto(2).tensorV2({ numel: 4, location: 'cuda:3' }, 0, [4], [1]).stop().bytes()],
        ['data/0', FLOATS4],
      ],
    },
    {
      name: 'TorchScript constants without their storage',
      code: 'RECORD_MISSING',
      python: 'fails',
      records: [
        ['data.pkl', new PickleBytes().proto(2).none().stop().bytes()],
        ['constants.pkl', new PickleBytes().proto(2).tensorV2({ numel: 4 }, 0, [4], [1]).raw(0x85).stop().bytes()],
      ],
    },
  ];
  for (const fraction of [0.1, 0.5, 0.9]) {
    const n = Math.floor(ZIP.length * fraction);
    c.push({
      name: `zip cut at ${n} of ${ZIP.length} bytes`,
      code: 'ZIP_CORRUPT',
      python: 'fails',
      bytes: ZIP.subarray(0, n),
    });
  }
  c.push({
    name: 'zip cut 1 byte short',
    code: 'ZIP_CORRUPT',
    python: 'fails',
    bytes: ZIP.subarray(0, ZIP.length - 1),
  });
  // Legacy cuts: in the header pickles, in the object pickle, in the storage keys, in the payload.
  const legacyCuts: [number, string][] = [
    [8, 'BAD_MAGIC'],
    [200, 'TRUNCATED'],
    [LEGACY.length - 30, 'TRUNCATED'],
    [LEGACY.length - 1, 'TRUNCATED'],
  ];
  for (const [n, code] of legacyCuts) {
    c.push({
      name: `legacy cut at ${n} of ${LEGACY.length} bytes`,
      code,
      python: 'fails',
      bytes: LEGACY.subarray(0, n),
    });
  }
  return c;
}

describe('broken files: each gives a TorchLoadError with its code', function () {
  this.timeout(120000);
  const corpus = cases();
  let dir: string;
  let python: Record<string, PythonResult>;
  const pathOf = (c: Case): string => join(dir, c.name.replace(/[^a-z0-9]+/gi, '_') + '.pt');

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'tn-broken-'));
    const archives: ArchiveSpec[] = [];
    for (const c of corpus) {
      if (c.bytes) writeFileSync(pathOf(c), c.bytes);
      else archives.push({ path: pathOf(c), records: c.records ?? [] });
    }
    writeArchives(archives);
    const asked = corpus.filter((c) => c.python !== 'unsafe');
    python = describeInPython(asked.map(pathOf), ['--map-location', 'cpu']);
    // The cases that need a non-cpu location or no mapping are asked without one.
    const located = corpus.filter((c) => c.name.includes('device')).map(pathOf);
    Object.assign(python, describeInPython(located));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of cases()) {
    it(`${c.name}: ${c.code}`, function () {
      const file = pathOf(c);
      assert.throws(
        () => torch.load(file, { mapLocation: c.name.includes('device') ? undefined : 'cpu', ...c.options }),
        (e: unknown) => {
          assert.ok(e instanceof torch.TorchLoadError, `not a TorchLoadError: ${String(e)}`);
          assert.equal(e.code, c.code, e.message);
          assert.equal(e.file, file);
          assert.ok(e.message.includes(file), 'the message names the file');
          return true;
        },
      );
      if (c.python !== 'unsafe') {
        const verdict = python[file];
        assert.ok(verdict, `Python was asked about ${file}`);
        const got = 'error' in verdict ? 'fails' : 'loads';
        if (got !== c.python) assert.fail(`Python ${got}: ${JSON.stringify(verdict).slice(0, 500)}`);
      }
    });
  }

  it('the nesting limit is an option: the same file loads with a larger maxDepth, as in Python', function () {
    const c = corpus.find((x) => x.code === 'LIMIT_EXCEEDED' && x.name.startsWith('nesting')) as Case;
    let v: unknown = torch.load(pathOf(c), { maxDepth: 5000 });
    let depth = 0;
    while (Array.isArray(v) && v.length === 1) {
      v = v[0];
      depth++;
    }
    assert.equal(depth, 2999);
  });
});

describe('random damage: loads or gives a TorchLoadError, nothing else', function () {
  this.timeout(120000);
  const sources: [string, Buffer][] = [
    ['zip', ZIP],
    ['legacy', LEGACY],
    ['state dict', readFileSync(join(CORE, 'linear_state_dict.pt'))],
    ['legacy protocol 1', readFileSync(join(CORE, 'legacy_protocol1.pt'))],
  ];
  for (const [name, original] of sources) {
    it(`${name}: 300 files with flipped bytes, 100 cut short`, function () {
      const r = rng(name.length * 7919);
      const outcomes = { loaded: 0, refused: 0 };
      const attempt = (bytes: Buffer): void => {
        try {
          torch.load(bytes, { mapLocation: 'cpu' });
          outcomes.loaded++;
        } catch (e) {
          if (!(e instanceof torch.TorchLoadError)) throw e;
          outcomes.refused++;
        }
      };
      for (let i = 0; i < 300; i++) {
        const b = Buffer.from(original);
        const flips = 1 + Math.floor(r() * 4);
        for (let k = 0; k < flips; k++) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
        attempt(b);
      }
      for (let i = 0; i < 100; i++) attempt(original.subarray(0, Math.floor(r() * original.length)));
      assert.ok(outcomes.refused > 0, JSON.stringify(outcomes));
    });
  }
});
