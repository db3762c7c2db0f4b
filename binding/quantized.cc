// Quantized tensors over existing storages, and their quantizer parameters: what torch._utils._rebuild_qtensor needs
// when loading and what pickling one needs when saving. The TS layer checks extents and arguments first.
#include <ATen/ATen.h>

#include "args.h"
#include "tensor.h"

namespace tn {
namespace {

// quantizedView(base, dtype, offset, sizes, strides, scale | scales, zeroPoint | zeroPoints, axis | null): a quantized
// tensor of dtype over base's storage, per tensor (numbers) or per channel (tensors and an axis).
Napi::Value QuantizedView(const Args& a) {
  const at::Tensor& base = a.tensor(0);
  auto opts = base.options().dtype(a.dtype(1));
  std::vector<int64_t> sizes = a.ints(3);
  at::Tensor q;
  if (a.isNullish(7)) {
    q = at::_empty_affine_quantized(sizes, opts, a.f64(5), a.i64(6));
  } else {
    q = at::_empty_per_channel_affine_quantized(sizes, a.tensor(5), a.tensor(6), a.i64(7), opts);
  }
  q.set_(base.storage(), a.i64(2), sizes, a.ints(4));
  return a.ret(q);
}

// qParams(t) → ['per_tensor_affine', scale, zeroPoint] or ['per_channel_affine', scales, zeroPoints, axis]
// (the scheme as torch names it; per-channel scales and zero points as tensors).
Napi::Value QParams(const Args& a) {
  const at::Tensor& t = a.tensor(0);
  if (!t.is_quantized()) throw ArgError("qParams needs a quantized tensor");
  Napi::Env env = a.env();
  at::QScheme scheme = t.qscheme();
  Napi::Array out = Napi::Array::New(env);
  out.Set(0u, Napi::String::New(env, c10::toString(scheme)));
  if (scheme == at::kPerTensorAffine || scheme == at::kPerTensorSymmetric) {
    out.Set(1u, Napi::Number::New(env, t.q_scale()));
    out.Set(2u, Napi::Number::New(env, static_cast<double>(t.q_zero_point())));
  } else {
    out.Set(1u, a.ret(t.q_per_channel_scales()));
    out.Set(2u, a.ret(t.q_per_channel_zero_points()));
    out.Set(3u, Napi::Number::New(env, static_cast<double>(t.q_per_channel_axis())));
  }
  return out;
}

// intRepr(t): the stored integers of a quantized tensor (torch's int_repr()).
Napi::Value IntRepr(const Args& a) { return a.ret(a.tensor(0).int_repr()); }

}  // namespace

void RegisterQuantized(Napi::Env env, Napi::Object exports) {
  Def(env, exports, "quantizedView", QuantizedView);
  Def(env, exports, "qParams", QParams);
  Def(env, exports, "intRepr", IntRepr);
}

}  // namespace tn
