// StrMap: a hash's fields and values once past the listpack thresholds (encoding "hashtable").
//
// Why this layout: Redis spends a dict entry (24 -> 32 B), a field sds and a value sds (each
// rounded to an allocator class) plus an 8 B bucket per field. Here a field and its value live in
// ONE allocation, a "blob":
//
//   varint(field length) varint(value length) field bytes value bytes
//
// (LEB128, one byte each below 128), and the index holds one 8 B word per field: the blob
// pointer (48 bits) and 16 hash bits, so probing compares tags without touching blobs. A field
// therefore costs one blob (header + field + value, rounded to the allocator's class) plus 8 B /
// load factor. Overwriting a value reuses the blob when the new one fits its allocation.
//
// Two index modes, because most hashtable-encoded hashes are either huge (past 512 fields) or
// tiny (one value longer than hash-max-listpack-value), and a 1M-key database of the latter
// must not pay a full 8 KiB segment per key:
//  * small: a power-of-two array (4..1024 words) with linear probing and backward-shift
//    deletion; the home slot is the low k bits of the field's hash. Grows x2 past 3/4 load,
//    shrinks /2 below 1/8.
//  * large: a core::SegmentedTable (extendible hashing, no growth stall, no 2x peak). The map
//    moves there once the small array would exceed 1024 words, and never moves back.
//
// Scan cursors (HSCAN) work across both modes and across growth: the top 10 bits name a bucket
// (a home slot of a 1024-slot segment) visited in reverse-binary order, as Redis's dictScan
// does, and the low 54 bits the SegmentedTable::ScanBucket hash position within that bucket's
// pass. A small array of 2^k words visits, in one step, the 2^(10-k) buckets sharing its low k
// bits, which form one contiguous run in reverse-binary order; growing, shrinking or moving to
// the large mode between calls therefore never skips a field present for the whole scan (a
// shrink may repeat some, as in Redis). A large map reports a field present for the whole scan
// exactly once.
//
// MemoryUsage() is O(1): blob bytes are tracked at their allocator-usable size.
// Not thread-safe; owned by one Entry under its shard lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "core/hash.h"
#include "core/segmented_table.h"

namespace cardinal::core {

class StrMap {
 public:
  // A field and its value in one allocation; opaque outside str_map.cc.
  struct Blob;
  struct BlobTraits {
    static std::string_view Key(const Blob* b);
  };
  using Table = SegmentedTable<Blob, BlobTraits>;

  static constexpr unsigned kMinSmallSlots = 4;
  static constexpr unsigned kMaxSmallSlots = 1024;
  static constexpr unsigned kCursorPosBits = 54;

  StrMap() = default;
  StrMap(const StrMap& other);  // deep copy
  StrMap& operator=(const StrMap&) = delete;
  ~StrMap();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes allocated by the map: blobs (usable sizes), index and this object. O(1).
  size_t MemoryUsage() const;
  bool is_large() const { return large_ != nullptr; }

  // Prepares for `n` fields in total (conversion from a listpack), so the index is sized once.
  void Reserve(size_t n);

  // The value of `field`, or nullopt. The view is valid until the next mutation of the map.
  std::optional<std::string_view> Find(std::string_view field) const;
  bool Contains(std::string_view field) const { return Find(field).has_value(); }
  // Inserts `field` or overwrites its value. Returns true if the field was new.
  bool Set(std::string_view field, std::string_view value);
  // Removes `field`. Returns false if absent.
  bool Erase(std::string_view field);

  // Calls fn(field, value) for every field, in no particular order. fn must not modify the map.
  template <class Fn>
  void ForEach(Fn&& fn) const;

  // A field/value pair chosen roughly uniformly from `rnd` (any 64 random bits).
  // REQUIRES: !empty().
  std::pair<std::string_view, std::string_view> RandomElement(uint64_t rnd) const;

  // One HSCAN step: calls fn(field, value) for the fields of the bucket(s) `cursor` names and
  // returns the cursor of the next step, or 0 when the iteration is complete. Any 64-bit cursor
  // is accepted (one not returned by this map merely gives no guarantee). Start with 0.
  template <class Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const;

  // For tests: checks index invariants and the tracked sizes. O(n).
  bool CheckInvariants() const;

 private:
  struct BlobView {
    std::string_view field;
    std::string_view value;
  };
  static BlobView View(const Blob* b);

  Blob* NewBlob(std::string_view field, std::string_view value);
  void FreeBlob(Blob* b);
  // Returns a blob holding (field of b, value): b itself when rewritten in place, else a new
  // blob; the caller then frees b once the index points at the new one.
  Blob* WithValue(Blob* b, std::string_view value);

  // Small mode. A word is the blob pointer | (low 16 hash bits) << 48; 0 = empty.
  static constexpr unsigned kPtrBits = 48;
  static constexpr uint64_t kPtrMask = (uint64_t{1} << kPtrBits) - 1;
  static Blob* Ptr(uint64_t w) { return reinterpret_cast<Blob*>(w & kPtrMask); }
  static uint64_t Word(Blob* b, uint64_t hash) {
    return reinterpret_cast<uintptr_t>(b) | (hash << kPtrBits);
  }
  unsigned SmallHome(uint64_t w) const {
    return static_cast<unsigned>(w >> kPtrBits) & (small_cap_ - 1);
  }
  int SmallFind(std::string_view field, uint64_t hash) const;
  void SmallPlace(uint64_t w);
  void SmallRemoveAt(unsigned pos);
  void SmallResize(unsigned new_cap);
  void MoveToLarge();

  template <class Fn>
  void SmallVisitBucket(unsigned home, Fn&& fn) const;

  // Reverse-binary successor of a 10-bit bucket with the low `k` bits significant; 0 when the
  // walk is complete.
  static unsigned NextBucket(unsigned bucket, unsigned mask, bool* done);

  uint64_t* small_ = nullptr;  // small_cap_ words; null while empty or large
  unsigned small_cap_ = 0;
  std::unique_ptr<Table> large_;
  size_t size_ = 0;
  size_t blob_bytes_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Template members.

template <class Fn>
void StrMap::ForEach(Fn&& fn) const {
  if (large_) {
    large_->ForEach([&](const Blob* b) {
      BlobView v = View(b);
      fn(v.field, v.value);
    });
    return;
  }
  for (unsigned i = 0; i < small_cap_; ++i) {
    if (small_[i] != 0) {
      BlobView v = View(Ptr(small_[i]));
      fn(v.field, v.value);
    }
  }
}

template <class Fn>
void StrMap::SmallVisitBucket(unsigned home, Fn&& fn) const {
  // Under linear probing the fields homed at `home` all sit in the run of occupied slots that
  // starts there.
  const unsigned mask = small_cap_ - 1;
  for (unsigned i = 0, pos = home; i < small_cap_; ++i, pos = (pos + 1) & mask) {
    const uint64_t w = small_[pos];
    if (w == 0) break;
    if (SmallHome(w) == home) {
      BlobView v = View(Ptr(w));
      fn(v.field, v.value);
    }
  }
}

template <class Fn>
uint64_t StrMap::Scan(uint64_t cursor, Fn&& fn) const {
  constexpr uint64_t kPosMask = (uint64_t{1} << kCursorPosBits) - 1;
  static_assert(Table::kBuckets == kMaxSmallSlots);
  static_assert(Table::kMaxDepthBits == kCursorPosBits);
  unsigned bucket = static_cast<unsigned>(cursor >> kCursorPosBits);
  bool done = false;
  if (large_) {
    const uint64_t hpos = large_->ScanBucket(bucket, (cursor & kPosMask) << 10, [&](const Blob* b) {
      BlobView v = View(b);
      fn(v.field, v.value);
    });
    if (hpos != 0) return (uint64_t{bucket} << kCursorPosBits) | (hpos >> 10);
    bucket = NextBucket(bucket, kMaxSmallSlots - 1, &done);
  } else {
    if (small_cap_ == 0) return 0;
    SmallVisitBucket(bucket & (small_cap_ - 1), fn);
    bucket = NextBucket(bucket, small_cap_ - 1, &done);
  }
  return done ? 0 : uint64_t{bucket} << kCursorPosBits;
}

}  // namespace cardinal::core
