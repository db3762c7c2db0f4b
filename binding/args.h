// Checked access to the JavaScript arguments of a native call, and the one way native functions are registered.
//
// The TypeScript layer validates user input first and gives friendly messages; these checks are the last line that
// keeps a wrong call (from TS bugs or from users reaching for the raw binding) from crashing the process: each mismatch
// throws an ArgError, which Guard() turns into a TorchError.
#pragma once
#include <ATen/ATen.h>
#include <c10/util/Optional.h>
#include <napi.h>

#include <string>
#include <vector>

#include "errors.h"

namespace tn {

// Python's names for dtypes without the "torch." prefix ('float32', 'int64', 'quint8', …).
at::ScalarType ParseDtype(const std::string& name);
const char* DtypeName(at::ScalarType t);
std::string DeviceName(const at::Device& d);

class Args {
 public:
  explicit Args(const Napi::CallbackInfo& info) : info_(info) {}
  Napi::Env env() const { return info_.Env(); }
  size_t size() const { return info_.Length(); }
  Napi::Value operator[](size_t i) const { return info_[i]; }

  bool isNullish(size_t i) const;
  bool isTensor(size_t i) const;
  const at::Tensor& tensor(size_t i) const;
  c10::optional<at::Tensor> optTensor(size_t i) const;
  std::vector<at::Tensor> tensors(size_t i) const;
  int64_t i64(size_t i) const;
  c10::optional<int64_t> optI64(size_t i) const;
  double f64(size_t i) const;
  c10::optional<double> optF64(size_t i) const;
  bool flag(size_t i) const;
  std::string str(size_t i) const;
  c10::optional<std::string> optStr(size_t i) const;
  std::vector<int64_t> ints(size_t i) const;
  at::Scalar scalar(size_t i) const;
  c10::optional<at::Scalar> optScalar(size_t i) const;
  at::ScalarType dtype(size_t i) const;
  c10::optional<at::ScalarType> optDtype(size_t i) const;
  at::Device device(size_t i) const;
  // TensorOptions from a dtype argument (nullish = float32 as PyTorch's default) and a device argument (nullish = cpu).
  at::TensorOptions options(size_t dtypeArg, size_t deviceArg) const;
  Napi::Object object(size_t i) const;

  // Results: a new handle for a new tensor, an array of handles for several.
  Napi::Value ret(const at::Tensor& t) const;
  Napi::Value ret(const std::vector<at::Tensor>& ts) const;
  Napi::Value ret(const std::tuple<at::Tensor, at::Tensor>& ts) const;
  // In-place ops hand back the handle they were given, so JS keeps one object per tensor.
  Napi::Value self(size_t i = 0) const { return info_[i]; }

 private:
  [[noreturn]] void fail(size_t i, const char* expected) const;
  const Napi::CallbackInfo& info_;
};

using NativeFn = Napi::Value (*)(const Args&);

// Registers fn on exports under name; its body runs inside Guard().
void Def(Napi::Env env, Napi::Object exports, const char* name, NativeFn fn);

}  // namespace tn
