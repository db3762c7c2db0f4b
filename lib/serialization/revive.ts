/**
 * The last step of unpickling: one walk over the loaded value (iterative, so hostile nesting cannot overflow the JS
 * stack) that enforces the nesting limit and replaces, bottom-up, what could only be finished once everything was
 * read: placeholders of registered classes (nn/ modules) become their JS objects through `revive(args, state)` with
 * their children already revived; legacy tensors that never got a BUILD become plain tensors; bare storages become
 * TypedStorage values. Sharing is kept: each object is visited once and every reference sees the same replacement.
 */
import { wrap } from '../tensor';
import { loadError, LoadErrorCode, Where } from './load-errors';
import { OrderedDict, PyObject, TypedStorage } from './python';
import { PendingTensor } from './rebuild';
import { lookupClass } from './registry';
import { StorageRecord } from './storage-read';

/** PyTorch's own pickler cannot nest deeper than Python's recursion limit (1000); this leaves room. */
export const DEFAULT_MAX_DEPTH = 2000;

interface Frame {
  obj: object;
  depth: number;
  expanded: boolean;
}

/** Containers whose children the walk visits. */
function isContainer(v: unknown): v is unknown[] | Map<unknown, unknown> | Set<unknown> | PyObject {
  return Array.isArray(v) || v instanceof Map || v instanceof Set || v instanceof PyObject;
}

/** The children of a container, in order (Map keys and values; an OrderedDict's attributes; an object's parts). */
function childrenOf(c: unknown[] | Map<unknown, unknown> | Set<unknown> | PyObject): unknown[] {
  if (Array.isArray(c)) return c;
  if (c instanceof Map) {
    // forEach, not for…of: no [key, value] array per entry (a visible share of a load's garbage).
    const out: unknown[] = [];
    c.forEach((v, k) => out.push(k, v));
    if (c instanceof OrderedDict && c.attributes) out.push(c.attributes);
    return out;
  }
  if (c instanceof Set) return [...c];
  return [c.args, c.state, c.kwargs, c.listItems, c.dictItems];
}

/** Walks `value`, finishing what the pickle left pending; returns the (possibly replaced) top value. */
export function finishLoaded(
  value: unknown,
  revivable: ReadonlySet<PyObject>,
  maxDepth: number,
  where: Where,
): unknown {
  const done = new Map<object, unknown>();
  const active = new Set<object>();
  const leaf = (v: unknown): unknown => {
    if (v instanceof PendingTensor) return v.finish(where);
    if (v instanceof StorageRecord) {
      return new TypedStorage(v.dtype, wrap(v.wholeTensor()), v.untyped);
    }
    return v;
  };
  const now = (v: unknown): unknown => (typeof v === 'object' && v !== null && done.has(v) ? done.get(v) : v);

  if (!isContainer(value)) return leaf(value);
  const stack: Frame[] = [{ obj: value, depth: 0, expanded: false }];
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (!f.expanded) {
      if (done.has(f.obj) || active.has(f.obj)) {
        stack.pop();
        continue;
      }
      if (f.depth > maxDepth) {
        throw loadError(LoadErrorCode.LIMIT_EXCEEDED, `the data nests deeper than ${maxDepth} levels`, where);
      }
      f.expanded = true;
      active.add(f.obj);
      for (const c of childrenOf(f.obj as never)) {
        if (typeof c !== 'object' || c === null || done.has(c)) continue;
        if (isContainer(c)) stack.push({ obj: c, depth: f.depth + 1, expanded: false });
        else if (c instanceof PendingTensor || c instanceof StorageRecord) done.set(c, leaf(c));
      }
      continue;
    }
    stack.pop();
    active.delete(f.obj);
    done.set(f.obj, replaceChildren(f.obj as never, now, revivable, where));
  }
  return now(value);
}

/** Puts the children's replacements in place; returns the container's own replacement (a revived object). */
function replaceChildren(
  c: unknown[] | Map<unknown, unknown> | Set<unknown> | PyObject,
  now: (v: unknown) => unknown,
  revivable: ReadonlySet<PyObject>,
  where: Where,
): unknown {
  if (Array.isArray(c)) {
    for (let i = 0; i < c.length; i++) c[i] = now(c[i]);
    return c;
  }
  if (c instanceof Map) {
    let keysChange = false;
    const changed: [unknown, unknown][] = [];
    c.forEach((v, k) => {
      if (now(k) !== k) keysChange = true;
      else if (now(v) !== v) changed.push([k, now(v)]);
    });
    if (keysChange) {
      const entries = [...c];
      c.clear();
      for (const [k, v] of entries) c.set(now(k), now(v));
    } else {
      for (const [k, v] of changed) c.set(k, v);
    }
    return c;
  }
  if (c instanceof Set) {
    const members = [...c];
    if (members.some((m) => now(m) !== m)) {
      c.clear();
      for (const m of members) c.add(now(m));
    }
    return c;
  }
  c.state = now(c.state);
  if (!revivable.has(c)) return c;
  const spec = lookupClass(c.cls.module, c.cls.name);
  if (!spec) return c;
  try {
    return spec.revive(c.args, c.state);
  } catch (e) {
    throw loadError(
      LoadErrorCode.REVIVE_FAILED,
      `cannot build ${c.cls.qualname} from the file: ${(e as Error).message}`,
      where,
      e,
    );
  }
}
