#include "tensor.h"

#include <torch/csrc/autograd/function.h>

#if __has_include(<malloc.h>)
#include <malloc.h>  // malloc_trim, where the C library is glibc
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>

#include "args.h"

namespace tn {

AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

// ---- handles -------------------------------------------------------------------------------------------------------

void TensorWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "NativeTensor", {});
  Data(env).tensorCtor = Napi::Persistent(ctor);
  exports.Set("NativeTensor", ctor);
}

TensorWrap::TensorWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<TensorWrap>(info), env_(info.Env()), registry_(Data(info.Env()).handles) {}

TensorWrap::~TensorWrap() { Dispose(); }

static int64_t AccountedBytes(const at::Tensor& t) {
  // What this handle keeps alive: its storage (counted once however many handles share it, see set()).
  if (!t.defined() || !t.has_storage()) return 0;
  // A storage without an allocator was made over memory someone else owns: a mapped file's pages (which the kernel
  // can drop and read again) or a Buffer V8 already counts. Counting those made every load of a large checkpoint
  // force full collections that could free nothing (perf: 60 ms per 1 GiB load, most of it GC).
  if (t.storage().allocator() == nullptr) return 0;
  return static_cast<int64_t>(t.storage().nbytes());
}

void TensorWrap::set(at::Tensor t) {
  t_ = std::move(t);
  if (slot_ == kNoSlot) {
    slot_ = registry_->live.size();
    registry_->live.push_back(this);
  }
  registry_->madeSinceSweep++;
  const int64_t bytes = AccountedBytes(t_);
  if (bytes <= 0) return;
  // Only the first handle over a storage tells V8 about its bytes: counting every view again (saveAsync's byte view
  // of each storage, narrow() of a large tensor) made V8 and MaybeSweep collect for memory that did not exist.
  storage_ = t_.storage().unsafeGetStorageImpl();
  auto& entry = registry_->storages[storage_];
  if (entry.first++ > 0) return;
  entry.second = bytes;
  registry_->liveBytes += bytes;
  registry_->bytesSinceSweep += bytes;
  int64_t unused;
  napi_adjust_external_memory(env_, bytes, &unused);
}

void TensorWrap::MaybeSweep(Napi::Env env, AddonData& data) {
  HandleRegistry& registry = *data.handles;
  // V8 collects dropped handles under external-memory pressure, but on its own schedule: with its marking threads
  // starved of CPU it lets external memory reach half the heap limit (gigabytes) before a full collection. Past
  // the pressure mark a full GC is forced, so that the memory of dropped tensors stays within a few hundred MB.
  const bool force = registry.liveBytes >= registry.pressureMark && !data.fullGc.IsEmpty();
  // Otherwise sweep after 64 MB or 8192 new handles, but never more often than every live.size() / 16 new handles:
  // a sweep (one weak-reference lookup per live handle) then costs a bounded amount per allocation.
  constexpr int64_t kBytes = 64 << 20;
  constexpr size_t kHandles = 8192;
  if (!force && registry.bytesSinceSweep < kBytes && registry.madeSinceSweep < kHandles) return;
  if (!force && registry.madeSinceSweep * 16 < registry.live.size()) return;
  registry.bytesSinceSweep = 0;
  registry.madeSinceSweep = 0;
  Napi::HandleScope scope(env);
  if (force) data.fullGc.Call({});
  std::vector<TensorWrap*> collected;
  // A handle's own reference is weak: it reads as empty once the GC has collected the JS object, even though
  // Node-API will only call the finalizer later.
  for (size_t i = 0; i < registry.live.size(); i += 256) {
    // A scope per slice: one scope for every live handle grew V8's handle blocks by the thousand, and allocating
    // and freeing them made malloc consolidate its free lists each time.
    Napi::HandleScope slice(env);
    for (size_t j = i; j < std::min(i + 256, registry.live.size()); j++)
      if (registry.live[j]->Value().IsEmpty()) collected.push_back(registry.live[j]);
  }
  for (TensorWrap* w : collected) w->Dispose();
  if (!force) return;
  // What survives a forced collection is really in use: the next one waits until that has doubled.
  registry.pressureMark = std::max<int64_t>(256 << 20, 2 * registry.liveBytes);
#ifdef __GLIBC__
  // The freed storages sit in the allocator's free lists, scattered between live blocks; hand their pages back to
  // the system so that a burst of garbage does not stay resident.
  malloc_trim(0);
#endif
}

void TensorWrap::Dispose() {
  if (slot_ != kNoSlot) {
    // The last handle takes this one's slot.
    TensorWrap* last = registry_->live.back();
    registry_->live[slot_] = last;
    last->slot_ = slot_;
    registry_->live.pop_back();
    slot_ = kNoSlot;
  }
  auto it = storage_ ? registry_->storages.find(storage_) : registry_->storages.end();
  storage_ = nullptr;
  if (it != registry_->storages.end() && --it->second.first == 0) {
    // The last handle over this storage: its bytes are no longer held by any handle.
    const int64_t bytes = it->second.second;
    registry_->storages.erase(it);
    registry_->liveBytes -= bytes;
    int64_t unused;
    napi_adjust_external_memory(env_, -bytes, &unused);
  }
  t_ = at::Tensor();
}

const at::Tensor& TensorWrap::get() const {
  if (!t_.defined()) throw ArgError("this tensor has been disposed");
  return t_;
}

Napi::Object TensorWrap::Wrap(Napi::Env env, at::Tensor t) {
  DrainReleases(env);
  MaybeSweep(env, Data(env));
  // Through the constructor itself: FunctionReference::New adds an escapable handle scope (an allocation) per call.
  Napi::Object obj = Data(env).tensorCtor.Value().New({});
  Unwrap(obj)->set(std::move(t));
  return obj;
}

TensorWrap* TensorWrap::FromValue(Napi::Env env, const Napi::Value& v) {
  if (!v.IsObject()) return nullptr;
  Napi::Object o = v.As<Napi::Object>();
  if (!o.InstanceOf(Data(env).tensorCtor.Value())) return nullptr;
  return Unwrap(o);
}

// ---- tensors over JS memory ----------------------------------------------------------------------------------------

namespace {
struct ExternalRef {
  napi_env env;
  napi_ref ref;
  std::thread::id thread;
};
std::mutex gPendingMutex;
std::vector<ExternalRef*> gPending;

void ReleaseExternal(void* ctx) {
  auto* r = static_cast<ExternalRef*>(ctx);
  if (std::this_thread::get_id() == r->thread) {
    napi_delete_reference(r->env, r->ref);
    delete r;
    return;
  }
  std::lock_guard<std::mutex> lock(gPendingMutex);
  gPending.push_back(r);
}
}  // namespace

void DrainReleases(napi_env env) {
  std::vector<ExternalRef*> mine;
  {
    std::lock_guard<std::mutex> lock(gPendingMutex);
    if (gPending.empty()) return;
    auto split = std::partition(gPending.begin(), gPending.end(), [env](ExternalRef* r) { return r->env != env; });
    mine.assign(split, gPending.end());
    gPending.erase(split, gPending.end());
  }
  for (ExternalRef* r : mine) {
    napi_delete_reference(r->env, r->ref);
    delete r;
  }
}

at::Tensor FromExternal(Napi::Env env, Napi::Object owner, void* data, size_t nbytes, at::ScalarType dtype) {
  const size_t item = c10::elementSize(dtype);
  if (nbytes % item != 0)
    throw ArgError("byte length " + std::to_string(nbytes) + " is not a multiple of the element size of " +
                   DtypeName(dtype));
  const int64_t numel = static_cast<int64_t>(nbytes / item);
  auto opts = at::TensorOptions().dtype(dtype);
  // ATen's kernels expect elements aligned to their size; a misaligned region (legacy files have no padding) is
  // copied once instead of being viewed.
  if (reinterpret_cast<uintptr_t>(data) % item != 0) {
    at::Tensor copy = at::empty({numel}, opts);
    if (nbytes) std::memcpy(copy.data_ptr(), data, nbytes);
    return copy;
  }
  auto* r = new ExternalRef{env, nullptr, std::this_thread::get_id()};
  napi_status st = napi_create_reference(env, owner, 1, &r->ref);
  if (st != napi_ok) {
    delete r;
    throw ArgError("could not reference the buffer");
  }
  c10::DataPtr ptr(data, r, &ReleaseExternal, at::Device(at::kCPU));
  c10::Storage storage(c10::Storage::use_byte_size_t(), nbytes, std::move(ptr), nullptr, false);
  return at::empty({0}, opts).set_(storage, 0, {numel}, {1});
}

at::Tensor ViewOf(const Args& a, size_t i, const c10::Storage& storage) {
  const at::ScalarType dtype = a.dtype(i);
  const int64_t offset = a.i64(i + 1);
  std::vector<int64_t> sizes = a.ints(i + 2), strides = a.ints(i + 3);
  if (c10::isQIntType(dtype) || !storage.device().is_cpu()) {
    at::Tensor t = at::empty({0}, at::TensorOptions().dtype(dtype));
    return t.set_(storage, offset, sizes, strides);
  }
  // Built as at::empty builds its tensors, a TensorImpl over the storage (perf: at::empty then set_ went through the
  // dispatcher twice for every tensor of a file), after the bounds check set_ would make.
  if (sizes.size() != strides.size()) throw ArgError("sizes and strides have different lengths");
  bool empty = false;
  int64_t last = offset;
  bool ok = offset >= 0;
  for (size_t d = 0; d < sizes.size() && ok; d++) {
    int64_t span = 0;
    ok = sizes[d] >= 0 && strides[d] >= 0 &&
         !__builtin_mul_overflow(std::max<int64_t>(sizes[d] - 1, 0), strides[d], &span) &&
         !__builtin_add_overflow(last, span, &last);
    empty = empty || sizes[d] == 0;
  }
  const int64_t item = static_cast<int64_t>(c10::elementSize(dtype));
  int64_t needed = 0;
  if (!ok ||
      (!empty && (__builtin_mul_overflow(last + 1, item, &needed) || needed > static_cast<int64_t>(storage.nbytes()))))
    throw ArgError("the view lies outside its storage");
  auto impl = c10::make_intrusive<c10::TensorImpl>(c10::Storage(storage), c10::DispatchKeySet(c10::DispatchKey::CPU),
                                                   c10::scalarTypeToTypeMeta(dtype));
  impl->set_sizes_and_strides(sizes, strides);
  impl->set_storage_offset(offset);
  return at::Tensor(std::move(impl));
}

// ---- functions ------------------------------------------------------------------------------------------------------

namespace {

// Data pointer and length of a Uint8Array / Buffer / any ArrayBufferView argument.
std::pair<uint8_t*, size_t> ViewBytes(const Args& a, size_t i) {
  if (i >= a.size() || !a[i].IsTypedArray())
    throw ArgError("argument " + std::to_string(i) + ": expected a TypedArray");
  auto v = a[i].As<Napi::TypedArray>();
  auto* base = static_cast<uint8_t*>(v.ArrayBuffer().Data());
  return {base + v.ByteOffset(), v.ByteLength()};
}

Napi::Value Int64ToJs(Napi::Env env, int64_t v) {
  if (v > 9007199254740991LL || v < -9007199254740991LL) return Napi::BigInt::New(env, v);
  return Napi::Number::New(env, static_cast<double>(v));
}

Napi::Value IntList(Napi::Env env, at::IntArrayRef xs) {
  Napi::Array arr = Napi::Array::New(env, xs.size());
  for (size_t k = 0; k < xs.size(); k++) arr.Set(static_cast<uint32_t>(k), Napi::Number::New(env, double(xs[k])));
  return arr;
}

at::Tensor ToCpuContiguous(const at::Tensor& t) {
  at::Tensor c = t.device().is_cpu() ? t : t.cpu();
  return c.resolve_conj().resolve_neg().contiguous();
}

Napi::Value FromBytes(const Args& a) {
  auto [ptr, len] = ViewBytes(a, 0);
  at::ScalarType dtype = a.dtype(1);
  std::vector<int64_t> shape = a.ints(2);
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
  if (t.nbytes() != len)
    throw ArgError("expected " + std::to_string(t.nbytes()) + " bytes for this shape and dtype, got " +
                   std::to_string(len));
  if (len) std::memcpy(t.data_ptr(), ptr, len);
  return a.ret(t);
}

// fromExternal(view, dtype[, viewDtype, offset, sizes, strides]): a 1-D tensor over the view's bytes, zero-copy when
// aligned; or that view of the storage over them.
Napi::Value FromExternalFn(const Args& a) {
  auto [ptr, len] = ViewBytes(a, 0);
  at::Tensor whole = FromExternal(a.env(), a.object(0), ptr, len, a.dtype(1));
  return a.ret(a.isNullish(2) ? whole : ViewOf(a, 2, whole.storage()));
}

// setStorage(base, dtype | null, offset, sizes, strides): a tensor over base's storage (a view sharing it).
Napi::Value SetStorage(const Args& a) {
  const at::Tensor& base = a.tensor(0);
  auto opts = base.options().dtype(a.optDtype(1).value_or(base.scalar_type()));
  at::Tensor t = at::empty({0}, opts);
  t.set_(base.storage(), a.i64(2), a.ints(3), a.ints(4));
  return a.ret(t);
}

Napi::Value Empty(const Args& a) { return a.ret(at::empty(a.ints(0), a.options(1, 2))); }
Napi::Value Zeros(const Args& a) { return a.ret(at::zeros(a.ints(0), a.options(1, 2))); }
Napi::Value Ones(const Args& a) { return a.ret(at::ones(a.ints(0), a.options(1, 2))); }
Napi::Value Rand(const Args& a) { return a.ret(at::rand(a.ints(0), a.options(1, 2))); }
Napi::Value Randn(const Args& a) { return a.ret(at::randn(a.ints(0), a.options(1, 2))); }
// full(shape, value, dtype | null, device): a null dtype infers it from the value, as torch.full does.
Napi::Value Full(const Args& a) {
  auto opts = at::TensorOptions().device(a.device(3));
  if (!a.isNullish(2)) opts = opts.dtype(a.dtype(2));
  return a.ret(at::full(a.ints(0), a.scalar(1), opts));
}
// randint(low, high, shape, dtype | null, device): int64 by default, as PyTorch.
Napi::Value Randint(const Args& a) {
  auto opts = at::TensorOptions().dtype(a.optDtype(3).value_or(at::kLong)).device(a.device(4));
  return a.ret(at::randint(a.i64(0), a.i64(1), a.ints(2), opts));
}
// arange(start, end, step, dtype | null, device): a null dtype infers int64 or float32 from the scalars.
Napi::Value Arange(const Args& a) {
  auto opts = at::TensorOptions().device(a.device(4));
  if (!a.isNullish(3)) opts = opts.dtype(a.dtype(3));
  return a.ret(at::arange(a.scalar(0), a.scalar(1), a.scalar(2), opts));
}
Napi::Value Linspace(const Args& a) { return a.ret(at::linspace(a.scalar(0), a.scalar(1), a.i64(2), a.options(3, 4))); }

Napi::Value Dtype(const Args& a) { return Napi::String::New(a.env(), DtypeName(a.tensor(0).scalar_type())); }
Napi::Value Shape(const Args& a) { return IntList(a.env(), a.tensor(0).sizes()); }
Napi::Value Strides(const Args& a) { return IntList(a.env(), a.tensor(0).strides()); }
Napi::Value StorageOffset(const Args& a) { return Napi::Number::New(a.env(), double(a.tensor(0).storage_offset())); }
Napi::Value Device(const Args& a) { return Napi::String::New(a.env(), DeviceName(a.tensor(0).device())); }
Napi::Value Numel(const Args& a) { return Napi::Number::New(a.env(), double(a.tensor(0).numel())); }
Napi::Value Dim(const Args& a) { return Napi::Number::New(a.env(), double(a.tensor(0).dim())); }
Napi::Value IsContiguous(const Args& a) { return Napi::Boolean::New(a.env(), a.tensor(0).is_contiguous()); }
Napi::Value RequiresGrad(const Args& a) { return Napi::Boolean::New(a.env(), a.tensor(0).requires_grad()); }
Napi::Value SetRequiresGrad(const Args& a) {
  a.tensor(0).requires_grad_(a.flag(1));
  return a.self();
}
Napi::Value IsLeaf(const Args& a) { return Napi::Boolean::New(a.env(), a.tensor(0).is_leaf()); }
Napi::Value Grad(const Args& a) {
  const at::Tensor& g = a.tensor(0).grad();
  return g.defined() ? a.ret(g) : a.env().Null();
}
Napi::Value SetGrad(const Args& a) {
  a.tensor(0).mutable_grad() = a.optTensor(1).value_or(at::Tensor());
  return a.env().Undefined();
}
Napi::Value GradFn(const Args& a) {
  const auto& fn = a.tensor(0).grad_fn();
  if (!fn) return a.env().Null();
  return Napi::String::New(a.env(), fn->name());
}
// Identity of the storage (its StorageImpl), to find tensors that share one when saving.
Napi::Value StorageId(const Args& a) {
  const at::Tensor& t = a.tensor(0);
  if (!t.has_storage()) return a.env().Null();
  return Napi::BigInt::New(a.env(),
                           static_cast<uint64_t>(reinterpret_cast<uintptr_t>(t.storage().unsafeGetStorageImpl())));
}
// saveFacts(t, out: Float64Array) → the dtype's name, or null when disposed; `out` gets [storageOffset, requiresGrad,
// storageId, storageNbytes, onCpu, coversStorage, ndim, sizes…, strides…]: what torch.save needs of a tensor, in one
// call that makes no JS objects (a call per fact, then an array of them, were most of the time of saving many small
// tensors). storageId is the storage's address (exact as a double: user-space addresses are below 2^53), -1 without
// storage; coversStorage: the tensor's bytes are its whole CPU storage, in order, so it can be written as it is.
Napi::Value SaveFacts(const Args& a) {
  TensorWrap* w = TensorWrap::FromValue(a.env(), a[0]);
  if (!w) throw ArgError("argument 0: expected a tensor handle");
  if (a.size() < 2 || !a[1].IsTypedArray() || a[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw ArgError("argument 1: expected a Float64Array");
  if (w->disposed()) return a.env().Null();
  const at::Tensor& t = w->get();
  Napi::Float64Array out = a[1].As<Napi::Float64Array>();
  const size_t ndim = static_cast<size_t>(t.dim());
  if (out.ElementLength() < 7 + 2 * ndim)
    throw ArgError("argument 1: too short for a tensor of " + std::to_string(ndim) + " dimensions");
  const bool stored = t.has_storage();
  out[0] = double(t.storage_offset());
  out[1] = t.requires_grad() ? 1 : 0;
  out[2] = stored ? double(reinterpret_cast<uintptr_t>(t.storage().unsafeGetStorageImpl())) : -1;
  out[3] = stored ? double(t.storage().nbytes()) : 0;
  out[4] = t.device().is_cpu() ? 1 : 0;
  out[5] = stored && t.device().is_cpu() && !t.is_quantized() && t.storage_offset() == 0 && t.is_contiguous() &&
                   t.nbytes() == t.storage().nbytes()
               ? 1
               : 0;
  out[6] = double(ndim);
  for (size_t d = 0; d < ndim; d++) {
    out[7 + d] = double(t.size(static_cast<int64_t>(d)));
    out[7 + ndim + d] = double(t.stride(static_cast<int64_t>(d)));
  }
  return Napi::String::New(a.env(), DtypeName(t.scalar_type()));
}
Napi::Value StorageNbytes(const Args& a) { return Napi::Number::New(a.env(), double(a.tensor(0).storage().nbytes())); }
// The whole storage as a 1-D uint8 tensor (what a checkpoint record holds).
Napi::Value StorageBytes(const Args& a) {
  const at::Tensor& t = a.tensor(0);
  at::Tensor bytes = at::empty({0}, t.options().dtype(at::kByte));
  bytes.set_(t.storage(), 0, {static_cast<int64_t>(t.storage().nbytes())}, {1});
  return a.ret(bytes);
}

// Contiguous little-endian bytes (numpy's tobytes): a copy.
Napi::Value ToBuffer(const Args& a) {
  at::Tensor c = ToCpuContiguous(a.tensor(0));
  return Napi::Buffer<uint8_t>::Copy(a.env(), static_cast<const uint8_t*>(c.data_ptr()), c.nbytes());
}

// A Buffer over the bytes of a contiguous CPU tensor, zero-copy; the Buffer keeps the tensor alive.
Napi::Value BytesView(const Args& a) {
  const at::Tensor& t = a.tensor(0);
  if (!t.device().is_cpu() || !t.is_contiguous()) throw ArgError("bytesView needs a contiguous CPU tensor");
  auto* keep = new at::Tensor(t);
  return Napi::Buffer<uint8_t>::New(
      a.env(), static_cast<uint8_t*>(t.data_ptr()), t.nbytes(), [](Napi::Env, uint8_t*, at::Tensor* k) { delete k; },
      keep);
}

Napi::Value Item(const Args& a) {
  const at::Tensor& t = a.tensor(0);
  // Python's Tensor.item() checks first, with its own message and exception class.
  if (t.numel() != 1)
    throw c10::ValueError({__func__, __FILE__, static_cast<uint32_t>(__LINE__)},
                          "only one element tensors can be converted to Python scalars");
  at::Scalar s = t.item();
  Napi::Env env = a.env();
  if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
  if (s.isIntegral(false)) return Int64ToJs(env, s.toLong());
  if (s.isComplex()) {
    auto c = s.toComplexDouble();
    Napi::Array arr = Napi::Array::New(env, 2);
    arr.Set(0u, c.real());
    arr.Set(1u, c.imag());
    return arr;
  }
  return Napi::Number::New(env, s.toDouble());
}

Napi::Value Dispose(const Args& a) {
  TensorWrap* w = TensorWrap::FromValue(a.env(), a[0]);
  if (!w) throw ArgError("argument 0: expected a tensor handle");
  w->Dispose();
  return a.env().Undefined();
}
// setGcHook(fn): the function MaybeSweep calls to force a full garbage collection.
Napi::Value SetGcHook(const Args& a) {
  if (a.size() < 1 || !a[0].IsFunction()) throw ArgError("argument 0: expected a function");
  Data(a.env()).fullGc = Napi::Persistent(a[0].As<Napi::Function>());
  return a.env().Undefined();
}
// liveTensorBytes(): the storage bytes of the handles not yet disposed or swept (what V8 is told about).
Napi::Value LiveTensorBytes(const Args& a) {
  return Napi::Number::New(a.env(), static_cast<double>(Data(a.env()).handles->liveBytes));
}

Napi::Value IsDisposed(const Args& a) {
  TensorWrap* w = TensorWrap::FromValue(a.env(), a[0]);
  if (!w) throw ArgError("argument 0: expected a tensor handle");
  return Napi::Boolean::New(a.env(), w->disposed());
}

}  // namespace

void RegisterTensorFunctions(Napi::Env env, Napi::Object exports) {
  Def(env, exports, "fromBytes", FromBytes);
  Def(env, exports, "fromExternal", FromExternalFn);
  Def(env, exports, "setStorage", SetStorage);
  Def(env, exports, "empty", Empty);
  Def(env, exports, "zeros", Zeros);
  Def(env, exports, "ones", Ones);
  Def(env, exports, "full", Full);
  Def(env, exports, "rand", Rand);
  Def(env, exports, "randn", Randn);
  Def(env, exports, "randint", Randint);
  Def(env, exports, "arange", Arange);
  Def(env, exports, "linspace", Linspace);
  Def(env, exports, "dtype", Dtype);
  Def(env, exports, "shape", Shape);
  Def(env, exports, "strides", Strides);
  Def(env, exports, "storageOffset", StorageOffset);
  Def(env, exports, "device", Device);
  Def(env, exports, "numel", Numel);
  Def(env, exports, "dim", Dim);
  Def(env, exports, "isContiguous", IsContiguous);
  Def(env, exports, "requiresGrad", RequiresGrad);
  Def(env, exports, "setRequiresGrad", SetRequiresGrad);
  Def(env, exports, "isLeaf", IsLeaf);
  Def(env, exports, "grad", Grad);
  Def(env, exports, "setGrad", SetGrad);
  Def(env, exports, "gradFn", GradFn);
  Def(env, exports, "storageId", StorageId);
  Def(env, exports, "storageNbytes", StorageNbytes);
  Def(env, exports, "saveFacts", SaveFacts);
  Def(env, exports, "storageBytes", StorageBytes);
  Def(env, exports, "toBuffer", ToBuffer);
  Def(env, exports, "bytesView", BytesView);
  Def(env, exports, "item", Item);
  Def(env, exports, "dispose", Dispose);
  Def(env, exports, "isDisposed", IsDisposed);
  Def(env, exports, "setGcHook", SetGcHook);
  Def(env, exports, "liveTensorBytes", LiveTensorBytes);
}

}  // namespace tn
