/**
 * A typed text of optimizer and scheduler state (dicts, lists, tuples, ints vs floats, tensors by dtype, shape and a
 * hash of their bytes), written the same way by Python (PY_DESCRIBE's desc) and by us (describeState), so a test can
 * compare in-memory state dicts, int/float identity included, without writing files.
 */
import { createHash } from 'crypto';
import * as torch from '../../lib';
import { pyFloatRepr } from '../../lib/python-format';
import { isMarkedFloat, PyObject } from '../../lib/serialization/python';

/** Python's side of describeState(): a typed text of a state dict value (ints, floats, tuples, tensors…). */
export const PY_DESCRIBE = `
import hashlib
def desc(v):
    if v is None: return 'None'
    if isinstance(v, bool): return repr(v)
    if isinstance(v, int): return 'int:%d' % v
    if isinstance(v, float): return 'float:' + repr(v)
    if isinstance(v, str): return 'str:' + v
    if isinstance(v, torch.Tensor):
        b = v.detach().contiguous().numpy().tobytes()
        return 'tensor:%s:%s:%s' % (str(v.dtype)[6:], list(v.shape), hashlib.sha256(b).hexdigest()[:16])
    if isinstance(v, tuple): return 'tuple(' + ', '.join(desc(x) for x in v) + ')'
    if isinstance(v, list): return '[' + ', '.join(desc(x) for x in v) + ']'
    if isinstance(v, dict): return '{' + ', '.join(desc(k) + ': ' + desc(x) for k, x in v.items()) + '}'
    raise TypeError(type(v))
`;

/** Our side of desc(): a number is a float when non-integral or marked as a float in its container. */
export function describeState(v: unknown, container?: object, slot?: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v instanceof torch.Float) return `float:${pyFloatRepr(v.value)}`;
  if (typeof v === 'number') {
    const float =
      !Number.isInteger(v) || Object.is(v, -0) || (container !== undefined && isMarkedFloat(container, slot));
    return float ? `float:${pyFloatRepr(v)}` : `int:${v}`;
  }
  if (typeof v === 'string') return `str:${v}`;
  if (v instanceof torch.Tensor) {
    const hash = createHash('sha256').update(v.toBuffer()).digest('hex').slice(0, 16);
    return `tensor:${v.dtype}:[${v.shape.join(', ')}]:${hash}`;
  }
  if (v instanceof PyObject) return describeState(v.args[0]);
  if (v instanceof torch.Tuple) return `tuple(${v.map((x, i) => describeState(x, v, i)).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map((x, i) => describeState(x, v, i)).join(', ')}]`;
  const items: [unknown, unknown][] = v instanceof Map ? [...v] : Object.entries(v as object);
  return `{${items.map(([k, x]) => `${describeState(k)}: ${describeState(x, v as object, k)}`).join(', ')}}`;
}
