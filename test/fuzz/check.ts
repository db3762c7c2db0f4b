/**
 * The oracle of a fuzz case: loading the bytes either gives a value whose every tensor lies inside its storage and
 * can be read, or throws a TorchLoadError with one of the documented codes that names the file. Anything else (another
 * exception, a tensor reaching past its storage, an unreadable tensor) is a failure.
 */
import * as torch from '../../lib';
import { elementSize } from '../../lib/dtype';
import { native } from '../../lib/native';

/** What one case did. */
export interface Outcome {
  loaded: boolean;
  /** The TorchLoadError's code when refused. */
  code?: string;
  /** Whether the error named a record (zip record or legacy storage). */
  record?: boolean;
  /** Tensors found in the loaded value. */
  tensors: number;
}

/** A case that broke a rule (the run reports it with its seed and index). */
export class FuzzFailure extends Error {}

const CODES: ReadonlySet<string> = new Set(Object.values(torch.LoadErrorCode));
/** Tensors up to this many bytes are read whole (an expanded view of a few bytes can claim petabytes). */
const READ_LIMIT = 16 << 20;

function checkTensor(t: torch.Tensor): void {
  const h = t._h;
  const shape = native.shape(h);
  const strides = native.strides(h);
  const offset = native.storageOffset(h);
  // Sub-byte quantized dtypes pack two or four elements in a byte.
  const size = t.dtype === 'quint4x2' ? 0.5 : t.dtype === 'quint2x4' ? 0.25 : elementSize(t.dtype);
  const numel = shape.reduce((a, b) => a * b, 1);
  if (shape.some((s) => s < 0) || strides.some((s) => s < 0) || offset < 0) {
    throw new FuzzFailure(`a loaded tensor has shape ${shape}, strides ${strides}, offset ${offset}`);
  }
  if (numel === 0) return;
  const last = offset + shape.reduce((acc, s, i) => acc + (s - 1) * strides[i], 0);
  const nbytes = native.storageNbytes(h);
  if (Math.ceil((last + 1) * size) > nbytes) {
    throw new FuzzFailure(`a loaded tensor reaches byte ${Math.ceil((last + 1) * size)} of a ${nbytes}-byte storage`);
  }
  if (numel * size <= READ_LIMIT) {
    // Reading every element is what would fault if the extent were wrong.
    const bytes = t.dtype.startsWith('q') ? native.toBuffer(native.intRepr(h)) : t.toBuffer();
    if (bytes.length === 0) throw new FuzzFailure(`read no bytes of a tensor of ${numel} elements`);
  }
}

/** Visits every value reachable from a loaded result once; checks and frees each tensor; returns how many. */
function walk(root: unknown): number {
  const seen = new Set<unknown>();
  let tensors = 0;
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof torch.Tensor) {
      checkTensor(v);
      v.dispose();
      tensors++;
      continue;
    }
    if (ArrayBuffer.isView(v)) continue;
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set || Array.isArray(v)) for (const x of v) stack.push(x);
    // Stand-ins (PyObject, TypedStorage, TorchScriptArchive, modules…) keep what they hold in their own fields.
    for (const x of Object.values(v)) stack.push(x);
  }
  return tensors;
}

/** Loads `bytes` with `options` and checks the result against the rules above. */
export function runCase(bytes: Buffer, options: torch.LoadOptions): Outcome {
  let value: unknown;
  try {
    value = torch.load(bytes, options);
  } catch (e) {
    if (!(e instanceof torch.TorchLoadError)) {
      const what = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
      throw new FuzzFailure(`not a TorchLoadError: ${what}\n${(e as Error)?.stack ?? ''}`);
    }
    if (!CODES.has(e.code)) throw new FuzzFailure(`undocumented code ${e.code}: ${e.message}`);
    if (e.file !== '<buffer>' || !e.message.includes('<buffer>')) {
      throw new FuzzFailure(`the error does not name the file: ${e.message}`);
    }
    return { loaded: false, code: e.code, record: e.record !== undefined, tensors: 0 };
  }
  return { loaded: true, tensors: walk(value) };
}
