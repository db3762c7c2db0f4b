/**
 * Python classes that torch-node revives as JS classes. A registered class is built from its pickle (NEWOBJ args and
 * BUILD state) when loading, and pickled back as the same Python class when saving. nn/ registers its modules here
 * (`torch.nn.modules.conv.Conv2d`, …, `__main__.LeNet2`); unregistered classes stay inert PyObjects.
 */
import type { BuildKind, Tuple } from './python';

/** How one Python class maps to a JS class. */
export interface PickleClass<T extends object = object> {
  /** Python module and name, e.g. 'torch.nn.modules.conv' and 'Conv2d'. */
  module: string;
  name: string;
  /** The JS class; `instanceof` finds the spec when saving. */
  ctor: abstract new (...args: never[]) => T;
  /** Builds the object from what the pickle gave: constructor args, then BUILD's state (undefined if none). */
  revive(args: Tuple, state: unknown): T;
  /** The pickle form of obj: how it is built, with which args, and its BUILD state (undefined for none). */
  reduce(obj: T): { kind: BuildKind; args: Tuple; state: unknown };
}

const byName = new Map<string, PickleClass>();
const byCtor = new Map<unknown, PickleClass>();

/** Registers (or replaces) a class mapping. The same JS class may be registered under several Python names
 * (e.g. a legacy module path); saving uses the last registered. */
export function registerClass<T extends object>(spec: PickleClass<T>): void {
  byName.set(`${spec.module}.${spec.name}`, spec as unknown as PickleClass);
  byCtor.set(spec.ctor, spec as unknown as PickleClass);
}

/** The spec registered for a Python class path, if any. */
export function lookupClass(module: string, name: string): PickleClass | undefined {
  return byName.get(`${module}.${name}`);
}

/** The spec for a JS object: its own class or the nearest registered ancestor. */
export function classOf(obj: object): PickleClass | undefined {
  for (let p = Object.getPrototypeOf(obj); p; p = Object.getPrototypeOf(p)) {
    const spec = byCtor.get(p.constructor);
    if (spec) return spec;
  }
  return undefined;
}
