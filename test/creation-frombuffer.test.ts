// torch.fromBuffer: a zero-copy view of JS memory. Writes are shared both ways, shape/strides/offset select the same
// elements as Python's frombuffer + as_strided, and the tensor keeps the memory alive after JS drops it.
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { runNode } from './helpers/child';
import { Case, oracleCases } from './helpers/oracle';

const floats = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);
const pyFloats = (n: number): string =>
  `torch.frombuffer(bytearray((torch.arange(${n}, dtype=torch.float32) * 0.5 - 3).numpy().tobytes()), dtype=torch.float32)`;

const cases: Case[] = [
  ['whole buffer', pyFloats(12), () => torch.fromBuffer(floats(12), { dtype: 'float32' })],
  ['shape', `${pyFloats(12)}.view(3, 4)`, () => torch.fromBuffer(floats(12), { dtype: 'float32', shape: [3, 4] })],
  [
    'shape, strides and offset',
    `torch.as_strided(${pyFloats(12)}, (2, 3), (1, 4), 1)`,
    () => torch.fromBuffer(floats(12), { dtype: 'float32', shape: [2, 3], strides: [1, 4], offset: 1 }),
  ],
  [
    'offset alone takes the rest',
    `${pyFloats(12)}[5:]`,
    () => torch.fromBuffer(floats(12), { dtype: 'float32', offset: 5 }),
  ],
  [
    'another dtype over the same bytes',
    `${pyFloats(4)}.view(torch.int16)`,
    () => torch.fromBuffer(floats(4), { dtype: 'int16' }),
  ],
  [
    'a zero stride broadcasts one element',
    `torch.as_strided(${pyFloats(4)}, (3, 2), (0, 1), 2)`,
    () => torch.fromBuffer(floats(4), { dtype: 'float32', shape: [3, 2], strides: [0, 1], offset: 2 }),
  ],
];

describe('torch.fromBuffer', () => {
  oracleCases('', cases);

  it('has the layout asked for', () => {
    const t = torch.fromBuffer(floats(12), { dtype: 'float32', shape: [2, 3], strides: [1, 4], offset: 1 });
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(t.stride(), [1, 4]);
    assert.equal(t.storageOffset(), 1);
    assert.equal(t.isContiguous(), false);
  });

  it('a write through JS is seen by the tensor, and a write through the tensor by JS', () => {
    const a = floats(12);
    const t = torch.fromBuffer(a, { dtype: 'float32', shape: [3, 4] });
    a[5] = 100;
    assert.equal(t.index(1, 1).item(), 100);
    t.index(2).fill_(7);
    assert.deepEqual(Array.from(a.subarray(8)), [7, 7, 7, 7]);
    t.add_(1);
    assert.equal(a[0], -2);
    // A strided view writes only its own elements.
    const v = torch.fromBuffer(a, { dtype: 'float32', shape: [2], strides: [5], offset: 1 });
    v.zero_();
    assert.equal(a[1], 0);
    assert.equal(a[6], 0);
    assert.equal(a[2], -1);
  });

  it('works over a Buffer, an ArrayBuffer and a typed array at an offset', () => {
    const ab = new ArrayBuffer(16);
    const t = torch.fromBuffer(ab, { dtype: 'int32' });
    new Int32Array(ab)[3] = 9;
    assert.deepEqual(t.tolist(), [0, 0, 0, 9]);
    const sub = new Int32Array(ab, 8, 2);
    const u = torch.fromBuffer(sub, { dtype: 'int32' });
    u.fill_(5);
    assert.deepEqual(Array.from(new Int32Array(ab)), [0, 0, 5, 5]);
    const b = Buffer.alloc(8);
    torch.fromBuffer(b, { dtype: 'uint8' }).index(3).fill_(255);
    assert.equal(b[3], 255);
  });

  it('rejects views past the end, bad layouts and misaligned memory with clear errors', () => {
    const a = floats(4);
    assert.throws(
      () => torch.fromBuffer(a, { dtype: 'float32', shape: [5] }),
      /needs 5 elements but the buffer holds 4/,
    );
    assert.throws(() => torch.fromBuffer(a, { dtype: 'float32', shape: [2], offset: 3 }), /needs 5 elements/);
    assert.throws(() => torch.fromBuffer(a, { dtype: 'float32', shape: [2], strides: [1, 1] }), /same length/);
    assert.throws(() => torch.fromBuffer(a, { dtype: 'float32', shape: [2], strides: [-1] }), /invalid stride -1/);
    assert.throws(() => torch.fromBuffer(a, { dtype: 'float32', offset: -1 }), /invalid offset -1/);
    assert.throws(
      () => torch.fromBuffer(new Uint8Array(a.buffer, 1, 8), { dtype: 'float32' }),
      /not a multiple of the 4-byte/,
    );
    assert.throws(() => torch.fromBuffer(a, { dtype: 'float99' }), torch.TorchTypeError);
  });

  it('keeps the JS memory alive after the JS reference is dropped, and lets it go when the tensor goes', function () {
    this.timeout(60000);
    // A child process with --expose-gc: a FinalizationRegistry reports when the ArrayBuffer is collected.
    const r = runNode(
      `
      let collected = false;
      const registry = new FinalizationRegistry(() => { collected = true; });
      let t;
      (() => {
        const a = new Float32Array(1 << 20).fill(1.5);
        registry.register(a.buffer, 'buffer');
        t = torch.fromBuffer(a, { dtype: 'float32' });
      })();
      const settle = async () => { for (let i = 0; i < 10; i++) { global.gc(); await new Promise((r) => setImmediate(r)); } };
      (async () => {
        await settle();
        // Other allocations must not reuse the memory the tensor still points at.
        const junk = Array.from({ length: 50 }, () => new Float32Array(1 << 18).fill(9));
        const whileAlive = collected;
        const sum = t.sum().item();
        t.dispose();
        t = null;
        await settle();
        console.log(JSON.stringify({ whileAlive, sum, afterDispose: collected, junk: junk.length }));
      })();
      `,
      { flags: ['--expose-gc'] },
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    assert.deepEqual(out, { whileAlive: false, sum: 1.5 * (1 << 20), afterDispose: true, junk: 50 });
  });
});
