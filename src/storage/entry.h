// Entry: one key and its value in a single allocation.
//
// Why one allocation: Redis spends ~126 B per small key on a dict entry, a key sds and a value
// object, each rounded up to an allocator size class. Cardinal keeps the key, the optional TTL and
// small values inline in one block, so a 16 B key with a 16 B value costs one 48 B block plus the
// table's 8 B slot (see docs/ARCHITECTURE.md, "Data layout").
//
// Layout (little-endian, unaligned fields read with memcpy):
//   [0]  uint8  type (low 4 bits: ObjType) | encoding (high 4 bits: Encoding)
//   [1]  uint8  flags (kHasExpire)
//   [2]  uint16 reserved for the LFU counter (eviction issue)
//   [4]  uint32 lru clock (seconds) of the last access
//   [8]  uint32 key length
//   [12] if kHasExpire: int64 expire-at (unix ms), uint32 slot in the ExpireIndex
//   ...  key bytes
//   ...  value: kInt     -> int64
//               kEmbStr  -> uint8 length + bytes (<= kMaxEmbeddedString)
//               kRaw     -> RawString* (heap buffer with capacity, for APPEND/SETRANGE growth)
//               others   -> a pointer to the collection object (see Encoding)
//
// Changing whether an entry has a TTL, or the size of an inline value, reallocates the entry; the
// caller swaps the pointer in the table and expire index (storage::Db does this in one place).
// Entries are not thread-safe: they are only touched under their shard's lock.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cardinal::storage {

enum class ObjType : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4, kStream = 6 };

// Encodings keep Redis's names for OBJECT ENCODING. Collections (kListpack and later) store a
// pointer to their object in the value slot; storage/object.h dispatches on (type, encoding):
//   list: kQuicklist (core::QuickList) always: Redis 7.0 reports every list as "quicklist"
//   hash: kListpack | kHashtable (core::StrMap)
//   set:  kIntset (core::IntSet) | kHashtable (core::StrSet)
//   zset: kListpack | kSkiplist (core::ZSet; an order-statistic tree, named as Redis names it)
enum class Encoding : uint8_t {
  kInt = 0, kEmbStr = 1, kRaw = 2,
  kListpack = 3, kQuicklist = 4, kIntset = 5, kHashtable = 6, kSkiplist = 7,
};

std::string_view TypeName(ObjType t);          // "string", "list", ...
std::string_view EncodingName(Encoding e);     // "int", "embstr", "raw", ...

// A growable string buffer for values that outgrew the inline form or were modified in place.
struct RawString {
  size_t len;
  size_t cap;
  char data[];  // NOLINT: flexible array member, allocated with the header

  static RawString* New(std::string_view s, size_t cap);
  static void Free(RawString* r);
  std::string_view view() const { return {data, len}; }
};

class Entry {
 public:
  // Redis labels strings of up to 44 bytes "embstr"; keeping the same cut-off keeps OBJECT
  // ENCODING identical and bounds the copy when an entry is reallocated.
  static constexpr size_t kMaxEmbeddedString = 44;

  // Creates a string entry, choosing the encoding Redis would report: "int" when the value is a
  // canonical 64-bit integer, "embstr" when short, "raw" otherwise. `expire_at_ms` < 0 means none.
  static Entry* NewString(std::string_view key, std::string_view value, int64_t expire_at_ms);
  // Same, with the encoding forced: kEmbStr/kRaw store the bytes as given (INCRBYFLOAT results,
  // APPEND targets), kInt requires `value` to be canonical.
  static Entry* NewStringAs(std::string_view key, std::string_view value, Encoding enc,
                            int64_t expire_at_ms);
  static Entry* NewInt(std::string_view key, int64_t value, int64_t expire_at_ms);
  // A collection entry; takes ownership of `obj` (whose class (type, encoding) names).
  static Entry* NewObject(std::string_view key, ObjType type, Encoding enc, void* obj,
                          int64_t expire_at_ms);
  // Moves a kRaw buffer into a new entry (takes ownership of `raw`).
  static Entry* NewRaw(std::string_view key, RawString* raw, int64_t expire_at_ms);
  // A copy of `e` under another key and/or TTL; the value is deep-copied (COPY, RENAME, EXPIRE).
  static Entry* CloneWith(const Entry* e, std::string_view key, int64_t expire_at_ms);
  // Copies `e` into a new block with the given TTL (< 0: none). Out-of-line values are moved,
  // not copied, so the caller must then release the old block with FreeShell — after the table
  // no longer points at it (lookups read the key from the block).
  static Entry* Relayout(const Entry* e, int64_t expire_at_ms);
  // Frees the entry and its value.
  static void Free(Entry* e);
  // Frees only the entry block, not an out-of-line value (the value moved to another entry).
  static void FreeShell(Entry* e);

  ObjType type() const { return static_cast<ObjType>(bytes_[0] & 0x0F); }
  Encoding encoding() const { return static_cast<Encoding>(bytes_[0] >> 4); }
  bool has_expire() const { return bytes_[1] & kHasExpire; }

  std::string_view key() const { return {key_ptr(), key_len()}; }
  uint32_t key_len() const { return Load<uint32_t>(8); }

  int64_t expire_at() const { return has_expire() ? Load<int64_t>(12) : -1; }
  void set_expire_at(int64_t at) { Store<int64_t>(12, at); }  // REQUIRES: has_expire()
  uint32_t expire_slot() const { return Load<uint32_t>(20); }
  void set_expire_slot(uint32_t s) { Store<uint32_t>(20, s); }

  uint32_t lru() const { return Load<uint32_t>(4); }
  void set_lru(uint32_t v) { Store<uint32_t>(4, v); }

  // Collection values. REQUIRES: type() != kString. set_object changes the pointer (a listpack
  // that reallocated) and, on conversion, the encoding; the caller frees the old object.
  bool is_collection() const { return type() != ObjType::kString; }
  void* object() const { return Load<void*>(value_offset()); }
  template <class T>
  T* object_as() const { return static_cast<T*>(object()); }
  void set_object(void* obj) { Store<void*>(value_offset(), obj); }
  void set_object(Encoding enc, void* obj) {
    bytes_[0] = static_cast<uint8_t>((bytes_[0] & 0x0F) | (static_cast<uint8_t>(enc) << 4));
    set_object(obj);
  }

  // String values. REQUIRES: type() == kString.
  int64_t int_value() const { return Load<int64_t>(value_offset()); }     // kInt
  void set_int_value(int64_t v) { Store<int64_t>(value_offset(), v); }    // kInt, in place
  RawString* raw() const { return Load<RawString*>(value_offset()); }     // kRaw
  void set_raw(RawString* r) { Store<RawString*>(value_offset(), r); }    // kRaw
  // The bytes of a kEmbStr/kRaw value; for kInt use AppendStringValue.
  std::string_view str_view() const;
  // SET over an existing string whose new value has the same encoding and size: writes it into
  // this block and returns true (false: allocate a new entry). Saves the allocator round trip,
  // and dirties one page instead of three, which is what copy-on-write charges a forked
  // snapshot for every overwrite.
  bool OverwriteStringInPlace(std::string_view value);
  // Appends the value as text (formats integers) to `out`.
  void AppendStringValue(std::string* out) const;
  size_t StringLength() const;

  // Bytes this entry owns (block + out-of-line value), for memory accounting.
  size_t MemoryUsage() const;
  // Whether freeing this entry is expensive enough to hand to the lazy-free thread.
  bool IsLargeValue() const;

 private:
  static constexpr uint8_t kHasExpire = 1;
  static constexpr size_t kHeaderSize = 12;
  static constexpr size_t kExpireSize = 12;

  static Entry* Allocate(ObjType type, Encoding enc, std::string_view key, int64_t expire_at_ms,
                         size_t value_size);
  size_t key_offset() const { return kHeaderSize + (has_expire() ? kExpireSize : 0); }
  const char* key_ptr() const { return reinterpret_cast<const char*>(bytes_) + key_offset(); }
  size_t value_offset() const { return key_offset() + key_len(); }
  size_t value_size() const;

  template <typename V>
  V Load(size_t off) const {
    V v;
    std::memcpy(&v, bytes_ + off, sizeof(V));
    return v;
  }
  template <typename V>
  void Store(size_t off, V v) {
    std::memcpy(bytes_ + off, &v, sizeof(V));
  }

  unsigned char bytes_[1];  // the block continues past the object; see the layout above
};

// Traits for core::SegmentedTable and core::ExpireIndex.
struct EntryKeyTraits {
  static std::string_view Key(const Entry* e) { return e->key(); }
};
struct EntryExpireTraits {
  static uint32_t GetSlot(const Entry* e) { return e->expire_slot(); }
  static void SetSlot(Entry* e, uint32_t s) { e->set_expire_slot(s); }
};

}  // namespace cardinal::storage
