// The one place where C++ exceptions become JavaScript errors.
//
// Every native entry point runs its body through Guard(). libtorch reports failures as c10::Error (and subclasses
// for Python's IndexError, TypeError, ValueError, …); JavaScript sees a TorchError whose message is PyTorch's own
// one-line text (what_without_backtrace(), never the C++ stack) and whose .pyType names the Python exception class
// PyTorch would raise. Nothing escapes as a C++ exception, so no bad input can abort the process.
#pragma once
#include <c10/util/Exception.h>
#include <napi.h>

#include <exception>
#include <string>

namespace tn {

// Set once from JS (lib/errors.ts) so native code throws the same class the TS layer uses.
void SetErrorClass(Napi::Env env, const Napi::Function& ctor);

// Builds a TorchError (or a plain Error before SetErrorClass) with the given Python exception name.
Napi::Error MakeError(Napi::Env env, const std::string& message, const char* pyType);

// Thrown by argument checks: becomes a TorchError with pyType 'TypeError'.
struct ArgError : std::exception {
  std::string msg;
  explicit ArgError(std::string m) : msg(std::move(m)) {}
  const char* what() const noexcept override { return msg.c_str(); }
};

template <typename F>
auto Guard(Napi::Env env, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::IndexError& e) {
    throw MakeError(env, e.what_without_backtrace(), "IndexError");
  } catch (const c10::TypeError& e) {
    throw MakeError(env, e.what_without_backtrace(), "TypeError");
  } catch (const c10::ValueError& e) {
    throw MakeError(env, e.what_without_backtrace(), "ValueError");
  } catch (const c10::NotImplementedError& e) {
    throw MakeError(env, e.what_without_backtrace(), "NotImplementedError");
  } catch (const c10::LinAlgError& e) {
    throw MakeError(env, e.what_without_backtrace(), "LinAlgError");
  } catch (const c10::Error& e) {
    throw MakeError(env, e.what_without_backtrace(), "RuntimeError");
  } catch (const ArgError& e) {
    throw MakeError(env, e.what(), "TypeError");
  } catch (const std::bad_alloc&) {
    throw MakeError(env, "out of memory", "MemoryError");
  } catch (const std::exception& e) {
    throw MakeError(env, e.what(), "RuntimeError");
  } catch (...) {
    throw MakeError(env, "unknown native error", "RuntimeError");
  }
}

}  // namespace tn
