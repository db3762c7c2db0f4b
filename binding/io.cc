// Bytes between memory and files: memory-mapped reads, CRC-32, and writes that go straight from tensor memory to
// the file (no whole-file buffer), atomically when asked. Async twins run on libuv's thread pool.
//
// The zip and pickle layouts are decided in TypeScript; this file only moves bytes.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "args.h"
#include "crc32.h"
#include "tensor.h"

namespace tn {
namespace {

// An OS failure as a JS error with Node's conventions (.code = 'ENOENT', .errno, .syscall, .path).
struct OsError : std::exception {
  int err;
  std::string syscall, path, msg;
  OsError(int e, std::string sc, std::string p) : err(e), syscall(std::move(sc)), path(std::move(p)) {
    msg = std::string(strerrorname_np(e) ? strerrorname_np(e) : "EIO") + ": " + std::strerror(e) + ", " + syscall +
          " '" + path + "'";
  }
  const char* what() const noexcept override { return msg.c_str(); }
};

Napi::Error ToJs(Napi::Env env, const OsError& e) {
  Napi::Error err = Napi::Error::New(env, e.msg);
  err.Set("code", strerrorname_np(e.err) ? strerrorname_np(e.err) : "EIO");
  err.Set("errno", Napi::Number::New(env, -e.err));
  err.Set("syscall", e.syscall);
  err.Set("path", e.path);
  return err;
}

// ---- mapping
// ---------------------------------------------------------------------------------------------------------

// A file mapped copy-on-write. torch.load reads its structure through Buffers over small ranges and makes storages
// over ranges of it, so that files past a Buffer's 4 GiB load too. Every Buffer and every storage holds a reference;
// the file is unmapped when the last one goes, from whichever thread drops it.
struct Mapping {
  uint8_t* base = nullptr;
  size_t length = 0;
  ~Mapping() {
    if (length) ::munmap(base, length);
  }
};
using MappingRef = std::shared_ptr<Mapping>;

// Tells mapping handles apart from other externals.
const napi_type_tag kMappingTag = {0x6d6170706564u, 0x746f7263686e6f64u};

// Maps path; populate reads every page in (read faults: they share the page cache; MAP_POPULATE would write-fault a
// writable private mapping and copy every page).
MappingRef OpenMapping(const std::string& path, bool populate) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw OsError(errno, "open", path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    throw OsError(e, "fstat", path);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw OsError(EISDIR, "open", path);
  }
  auto m = std::make_shared<Mapping>();
  size_t len = static_cast<size_t>(st.st_size);
  if (len > 0) {
    void* p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    int e = errno;
    if (p == MAP_FAILED) {
      ::close(fd);
      throw OsError(e, "mmap", path);
    }
    m->base = static_cast<uint8_t*>(p);
    m->length = len;
    if (populate) {
      ::madvise(p, len, MADV_WILLNEED);
      const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
      volatile uint8_t sink = 0;
      for (size_t off = 0; off < len; off += page) sink = sink ^ m->base[off];
    }
  }
  ::close(fd);
  return m;
}

// What a mapped-file handle holds: the mapping, and the window over it that reads of the file's structure go
// through (see MapWindow).
struct MappedFileHandle {
  MappingRef mapping;
  napi_env env;
  napi_ref window = nullptr;  // weak: the window ArrayBuffer, detached at close
  // The window's own hold on the mapping, dropped when the window is detached.
  std::shared_ptr<MappingRef> windowHold;
  MappedFileHandle(MappingRef m, napi_env e) : mapping(std::move(m)), env(e) {}
  ~MappedFileHandle() {
    if (window) napi_delete_reference(env, window);
  }
};

Napi::Value MappingHandle(Napi::Env env, MappingRef m) {
  auto h = Napi::External<MappedFileHandle>::New(env, new MappedFileHandle(std::move(m), env),
                                                 [](Napi::Env, MappedFileHandle* r) { delete r; });
  napi_type_tag_object(env, h, &kMappingTag);
  return h;
}

MappedFileHandle& HandleOf(const Args& a, size_t i) {
  bool ok = false;
  if (i < a.size() && a[i].IsExternal()) napi_check_object_type_tag(a.env(), a[i], &kMappingTag, &ok);
  if (!ok) throw ArgError("argument " + std::to_string(i) + ": expected a mapped file");
  return *a[i].As<Napi::External<MappedFileHandle>>().Data();
}

const MappingRef& MappingOf(const Args& a, size_t i) {
  const MappingRef& m = HandleOf(a, i).mapping;
  if (!m) throw ArgError("argument " + std::to_string(i) + ": the mapped file has been closed");
  return m;
}

// The range [offset, offset + length) of a mapping, checked.
uint8_t* MappedRange(const Args& a, const MappingRef& m, size_t offsetArg, size_t length) {
  int64_t offset = a.i64(offsetArg);
  if (offset < 0 || static_cast<size_t>(offset) > m->length || length > m->length - static_cast<size_t>(offset))
    throw ArgError("range outside the mapped file");
  return m->base + offset;
}

// mapOpen(path) → handle of the file mapped copy-on-write.
Napi::Value MapOpen(const Args& a) {
  std::string path = a.str(0);
  try {
    return MappingHandle(a.env(), OpenMapping(path, false));
  } catch (const OsError& e) {
    throw ToJs(a.env(), e);
  }
}

// mapOpenAsync(path) → Promise of a handle: mapOpen with the mapping made, and its pages read in, on the thread pool.
class MapWorker : public Napi::AsyncWorker {
 public:
  MapWorker(Napi::Env env, std::string path)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), path_(std::move(path)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      map_ = OpenMapping(path_, true);
    } catch (const OsError& e) {
      os_ = std::make_unique<OsError>(e);
      SetError(e.msg);
    }
  }
  void OnOK() override { deferred_.Resolve(MappingHandle(Env(), map_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(os_ ? ToJs(Env(), *os_).Value() : e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string path_;
  MappingRef map_;
  std::unique_ptr<OsError> os_;
};

Napi::Value MapOpenAsync(const Args& a) {
  auto* w = new MapWorker(a.env(), a.str(0));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// mapClose(handle): drops the handle's own reference to the mapping, and detaches the window (every view of it then has
// no bytes), so that the file is unmapped as soon as the last tensor over it goes, instead of when V8 collects the
// handle and the window (the pages read stay resident until then).
Napi::Value MapClose(const Args& a) {
  MappedFileHandle& h = HandleOf(a, 0);
  if (h.window) {
    napi_value window = nullptr;
    if (napi_get_reference_value(a.env(), h.window, &window) == napi_ok && window)
      napi_detach_arraybuffer(a.env(), window);
  }
  if (h.windowHold) h.windowHold->reset();
  h.mapping.reset();
  return a.env().Undefined();
}

// Files up to this size get a window: their structure is read in place, however many records they have.
constexpr size_t kWindowMax = 64u << 20;

// mapWindow(handle) → an ArrayBuffer over the whole mapped file (no copy), or null when the file is empty or larger
// than kWindowMax (V8 counts the window's bytes as external memory, which drives its collections) or the runtime
// refuses external buffers. mapClose detaches it: the TS layer keeps no view of it past a load.
Napi::Value MapWindow(const Args& a) {
  MappedFileHandle& h = HandleOf(a, 0);
  const MappingRef& m = MappingOf(a, 0);
  napi_value existing = nullptr;
  if (h.window && napi_get_reference_value(a.env(), h.window, &existing) == napi_ok && existing)
    return {a.env(), existing};
  if (m->length == 0 || m->length > kWindowMax) return a.env().Null();
  auto* hold = new std::shared_ptr<MappingRef>(std::make_shared<MappingRef>(m));
  napi_value window;
  napi_status st = napi_create_external_arraybuffer(
      a.env(), m->base, m->length,
      [](napi_env, void*, void* hint) { delete static_cast<std::shared_ptr<MappingRef>*>(hint); }, hold, &window);
  if (st != napi_ok) {
    delete hold;
    return a.env().Null();
  }
  h.windowHold = *hold;
  if (h.window) napi_delete_reference(a.env(), h.window);
  h.window = nullptr;
  napi_create_reference(a.env(), window, 0, &h.window);
  return {a.env(), window};
}

// mapLength(handle) → bytes in the mapped file.
Napi::Value MapLength(const Args& a) {
  return Napi::Number::New(a.env(), static_cast<double>(MappingOf(a, 0)->length));
}

// mapSlice(handle, offset, length) → a Buffer over those bytes of the mapping (no copy).
Napi::Value MapSlice(const Args& a) {
  const MappingRef& m = MappingOf(a, 0);
  size_t length = static_cast<size_t>(a.i64(2));
  uint8_t* p = MappedRange(a, m, 1, length);
  if (length == 0) return Napi::Buffer<uint8_t>::New(a.env(), 0);
  return Napi::Buffer<uint8_t>::New(
      a.env(), p, length, [](Napi::Env, uint8_t*, MappingRef* r) { delete r; }, new MappingRef(m));
}

// mapRead(handle, offset, length) → a Buffer holding a copy of those bytes: for the zip structure and the pickles,
// which must not keep the whole file mapped after the load (a Buffer over the mapping lives until V8 collects it).
Napi::Value MapRead(const Args& a) {
  const MappingRef& m = MappingOf(a, 0);
  size_t length = static_cast<size_t>(a.i64(2));
  uint8_t* p = MappedRange(a, m, 1, length);
  return Napi::Buffer<uint8_t>::Copy(a.env(), p, length);
}

// mapFile(path) → Buffer over a private (copy-on-write) mapping of the whole file (up to a Buffer's 4 GiB): tensors
// viewing it view the pages, and writing to such a tensor never changes the file.
Napi::Value MapFile(const Args& a) {
  std::string path = a.str(0);
  MappingRef m;
  try {
    m = OpenMapping(path, false);
  } catch (const OsError& e) {
    throw ToJs(a.env(), e);
  }
  if (m->length == 0) return Napi::Buffer<uint8_t>::New(a.env(), 0);
  return Napi::Buffer<uint8_t>::New(
      a.env(), m->base, m->length, [](Napi::Env, uint8_t*, MappingRef* r) { delete r; }, new MappingRef(m));
}

// mapTensor(handle, offset, nbytes, dtype[, viewDtype, storageOffset, sizes, strides]) → a 1-D tensor over those
// bytes of the mapping (no copy), or that view of the storage over them; the offset must be aligned for dtype (the TS
// layer copies misaligned bytes instead).
Napi::Value MapTensor(const Args& a) {
  const MappingRef& m = MappingOf(a, 0);
  size_t nbytes = static_cast<size_t>(a.i64(2));
  uint8_t* p = MappedRange(a, m, 1, nbytes);
  at::ScalarType dtype = a.dtype(3);
  const size_t item = c10::elementSize(dtype);
  if (nbytes % item != 0 || reinterpret_cast<uintptr_t>(p) % item != 0)
    throw ArgError("mapped range is not a whole number of aligned elements of " + std::string(DtypeName(dtype)));
  c10::DataPtr ptr(
      p, new MappingRef(m), [](void* ctx) { delete static_cast<MappingRef*>(ctx); }, at::Device(at::kCPU));
  c10::Storage storage(c10::Storage::use_byte_size_t(), nbytes, std::move(ptr), nullptr, false);
  if (!a.isNullish(4)) return a.ret(ViewOf(a, 4, storage));
  const int64_t numel = static_cast<int64_t>(nbytes / item);
  return a.ret(at::empty({0}, at::TensorOptions().dtype(dtype)).set_(storage, 0, {numel}, {1}));
}

// ---- segments
// ---------------------------------------------------------------------------------------------------------

// A list of byte ranges gathered on the JS thread: Buffers / TypedArrays, or tensor handles (their contiguous bytes;
// a CUDA tensor is copied to the host once). The list owns what keeps the memory alive until the work is done.
struct Segments {
  std::vector<iovec> iov;
  // Which segments are JS memory (Buffers), which the writer may patch.
  std::vector<bool> fromJs;
  std::vector<at::Tensor> tensors;
  std::vector<Napi::ObjectReference> refs;

  Segments(const Args& a, size_t i, bool keepRefs) {
    if (i >= a.size() || !a[i].IsArray())
      throw ArgError("argument " + std::to_string(i) + ": expected an array of segments");
    Napi::Array arr = a[i].As<Napi::Array>();
    iov.reserve(arr.Length());
    fromJs.reserve(arr.Length());
    for (uint32_t k = 0; k < arr.Length(); k++) {
      Napi::Value v = arr.Get(k);
      fromJs.push_back(v.IsTypedArray());
      if (v.IsTypedArray()) {
        auto ta = v.As<Napi::TypedArray>();
        uint8_t* base = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
        iov.push_back({base, ta.ByteLength()});
        if (keepRefs) refs.push_back(Napi::Persistent(v.As<Napi::Object>()));
      } else if (TensorWrap* w = TensorWrap::FromValue(a.env(), v)) {
        at::Tensor t = w->get();
        if (!t.device().is_cpu()) t = t.cpu();
        t = t.contiguous();
        iov.push_back({t.data_ptr(), t.nbytes()});
        tensors.push_back(std::move(t));
      } else {
        throw ArgError("segment " + std::to_string(k) + " is neither a Buffer nor a tensor handle");
      }
    }
  }
};

// crc32(segments) → number[]: the CRC-32 of each segment.
Napi::Value Crc32(const Args& a) {
  Segments s(a, 0, false);
  std::vector<uint32_t> crcs = Crc32Ranges(s.iov, at::get_num_threads());
  Napi::Array out = Napi::Array::New(a.env(), crcs.size());
  for (size_t k = 0; k < crcs.size(); k++) out.Set(static_cast<uint32_t>(k), Napi::Number::New(a.env(), crcs[k]));
  return out;
}

// ---- writing
// ------------------------------------------------------------------------------------------------------------

// Writes the bytes of iovecs to fd, in order, across calls. With `writeback` (the file is to be synced), the written
// pages are handed to the disk every kWritebackPiece bytes (sync_file_range), so that the disk works while the rest is
// copied and the final fsync waits for the last piece only (perf: a 1 GiB durable save took write + flush time).
class FileWriter {
 public:
  FileWriter(int fd, const std::string& path, bool writeback) : fd_(fd), path_(path), writeback_(writeback) {}

  void Write(std::vector<iovec> iov) {
    constexpr size_t kWritebackPiece = 32u << 20;
    size_t first = 0;
    while (first < iov.size()) {
      int count = static_cast<int>(std::min<size_t>(iov.size() - first, IOV_MAX));
      // With writeback, one call writes at most a piece: the entry that crosses the limit is cut short for this call.
      int cut = -1;
      size_t whole = 0;
      if (writeback_) {
        size_t bytes = 0;
        for (int k = 0; k < count; k++) {
          iovec& v = iov[first + k];
          if (bytes + v.iov_len > kWritebackPiece) {
            cut = k;
            whole = v.iov_len;
            v.iov_len = kWritebackPiece - bytes;
            count = k + 1;
            break;
          }
          bytes += v.iov_len;
        }
      }
      ssize_t n = ::writev(fd_, &iov[first], count);
      if (cut >= 0) iov[first + cut].iov_len = whole;
      if (n < 0) {
        if (errno == EINTR) continue;
        throw OsError(errno, "write", path_);
      }
      size_t left = static_cast<size_t>(n);
      while (first < iov.size() && left >= iov[first].iov_len) left -= iov[first++].iov_len;
      if (left > 0) {
        iov[first].iov_base = static_cast<uint8_t*>(iov[first].iov_base) + left;
        iov[first].iov_len -= left;
      }
      while (first < iov.size() && iov[first].iov_len == 0) first++;
      done_ += n;
      if (writeback_ && static_cast<size_t>(done_ - handedOver_) >= kWritebackPiece) {
        // Advisory: file systems that cannot start writeback this way just flush at fsync.
        ::sync_file_range(fd_, handedOver_, done_ - handedOver_, SYNC_FILE_RANGE_WRITE);
        handedOver_ = done_;
      }
    }
  }

 private:
  int fd_;
  const std::string& path_;
  bool writeback_;
  off_t done_ = 0, handedOver_ = 0;
};

// The CRC-32 of iov[source] goes, little-endian, at byte `offset` of iov[target] (JS memory) before that segment is
// written: a zip's CRCs are computed while its records are written instead of before (perf: the CRCs of a 1 GiB save
// took a sixth of its time).
struct CrcPatch {
  size_t source, target, offset;
};

// Writes iov to fd, filling in the patches: a helper thread computes the CRCs of the patches' sources in order while
// this one writes, and waits for a CRC only when it reaches the segment that holds it.
void WriteContents(int fd, const std::vector<iovec>& iov, const std::string& path, bool writeback,
                   const std::vector<CrcPatch>& patches) {
  FileWriter out(fd, path, writeback);
  if (patches.empty()) return out.Write(iov);
  std::vector<size_t> sources;
  for (const CrcPatch& p : patches) sources.push_back(p.source);
  std::sort(sources.begin(), sources.end());
  sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
  std::vector<uint32_t> crcs(sources.size(), 0);
  std::mutex mu;
  std::condition_variable cv;
  size_t ready = 0;
  bool stop = false;
  auto checksum = [&](size_t k) {
    return tn::Crc32(0, static_cast<const uint8_t*>(iov[sources[k]].iov_base), iov[sources[k]].iov_len);
  };
  std::thread helper;
  try {
    helper = std::thread([&] {
      for (size_t k = 0; k < sources.size(); k++) {
        uint32_t crc = checksum(k);
        std::lock_guard<std::mutex> lock(mu);
        if (stop) return;
        crcs[k] = crc;
        ready = k + 1;
        cv.notify_all();
      }
    });
  } catch (const std::system_error&) {
    for (size_t k = 0; k < sources.size(); k++) crcs[k] = checksum(k);
    ready = sources.size();
  }
  struct Joiner {
    std::thread& t;
    std::mutex& mu;
    bool& stop;
    ~Joiner() {
      if (!t.joinable()) return;
      {
        std::lock_guard<std::mutex> lock(mu);
        stop = true;
      }
      t.join();
    }
  } joiner{helper, mu, stop};
  std::vector<CrcPatch> byTarget = patches;
  std::sort(byTarget.begin(), byTarget.end(), [](const CrcPatch& x, const CrcPatch& y) { return x.target < y.target; });
  size_t begin = 0;
  for (const CrcPatch& p : byTarget) {
    if (p.target > begin) {
      out.Write(std::vector<iovec>(iov.begin() + begin, iov.begin() + p.target));
      begin = p.target;
    }
    const size_t k = std::lower_bound(sources.begin(), sources.end(), p.source) - sources.begin();
    uint32_t crc;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return ready > k; });
      crc = crcs[k];
    }
    uint8_t* at = static_cast<uint8_t*>(iov[p.target].iov_base) + p.offset;
    for (int b = 0; b < 4; b++) at[b] = static_cast<uint8_t>(crc >> (8 * b));
  }
  out.Write(std::vector<iovec>(iov.begin() + begin, iov.end()));
}

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::atomic<uint64_t> gTmpCounter{0};

// Writes the segments to path. Atomic: a temporary file beside the target, fsync, rename over it, fsync the folder,
// so that the path holds the old or the new file whatever happens, never a torn one.
void WriteFileImpl(const std::string& path, const std::vector<iovec>& iov, bool atomic, bool sync,
                   const std::vector<CrcPatch>& patches) {
  if (!atomic) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw OsError(errno, "open", path);
    try {
      WriteContents(fd, iov, path, sync, patches);
      if (sync && ::fsync(fd) != 0) throw OsError(errno, "fsync", path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    if (::close(fd) != 0) throw OsError(errno, "close", path);
    return;
  }
  std::string dir = DirOf(path);
  std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  std::string tmp = (dir == "." && path.find('/') == std::string::npos ? std::string() : dir + "/") + "." + base +
                    ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(gTmpCounter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw OsError(errno, "open", tmp);
  try {
    // Keep the mode of the file being replaced, as writing over it in place would.
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::fchmod(fd, st.st_mode & 07777);
    WriteContents(fd, iov, tmp, sync, patches);
    if (sync && ::fsync(fd) != 0) throw OsError(errno, "fsync", tmp);
    if (::close(fd) != 0) {
      fd = -1;
      throw OsError(errno, "close", tmp);
    }
    fd = -1;
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw OsError(errno, "rename", path);
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (sync) {
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
}

// The CRC patches of writeFile: flat [source, target, offset, …], checked against the segments.
std::vector<CrcPatch> PatchesOf(const Args& a, size_t i, const Segments& s) {
  std::vector<CrcPatch> out;
  if (a.isNullish(i)) return out;
  std::vector<int64_t> flat = a.ints(i);
  if (flat.size() % 3 != 0)
    throw ArgError("argument " + std::to_string(i) + ": expected [source, target, offset] triples");
  std::vector<bool> target(s.iov.size(), false);
  for (size_t k = 0; k < flat.size(); k += 3) {
    const int64_t n = static_cast<int64_t>(s.iov.size());
    if (flat[k] < 0 || flat[k] >= n || flat[k + 1] < 0 || flat[k + 1] >= n || flat[k + 2] < 0)
      throw ArgError("a CRC patch names a segment that does not exist");
    CrcPatch p{static_cast<size_t>(flat[k]), static_cast<size_t>(flat[k + 1]), static_cast<size_t>(flat[k + 2])};
    if (!s.fromJs[p.target] || p.offset > s.iov[p.target].iov_len || s.iov[p.target].iov_len - p.offset < 4)
      throw ArgError("a CRC patch must lie inside a Buffer segment");
    target[p.target] = true;
    out.push_back(p);
  }
  // A source that is patched itself would be checksummed before or after its patch, depending on timing.
  for (const CrcPatch& p : out)
    if (target[p.source]) throw ArgError("a CRC patch's source is itself patched");
  return out;
}

// writeFile(path, segments, atomic, fsync[, crcPatches])
Napi::Value WriteFile(const Args& a) {
  std::string path = a.str(0);
  Segments s(a, 1, false);
  std::vector<CrcPatch> patches = PatchesOf(a, 4, s);
  try {
    WriteFileImpl(path, s.iov, a.flag(2), a.flag(3), patches);
  } catch (const OsError& e) {
    throw ToJs(a.env(), e);
  }
  return a.env().Undefined();
}

// The async twins: the segments are gathered (and pinned) on the JS thread, the work runs on the thread pool.
class IoWorker : public Napi::AsyncWorker {
 public:
  enum class Kind { Write, Crc };
  IoWorker(Napi::Env env, Kind kind, std::unique_ptr<Segments> segs, std::string path, bool atomic, bool sync,
           std::vector<CrcPatch> patches = {})
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        kind_(kind),
        segs_(std::move(segs)),
        path_(std::move(path)),
        atomic_(atomic),
        sync_(sync),
        patches_(std::move(patches)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      if (kind_ == Kind::Write) {
        WriteFileImpl(path_, segs_->iov, atomic_, sync_, patches_);
      } else {
        crcs_ = Crc32Ranges(segs_->iov, at::get_num_threads());
      }
    } catch (const OsError& e) {
      os_ = std::make_unique<OsError>(e);
      SetError(e.msg);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (kind_ == Kind::Write) {
      deferred_.Resolve(env.Undefined());
    } else {
      Napi::Array out = Napi::Array::New(env, crcs_.size());
      for (size_t k = 0; k < crcs_.size(); k++) out.Set(static_cast<uint32_t>(k), Napi::Number::New(env, crcs_[k]));
      deferred_.Resolve(out);
    }
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(os_ ? ToJs(Env(), *os_).Value() : e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Kind kind_;
  std::unique_ptr<Segments> segs_;
  std::string path_;
  bool atomic_, sync_;
  std::vector<CrcPatch> patches_;
  std::vector<uint32_t> crcs_;
  std::unique_ptr<OsError> os_;
};

Napi::Value WriteFileAsync(const Args& a) {
  std::string path = a.str(0);
  auto segs = std::make_unique<Segments>(a, 1, true);
  std::vector<CrcPatch> patches = PatchesOf(a, 4, *segs);
  auto* w =
      new IoWorker(a.env(), IoWorker::Kind::Write, std::move(segs), path, a.flag(2), a.flag(3), std::move(patches));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value Crc32Async(const Args& a) {
  auto segs = std::make_unique<Segments>(a, 0, true);
  auto* w = new IoWorker(a.env(), IoWorker::Kind::Crc, std::move(segs), "", false, false);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// Host to device in chunks through pinned staging buffers. A storage read from a file lies in pageable memory (the
// mapping or a Buffer), which the driver copies synchronously through its own small bounce buffer; copying a chunk
// into page-locked memory (on libtorch's CPU threads) and then to the device without blocking lets the next chunk's
// gathering overlap the previous chunk's transfer. libtorch's caching host allocator keeps each staging block until
// its copy has finished, so dropping it here is safe and the blocks are reused by the next chunks and loads.
constexpr int64_t kStagingBytes = int64_t(64) << 20;

// copyToDevice(t, device): a contiguous CPU tensor copied to a CUDA device through pinned staging; any other target
// is a plain copy. The result is ready for work queued after it on the device's current stream.
Napi::Value CopyToDevice(const Args& a) {
  const at::Tensor& t = a.tensor(0);
  at::Device dev = a.device(1);
  if (!dev.is_cuda() || !t.device().is_cpu()) return a.ret(t.to(dev, t.scalar_type()));
  const at::Tensor src = t.contiguous().view(-1);
  at::Tensor dst = at::empty({src.numel()}, src.options().device(dev));
  const int64_t step = std::max<int64_t>(1, kStagingBytes / int64_t(src.element_size()));
  for (int64_t off = 0; off < src.numel(); off += step) {
    const int64_t n = std::min(step, src.numel() - off);
    at::Tensor staging = at::empty({n}, src.options().pinned_memory(true));
    staging.copy_(src.narrow(0, off, n));
    dst.narrow(0, off, n).copy_(staging, /*non_blocking=*/true);
  }
  return a.ret(dst.view(t.sizes()));
}

}  // namespace

void RegisterIo(Napi::Env env, Napi::Object e) {
  const std::pair<const char*, NativeFn> fns[] = {
      {"mapFile", MapFile},
      {"mapOpen", MapOpen},
      {"mapOpenAsync", MapOpenAsync},
      {"mapLength", MapLength},
      {"mapClose", MapClose},
      {"mapWindow", MapWindow},
      {"mapSlice", MapSlice},
      {"mapRead", MapRead},
      {"mapTensor", MapTensor},
      {"crc32", Crc32},
      {"crc32Async", Crc32Async},
      {"writeFile", WriteFile},
      {"writeFileAsync", WriteFileAsync},
      {"copyToDevice", CopyToDevice},
  };
  for (const auto& [name, fn] : fns) Def(env, e, name, fn);
}

}  // namespace tn
