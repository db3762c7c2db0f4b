/**
 * Many comparisons with PyTorch in one Python process: a test file lists cases (a name, a Python expression, the same
 * computation in JS), Python evaluates every expression once in `before`, and each `it` compares one result with ours.
 * Tensors are compared by dtype, shape and bytes (exactly) or by value (allclose); errors by Python's `str(e)`.
 */
import { strict as assert } from 'assert';
import * as torch from '../../lib';
import { runPython } from './python';

/** A Python value as the oracle encodes it (tensors as dtype, shape and little-endian bytes). */
export type PyOut =
  | null
  | { bool: boolean }
  | { int: string }
  | { float: string }
  | { complex: [string, string] }
  | { str: string }
  | { list: PyOut[] }
  | { tensor: { dtype: string; shape: number[]; hex: string; requiresGrad: boolean; gradFn: string | null } }
  | { error: string; type: string };

// Encodes results as JSON; floats keep their exact value (float.hex) and repr, ints their digits.
const ENCODER = `
def _enc(v):
    if v is None: return None
    if isinstance(v, bool): return {'bool': v}
    if isinstance(v, int): return {'int': str(v)}
    if isinstance(v, float): return {'float': v.hex()}
    if isinstance(v, complex): return {'complex': [v.real.hex(), v.imag.hex()]}
    if isinstance(v, str): return {'str': v}
    if isinstance(v, (list, tuple)): return {'list': [_enc(x) for x in v]}
    if isinstance(v, torch.Tensor):
        c = v.detach().cpu().contiguous().reshape(-1)
        return {'tensor': {'dtype': str(v.dtype)[6:], 'shape': list(v.shape),
                           'hex': c.view(torch.uint8).numpy().tobytes().hex(),
                           'requiresGrad': v.requires_grad,
                           'gradFn': type(v.grad_fn).__name__ if v.grad_fn is not None else None}}
    if hasattr(v, 'values') and hasattr(v, 'indices'): return {'list': [_enc(v.values), _enc(v.indices)]}
    raise TypeError('cannot encode %r' % type(v))
def _run(cases):
    out = {}
    for name, code in cases:
        try:
            out[name] = _enc(eval(code, globals()))
        except Exception as e:
            out[name] = {'error': str(e), 'type': type(e).__name__}
    return out
`;

/**
 * Evaluates each Python expression (after `prelude`, which may define helpers) in one process and returns the encoded
 * results by name.
 */
export function pyEval(prelude: string, cases: [string, string][]): Record<string, PyOut> {
  const code = `${ENCODER}\n${prelude}\ncases = json.loads(sys.stdin.read())\nprint(json.dumps(_run(cases)))`;
  return JSON.parse(
    runPython(code, { input: JSON.stringify(cases) })
      .trim()
      .split('\n')
      .pop() as string,
  );
}

/** How a result is compared: bit for bit, or as allclose with these tolerances. */
export interface Compare {
  rtol?: number;
  atol?: number;
}

function float64Values(t: torch.Tensor): Float64Array {
  return new Float64Array(t.to({ dtype: 'float64' }).detach().data() as Float64Array);
}

function tensorFromPy(p: { dtype: string; shape: number[]; hex: string }): torch.Tensor {
  const bytes = Buffer.from(p.hex, 'hex');
  // Copied so that the element type's alignment holds.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return torch.fromBuffer(copy, { dtype: p.dtype, shape: p.shape }).clone();
}

/** Asserts that our value equals Python's encoded one (recursively for lists and tuples). */
export function assertSame(ours: unknown, theirs: PyOut, cmp: Compare = {}, where = 'result'): void {
  assert.ok(theirs !== undefined, `${where}: Python gave no result`);
  if (theirs !== null && 'error' in theirs) {
    assert.fail(`${where}: Python raised ${theirs.type}: ${theirs.error}; ours gave ${String(ours)}`);
  }
  if (theirs === null) return assert.equal(ours, null, where);
  if ('bool' in theirs) return assert.equal(ours, theirs.bool, where);
  if ('int' in theirs) return assert.equal(String(ours), theirs.int, where);
  if ('str' in theirs) return assert.equal(ours, theirs.str, where);
  if ('float' in theirs) {
    assert.equal(typeof ours, 'number', `${where}: expected a number, got ${String(ours)}`);
    const expected = parseHexFloat(theirs.float);
    if (cmp.rtol === undefined && cmp.atol === undefined)
      return assert.ok(Object.is(ours, expected), `${where}: ${ours} ≠ ${expected}`);
    return assert.ok(
      Math.abs((ours as number) - expected) <= (cmp.atol ?? 0) + (cmp.rtol ?? 0) * Math.abs(expected),
      `${where}: ${ours} ≉ ${expected}`,
    );
  }
  if ('complex' in theirs) {
    assert.ok(ours instanceof torch.Complex, `${where}: expected a Complex, got ${String(ours)}`);
    assertSame(ours.re, { float: theirs.complex[0] }, cmp, `${where}.re`);
    return assertSame(ours.im, { float: theirs.complex[1] }, cmp, `${where}.im`);
  }
  if ('list' in theirs) {
    const arr = Array.isArray(ours)
      ? ours
      : ours && typeof ours === 'object' && 'values' in ours && 'indices' in ours
        ? [(ours as { values: unknown }).values, (ours as { indices: unknown }).indices]
        : assert.fail(`${where}: expected a list, got ${String(ours)}`);
    assert.equal(arr.length, theirs.list.length, `${where}: length`);
    theirs.list.forEach((p, i) => assertSame(arr[i], p, cmp, `${where}[${i}]`));
    return;
  }
  const p = theirs.tensor;
  assert.ok(ours instanceof torch.Tensor, `${where}: expected a Tensor, got ${String(ours)}`);
  assert.equal(ours.dtype, p.dtype, `${where}: dtype`);
  assert.deepEqual(ours.shape, p.shape, `${where}: shape`);
  assert.equal(ours.requiresGrad, p.requiresGrad, `${where}: requiresGrad`);
  assert.equal(ours.gradFn, p.gradFn, `${where}: gradFn`);
  if (cmp.rtol === undefined && cmp.atol === undefined) {
    assert.equal(
      ours.toBuffer().toString('hex'),
      p.hex,
      `${where}: bytes differ\nours:   ${ours}\npython: ${tensorFromPy(p)}`,
    );
    return;
  }
  const a = float64Values(ours);
  const b = float64Values(tensorFromPy(p));
  for (let i = 0; i < a.length; i++) {
    const ok =
      Math.abs(a[i] - b[i]) <= (cmp.atol ?? 1e-8) + (cmp.rtol ?? 1e-5) * Math.abs(b[i]) ||
      (Number.isNaN(a[i]) && Number.isNaN(b[i]));
    assert.ok(ok, `${where}: element ${i}: ${a[i]} vs Python's ${b[i]}`);
  }
}

/** Python's float.hex() text → the number. */
export function parseHexFloat(s: string): number {
  if (s === 'nan') return NaN;
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  const m = s.match(/^(-?)0x([01])\.([0-9a-f]*)p([+-]\d+)$/);
  if (!m) throw new Error(`bad float.hex ${s}`);
  const mant = parseInt(m[2] + m[3], 16) / 16 ** m[3].length;
  return (m[1] ? -1 : 1) * mant * 2 ** Number(m[4]);
}

/** Asserts that `fn` throws a TorchError whose message equals Python's for the same call. */
export function assertSameError(fn: () => unknown, theirs: PyOut, where = 'call'): void {
  assert.ok(theirs !== null && 'error' in theirs, `${where}: Python did not raise (${JSON.stringify(theirs)})`);
  const { error: expected, type } = theirs as { error: string; type: string };
  assert.throws(
    fn,
    (e: Error) => {
      assert.ok(e instanceof torch.TorchError, `${where}: not a TorchError: ${e}`);
      assert.equal(e.message, expected, where);
      assert.equal((e as torch.TorchError).pyType, type, `${where}: Python exception class`);
      return true;
    },
    `${where}: PyTorch raised ${type}: ${expected}; ours did not throw`,
  );
}

/** One case: its name, Python's expression, our computation, and how to compare. */
export type Case = [name: string, py: string, js: () => unknown, cmp?: Compare];

/**
 * Declares one mocha test per case, all answered by one Python process; groups of cases become nested describes.
 * `prelude` defines Python helpers the expressions use (such as the seeded inputs the JS side builds the same way).
 */
export function oracleCases(prelude: string, cases: Case[] | Record<string, Case[]>): void {
  const groups = Array.isArray(cases) ? { '': cases } : cases;
  const all = Object.entries(groups).flatMap(([group, list]) => list.map((c) => [`${group}/${c[0]}`, c] as const));
  let results: Record<string, PyOut> = {};
  before(function () {
    this.timeout(120000);
    results = pyEval(
      prelude,
      all.map(([key, c]) => [key, c[1]]),
    );
  });
  const declare = (group: string, list: Case[]): void => {
    for (const [name, , js, cmp] of list) {
      it(name, () => {
        const theirs = results[`${group}/${name}`];
        // Where PyTorch raises, ours must raise the same message.
        if (theirs !== null && theirs !== undefined && 'error' in theirs) assertSameError(js, theirs, name);
        else assertSame(js(), theirs, cmp, name);
      });
    }
  };
  for (const [group, list] of Object.entries(groups)) {
    if (group === '') declare(group, list);
    else describe(group, () => declare(group, list));
  }
}
