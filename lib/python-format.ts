/**
 * Python's float formatting, exactly: `'{:.Nf}'`, `'{:.Ne}'` and `repr(float)`.
 *
 * Python rounds the exact binary value of a double half-to-even; JavaScript's `toFixed` rounds exact ties away from
 * zero (`(0.125).toFixed(2)` is '0.13', Python's `'{:.2f}'.format(0.125)` is '0.12'), and `String(x)` writes
 * exponents as 'e-7' / 'e+21' where Python writes 'e-07' and switches to exponent form at other magnitudes. Tensor
 * printing and any other Python-like text (module reprs) go through these functions.
 */

/** The double `x` (finite, positive) as `m * 2^e` with an integer `m`. */
function decompose(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  // Subnormals have no implicit leading bit and the smallest exponent.
  return biased === 0 ? { m: fraction, e: -1074 } : { m: fraction | (1n << 52n), e: biased - 1075 };
}

/** `x * 10^k` rounded half-to-even to an integer, computed exactly (x finite and ≥ 0). */
function scaledRound(x: number, k: number): bigint {
  if (x === 0) return 0n;
  const { m, e } = decompose(x);
  let num = m;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  const q = num / den;
  const twiceRest = 2n * (num - q * den);
  if (twiceRest > den || (twiceRest === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python's `'{:.<digits>f}'.format(x)`. */
export function formatFixed(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const s = scaledRound(Math.abs(x), digits)
    .toString()
    .padStart(digits + 1, '0');
  const body = digits === 0 ? s : `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  return sign(x) + body;
}

/** Python's `'{:.<digits>e}'.format(x)`: one digit, the point, `digits` digits, then e±XX (at least two). */
export function formatExponent(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const a = Math.abs(x);
  let exp = 0;
  let n = 0n;
  if (a !== 0) {
    exp = Math.floor(Math.log10(a));
    // log10 may be off by one near powers of ten, and rounding may carry into a new digit: settle both.
    for (;;) {
      n = scaledRound(a, digits - exp);
      if (n >= 10n ** BigInt(digits + 1)) exp += 1;
      else if (n < 10n ** BigInt(digits)) exp -= 1;
      else break;
    }
  }
  const s = n.toString().padStart(digits + 1, '0');
  const mantissa = digits === 0 ? s : `${s[0]}.${s.slice(1)}`;
  const e = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${sign(x)}${mantissa}e${e}`;
}

/**
 * Python's `repr(x)` of a float: the shortest digits that read back as `x` (as JavaScript's), written in fixed
 * notation when the decimal exponent is in [-4, 16) and as `d.ddde±XX` otherwise; integral values keep '.0'.
 */
export function pyFloatRepr(x: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  let body: string;
  if (exp >= -4 && exp < 16) {
    if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`;
    else {
      const whole = digits.padEnd(exp + 1, '0');
      body = `${whole.slice(0, exp + 1)}.${whole.slice(exp + 1) || '0'}`;
    }
  } else {
    const e = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    body = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${e}`;
  }
  return sign(x) + body;
}
