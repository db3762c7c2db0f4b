// CRC-32 as zip records carry it (zlib's crc32), at memory speed: carry-less multiplication folding on x86-64 CPUs
// that have PCLMULQDQ, zlib's table code elsewhere; large inputs are cut into pieces checksummed on several threads
// and joined with zlib's crc32_combine.
#pragma once
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tn {

// zlib's crc32(crc, p, n): continues `crc` (0 to start) over n bytes.
uint32_t Crc32(uint32_t crc, const uint8_t* p, size_t n);

// The CRC-32 of each range, on up to `threads` threads when the ranges add up to enough bytes to gain from them.
std::vector<uint32_t> Crc32Ranges(const std::vector<iovec>& ranges, int threads);

}  // namespace tn
