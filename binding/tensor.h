// The JavaScript handle of one at::Tensor.
//
// A handle owns a reference to the tensor (not the storage: views share it as in libtorch). V8 is told about the
// storage bytes a handle keeps alive, so that memory pressure triggers garbage collection; dispose() frees at once
// and leaves the handle unusable (a clear error instead of a crash).
//
// Node-API runs an object's finalizer only on a later turn of the event loop, never during the GC itself, so a
// synchronous loop that makes and drops tensors would hold every one of them until it returns. The registry below
// closes that gap: the GC clears the weak reference of a dropped handle at once, and new allocations periodically
// sweep the live handles and free the tensors of those whose JS object is already gone.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tn {

class Args;
class TensorWrap;
struct AddonData;

// The handles of one environment that hold a tensor, and the allocation counters that decide when to sweep them.
struct HandleRegistry {
  // A vector, each handle knowing its slot: inserting and removing a handle in a hash set (a node allocation each)
  // was a visible share of making a tensor.
  std::vector<TensorWrap*> live;
  // The storages the live handles keep alive, each with its count of handles and the bytes it was counted for: a
  // storage shared by several handles (views, the writer's byte views) is counted once, not once per handle.
  std::unordered_map<const void*, std::pair<int64_t, int64_t>> storages;
  int64_t liveBytes = 0;  // storage bytes the live handles account for
  int64_t bytesSinceSweep = 0;
  size_t madeSinceSweep = 0;
  // liveBytes at which the next full GC is forced (see TensorWrap::MaybeSweep).
  int64_t pressureMark = 256 << 20;
};

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
  // Frees the tensors of handles whose JS object the GC has collected, when enough was allocated since last time.
  static void MaybeSweep(Napi::Env env, AddonData& data);
  at::Tensor t_;
  // The storage this handle counts in the registry (nullptr when it counts none).
  const void* storage_ = nullptr;
  // This handle's place in registry_->live, or kNoSlot when it holds no tensor.
  static constexpr size_t kNoSlot = static_cast<size_t>(-1);
  size_t slot_ = kNoSlot;
  napi_env env_;
  // Shared with the environment's data so that either may be destroyed first at shutdown.
  std::shared_ptr<HandleRegistry> registry_;
};

// Per-addon-instance data (one per Node environment, so worker_threads each get their own).
struct AddonData {
  Napi::FunctionReference tensorCtor;
  Napi::FunctionReference errorClass;
  // A function that runs a full garbage collection (set from lib/memory.ts), or empty.
  Napi::FunctionReference fullGc;
  std::shared_ptr<HandleRegistry> handles = std::make_shared<HandleRegistry>();
};
AddonData& Data(Napi::Env env);

// Tensors over JS-owned memory: the tensor keeps the JS object alive through a reference that is released on the JS
// thread (libtorch may free a storage on another thread, e.g. in a worker's save).
at::Tensor FromExternal(Napi::Env env, Napi::Object owner, void* data, size_t nbytes, at::ScalarType dtype);
// The view of `storage` that arguments i… give (dtype, offset, sizes, strides): torch.load makes a storage and its
// first tensor in one call, with one handle.
at::Tensor ViewOf(const Args& a, size_t i, const c10::Storage& storage);
// Releases references queued by storages freed off the JS thread.
void DrainReleases(napi_env env);

// Registration of the tensor-level functions (creation, metadata, conversion) in tensor.cc.
void RegisterTensorFunctions(Napi::Env env, Napi::Object exports);

}  // namespace tn
