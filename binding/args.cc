#include "args.h"

#include <cmath>
#include <unordered_map>

#include "tensor.h"

namespace tn {

namespace {
struct DtypeEntry {
  const char* name;
  at::ScalarType type;
};
// Python's names (torch.float32 → 'float32'); aliases such as 'float' or 'long' are resolved in TypeScript.
const DtypeEntry kDtypes[] = {
    {"float32", at::kFloat},
    {"float64", at::kDouble},
    {"float16", at::kHalf},
    {"bfloat16", at::kBFloat16},
    {"int8", at::kChar},
    {"uint8", at::kByte},
    {"int16", at::kShort},
    {"int32", at::kInt},
    {"int64", at::kLong},
    {"bool", at::kBool},
    {"complex32", at::kComplexHalf},
    {"complex64", at::kComplexFloat},
    {"complex128", at::kComplexDouble},
    {"qint8", at::kQInt8},
    {"quint8", at::kQUInt8},
    {"qint32", at::kQInt32},
    {"quint4x2", at::kQUInt4x2},
    {"quint2x4", at::kQUInt2x4},
};
}  // namespace

at::ScalarType ParseDtype(const std::string& name) {
  for (const auto& e : kDtypes)
    if (name == e.name) return e.type;
  throw ArgError("unknown dtype '" + name + "'");
}

const char* DtypeName(at::ScalarType t) {
  for (const auto& e : kDtypes)
    if (e.type == t) return e.name;
  return c10::toString(t);
}

std::string DeviceName(const at::Device& d) {
  // PyTorch prints a device without index as 'cuda'; tensors always carry one, so this is 'cpu' or 'cuda:N'.
  return d.str();
}

void Args::fail(size_t i, const char* expected) const {
  throw ArgError("argument " + std::to_string(i) + ": expected " + expected);
}

bool Args::isNullish(size_t i) const { return i >= info_.Length() || info_[i].IsNull() || info_[i].IsUndefined(); }

bool Args::isTensor(size_t i) const { return i < info_.Length() && TensorWrap::FromValue(env(), info_[i]) != nullptr; }

const at::Tensor& Args::tensor(size_t i) const {
  TensorWrap* w = i < info_.Length() ? TensorWrap::FromValue(env(), info_[i]) : nullptr;
  if (!w) fail(i, "a tensor handle");
  return w->get();
}

c10::optional<at::Tensor> Args::optTensor(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return tensor(i);
}

std::vector<at::Tensor> Args::tensors(size_t i) const {
  if (i >= info_.Length() || !info_[i].IsArray()) fail(i, "an array of tensor handles");
  Napi::Array arr = info_[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) {
    TensorWrap* w = TensorWrap::FromValue(env(), arr.Get(k));
    if (!w) fail(i, "an array of tensor handles");
    out.push_back(w->get());
  }
  return out;
}

int64_t Args::i64(size_t i) const {
  if (i < info_.Length()) {
    Napi::Value v = info_[i];
    if (v.IsNumber()) {
      double d = v.As<Napi::Number>().DoubleValue();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 9007199254740992.0) return static_cast<int64_t>(d);
    } else if (v.IsBigInt()) {
      bool lossless = false;
      int64_t r = v.As<Napi::BigInt>().Int64Value(&lossless);
      if (lossless) return r;
    }
  }
  fail(i, "an integer");
}

c10::optional<int64_t> Args::optI64(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return i64(i);
}

double Args::f64(size_t i) const {
  if (i >= info_.Length() || !info_[i].IsNumber()) fail(i, "a number");
  return info_[i].As<Napi::Number>().DoubleValue();
}

c10::optional<double> Args::optF64(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return f64(i);
}

bool Args::flag(size_t i) const {
  if (i >= info_.Length() || !info_[i].IsBoolean()) fail(i, "a boolean");
  return info_[i].As<Napi::Boolean>().Value();
}

std::string Args::str(size_t i) const {
  if (i >= info_.Length() || !info_[i].IsString()) fail(i, "a string");
  return info_[i].As<Napi::String>().Utf8Value();
}

c10::optional<std::string> Args::optStr(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return str(i);
}

std::vector<int64_t> Args::ints(size_t i) const {
  if (i >= info_.Length() || !info_[i].IsArray()) fail(i, "an array of integers");
  Napi::Array arr = info_[i].As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) {
    Napi::Value v = arr.Get(k);
    if (!v.IsNumber()) fail(i, "an array of integers");
    double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9007199254740992.0) fail(i, "an array of integers");
    out[k] = static_cast<int64_t>(d);
  }
  return out;
}

at::Scalar Args::scalar(size_t i) const {
  if (i < info_.Length()) {
    Napi::Value v = info_[i];
    if (v.IsBoolean()) return at::Scalar(v.As<Napi::Boolean>().Value());
    if (v.IsBigInt()) return at::Scalar(i64(i));
    if (v.IsNumber()) {
      // An integral JS number acts as a Python int (keeps integer tensors integral); any other as a Python float.
      double d = v.As<Napi::Number>().DoubleValue();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 9007199254740992.0)
        return at::Scalar(static_cast<int64_t>(d));
      return at::Scalar(d);
    }
  }
  fail(i, "a number, bigint or boolean");
}

c10::optional<at::Scalar> Args::optScalar(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return scalar(i);
}

at::ScalarType Args::dtype(size_t i) const { return ParseDtype(str(i)); }

c10::optional<at::ScalarType> Args::optDtype(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return dtype(i);
}

at::Device Args::device(size_t i) const {
  if (isNullish(i)) return at::Device(at::kCPU);
  return at::Device(str(i));
}

at::TensorOptions Args::options(size_t dtypeArg, size_t deviceArg) const {
  return at::TensorOptions().dtype(optDtype(dtypeArg).value_or(at::kFloat)).device(device(deviceArg));
}

Napi::Object Args::object(size_t i) const {
  if (i >= info_.Length() || !info_[i].IsObject()) fail(i, "an object");
  return info_[i].As<Napi::Object>();
}

Napi::Value Args::ret(const at::Tensor& t) const { return TensorWrap::Wrap(env(), t); }

Napi::Value Args::ret(const std::vector<at::Tensor>& ts) const {
  Napi::Array arr = Napi::Array::New(env(), ts.size());
  for (size_t k = 0; k < ts.size(); k++) arr.Set(static_cast<uint32_t>(k), TensorWrap::Wrap(env(), ts[k]));
  return arr;
}

Napi::Value Args::ret(const std::tuple<at::Tensor, at::Tensor>& ts) const {
  return ret(std::vector<at::Tensor>{std::get<0>(ts), std::get<1>(ts)});
}

void Def(Napi::Env env, Napi::Object exports, const char* name, NativeFn fn) {
  exports.Set(name, Napi::Function::New(
                        env,
                        [fn](const Napi::CallbackInfo& info) -> Napi::Value {
                          return Guard(info.Env(), [&] { return fn(Args(info)); });
                        },
                        name));
}

}  // namespace tn
