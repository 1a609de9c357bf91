#include "core/str_set.h"

#include <malloc.h>

#include <bit>
#include <cassert>
#include <cstdlib>
#include <new>

namespace cardinal::core {

using strset_internal::MemberView;

namespace {

// splitmix64 finalizer: fresh random bits from `x`.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t* NewSlots(size_t n) {
  auto* p = static_cast<uint64_t*>(std::calloc(n, sizeof(uint64_t)));
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

StrSet::Member* StrSet::NewMember(std::string_view s) {
  const size_t prefix = s.size() < 0xFF ? 1 : 9;
  auto* p = static_cast<unsigned char*>(std::malloc(prefix + s.size()));
  if (p == nullptr) throw std::bad_alloc();
  if (prefix == 1) {
    p[0] = static_cast<unsigned char>(s.size());
  } else {
    p[0] = 0xFF;
    const uint64_t n = s.size();
    std::memcpy(p + 1, &n, sizeof(n));
  }
  if (!s.empty()) std::memcpy(p + prefix, s.data(), s.size());
  return reinterpret_cast<Member*>(p);
}

void StrSet::FreeMember(Member* m) { std::free(m); }

size_t StrSet::BlockSize(const Member* m) { return malloc_usable_size(const_cast<Member*>(m)); }

StrSet::StrSet(const StrSet& other)
    : size_(other.size_), member_bytes_(other.member_bytes_), log2_capacity_(other.log2_capacity_) {
  if (other.is_large()) {
    auto* t = new Table(0);
    index_ = t;
    other.large()->ForEach([&](Member* m) {
      const std::string_view v = MemberView(m);
      t->Insert(NewMember(v), HashKey(v));
    });
  } else if (other.slots() != nullptr) {
    // Same capacity, same positions: only the pointers change, the fingerprints stay.
    uint64_t* s = NewSlots(capacity());
    index_ = s;
    for (size_t i = 0; i < capacity(); ++i) {
      const uint64_t w = other.slots()[i];
      if (w != 0)
        s[i] = (w & ~kPtrMask) | reinterpret_cast<uintptr_t>(NewMember(MemberView(Ptr(w))));
    }
  }
}

StrSet::~StrSet() {
  if (is_large()) {
    large()->Clear([](Member* m) { FreeMember(m); });
    delete large();
  } else if (slots() != nullptr) {
    for (size_t i = 0; i < capacity(); ++i) {
      if (slots()[i] != 0) FreeMember(Ptr(slots()[i]));
    }
    std::free(slots());
  }
}

size_t StrSet::MemoryUsage() const {
  size_t n = sizeof(*this) + member_bytes_;
  if (is_large()) {
    n += sizeof(Table) + large()->MemoryUsage();
  } else if (slots() != nullptr) {
    n += capacity() * sizeof(uint64_t);
  }
  return n;
}

long StrSet::FindSlot(std::string_view m, uint64_t hash) const {
  const uint64_t* s = slots();
  if (s == nullptr) return -1;
  const uint64_t fp = Fingerprint(hash);
  size_t pos = (fp & (kSmallMaxCapacity - 1)) >> (kBucketBits - log2_capacity_);
  for (size_t d = 0; d < capacity(); ++d, pos = (pos + 1) & mask()) {
    const uint64_t w = s[pos];
    if (w == 0) return -1;
    if ((w >> kPtrBits) == fp) {
      if (MemberView(Ptr(w)) == m) return static_cast<long>(pos);
    } else if (Dist(w, pos) < d) {
      return -1;
    }
  }
  return -1;
}

void StrSet::Place(uint64_t w) {
  uint64_t* s = slots();
  size_t pos = Home(w);
  size_t d = 0;
  for (;;) {
    const uint64_t cur = s[pos];
    if (cur == 0) {
      s[pos] = w;
      return;
    }
    const size_t cur_d = Dist(cur, pos);
    if (cur_d < d) {  // Robin Hood: the resident is closer to home, it moves on instead.
      s[pos] = w;
      w = cur;
      d = cur_d;
    }
    pos = (pos + 1) & mask();
    ++d;
  }
}

void StrSet::RemoveAt(size_t pos) {
  uint64_t* s = slots();
  size_t next = (pos + 1) & mask();
  for (;;) {
    const uint64_t w = s[next];
    if (w == 0 || Dist(w, next) == 0) break;
    s[pos] = w;
    pos = next;
    next = (next + 1) & mask();
  }
  s[pos] = 0;
}

void StrSet::Rebuild(unsigned log2_capacity) {
  uint64_t* old = slots();
  const size_t old_capacity = capacity();
  index_ = NewSlots(size_t{1} << log2_capacity);
  log2_capacity_ = static_cast<uint8_t>(log2_capacity);
  for (size_t i = 0; i < old_capacity; ++i) {
    if (old[i] != 0) Place(old[i]);
  }
  std::free(old);
}

void StrSet::ToLarge() {
  uint64_t* old = slots();
  const size_t old_capacity = capacity();
  auto* t = new Table(0);
  for (size_t i = 0; i < old_capacity; ++i) {
    if (old[i] == 0) continue;
    Member* m = Ptr(old[i]);
    t->Insert(m, HashKey(MemberView(m)));
  }
  std::free(old);
  index_ = t;
  log2_capacity_ = kLargeMode;
}

void StrSet::ToSmall() {
  Table* t = large();
  const size_t want = std::bit_ceil(std::max<size_t>(size_ * 2, size_t{1} << kMinLog2Capacity));
  log2_capacity_ = static_cast<uint8_t>(std::countr_zero(want));
  index_ = NewSlots(want);
  t->ForEach([&](Member* m) { Place(MakeWord(m, HashKey(MemberView(m)))); });
  delete t;
}

void StrSet::Compact() {
  Table* old = large();
  auto* t = new Table(0);
  old->ForEach([&](Member* m) { t->Insert(m, HashKey(MemberView(m))); });
  delete old;
  index_ = t;
}

bool StrSet::Contains(std::string_view m) const {
  const uint64_t h = HashKey(m);
  if (is_large()) return large()->Find(m, h) != nullptr;
  return FindSlot(m, h) >= 0;
}

bool StrSet::Insert(std::string_view m) {
  const uint64_t h = HashKey(m);
  if (is_large()) {
    if (large()->Find(m, h) != nullptr) return false;
  } else if (slots() == nullptr) {
    index_ = NewSlots(capacity());
  } else {
    if (FindSlot(m, h) >= 0) return false;
    if ((size_ + 1) * 8 > capacity() * 7) {
      if (capacity() < kSmallMaxCapacity) {
        Rebuild(log2_capacity_ + 1);
      } else {
        ToLarge();
      }
    }
  }
  Member* nm = NewMember(m);
  if (is_large()) {
    large()->Insert(nm, h);
  } else {
    Place(MakeWord(nm, h));
  }
  ++size_;
  member_bytes_ += BlockSize(nm);
  return true;
}

bool StrSet::Erase(std::string_view m) {
  const uint64_t h = HashKey(m);
  Member* gone;
  if (is_large()) {
    gone = large()->Erase(m, h);
    if (gone == nullptr) return false;
  } else {
    const long pos = FindSlot(m, h);
    if (pos < 0) return false;
    gone = Ptr(slots()[pos]);
    RemoveAt(static_cast<size_t>(pos));
  }
  --size_;
  member_bytes_ -= BlockSize(gone);
  FreeMember(gone);  // `m` may have pointed into it: not used past this point
  if (is_large()) {
    if (size_ < kLargeMinMembers) {
      ToSmall();
    } else if (size_ <= kMaxCompactMembers &&
               size_ * 4 < large()->segment_count() * Table::kSlots) {
      Compact();
    }
  } else if (size_ == 0) {
    std::free(slots());
    index_ = nullptr;
    log2_capacity_ = kMinLog2Capacity;
  } else if (log2_capacity_ > kMinLog2Capacity && size_ * 8 < capacity()) {
    Rebuild(log2_capacity_ - 1);
  }
  return true;
}

std::string_view StrSet::RandomMember(uint64_t rnd) const {
  assert(size_ != 0);
  if (is_large()) return MemberView(large()->RandomElement(rnd));
  // The small index stays at least 1/8 full (it halves below that), so 64 uniform probes all
  // miss with probability < 0.02%; the bounded walk after them is only a fallback.
  const uint64_t* s = slots();
  size_t pos = 0;
  for (int attempt = 0; attempt < 64; ++attempt) {
    rnd = Mix(rnd);
    pos = static_cast<size_t>(rnd) & mask();
    if (s[pos] != 0) return MemberView(Ptr(s[pos]));
  }
  for (size_t i = 0; i < capacity(); ++i, pos = (pos + 1) & mask()) {
    if (s[pos] != 0) break;
  }
  return MemberView(Ptr(s[pos]));
}

}  // namespace cardinal::core
