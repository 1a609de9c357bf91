#include "core/str_map.h"

#include <malloc.h>

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

namespace cardinal::core {

struct StrMap::Blob {
  uint8_t bytes[1];  // the allocation continues: see the layout in str_map.h
};

namespace {

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

uint8_t* PutVarint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

const uint8_t* GetVarint(const uint8_t* p, uint64_t* v) {
  uint64_t r = *p & 0x7F;
  unsigned shift = 7;
  while (*p++ & 0x80) {
    r |= static_cast<uint64_t>(*p & 0x7F) << shift;
    shift += 7;
  }
  *v = r;
  return p;
}

unsigned Reverse10(unsigned v) {
  unsigned r = 0;
  for (int i = 0; i < 10; ++i, v >>= 1) r = (r << 1) | (v & 1);
  return r;
}

}  // namespace

std::string_view StrMap::BlobTraits::Key(const Blob* b) {
  uint64_t flen, vlen;
  const uint8_t* p = GetVarint(GetVarint(b->bytes, &flen), &vlen);
  return {reinterpret_cast<const char*>(p), flen};
}

StrMap::BlobView StrMap::View(const Blob* b) {
  uint64_t flen, vlen;
  const uint8_t* p = GetVarint(GetVarint(b->bytes, &flen), &vlen);
  const char* f = reinterpret_cast<const char*>(p);
  return {{f, flen}, {f + flen, vlen}};
}

StrMap::Blob* StrMap::NewBlob(std::string_view field, std::string_view value) {
  const size_t n =
      VarintSize(field.size()) + VarintSize(value.size()) + field.size() + value.size();
  auto* b = static_cast<Blob*>(std::malloc(n));
  if (b == nullptr) throw std::bad_alloc();
  uint8_t* p = PutVarint(PutVarint(b->bytes, field.size()), value.size());
  if (!field.empty()) std::memcpy(p, field.data(), field.size());
  if (!value.empty()) std::memcpy(p + field.size(), value.data(), value.size());
  blob_bytes_ += malloc_usable_size(b);
  return b;
}

void StrMap::FreeBlob(Blob* b) {
  blob_bytes_ -= malloc_usable_size(b);
  std::free(b);
}

StrMap::Blob* StrMap::WithValue(Blob* b, std::string_view value) {
  const BlobView old = View(b);
  const size_t field_at = VarintSize(old.field.size()) + VarintSize(value.size());
  const size_t need = field_at + old.field.size() + value.size();
  const size_t usable = malloc_usable_size(b);
  // Rewrite in place when the value fits and would not leave most of the block unused (a big
  // value overwritten by a small one gives its memory back).
  const bool overlaps = value.data() < reinterpret_cast<const char*>(b) + usable &&
                        value.data() + value.size() > reinterpret_cast<const char*>(b);
  if (need <= usable && need * 2 > usable && !overlaps) {
    uint8_t* p = PutVarint(b->bytes, old.field.size());
    // The field moves when the value length's varint changes size.
    std::memmove(b->bytes + field_at, old.field.data(), old.field.size());
    PutVarint(p, value.size());
    if (!value.empty())
      std::memcpy(b->bytes + field_at + old.field.size(), value.data(), value.size());
    return b;
  }
  return NewBlob(old.field, value);
}

// ---------------------------------------------------------------------------------------------

StrMap::StrMap(const StrMap& other) {
  if (other.large_) {
    large_ = std::make_unique<Table>(0);
    other.large_->ForEach([&](const Blob* b) {
      BlobView v = View(b);
      large_->Insert(NewBlob(v.field, v.value), HashKey(v.field));
    });
  } else if (other.small_cap_ != 0) {
    small_ = static_cast<uint64_t*>(std::calloc(other.small_cap_, sizeof(uint64_t)));
    if (small_ == nullptr) throw std::bad_alloc();
    small_cap_ = other.small_cap_;
    for (unsigned i = 0; i < small_cap_; ++i) {
      const uint64_t w = other.small_[i];
      if (w == 0) continue;
      BlobView v = View(Ptr(w));
      small_[i] = reinterpret_cast<uintptr_t>(NewBlob(v.field, v.value)) | (w & ~kPtrMask);
    }
  }
  size_ = other.size_;
}

StrMap::~StrMap() {
  if (large_) {
    large_->ForEach([](Blob* b) { std::free(b); });
  } else {
    for (unsigned i = 0; i < small_cap_; ++i) {
      if (small_[i] != 0) std::free(Ptr(small_[i]));
    }
  }
  std::free(small_);
}

size_t StrMap::MemoryUsage() const {
  size_t n = sizeof(*this) + blob_bytes_ + size_t{small_cap_} * sizeof(uint64_t);
  if (large_) n += sizeof(Table) + large_->MemoryUsage();
  return n;
}

void StrMap::Reserve(size_t n) {
  if (large_) return;
  if (n * 4 > size_t{kMaxSmallSlots} * 3) {
    MoveToLarge();
    return;
  }
  unsigned cap = std::max(small_cap_, kMinSmallSlots);
  while (n * 4 > size_t{cap} * 3) cap *= 2;
  if (cap != small_cap_) SmallResize(cap);
}

std::optional<std::string_view> StrMap::Find(std::string_view field) const {
  if (size_ == 0) return std::nullopt;
  const uint64_t h = HashKey(field);
  if (large_) {
    const Blob* b = large_->Find(field, h);
    if (b == nullptr) return std::nullopt;
    return View(b).value;
  }
  const int pos = SmallFind(field, h);
  if (pos < 0) return std::nullopt;
  return View(Ptr(small_[pos])).value;
}

bool StrMap::Set(std::string_view field, std::string_view value) {
  const uint64_t h = HashKey(field);
  if (large_) {
    Blob* b = large_->Find(field, h);
    if (b != nullptr) {
      Blob* nb = WithValue(b, value);
      if (nb != b) {
        large_->Replace(BlobTraits::Key(nb), h, nb);  // compares against b: free it after
        FreeBlob(b);
      }
      return false;
    }
    large_->Insert(NewBlob(field, value), h);
    ++size_;
    return true;
  }
  if (small_cap_ != 0) {
    const int pos = SmallFind(field, h);
    if (pos >= 0) {
      const uint64_t w = small_[pos];
      Blob* nb = WithValue(Ptr(w), value);
      if (nb != Ptr(w)) {
        small_[pos] = reinterpret_cast<uintptr_t>(nb) | (w & ~kPtrMask);
        FreeBlob(Ptr(w));
      }
      return false;
    }
  }
  Reserve(size_ + 1);
  Blob* b = NewBlob(field, value);
  if (large_) {
    large_->Insert(b, h);
  } else {
    SmallPlace(Word(b, h));
  }
  ++size_;
  return true;
}

bool StrMap::Erase(std::string_view field) {
  if (size_ == 0) return false;
  const uint64_t h = HashKey(field);
  if (large_) {
    Blob* b = large_->Erase(field, h);
    if (b == nullptr) return false;
    FreeBlob(b);
    --size_;
    return true;
  }
  const int pos = SmallFind(field, h);
  if (pos < 0) return false;
  FreeBlob(Ptr(small_[pos]));
  SmallRemoveAt(static_cast<unsigned>(pos));
  --size_;
  if (size_ == 0) {
    std::free(small_);
    small_ = nullptr;
    small_cap_ = 0;
  } else if (small_cap_ > kMinSmallSlots && size_ * 8 < small_cap_) {
    SmallResize(small_cap_ / 2);
  }
  return true;
}

std::pair<std::string_view, std::string_view> StrMap::RandomElement(uint64_t rnd) const {
  assert(size_ > 0);
  const Blob* b = nullptr;
  if (large_) {
    b = large_->RandomElement(rnd);
  } else {
    // The array is at least 1/8 full (it shrinks below that), so a few random probes almost
    // always hit; the walk afterwards only bounds the worst case.
    const unsigned mask = small_cap_ - 1;
    uint64_t x = rnd;
    for (int attempt = 0; attempt < 32 && b == nullptr; ++attempt) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      const uint64_t w = small_[(x >> 33) & mask];
      if (w != 0) b = Ptr(w);
    }
    for (unsigned i = 0, pos = static_cast<unsigned>(x >> 40) & mask; b == nullptr; ++i) {
      const uint64_t w = small_[(pos + i) & mask];
      if (w != 0) b = Ptr(w);
    }
  }
  BlobView v = View(b);
  return {v.field, v.value};
}

unsigned StrMap::NextBucket(unsigned bucket, unsigned mask, bool* done) {
  // Set the bits above the mask, then increment the reversed value: the next run of buckets
  // sharing the low bits, in reverse-binary order.
  const unsigned r = Reverse10((bucket | ~mask) & (kMaxSmallSlots - 1)) + 1;
  *done = r == kMaxSmallSlots;
  return *done ? 0 : Reverse10(r);
}

// ---------------------------------------------------------------------------------------------
// Small mode

int StrMap::SmallFind(std::string_view field, uint64_t hash) const {
  const unsigned mask = small_cap_ - 1;
  const uint64_t tag = hash & 0xFFFF;
  for (unsigned i = 0, pos = static_cast<unsigned>(hash) & mask; i < small_cap_;
       ++i, pos = (pos + 1) & mask) {
    const uint64_t w = small_[pos];
    if (w == 0) return -1;
    if ((w >> kPtrBits) == tag && BlobTraits::Key(Ptr(w)) == field) return static_cast<int>(pos);
  }
  return -1;
}

void StrMap::SmallPlace(uint64_t w) {
  const unsigned mask = small_cap_ - 1;
  unsigned pos = SmallHome(w);
  while (small_[pos] != 0) pos = (pos + 1) & mask;
  small_[pos] = w;
}

void StrMap::SmallRemoveAt(unsigned pos) {
  // Backward shift: a following entry moves into the hole unless its home lies cyclically in
  // (hole, its position], where the probe for it would stop before reaching the hole.
  const unsigned mask = small_cap_ - 1;
  unsigned hole = pos;
  for (unsigned j = (pos + 1) & mask;; j = (j + 1) & mask) {
    const uint64_t w = small_[j];
    if (w == 0) break;
    const unsigned home = SmallHome(w);
    const bool stays = ((j - home) & mask) < ((j - hole) & mask);
    if (!stays) {
      small_[hole] = w;
      hole = j;
    }
  }
  small_[hole] = 0;
}

void StrMap::SmallResize(unsigned new_cap) {
  uint64_t* old = small_;
  const unsigned old_cap = small_cap_;
  small_ = static_cast<uint64_t*>(std::calloc(new_cap, sizeof(uint64_t)));
  if (small_ == nullptr) {
    small_ = old;
    throw std::bad_alloc();
  }
  small_cap_ = new_cap;
  for (unsigned i = 0; i < old_cap; ++i) {
    if (old[i] != 0) SmallPlace(old[i]);
  }
  std::free(old);
}

void StrMap::MoveToLarge() {
  auto t = std::make_unique<Table>(0);
  for (unsigned i = 0; i < small_cap_; ++i) {
    const uint64_t w = small_[i];
    if (w != 0) t->Insert(Ptr(w), HashKey(BlobTraits::Key(Ptr(w))));
  }
  large_ = std::move(t);
  std::free(small_);
  small_ = nullptr;
  small_cap_ = 0;
}

bool StrMap::CheckInvariants() const {
  size_t n = 0, bytes = 0;
  bool ok = true;
  auto check_blob = [&](const Blob* b, uint64_t stored_hash_bits) {
    ++n;
    bytes += malloc_usable_size(const_cast<Blob*>(b));
    if ((HashKey(BlobTraits::Key(b)) & 0xFFFF) != stored_hash_bits) ok = false;
  };
  if (large_) {
    if (small_ != nullptr || small_cap_ != 0 || !large_->CheckInvariants()) return false;
    large_->ForEach([&](const Blob* b) { check_blob(b, HashKey(BlobTraits::Key(b)) & 0xFFFF); });
  } else {
    if ((small_cap_ == 0) != (small_ == nullptr)) return false;
    if (small_cap_ != 0 && (small_cap_ & (small_cap_ - 1)) != 0) return false;
    if (size_ * 4 > size_t{small_cap_} * 3) return false;
    for (unsigned i = 0; i < small_cap_; ++i) {
      const uint64_t w = small_[i];
      if (w == 0) continue;
      check_blob(Ptr(w), w >> kPtrBits);
      // Every slot between the home and the position must be occupied (linear probing).
      for (unsigned p = SmallHome(w); p != i; p = (p + 1) & (small_cap_ - 1)) {
        if (small_[p] == 0) return false;
      }
      if (SmallFind(BlobTraits::Key(Ptr(w)), HashKey(BlobTraits::Key(Ptr(w)))) !=
          static_cast<int>(i)) {
        return false;
      }
    }
  }
  return ok && n == size_ && bytes == blob_bytes_;
}

}  // namespace cardinal::core
