// The JavaScript handle of one at::Tensor.
//
// A handle owns a reference to the tensor (not the storage: views share it as in libtorch). V8 is told about the
// storage bytes a handle keeps alive, so that dropped tensors are collected under memory pressure; dispose() frees
// at once and leaves the handle unusable (a clear error instead of a crash).
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

namespace tn {

class TensorWrap : public Napi::ObjectWrap<TensorWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  static Napi::Object Wrap(Napi::Env env, at::Tensor t);
  // The tensor behind a JS value, or nullptr when the value is not a handle.
  static TensorWrap* FromValue(Napi::Env env, const Napi::Value& v);

  explicit TensorWrap(const Napi::CallbackInfo& info);
  ~TensorWrap() override;

  // Throws when disposed.
  const at::Tensor& get() const;
  bool disposed() const { return !t_.defined(); }
  void Dispose();

 private:
  void set(at::Tensor t);
  at::Tensor t_;
  int64_t accounted_ = 0;
  napi_env env_;
};

// Per-addon-instance data (one per Node environment, so worker_threads each get their own).
struct AddonData {
  Napi::FunctionReference tensorCtor;
  Napi::FunctionReference errorClass;
};
AddonData& Data(Napi::Env env);

// Tensors over JS-owned memory: the tensor keeps the JS object alive through a reference that is released on the JS
// thread (libtorch may free a storage on another thread, e.g. in a worker's save).
at::Tensor FromExternal(Napi::Env env, Napi::Object owner, void* data, size_t nbytes, at::ScalarType dtype);
// Releases references queued by storages freed off the JS thread.
void DrainReleases(napi_env env);

// Registration of the tensor-level functions (creation, metadata, conversion) in tensor.cc.
void RegisterTensorFunctions(Napi::Env env, Napi::Object exports);

}  // namespace tn
