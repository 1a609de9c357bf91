#include "core/intset.h"

#include <malloc.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace cardinal::core {

IntSet::IntSet(const IntSet& other) : size_(other.size_), width_(other.width_) {
  if (size_ != 0) {
    const size_t bytes = size_t{size_} * width_;
    data_ = static_cast<unsigned char*>(std::malloc(bytes));
    if (data_ == nullptr) throw std::bad_alloc();
    std::memcpy(data_, other.data_, bytes);
  }
}

IntSet::IntSet(IntSet&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      width_(std::exchange(other.width_, 2)) {}

IntSet::~IntSet() { std::free(data_); }

size_t IntSet::MemoryUsage() const {
  return sizeof(*this) + (data_ != nullptr ? malloc_usable_size(data_) : 0);
}

unsigned IntSet::WidthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

int64_t IntSet::At(size_t i) const {
  assert(i < size_);
  switch (width_) {
    case 2:
      return Data<int16_t>()[i];
    case 4:
      return Data<int32_t>()[i];
    default:
      return Data<int64_t>()[i];
  }
}

void IntSet::Set(size_t i, int64_t v) {
  switch (width_) {
    case 2:
      Data<int16_t>()[i] = static_cast<int16_t>(v);
      break;
    case 4:
      Data<int32_t>()[i] = static_cast<int32_t>(v);
      break;
    default:
      Data<int64_t>()[i] = v;
      break;
  }
}

namespace {
template <class T>
bool SearchIn(const T* a, size_t n, int64_t v, size_t* pos) {
  const T* it = std::lower_bound(a, a + n, static_cast<T>(v));
  if (pos != nullptr) *pos = static_cast<size_t>(it - a);
  return it != a + n && *it == static_cast<T>(v);
}
}  // namespace

bool IntSet::Search(int64_t v, size_t* pos) const {
  // A value wider than the array's width cannot be a member; it would go at one end.
  if (WidthFor(v) > width_) {
    if (pos != nullptr) *pos = v < 0 ? 0 : size_;
    return false;
  }
  switch (width_) {
    case 2:
      return SearchIn(Data<int16_t>(), size_, v, pos);
    case 4:
      return SearchIn(Data<int32_t>(), size_, v, pos);
    default:
      return SearchIn(Data<int64_t>(), size_, v, pos);
  }
}

void IntSet::Resize(size_t n) {
  if (n == 0) {
    std::free(data_);
    data_ = nullptr;
    return;
  }
  void* p = std::realloc(data_, n * width_);
  if (p == nullptr) throw std::bad_alloc();
  data_ = static_cast<unsigned char*>(p);
}

void IntSet::Upgrade(unsigned width) {
  const unsigned old = width_;
  const size_t n = size_;
  void* p = std::realloc(data_, std::max<size_t>(n, 1) * width);
  if (p == nullptr) throw std::bad_alloc();
  data_ = static_cast<unsigned char*>(p);
  // Back to front, so no element is overwritten before it is read.
  for (size_t i = n; i-- > 0;) {
    int64_t v;
    switch (old) {
      case 2:
        v = Data<int16_t>()[i];
        break;
      case 4:
        v = Data<int32_t>()[i];
        break;
      default:
        v = Data<int64_t>()[i];
        break;
    }
    width_ = static_cast<uint8_t>(width);
    Set(i, v);
    width_ = static_cast<uint8_t>(old);
  }
  width_ = static_cast<uint8_t>(width);
}

bool IntSet::Insert(int64_t v) {
  const unsigned need = WidthFor(v);
  if (need > width_) {
    // v is below or above every member: it goes at one end after widening.
    Upgrade(need);
    Resize(size_t{size_} + 1);
    if (v < 0) {
      std::memmove(data_ + width_, data_, size_t{size_} * width_);
      Set(0, v);
    } else {
      Set(size_, v);
    }
    ++size_;
    return true;
  }
  size_t pos;
  if (Search(v, &pos)) return false;
  Resize(size_t{size_} + 1);
  std::memmove(data_ + (pos + 1) * width_, data_ + pos * width_, (size_ - pos) * width_);
  Set(pos, v);
  ++size_;
  return true;
}

bool IntSet::Erase(int64_t v) {
  size_t pos;
  if (!Search(v, &pos)) return false;
  EraseAt(pos);
  return true;
}

void IntSet::EraseAt(size_t i) {
  assert(i < size_);
  std::memmove(data_ + i * width_, data_ + (i + 1) * width_, (size_ - i - 1) * width_);
  --size_;
  Resize(size_);
}

void IntSet::EraseMarked(const std::vector<bool>& remove) {
  assert(remove.size() == size_);
  size_t out = 0;
  for (size_t i = 0; i < size_; ++i) {
    if (remove[i]) continue;
    if (out != i) std::memcpy(data_ + out * width_, data_ + i * width_, width_);
    ++out;
  }
  size_ = static_cast<uint32_t>(out);
  Resize(out);
}

}  // namespace cardinal::core
