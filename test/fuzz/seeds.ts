/**
 * The fuzzer's seeds: every fixture file under test/fixtures (files written by real PyTorch, in every format and
 * protocol the reader knows), each with its structure worked out once (zip layout and records, legacy pickles and
 * payloads, the places to cut), and synthetic hostile files that no fixture contains: nesting 10^6 deep, lengths
 * of gigabytes over a few bytes, os.system, storages larger than their record, extents past the storage.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { LoadOptions } from '../../lib';
import { legacyLayout } from '../../lib/serialization/legacy-read';
import { ZipArchive } from '../../lib/serialization/zip-read';
import { PickleBytes } from '../helpers/craft';
import { globalOp, lyingLengthOp, Op, pickleOps, strOp } from './pickle-ops';
import { buildZip, NamedRecord, ZipLayout, zipLayout } from './zip-layout';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

/** What loading an unmutated seed must give: a value, or a TorchLoadError with this code. */
export type Expectation = 'loads' | string;

/** A file to mutate, with what the mutators need to know about its structure. */
export interface Seed {
  name: string;
  bytes: Buffer;
  expect: Expectation;
  /** Load options the seed needs (a weightsOnly seed is about the allow-list). */
  options: LoadOptions;
  /** True for a fixture (its truncations at every boundary are systematic cases). */
  fixture: boolean;
  /** Zip seeds: the layout, and the records to rebuild the archive from after one of them changed. */
  zip: ZipLayout | null;
  records: NamedRecord[];
  /** Indexes in `records` of the pickles (data.pkl, constants.pkl). */
  pickleRecords: number[];
  /** Legacy seeds: each pickle's [start, end), in file order (magic, protocol, sys_info, object, keys). */
  pickleSpans: [number, number][];
  /** Legacy seeds: where each storage payload's int64 element count is. */
  payloadCounts: number[];
  /** Offsets where a structure starts or ends (cut there). */
  boundaries: number[];
  /** Too big to split into instructions on every case (the 10^6-deep pickles): byte-level mutations only. */
  huge: boolean;
}

function fixtureFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? fixtureFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .filter((f) => !f.endsWith('.json'))
    .sort();
}

const isZip = (b: Buffer): boolean => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;

/** Splits a seed into its parts: zip layout and records, or legacy pickles and payloads. */
function seedOf(name: string, bytes: Buffer, expect: Expectation, options: LoadOptions, fixture: boolean): Seed {
  const seed: Seed = {
    name,
    bytes,
    expect,
    options,
    fixture,
    zip: null,
    records: [],
    pickleRecords: [],
    pickleSpans: [],
    payloadCounts: [],
    boundaries: [0, bytes.length],
    huge: bytes.length > 1 << 20 && !fixture,
  };
  if (isZip(bytes) && bytes.length > 22) {
    seed.zip = zipLayout(bytes);
    const archive = ZipArchive.open(bytes, name);
    seed.records = archive.records.map((r) => ({ name: r.fullName, data: Buffer.from(archive.readRecord(r)) }));
    seed.pickleRecords = seed.records.flatMap((r, i) => (r.name.endsWith('.pkl') ? [i] : []));
    seed.boundaries = seed.zip.boundaries;
    return seed;
  }
  let p = 0;
  for (let k = 0; k < 5 && !seed.huge; k++) {
    const ops: Op[] | null = pickleOps(bytes, p);
    if (!ops) break;
    const end = ops[ops.length - 1].end;
    seed.pickleSpans.push([p, end]);
    p = end;
  }
  if (seed.pickleSpans.length === 5 && expect === 'loads') {
    const layout = legacyLayout(bytes, { weightsOnly: false, safeGlobals: new Set(), maxDepth: 2000 }, name);
    for (const { start, length } of layout.payloads.values()) {
      seed.payloadCounts.push(start - 8);
      seed.boundaries.push(start - 8, start, start + length);
    }
  }
  seed.boundaries.push(...seed.pickleSpans.flat());
  seed.boundaries = [...new Set(seed.boundaries)].sort((a, b) => a - b);
  return seed;
}

/** A zip checkpoint whose data.pkl is `pickle` (with the given storage records), laid out as PyTorch does. */
function zipOf(pickle: Buffer, storages: [string, Buffer][] = []): Buffer {
  return buildZip([
    { name: 'archive/data.pkl', data: pickle },
    ...storages.map(([k, data]) => ({ name: `archive/data/${k}`, data })),
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);
}

const PROTO2 = Buffer.from([0x80, 0x02]);
const STOP = Buffer.from('.');
const pickleOf = (...parts: Buffer[]): Buffer => Buffer.concat([PROTO2, ...parts, STOP]);
const repeat = (s: string | Buffer, n: number): Buffer => {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  return Buffer.alloc(b.length * n, b);
};

/** Ways to nest containers n deep, each a pickle body (between PROTO and STOP). */
function deepBodies(n: number): [string, Buffer][] {
  const K0 = Buffer.from([0x4b, 0]);
  return [
    ['lists by MARK/LIST', Buffer.concat([repeat('(', n), repeat('l', n)])],
    ['lists by APPEND', Buffer.concat([repeat(']', n), repeat('a', n - 1)])],
    ['tuples by MARK/TUPLE', Buffer.concat([repeat('(', n), repeat('t', n)])],
    [
      'dicts by SETITEM',
      Buffer.concat([Buffer.from('}'), repeat(Buffer.concat([K0, Buffer.from('}')]), n - 1), repeat('s', n - 1)]),
    ],
    ['TUPLE1 chains', Buffer.concat([Buffer.from(')'), repeat(Buffer.from([0x85]), n)])],
    [
      'calls by REDUCE',
      Buffer.concat([
        repeat(Buffer.concat([globalOp('builtins', 'list'), Buffer.from('(')]), n),
        Buffer.from(']'),
        repeat('tR', n),
      ]),
    ],
    ['unclosed MARKs', repeat('(', n)],
  ];
}

/** A tensor pickle over storage '0' with the given storage size (elements) and extent. */
function tensorPickle(numel: number, offset: number, size: number[], stride: number[]): Buffer {
  return new PickleBytes().proto(2).tensorV2({ numel }, offset, size, stride).stop().bytes();
}

const FLOATS4 = Buffer.from(new Float32Array([1, 2, 3, 4]).buffer);

/** The hostile files the fixtures do not contain, with the code each must give. `canary` must never be created. */
function syntheticSeeds(canary: string): Seed[] {
  const out: Seed[] = [];
  const add = (name: string, bytes: Buffer, expect: Expectation, options: LoadOptions = {}): void =>
    void out.push(seedOf(name, bytes, expect, { mapLocation: 'cpu', ...options }, false));

  for (const [how, body] of deepBodies(1_000_000)) {
    add(`nested 10^6 deep: ${how}`, zipOf(pickleOf(body)), 'LIMIT_EXCEEDED');
  }
  for (const [how, body] of deepBodies(5000)) {
    add(`nested 5000 deep: ${how}`, zipOf(pickleOf(body)), 'LIMIT_EXCEEDED');
  }
  // A legacy file whose object pickle nests 10^6 deep (the header pickles taken from a real legacy file).
  const legacy = fs.readFileSync(path.join(FIXTURES, 'core', 'legacy_small.pt'));
  const header = legacy.subarray(0, spanEnd(legacy, 3));
  add(
    'legacy nested 10^6 deep',
    Buffer.concat([header, pickleOf(deepBodies(1_000_000)[0][1]), pickleOf(Buffer.from(']'))]),
    'LIMIT_EXCEEDED',
  );

  const huge: [string, number, bigint][] = [
    ['BINUNICODE', 0x58, 0xffffffffn],
    ['BINBYTES', 0x42, 0xffffffffn],
    ['BINSTRING', 0x54, 0x7fffffffn],
    ['LONG4', 0x8b, 0x7fffffffn],
    ['BINUNICODE8', 0x8d, 2n ** 62n],
    ['BINBYTES8', 0x8e, 2n ** 64n - 1n],
    ['BYTEARRAY8', 0x96, 2n ** 63n],
    ['SHORT_BINUNICODE', 0x8c, 255n],
  ];
  for (const [op, code, claim] of huge) {
    const body = Buffer.concat([Buffer.from([0x80, 0x05]), lyingLengthOp(code, claim, Buffer.from('abc')), STOP]);
    add(`${op} claiming ${claim} bytes`, zipOf(body), 'TRUNCATED');
  }
  const frame = Buffer.concat([
    Buffer.from([0x80, 0x04, 0x95]),
    Buffer.from('ffffffffffffff7f', 'hex'),
    Buffer.from('N.'),
  ]);
  add('FRAME claiming 2^63 bytes', zipOf(frame), 'TRUNCATED');

  // os.system and friends: refused under weightsOnly; otherwise an inert object, and never called.
  for (const [m, f] of [
    ['os', 'system'],
    ['posix', 'system'],
    ['subprocess', 'check_call'],
    ['builtins', 'exec'],
  ]) {
    const arg = m === 'builtins' ? `open(${JSON.stringify(canary)}, 'w')` : `touch ${canary}`;
    const body = Buffer.concat([globalOp(m, f), strOp(arg), Buffer.from([0x85]), Buffer.from('R')]);
    add(`${m}.${f} under weightsOnly`, zipOf(pickleOf(body)), 'UNSAFE', { weightsOnly: true });
    add(`${m}.${f} loaded inert`, zipOf(pickleOf(body)), 'loads');
  }

  add(
    'storage of 10^9 floats over a 16-byte record',
    zipOf(tensorPickle(1e9, 0, [1e9], [1]), [['0', FLOATS4]]),
    'STORAGE_SIZE',
  );
  add('stride past the storage', zipOf(tensorPickle(4, 0, [4], [2]), [['0', FLOATS4]]), 'TENSOR_EXTENT');
  add('offset past the storage', zipOf(tensorPickle(4, 3, [2], [1]), [['0', FLOATS4]]), 'TENSOR_EXTENT');
  add('negative size', zipOf(tensorPickle(4, 0, [-1], [1]), [['0', FLOATS4]]), 'TENSOR_EXTENT');
  const big = 2 ** 31 - 1;
  add(
    '2^62 elements over strides 0 (an expanded view)',
    zipOf(tensorPickle(4, 0, [big, big], [0, 0]), [['0', FLOATS4]]),
    'loads',
  );
  // A persistent id naming a tuple nested 10^5 deep: hooks see it before the depth check, and its message must not
  // render it (String() of it overflowed the stack).
  const deepTuple = Buffer.concat([Buffer.from(')'), repeat(Buffer.from([0x85]), 100_000)]);
  add(
    'persistent id of a tuple 10^5 deep',
    zipOf(pickleOf(deepTuple, Buffer.from([0x85]), Buffer.from('Q'))),
    'BAD_VALUE',
  );
  add('memo reference to nothing', zipOf(pickleOf(Buffer.from([0x6a, 0xff, 0xff, 0xff, 0xff]))), 'PICKLE_CORRUPT');
  add('empty file', Buffer.alloc(0), 'EMPTY_FILE');
  add('a local header and nothing else', Buffer.from('PK\x03\x04', 'latin1'), 'ZIP_CORRUPT');
  return out;
}

/** Where the n-th pickle (from 0) of a legacy file ends. */
function spanEnd(buf: Buffer, n: number): number {
  let p = 0;
  for (let k = 0; k < n; k++) {
    const ops = pickleOps(buf, p);
    if (!ops) throw new Error('not a legacy file');
    p = ops[ops.length - 1].end;
  }
  return p;
}

/** Every fixture as a seed (each must load, with its storages on the CPU), then the synthetic hostile seeds. */
export function loadSeeds(canary: string): Seed[] {
  const fixtures = fixtureFiles(FIXTURES).map((f) =>
    seedOf(path.relative(FIXTURES, f), fs.readFileSync(f), 'loads', { mapLocation: 'cpu' }, true),
  );
  return [...fixtures, ...syntheticSeeds(canary)];
}
