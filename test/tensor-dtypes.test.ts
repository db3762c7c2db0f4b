// Every dtype: bytes in and out (toBuffer equals numpy's tobytes), element values read as Python reads them
// (tolist, item; bigint past 2^53), data()'s typed arrays, and conversion from JS numbers.
import { strict as assert } from 'assert';
import * as torch from '../lib';
import { Case, oracleCases } from './helpers/oracle';

// The dtypes of design.md that hold plain numbers, with the typed array data() gives.
const DTYPES: [torch.DType, string][] = [
  ['float32', 'Float32Array'],
  ['float64', 'Float64Array'],
  ['float16', 'Uint16Array'],
  ['bfloat16', 'Uint16Array'],
  ['int8', 'Int8Array'],
  ['uint8', 'Uint8Array'],
  ['int16', 'Int16Array'],
  ['int32', 'Int32Array'],
  ['int64', 'BigInt64Array'],
  ['bool', 'Uint8Array'],
  ['complex64', 'Float32Array'],
  ['complex128', 'Float64Array'],
];

/** Deterministic bytes (a linear congruential sequence), 0/1 for bool. */
function bytesFor(dtype: torch.DType, n: number, seed: number): Buffer {
  const size = torch.elementSize(dtype) * n;
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out[i] = dtype === 'bool' ? (x >> 16) & 1 : (x >> 16) & 0xff;
  }
  return out;
}

// Copied out of Node's Buffer pool (8-byte aligned) into memory of its own, aligned for every element type
// (complex128 needs 16 bytes).
const fromHex = (hex: string, dtype: torch.DType, shape: number[]): torch.Tensor =>
  torch.fromBuffer(new Uint8Array(Buffer.from(hex, 'hex')), { dtype, shape }).clone();
const pyFromHex = (hex: string, dtype: torch.DType, shape: number[]): string =>
  `torch.frombuffer(bytearray.fromhex('${hex}'), dtype=torch.${dtype}).reshape(${shape.join(', ')})`;

const cases: Case[] = [];
for (const [dtype] of DTYPES) {
  const hex = bytesFor(dtype, 12, dtype.length).toString('hex');
  cases.push(
    [`${dtype}: bytes in, bytes out`, pyFromHex(hex, dtype, [3, 4]), () => fromHex(hex, dtype, [3, 4])],
    [
      `${dtype}: bytes of a transposed view`,
      `${pyFromHex(hex, dtype, [3, 4])}.t()`,
      () => fromHex(hex, dtype, [3, 4]).t(),
    ],
    [`${dtype}: tolist`, `${pyFromHex(hex, dtype, [3, 4])}.tolist()`, () => fromHex(hex, dtype, [3, 4]).tolist()],
    [`${dtype}: item`, `${pyFromHex(hex, dtype, [12])}[5].item()`, () => fromHex(hex, dtype, [12]).index(5).item()],
    [
      `${dtype}: from numbers`,
      `torch.tensor([0, 1, -1, 2.5, 100, 127], dtype=torch.${dtype})`,
      () => torch.tensor([0, 1, -1, 2.5, 100, 127], { dtype }),
    ],
    [`${dtype}: 0-d tolist`, `torch.ones((), dtype=torch.${dtype}).tolist()`, () => torch.ones([], { dtype }).tolist()],
  );
}
cases.push(
  ['int64 item past 2^53 is a bigint', 'torch.tensor(2**53 + 1).item()', () => torch.tensor(2n ** 53n + 1n).item()],
  [
    'int64 tolist mixes numbers and bigints',
    'torch.tensor([2**60, 5, -2**63]).tolist()',
    () => torch.tensor([2n ** 60n, 5, -(2n ** 63n)]).tolist(),
  ],
  ['float32 item is the exact float value', 'torch.tensor(0.1).item()', () => torch.tensor(0.1).item()],
  ['item of two elements raises', 'torch.ones(2).item()', () => torch.ones([2]).item()],
  [
    'half to float conversion',
    'torch.tensor([0.1, 3.14159], dtype=torch.float16).float()',
    () => torch.tensor([0.1, 3.14159], { dtype: 'float16' }).float(),
  ],
);

describe('dtypes against PyTorch', () => {
  oracleCases('', cases);

  for (const [dtype, arrayName] of DTYPES) {
    it(`${dtype}: data() is a ${arrayName} over the same bytes as toBuffer()`, () => {
      const t = fromHex(bytesFor(dtype, 6, 7).toString('hex'), dtype, [2, 3]).t();
      const data = t.data();
      assert.equal(data.constructor.name, arrayName);
      assert.deepEqual(Buffer.from(data.buffer, data.byteOffset, data.byteLength), t.toBuffer());
      assert.equal(t.toBuffer().length, 6 * torch.elementSize(dtype));
    });
  }

  it('float16 and bfloat16 set and read as raw 16-bit patterns', () => {
    const bits = new Uint16Array([0x0000, 0x8000, 0x3c00, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x0001, 0x03ff]);
    for (const dtype of ['float16', 'bfloat16'] as const) {
      const t = torch.tensor(bits, { dtype });
      assert.equal(t.dtype, dtype);
      assert.deepEqual(Array.from(t.data() as Uint16Array), Array.from(bits));
    }
    assert.deepEqual((torch.tensor(bits, { dtype: 'float16' }).float().tolist() as number[]).slice(0, 5), [
      0,
      -0,
      1,
      65504,
      Infinity,
    ]);
  });

  it('dtype names: PyTorch names, torch.-prefixed names and aliases', () => {
    const names: [string, torch.DType][] = [
      ['float', 'float32'],
      ['torch.float32', 'float32'],
      ['double', 'float64'],
      ['half', 'float16'],
      ['long', 'int64'],
      ['int', 'int32'],
      ['short', 'int16'],
      ['cfloat', 'complex64'],
      ['cdouble', 'complex128'],
      ['torch.bfloat16', 'bfloat16'],
    ];
    for (const [name, dtype] of names) assert.equal(torch.toDtype(name), dtype);
    assert.throws(() => torch.toDtype('float8'), torch.TorchTypeError);
  });
});
