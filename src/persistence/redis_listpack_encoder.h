// Builds listpacks in REDIS's byte format (not core::Listpack's, which is Cardinal's own), for the
// RDB writer's HASH_LISTPACK, ZSET_LISTPACK and QUICKLIST_2 blobs.
//
// Redis's listpack:
//   [0] uint32 total bytes  [4] uint16 element count (65535 = "unknown, walk it")
//   elements...  0xFF
// Element: encoding byte(s) + payload + backlen. Encodings (first byte):
//   0xxxxxxx                         integer 0..127
//   10xxxxxx + bytes                 string of < 64 bytes
//   110xxxxx yyyyyyyy                integer -4096..4095, 13-bit two's complement, high bits first
//   1110xxxx yyyyyyyy + bytes        string of < 4096 bytes, length high bits first
//   11110000 + uint32 len + bytes    any string
//   11110001/0010/0011/0100 + 2/3/4/8 bytes   integer of 16/24/32/64 bits, little-endian
// backlen = size of encoding + payload, written so it can be read right to left: 7 bits per byte,
// most significant group first, every byte but the first with the top bit set. Redis's validator
// recomputes its width from the entry size, so the width boundaries (1 byte up to 127, 2 below
// 16383, 3 below 2097151, 4 below 268435455, else 5) must match exactly.
//
// The builder appends into a caller-owned std::string so the writer reuses one buffer for every
// blob of the snapshot (no allocation per key once it has grown).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/listpack.h"

namespace cardinal::persistence {

class RedisListpackBuilder {
 public:
  static constexpr size_t kHeaderSize = 6;
  static constexpr uint8_t kEof = 0xFF;
  static constexpr uint16_t kUnknownCount = 65535;

  // Starts an empty listpack in *buf (cleared; its capacity is kept).
  explicit RedisListpackBuilder(std::string* buf);

  // Bytes the element would add (encoding + payload + backlen).
  static size_t StringElementSize(size_t len);
  static size_t IntElementSize(int64_t v);
  static size_t ElementSize(const core::LpValue& v) {
    return v.is_int ? IntElementSize(v.ival) : StringElementSize(v.str.size());
  }

  // Writes the backlen of an entry of `entry_len` bytes (encoding + payload) to `out` (up to 5
  // bytes); returns its width.
  static size_t EncodeBacklen(size_t entry_len, char* out);

  // Appends `s` as a string element, byte for byte (no integer detection: the caller's
  // core::Listpack already stored canonical integers as integers).
  void AppendString(std::string_view s);
  void AppendInt(int64_t v);
  void Append(const core::LpValue& v) {
    if (v.is_int) {
      AppendInt(v.ival);
    } else {
      AppendString(v.str);
    }
  }

  size_t count() const { return count_; }
  // Bytes of the finished listpack so far (header + elements + the end byte to come).
  size_t bytes() const { return buf_->size() + 1; }

  // Writes the end byte and the header; returns the whole listpack (a view of *buf).
  // REQUIRES: bytes() <= UINT32_MAX.
  std::string_view Finish();

 private:
  std::string* buf_;
  size_t count_ = 0;
};

}  // namespace cardinal::persistence
