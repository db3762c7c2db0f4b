/**
 * Grad mode: torch.noGrad(fn) and friends. libtorch's grad mode is per thread; JavaScript runs on one.
 */
import { native } from './native';

function withGradMode<T>(on: boolean, fn: () => T): T {
  const prev = native.isGradEnabled();
  native.setGradEnabled(on);
  try {
    const r = fn();
    if (r instanceof Promise) {
      throw new TypeError('noGrad/enableGrad take a synchronous function: grad mode cannot span an await');
    }
    return r;
  } finally {
    native.setGradEnabled(prev);
  }
}

/** Runs fn with gradient tracking off (Python's `with torch.no_grad():`). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with gradient tracking on (Python's `with torch.enable_grad():`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/** Whether operations are being recorded for autograd (torch.is_grad_enabled). */
export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

/** Turns recording on or off until changed again (torch.set_grad_enabled). */
export function setGradEnabled(on: boolean): void {
  native.setGradEnabled(on);
}
