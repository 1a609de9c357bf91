// StrSet: a set of binary-safe strings (encoding "hashtable"), built for a low cost per member.
//
// Each member is ONE allocation: a length prefix (1 byte below 255 bytes, else 0xFF + 8 bytes)
// followed by the bytes. The index holds 8-byte words: the member pointer in the low 48 bits and
// 16 bits of the member's hash (its fingerprint) in the top 16, so probing compares fingerprints
// without touching members. A 13-byte member therefore costs a 16-byte block plus ~10 bytes of
// index, against ~56 bytes in Redis 7.0 (dict entry, sds, bucket).
//
// The index has two modes, so small sets stay small and big ones never stall on growth:
//  * small (up to kSmallMaxMembers members): one Robin Hood array of 4..1024 words, doubling
//    (and halving when mostly empty). Doubling only needs the fingerprints already in the words,
//    never the members.
//  * large: a core::SegmentedTable (extendible hashing over 8 KiB segments): growth splits one
//    segment at a time, so a big set never rehashes at once and never holds two arrays.
//  A set switches to large past kSmallMaxMembers and back to small below kLargeMinMembers; a
//  large set that deletions left small and under 1/4 full is rebuilt with fewer segments.
//
// SSCAN cursors work across both modes and across growth, shrinking and mode changes. A member's
// "bucket" is the low 10 bits of its hash. The large mode walks buckets in order (bucket-major,
// see SegmentedTable::ScanBucket); the small mode's home slot is the TOP log2(capacity) bits of
// the bucket, so its slots also cover buckets in ascending order, each slot a run of
// 1024/capacity buckets. The cursor is (bucket << 54) | (hash position >> 10), the layout SCAN
// uses: everything in buckets below the cursor's has been returned. A cursor that lands inside a
// small-mode slot restarts that slot, which may repeat members but never skips one, so a member
// present for the whole scan is returned at least once (as Redis promises). A rebuilt table may
// merge segment ranges, so a cursor position inside a merged range rescans that range: again
// repeats, no misses.
//
// Contract with storage/object.h: allocated with new, copy-constructible (deep copy), size() and
// MemoryUsage() O(1). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/hash.h"
#include "core/segmented_table.h"

namespace cardinal::core {

namespace strset_internal {

// A member block: [length prefix][bytes]. Only ever handled through a pointer.
struct Member {
  unsigned char first;  // the block continues past this byte
};

inline std::string_view MemberView(const Member* m) {
  const unsigned char* p = &m->first;
  if (*p != 0xFF) return {reinterpret_cast<const char*>(p + 1), *p};
  uint64_t n;
  std::memcpy(&n, p + 1, sizeof(n));
  return {reinterpret_cast<const char*>(p + 9), static_cast<size_t>(n)};
}

struct MemberTraits {
  static std::string_view Key(const Member* m) { return MemberView(m); }
};

}  // namespace strset_internal

class StrSet {
 public:
  using Member = strset_internal::Member;
  using Table = SegmentedTable<Member, strset_internal::MemberTraits>;

  static constexpr size_t kSmallMaxCapacity = 1024;  // == Table::kBuckets, see SSCAN above
  static constexpr size_t kSmallMaxMembers = kSmallMaxCapacity * 7 / 8;
  static constexpr size_t kLargeMinMembers = 256;
  // Largest set Compact() rebuilds (~1 us per member, paid by one erase; see Compact).
  static constexpr size_t kMaxCompactMembers = 4096;
  static constexpr unsigned kCursorPosBits = 54;

  StrSet() = default;
  StrSet(const StrSet& other);
  StrSet& operator=(const StrSet&) = delete;
  ~StrSet();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // This object, its index and its members' blocks as the allocator sized them.
  size_t MemoryUsage() const;

  bool Contains(std::string_view m) const;
  // Returns false (and changes nothing) if `m` is already a member.
  bool Insert(std::string_view m);
  // Returns false if `m` is not a member. `m` may point into the member itself.
  bool Erase(std::string_view m);

  // Calls fn(std::string_view) once per member, in no particular order. fn must not modify the
  // set; the views are valid until the next mutation.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    if (is_large()) {
      large()->ForEach([&](Member* m) { fn(strset_internal::MemberView(m)); });
      return;
    }
    if (slots() == nullptr) return;
    for (size_t i = 0; i < capacity(); ++i) {
      if (slots()[i] != 0) fn(strset_internal::MemberView(Ptr(slots()[i])));
    }
  }

  // Like ForEach, but stops as soon as fn returns false. Returns false if it stopped early.
  template <class Fn>
  bool ForEachWhile(Fn&& fn) const {
    if (is_large()) {
      // The table's ForEach cannot stop: after fn declines, the rest of the walk only reads
      // slot words (sequential memory), never a member.
      bool go = true;
      large()->ForEach([&](Member* m) {
        if (go) go = fn(strset_internal::MemberView(m));
      });
      return go;
    }
    if (slots() == nullptr) return true;
    for (size_t i = 0; i < capacity(); ++i) {
      if (slots()[i] != 0 && !fn(strset_internal::MemberView(Ptr(slots()[i])))) return false;
    }
    return true;
  }

  // A member chosen uniformly at random using the 64 random bits `rnd`. REQUIRES: !empty().
  // The view is valid until the next mutation.
  std::string_view RandomMember(uint64_t rnd) const;

  // One step of SSCAN from `cursor` (0 = start): calls fn(std::string_view) for the members of
  // one small-mode slot or one (segment, bucket) of the large mode, and returns the cursor to
  // continue from, 0 when the scan is complete. fn must not modify the set.
  template <class Fn>
  uint64_t ScanStep(uint64_t cursor, Fn&& fn) const;

 private:
  static constexpr unsigned kPtrBits = 48;
  static constexpr uint64_t kPtrMask = (uint64_t{1} << kPtrBits) - 1;
  static constexpr unsigned kBucketBits = 10;
  static constexpr unsigned kMinLog2Capacity = 2;
  static constexpr uint8_t kLargeMode = 0xFF;  // log2_capacity_ value in large mode
  static_assert(kSmallMaxCapacity == Table::kBuckets);
  static_assert(kCursorPosBits == Table::kMaxDepthBits);

  bool is_large() const { return log2_capacity_ == kLargeMode; }
  uint64_t* slots() const { return static_cast<uint64_t*>(index_); }
  Table* large() const { return static_cast<Table*>(index_); }

  static Member* Ptr(uint64_t w) { return reinterpret_cast<Member*>(w & kPtrMask); }
  static uint64_t Fingerprint(uint64_t hash) { return hash & 0xFFFF; }
  static uint64_t MakeWord(Member* m, uint64_t hash) {
    return reinterpret_cast<uintptr_t>(m) | (Fingerprint(hash) << kPtrBits);
  }
  static Member* NewMember(std::string_view s);
  static void FreeMember(Member* m);
  static size_t BlockSize(const Member* m);

  size_t capacity() const { return size_t{1} << log2_capacity_; }
  size_t mask() const { return capacity() - 1; }
  // Home slot of a word in the small index: the top log2(capacity) bits of its bucket.
  size_t Home(uint64_t w) const {
    return ((w >> kPtrBits) & (kSmallMaxCapacity - 1)) >> (kBucketBits - log2_capacity_);
  }
  size_t Dist(uint64_t w, size_t pos) const { return (pos - Home(w)) & mask(); }

  // Small mode.
  long FindSlot(std::string_view m, uint64_t hash) const;  // slot index or -1
  void Place(uint64_t w);                                  // REQUIRES: a free slot
  void RemoveAt(size_t pos);
  void Rebuild(unsigned log2_capacity);  // to another capacity
  // Mode changes.
  void ToLarge();
  void ToSmall();
  // Large mode, under 1/4 full and at most kMaxCompactMembers members: rebuilds the table with
  // fewer segments. The table never shrinks by itself, and RandomElement needs a dense table to
  // stay uniform (its fallback walk after 16 empty probes favours members that follow long
  // gaps). The rebuild re-hashes every member several times (segment splits), so it is bounded
  // to small sets to keep the pause of the erase that triggers it to a few milliseconds at
  // worst; a big set drained by deletions keeps its table (and a less uniform SRANDMEMBER,
  // which Redis does not promise either) until it is down to that size.
  void Compact();

  // Small mode: a uint64_t[capacity()] array (null while the set has never had a member);
  // large mode: a Table.
  void* index_ = nullptr;
  size_t size_ = 0;
  size_t member_bytes_ = 0;  // usable bytes of all member blocks
  uint8_t log2_capacity_ = kMinLog2Capacity;
};

template <class Fn>
uint64_t StrSet::ScanStep(uint64_t cursor, Fn&& fn) const {
  constexpr uint64_t kPosMask = (uint64_t{1} << kCursorPosBits) - 1;
  size_t bucket = static_cast<size_t>(cursor >> kCursorPosBits);
  if (is_large()) {
    const uint64_t hpos =
        large()->ScanBucket(static_cast<unsigned>(bucket), (cursor & kPosMask) << kBucketBits,
                            [&](Member* m) { fn(strset_internal::MemberView(m)); });
    if (hpos != 0) return (uint64_t{bucket} << kCursorPosBits) | (hpos >> kBucketBits);
    ++bucket;
  } else {
    const uint64_t* slots = this->slots();
    if (slots == nullptr) return 0;
    const unsigned shift = kBucketBits - log2_capacity_;
    const size_t slot = bucket >> shift;
    // Members homed at `slot` sit contiguously from it (Robin Hood order), see ScanBucket.
    size_t pos = slot;
    for (size_t d = 0; d < capacity(); ++d, pos = (pos + 1) & mask()) {
      const uint64_t w = slots[pos];
      if (w == 0) break;
      const size_t wd = Dist(w, pos);
      if (wd < d) break;
      if (wd == d) fn(strset_internal::MemberView(Ptr(w)));
    }
    bucket = (slot + 1) << shift;
  }
  if (bucket >= kSmallMaxCapacity) return 0;
  return uint64_t{bucket} << kCursorPosBits;
}

}  // namespace cardinal::core
