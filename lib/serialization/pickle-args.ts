/**
 * Checks on the values a pickle passes to the functions it names (rebuild functions, persistent ids, torch.Size…):
 * a value of the wrong type is a BAD_VALUE error naming what was expected, never a crash further down.
 */
import { loadError, LoadErrorCode, Where } from './load-errors';

/** Throws BAD_VALUE: an argument does not have the type or shape its function needs. */
export function badValue(message: string, where: Where): never {
  throw loadError(LoadErrorCode.BAD_VALUE, message, where);
}

/** A Python int that fits a safe JS integer. */
export function intArg(v: unknown, what: string, where: Where): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  return badValue(`${what} must be an int, got ${typeof v === 'bigint' ? 'a huge int' : typeof v}`, where);
}

/** A tuple or list of ints (sizes, strides). */
export function intsArg(v: unknown, what: string, where: Where): number[] {
  if (!Array.isArray(v)) badValue(`${what} must be a tuple of ints`, where);
  const items = v as unknown[];
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    // The name of a bad item is made only when it is bad (this runs for every size and stride of a file).
    if (!(typeof x === 'number' && Number.isSafeInteger(x))) intArg(x, `${what}[${i}]`, where);
  }
  // Checked in place and given as it is (callers only read it): no copy per size and stride of a file.
  return items as number[];
}
