// IntSet: a set of 64-bit integers kept as one sorted array (encoding "intset").
//
// Why: small sets of integers (ids, flags) are common, and a sorted array in the narrowest
// element width that fits every member (2, 4 or 8 bytes) costs 2-8 bytes per member with no
// per-member allocation; lookups are a binary search. The array is reallocated to its exact size
// on every change: the allocator serves a same-class realloc in place, so growth by one element
// is cheap, and the width only ever widens (one pass over the array), as in Redis.
//
// Contract with storage/object.h: allocated with new, copy-constructible (deep copy), size() and
// MemoryUsage() O(1). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cardinal::core {

class IntSet {
 public:
  IntSet() = default;
  IntSet(const IntSet& other);
  IntSet& operator=(const IntSet&) = delete;
  IntSet(IntSet&& other) noexcept;
  ~IntSet();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes per element: 2, 4 or 8.
  unsigned width() const { return width_; }
  // This object plus its array, as the allocator sized it.
  size_t MemoryUsage() const;

  bool Contains(int64_t v) const { return Search(v, nullptr); }
  // Returns false (and changes nothing) if `v` is already a member.
  bool Insert(int64_t v);
  // Returns false if `v` is not a member.
  bool Erase(int64_t v);

  // The i-th smallest member. REQUIRES: i < size().
  int64_t At(size_t i) const;
  // Removes the i-th smallest member. REQUIRES: i < size().
  void EraseAt(size_t i);
  // Removes every member whose position (in ascending order, before the call) has
  // remove[position] set. REQUIRES: remove.size() == size(). One pass.
  void EraseMarked(const std::vector<bool>& remove);

  // Calls fn(int64_t) for every member in ascending order. fn must not modify the set.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    switch (width_) {
      case 2:
        for (size_t i = 0; i < size_; ++i) fn(static_cast<int64_t>(Data<int16_t>()[i]));
        break;
      case 4:
        for (size_t i = 0; i < size_; ++i) fn(static_cast<int64_t>(Data<int32_t>()[i]));
        break;
      default:
        for (size_t i = 0; i < size_; ++i) fn(Data<int64_t>()[i]);
        break;
    }
  }

  // The narrowest width (2, 4 or 8) that holds `v`.
  static unsigned WidthFor(int64_t v);

 private:
  template <class T>
  T* Data() const {
    return reinterpret_cast<T*>(data_);
  }
  // Binary search: true if found; *pos (when given) is the index of `v` or where it would go.
  bool Search(int64_t v, size_t* pos) const;
  void Resize(size_t n);         // reallocates the array to n elements of width_
  void Upgrade(unsigned width);  // re-encodes every element in a wider width
  void Set(size_t i, int64_t v);

  unsigned char* data_ = nullptr;
  uint32_t size_ = 0;
  uint8_t width_ = 2;
};

}  // namespace cardinal::core
