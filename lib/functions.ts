/**
 * Free functions of the torch namespace that take several tensors (torch.cat, torch.stack, torch.where, …) or mirror a
 * method (torch.matmul(a, b) is a.matmul(b)).
 */
import { native } from './native';
import { operand, Tensor, TensorOrScalar, wrap } from './tensor';

/** torch.cat: the tensors joined along an existing dimension (dtypes promoted). */
export function cat(tensors: Tensor[], dim = 0): Tensor {
  return wrap(
    native.cat(
      tensors.map((t) => t._h),
      dim,
    ),
  );
}
/** torch.stack: same-shape tensors joined along a new dimension. */
export function stack(tensors: Tensor[], dim = 0): Tensor {
  return wrap(
    native.stack(
      tensors.map((t) => t._h),
      dim,
    ),
  );
}
/** torch.where: x where condition is true, else y (tensors or scalars, broadcast). */
export function where(condition: Tensor, x: TensorOrScalar, y: TensorOrScalar): Tensor {
  return wrap(native.where(condition._h, operand(x), operand(y)));
}
/** torch.matmul: a.matmul(b). */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return a.matmul(b);
}
/** torch.maximum: a.maximum(b). */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return a.maximum(b);
}
/** torch.minimum: a.minimum(b). */
export function minimum(a: Tensor, b: Tensor): Tensor {
  return a.minimum(b);
}
/** torch.equal: same shape and same elements. */
export function equal(a: Tensor, b: Tensor): boolean {
  return a.equal(b);
}
/** torch.allclose: a.allclose(b, opts). */
export function allclose(
  a: Tensor,
  b: Tensor,
  opts: { rtol?: number; atol?: number; equalNan?: boolean } = {},
): boolean {
  return a.allclose(b, opts);
}
/** torch.outer: the outer product of two 1-D tensors. */
export function outer(a: Tensor, b: Tensor): Tensor {
  return wrap(native.outer(a._h, b._h));
}
/** torch.flatten: t.flatten(startDim, endDim). */
export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  return t.flatten(startDim, endDim);
}
/** torch.pow(base, exponent), where either may be a scalar. */
export function pow(base: TensorOrScalar, exponent: TensorOrScalar): Tensor {
  return wrap(native.pow(operand(base), operand(exponent)));
}
/** torch.complex(real, imag): a complex tensor (complex64 from float32 parts, complex128 from float64), broadcast. */
export function complex(real: Tensor, imag: Tensor): Tensor {
  return wrap(native.complex(real._h, imag._h));
}
