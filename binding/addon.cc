// Module initialisation only: per-environment data and the registration of each group of functions.
#include <c10/util/Logging.h>
#include <napi.h>

#include <cstdlib>
#include <string>

#include "args.h"
#include "errors.h"
#include "tensor.h"

namespace tn {

void RegisterOps(Napi::Env env, Napi::Object exports);
void RegisterNn(Napi::Env env, Napi::Object exports);
void RegisterRuntime(Napi::Env env, Napi::Object exports);
void RegisterIo(Napi::Env env, Napi::Object exports);
void RegisterArchive(Napi::Env env, Napi::Object exports);
void RegisterQuantized(Napi::Env env, Napi::Object exports);

void SetErrorClass(Napi::Env env, const Napi::Function& ctor) { Data(env).errorClass = Napi::Persistent(ctor); }

Napi::Error MakeError(Napi::Env env, const std::string& message, const char* pyType) {
  AddonData& d = Data(env);
  Napi::Error err = d.errorClass.IsEmpty() ? Napi::Error::New(env, message)
                                           : Napi::Error(env, d.errorClass.New({Napi::String::New(env, message)}));
  err.Set("pyType", pyType);
  return err;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // libtorch symbolizes a C++ backtrace for every c10::Error it throws (about 9 ms each here); JavaScript never sees it
  // (Guard() uses what_without_backtrace()), so skip it unless TORCH_SHOW_CPP_STACKTRACES asks, as PyTorch does.
  if (!std::getenv("TORCH_SHOW_CPP_STACKTRACES")) c10::SetStackTraceFetcher([] { return std::string(); });
  env.SetInstanceData(new AddonData());
  TensorWrap::Init(env, exports);
  RegisterTensorFunctions(env, exports);
  RegisterOps(env, exports);
  RegisterNn(env, exports);
  RegisterRuntime(env, exports);
  RegisterIo(env, exports);
  RegisterArchive(env, exports);
  RegisterQuantized(env, exports);
  Def(env, exports, "setErrorClass", [](const Args& a) -> Napi::Value {
    if (a.size() < 1 || !a[0].IsFunction()) throw ArgError("argument 0: expected a constructor");
    SetErrorClass(a.env(), a[0].As<Napi::Function>());
    return a.env().Undefined();
  });
  return exports;
}

}  // namespace tn

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return tn::Init(env, exports); }

NODE_API_MODULE(torch_node, InitAddon)
