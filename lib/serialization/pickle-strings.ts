/**
 * Which Python str objects JS strings stand for, which decides where a pickle has memo references.
 *
 * JS strings have no identity, so the pickler applies the rule that reproduces PyTorch's files:
 * a string made only of `[A-Za-z0-9_]` (identifiers, dict keys written as literals or keyword names, attribute
 * names: CPython's compiler interns them) and the empty and one-Latin-1-character strings (cached singletons) are
 * one object per value, so they are memoized by value; strings of digits are made at run time by str(n)
 * (Sequential and ModuleList keys) and, like any other string (state_dict keys such as 'features.0.weight',
 * `_metadata` keys, 'cuda:0' locations), are a new object at each occurrence, written each time. A {@link PyStr}
 * stands for one particular string object, memoized by its own identity (zip storage keys, made once per
 * storage); a one-character string decoded from bytes at run time is CPython's Latin-1 singleton, which is not
 * always the interned literal of the same value, so it has a memo of its own; and a global's module name in
 * protocol 4 (STACK_GLOBAL) is the module's one `__name__` object.
 */

/** One particular Python str object: memoized by its own identity, not by its value. */
export class PyStr {
  constructor(readonly value: string) {}
}

const NAME_CHARS = /^[A-Za-z0-9_]*$/;
const DIGITS = /^[0-9]+$/;

/** True when CPython hands out one str object per value (see the file comment). */
export function isSingletonString(s: string): boolean {
  if (DIGITS.test(s)) return false; // str(n): Sequential and ModuleList keys, made at run time
  return NAME_CHARS.test(s) || (s.length === 1 && s.charCodeAt(0) < 256);
}

/** A str CPython keeps one object of (a one-character Latin-1 string made at run time): memoized by value. */
export class SingletonStr {
  constructor(readonly value: string) {}
}

/** The str bytes.decode('latin-1') gives: a cached singleton for one character, else a new object. */
export function latin1Str(b: Uint8Array): SingletonStr | PyStr {
  const s = Buffer.from(b).toString('latin1');
  return s.length === 1 ? new SingletonStr(s) : new PyStr(s);
}
