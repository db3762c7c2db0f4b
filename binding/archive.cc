// libtorch's own file format (torch::save / torch::load in C++): for exchanging tensors with C++ programs.
// These files are TorchScript-style archives, not Python's torch.save files; lib/serialization handles those.
#include <torch/serialize.h>

#include "args.h"
#include "tensor.h"

namespace tn {
namespace {

// nativeSave(tensors: handle[] | { [name]: handle }, path): a list is written as torch::save(std::vector<Tensor>)
// does (keys "0", "1", …), an object under its own keys.
Napi::Value NativeSave(const Args& a) {
  std::string path = a.str(1);
  if (a[0].IsArray()) {
    torch::save(a.tensors(0), path);
    return a.env().Undefined();
  }
  Napi::Object named = a.object(0);
  torch::serialize::OutputArchive archive;
  Napi::Array keys = named.GetPropertyNames();
  for (uint32_t k = 0; k < keys.Length(); k++) {
    std::string key = keys.Get(k).As<Napi::String>().Utf8Value();
    TensorWrap* w = TensorWrap::FromValue(a.env(), named.Get(key));
    if (!w) throw ArgError("value of '" + key + "' is not a tensor");
    archive.write(key, w->get());
  }
  archive.save_to(path);
  return a.env().Undefined();
}

// nativeLoad(path) → [keys, handles]: every tensor of the archive with its key, in the archive's order.
Napi::Value NativeLoad(const Args& a) {
  torch::serialize::InputArchive archive;
  archive.load_from(a.str(0));
  std::vector<std::string> keys = archive.keys();
  Napi::Array names = Napi::Array::New(a.env(), keys.size());
  std::vector<at::Tensor> tensors;
  for (size_t k = 0; k < keys.size(); k++) {
    at::Tensor t;
    archive.read(keys[k], t);
    names.Set(static_cast<uint32_t>(k), keys[k]);
    tensors.push_back(t);
  }
  Napi::Array out = Napi::Array::New(a.env(), 2);
  out.Set(0u, names);
  out.Set(1u, a.ret(tensors));
  return out;
}

}  // namespace

void RegisterArchive(Napi::Env env, Napi::Object e) {
  Def(env, e, "nativeSave", NativeSave);
  Def(env, e, "nativeLoad", NativeLoad);
}

}  // namespace tn
