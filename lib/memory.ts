/**
 * Freeing the memory of dropped tensors. V8 is told the bytes each tensor handle keeps alive (binding/tensor.cc), so
 * allocating tensors drives garbage collection; the native layer frees the tensors of collected handles at once
 * instead of waiting for Node-API's deferred finalizers, and forces a full collection when the bytes held by handles
 * pass a mark that doubles with what survives (a synchronous loop never yields to the event loop, and V8's own
 * external-memory heuristic may wait for gigabytes). `t.dispose()` frees a tensor now.
 */
import * as v8 from 'v8';
import * as vm from 'vm';

/**
 * A function that runs a full, synchronous garbage collection: `global.gc` when Node runs with --expose-gc, else
 * the same function taken from a fresh context created while the flag is briefly on (V8 has no other way to ask for
 * a collection).
 */
export function fullGcFunction(): () => void {
  const own = (globalThis as { gc?: () => void }).gc;
  if (typeof own === 'function') return own;
  v8.setFlagsFromString('--expose-gc');
  try {
    return vm.runInNewContext('gc') as () => void;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}
