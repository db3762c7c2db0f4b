/**
 * Native chains: a run of built-in layers (a Sequential of Conv2d, ReLU, MaxPool2d, Linear, Dropout; LeNet2's two
 * stages) executed in one native call, each layer as the ATen op its own forward calls.
 *
 * Why: every op that returns to JavaScript makes a handle (a wrapped object, a weak reference, a finalizer) and its
 * tensor is freed only when the collector finds the handle dropped. For small inputs that bookkeeping costs as much
 * as the op itself: a batch-1 LeNet2 forward layer by layer was ~15% slower than PyTorch. In a chain only the result
 * gets a handle and the intermediates are freed at once, as Python's refcounting frees them.
 *
 * A layer joins a chain only when it is exactly a built-in class (a subclass may override forward) with attributes
 * its forward would accept; anything else makes the whole module run layer by layer, through its own forward, so
 * that errors and behaviour stay those of the layer. The plan is rebuilt at every call, so replaced weights,
 * train()/eval() and swapped children take effect as they do layer by layer.
 */
import { native } from '../native';
import { Tensor, wrap } from '../tensor';
import { ReLU } from './activation';
import { Conv2d } from './conv';
import { Dropout } from './dropout';
import { Linear } from './linear';
import { Module } from './module';
import { MaxPool2d } from './pooling';

/** Step codes, as binding/nn.cc reads them (ChainStep). */
const CONV2D = 1;
const LINEAR = 2;
const RELU = 3;
const MAX_POOL2D = 4;
const DROPOUT = 5;
/** `x.view(x.size(0), -1)`: LeNet2's flattening between its stages. */
export const FLAT_BATCH = 6;

/** The numbers and tensors of a chain being planned. */
export interface ChainPlan {
  codes: number[];
  tensors: (Tensor | null)[];
}

export function newPlan(): ChainPlan {
  return { codes: [], tensors: [] };
}

/** Pushes an int-or-pair attribute as two ints; false when it is anything else. */
function pushPair(codes: number[], v: unknown): boolean {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return false;
    codes.push(v, v);
    return true;
  }
  if (!Array.isArray(v) || v.length !== 2 || !Number.isInteger(v[0]) || !Number.isInteger(v[1])) return false;
  codes.push(v[0] as number, v[1] as number);
  return true;
}

function isTensorOrNull(v: unknown): v is Tensor | null {
  return v === null || v instanceof Tensor;
}

/**
 * Appends a built-in layer's step to plan. False (and the plan left partly written, to be thrown away) when the
 * module is no built-in layer or has attributes only its own forward can deal with (Sequential plans its children
 * with this, see container.ts).
 */
export function planLayer(m: Module, plan: ChainPlan): boolean {
  // A forward or call patched onto the instance is to run as it is.
  if (Object.hasOwn(m, 'forward') || Object.hasOwn(m, 'call')) return false;
  const { codes, tensors } = plan;
  switch (m.constructor) {
    case Conv2d: {
      const c = m as Conv2d;
      if ((c.paddingMode ?? 'zeros') !== 'zeros' || !(c.weight instanceof Tensor) || !isTensorOrNull(c.bias)) {
        return false;
      }
      if (!Number.isInteger(c.groups)) return false;
      codes.push(CONV2D);
      tensors.push(c.weight, c.bias);
      if (!pushPair(codes, c.stride) || !pushPair(codes, c.padding) || !pushPair(codes, c.dilation)) return false;
      codes.push(c.groups);
      return true;
    }
    case Linear: {
      const l = m as Linear;
      if (!(l.weight instanceof Tensor) || !isTensorOrNull(l.bias)) return false;
      codes.push(LINEAR);
      tensors.push(l.weight, l.bias);
      return true;
    }
    case ReLU:
      codes.push(RELU, (m as ReLU).inplace ? 1 : 0);
      return true;
    case MaxPool2d: {
      const p = m as MaxPool2d;
      if (p.returnIndices) return false;
      codes.push(MAX_POOL2D);
      const stride = p.stride ?? p.kernelSize;
      const pairs = [p.kernelSize, stride, p.padding, p.dilation];
      if (!pairs.every((v) => pushPair(codes, v))) return false;
      codes.push(p.ceilMode ? 1 : 0);
      return true;
    }
    case Dropout: {
      const d = m as Dropout;
      if (typeof d.p !== 'number' || !(d.p >= 0 && d.p <= 1)) return false;
      codes.push(DROPOUT, d.p, d.training ? 1 : 0, d.inplace ? 1 : 0);
      return true;
    }
    default:
      return false;
  }
}

/** Runs a plan on input; the input itself when every step was in place. */
export function runPlan(input: Tensor, plan: ChainPlan): Tensor {
  const handles = plan.tensors.map((t) => (t === null ? null : t._h));
  const h = native.chain(input._h, new Float64Array(plan.codes), handles);
  return h === input._h ? input : wrap(h);
}
