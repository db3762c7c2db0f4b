/**
 * Python dicts and numbers inside optimizer and scheduler state. A state dict may come from our own stateDict()
 * (plain objects, Maps for int keys) or from torch.load (Maps, OrderedDicts, Tuples, integral floats marked with
 * markFloat); these helpers read both, copy values the way Python's deepcopy does, and keep the int/float identity
 * of every number so that saving writes exactly what Python would.
 */
import { Float, isMarkedFloat, markFloat } from '../serialization/python';
import { Tensor } from '../tensor';
import { TorchError } from '../errors';

/** A Python dict as JS holds it. */
export type DictLike = Map<unknown, unknown> | Record<string, unknown>;

/** The entries of a dict (Map or plain object), in order. */
export function entries(d: unknown, what: string): [unknown, unknown][] {
  if (d instanceof Map) return [...d];
  if (d !== null && typeof d === 'object' && !Array.isArray(d)) return Object.entries(d);
  throw new TorchError(`${what} must be a dict, got ${d === null ? 'None' : typeof d}`, 'TypeError');
}

/** d[key] for a Map or a plain object (undefined when absent). */
export function getKey(d: unknown, key: string): unknown {
  if (d instanceof Map) return d.get(key);
  if (d !== null && typeof d === 'object') return (d as Record<string, unknown>)[key];
  return undefined;
}

/** Whether the value in slot `key` of `container` is a Python float (non-integral, marked, or a Float). */
export function isPyFloat(container: object, key: unknown, value: unknown): boolean {
  if (value instanceof Float) return true;
  if (typeof value !== 'number') return false;
  return !Number.isInteger(value) || Object.is(value, -0) || isMarkedFloat(container, key);
}

/**
 * Stores a value in obj[key] as Python would hold it: a {@link Float} becomes a plain number whose slot is marked as
 * a float, so that it saves as one.
 */
export function setNumber(obj: Record<string, unknown>, key: string, value: unknown): void {
  obj[key] = value instanceof Float ? value.value : value;
  if (value instanceof Float) markFloat(obj, key);
}

/** Python's result type of arithmetic on numbers: a float when any operand is one. */
export function pyArith(result: number, ...operandsAreFloat: boolean[]): Float | number {
  return operandsAreFloat.some(Boolean) && Number.isInteger(result) ? new Float(result) : result;
}

/**
 * Python's copy.deepcopy for state-dict values: tensors are cloned, containers copied (shared objects stay shared),
 * float marks kept, everything else (numbers, strings, Float, None) returned as is.
 */
export function deepCopy<T>(value: T, memo: Map<unknown, unknown> = new Map()): T {
  if (value === null || typeof value !== 'object') return value;
  if (memo.has(value)) return memo.get(value) as T;
  let out: unknown;
  if (value instanceof Tensor) {
    out = value.detach().clone().requiresGrad_(value.requiresGrad);
  } else if (Array.isArray(value)) {
    const copy = new (value.constructor as ArrayConstructor)();
    memo.set(value, copy);
    value.forEach((v, i) => {
      copy.push(deepCopy(v, memo));
      if (isMarkedFloat(value, i)) markFloat(copy, i);
    });
    out = copy;
  } else if (value instanceof Map) {
    const copy = new (value.constructor as MapConstructor)();
    memo.set(value, copy);
    for (const [k, v] of value) {
      copy.set(k, deepCopy(v, memo));
      if (isMarkedFloat(value, k)) markFloat(copy, k);
    }
    out = copy;
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    memo.set(value, copy);
    for (const [k, v] of Object.entries(value)) {
      copy[k] = deepCopy(v, memo);
      if (isMarkedFloat(value, k)) markFloat(copy, k);
    }
    out = copy;
  } else {
    out = value;
  }
  memo.set(value, out);
  return out as T;
}
