// A sorted set past the listpack thresholds: an order-statistic tree plus member index (encoding "skiplist").
//
// SKELETON: the collections issue fills this in. Contract with storage/object.h: the class is
// copy-constructible (deep copy), allocated with new, and has size() (elements) and
// MemoryUsage() (bytes allocated, O(1)).
#pragma once

#include <cstddef>

namespace cardinal::core {

class ZSet {
 public:
  size_t size() const { return 0; }
  size_t MemoryUsage() const { return sizeof(*this); }
};

}  // namespace cardinal::core
