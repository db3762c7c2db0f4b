/**
 * Python's `t[...]` in JS: the index items `t.index(...)` takes and their translation for the native layer.
 */
import { inspect } from 'util';
import { TorchTypeError } from './errors';
import { NativeIndex } from './native';
import { Tensor } from './tensor';

/** A slice, as Python's `start:stop:step` (null for an omitted part). */
export class Slice {
  constructor(
    public readonly start: number | null = null,
    public readonly stop: number | null = null,
    public readonly step: number | null = null,
  ) {}
}

/**
 * One item of an index: an integer, null (None, a new axis), '...' (Ellipsis), a slice (a {@link Slice} or a string
 * such as ':', '1:3', '::2'), a boolean, or a tensor (advanced indexing: integer indices or a mask).
 */
export type IndexItem = number | null | string | Slice | boolean | Tensor;

// 'start:stop[:step]' with any part empty, as Python writes a slice.
function sliceFromString(s: string): NativeIndex {
  if (s === '...') return '...';
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3) {
    throw new TorchTypeError(`invalid slice '${s}'; expected 'start:stop[:step]'`);
  }
  const num = (p: string): number | null => {
    if (p.trim() === '') return null;
    const n = Number(p);
    if (!Number.isInteger(n)) throw new TorchTypeError(`invalid slice '${s}'`);
    return n;
  };
  return [num(parts[0]), num(parts[1]), parts.length === 3 ? num(parts[2]) : null];
}

/** The index items as the native `index` / `indexPut_` take them; anything else is a TorchTypeError. */
export function toNativeIndex(items: IndexItem[]): NativeIndex[] {
  return items.map((it) => {
    if (it instanceof Tensor) return it._h;
    if (it instanceof Slice) return [it.start, it.stop, it.step];
    if (typeof it === 'string') return sliceFromString(it);
    if (it === null || typeof it === 'number' || typeof it === 'boolean') return it;
    throw new TorchTypeError(`unsupported index item ${inspect(it)}`);
  });
}
