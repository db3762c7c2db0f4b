/**
 * Whole modules in pickles (`torch.save(net)` / `torch.load` of a saved nn.Module). Python pickles a module as its
 * class (GLOBAL + NEWOBJ with no arguments) and its `__dict__` (BUILD). PyTorch 1.13's `__dict__` is Module.__init__'s
 * state — `training`, `_parameters`, `_buffers`, `_non_persistent_buffers_set`, seven hook dicts and
 * `_is_full_backward_hook` in between, `_modules` — followed by the layer's own attributes in assignment order.
 *
 * Here that state is built from a Module: the base entries from its registries, then its plain enumerable properties
 * with camelCase names written in snake_case (`kernelSize` → `kernel_size`). Reviving reverses it without running the
 * constructor (the RNG is not touched, as in Python). A revived module remembers the key order and any entries it
 * does not model (hook dicts, attributes whose names do not survive the case conversion), so saving it again gives
 * the same pickle.
 */
import { Float, markFloat, isMarkedFloat, OrderedDict, Tuple } from '../serialization/python';
import { registerClass } from '../serialization/registry';
import { Module } from './module';
import { pyError } from './errors';

/** Module.__init__'s entries, in 1.13's order. */
const BASE_KEYS = [
  'training',
  '_parameters',
  '_buffers',
  '_non_persistent_buffers_set',
  '_backward_hooks',
  '_is_full_backward_hook',
  '_forward_hooks',
  '_forward_pre_hooks',
  '_state_dict_hooks',
  '_load_state_dict_pre_hooks',
  '_load_state_dict_post_hooks',
  '_modules',
] as const;

const HOOK_KEYS = new Set<string>(BASE_KEYS.filter((k) => k.endsWith('_hooks') || k === '_is_full_backward_hook'));

/** camelCase → snake_case, keeping leading underscores: `_reversedPaddingRepeatedTwice` → `_reversed_padding_…`. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** snake_case → camelCase: `kernel_size` → `kernelSize`, `_reversed_padding` → `_reversedPadding`. */
export function camelCase(name: string): string {
  return name.replace(/([a-z0-9])_([a-z0-9])/g, (_, a: string, b: string) => a + b.toUpperCase());
}

/** The module's plain attributes as (Python name, JS name) pairs, in assignment order. */
function plainAttributes(m: Module): [string, string][] {
  const out: [string, string][] = [];
  for (const key of Object.keys(m)) {
    const d = Object.getOwnPropertyDescriptor(m, key);
    if (!d || !('value' in d) || typeof d.value === 'function') continue;
    out.push([snakeCase(key), key]);
  }
  return out;
}

/** The pickle state (`__dict__`) of a module, as PyTorch 1.13 writes it. */
export function moduleState(m: Module): Map<string, unknown> {
  const kept = m._pyState;
  const floats = new Set((m.constructor as typeof Module).floatAttributes);
  const state = new Map<string, unknown>();
  const base: Record<string, () => unknown> = {
    training: () => m.training,
    _parameters: () => m._parameters,
    _buffers: () => m._buffers,
    _non_persistent_buffers_set: () => m._nonPersistentBuffersSet,
    _modules: () => m._modules,
  };
  const attrs = plainAttributes(m);
  const attrValue = (py: string, js: string): unknown => {
    const v = (m as unknown as Record<string, unknown>)[js];
    if (typeof v !== 'number') return v;
    // A float attribute, or an integral float the module was revived with and still holds.
    const before = kept?.get(py);
    const wasFloat =
      before instanceof Float ? before.value === v : kept !== null && isMarkedFloat(kept, py) && before === v;
    return floats.has(js) || wasFloat ? new Float(v) : v;
  };
  const put = (key: string): void => {
    if (state.has(key)) return;
    if (key in base) state.set(key, base[key]());
    else if (HOOK_KEYS.has(key))
      state.set(key, kept?.has(key) ? kept.get(key) : key.endsWith('_hooks') ? new OrderedDict() : null);
    else {
      const attr = attrs.find(([py]) => py === key);
      if (attr) state.set(key, attrValue(key, attr[1]));
      else if (kept?.has(key)) {
        state.set(key, kept.get(key));
        if (isMarkedFloat(kept, key)) markFloat(state, key);
      }
    }
  };
  // A revived module keeps its file's order (Python's __setstate__ then appends what an old file lacked).
  const order = kept ? [...kept.keys()] : [];
  for (const key of order) put(key);
  for (const key of BASE_KEYS) put(key);
  for (const [py] of attrs) put(py);
  return state;
}

/** Entries of a pickled dict: a Map from the reader, or a plain object. */
function dictEntries(state: unknown): Map<string, unknown> {
  if (state instanceof Map) return state as Map<string, unknown>;
  if (state !== null && typeof state === 'object') return new Map(Object.entries(state));
  throw pyError('TypeError', `a pickled module's state must be a dict, got ${typeof state}`);
}

/** A module of class cls rebuilt from its pickle state, without running its constructor. */
export function reviveModule<T extends Module>(cls: abstract new (...args: never[]) => T, state: unknown): T {
  const m = Module._blank(cls);
  const entries = dictEntries(state);
  const kept = new Map<string, unknown>();
  for (const [key, value] of entries) {
    kept.set(key, value);
    if (isMarkedFloat(entries, key)) markFloat(kept, key);
    switch (key) {
      case 'training':
        m.training = Boolean(value);
        break;
      case '_parameters':
      case '_buffers':
      case '_modules': {
        const target = key === '_parameters' ? m._parameters : key === '_buffers' ? m._buffers : m._modules;
        for (const [name, v] of dictEntries(value)) {
          if (key === '_modules' && v !== null && !(v instanceof Module)) {
            throw pyError(
              'TypeError',
              `cannot revive ${cls.name}: its child module '${name}' is of a class torch-node does not know (${String(v)}); register it with nn.registerModuleClass`,
            );
          }
          (target as Map<string, unknown>).set(name, v);
          m._expose(name);
        }
        break;
      }
      case '_non_persistent_buffers_set':
        for (const name of value as Iterable<string>) m._nonPersistentBuffersSet.add(name);
        break;
      default: {
        if (HOOK_KEYS.has(key)) break;
        const js = camelCase(key);
        // Only names that convert back to themselves become properties; others stay in the kept state.
        if (snakeCase(js) !== key || m._isRegistered(js)) break;
        const v = value instanceof Float ? value.value : value;
        Object.defineProperty(m, js, { value: v, writable: true, enumerable: true, configurable: true });
      }
    }
  }
  m._pyState = kept;
  return m;
}

/**
 * Registers a Module class under its Python class path, so that whole-module files load as that class and saving
 * writes that path (`registerModuleClass(LeNet2, '__main__', 'LeNet2')`).
 */
export function registerModuleClass<T extends Module>(
  cls: abstract new (...args: never[]) => T,
  module: string,
  name: string = cls.name,
): void {
  registerClass<T>({
    module,
    name,
    ctor: cls,
    revive: (_args, state) => reviveModule(cls, state),
    reduce: (obj) => {
      // A subclass saved under its parent's path would load as the parent: its own class must be registered.
      if (obj.constructor !== cls) {
        const sub = obj.constructor.name;
        throw pyError(
          'PicklingError',
          `cannot save a whole ${sub}: its class is not registered for pickling; call ` +
            `nn.registerModuleClass(${sub}, '<python module>', '${sub}') first (e.g. '__main__', as a script's class)`,
        );
      }
      return { kind: 'newobj', args: new Tuple(), state: moduleState(obj) };
    },
  });
}
