/**
 * nn.Sequential: children named '0', '1', … (or as given in an OrderedDict/Map) run one after another. Children read
 * back as `seq[0]` or `seq.get(0)` (negative indices count from the end), iterate in order, and `slice` makes a new
 * Sequential of a range, as Python's `seq[1:3]`.
 */
import { Tensor } from '../tensor';
import { ReLU, Softmax } from './activation';
import { ChainPlan, newPlan, planLayer, runPlan } from './chain';
import { Conv2d } from './conv';
import { Dropout } from './dropout';
import { pyError } from './errors';
import { Flatten } from './flatten';
import { Linear } from './linear';
import { Module } from './module';
import { MaxPool2d } from './pooling';

/**
 * Built-in layers (these exact classes, not subclasses) whose forward keeps no reference to its input or output and
 * returns a new tensor or its input itself.
 */
const KEEPS_NOTHING = new Set<unknown>([Conv2d, Linear, ReLU, Softmax, MaxPool2d, Flatten, Dropout]);

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
    // Built-in layers only: one native call for the whole run (see chain.ts).
    if (input instanceof Tensor && this._modules.size > 0) {
      const plan = newPlan();
      if (planModule(this, plan)) return runPlan(input, plan);
    }
    let x = input;
    let made: Module | null = null;
    // The children map itself, not the generator behind `for (const m of this)` (an object per child per call).
    for (const m of this._modules.values()) {
      if (m === null) continue;
      const out = m.call(x);
      // A tensor one built-in layer made and the next has consumed is reachable from nowhere else (the autograd graph
      // holds its own reference where backward needs it): its handle is dropped now, as Python's refcounting would,
      // so that the next layers reuse its memory while it is in the cache. Left to V8's collector, each layer wrote
      // to fresh memory (perf: ~15% of LeNet2's forward at batch 1).
      if (made !== null && out !== x && x instanceof Tensor && KEEPS_NOTHING.has(made.constructor)) {
        if (KEEPS_NOTHING.has(m.constructor)) x.dispose();
      }
      made = m;
      x = out;
    }
    return x;
  }
}

/**
 * Appends the native steps of m to plan: a built-in layer's own, or those of every child of a Sequential (nested ones
 * too). False when some part must run through its own forward (see chain.ts).
 */
export function planModule(m: Module | null, plan: ChainPlan): boolean {
  if (m === null) return false;
  // Exactly Sequential: a subclass may override forward.
  if (m.constructor !== Sequential) return planLayer(m, plan);
  for (const child of (m as Sequential)._modules.values()) if (child !== null && !planModule(child, plan)) return false;
  return true;
}
