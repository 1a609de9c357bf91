#include "persistence/redis_listpack_encoder.h"

#include <cstring>

namespace cardinal::persistence {
namespace {

size_t BacklenSize(size_t entry_len) {
  if (entry_len <= 127) return 1;
  if (entry_len < 16383) return 2;
  if (entry_len < 2097151) return 3;
  if (entry_len < 268435455) return 4;
  return 5;
}

// Encoding + payload bytes of an integer element.
size_t IntEncodedSize(int64_t v) {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  return 9;
}

size_t StringEncodedSize(size_t len) {
  if (len < 64) return 1 + len;
  if (len < 4096) return 2 + len;
  return 5 + len;
}

void PutLE(char* p, uint64_t v, int n) {
  for (int i = 0; i < n; i++) p[i] = static_cast<char>(v >> (8 * i));
}

}  // namespace

RedisListpackBuilder::RedisListpackBuilder(std::string* buf) : buf_(buf) {
  buf_->assign(kHeaderSize, '\0');
}

size_t RedisListpackBuilder::StringElementSize(size_t len) {
  const size_t n = StringEncodedSize(len);
  return n + BacklenSize(n);
}

size_t RedisListpackBuilder::IntElementSize(int64_t v) {
  const size_t n = IntEncodedSize(v);
  return n + BacklenSize(n);
}

size_t RedisListpackBuilder::EncodeBacklen(size_t l, char* out) {
  const size_t n = BacklenSize(l);
  // Most significant 7-bit group first; every byte after the first carries the top bit, which
  // tells a right-to-left reader that more bytes follow.
  for (size_t i = 0; i < n; i++) {
    const unsigned shift = static_cast<unsigned>(7 * (n - 1 - i));
    out[i] = static_cast<char>(((l >> shift) & 127) | (i == 0 ? 0 : 128));
  }
  return n;
}

void RedisListpackBuilder::AppendString(std::string_view s) {
  const size_t len = s.size();
  char h[5];
  size_t hn;
  if (len < 64) {
    h[0] = static_cast<char>(0x80 | len);
    hn = 1;
  } else if (len < 4096) {
    h[0] = static_cast<char>(0xE0 | (len >> 8));
    h[1] = static_cast<char>(len & 0xFF);
    hn = 2;
  } else {
    h[0] = static_cast<char>(0xF0);
    PutLE(h + 1, len, 4);
    hn = 5;
  }
  buf_->append(h, hn);
  buf_->append(s.data(), len);
  const size_t bn = EncodeBacklen(hn + len, h);
  buf_->append(h, bn);
  ++count_;
}

void RedisListpackBuilder::AppendInt(int64_t v) {
  char b[9 + 5];
  const size_t n = IntEncodedSize(v);
  const uint64_t u = static_cast<uint64_t>(v);
  switch (n) {
    case 1:
      b[0] = static_cast<char>(v);
      break;
    case 2: {
      const uint64_t t = u & 0x1FFF;  // 13-bit two's complement
      b[0] = static_cast<char>(0xC0 | (t >> 8));
      b[1] = static_cast<char>(t & 0xFF);
      break;
    }
    case 3:
      b[0] = static_cast<char>(0xF1);
      PutLE(b + 1, u, 2);
      break;
    case 4:
      b[0] = static_cast<char>(0xF2);
      PutLE(b + 1, u, 3);
      break;
    case 5:
      b[0] = static_cast<char>(0xF3);
      PutLE(b + 1, u, 4);
      break;
    default:
      b[0] = static_cast<char>(0xF4);
      PutLE(b + 1, u, 8);
      break;
  }
  const size_t bn = EncodeBacklen(n, b + n);
  buf_->append(b, n + bn);
  ++count_;
}

std::string_view RedisListpackBuilder::Finish() {
  buf_->push_back(static_cast<char>(kEof));
  char* h = buf_->data();
  PutLE(h, buf_->size(), 4);
  PutLE(h + 4, count_ < kUnknownCount ? count_ : kUnknownCount, 2);
  return *buf_;
}

}  // namespace cardinal::persistence
