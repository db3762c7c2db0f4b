/**
 * nn.Sequential: children named '0', '1', … (or as given in an OrderedDict/Map) run one after another. Children read
 * back as `seq[0]` or `seq.get(0)` (negative indices count from the end), iterate in order, and `slice` makes a new
 * Sequential of a range, as Python's `seq[1:3]`.
 */
import { pyError } from './errors';
import { Module } from './module';

/** A chain of modules; forward feeds each one's output to the next. */
export class Sequential extends Module {
  [index: number]: Module;

  /** new Sequential(a, b, c), or new Sequential(orderedDictOfNamedModules). */
  constructor(...modules: Module[] | [Map<string, Module>]) {
    super();
    if (modules.length === 1 && modules[0] instanceof Map) {
      for (const [name, m] of modules[0]) this.addModule(name, m);
    } else {
      (modules as Module[]).forEach((m, i) => this.addModule(String(i), m));
    }
  }

  /** Number of children. */
  get length(): number {
    return this._modules.size;
  }

  /** The child at idx (negative counts from the end). */
  get(idx: number): Module {
    const size = this.length;
    if (!Number.isInteger(idx) || idx < -size || idx >= size) {
      throw pyError('IndexError', `index ${idx} is out of range`);
    }
    const i = ((idx % size) + size) % size;
    return [...this._modules.values()][i] as Module;
  }

  /** A new Sequential holding children start…end-1 under their names, as `seq[start:end]`. */
  slice(start?: number, end?: number): Sequential {
    return new Sequential(new Map([...this._modules].slice(start, end) as [string, Module][]));
  }

  /** Adds a module at the end, named by its position. */
  append(module: Module): this {
    this.addModule(String(this.length), module);
    return this;
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (const m of this._modules.values()) if (m !== null) yield m;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override forward(input: any): any {
    let x = input;
    for (const m of this) x = m.call(x);
    return x;
  }
}
