// SegmentedTable: the main key table of a shard. It maps a key to a caller-owned object (T*) and
// is built for a keyspace of tens of millions of keys where a latency spike on growth is not
// acceptable.
//
// Why not a classic power-of-two hash table: doubling its bucket array either stalls (rehash all
// at once) or, when done incrementally as Redis does, keeps old and new arrays alive together
// (a 1.5-2x memory peak) and complicates SCAN. Instead this is extendible hashing over fixed-size
// open-addressing segments:
//
//  * A directory of 2^global_depth pointers is indexed by the hash bits that follow the
//    `prefix_bits` top bits the caller's shard selector already consumed. Each segment covers an
//    aligned range of that hash space (2^(global_depth - local_depth) directory entries).
//  * A segment is 1024 slots of 8 bytes. When one would exceed ~90% load it splits in two by the
//    next hash bit; the directory doubles only when local_depth == global_depth, and it is tiny
//    (~16K entries at 10M keys). So a growth step moves at most 1024 entries (bounded work, no
//    stall) and memory grows one 8 KiB segment at a time (no 2x peak).
//  * Inside a segment: Robin Hood linear probing on a circular array with backward-shift deletion
//    (no tombstones, short probe sequences at 90% load). The home slot is the LOW 10 bits of the
//    hash, independent of the top bits choosing the segment, so a split never changes an entry's
//    home slot; SCAN relies on this (see ScanBucket).
//  * A slot word packs the pointer (low 48 bits, x86-64 user space) with the low 16 hash bits
//    (home slot + a 6-bit tag) in the top 16 bits; 0 means empty. Probe distance and backward
//    shift therefore never touch the entry, and a lookup dereferences an entry only on a tag
//    match (~1/64 false positives per probed slot).
//  * Splitting must learn the top hash bits of each entry, which the slot does not store: it
//    re-hashes the key of every entry of the splitting segment (<= 921 entries, tens of
//    microseconds). Storing the full hash would double the bytes per key to save that.
//
// Degenerate hashes (many keys sharing a long hash prefix, e.g. crafted collisions) could force
// the directory to grow without bound. The directory is therefore capped (see Split); a full
// segment that may not split keeps extra entries in a small per-segment overflow vector searched
// linearly. With a well-distributed hash the overflow is never used (overflow_size() == 0).
//
// Not thread-safe: a table belongs to one shard thread. The table never frees the objects it
// points to except through the callback of Clear(fn).
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "core/hash.h"

namespace cardinal::core {

// Traits requirements:
//   static std::string_view Key(const T* v);        // the key of a stored object
//   static uint64_t Hash(std::string_view key);     // OPTIONAL; defaults to HashKey(key)
// Every `hash` argument below must equal that hash of the key (the table re-hashes keys when a
// segment splits, so a different hash would misplace entries).
template <class T, class Traits>
class SegmentedTable {
 public:
  static constexpr unsigned kSlots = 1024;
  // SCAN iterates home slots ("buckets"); one per slot of a segment.
  static constexpr unsigned kBuckets = kSlots;
  // A segment splits instead of going above this many entries (~0.9 load). Robin Hood keeps the
  // expected probe length short at 90%, and at least one empty slot always bounds a probe.
  static constexpr unsigned kMaxLoad = 921;
  static constexpr unsigned kMaxPrefixBits = 16;
  // prefix_bits + local_depth never exceeds this, so ScanBucket positions always have their low
  // 10 bits zero and a cursor can pack (hpos | bucket) into 64 bits.
  static constexpr unsigned kMaxDepthBits = 54;

  // `prefix_bits` (0..16): how many top hash bits the caller used to pick this table (shard).
  explicit SegmentedTable(unsigned prefix_bits = 0) : prefix_bits_(prefix_bits) {
    assert(prefix_bits <= kMaxPrefixBits);
  }
  // Frees the table's memory; does not touch the stored objects.
  ~SegmentedTable() = default;

  SegmentedTable(const SegmentedTable&) = delete;
  SegmentedTable& operator=(const SegmentedTable&) = delete;
  SegmentedTable(SegmentedTable&& other) noexcept { MoveFrom(other); }
  SegmentedTable& operator=(SegmentedTable&& other) noexcept {
    if (this != &other) MoveFrom(other);
    return *this;
  }

  // Returns the stored object whose key equals `key`, or nullptr.
  T* Find(std::string_view key, uint64_t hash) const {
    if (dir_.empty()) return nullptr;
    const DirEntry& e = dir_[DirIndex(hash)];
    const int pos = FindSlot(e.slots, key, hash);
    if (pos >= 0) return Ptr(e.slots[pos]);
    if (overflow_size_ != 0 && e.meta->overflow) {
      const std::vector<uint64_t>& of = *e.meta->overflow;
      const size_t i = FindInOverflow(of, key, hash);
      if (i != kNpos) return Ptr(of[i]);
    }
    return nullptr;
  }

  // Warm-up for a batch of lookups (pipelined commands), so their cache misses overlap instead
  // of being paid one after the other. PrefetchSlot pulls the key's home slot line;
  // PrefetchEntry, issued after that line has had time to arrive, reads it and pulls the entry
  // whose fingerprint matches. They change no state and never fail.
  //
  // Why loads and not __builtin_prefetch: with 1M random keys most lookups also miss the TLB,
  // and in the measured VM the CPU dropped those prefetch hints, so the batch gained almost
  // nothing (GET -P 16 stayed at ~0.85x of Redis's CPU per request). Plain loads of independent
  // addresses cannot be dropped and still overlap in the out-of-order core: 0.60x.
  void PrefetchSlot(uint64_t hash) const {
    if (dir_.empty()) return;
    const volatile uint64_t* slot = &dir_[DirIndex(hash)].slots[hash & kSlotMask];
    (void)*slot;
  }
  void PrefetchEntry(uint64_t hash) const {
    if (dir_.empty()) return;
    const uint64_t* slots = dir_[DirIndex(hash)].slots;
    unsigned pos = static_cast<unsigned>(hash) & kSlotMask;
    for (unsigned d = 0; d < 4; ++d, pos = (pos + 1) & kSlotMask) {
      const uint64_t w = slots[pos];
      if (w == 0) return;
      if ((w >> kPtrBits) == (hash & kFingerprintMask)) {
        // Loads the entry's header line (its key length at offset 8 sits beside the key).
        (void)*reinterpret_cast<const volatile uint32_t*>(reinterpret_cast<const char*>(Ptr(w)) +
                                                          8);
        return;
      }
    }
  }

  // Stores `value` (not owned). REQUIRES: no entry with the same key is present;
  // hash == Hash(Traits::Key(value)); the pointer is non-null and fits in 48 bits.
  // Cost: O(1) expected; at most one segment split per call in practice (bounded, ~1024 moves).
  void Insert(T* value, uint64_t hash) {
    assert(HashOf(Traits::Key(value)) == hash);
    assert(Find(Traits::Key(value), hash) == nullptr);
    if (dir_.empty()) {
      metas_.push_back(NewMeta(0));
      dir_.push_back(DirEntry{metas_.back()->seg->slots, metas_.back().get()});
      global_depth_ = 0;
    }
    const uint64_t w = MakeWord(value, hash);
    for (;;) {
      const size_t idx = DirIndex(hash);
      Meta* m = dir_[idx].meta;
      if (m->count < kMaxLoad) {
        Place(m->seg->slots, w);
        ++m->count;
        break;
      }
      // Loop: with a skewed hash distribution one split may leave this side still full.
      if (!Split(idx)) {
        AddToOverflow(m, w);
        break;
      }
    }
    ++size_;
  }

  // Removes the entry with `key` and returns its pointer (ownership stays with the caller), or
  // returns nullptr if absent. Never shrinks the table.
  T* Erase(std::string_view key, uint64_t hash) {
    if (dir_.empty()) return nullptr;
    const DirEntry e = dir_[DirIndex(hash)];
    Meta* m = e.meta;
    const int pos = FindSlot(e.slots, key, hash);
    if (pos >= 0) {
      T* v = Ptr(e.slots[pos]);
      RemoveAt(e.slots, static_cast<unsigned>(pos));
      --m->count;
      --size_;
      // Refill from the overflow so lookups of this segment go back to the fast path.
      if (m->overflow) {
        const uint64_t w = m->overflow->back();
        m->overflow->pop_back();
        --overflow_size_;
        if (m->overflow->empty()) m->overflow.reset();
        Place(e.slots, w);
        ++m->count;
      }
      return v;
    }
    if (overflow_size_ != 0 && m->overflow) {
      std::vector<uint64_t>& of = *m->overflow;
      const size_t i = FindInOverflow(of, key, hash);
      if (i != kNpos) {
        T* v = Ptr(of[i]);
        of[i] = of.back();
        of.pop_back();
        if (of.empty()) m->overflow.reset();
        --overflow_size_;
        --size_;
        return v;
      }
    }
    return nullptr;
  }

  // Swaps the stored pointer of `key` for `new_value` (e.g. the caller reallocated the object).
  // Returns false (and changes nothing) if `key` is absent.
  // REQUIRES: Traits::Key(new_value) == key; new_value non-null and fits in 48 bits.
  bool Replace(std::string_view key, uint64_t hash, T* new_value) {
    assert(Traits::Key(new_value) == key);
    if (dir_.empty()) return false;
    const DirEntry& e = dir_[DirIndex(hash)];
    const int pos = FindSlot(e.slots, key, hash);
    if (pos >= 0) {
      e.slots[pos] = MakeWord(new_value, hash);
      return true;
    }
    if (overflow_size_ != 0 && e.meta->overflow) {
      std::vector<uint64_t>& of = *e.meta->overflow;
      const size_t i = FindInOverflow(of, key, hash);
      if (i != kNpos) {
        of[i] = MakeWord(new_value, hash);
        return true;
      }
    }
    return false;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t segment_count() const { return metas_.size(); }
  unsigned global_depth() const { return global_depth_; }
  unsigned prefix_bits() const { return prefix_bits_; }
  // Entries kept outside the slot arrays because their segment could not split (see file
  // comment). Always 0 with a well-distributed hash; exposed for tests and diagnostics.
  size_t overflow_size() const { return overflow_size_; }

  // Bytes allocated by the table itself (directory, segments, bookkeeping); excludes the objects.
  size_t MemoryUsage() const {
    size_t bytes = dir_.capacity() * sizeof(DirEntry) + metas_.capacity() * sizeof(metas_[0]) +
                   metas_.size() * (sizeof(Meta) + sizeof(Segment));
    if (overflow_size_ != 0) {
      for (const auto& m : metas_) {
        if (m->overflow) bytes += sizeof(std::vector<uint64_t>) + m->overflow->capacity() * 8;
      }
    }
    return bytes;
  }

  // Calls fn(T*) once per stored pointer, in no particular order. fn must not modify the table.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& m : metas_) {
      for (uint64_t w : m->seg->slots) {
        if (w != 0) fn(Ptr(w));
      }
      if (m->overflow) {
        for (uint64_t w : *m->overflow) fn(Ptr(w));
      }
    }
  }

  // Calls on_each(T*) once per stored pointer (e.g. to free the objects; the table does not
  // dereference them afterwards), then releases all table memory. The table stays usable.
  template <class Fn>
  void Clear(Fn&& on_each) {
    ForEach(on_each);
    Reset();
  }
  void Clear() { Reset(); }

  // Returns a stored pointer chosen roughly uniformly from `rnd` (any 64 random bits), or nullptr
  // if the table is empty. Picks a segment uniformly, then a slot uniformly, retrying on empty
  // slots (uniform over slotted entries since all segments have the same slot count). After a few
  // misses (a very sparse table) it falls back to walking segments from a random one, so the cost
  // is bounded by O(segment_count + kSlots) even then.
  T* RandomElement(uint64_t rnd) const {
    if (size_ == 0) return nullptr;
    for (int attempt = 0; attempt < 16; ++attempt) {
      rnd = Mix(rnd);
      const Meta& m = *metas_[FastRange(rnd, metas_.size())];
      const size_t overflow = m.overflow ? m.overflow->size() : 0;
      const size_t r = FastRange(Mix(rnd), kSlots + overflow);
      if (r >= kSlots) return Ptr((*m.overflow)[r - kSlots]);
      if (const uint64_t w = m.seg->slots[r]; w != 0) return Ptr(w);
    }
    rnd = Mix(rnd);
    const size_t n = metas_.size();
    const size_t start = FastRange(rnd, n);
    for (size_t i = 0; i < n; ++i) {
      const Meta& m = *metas_[(start + i) % n];
      if (m.count != 0) {
        const unsigned first = static_cast<unsigned>(Mix(rnd) & kSlotMask);
        for (unsigned j = 0; j < kSlots; ++j) {
          const uint64_t w = m.seg->slots[(first + j) & kSlotMask];
          if (w != 0) return Ptr(w);
        }
      }
      if (m.overflow) return Ptr((*m.overflow)[FastRange(rnd, m.overflow->size())]);
    }
    assert(false && "size_ > 0 but no entry found");
    return nullptr;
  }

  // SCAN primitive. `hpos` is a position in the full 64-bit hash space whose top prefix_bits are
  // this table's shard. Calls fn(T*) for every entry of the segment covering `hpos` whose HOME
  // slot is `bucket` (wherever Robin Hood displaced it), and returns the first hash position after
  // that segment's range: range start + 2^(64 - prefix_bits - local_depth), or 0 when the range
  // ends at 2^64. An empty table behaves as one segment covering the whole shard range. Returned
  // positions always have their low 10 bits zero. fn must not modify the table.
  //
  // Caller protocol (bucket-major): for bucket in 0..kBuckets-1, start at the shard's first hash
  // position and feed each returned position back until the walk leaves the shard (or returns 0).
  //
  // Guarantee: a key present for the whole scan is reported exactly once (a key inserted or
  // erased during the scan at most once). Why: an entry's (home slot, hash) never changes, so it
  // is visited only in the pass of its home bucket, by the call whose range contains its hash.
  // Within one pass the ranges returned are consecutive and disjoint: each call starts at the
  // start of its segment's range, because segment ranges are aligned dyadic intervals that only
  // ever get split, never merged, so a position that was a range boundary stays one (only Clear
  // forgets boundaries, and no key survives Clear). Consecutive disjoint ranges from the shard's
  // start to its end cover every hash exactly once, whatever splits happen between calls.
  template <class Fn>
  uint64_t ScanBucket(unsigned bucket, uint64_t hpos, Fn&& fn) const {
    assert(bucket < kBuckets);
    unsigned depth = prefix_bits_;
    if (!dir_.empty()) {
      const DirEntry& e = dir_[DirIndex(hpos)];
      depth += e.meta->local_depth;
      const uint64_t* slots = e.slots;
      unsigned pos = bucket;
      // Entries homed at `bucket` sit contiguously at distance d from it, after entries homed
      // earlier (larger distance) and before entries homed later (smaller distance).
      for (unsigned d = 0; d < kSlots; ++d, pos = (pos + 1) & kSlotMask) {
        const uint64_t w = slots[pos];
        if (w == 0) break;
        const unsigned wd = Dist(w, pos);
        if (wd < d) break;
        if (wd == d) fn(Ptr(w));
      }
      if (e.meta->overflow) {
        for (uint64_t w : *e.meta->overflow) {
          if (Home(w) == bucket) fn(Ptr(w));
        }
      }
    }
    if (depth == 0) return 0;
    const unsigned shift = 64 - depth;
    const uint64_t start = (hpos >> shift) << shift;
    return start + (uint64_t{1} << shift);  // Wraps to 0 at the end of the hash space.
  }

  // For tests: verifies every structural invariant (directory shape, placement by hash, Robin
  // Hood order, counts). O(n) and re-hashes every key. Returns false on the first violation.
  bool CheckInvariants() const {
    if (dir_.empty()) return metas_.empty() && size_ == 0 && overflow_size_ == 0;
    if (dir_.size() != (size_t{1} << global_depth_)) return false;
    for (size_t i = 0; i < dir_.size(); ++i) {
      const Meta* m = dir_[i].meta;
      if (m->local_depth > global_depth_ || dir_[i].slots != m->seg->slots) return false;
      const unsigned span_bits = global_depth_ - m->local_depth;
      const size_t first = (i >> span_bits) << span_bits;
      for (size_t j = first; j < first + (size_t{1} << span_bits); ++j) {
        if (dir_[j].meta != m) return false;
      }
    }
    size_t total = 0;
    size_t total_overflow = 0;
    for (const auto& m : metas_) {
      if (prefix_bits_ + m->local_depth > kMaxDepthBits) return false;
      const uint64_t* slots = m->seg->slots;
      size_t count = 0;
      for (unsigned pos = 0; pos < kSlots; ++pos) {
        const uint64_t w = slots[pos];
        if (w == 0) continue;
        ++count;
        const uint64_t h = HashOf(Traits::Key(Ptr(w)));
        if ((w >> kPtrBits) != (h & kFingerprintMask) || dir_[DirIndex(h)].meta != m.get()) {
          return false;
        }
        const unsigned d = Dist(w, pos);
        if (d > 0) {
          const uint64_t prev = slots[(pos - 1) & kSlotMask];
          if (prev == 0 || Dist(prev, (pos - 1) & kSlotMask) + 1 < d) return false;
        }
      }
      if (count != m->count || count > kMaxLoad) return false;
      total += count;
      if (m->overflow) {
        if (m->overflow->empty()) return false;
        for (uint64_t w : *m->overflow) {
          const uint64_t h = HashOf(Traits::Key(Ptr(w)));
          if ((w >> kPtrBits) != (h & kFingerprintMask) || dir_[DirIndex(h)].meta != m.get()) {
            return false;
          }
        }
        total_overflow += m->overflow->size();
      }
    }
    return total + total_overflow == size_ && total_overflow == overflow_size_;
  }

 private:
  static constexpr unsigned kPtrBits = 48;
  static constexpr uint64_t kPtrMask = (uint64_t{1} << kPtrBits) - 1;
  static constexpr uint64_t kFingerprintMask = 0xFFFF;  // home slot (10 bits) + tag (6 bits)
  static constexpr unsigned kSlotMask = kSlots - 1;
  static constexpr size_t kNpos = ~size_t{0};
  // Directory cap (see Split): never larger than this many entries per segment, except that a
  // directory of up to kMinDirectoryCap entries is always allowed. Uniform hashes keep the ratio
  // in the low single digits, so the cap only bites on degenerate hash distributions.
  static constexpr size_t kDirectoryPerSegment = 64;
  static constexpr size_t kMinDirectoryCap = 4096;

  struct alignas(64) Segment {
    uint64_t slots[kSlots];
  };
  // Kept outside Segment so a segment is exactly 8 KiB (a clean allocator size class).
  struct Meta {
    std::unique_ptr<Segment> seg;
    uint32_t local_depth = 0;
    uint32_t count = 0;  // Entries in seg->slots (not counting overflow).
    std::unique_ptr<std::vector<uint64_t>> overflow;  // Null unless the segment can't split.
  };
  // The slot pointer is duplicated from meta so a lookup goes directory -> slots directly.
  struct DirEntry {
    uint64_t* slots;
    Meta* meta;
  };

  static uint64_t HashOf(std::string_view key) {
    if constexpr (requires { Traits::Hash(key); }) {
      return Traits::Hash(key);
    } else {
      return HashKey(key);
    }
  }
  // Key comparison on the lookup path. Most keys are short: compare them with two overlapping
  // 8-byte loads instead of a memcmp call (which showed up at ~5% of a pipelined GET).
  static bool KeyEquals(std::string_view a, std::string_view b) {
    const size_t n = a.size();
    if (n != b.size()) return false;
    if (n >= 8 && n <= 16) {
      uint64_t a0, a1, b0, b1;
      std::memcpy(&a0, a.data(), 8);
      std::memcpy(&b0, b.data(), 8);
      std::memcpy(&a1, a.data() + n - 8, 8);
      std::memcpy(&b1, b.data() + n - 8, 8);
      return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    return n == 0 || std::memcmp(a.data(), b.data(), n) == 0;
  }

  static uint64_t MakeWord(T* v, uint64_t hash) {
    const auto p = reinterpret_cast<uintptr_t>(v);
    assert(p != 0 && (p & ~kPtrMask) == 0);
    return static_cast<uint64_t>(p) | (hash << kPtrBits);
  }
  static T* Ptr(uint64_t w) { return reinterpret_cast<T*>(static_cast<uintptr_t>(w & kPtrMask)); }
  static unsigned Home(uint64_t w) { return static_cast<unsigned>(w >> kPtrBits) & kSlotMask; }
  // Robin Hood probe distance of word `w` stored at `pos`.
  static unsigned Dist(uint64_t w, unsigned pos) { return (pos - Home(w)) & kSlotMask; }
  // splitmix64 finalizer: derives fresh random bits from `x`.
  static uint64_t Mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  // Maps 64 random bits to [0, n) without a division.
  static size_t FastRange(uint64_t rnd, size_t n) {
    return static_cast<size_t>((static_cast<unsigned __int128>(rnd) * n) >> 64);
  }

  // Directory index: the global_depth_ bits after the prefix. The double shift keeps
  // global_depth_ == 0 well-defined (index 0).
  size_t DirIndex(uint64_t hash) const {
    return static_cast<size_t>(((hash << prefix_bits_) >> 1) >> (63 - global_depth_));
  }

  // Returns the slot holding `key`, or -1. Stops at an empty slot or at an entry closer to its
  // home than we are to ours (Robin Hood order means the key cannot be further on).
  static int FindSlot(const uint64_t* slots, std::string_view key, uint64_t hash) {
    const uint64_t fp = hash & kFingerprintMask;
    unsigned pos = static_cast<unsigned>(hash) & kSlotMask;
    for (unsigned d = 0; d < kSlots; ++d, pos = (pos + 1) & kSlotMask) {
      const uint64_t w = slots[pos];
      if (w == 0) return -1;
      if ((w >> kPtrBits) == fp) {
        if (KeyEquals(Traits::Key(Ptr(w)), key)) return static_cast<int>(pos);
      } else if (Dist(w, pos) < d) {
        return -1;
      }
    }
    return -1;
  }

  static size_t FindInOverflow(const std::vector<uint64_t>& of, std::string_view key,
                               uint64_t hash) {
    const uint64_t fp = hash & kFingerprintMask;
    for (size_t i = 0; i < of.size(); ++i) {
      if ((of[i] >> kPtrBits) == fp && KeyEquals(Traits::Key(Ptr(of[i])), key)) return i;
    }
    return kNpos;
  }

  // Robin Hood insertion. REQUIRES: the segment has a free slot (count < kSlots).
  static void Place(uint64_t* slots, uint64_t w) {
    unsigned pos = Home(w);
    unsigned d = 0;
    for (;;) {
      const uint64_t cur = slots[pos];
      if (cur == 0) {
        slots[pos] = w;
        return;
      }
      const unsigned cur_d = Dist(cur, pos);
      if (cur_d < d) {  // Take from the rich: the resident is closer to home than we are.
        slots[pos] = w;
        w = cur;
        d = cur_d;
      }
      pos = (pos + 1) & kSlotMask;
      ++d;
    }
  }

  // Backward-shift deletion: pull following displaced entries one step toward home.
  static void RemoveAt(uint64_t* slots, unsigned pos) {
    unsigned next = (pos + 1) & kSlotMask;
    for (;;) {
      const uint64_t w = slots[next];
      if (w == 0 || Dist(w, next) == 0) break;
      slots[pos] = w;
      pos = next;
      next = (next + 1) & kSlotMask;
    }
    slots[pos] = 0;
  }

  static std::unique_ptr<Meta> NewMeta(uint32_t local_depth) {
    auto m = std::make_unique<Meta>();
    m->seg = std::make_unique<Segment>();  // Value-initialized: all slots empty.
    m->local_depth = local_depth;
    return m;
  }

  void AddToOverflow(Meta* m, uint64_t w) {
    if (!m->overflow) m->overflow = std::make_unique<std::vector<uint64_t>>();
    m->overflow->push_back(w);
    ++overflow_size_;
  }

  // Splits the segment at directory index `idx` by its next hash bit. Returns false if it may
  // not split: the hash bits are exhausted (kMaxDepthBits) or the directory would exceed its cap,
  // which only skewed hash distributions reach (it bounds the directory memory an attacker can
  // cause). Work: possibly one directory doubling (tiny), one 8 KiB allocation, and re-placing
  // at most kSlots entries plus the segment's overflow.
  bool Split(size_t idx) {
    Meta* m = dir_[idx].meta;
    const unsigned ld = m->local_depth;
    if (prefix_bits_ + ld + 1 > kMaxDepthBits) return false;
    if (ld == global_depth_) {
      const size_t cap = std::max(kMinDirectoryCap, kDirectoryPerSegment * metas_.size());
      if (dir_.size() * 2 > cap) return false;
      std::vector<DirEntry> bigger(dir_.size() * 2);
      for (size_t i = 0; i < dir_.size(); ++i) bigger[2 * i] = bigger[2 * i + 1] = dir_[i];
      dir_.swap(bigger);
      ++global_depth_;
      idx *= 2;
    }
    metas_.push_back(NewMeta(ld + 1));
    Meta* hi = metas_.back().get();
    m->local_depth = ld + 1;
    // m spans 2^(global_depth_ - ld) aligned directory entries; the upper half now goes to hi.
    const unsigned span_bits = global_depth_ - ld;
    const size_t first = (idx >> span_bits) << span_bits;
    const size_t half = size_t{1} << (span_bits - 1);
    for (size_t i = first + half; i < first + 2 * half; ++i) dir_[i] = DirEntry{hi->seg->slots, hi};

    // Rebuild both halves from a copy: simpler than in-place moves under Robin Hood ordering, and
    // the cost is dominated by re-hashing the keys anyway. Re-hashing touches up to 921 objects
    // scattered in memory, so prefetch a few entries ahead to overlap the cache misses (measured
    // ~3x faster at 10M keys: ~40 us vs ~120 us per split; splits are the worst-case operation).
    const unsigned bit = 63 - (prefix_bits_ + ld);  // The split bit, counted from the LSB.
    uint64_t old[kSlots];
    unsigned n = 0;
    for (uint64_t w : m->seg->slots) {
      if (w != 0) old[n++] = w;
    }
    std::memset(m->seg->slots, 0, sizeof(m->seg->slots));
    m->count = 0;
    constexpr unsigned kPrefetchAhead = 12;
    for (unsigned i = 0; i < n && i < kPrefetchAhead; ++i) __builtin_prefetch(Ptr(old[i]));
    for (unsigned i = 0; i < n; ++i) {
      if (i + kPrefetchAhead < n) __builtin_prefetch(Ptr(old[i + kPrefetchAhead]));
      const uint64_t w = old[i];
      Meta* dst = ((HashOf(Traits::Key(Ptr(w))) >> bit) & 1) ? hi : m;
      Place(dst->seg->slots, w);
      ++dst->count;
    }
    if (m->overflow) {
      std::unique_ptr<std::vector<uint64_t>> of = std::move(m->overflow);
      overflow_size_ -= of->size();
      for (uint64_t w : *of) {
        Meta* dst = ((HashOf(Traits::Key(Ptr(w))) >> bit) & 1) ? hi : m;
        if (dst->count < kMaxLoad) {
          Place(dst->seg->slots, w);
          ++dst->count;
        } else {
          AddToOverflow(dst, w);
        }
      }
    }
    return true;
  }

  void Reset() {
    std::vector<DirEntry>().swap(dir_);
    std::vector<std::unique_ptr<Meta>>().swap(metas_);
    size_ = 0;
    overflow_size_ = 0;
    global_depth_ = 0;
  }

  void MoveFrom(SegmentedTable& other) {
    dir_ = std::exchange(other.dir_, {});
    metas_ = std::exchange(other.metas_, {});
    size_ = std::exchange(other.size_, 0);
    overflow_size_ = std::exchange(other.overflow_size_, 0);
    prefix_bits_ = other.prefix_bits_;
    global_depth_ = std::exchange(other.global_depth_, 0);
  }

  std::vector<DirEntry> dir_;                 // 2^global_depth_ entries, or empty.
  std::vector<std::unique_ptr<Meta>> metas_;  // Owns the segments; order is irrelevant.
  size_t size_ = 0;
  size_t overflow_size_ = 0;
  unsigned prefix_bits_ = 0;
  unsigned global_depth_ = 0;
};

}  // namespace cardinal::core
