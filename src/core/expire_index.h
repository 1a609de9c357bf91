// ExpireIndex: the set of entries that carry a TTL, kept so active expiry can sample random
// volatile keys (Redis-style: test ~20 random keys with a TTL per round) without scanning the
// whole keyspace. Deadlines live in the entries; this is only a set with O(1) add, remove and
// uniform sampling.
//
// Layout: a dense array of T* split into fixed chunks of 4096 pointers, plus a per-entry slot
// index stored in the entry itself (via Traits) so removal is O(1): the last element moves into
// the hole and its stored slot is updated. Chunks (rather than one std::vector<T*>) mean growth
// never copies a large array, so there is no latency stall and no 2x memory spike at 10M+ TTL
// keys; only the small vector of chunk pointers is ever reallocated. Empty tail chunks are freed,
// keeping one spare so a size oscillating around a chunk boundary does not allocate each time.
//
// Not thread-safe: one index per shard, used by the shard thread.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace cardinal::core {

// Traits requirements:
//   static uint32_t GetSlot(const T* v);         // the slot last set by SetSlot
//   static void SetSlot(T* v, uint32_t slot);    // store the entry's position in this index
// The slot value is meaningful only while the entry is in the index; the index never reads the
// slot of an entry it does not hold. Entries are not owned.
template <class T, class Traits>
class ExpireIndex {
 public:
  static constexpr size_t kChunkSize = 4096;  // Pointers per chunk (32 KiB).

  ExpireIndex() = default;
  ExpireIndex(const ExpireIndex&) = delete;
  ExpireIndex& operator=(const ExpireIndex&) = delete;
  ExpireIndex(ExpireIndex&& other) noexcept
      : chunks_(std::exchange(other.chunks_, {})), size_(std::exchange(other.size_, 0)) {}
  ExpireIndex& operator=(ExpireIndex&& other) noexcept {
    if (this != &other) {
      chunks_ = std::exchange(other.chunks_, {});
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  // Adds `v` and sets its slot. REQUIRES: v non-null and not in the index.
  void Add(T* v) {
    assert(v != nullptr);
    assert(size_ < UINT32_MAX);
    if (size_ == chunks_.size() * kChunkSize) {
      // Uninitialized on purpose: slots >= size_ are never read.
      chunks_.push_back(std::unique_ptr<T*[]>(new T*[kChunkSize]));
    }
    Ref(size_) = v;
    Traits::SetSlot(v, static_cast<uint32_t>(size_));
    ++size_;
  }

  // Removes `v` in O(1): the last entry moves into its slot (that entry's slot is updated).
  // REQUIRES: v is in the index. Does not modify v's own slot value.
  void Remove(T* v) {
    const size_t i = Traits::GetSlot(v);
    assert(i < size_ && At(i) == v);
    const size_t last = size_ - 1;
    if (i != last) {
      T* moved = At(last);
      Ref(i) = moved;
      Traits::SetSlot(moved, static_cast<uint32_t>(i));
    }
    size_ = last;
    // Free tail chunks beyond the one spare (see file comment).
    const size_t needed = (size_ + kChunkSize - 1) / kChunkSize;
    while (chunks_.size() > needed + 1) chunks_.pop_back();
  }

  // `new_value` takes `old_value`'s slot (e.g. the caller reallocated the entry) and gets its
  // slot set. REQUIRES: old_value is in the index, new_value is not.
  void Replace(T* old_value, T* new_value) {
    assert(new_value != nullptr);
    const size_t i = Traits::GetSlot(old_value);
    assert(i < size_ && At(i) == old_value);
    Ref(i) = new_value;
    Traits::SetSlot(new_value, static_cast<uint32_t>(i));
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Returns the entry at position i. REQUIRES: i < size(). Positions change on Remove.
  T* At(size_t i) const {
    assert(i < size_);
    return chunks_[i / kChunkSize][i % kChunkSize];
  }

  // Returns a uniformly chosen entry from `rnd` (any 64 random bits), or nullptr if empty.
  T* Sample(uint64_t rnd) const {
    if (size_ == 0) return nullptr;
    // Multiply-shift maps rnd to [0, size_) without a division.
    return At(static_cast<size_t>((static_cast<unsigned __int128>(rnd) * size_) >> 64));
  }

  // Forgets all entries (does not touch them) and frees all chunks.
  void Clear() {
    std::vector<std::unique_ptr<T*[]>>().swap(chunks_);
    size_ = 0;
  }

  // Bytes allocated by the index (chunks + chunk pointer vector); excludes the entries.
  size_t MemoryUsage() const {
    return chunks_.size() * kChunkSize * sizeof(T*) +
           chunks_.capacity() * sizeof(std::unique_ptr<T*[]>);
  }

 private:
  T*& Ref(size_t i) { return chunks_[i / kChunkSize][i % kChunkSize]; }

  std::vector<std::unique_ptr<T*[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace cardinal::core
