// CRC-64/Jones as Redis's RDB trailer uses it: polynomial 0xad93d23594c935a9, reflected input and
// output, initial value 0, no final xor. Check value: Crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
//
// Hand-written because no Debian library offers this polynomial; slicing-by-8 (eight 256-entry
// tables, 8 bytes per step) because the whole snapshot passes through it on save and on load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cardinal::persistence {

// Continues a running CRC: Crc64(Crc64(0, a), b) == Crc64(0, a + b).
uint64_t Crc64(uint64_t crc, const void* data, size_t len);
inline uint64_t Crc64(uint64_t crc, std::string_view s) { return Crc64(crc, s.data(), s.size()); }

}  // namespace cardinal::persistence
