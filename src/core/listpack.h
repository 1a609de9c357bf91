// Listpack: a compact, contiguous sequence of strings and integers in one heap buffer.
//
// Used for small lists (and each node of a QuickList), small hashes (field, value, field, ...)
// and small sorted sets (member, score, member, ...). Redis reports these as "listpack"; the
// byte format below is Cardinal's own (Redis's RDB listpack blobs are converted on load).
//
// Buffer layout:
//   [0] uint32 total bytes of the buffer   [4] uint16 element count   [6] elements...
// The count saturates at 65535 ("unknown": size() then counts by walking, and stores the result
// when it fits again). Two bytes rather than four because small hashes and sorted sets are one
// listpack each: at a few dozen bytes, the header decides the allocator size class.
// Element: header, payload, backlen. The header says the kind and length:
//   0xxxxxxx                 integer 0..127, no payload
//   10xxxxxx                 string of 0..63 bytes
//   110xxxxx xxxxxxxx        integer -4096..4095 (13-bit two's complement)
//   1110xxxx xxxxxxxx        string of 0..4095 bytes
//   11110000 + uint32        string of any length
//   11110001/2/3/4 + 2/3/4/8 bytes  integer of 16/24/32/64 bits
// backlen is the size of header + payload written backwards in 7-bit groups (1 byte below 128),
// so the list can be walked from either end. A string that is a canonical 64-bit integer is
// stored as an integer; Get() formats it back to the same text, so the change is invisible.
//
// Listpack is a handle: it does not own the buffer. Mutations may reallocate; the new buffer is
// data() afterwards, which the owner must store (Entry::set_object). Element positions (Pos) are
// byte offsets, invalidated by any mutation except as documented per method.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cardinal::core {

// An element read from a listpack: either bytes inside the buffer or an integer.
struct LpValue {
  std::string_view str;  // valid when !is_int; points into the buffer
  int64_t ival = 0;      // valid when is_int
  bool is_int = false;

  static constexpr size_t kScratchSize = 24;
  // The element as text; integers are formatted into `scratch` (kScratchSize bytes).
  std::string_view View(char* scratch) const;
  std::string ToString() const;
  void AppendTo(std::string* out) const;
  bool Equals(std::string_view s) const;
};

class Listpack {
 public:
  using Pos = uint32_t;
  static constexpr Pos kNpos = UINT32_MAX;
  static constexpr size_t kHeaderSize = 6;

  static uint8_t* NewBuffer();
  static void FreeBuffer(uint8_t* buf);
  static uint8_t* CloneBuffer(const uint8_t* buf);
  // Bytes an element holding `s` would take (header + payload + backlen), for size limits.
  static size_t EncodedSize(std::string_view s);

  explicit Listpack(uint8_t* buf) : buf_(buf) {}
  uint8_t* data() const { return buf_; }
  size_t size() const;   // elements
  size_t bytes() const;  // bytes of the buffer
  bool empty() const { return size() == 0; }

  // Navigation. First/Last/Next/Prev return kNpos past either end.
  Pos First() const;
  Pos Last() const;
  Pos Next(Pos p) const;
  Pos Prev(Pos p) const;
  // Element by index; negative counts from the tail (-1 = last). kNpos when out of range.
  // Walks from the nearer end.
  Pos Seek(int64_t index) const;
  LpValue Get(Pos p) const;

  // Mutations (may reallocate; see above).
  void Append(std::string_view s);
  void Prepend(std::string_view s);
  void AppendInt(int64_t v);
  // Appends two elements with one reallocation (a hash's field and value).
  void AppendPair(std::string_view a, std::string_view b);
  // Inserts `s` before the element at `before` (kNpos: at the end). Returns the position of the
  // inserted element.
  Pos Insert(Pos before, std::string_view s);
  // Removes the element at `p`; returns the position of the element that followed (kNpos at the
  // end).
  Pos Erase(Pos p);
  // Removes `count` consecutive elements starting at `p` (clamped at the end).
  void EraseRange(Pos p, size_t count);
  // Replaces the element at `p` by `s`; returns its (unchanged) position.
  Pos Replace(Pos p, std::string_view s);
  void Clear();

  // Searches from `start` for an element equal to `s`, comparing `start`, then every
  // (skip + 1)-th element (skip = 1 finds a hash field among field/value pairs). kNpos if none.
  Pos Find(Pos start, std::string_view s, unsigned skip = 0) const;

 private:
  uint8_t* buf_;
};

}  // namespace cardinal::core
