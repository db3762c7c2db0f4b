/**
 * The TypeScript twin of scripts/fixtures/describe.py: the same canonical description, made from what torch-node's
 * load returns, so that a test compares it with what Python's torch.load returns. See describe.py for the format.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { join } from 'path';
import * as torch from '../../lib';
import { native } from '../../lib/native';
import { classOf, isMarkedFloat } from '../../lib/serialization';
import { PYTHON } from './python';

export type Desc = { t: string; [k: string]: unknown };

function floatHex(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Describes loaded values; storages are numbered in order of first appearance, as describe.py does. */
export class Describer {
  private readonly storages = new Map<bigint, number>();

  private tensor(t: torch.Tensor): Desc {
    const h = t._h;
    const id = native.storageId(h) as bigint;
    if (!this.storages.has(id)) this.storages.set(id, this.storages.size);
    const quantized = ['qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4'].includes(t.dtype);
    const d: Desc = {
      t: 'tensor',
      param: t instanceof torch.Parameter,
      dtype: t.dtype,
      shape: t.shape,
      stride: t.stride(),
      offset: t.storageOffset(),
      requires_grad: t.requiresGrad,
      device: t.device,
      sha256: sha256(native.toBuffer(quantized ? native.intRepr(h) : h)),
      storage: this.storages.get(id),
      storage_nbytes: native.storageNbytes(h),
    };
    if (quantized) {
      const q = native.qParams(h);
      d.qscheme = q[0];
      if (q.length === 3) {
        d.q_scale = floatHex(q[1]);
        d.q_zero_point = q[2];
      } else {
        d.q_scales = this.tensor(new torch.Tensor(q[1]));
        d.q_zero_points = this.tensor(new torch.Tensor(q[2]));
        d.q_axis = q[3];
      }
    }
    return d;
  }

  /** A value held in `container` at `slot` (where integral floats are marked). */
  private slot(container: object, slot: unknown, v: unknown): Desc {
    if (typeof v === 'number' && isMarkedFloat(container, slot)) return { t: 'float', v: floatHex(v) };
    return this.d(v);
  }

  private map(m: Map<unknown, unknown>): unknown[][] {
    return [...m].map(([k, v]) => [this.d(k), this.slot(m, k, v)]);
  }

  d(x: unknown): Desc {
    if (x === null || x === undefined) return { t: 'none' };
    if (typeof x === 'boolean') return { t: 'bool', v: x };
    if (typeof x === 'bigint') return { t: 'int', v: String(x) };
    if (typeof x === 'number') return Number.isInteger(x) ? { t: 'int', v: String(x) } : { t: 'float', v: floatHex(x) };
    if (x instanceof torch.Float) return { t: 'float', v: floatHex(x.value) };
    if (typeof x === 'string') return { t: 'str', v: x };
    if (x instanceof torch.Complex) return { t: 'complex', re: floatHex(x.re), im: floatHex(x.im) };
    if (Buffer.isBuffer(x)) return { t: 'bytes', hex: x.toString('hex') };
    if (x instanceof torch.ByteArray) return { t: 'bytearray', hex: x.bytes.toString('hex') };
    if (x instanceof torch.Size) return { t: 'size', v: [...x] };
    if (x instanceof torch.Tensor) return this.tensor(x);
    if (x instanceof torch.TorchDtype) return { t: 'dtype', v: x.name };
    if (x instanceof torch.Device) return { t: 'device', v: String(x) };
    if (x instanceof torch.TypedStorage) {
      const data = x.data as torch.Tensor;
      return { t: 'storage', dtype: x.dtype, nbytes: native.storageNbytes(data._h), sha256: sha256(data.toBuffer()) };
    }
    if (x instanceof torch.Tuple) return { t: 'tuple', v: x.map((v, i) => this.slot(x, i, v)) };
    if (Array.isArray(x)) return { t: 'list', v: x.map((v, i) => this.slot(x, i, v)) };
    if (x instanceof torch.OrderedDict) {
      return {
        t: 'odict',
        v: this.map(x),
        attrs: x.attributes?.size ? { t: 'dict', v: this.map(x.attributes) } : null,
      };
    }
    if (x instanceof Map) return { t: 'dict', v: this.map(x) };
    if (x instanceof torch.FrozenSet) return { t: 'frozenset', v: [...x].map((v) => this.d(v)) };
    if (x instanceof Set) return { t: 'set', v: [...x].map((v) => this.d(v)) };
    if (x instanceof torch.NumpyArray) {
      return { t: 'ndarray', dtype: x.dtype, shape: x.shape, sha256: sha256(x.toTensor().toBuffer()) };
    }
    if (x instanceof torch.NumpyScalar) return { t: 'npscalar', dtype: x.dtype, hex: x.bytes.toString('hex') };
    if (x instanceof torch.TorchScriptArchive) {
      const module = this.d(x.module);
      return { t: 'script', module, constants: (this.d(x.constants).v as Desc[]) ?? [] };
    }
    if (x instanceof torch.PyObject) return { t: 'object', cls: x.cls.qualname, state: this.d(x.state ?? new Map()) };
    const spec = typeof x === 'object' ? classOf(x) : undefined;
    if (spec) return { t: 'object', cls: `${spec.module}.${spec.name}`, state: this.d(spec.reduce(x as object).state) };
    throw new Error(`cannot describe ${String(x)}`);
  }
}

/** Describes one loaded value. */
export function describe(value: unknown): Desc {
  return new Describer().d(value);
}

/** Sorts set members (whose order Python does not keep) so that two descriptions compare equal. */
export function canonical(d: unknown): unknown {
  if (Array.isArray(d)) return d.map(canonical);
  if (d === null || typeof d !== 'object') return d;
  const o = d as Desc;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = canonical(o[k]);
  if ((o.t === 'set' || o.t === 'frozenset') && Array.isArray(out.v)) {
    out.v = (out.v as unknown[])
      .map((m) => JSON.stringify(m))
      .sort()
      .map((s) => JSON.parse(s));
  }
  return out;
}

/** What Python's torch.load gives for each file: its description, or its error. */
export type PythonResult = { value: Desc } | { error: { type: string; message: string } };

/** Runs describe.py on the files (one Python process); `args` are its options (--map-location, --weights-only). */
export function describeInPython(files: string[], args: string[] = []): Record<string, PythonResult> {
  const script = join(__dirname, '..', '..', 'scripts', 'fixtures', 'describe.py');
  const out = execFileSync(PYTHON, [script, ...args, ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, PYTHONHASHSEED: '0' },
  });
  return JSON.parse(out) as Record<string, PythonResult>;
}
