// The functional neural-network ops behind torch.nn.functional, each the ATen op Python's F.* calls.
#include <ATen/ATen.h>

#include <cmath>
#include <string>
#include <vector>

#include "args.h"
#include "tensor.h"

namespace tn {
namespace {

// conv2d(input, weight, bias | null, stride[], padding[], dilation[], groups)
Napi::Value Conv2d(const Args& a) {
  return a.ret(at::conv2d(a.tensor(0), a.tensor(1), a.optTensor(2), a.ints(3), a.ints(4), a.ints(5), a.i64(6)));
}
// conv1d(input, weight, bias | null, stride[], padding[], dilation[], groups)
Napi::Value Conv1d(const Args& a) {
  return a.ret(at::conv1d(a.tensor(0), a.tensor(1), a.optTensor(2), a.ints(3), a.ints(4), a.ints(5), a.i64(6)));
}
// linear(input, weight, bias | null)
Napi::Value Linear(const Args& a) { return a.ret(at::linear(a.tensor(0), a.tensor(1), a.optTensor(2))); }
Napi::Value Relu(const Args& a) { return a.ret(at::relu(a.tensor(0))); }
Napi::Value ReluInplace(const Args& a) {
  at::relu_(const_cast<at::Tensor&>(a.tensor(0)));
  return a.self();
}
// leakyRelu(input, negativeSlope)
Napi::Value LeakyRelu(const Args& a) { return a.ret(at::leaky_relu(a.tensor(0), a.scalar(1))); }
Napi::Value Gelu(const Args& a) { return a.ret(at::gelu(a.tensor(0), a.isNullish(1) ? "none" : a.str(1))); }
// maxPool2d(input, kernel[], stride[], padding[], dilation[], ceilMode)
Napi::Value MaxPool2d(const Args& a) {
  return a.ret(at::max_pool2d(a.tensor(0), a.ints(1), a.ints(2), a.ints(3), a.ints(4), a.flag(5)));
}
// avgPool2d(input, kernel[], stride[], padding[], ceilMode, countIncludePad, divisorOverride | null)
Napi::Value AvgPool2d(const Args& a) {
  return a.ret(at::avg_pool2d(a.tensor(0), a.ints(1), a.ints(2), a.ints(3), a.flag(4), a.flag(5), a.optI64(6)));
}
// adaptiveAvgPool2d(input, outputSize[])
Napi::Value AdaptiveAvgPool2d(const Args& a) { return a.ret(at::adaptive_avg_pool2d(a.tensor(0), a.ints(1))); }
// dropout(input, p, training) / dropout_(input, p, training)
Napi::Value Dropout(const Args& a) { return a.ret(at::dropout(a.tensor(0), a.f64(1), a.flag(2))); }
Napi::Value DropoutInplace(const Args& a) {
  at::dropout_(const_cast<at::Tensor&>(a.tensor(0)), a.f64(1), a.flag(2));
  return a.self();
}
// batchNorm(input, weight | null, bias | null, runningMean | null, runningVar | null, training, momentum, eps, cudnn)
Napi::Value BatchNorm(const Args& a) {
  return a.ret(at::batch_norm(a.tensor(0), a.optTensor(1), a.optTensor(2), a.optTensor(3), a.optTensor(4), a.flag(5),
                              a.f64(6), a.f64(7), a.flag(8)));
}
// layerNorm(input, normalizedShape[], weight | null, bias | null, eps)
Napi::Value LayerNorm(const Args& a) {
  return a.ret(at::layer_norm(a.tensor(0), a.ints(1), a.optTensor(2), a.optTensor(3), a.f64(4)));
}
Napi::Value Softmax(const Args& a) { return a.ret(at::softmax(a.tensor(0), a.i64(1), a.optDtype(2))); }
Napi::Value LogSoftmax(const Args& a) { return a.ret(at::log_softmax(a.tensor(0), a.i64(1), a.optDtype(2))); }
// crossEntropy(input, target, weight | null, reduction (0 none, 1 mean, 2 sum), ignoreIndex, labelSmoothing)
Napi::Value CrossEntropy(const Args& a) {
  return a.ret(at::cross_entropy_loss(a.tensor(0), a.tensor(1), a.optTensor(2), a.i64(3), a.i64(4), a.f64(5)));
}
// nllLoss(input, target, weight | null, reduction, ignoreIndex): at::nll_loss_nd, as F.nll_loss
Napi::Value NllLoss(const Args& a) {
  return a.ret(at::nll_loss_nd(a.tensor(0), a.tensor(1), a.optTensor(2), a.i64(3), a.i64(4)));
}
// mseLoss(input, target, reduction)
Napi::Value MseLoss(const Args& a) { return a.ret(at::mse_loss(a.tensor(0), a.tensor(1), a.i64(2))); }
// binaryCrossEntropy(input, target, weight | null, reduction)
Napi::Value BinaryCrossEntropy(const Args& a) {
  return a.ret(at::binary_cross_entropy(a.tensor(0), a.tensor(1), a.optTensor(2), a.i64(3)));
}
// pad(input, pad[], mode, value | null): constant padding as F.pad
Napi::Value ConstantPad(const Args& a) { return a.ret(at::constant_pad_nd(a.tensor(0), a.ints(1), a.scalar(2))); }
// oneHot(tensor, numClasses)
Napi::Value OneHot(const Args& a) { return a.ret(at::one_hot(a.tensor(0), a.i64(1))); }
// setData(t, src): Python's `t.data = src`; Module.to() moves a Parameter in place so optimizers keep holding it.
Napi::Value SetData(const Args& a) {
  const_cast<at::Tensor&>(a.tensor(0)).set_data(a.tensor(1));
  return a.self();
}
// gradCached(t, cached | null): t's gradient; the handle `cached` itself when it already wraps that gradient, so an
// optimizer step makes no new handle per parameter (a handle costs microseconds, the op it feeds about as much).
Napi::Value GradCached(const Args& a) {
  const at::Tensor& g = a.tensor(0).grad();
  if (!g.defined()) return a.env().Null();
  if (!a.isNullish(1) && a.tensor(1).unsafeGetTensorImpl() == g.unsafeGetTensorImpl()) return a.self(1);
  return a.ret(g);
}

// ---- chains of layers ------------------------------------------------------------------------------------------

// The step codes of chain(); lib/nn/chain.ts writes them (keep the two lists in step).
enum ChainStep : int {
  kChainConv2d = 1,     // weight, bias | null; stride h w, padding h w, dilation h w, groups
  kChainLinear = 2,     // weight, bias | null
  kChainRelu = 3,       // inplace (0 | 1)
  kChainMaxPool2d = 4,  // kernel h w, stride h w, padding h w, dilation h w, ceilMode
  kChainDropout = 5,    // p, training, inplace
  kChainFlatBatch = 6,  // x.view(x.size(0), -1)
};

// Reads a chain's codes (numbers) and tensors (handles or null) in order, each read checked.
class ChainReader {
 public:
  ChainReader(const Args& a, size_t codesArg, size_t tensorsArg) : a_(a) {
    if (codesArg >= a.size() || !a[codesArg].IsTypedArray() ||
        a[codesArg].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
      throw ArgError("argument " + std::to_string(codesArg) + ": expected a Float64Array");
    auto codes = a[codesArg].As<Napi::Float64Array>();
    codes_ = codes.Data();
    nCodes_ = codes.ElementLength();
    if (tensorsArg >= a.size() || !a[tensorsArg].IsArray())
      throw ArgError("argument " + std::to_string(tensorsArg) + ": expected an array of tensor handles");
    tensors_ = a[tensorsArg].As<Napi::Array>();
  }
  bool done() const { return code_ >= nCodes_; }
  int64_t i64() {
    if (code_ >= nCodes_) throw ArgError("chain: the codes end inside a step");
    const double d = codes_[code_++];
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9007199254740992.0)
      throw ArgError("chain: expected an integer code");
    return static_cast<int64_t>(d);
  }
  double f64() {
    if (code_ >= nCodes_) throw ArgError("chain: the codes end inside a step");
    return codes_[code_++];
  }
  std::vector<int64_t> pair() { return {i64(), i64()}; }
  c10::optional<at::Tensor> optTensor() {
    if (tensor_ >= tensors_.Length()) throw ArgError("chain: the tensors end inside a step");
    Napi::Value v = tensors_.Get(tensor_++);
    if (v.IsNull() || v.IsUndefined()) return c10::nullopt;
    TensorWrap* w = TensorWrap::FromValue(a_.env(), v);
    if (!w) throw ArgError("chain: expected a tensor handle");
    return w->get();
  }
  at::Tensor tensor() {
    auto t = optTensor();
    if (!t) throw ArgError("chain: expected a tensor handle, got null");
    return *t;
  }

 private:
  const Args& a_;
  const double* codes_ = nullptr;
  size_t nCodes_ = 0;
  size_t code_ = 0;
  Napi::Array tensors_;
  uint32_t tensor_ = 0;
};

// chain(input, codes: Float64Array, tensors[]): a run of built-in layers (Sequential's children, LeNet2's stages) in
// one call, each step the ATen op its module's forward calls. Only the result gets a handle: the intermediates die
// here as they would in Python, where making, wrapping and collecting a handle for each one was a fifth of a
// batch-1 forward. Autograd records the same graph as layer by layer.
Napi::Value Chain(const Args& a) {
  at::Tensor x = a.tensor(0);
  ChainReader r(a, 1, 2);
  while (!r.done()) {
    switch (r.i64()) {
      case kChainConv2d: {
        at::Tensor w = r.tensor();
        auto b = r.optTensor();
        auto stride = r.pair(), padding = r.pair(), dilation = r.pair();
        x = at::conv2d(x, w, b, stride, padding, dilation, r.i64());
        break;
      }
      case kChainLinear: {
        at::Tensor w = r.tensor();
        auto b = r.optTensor();
        x = at::linear(x, w, b);
        break;
      }
      case kChainRelu:
        if (r.i64())
          at::relu_(x);
        else
          x = at::relu(x);
        break;
      case kChainMaxPool2d: {
        auto kernel = r.pair(), stride = r.pair(), padding = r.pair(), dilation = r.pair();
        x = at::max_pool2d(x, kernel, stride, padding, dilation, r.i64() != 0);
        break;
      }
      case kChainDropout: {
        const double p = r.f64();
        const bool training = r.i64() != 0;
        if (r.i64())
          at::dropout_(x, p, training);
        else
          x = at::dropout(x, p, training);
        break;
      }
      case kChainFlatBatch:
        x = x.view({x.size(0), -1});
        break;
      default:
        throw ArgError("chain: unknown step");
    }
  }
  // Only in-place steps: the input itself, under the handle it came with.
  if (x.unsafeGetTensorImpl() == a.tensor(0).unsafeGetTensorImpl()) return a.self(0);
  return a.ret(x);
}

}  // namespace

void RegisterNn(Napi::Env env, Napi::Object e) {
  const std::pair<const char*, NativeFn> fns[] = {
      {"conv2d", Conv2d},
      {"conv1d", Conv1d},
      {"linear", Linear},
      {"relu", Relu},
      {"relu_", ReluInplace},
      {"leakyRelu", LeakyRelu},
      {"gelu", Gelu},
      {"maxPool2d", MaxPool2d},
      {"avgPool2d", AvgPool2d},
      {"adaptiveAvgPool2d", AdaptiveAvgPool2d},
      {"dropout", Dropout},
      {"dropout_", DropoutInplace},
      {"batchNorm", BatchNorm},
      {"layerNorm", LayerNorm},
      {"softmax", Softmax},
      {"logSoftmax", LogSoftmax},
      {"crossEntropy", CrossEntropy},
      {"nllLoss", NllLoss},
      {"mseLoss", MseLoss},
      {"binaryCrossEntropy", BinaryCrossEntropy},
      {"constantPad", ConstantPad},
      {"oneHot", OneHot},
      {"setData", SetData},
      {"gradCached", GradCached},
      {"chain", Chain},
  };
  for (const auto& [name, fn] : fns) Def(env, e, name, fn);
}

}  // namespace tn
