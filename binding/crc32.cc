#include "crc32.h"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tn {
namespace {

// zlib's crc32 takes a uInt length: feed it in 1 GiB pieces.
uint32_t ZlibCrc(uint32_t crc, const uint8_t* p, size_t n) {
  while (n > 0) {
    uInt chunk = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    crc = static_cast<uint32_t>(::crc32(crc, p, chunk));
    p += chunk;
    n -= chunk;
  }
  return crc;
}

#if defined(__x86_64__)

// Folding (after Gopal et al., "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ", Intel 2009).
//
// zip's CRC-32 is bit-reflected: byte 0's lowest bit is the message polynomial's highest coefficient. Sixteen bytes
// loaded into an SSE register therefore hold a polynomial whose coefficient of x^(127-i) is register bit i; the low
// 64 bits (H) are its high half and the high 64 bits (L) its low half: the block is H·x^64 + L. Moving the block
// forward by D bits (so that it can be added to the block D bits further on) multiplies it by x^D, and modulo P
// that is H·(x^(D+64) mod P) + L·(x^D mod P): two carry-less products of a 64-bit half by a 32-bit constant. With
// the constant's coefficient of x^j at bit 32-j, the product lands at the right place in a 128-bit result when the
// constants are x^(D+32) mod P and x^(D-32) mod P (the 32-bit shift makes up for the constant's placement).
//
// Four registers fold by 512 bits while input lasts (four independent chains hide the multiplier's latency), then
// fold into one by 128 bits. What is left, 128 bits congruent to the whole message, has the CRC of those 16 bytes
// run from a zero state, which zlib computes; zlib then finishes the last few bytes.

// x^n mod P(x) for CRC-32's generator P, with bit i the coefficient of x^i.
constexpr uint32_t XPowModP(unsigned n) {
  uint32_t r = 1;
  for (unsigned i = 0; i < n; i++) r = (r << 1) ^ ((r & 0x80000000u) ? 0x04C11DB7u : 0u);
  return r;
}

constexpr uint32_t Reflect32(uint32_t v) {
  uint32_t r = 0;
  for (int i = 0; i < 32; i++)
    if ((v >> i) & 1u) r |= 1u << (31 - i);
  return r;
}

// x^n mod P with the coefficient of x^j at bit 32-j: the form the folding multiplies by.
constexpr long long FoldConstant(unsigned n) { return static_cast<long long>(uint64_t{Reflect32(XPowModP(n))} << 1); }

// The constant pairs for folding by 512 bits (four registers) and by 128 bits: low half for H, high half for L.
constexpr long long kFold512H = FoldConstant(512 + 32), kFold512L = FoldConstant(512 - 32);
constexpr long long kFold128H = FoldConstant(128 + 32), kFold128L = FoldConstant(128 - 32);

__attribute__((target("pclmul,sse4.1"))) inline __m128i FoldBy(__m128i x, __m128i k) {
  return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

__attribute__((target("pclmul,sse4.1"))) inline __m128i Load(const uint8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// crc32(crc, p, n) by folding; n >= 64.
__attribute__((target("pclmul,sse4.1"))) uint32_t FoldCrc(uint32_t crc, const uint8_t* p, size_t n) {
  const __m128i k512 = _mm_set_epi64x(kFold512L, kFold512H);
  const __m128i k128 = _mm_set_epi64x(kFold128L, kFold128H);
  // zlib's state is the complement of the value it returns; it enters as the first 32 message bits.
  __m128i x0 = _mm_xor_si128(Load(p), _mm_cvtsi32_si128(static_cast<int>(~crc)));
  __m128i x1 = Load(p + 16), x2 = Load(p + 32), x3 = Load(p + 48);
  p += 64;
  n -= 64;
  for (; n >= 64; p += 64, n -= 64) {
    x0 = _mm_xor_si128(FoldBy(x0, k512), Load(p));
    x1 = _mm_xor_si128(FoldBy(x1, k512), Load(p + 16));
    x2 = _mm_xor_si128(FoldBy(x2, k512), Load(p + 32));
    x3 = _mm_xor_si128(FoldBy(x3, k512), Load(p + 48));
  }
  __m128i x = _mm_xor_si128(FoldBy(x0, k128), x1);
  x = _mm_xor_si128(FoldBy(x, k128), x2);
  x = _mm_xor_si128(FoldBy(x, k128), x3);
  for (; n >= 16; p += 16, n -= 16) x = _mm_xor_si128(FoldBy(x, k128), Load(p));
  alignas(16) uint8_t rest[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(rest), x);
  // crc32(0xFFFFFFFF, …) runs zlib from a zero state; its result continues as an ordinary crc.
  return ZlibCrc(ZlibCrc(0xFFFFFFFFu, rest, sizeof rest), p, n);
}

bool HasFolding() {
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return has;
}

#endif

// a·b modulo P for bit-reflected polynomials (bit 31 is the coefficient of x^0), shift-and-add.
uint32_t MulModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t bit = 1u << 31; bit != 0; bit >>= 1) {
    if (a & bit) product ^= b;
    b = (b & 1u) ? (b >> 1) ^ 0xEDB88320u : b >> 1;  // b·x
  }
  return product;
}

// The CRC of A followed by B from the CRCs of A and of B and B's length: the state after A, moved past B's length
// (times x^(8·length), by squaring), plus B's own. (zlib has crc32_combine, but which name it declares depends on
// the build's large-file macros.)
uint32_t CombineCrc(uint32_t crcA, uint32_t crcB, uint64_t lengthB) {
  uint32_t shift = 1u << 31;        // x^0
  uint32_t power = 1u << (31 - 8);  // x^8: one byte
  for (; lengthB != 0; lengthB >>= 1) {
    if (lengthB & 1) shift = MulModP(power, shift);
    power = MulModP(power, power);
  }
  return MulModP(shift, crcA) ^ crcB;
}

// Inputs are cut into pieces of this size for the threads; below this many bytes in all, one thread does everything
// (starting threads costs more than it saves).
constexpr size_t kPiece = 8u << 20;
constexpr size_t kParallelFrom = 32u << 20;

struct Piece {
  size_t range;
  const uint8_t* data;
  size_t length;
  uint32_t crc;
};

}  // namespace

uint32_t Crc32(uint32_t crc, const uint8_t* p, size_t n) {
#if defined(__x86_64__)
  if (n >= 64 && HasFolding()) return FoldCrc(crc, p, n);
#endif
  return ZlibCrc(crc, p, n);
}

std::vector<uint32_t> Crc32Ranges(const std::vector<iovec>& ranges, int threads) {
  std::vector<uint32_t> out(ranges.size(), 0);
  size_t total = 0;
  for (const iovec& r : ranges) total += r.iov_len;
  if (threads <= 1 || total < kParallelFrom) {
    for (size_t i = 0; i < ranges.size(); i++)
      out[i] = Crc32(0, static_cast<const uint8_t*>(ranges[i].iov_base), ranges[i].iov_len);
    return out;
  }
  std::vector<Piece> pieces;
  for (size_t i = 0; i < ranges.size(); i++) {
    const auto* p = static_cast<const uint8_t*>(ranges[i].iov_base);
    for (size_t off = 0; off < ranges[i].iov_len; off += kPiece)
      pieces.push_back({i, p + off, std::min(kPiece, ranges[i].iov_len - off), 0});
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t k; (k = next.fetch_add(1)) < pieces.size();) pieces[k].crc = Crc32(0, pieces[k].data, pieces[k].length);
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads; t++) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads: the ones running (this one at least) take every piece
    }
  }
  work();
  for (std::thread& h : helpers) h.join();
  // Pieces are in order within each range: join each one's CRC to the CRC of what precedes it.
  std::vector<bool> started(ranges.size(), false);
  for (const Piece& piece : pieces) {
    uint32_t& crc = out[piece.range];
    crc = started[piece.range] ? CombineCrc(crc, piece.crc, piece.length) : piece.crc;
    started[piece.range] = true;
  }
  return out;
}

}  // namespace tn
