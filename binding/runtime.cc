// Process-wide state: the CPU allocator, random generators, grad mode, threads, CUDA and cuDNN settings, build facts,
// and libm.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <c10/core/CPUAllocator.h>
#include <torch/csrc/api/include/torch/cuda.h>
#include <torch/csrc/api/include/torch/version.h>

#if __has_include(<malloc.h>)
#include <malloc.h>  // mallopt, where the C library is glibc
#endif

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "args.h"
#include "tensor.h"

#ifndef TORCH_NODE_FLAVOUR
#define TORCH_NODE_FLAVOUR "cpu"
#endif

namespace tn {
namespace {

// Tensor memory comes from plain malloc, aligned by hand to 64 bytes as libtorch's default allocator aligns it.
//
// The default allocator uses posix_memalign, which cuts an aligned block out of a larger free chunk and returns the
// slivers before and after it to the heap. In Node, the small objects of dropped handles (freed only when the event
// loop turns) take those slivers, so a freed block is left exactly its own size, a few bytes short of what the next
// aligned request of the same size needs: a synchronous loop of same-size tensors then grows the heap without bound.
// malloc(n + 64) blocks fit the next request of the same size exactly, so freed tensor memory is reused.
constexpr size_t kAlignment = 64;

// The block's own start is kept just before the aligned data (there are always at least 8 spare bytes there).
void FreeAligned(void* data) {
  if (data) std::free(static_cast<void**>(data)[-1]);
}

// libtorch 1.13 declares Allocator::allocate const; 2.x drops the const and adds a pure copy_data. Both forms are
// declared so that the addon builds against either (the one matching the base overrides it).
class MallocCpuAllocator final : public at::Allocator {
 public:
  at::DataPtr allocate(size_t n) const {
    void* data = nullptr;
    if (n > 0) {
      void* base = std::malloc(n + kAlignment);
      // The default allocator's message, so that running out of memory reads as it does in PyTorch.
      TORCH_CHECK(base, "DefaultCPUAllocator: not enough memory: you tried to allocate ", n, " bytes.");
      uintptr_t aligned = (reinterpret_cast<uintptr_t>(base) + kAlignment) & ~uintptr_t(kAlignment - 1);
      data = reinterpret_cast<void*>(aligned);
      static_cast<void**>(data)[-1] = base;
    }
    return {data, data, &FreeAligned, at::Device(at::kCPU)};
  }
  at::DataPtr allocate(size_t n) { return std::as_const(*this).allocate(n); }
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }
  at::DeleterFnPtr raw_deleter() const override { return &FreeAligned; }
};

MallocCpuAllocator gCpuAllocator;

// manualSeed(seed): every generator, as torch.manual_seed (CPU and, when present, each CUDA device).
Napi::Value ManualSeed(const Args& a) {
  uint64_t seed;
  if (!a.isNullish(0) && a[0].IsBigInt()) {
    bool lossless = false;
    seed = a[0].As<Napi::BigInt>().Uint64Value(&lossless);
  } else {
    seed = static_cast<uint64_t>(a.i64(0));
  }
  at::manual_seed(seed);
  return a.env().Undefined();
}
Napi::Value InitialSeed(const Args& a) {
  auto gen = at::detail::getDefaultCPUGenerator();
  return Napi::BigInt::New(a.env(), gen.current_seed());
}
// getRngState() → uint8 tensor / setRngState(tensor): the CPU generator's state, as torch.get_rng_state.
Napi::Value GetRngState(const Args& a) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return a.ret(gen.get_state());
}
Napi::Value SetRngState(const Args& a) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(a.tensor(0));
  return a.env().Undefined();
}

Napi::Value SetGradEnabled(const Args& a) {
  at::GradMode::set_enabled(a.flag(0));
  return a.env().Undefined();
}
Napi::Value IsGradEnabled(const Args& a) { return Napi::Boolean::New(a.env(), at::GradMode::is_enabled()); }

Napi::Value SetNumThreads(const Args& a) {
  at::set_num_threads(static_cast<int>(a.i64(0)));
  return a.env().Undefined();
}
Napi::Value GetNumThreads(const Args& a) { return Napi::Number::New(a.env(), at::get_num_threads()); }

// parseDevice(string) → [type, index | null], with libtorch's own rules and messages (the ones torch.device raises).
Napi::Value ParseDevice(const Args& a) {
  at::Device d(a.str(0));
  Napi::Array out = Napi::Array::New(a.env(), 2);
  out.Set(0u, Napi::String::New(a.env(), c10::DeviceTypeName(d.type(), /*lower_case=*/true)));
  out.Set(1u, d.has_index() ? Napi::Value(Napi::Number::New(a.env(), d.index())) : a.env().Null());
  return out;
}

// torch::cuda's functions rather than the CUDA hooks they wrap: the hooks' names change between libtorch versions.
Napi::Value CudaIsAvailable(const Args& a) { return Napi::Boolean::New(a.env(), torch::cuda::is_available()); }
Napi::Value CudaDeviceCount(const Args& a) { return Napi::Number::New(a.env(), double(torch::cuda::device_count())); }
// cudaSynchronize(device | null): waits for all kernels on the device (the current one when null).
Napi::Value CudaSynchronize(const Args& a) {
  if (!torch::cuda::is_available())
    throw c10::Error({__func__, __FILE__, uint32_t(__LINE__)}, "Torch not compiled with CUDA enabled");
  torch::cuda::synchronize(a.isNullish(0) ? -1 : a.i64(0));
  return a.env().Undefined();
}
Napi::Value SetCudnn(const Args& a) {
  auto& ctx = at::globalContext();
  std::string what = a.str(0);
  bool on = a.flag(1);
  if (what == "deterministic")
    ctx.setDeterministicCuDNN(on);
  else if (what == "benchmark")
    ctx.setBenchmarkCuDNN(on);
  else if (what == "enabled")
    ctx.setUserEnabledCuDNN(on);
  else
    throw ArgError("unknown cudnn setting '" + what + "'");
  return a.env().Undefined();
}
Napi::Value GetCudnn(const Args& a) {
  auto& ctx = at::globalContext();
  std::string what = a.str(0);
  bool v = what == "deterministic" ? ctx.deterministicCuDNN()
           : what == "benchmark"   ? ctx.benchmarkCuDNN()
                                   : ctx.userEnabledCuDNN();
  return Napi::Boolean::New(a.env(), v);
}
Napi::Value SetDeterministicAlgorithms(const Args& a) {
  at::globalContext().setDeterministicAlgorithms(a.flag(0), false);
  return a.env().Undefined();
}

// libm(name, x[, y]): C's libm, which CPython's math module uses. V8's Math.pow/cos/exp are not always the correctly
// rounded glibc results, and optimizers and schedulers must compute their scalars exactly as Python does.
Napi::Value Libm(const Args& a) {
  std::string f = a.str(0);
  double x = a.f64(1);
  double r;
  if (f == "pow")
    r = std::pow(x, a.f64(2));
  else if (f == "cos")
    r = std::cos(x);
  else if (f == "sin")
    r = std::sin(x);
  else if (f == "exp")
    r = std::exp(x);
  else if (f == "log")
    r = std::log(x);
  else if (f == "sqrt")
    r = std::sqrt(x);
  else if (f == "tan")
    r = std::tan(x);
  else
    throw ArgError("unknown libm function '" + f + "'");
  return Napi::Number::New(a.env(), r);
}

}  // namespace

void RegisterRuntime(Napi::Env env, Napi::Object e) {
  // Above libtorch's default (priority 0); tensors allocated before keep their own deleter.
  c10::SetCPUAllocator(&gCpuAllocator, /*priority=*/1);
#ifdef __GLIBC__
  // Tensors are freed in batches, when V8 collects their handles, not one by one as Python frees them. With glibc's
  // sliding thresholds, each batch left enough free memory at the top of the heap to be handed back to the system,
  // and the next training step faulted it all in again (LeNet2 at batch 64: ~260k page faults per 100 steps, 15%
  // of the time in the kernel). Fixed thresholds keep tensors under 32 MB in the heap and its top resident up to
  // 128 MB (malloc_trim after a forced collection still returns memory, see TensorWrap::MaybeSweep).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
  const std::pair<const char*, NativeFn> fns[] = {
      {"manualSeed", ManualSeed},
      {"initialSeed", InitialSeed},
      {"getRngState", GetRngState},
      {"setRngState", SetRngState},
      {"setGradEnabled", SetGradEnabled},
      {"isGradEnabled", IsGradEnabled},
      {"setNumThreads", SetNumThreads},
      {"getNumThreads", GetNumThreads},
      {"parseDevice", ParseDevice},
      {"cudaIsAvailable", CudaIsAvailable},
      {"cudaDeviceCount", CudaDeviceCount},
      {"cudaSynchronize", CudaSynchronize},
      {"setCudnn", SetCudnn},
      {"getCudnn", GetCudnn},
      {"setDeterministicAlgorithms", SetDeterministicAlgorithms},
      {"libm", Libm},
  };
  for (const auto& [name, fn] : fns) Def(env, e, name, fn);

  Napi::Object build = Napi::Object::New(env);
  build.Set("libtorchVersion", TORCH_VERSION);
  build.Set("flavour", TORCH_NODE_FLAVOUR);
  build.Set("cxx11Abi", Napi::Boolean::New(env, _GLIBCXX_USE_CXX11_ABI != 0));
  build.Set("napiVersion", NAPI_VERSION);
  e.Set("build", build);
}

}  // namespace tn
