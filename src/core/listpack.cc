#include "core/listpack.h"

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

#include "common/string_util.h"

namespace cardinal::core {

namespace {

// Header bytes (see listpack.h).
constexpr uint8_t kStr32 = 0xF0;
constexpr uint8_t kInt16 = 0xF1;
constexpr uint8_t kInt24 = 0xF2;
constexpr uint8_t kInt32 = 0xF3;
constexpr uint8_t kInt64 = 0xF4;

uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
void Store32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }

uint32_t TotalBytes(const uint8_t* buf) { return Load32(buf); }
constexpr uint32_t kCountUnknown = UINT16_MAX;

uint32_t StoredCount(const uint8_t* buf) {
  uint16_t v;
  std::memcpy(&v, buf + 4, 2);
  return v;
}
void StoreCount(uint8_t* buf, uint64_t n) {
  const uint16_t v = n >= kCountUnknown ? kCountUnknown : static_cast<uint16_t>(n);
  std::memcpy(buf + 4, &v, 2);
}

size_t BacklenSize(size_t len) {
  if (len < (1u << 7)) return 1;
  if (len < (1u << 14)) return 2;
  if (len < (1u << 21)) return 3;
  if (len < (1u << 28)) return 4;
  return 5;
}

// Writes the backlen of an element whose header + payload is `len` bytes: the highest 7-bit
// group first without a flag, lower groups after it flagged, so a reader starting at the last
// byte collects groups until it meets an unflagged byte.
void WriteBacklen(uint8_t* p, size_t len) {
  const size_t n = BacklenSize(len);
  for (size_t i = 0; i < n; ++i) {
    const size_t group = (len >> (7 * (n - 1 - i))) & 0x7F;
    p[i] = static_cast<uint8_t>(group | (i == 0 ? 0 : 0x80));
  }
}

// Reads a backlen ending at `last` (inclusive); returns the element length, sets *size.
size_t ReadBacklen(const uint8_t* last, size_t* size) {
  size_t v = 0;
  unsigned shift = 0;
  size_t n = 0;
  for (;;) {
    const uint8_t b = *(last - n);
    v |= static_cast<size_t>(b & 0x7F) << shift;
    ++n;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  *size = n;
  return v;
}

// Encoded form of one element: header (+ integer payload) in `head`, string payload separate.
struct Encoded {
  uint8_t head[9];
  size_t head_len = 0;
  std::string_view payload;  // string bytes, empty for integers
  size_t body() const { return head_len + payload.size(); }
  size_t total() const { return body() + BacklenSize(body()); }
};

void EncodeInt(int64_t v, Encoded* e) {
  auto put = [&](uint8_t tag, int bytes) {
    e->head[0] = tag;
    const uint64_t u = static_cast<uint64_t>(v);
    for (int i = 0; i < bytes; ++i) e->head[1 + i] = static_cast<uint8_t>(u >> (8 * i));
    e->head_len = 1 + bytes;
  };
  if (v >= 0 && v <= 127) {
    e->head[0] = static_cast<uint8_t>(v);
    e->head_len = 1;
  } else if (v >= -4096 && v <= 4095) {
    const uint16_t u = static_cast<uint16_t>(v) & 0x1FFF;
    e->head[0] = static_cast<uint8_t>(0xC0 | (u >> 8));
    e->head[1] = static_cast<uint8_t>(u & 0xFF);
    e->head_len = 2;
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    put(kInt16, 2);
  } else if (v >= -(1 << 23) && v < (1 << 23)) {
    put(kInt24, 3);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    put(kInt32, 4);
  } else {
    put(kInt64, 8);
  }
}

void Encode(std::string_view s, Encoded* e) {
  int64_t iv;
  if (s.size() <= 20 && ValueIsCanonicalInt64(s, &iv)) {
    EncodeInt(iv, e);
    return;
  }
  const size_t n = s.size();
  if (n < 64) {
    e->head[0] = static_cast<uint8_t>(0x80 | n);
    e->head_len = 1;
  } else if (n < 4096) {
    e->head[0] = static_cast<uint8_t>(0xE0 | (n >> 8));
    e->head[1] = static_cast<uint8_t>(n & 0xFF);
    e->head_len = 2;
  } else {
    e->head[0] = kStr32;
    Store32(e->head + 1, static_cast<uint32_t>(n));
    e->head_len = 5;
  }
  e->payload = s;
}

// Size of header + payload of the element at `p`.
size_t BodySize(const uint8_t* p) {
  const uint8_t h = p[0];
  if (h < 0x80) return 1;
  if (h < 0xC0) return 1 + (h & 0x3F);
  if (h < 0xE0) return 2;
  if (h < 0xF0) return 2 + (((h & 0x0F) << 8) | p[1]);
  switch (h) {
    case kStr32: return 5 + Load32(p + 1);
    case kInt16: return 3;
    case kInt24: return 4;
    case kInt32: return 5;
    case kInt64: return 9;
  }
  std::abort();  // corrupt buffer
}

size_t ElementSize(const uint8_t* p) {
  const size_t body = BodySize(p);
  return body + BacklenSize(body);
}

int64_t LoadSigned(const uint8_t* p, int bytes) {
  uint64_t u = 0;
  for (int i = 0; i < bytes; ++i) u |= static_cast<uint64_t>(p[i]) << (8 * i);
  const unsigned shift = 64 - 8 * bytes;
  return static_cast<int64_t>(u << shift) >> shift;  // sign-extend
}

// Moves n bytes down from src to dst (dst < src, overlapping). glibc copies a large overlapping
// block with `rep movsb`, measured 2-3x slower than its vector loop when the distance is one
// element (closing an erased element's gap in a few KiB); chunks below its threshold keep the
// vector loop. Safe because each ascending chunk reads only bytes above everything written so far.
void CloseGap(uint8_t* dst, const uint8_t* src, size_t n) {
  constexpr size_t kChunk = 2048;
  for (; n > kChunk; dst += kChunk, src += kChunk, n -= kChunk) std::memmove(dst, src, kChunk);
  std::memmove(dst, src, n);
}

uint8_t* Realloc(uint8_t* buf, size_t n) {
  auto* p = static_cast<uint8_t*>(std::realloc(buf, n));
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// LpValue

std::string_view LpValue::View(char* scratch) const {
  if (!is_int) return str;
  return {scratch, FormatInt64(ival, scratch)};
}

std::string LpValue::ToString() const {
  char buf[kScratchSize];
  return std::string(View(buf));
}

void LpValue::AppendTo(std::string* out) const {
  char buf[kScratchSize];
  std::string_view v = View(buf);
  out->append(v.data(), v.size());
}

bool LpValue::Equals(std::string_view s) const {
  if (!is_int) return str == s;
  // Integers are stored only for canonical texts, so a match must be canonical too.
  int64_t v;
  return s.size() <= 20 && ValueIsCanonicalInt64(s, &v) && v == ival;
}

// ---------------------------------------------------------------------------------------------
// Listpack

uint8_t* Listpack::NewBuffer() {
  uint8_t* buf = Realloc(nullptr, kHeaderSize);
  Store32(buf, kHeaderSize);
  StoreCount(buf, 0);
  return buf;
}

void Listpack::FreeBuffer(uint8_t* buf) { std::free(buf); }

uint8_t* Listpack::CloneBuffer(const uint8_t* buf) {
  const size_t n = TotalBytes(buf);
  uint8_t* copy = Realloc(nullptr, n);
  std::memcpy(copy, buf, n);
  return copy;
}

size_t Listpack::EncodedSize(std::string_view s) {
  Encoded e;
  Encode(s, &e);
  return e.total();
}

size_t Listpack::size() const {
  const uint32_t stored = StoredCount(buf_);
  if (stored != kCountUnknown) return stored;
  size_t n = 0;
  const uint32_t total = TotalBytes(buf_);
  for (size_t p = kHeaderSize; p < total; p += ElementSize(buf_ + p)) ++n;
  if (n < kCountUnknown) StoreCount(buf_, n);  // cache it once it fits again
  return n;
}

// Keeps the stored count in step with a change of `delta` elements (unknown stays unknown).
static void AddCount(uint8_t* buf, int64_t delta) {
  const uint32_t stored = StoredCount(buf);
  if (stored != kCountUnknown) StoreCount(buf, static_cast<uint64_t>(stored + delta));
}
size_t Listpack::bytes() const { return TotalBytes(buf_); }

Listpack::Pos Listpack::First() const { return TotalBytes(buf_) == kHeaderSize ? kNpos : kHeaderSize; }

Listpack::Pos Listpack::Last() const {
  const uint32_t total = TotalBytes(buf_);
  return total == kHeaderSize ? kNpos : Prev(total);
}

Listpack::Pos Listpack::Next(Pos p) const {
  const size_t n = p + ElementSize(buf_ + p);
  return n >= TotalBytes(buf_) ? kNpos : static_cast<Pos>(n);
}

Listpack::Pos Listpack::Prev(Pos p) const {
  if (p <= kHeaderSize) return kNpos;
  size_t bl_size;
  const size_t body = ReadBacklen(buf_ + p - 1, &bl_size);
  return static_cast<Pos>(p - bl_size - body);
}

Listpack::Pos Listpack::Seek(int64_t index) const {
  const int64_t n = static_cast<int64_t>(size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return kNpos;
  if (index <= n / 2) {
    Pos p = kHeaderSize;
    for (int64_t i = 0; i < index; ++i) p += ElementSize(buf_ + p);
    return p;
  }
  Pos p = Last();
  for (int64_t i = n - 1; i > index; --i) p = Prev(p);
  return p;
}

LpValue Listpack::Get(Pos p) const {
  const uint8_t* e = buf_ + p;
  const uint8_t h = e[0];
  LpValue v;
  auto as_int = [&](int64_t x) {
    v.is_int = true;
    v.ival = x;
  };
  auto as_str = [&](size_t off, size_t len) {
    v.str = std::string_view(reinterpret_cast<const char*>(e + off), len);
  };
  if (h < 0x80) {
    as_int(h);
  } else if (h < 0xC0) {
    as_str(1, h & 0x3F);
  } else if (h < 0xE0) {
    const uint16_t u = static_cast<uint16_t>(((h & 0x1F) << 8) | e[1]);
    as_int(u >= 0x1000 ? static_cast<int64_t>(u) - 0x2000 : u);
  } else if (h < 0xF0) {
    as_str(2, ((h & 0x0F) << 8) | e[1]);
  } else {
    switch (h) {
      case kStr32: as_str(5, Load32(e + 1)); break;
      case kInt16: as_int(LoadSigned(e + 1, 2)); break;
      case kInt24: as_int(LoadSigned(e + 1, 3)); break;
      case kInt32: as_int(LoadSigned(e + 1, 4)); break;
      case kInt64: as_int(LoadSigned(e + 1, 8)); break;
      default: std::abort();
    }
  }
  return v;
}

namespace {

// Opens a gap of `grow` bytes at `at` (shifting the tail) and returns the new buffer.
uint8_t* OpenGap(uint8_t* buf, size_t at, size_t grow) {
  const size_t total = TotalBytes(buf);
  buf = Realloc(buf, total + grow);
  std::memmove(buf + at + grow, buf + at, total - at);
  Store32(buf, static_cast<uint32_t>(total + grow));
  return buf;
}

void WriteElement(uint8_t* p, const Encoded& e) {
  std::memcpy(p, e.head, e.head_len);
  if (!e.payload.empty()) std::memcpy(p + e.head_len, e.payload.data(), e.payload.size());
  WriteBacklen(p + e.body(), e.body());
}

}  // namespace

Listpack::Pos Listpack::Insert(Pos before, std::string_view s) {
  Encoded e;
  Encode(s, &e);
  const size_t at = before == kNpos ? TotalBytes(buf_) : before;
  // `s` may point into this buffer (LSET of an element read from it): copy it first.
  std::string copy;
  if (!e.payload.empty() && e.payload.data() >= reinterpret_cast<char*>(buf_) &&
      e.payload.data() < reinterpret_cast<char*>(buf_) + TotalBytes(buf_)) {
    copy.assign(e.payload);
    e.payload = copy;
  }
  buf_ = OpenGap(buf_, at, e.total());
  WriteElement(buf_ + at, e);
  AddCount(buf_, 1);
  return static_cast<Pos>(at);
}

void Listpack::Append(std::string_view s) { Insert(kNpos, s); }
void Listpack::Prepend(std::string_view s) { Insert(kHeaderSize, s); }

void Listpack::AppendPair(std::string_view a, std::string_view b) {
  Encoded ea, eb;
  Encode(a, &ea);
  Encode(b, &eb);
  std::string copy_a, copy_b;  // either may point into this buffer
  auto detach = [&](Encoded& e, std::string& copy) {
    if (!e.payload.empty() && e.payload.data() >= reinterpret_cast<char*>(buf_) &&
        e.payload.data() < reinterpret_cast<char*>(buf_) + TotalBytes(buf_)) {
      copy.assign(e.payload);
      e.payload = copy;
    }
  };
  detach(ea, copy_a);
  detach(eb, copy_b);
  const size_t at = TotalBytes(buf_);
  buf_ = OpenGap(buf_, at, ea.total() + eb.total());
  WriteElement(buf_ + at, ea);
  WriteElement(buf_ + at + ea.total(), eb);
  AddCount(buf_, 2);
}

void Listpack::AppendInt(int64_t v) {
  Encoded e;
  EncodeInt(v, &e);
  const size_t at = TotalBytes(buf_);
  buf_ = OpenGap(buf_, at, e.total());
  WriteElement(buf_ + at, e);
  AddCount(buf_, 1);
}

Listpack::Pos Listpack::Erase(Pos p) {
  EraseRange(p, 1);
  return p >= TotalBytes(buf_) ? kNpos : p;
}

void Listpack::EraseRange(Pos p, size_t count) {
  const size_t total = TotalBytes(buf_);
  size_t end = p;
  size_t removed = 0;
  while (removed < count && end < total) {
    end += ElementSize(buf_ + end);
    ++removed;
  }
  if (removed == 0) return;
  CloseGap(buf_ + p, buf_ + end, total - end);
  const size_t new_total = total - (end - p);
  Store32(buf_, static_cast<uint32_t>(new_total));
  AddCount(buf_, -static_cast<int64_t>(removed));
  buf_ = Realloc(buf_, new_total);
}

Listpack::Pos Listpack::Replace(Pos p, std::string_view s) {
  Encoded e;
  Encode(s, &e);
  std::string copy;
  const size_t total = TotalBytes(buf_);
  if (!e.payload.empty() && e.payload.data() >= reinterpret_cast<char*>(buf_) &&
      e.payload.data() < reinterpret_cast<char*>(buf_) + total) {
    copy.assign(e.payload);
    e.payload = copy;
  }
  const size_t old_size = ElementSize(buf_ + p);
  const size_t new_size = e.total();
  if (new_size > old_size) {
    buf_ = OpenGap(buf_, p + old_size, new_size - old_size);
  } else if (new_size < old_size) {
    CloseGap(buf_ + p + new_size, buf_ + p + old_size, total - p - old_size);
    const size_t new_total = total - (old_size - new_size);
    Store32(buf_, static_cast<uint32_t>(new_total));
    buf_ = Realloc(buf_, new_total);
  }
  WriteElement(buf_ + p, e);
  return p;
}

void Listpack::Clear() {
  buf_ = Realloc(buf_, kHeaderSize);
  Store32(buf_, kHeaderSize);
  StoreCount(buf_, 0);
}

Listpack::Pos Listpack::Find(Pos start, std::string_view s, unsigned skip) const {
  int64_t iv = 0;
  const bool want_int = s.size() <= 20 && ValueIsCanonicalInt64(s, &iv);
  const uint32_t total = TotalBytes(buf_);
  for (size_t p = start; p != kNpos && p < total;) {
    const uint8_t h = buf_[p];
    const bool is_str = (h >= 0x80 && h < 0xC0) || (h >= 0xE0 && h <= kStr32);
    if (is_str != want_int) {  // only same-kind elements can match (canonical encoding)
      const LpValue v = Get(static_cast<Pos>(p));
      if (want_int ? v.ival == iv : v.str == s) return static_cast<Pos>(p);
    }
    p += ElementSize(buf_ + p);
    for (unsigned k = 0; k < skip && p < total; ++k) p += ElementSize(buf_ + p);
  }
  return kNpos;
}

}  // namespace cardinal::core
