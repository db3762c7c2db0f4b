/**
 * String(tensor): PyTorch 1.13's `repr`, character for character (torch/_tensor_str.py's rules with the default print
 * options: precision 4, summarisation past 1000 elements with 3 edge items, line width 80).
 *
 * The rules, in short: one formatter per tensor (two for complex: real and imaginary parts) picks a mode from the
 * nonzero finite values (integers → '1.', a wide range or tiny/huge values → '1.0000e+00', else '1.0000') and a width
 * that every element is padded to; rows wrap to fit 80 columns after the indent; nested dimensions are separated by
 * as many newlines as dimensions remain; past 1000 elements each long dimension shows 3 items, '...', 3 items.
 * Suffixes (device, dtype, grad_fn or requires_grad) follow, wrapped to a new line when they would pass column 80.
 */
import { Complex, DType, DTYPES } from './dtype';
import { native } from './native';
import { formatExponent, formatFixed, pyFloatRepr } from './python-format';
import { Tensor } from './tensor';
import { flatValues } from './values';

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

/** The dtypes PyTorch leaves out of the repr (the default float dtype, its complex twin, int64, bool). */
const DEFAULT_DTYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'complex64', 'int64', 'bool']);

type Real = number | bigint | boolean;

/** Formats one dtype's elements as _tensor_str.py's _Formatter does; its width fits every element given to it. */
class Formatter {
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(values: Real[], floating: boolean) {
    this.floating = floating;
    if (!floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, plain(v).length);
      return;
    }
    const finite = (values as number[]).filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    let lo = Infinity;
    let hi = 0;
    for (const v of finite) {
      lo = Math.min(lo, Math.abs(v));
      hi = Math.max(hi, Math.abs(v));
    }
    this.intMode = finite.every((v) => v === Math.ceil(v));
    // The ratio and bounds are computed in double precision, as PyTorch converts to float64 first.
    this.sciMode = hi / lo > 1000 || hi > 1e8 || (!this.intMode && lo < 1e-4);
    for (const v of finite) {
      let width: number;
      if (this.sciMode) width = formatExponent(v, PRECISION).length;
      else if (this.intMode) width = formatFixed(v, 0).length + 1;
      else width = formatFixed(v, PRECISION).length;
      this.maxWidth = Math.max(this.maxWidth, width);
    }
  }

  get width(): number {
    return this.maxWidth;
  }

  format(v: Real): string {
    let s: string;
    if (!this.floating) s = plain(v);
    else if (this.sciMode) s = formatExponent(v as number, PRECISION);
    else if (this.intMode) s = formatFixed(v as number, 0) + (Number.isFinite(v as number) ? '.' : '');
    else s = formatFixed(v as number, PRECISION);
    return s.padStart(this.maxWidth);
  }
}

/** Python's str() of an int or bool. */
function plain(v: Real): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** What gets printed: the (summarised) values in row-major order, their shape, and which dimensions were cut. */
interface Shown {
  shape: number[];
  cut: boolean[];
  values: (Real | Complex)[];
}

/** Keeps the first and last EDGE_ITEMS of every dimension longer than twice that (get_summarized_data). */
function shownValues(t: Tensor, summarize: boolean): Shown {
  let s = t;
  const cut = t.shape.map((n) => summarize && n > 2 * EDGE_ITEMS);
  cut.forEach((isCut, d) => {
    if (!isCut) return;
    const n = s.shape[d];
    const keep = [...Array(EDGE_ITEMS).keys()].flatMap((i) => [i, n - EDGE_ITEMS + i]).sort((a, b) => a - b);
    const index = native.fromBytes(new Uint8Array(BigInt64Array.from(keep, BigInt).buffer), 'int64', [keep.length]);
    s = new Tensor(native.indexSelect(s._h, d, index));
  });
  return { shape: s.shape, cut, values: flatValues(s) as (Real | Complex)[] };
}

/** The bracketed body of a tensor with at least one element (_tensor_str). */
function tensorStr(t: Tensor, indent: number): string {
  const summarize = t.numel() > THRESHOLD;
  const shown = shownValues(t, summarize);
  const complex = DTYPES[t.dtype].kind === 'complex';
  const floating = complex || DTYPES[t.dtype].kind === 'float';
  let fmt: (v: Real | Complex) => string;
  let elementLength: number;
  if (complex) {
    const values = shown.values as Complex[];
    const re = new Formatter(
      values.map((c) => c.re),
      true,
    );
    const im = new Formatter(
      values.map((c) => c.im),
      true,
    );
    fmt = (v) => complexStr(v as Complex, re, im);
    elementLength = re.width + 2 + im.width + 1;
  } else {
    const f = new Formatter(shown.values as Real[], floating);
    fmt = (v) => f.format(v as Real);
    elementLength = f.width + 2;
  }
  return nestedStr(shown, fmt, elementLength, indent);
}

/** A complex element: real part padded, imaginary part unpadded with its sign, then 'j'. */
function complexStr(v: Complex, re: Formatter, im: Formatter): string {
  const imag = `${im.format(v.im)}j`.trimStart();
  return re.format(v.re) + (imag[0] === '+' || imag[0] === '-' ? imag : `+${imag}`);
}

function nestedStr(shown: Shown, fmt: (v: Real | Complex) => string, elementLength: number, indent: number): string {
  const { shape, cut, values } = shown;
  const rank = shape.length;
  if (rank === 0) return fmt(values[0]);
  // Row-major strides of the shown values.
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const withEllipsis = (parts: string[], d: number, ellipsis: string): string[] =>
    cut[d] ? [...parts.slice(0, EDGE_ITEMS), ellipsis, ...parts.slice(EDGE_ITEMS)] : parts;

  const walk = (d: number, offset: number, ind: number): string => {
    if (d === rank - 1) {
      const row = withEllipsis(
        Array.from({ length: shape[d] }, (_, i) => fmt(values[offset + i])),
        d,
        ' ...',
      );
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - ind) / elementLength));
      const lines: string[] = [];
      for (let i = 0; i < row.length; i += perLine) lines.push(row.slice(i, i + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(ind + 1)}`)}]`;
    }
    const slices = withEllipsis(
      Array.from({ length: shape[d] }, (_, i) => walk(d + 1, offset + i * strides[d], ind + 1)),
      d,
      '...',
    );
    return `[${slices.join(`,${'\n'.repeat(rank - d - 1)}${' '.repeat(ind + 1)}`)}]`;
  };
  return walk(0, 0, indent);
}

/** Appends ', suffix' items, moving one to a new line when it would pass the line width (_add_suffixes). */
function addSuffixes(text: string, suffixes: string[], indent: number): string {
  const out = [text];
  // PyTorch's count includes two characters more than the last line holds; kept for identical wrapping.
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > LINE_WIDTH) {
      out.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLength = indent + suffix.length;
    } else {
      out.push(`, ${suffix}`);
      lastLineLength += suffix.length + 2;
    }
  }
  out.push(')');
  return out.join('');
}

/** Python's str(tuple(shape)). */
function sizeTuple(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** quantization_scheme=…, scale=…, zero_point=… (and axis=… per channel), as PyTorch prints them. */
function quantizerSuffixes(t: Tensor): string[] {
  const q = native.qParams(t._h);
  const out = [`quantization_scheme=torch.${q[0]}`];
  if (q.length === 3) return [...out, `scale=${pyFloatRepr(q[1])}`, `zero_point=${q[2]}`];
  const [, scales, zeroPoints, axis] = q;
  return [
    ...out,
    `scale=${formatTensor(new Tensor(scales))}`,
    `zero_point=${formatTensor(new Tensor(zeroPoints))}`,
    `axis=${axis}`,
  ];
}

/** The values PyTorch formats: half precision widened to float32 (complex32 to complex64), outside autograd. */
function printable(t: Tensor): Tensor {
  const d = t.detach();
  if (t.dtype === 'float16' || t.dtype === 'bfloat16') return d.to({ dtype: 'float32' });
  if (t.dtype === 'complex32') return d.to({ dtype: 'complex64' });
  return d;
}

/** PyTorch's repr of a tensor: `tensor([[1., 2.]], dtype=torch.float64, requires_grad=True)`. */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const device = t.device;
  if (device !== 'cpu') suffixes.push(`device='${device}'`);
  const dtype = t.dtype;
  let body: string;
  if (DTYPES[dtype].kind === 'quantized') {
    // The values shown are the dequantized ones; the quantizer's parameters follow as suffixes.
    suffixes.push(`size=${sizeTuple(t.shape)}`, `dtype=torch.${dtype}`, ...quantizerSuffixes(t));
    body = t.numel() === 0 ? '[]' : tensorStr(new Tensor(native.dequantize(t._h)), indent);
  } else if (t.numel() === 0) {
    // An empty tensor shows its shape unless it is (0,), and any dtype but the default float.
    if (t.dim() !== 1) suffixes.push(`size=${sizeTuple(t.shape)}`);
    if (dtype !== 'float32') suffixes.push(`dtype=torch.${dtype}`);
    body = '[]';
  } else {
    if (!DEFAULT_DTYPES.has(dtype)) suffixes.push(`dtype=torch.${dtype}`);
    body = tensorStr(printable(t), indent);
  }
  const gradFn = t.gradFn;
  if (gradFn !== null) suffixes.push(`grad_fn=<${gradFn}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}
