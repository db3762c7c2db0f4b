// Tensor ops the TypeScript layer calls: arithmetic, reductions, comparisons, shapes and autograd.
// Each one maps to the same ATen overload Python's torch picks for the same call, so that results are bitwise equal;
// "tensor or scalar" arguments choose between the Tensor and the Scalar overloads as Python's binding does.
#include <ATen/ATen.h>
#include <ATen/ScalarOps.h>

#include "args.h"
#include "tensor.h"

namespace tn {
namespace {

using at::indexing::TensorIndex;

// The second operand of a binary op: a tensor handle or a JS number / bigint / boolean.
#define TN_BINARY(name, fn)                                                                           \
  Napi::Value name(const Args& a) {                                                                   \
    return a.isTensor(1) ? a.ret(fn(a.tensor(0), a.tensor(1))) : a.ret(fn(a.tensor(0), a.scalar(1))); \
  }
#define TN_BINARY_INPLACE(name, method) \
  Napi::Value name(const Args& a) {     \
    if (a.isTensor(1))                  \
      a.tensor(0).method(a.tensor(1));  \
    else                                \
      a.tensor(0).method(a.scalar(1));  \
    return a.self();                    \
  }
#define TN_UNARY(name, fn) \
  Napi::Value name(const Args& a) { return a.ret(fn(a.tensor(0))); }
#define TN_UNARY_INPLACE(name, method) \
  Napi::Value name(const Args& a) {    \
    a.tensor(0).method();              \
    return a.self();                   \
  }

// ---- arithmetic
// ------------------------------------------------------------------------------------------------------

// add, sub, mul and div have no Scalar overloads in Python (they are C++-only): Python's binding turns a number into a
// 0-d "wrapped number" tensor and calls the Tensor overload. Doing the same gives the same autograd nodes
// (AddBackward0, not AddBackward1) and the same type promotion.
at::Tensor Operand(const Args& a, size_t i) {
  return a.isTensor(i) ? a.tensor(i) : at::native::wrapped_scalar_tensor(a.scalar(i));
}

// add(a, b, alpha) / sub(a, b, alpha) and their in-place forms
Napi::Value Add(const Args& a) { return a.ret(at::add(a.tensor(0), Operand(a, 1), a.optScalar(2).value_or(1))); }
Napi::Value Sub(const Args& a) { return a.ret(at::sub(a.tensor(0), Operand(a, 1), a.optScalar(2).value_or(1))); }
Napi::Value AddInplace(const Args& a) {
  a.tensor(0).add_(Operand(a, 1), a.optScalar(2).value_or(1));
  return a.self();
}
Napi::Value SubInplace(const Args& a) {
  a.tensor(0).sub_(Operand(a, 1), a.optScalar(2).value_or(1));
  return a.self();
}
Napi::Value Mul(const Args& a) { return a.ret(at::mul(a.tensor(0), Operand(a, 1))); }
Napi::Value MulInplace(const Args& a) {
  a.tensor(0).mul_(Operand(a, 1));
  return a.self();
}
// div(a, b, roundingMode | null) / div_(a, b, roundingMode | null)
Napi::Value Div(const Args& a) {
  auto mode = a.optStr(2);
  return a.ret(mode ? at::div(a.tensor(0), Operand(a, 1), *mode) : at::div(a.tensor(0), Operand(a, 1)));
}
Napi::Value DivInplace(const Args& a) {
  auto mode = a.optStr(2);
  if (mode)
    a.tensor(0).div_(Operand(a, 1), *mode);
  else
    a.tensor(0).div_(Operand(a, 1));
  return a.self();
}
TN_BINARY(Remainder, at::remainder)
Napi::Value Maximum(const Args& a) { return a.ret(at::maximum(a.tensor(0), a.tensor(1))); }
Napi::Value Minimum(const Args& a) { return a.ret(at::minimum(a.tensor(0), a.tensor(1))); }
// maximumOut(out, a, b): torch.maximum(a, b, out=out), as Adam's amsgrad does.
Napi::Value MaximumOut(const Args& a) {
  at::maximum_out(const_cast<at::Tensor&>(a.tensor(0)), a.tensor(1), a.tensor(2));
  return a.self();
}
// pow(base, exponent): tensor ** scalar, tensor ** tensor, or scalar ** tensor.
Napi::Value Pow(const Args& a) {
  if (!a.isTensor(0)) return a.ret(at::pow(a.scalar(0), a.tensor(1)));
  return a.isTensor(1) ? a.ret(at::pow(a.tensor(0), a.tensor(1))) : a.ret(at::pow(a.tensor(0), a.scalar(1)));
}
TN_BINARY_INPLACE(PowInplace, pow_)
// addcmul_(self, t1, t2, value) / addcdiv_(self, t1, t2, value)
Napi::Value AddcmulInplace(const Args& a) {
  a.tensor(0).addcmul_(a.tensor(1), a.tensor(2), a.optScalar(3).value_or(1));
  return a.self();
}
Napi::Value AddcdivInplace(const Args& a) {
  a.tensor(0).addcdiv_(a.tensor(1), a.tensor(2), a.optScalar(3).value_or(1));
  return a.self();
}
Napi::Value Addcmul(const Args& a) {
  return a.ret(at::addcmul(a.tensor(0), a.tensor(1), a.tensor(2), a.optScalar(3).value_or(1)));
}
Napi::Value Addcdiv(const Args& a) {
  return a.ret(at::addcdiv(a.tensor(0), a.tensor(1), a.tensor(2), a.optScalar(3).value_or(1)));
}
// lerp_(self, end, weight) with a scalar or tensor weight
Napi::Value LerpInplace(const Args& a) {
  if (a.isTensor(2))
    a.tensor(0).lerp_(a.tensor(1), a.tensor(2));
  else
    a.tensor(0).lerp_(a.tensor(1), a.scalar(2));
  return a.self();
}
Napi::Value Lerp(const Args& a) {
  return a.isTensor(2) ? a.ret(at::lerp(a.tensor(0), a.tensor(1), a.tensor(2)))
                       : a.ret(at::lerp(a.tensor(0), a.tensor(1), a.scalar(2)));
}

TN_UNARY(Neg, at::neg)
TN_UNARY_INPLACE(NegInplace, neg_)
TN_UNARY(Exp, at::exp)
TN_UNARY_INPLACE(ExpInplace, exp_)
TN_UNARY(Log, at::log)
TN_UNARY_INPLACE(LogInplace, log_)
TN_UNARY(Abs, at::abs)
TN_UNARY_INPLACE(AbsInplace, abs_)
TN_UNARY(Sqrt, at::sqrt)
TN_UNARY_INPLACE(SqrtInplace, sqrt_)
TN_UNARY(Rsqrt, at::rsqrt)
TN_UNARY(Square, at::square)
TN_UNARY(Sign, at::sign)
TN_UNARY(Sin, at::sin)
TN_UNARY(Cos, at::cos)
TN_UNARY(Tanh, at::tanh)
TN_UNARY(Sigmoid, at::sigmoid)
TN_UNARY(Floor, at::floor)
TN_UNARY(Ceil, at::ceil)
TN_UNARY(Round, at::round)
TN_UNARY(Reciprocal, at::reciprocal)
TN_UNARY(IsNan, at::isnan)
TN_UNARY(IsInf, at::isinf)
TN_UNARY(IsFinite, at::isfinite)
TN_UNARY(LogicalNot, at::logical_not)

// clamp(self, min | null, max | null), scalars or tensors
Napi::Value Clamp(const Args& a) {
  if (a.isTensor(1) || a.isTensor(2)) {
    return a.ret(at::clamp(a.tensor(0), a.optTensor(1), a.optTensor(2)));
  }
  return a.ret(at::clamp(a.tensor(0), a.optScalar(1), a.optScalar(2)));
}
Napi::Value ClampInplace(const Args& a) {
  a.tensor(0).clamp_(a.optScalar(1), a.optScalar(2));
  return a.self();
}
// fill_(self, value) with a scalar or a 0-d tensor
Napi::Value FillInplace(const Args& a) {
  if (a.isTensor(1))
    a.tensor(0).fill_(a.tensor(1));
  else
    a.tensor(0).fill_(a.scalar(1));
  return a.self();
}
TN_UNARY_INPLACE(ZeroInplace, zero_)
Napi::Value CopyInplace(const Args& a) {
  a.tensor(0).copy_(a.tensor(1), a.size() > 2 && !a.isNullish(2) && a.flag(2));
  return a.self();
}
// uniform_(self, from, to) / normal_(self, mean, std) / bernoulli_(self, p): libtorch's default generator, as PyTorch.
Napi::Value UniformInplace(const Args& a) {
  a.tensor(0).uniform_(a.f64(1), a.f64(2));
  return a.self();
}
Napi::Value NormalInplace(const Args& a) {
  a.tensor(0).normal_(a.f64(1), a.f64(2));
  return a.self();
}
Napi::Value BernoulliInplace(const Args& a) {
  a.tensor(0).bernoulli_(a.f64(1));
  return a.self();
}
Napi::Value Randperm(const Args& a) {
  auto opts = at::TensorOptions().dtype(a.optDtype(1).value_or(at::kLong)).device(a.device(2));
  return a.ret(at::randperm(a.i64(0), opts));
}

// ---- reductions
// ------------------------------------------------------------------------------------------------------

// sum(self, dims | null, keepdim, dtype | null): null dims picks the whole-tensor overload, as t.sum() in Python.
Napi::Value Sum(const Args& a) {
  if (a.isNullish(1)) return a.ret(at::sum(a.tensor(0), a.optDtype(3)));
  return a.ret(at::sum(a.tensor(0), a.ints(1), a.flag(2), a.optDtype(3)));
}
Napi::Value Mean(const Args& a) {
  if (a.isNullish(1)) return a.ret(at::mean(a.tensor(0), a.optDtype(3)));
  return a.ret(at::mean(a.tensor(0), a.ints(1), a.flag(2), a.optDtype(3)));
}
Napi::Value Prod(const Args& a) {
  if (a.isNullish(1)) return a.ret(at::prod(a.tensor(0), a.optDtype(3)));
  return a.ret(at::prod(a.tensor(0), a.i64(1), a.flag(2), a.optDtype(3)));
}
// var / std (self, dims | null, correction, keepdim)
Napi::Value Var(const Args& a) {
  if (a.isNullish(1)) return a.ret(at::var(a.tensor(0), c10::nullopt, a.i64(2), a.flag(3)));
  return a.ret(at::var(a.tensor(0), at::OptionalIntArrayRef(a.ints(1)), a.i64(2), a.flag(3)));
}
Napi::Value Std(const Args& a) {
  if (a.isNullish(1)) return a.ret(at::std(a.tensor(0), c10::nullopt, a.i64(2), a.flag(3)));
  return a.ret(at::std(a.tensor(0), at::OptionalIntArrayRef(a.ints(1)), a.i64(2), a.flag(3)));
}
// max(self) → tensor; max(self, dim, keepdim) → [values, indices]. Same for min.
Napi::Value Max(const Args& a) {
  if (a.isNullish(1)) return a.ret(at::max(a.tensor(0)));
  return a.ret(at::max(a.tensor(0), a.i64(1), a.flag(2)));
}
Napi::Value Min(const Args& a) {
  if (a.isNullish(1)) return a.ret(at::min(a.tensor(0)));
  return a.ret(at::min(a.tensor(0), a.i64(1), a.flag(2)));
}
Napi::Value Argmax(const Args& a) { return a.ret(at::argmax(a.tensor(0), a.optI64(1), a.size() > 2 && a.flag(2))); }
Napi::Value Argmin(const Args& a) { return a.ret(at::argmin(a.tensor(0), a.optI64(1), a.size() > 2 && a.flag(2))); }
Napi::Value Cumsum(const Args& a) { return a.ret(at::cumsum(a.tensor(0), a.i64(1), a.optDtype(2))); }
Napi::Value Any(const Args& a) { return a.ret(at::any(a.tensor(0))); }
Napi::Value All(const Args& a) { return a.ret(at::all(a.tensor(0))); }
// norm(self, p): the whole-tensor p-norm, as torch.norm(t, p)
Napi::Value Norm(const Args& a) { return a.ret(at::norm(a.tensor(0), a.scalar(1))); }
// topk(self, k, dim, largest, sorted) → [values, indices]; sort(self, dim, descending) → [values, indices]
Napi::Value Topk(const Args& a) { return a.ret(at::topk(a.tensor(0), a.i64(1), a.i64(2), a.flag(3), a.flag(4))); }
Napi::Value Sort(const Args& a) { return a.ret(at::sort(a.tensor(0), a.i64(1), a.flag(2))); }

// ---- comparisons
// ------------------------------------------------------------------------------------------------------

TN_BINARY(Eq, at::eq)
TN_BINARY(Ne, at::ne)
TN_BINARY(Lt, at::lt)
TN_BINARY(Le, at::le)
TN_BINARY(Gt, at::gt)
TN_BINARY(Ge, at::ge)
Napi::Value Equal(const Args& a) { return Napi::Boolean::New(a.env(), at::equal(a.tensor(0), a.tensor(1))); }
// allclose(a, b, rtol, atol, equalNan) / isclose(…)
Napi::Value Allclose(const Args& a) {
  return Napi::Boolean::New(a.env(), at::allclose(a.tensor(0), a.tensor(1), a.f64(2), a.f64(3), a.flag(4)));
}
Napi::Value Isclose(const Args& a) {
  return a.ret(at::isclose(a.tensor(0), a.tensor(1), a.f64(2), a.f64(3), a.flag(4)));
}
// where(cond, x, y), x and y tensors or scalars
Napi::Value Where(const Args& a) {
  const at::Tensor& c = a.tensor(0);
  if (a.isTensor(1) && a.isTensor(2)) return a.ret(at::where(c, a.tensor(1), a.tensor(2)));
  if (a.isTensor(1)) return a.ret(at::where(c, a.tensor(1), a.scalar(2)));
  if (a.isTensor(2)) return a.ret(at::where(c, a.scalar(1), a.tensor(2)));
  return a.ret(at::where(c, a.scalar(1), a.scalar(2)));
}

// ---- linear algebra
// ---------------------------------------------------------------------------------------------------

Napi::Value Matmul(const Args& a) { return a.ret(at::matmul(a.tensor(0), a.tensor(1))); }
Napi::Value Mm(const Args& a) { return a.ret(at::mm(a.tensor(0), a.tensor(1))); }
Napi::Value Dot(const Args& a) { return a.ret(at::dot(a.tensor(0), a.tensor(1))); }
Napi::Value Outer(const Args& a) { return a.ret(at::outer(a.tensor(0), a.tensor(1))); }

// ---- shapes and movement
// ---------------------------------------------------------------------------------------------

// to(self, device | null, dtype | null, nonBlocking, copy)
Napi::Value To(const Args& a) {
  const at::Tensor& t = a.tensor(0);
  at::Device dev = a.isNullish(1) ? t.device() : a.device(1);
  at::ScalarType dt = a.optDtype(2).value_or(t.scalar_type());
  bool nonBlocking = !a.isNullish(3) && a.flag(3);
  bool copy = !a.isNullish(4) && a.flag(4);
  at::Tensor r = t.to(dev, dt, nonBlocking, copy);
  // As in Python, a conversion that changes nothing gives back the very same tensor object.
  return r.is_same(t) ? a.self() : a.ret(r);
}
Napi::Value Clone(const Args& a) { return a.ret(at::clone(a.tensor(0))); }
Napi::Value Contiguous(const Args& a) { return a.ret(a.tensor(0).contiguous()); }
Napi::Value View(const Args& a) { return a.ret(a.tensor(0).view(a.ints(1))); }
Napi::Value ViewDtype(const Args& a) { return a.ret(a.tensor(0).view(a.dtype(1))); }
Napi::Value Reshape(const Args& a) { return a.ret(at::reshape(a.tensor(0), a.ints(1))); }
Napi::Value Flatten(const Args& a) { return a.ret(at::flatten(a.tensor(0), a.i64(1), a.i64(2))); }
Napi::Value Squeeze(const Args& a) {
  return a.isNullish(1) ? a.ret(at::squeeze(a.tensor(0))) : a.ret(at::squeeze(a.tensor(0), a.i64(1)));
}
Napi::Value Unsqueeze(const Args& a) { return a.ret(at::unsqueeze(a.tensor(0), a.i64(1))); }
Napi::Value Permute(const Args& a) { return a.ret(a.tensor(0).permute(a.ints(1))); }
Napi::Value Transpose(const Args& a) { return a.ret(at::transpose(a.tensor(0), a.i64(1), a.i64(2))); }
Napi::Value T(const Args& a) { return a.ret(a.tensor(0).t()); }
Napi::Value Select(const Args& a) { return a.ret(a.tensor(0).select(a.i64(1), a.i64(2))); }
Napi::Value Narrow(const Args& a) { return a.ret(a.tensor(0).narrow(a.i64(1), a.i64(2), a.i64(3))); }
Napi::Value Expand(const Args& a) { return a.ret(a.tensor(0).expand(a.ints(1))); }
Napi::Value Repeat(const Args& a) { return a.ret(a.tensor(0).repeat(a.ints(1))); }
Napi::Value Flip(const Args& a) { return a.ret(at::flip(a.tensor(0), a.ints(1))); }
Napi::Value AsStrided(const Args& a) { return a.ret(at::as_strided(a.tensor(0), a.ints(1), a.ints(2), a.optI64(3))); }
Napi::Value Cat(const Args& a) { return a.ret(at::cat(a.tensors(0), a.i64(1))); }
Napi::Value Stack(const Args& a) { return a.ret(at::stack(a.tensors(0), a.i64(1))); }
Napi::Value Chunk(const Args& a) { return a.ret(at::chunk(a.tensor(0), a.i64(1), a.i64(2))); }
Napi::Value Split(const Args& a) { return a.ret(at::split(a.tensor(0), a.i64(1), a.i64(2))); }
Napi::Value ConjPhysical(const Args& a) { return a.ret(at::conj_physical(a.tensor(0))); }
Napi::Value Real(const Args& a) { return a.ret(at::real(a.tensor(0))); }
Napi::Value Imag(const Args& a) { return a.ret(at::imag(a.tensor(0))); }
Napi::Value ViewAsReal(const Args& a) { return a.ret(at::view_as_real(a.tensor(0))); }
Napi::Value ViewAsComplex(const Args& a) { return a.ret(at::view_as_complex(a.tensor(0))); }
Napi::Value Complex(const Args& a) { return a.ret(at::complex(a.tensor(0), a.tensor(1))); }
Napi::Value Dequantize(const Args& a) { return a.ret(a.tensor(0).dequantize()); }

// Index items from TS: number → integer, null → None, '...' → Ellipsis, [start, stop, step] (nulls allowed) → slice,
// boolean → bool, tensor handle → advanced index.
std::vector<TensorIndex> Indices(const Args& a, size_t i) {
  if (i >= a.size() || !a[i].IsArray()) throw ArgError("argument " + std::to_string(i) + ": expected an index list");
  Napi::Array arr = a[i].As<Napi::Array>();
  std::vector<TensorIndex> out;
  out.reserve(arr.Length());
  auto optInt = [](const Napi::Value& v) -> c10::optional<int64_t> {
    if (v.IsNull() || v.IsUndefined()) return c10::nullopt;
    if (!v.IsNumber()) throw ArgError("slice bounds must be integers or null");
    double d = v.As<Napi::Number>().DoubleValue();
    if (d != static_cast<double>(static_cast<int64_t>(d))) throw ArgError("slice bounds must be integers or null");
    return static_cast<int64_t>(d);
  };
  for (uint32_t k = 0; k < arr.Length(); k++) {
    Napi::Value v = arr.Get(k);
    if (v.IsNull() || v.IsUndefined()) {
      out.emplace_back(at::indexing::None);
    } else if (v.IsBoolean()) {
      out.emplace_back(v.As<Napi::Boolean>().Value());
    } else if (v.IsNumber()) {
      double d = v.As<Napi::Number>().DoubleValue();
      if (d != static_cast<double>(static_cast<int64_t>(d))) throw ArgError("indices must be integers");
      out.emplace_back(static_cast<int64_t>(d));
    } else if (v.IsString() && v.As<Napi::String>().Utf8Value() == "...") {
      out.emplace_back(at::indexing::Ellipsis);
    } else if (v.IsArray()) {
      Napi::Array s = v.As<Napi::Array>();
      out.emplace_back(at::indexing::Slice(optInt(s.Get(0u)), optInt(s.Get(1u)), optInt(s.Get(2u))));
    } else if (TensorWrap* w = TensorWrap::FromValue(a.env(), v)) {
      out.emplace_back(w->get());
    } else {
      throw ArgError("unsupported index item at position " + std::to_string(k));
    }
  }
  return out;
}
Napi::Value Index(const Args& a) { return a.ret(a.tensor(0).index(Indices(a, 1))); }
Napi::Value IndexPutInplace(const Args& a) {
  at::Tensor self = a.tensor(0);
  if (a.isTensor(2))
    self.index_put_(Indices(a, 1), a.tensor(2));
  else
    self.index_put_(Indices(a, 1), a.scalar(2));
  return a.self();
}
Napi::Value IndexSelect(const Args& a) { return a.ret(at::index_select(a.tensor(0), a.i64(1), a.tensor(2))); }
Napi::Value Gather(const Args& a) { return a.ret(at::gather(a.tensor(0), a.i64(1), a.tensor(2))); }

// ---- autograd
// ----------------------------------------------------------------------------------------------------------

// backward(self, gradient | null, retainGraph | null, createGraph)
Napi::Value Backward(const Args& a) {
  c10::optional<bool> retain;
  if (!a.isNullish(2)) retain = a.flag(2);
  a.tensor(0).backward(a.optTensor(1).value_or(at::Tensor()), retain, !a.isNullish(3) && a.flag(3));
  return a.env().Undefined();
}
Napi::Value Detach(const Args& a) { return a.ret(a.tensor(0).detach()); }
TN_UNARY_INPLACE(DetachInplace, detach_)
Napi::Value RetainGrad(const Args& a) {
  a.tensor(0).retain_grad();
  return a.self();
}

}  // namespace

void RegisterOps(Napi::Env env, Napi::Object e) {
  const std::pair<const char*, NativeFn> fns[] = {
      {"add", Add},
      {"sub", Sub},
      {"add_", AddInplace},
      {"sub_", SubInplace},
      {"mul", Mul},
      {"mul_", MulInplace},
      {"div", Div},
      {"div_", DivInplace},
      {"remainder", Remainder},
      {"maximum", Maximum},
      {"minimum", Minimum},
      {"maximumOut", MaximumOut},
      {"pow", Pow},
      {"pow_", PowInplace},
      {"addcmul_", AddcmulInplace},
      {"addcdiv_", AddcdivInplace},
      {"addcmul", Addcmul},
      {"addcdiv", Addcdiv},
      {"lerp_", LerpInplace},
      {"lerp", Lerp},
      {"neg", Neg},
      {"neg_", NegInplace},
      {"exp", Exp},
      {"exp_", ExpInplace},
      {"log", Log},
      {"log_", LogInplace},
      {"abs", Abs},
      {"abs_", AbsInplace},
      {"sqrt", Sqrt},
      {"sqrt_", SqrtInplace},
      {"rsqrt", Rsqrt},
      {"square", Square},
      {"sign", Sign},
      {"sin", Sin},
      {"cos", Cos},
      {"tanh", Tanh},
      {"sigmoid", Sigmoid},
      {"floor", Floor},
      {"ceil", Ceil},
      {"round", Round},
      {"reciprocal", Reciprocal},
      {"isnan", IsNan},
      {"isinf", IsInf},
      {"isfinite", IsFinite},
      {"logicalNot", LogicalNot},
      {"clamp", Clamp},
      {"clamp_", ClampInplace},
      {"fill_", FillInplace},
      {"zero_", ZeroInplace},
      {"copy_", CopyInplace},
      {"uniform_", UniformInplace},
      {"normal_", NormalInplace},
      {"bernoulli_", BernoulliInplace},
      {"randperm", Randperm},
      {"sum", Sum},
      {"mean", Mean},
      {"prod", Prod},
      {"var", Var},
      {"std", Std},
      {"max", Max},
      {"min", Min},
      {"argmax", Argmax},
      {"argmin", Argmin},
      {"cumsum", Cumsum},
      {"any", Any},
      {"all", All},
      {"norm", Norm},
      {"topk", Topk},
      {"sort", Sort},
      {"eq", Eq},
      {"ne", Ne},
      {"lt", Lt},
      {"le", Le},
      {"gt", Gt},
      {"ge", Ge},
      {"equal", Equal},
      {"allclose", Allclose},
      {"isclose", Isclose},
      {"where", Where},
      {"matmul", Matmul},
      {"mm", Mm},
      {"dot", Dot},
      {"outer", Outer},
      {"to", To},
      {"clone", Clone},
      {"contiguous", Contiguous},
      {"view", View},
      {"viewDtype", ViewDtype},
      {"reshape", Reshape},
      {"flatten", Flatten},
      {"squeeze", Squeeze},
      {"unsqueeze", Unsqueeze},
      {"permute", Permute},
      {"transpose", Transpose},
      {"t", T},
      {"select", Select},
      {"narrow", Narrow},
      {"expand", Expand},
      {"repeat", Repeat},
      {"flip", Flip},
      {"asStrided", AsStrided},
      {"cat", Cat},
      {"stack", Stack},
      {"chunk", Chunk},
      {"split", Split},
      {"conjPhysical", ConjPhysical},
      {"real", Real},
      {"imag", Imag},
      {"viewAsReal", ViewAsReal},
      {"viewAsComplex", ViewAsComplex},
      {"complex", Complex},
      {"dequantize", Dequantize},
      {"index", Index},
      {"indexPut_", IndexPutInplace},
      {"indexSelect", IndexSelect},
      {"gather", Gather},
      {"backward", Backward},
      {"detach", Detach},
      {"detach_", DetachInplace},
      {"retainGrad", RetainGrad},
  };
  for (const auto& [name, fn] : fns) Def(env, e, name, fn);
}

}  // namespace tn
