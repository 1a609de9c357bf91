#include "core/zset.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/hash.h"

namespace cardinal::core {

namespace {

// Leaf and inner node capacities: each node fits a 1 KiB allocator size class.
constexpr uint32_t kLeafCap = 62;
constexpr uint32_t kInnerCap = 31;
// A node with fewer entries than this after an erase is merged with or refilled from a sibling,
// so a tree that shrinks keeps its nodes at least a quarter full (bounded memory per element).
constexpr uint32_t kLeafMin = kLeafCap / 4;
constexpr uint32_t kInnerMin = kInnerCap / 4;

// Three-way comparison of two members: memcmp order, a prefix first (Redis's sdscmp).
inline int CmpMember(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  if (n != 0) {
    if (int c = std::memcmp(a.data(), b.data(), n); c != 0) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// Three-way comparison of (s1, m1) with (s2, m2).
inline int CmpKey(double s1, std::string_view m1, double s2, std::string_view m2) {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return CmpMember(m1, m2);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Nodes

std::string_view ZSet::Node::member() const {
  const uint8_t* p = data;
  size_t len = 0;
  unsigned shift = 0;
  for (;;) {
    const uint8_t b = *p++;
    len |= static_cast<size_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  return {reinterpret_cast<const char*>(p), len};
}

ZSet::Node* ZSet::NewNode(std::string_view member, double score, size_t* alloc_size) {
  uint8_t len_buf[10];
  size_t len_bytes = 0;
  size_t len = member.size();
  do {
    uint8_t b = len & 0x7F;
    len >>= 7;
    if (len != 0) b |= 0x80;
    len_buf[len_bytes++] = b;
  } while (len != 0);
  const size_t size = offsetof(Node, data) + len_bytes + member.size();
  auto* n = static_cast<Node*>(std::malloc(size));
  if (n == nullptr) std::abort();
  n->score = score;
  std::memcpy(n->data, len_buf, len_bytes);
  if (!member.empty()) std::memcpy(n->data + len_bytes, member.data(), member.size());
  *alloc_size = size;
  return n;
}

size_t ZSet::NodeSize(const Node* n) {
  const std::string_view m = n->member();
  return static_cast<size_t>(reinterpret_cast<const uint8_t*>(m.data() + m.size()) -
                             reinterpret_cast<const uint8_t*>(n));
}

// ---------------------------------------------------------------------------------------------
// Tree nodes. Leaves are linked both ways for iteration. An inner node keeps, per child, the
// child's element count and its smallest key (score + Node*), always exact: every operation that
// changes a subtree refreshes the entries on its path, so a separator never points at a freed
// Node.

struct ZSet::Leaf {
  uint32_t n = 0;
  Leaf* prev = nullptr;
  Leaf* next = nullptr;
  double score[kLeafCap];
  Node* node[kLeafCap];
};

struct ZSet::Inner {
  uint32_t n = 0;
  uint64_t count[kInnerCap];
  double score[kInnerCap];
  Node* node[kInnerCap];
  void* child[kInnerCap];
};

ZSet::Leaf* ZSet::NewLeaf() {
  bytes_ += sizeof(Leaf);
  return new Leaf();
}

ZSet::Inner* ZSet::NewInner() {
  bytes_ += sizeof(Inner);
  return new Inner();
}

void ZSet::FreeTree(void* node, int level) {
  if (node == nullptr) return;
  if (level == 0) {
    delete static_cast<Leaf*>(node);
    return;
  }
  Inner* in = static_cast<Inner*>(node);
  for (uint32_t i = 0; i < in->n; ++i) FreeTree(in->child[i], level - 1);
  delete in;
}

namespace {

// Smallest key of a subtree: its first entry (leaf) or its first child's key (inner).
template <class T>
inline void MinKey(const T* t, double* s, ZSet::Node** n) {
  *s = t->score[0];
  *n = t->node[0];
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Construction

ZSet::ZSet() : bytes_(sizeof(ZSet)) {}

ZSet::ZSet(const ZSet& other) : bytes_(sizeof(ZSet)) {
  // Ascending appends take the tree's sequential-insert path: leaves end up full.
  for (Iterator it = other.begin(); it.valid(); it.Next()) Insert(it.member(), it.score());
}

ZSet::~ZSet() { Clear(); }

void ZSet::Clear() {
  index_.Clear([](Node* n) { std::free(n); });
  FreeTree(root_, height_);
  root_ = nullptr;
  height_ = 0;
  size_ = 0;
  bytes_ = sizeof(ZSet);
}

// ---------------------------------------------------------------------------------------------
// Insert

namespace {

// Index of the child of `in` whose range holds key (s, m): the last child whose smallest key is
// <= the key, or 0.
template <class T>
uint32_t ChildFor(const T* in, double s, std::string_view m) {
  uint32_t lo = 1, hi = in->n;  // find the first child in [1, n) with min key > (s, m)
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (CmpKey(in->score[mid], in->node[mid]->member(), s, m) > 0) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo - 1;
}

// First position in leaf `lf` whose key is >= (s, m).
template <class T>
uint32_t LowerBound(const T* lf, double s, std::string_view m) {
  uint32_t lo = 0, hi = lf->n;
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (CmpKey(lf->score[mid], lf->node[mid]->member(), s, m) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

uint64_t SumCounts(const uint64_t* c, uint32_t from, uint32_t to) {
  uint64_t s = 0;
  for (uint32_t i = from; i < to; ++i) s += c[i];
  return s;
}

}  // namespace

void ZSet::Insert(std::string_view member, double score) {
  const uint64_t h = HashKey(member);
  assert(index_.Find(member, h) == nullptr);
  size_t alloc = 0;
  Node* n = NewNode(member, score, &alloc);
  bytes_ += alloc;
  index_.Insert(n, h);
  TreeInsert(n);
  ++size_;
}

void ZSet::TreeInsert(Node* nd) {
  const double s = nd->score;
  const std::string_view m = nd->member();
  if (root_ == nullptr) {
    Leaf* lf = NewLeaf();
    lf->n = 1;
    lf->score[0] = s;
    lf->node[0] = nd;
    root_ = lf;
    height_ = 0;
    return;
  }
  // Descend, remembering the path (height_ is small: ~log_20 n).
  struct Step {
    Inner* in;
    uint32_t i;
  };
  Step path[32];
  void* cur = root_;
  bool leftmost = true, rightmost = true;
  for (int level = height_; level > 0; --level) {
    Inner* in = static_cast<Inner*>(cur);
    const uint32_t i = ChildFor(in, s, m);
    leftmost = leftmost && i == 0;
    rightmost = rightmost && i == in->n - 1;
    ++in->count[i];
    path[height_ - level] = {in, i};
    cur = in->child[i];
  }

  // Leaf insertion; on overflow split. Sequential inserts at either end of the whole order leave
  // the full leaf alone and start a fresh one, so ascending (or descending) loads fill leaves
  // completely instead of half.
  Leaf* lf = static_cast<Leaf*>(cur);
  const uint32_t pos = LowerBound(lf, s, m);
  void* split = nullptr;  // new right sibling of `cur` at the current level
  if (lf->n < kLeafCap) {
    std::memmove(&lf->score[pos + 1], &lf->score[pos], (lf->n - pos) * sizeof(double));
    std::memmove(&lf->node[pos + 1], &lf->node[pos], (lf->n - pos) * sizeof(Node*));
    lf->score[pos] = s;
    lf->node[pos] = nd;
    ++lf->n;
  } else {
    Leaf* r = NewLeaf();
    // Gather the cap+1 entries, then cut.
    double sc[kLeafCap + 1];
    Node* nn[kLeafCap + 1];
    std::memcpy(sc, lf->score, pos * sizeof(double));
    std::memcpy(nn, lf->node, pos * sizeof(Node*));
    sc[pos] = s;
    nn[pos] = nd;
    std::memcpy(sc + pos + 1, lf->score + pos, (kLeafCap - pos) * sizeof(double));
    std::memcpy(nn + pos + 1, lf->node + pos, (kLeafCap - pos) * sizeof(Node*));
    uint32_t left;
    if (rightmost && pos == kLeafCap) {
      left = kLeafCap;
    } else if (leftmost && pos == 0) {
      left = 1;
    } else {
      left = (kLeafCap + 1) / 2;
    }
    const uint32_t total = kLeafCap + 1;
    std::memcpy(lf->score, sc, left * sizeof(double));
    std::memcpy(lf->node, nn, left * sizeof(Node*));
    lf->n = left;
    std::memcpy(r->score, sc + left, (total - left) * sizeof(double));
    std::memcpy(r->node, nn + left, (total - left) * sizeof(Node*));
    r->n = total - left;
    r->next = lf->next;
    r->prev = lf;
    if (lf->next) lf->next->prev = r;
    lf->next = r;
    split = r;
  }

  // Walk back up: refresh the separator of the child we went through (its smallest key may have
  // changed) and insert a split sibling after it, splitting inner nodes as needed.
  for (int d = height_ - 1; d >= 0; --d) {
    Inner* in = path[d].in;
    const uint32_t i = path[d].i;
    const int child_level = height_ - d - 1;
    void* child = in->child[i];
    if (child_level == 0) {
      MinKey(static_cast<Leaf*>(child), &in->score[i], &in->node[i]);
    } else {
      MinKey(static_cast<Inner*>(child), &in->score[i], &in->node[i]);
    }
    if (split == nullptr) continue;
    // Counts of the split pair.
    uint64_t right_count;
    double rs;
    Node* rn;
    if (child_level == 0) {
      Leaf* l = static_cast<Leaf*>(child);
      Leaf* r = static_cast<Leaf*>(split);
      in->count[i] = l->n;
      right_count = r->n;
      MinKey(r, &rs, &rn);
    } else {
      Inner* l = static_cast<Inner*>(child);
      Inner* r = static_cast<Inner*>(split);
      in->count[i] = SumCounts(l->count, 0, l->n);
      right_count = SumCounts(r->count, 0, r->n);
      MinKey(r, &rs, &rn);
    }
    const uint32_t at = i + 1;
    if (in->n < kInnerCap) {
      const uint32_t tail = in->n - at;
      std::memmove(&in->count[at + 1], &in->count[at], tail * sizeof(uint64_t));
      std::memmove(&in->score[at + 1], &in->score[at], tail * sizeof(double));
      std::memmove(&in->node[at + 1], &in->node[at], tail * sizeof(Node*));
      std::memmove(&in->child[at + 1], &in->child[at], tail * sizeof(void*));
      in->count[at] = right_count;
      in->score[at] = rs;
      in->node[at] = rn;
      in->child[at] = split;
      ++in->n;
      split = nullptr;
      continue;
    }
    // Split the inner node around the new entry.
    uint64_t cc[kInnerCap + 1];
    double cs[kInnerCap + 1];
    Node* cn[kInnerCap + 1];
    void* ch[kInnerCap + 1];
    auto gather = [&](auto* dst, const auto* src, auto value) {
      std::memcpy(dst, src, at * sizeof(*src));
      dst[at] = value;
      std::memcpy(dst + at + 1, src + at, (kInnerCap - at) * sizeof(*src));
    };
    gather(cc, in->count, right_count);
    gather(cs, in->score, rs);
    gather(cn, in->node, rn);
    gather(ch, in->child, split);
    bool right_path = true;
    for (int e = 0; e < d; ++e) right_path = right_path && path[e].i == path[e].in->n - 1;
    const uint32_t total = kInnerCap + 1;
    const uint32_t left = (right_path && at == kInnerCap) ? kInnerCap : total / 2;
    Inner* r = NewInner();
    auto cut = [&](auto* l_dst, auto* r_dst, const auto* src) {
      std::memcpy(l_dst, src, left * sizeof(*src));
      std::memcpy(r_dst, src + left, (total - left) * sizeof(*src));
    };
    cut(in->count, r->count, cc);
    cut(in->score, r->score, cs);
    cut(in->node, r->node, cn);
    cut(in->child, r->child, ch);
    in->n = left;
    r->n = total - left;
    split = r;
  }
  if (split != nullptr) {
    // The root split: grow a level.
    Inner* root = NewInner();
    root->n = 2;
    root->child[0] = root_;
    root->child[1] = split;
    if (height_ == 0) {
      Leaf* l = static_cast<Leaf*>(root_);
      Leaf* r = static_cast<Leaf*>(split);
      root->count[0] = l->n;
      root->count[1] = r->n;
      MinKey(l, &root->score[0], &root->node[0]);
      MinKey(r, &root->score[1], &root->node[1]);
    } else {
      Inner* l = static_cast<Inner*>(root_);
      Inner* r = static_cast<Inner*>(split);
      root->count[0] = SumCounts(l->count, 0, l->n);
      root->count[1] = SumCounts(r->count, 0, r->n);
      MinKey(l, &root->score[0], &root->node[0]);
      MinKey(r, &root->score[1], &root->node[1]);
    }
    root_ = root;
    ++height_;
  }
}

// ---------------------------------------------------------------------------------------------
// Erase. EraseRec descends with a locator (by key or by rank), removes one leaf entry and, on the
// way back, refreshes counts and separators and rebalances underfull children.

namespace {

struct KeyLocator {
  double s;
  std::string_view m;
  const ZSet::Node* target;
  template <class In>
  uint32_t Child(const In* in) { return ChildFor(in, s, m); }
  template <class Lf>
  uint32_t Pos(const Lf* lf) {
    const uint32_t p = LowerBound(lf, s, m);
    assert(p < lf->n && lf->node[p] == target);
    return p;
  }
};

struct RankLocator {
  uint64_t rank;
  template <class In>
  uint32_t Child(const In* in) {
    uint32_t i = 0;
    while (rank >= in->count[i]) rank -= in->count[i++];
    return i;
  }
  template <class Lf>
  uint32_t Pos(const Lf*) { return static_cast<uint32_t>(rank); }
};

}  // namespace

template <class Locate>
ZSet::Node* ZSet::EraseRec(void* node, int level, Locate& loc, bool* underfull) {
  if (level == 0) {
    Leaf* lf = static_cast<Leaf*>(node);
    const uint32_t p = loc.Pos(lf);
    Node* out = lf->node[p];
    const uint32_t tail = lf->n - p - 1;
    std::memmove(&lf->score[p], &lf->score[p + 1], tail * sizeof(double));
    std::memmove(&lf->node[p], &lf->node[p + 1], tail * sizeof(Node*));
    --lf->n;
    *underfull = lf->n < kLeafMin;
    return out;
  }
  Inner* in = static_cast<Inner*>(node);
  const uint32_t i = loc.Child(in);
  bool child_underfull = false;
  Node* out = EraseRec(in->child[i], level - 1, loc, &child_underfull);
  --in->count[i];
  if (in->count[i] != 0) {
    if (level == 1) {
      MinKey(static_cast<Leaf*>(in->child[i]), &in->score[i], &in->node[i]);
    } else {
      MinKey(static_cast<Inner*>(in->child[i]), &in->score[i], &in->node[i]);
    }
  }
  if (child_underfull) Rebalance(in, level - 1, i);
  *underfull = in->n < kInnerMin;
  return out;
}

// Child i of `parent` is underfull: merge it with a sibling when both fit comfortably in one
// node, otherwise even the two out. An empty child is simply removed. Keeps counts, separators
// and leaf links exact.
void ZSet::Rebalance(Inner* parent, int child_level, uint32_t i) {
  auto remove_entry = [&](uint32_t k) {
    const uint32_t tail = parent->n - k - 1;
    std::memmove(&parent->count[k], &parent->count[k + 1], tail * sizeof(uint64_t));
    std::memmove(&parent->score[k], &parent->score[k + 1], tail * sizeof(double));
    std::memmove(&parent->node[k], &parent->node[k + 1], tail * sizeof(Node*));
    std::memmove(&parent->child[k], &parent->child[k + 1], tail * sizeof(void*));
    --parent->n;
  };
  if (parent->count[i] == 0) {
    // Only a leaf can become empty (an inner node with children always has elements).
    if (child_level == 0) {
      Leaf* lf = static_cast<Leaf*>(parent->child[i]);
      if (lf->prev) lf->prev->next = lf->next;
      if (lf->next) lf->next->prev = lf->prev;
      delete lf;
      bytes_ -= sizeof(Leaf);
    } else {
      FreeTree(parent->child[i], child_level);
      bytes_ -= sizeof(Inner);
    }
    remove_entry(i);
    return;
  }
  if (parent->n < 2) return;  // no sibling: the root shrinks later
  const uint32_t li = (i + 1 < parent->n) ? i : i - 1;
  const uint32_t ri = li + 1;
  if (child_level == 0) {
    Leaf* l = static_cast<Leaf*>(parent->child[li]);
    Leaf* r = static_cast<Leaf*>(parent->child[ri]);
    const uint32_t total = l->n + r->n;
    if (total <= kLeafCap * 3 / 4) {
      std::memcpy(&l->score[l->n], r->score, r->n * sizeof(double));
      std::memcpy(&l->node[l->n], r->node, r->n * sizeof(Node*));
      l->n = total;
      l->next = r->next;
      if (r->next) r->next->prev = l;
      delete r;
      bytes_ -= sizeof(Leaf);
      parent->count[li] = total;
      remove_entry(ri);
      return;
    }
    const uint32_t want_l = total / 2;
    if (l->n < want_l) {  // move the head of r to the tail of l
      const uint32_t k = want_l - l->n;
      std::memcpy(&l->score[l->n], r->score, k * sizeof(double));
      std::memcpy(&l->node[l->n], r->node, k * sizeof(Node*));
      std::memmove(r->score, r->score + k, (r->n - k) * sizeof(double));
      std::memmove(r->node, r->node + k, (r->n - k) * sizeof(Node*));
      l->n += k;
      r->n -= k;
    } else if (l->n > want_l) {  // move the tail of l to the head of r
      const uint32_t k = l->n - want_l;
      std::memmove(r->score + k, r->score, r->n * sizeof(double));
      std::memmove(r->node + k, r->node, r->n * sizeof(Node*));
      std::memcpy(r->score, &l->score[want_l], k * sizeof(double));
      std::memcpy(r->node, &l->node[want_l], k * sizeof(Node*));
      l->n -= k;
      r->n += k;
    }
    parent->count[li] = l->n;
    parent->count[ri] = r->n;
    MinKey(l, &parent->score[li], &parent->node[li]);
    MinKey(r, &parent->score[ri], &parent->node[ri]);
    return;
  }
  Inner* l = static_cast<Inner*>(parent->child[li]);
  Inner* r = static_cast<Inner*>(parent->child[ri]);
  const uint32_t total = l->n + r->n;
  if (total <= kInnerCap * 3 / 4) {
    std::memcpy(&l->count[l->n], r->count, r->n * sizeof(uint64_t));
    std::memcpy(&l->score[l->n], r->score, r->n * sizeof(double));
    std::memcpy(&l->node[l->n], r->node, r->n * sizeof(Node*));
    std::memcpy(&l->child[l->n], r->child, r->n * sizeof(void*));
    l->n = total;
    delete r;
    bytes_ -= sizeof(Inner);
    parent->count[li] += parent->count[ri];
    remove_entry(ri);
    return;
  }
  const uint32_t want_l = total / 2;
  auto move_head = [](auto* dst, uint32_t dn, auto* src, uint32_t sn, uint32_t k) {
    std::memcpy(dst + dn, src, k * sizeof(*src));
    std::memmove(src, src + k, (sn - k) * sizeof(*src));
  };
  auto move_tail = [](auto* dst, uint32_t dn, auto* src, uint32_t keep, uint32_t k) {
    std::memmove(dst + k, dst, dn * sizeof(*dst));
    std::memcpy(dst, src + keep, k * sizeof(*src));
  };
  if (l->n < want_l) {
    const uint32_t k = want_l - l->n;
    move_head(l->count, l->n, r->count, r->n, k);
    move_head(l->score, l->n, r->score, r->n, k);
    move_head(l->node, l->n, r->node, r->n, k);
    move_head(l->child, l->n, r->child, r->n, k);
    l->n += k;
    r->n -= k;
  } else if (l->n > want_l) {
    const uint32_t k = l->n - want_l;
    move_tail(r->count, r->n, l->count, want_l, k);
    move_tail(r->score, r->n, l->score, want_l, k);
    move_tail(r->node, r->n, l->node, want_l, k);
    move_tail(r->child, r->n, l->child, want_l, k);
    l->n -= k;
    r->n += k;
  }
  parent->count[li] = SumCounts(l->count, 0, l->n);
  parent->count[ri] = SumCounts(r->count, 0, r->n);
  MinKey(l, &parent->score[li], &parent->node[li]);
  MinKey(r, &parent->score[ri], &parent->node[ri]);
}

void ZSet::ShrinkRoot() {
  while (height_ > 0 && static_cast<Inner*>(root_)->n == 1) {
    Inner* in = static_cast<Inner*>(root_);
    root_ = in->child[0];
    delete in;
    bytes_ -= sizeof(Inner);
    --height_;
  }
  if (height_ == 0 && root_ != nullptr && static_cast<Leaf*>(root_)->n == 0) {
    delete static_cast<Leaf*>(root_);
    bytes_ -= sizeof(Leaf);
    root_ = nullptr;
  }
}

void ZSet::TreeErase(const Node* n) {
  KeyLocator loc{n->score, n->member(), n};
  bool underfull = false;
  EraseRec(root_, height_, loc, &underfull);
  ShrinkRoot();
}

ZSet::Node* ZSet::TreeEraseAt(size_t rank) {
  RankLocator loc{rank};
  bool underfull = false;
  Node* n = EraseRec(root_, height_, loc, &underfull);
  ShrinkRoot();
  return n;
}

bool ZSet::Erase(std::string_view member) {
  const uint64_t h = HashKey(member);
  Node* n = index_.Find(member, h);
  if (n == nullptr) return false;
  TreeErase(n);
  index_.Erase(member, h);
  bytes_ -= NodeSize(n);
  std::free(n);
  --size_;
  return true;
}

void ZSet::EraseRanks(size_t first, size_t last) {
  last = std::min(last, size_);
  if (first >= last) return;
  if (first == 0 && last == size_) return Clear();
  for (size_t k = first; k < last; ++k) {
    Node* n = TreeEraseAt(first);
    index_.Erase(n->member(), HashKey(n->member()));
    bytes_ -= NodeSize(n);
    std::free(n);
    --size_;
  }
}

// ---------------------------------------------------------------------------------------------
// Lookups

bool ZSet::Score(std::string_view member, double* score) const {
  const Node* n = index_.Find(member, HashKey(member));
  if (n == nullptr) return false;
  *score = n->score;
  return true;
}

bool ZSet::UpdateScore(std::string_view member, double score) {
  Node* n = index_.Find(member, HashKey(member));
  if (n == nullptr) return false;
  if (n->score == score && std::signbit(n->score) == std::signbit(score)) return true;
  // In place when the new key still sorts between its leaf neighbours.
  Iterator it = Find(n->score, n->member());
  Leaf* lf = static_cast<Leaf*>(const_cast<void*>(it.leaf_));
  const uint32_t p = it.idx_;
  const std::string_view m = n->member();
  const bool after_prev =
      p > 0 && CmpKey(lf->score[p - 1], lf->node[p - 1]->member(), score, m) < 0;
  const bool before_next =
      p + 1 < lf->n && CmpKey(score, m, lf->score[p + 1], lf->node[p + 1]->member()) < 0;
  if (after_prev && before_next) {
    lf->score[p] = score;
    n->score = score;
    return true;
  }
  TreeErase(n);
  n->score = score;
  TreeInsert(n);
  return true;
}

ZSet::Iterator ZSet::Find(double s, std::string_view m) const {
  const void* cur = root_;
  for (int level = height_; level > 0; --level) {
    const Inner* in = static_cast<const Inner*>(cur);
    cur = in->child[ChildFor(in, s, m)];
  }
  const Leaf* lf = static_cast<const Leaf*>(cur);
  return Iterator(lf, LowerBound(lf, s, m));
}

template <class Pred>
size_t ZSet::PrefixCount(Pred pred) const {
  size_t acc = 0;
  const void* cur = root_;
  if (cur == nullptr) return 0;
  for (int level = height_; level > 0; --level) {
    const Inner* in = static_cast<const Inner*>(cur);
    // First child whose smallest key fails the predicate; everything before the child preceding
    // it satisfies it entirely.
    uint32_t lo = 0, hi = in->n;
    while (lo < hi) {
      const uint32_t mid = (lo + hi) / 2;
      if (pred(in->score[mid], in->node[mid])) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo == 0) return acc;
    acc += SumCounts(in->count, 0, lo - 1);
    cur = in->child[lo - 1];
  }
  const Leaf* lf = static_cast<const Leaf*>(cur);
  uint32_t lo = 0, hi = lf->n;
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (pred(lf->score[mid], lf->node[mid])) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return acc + lo;
}

int64_t ZSet::Rank(std::string_view member) const {
  const Node* n = index_.Find(member, HashKey(member));
  if (n == nullptr) return -1;
  const double s = n->score;
  // Elements strictly before (s, member).
  return static_cast<int64_t>(PrefixCount([&](double es, const Node* en) {
    return CmpKey(es, en->member(), s, member) < 0;
  }));
}

size_t ZSet::CountScoreBelow(double s, bool inclusive) const {
  if (inclusive) return PrefixCount([s](double es, const Node*) { return es <= s; });
  return PrefixCount([s](double es, const Node*) { return es < s; });
}

size_t ZSet::CountLexBelow(std::string_view m, bool inclusive) const {
  if (inclusive) {
    return PrefixCount([m](double, const Node* en) { return CmpMember(en->member(), m) <= 0; });
  }
  return PrefixCount([m](double, const Node* en) { return CmpMember(en->member(), m) < 0; });
}

ZSet::Iterator ZSet::At(size_t rank) const {
  if (rank >= size_) return Iterator();
  const void* cur = root_;
  for (int level = height_; level > 0; --level) {
    const Inner* in = static_cast<const Inner*>(cur);
    uint32_t i = 0;
    while (rank >= in->count[i]) rank -= in->count[i++];
    cur = in->child[i];
  }
  return Iterator(cur, static_cast<uint32_t>(rank));
}

std::string_view ZSet::Iterator::member() const {
  return static_cast<const Leaf*>(leaf_)->node[idx_]->member();
}

double ZSet::Iterator::score() const { return static_cast<const Leaf*>(leaf_)->score[idx_]; }

void ZSet::Iterator::Next() {
  const Leaf* lf = static_cast<const Leaf*>(leaf_);
  if (++idx_ < lf->n) return;
  leaf_ = lf->next;
  idx_ = 0;
}

void ZSet::Iterator::Prev() {
  const Leaf* lf = static_cast<const Leaf*>(leaf_);
  if (idx_ > 0) {
    --idx_;
    return;
  }
  lf = lf->prev;
  leaf_ = lf;
  idx_ = lf ? lf->n - 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Invariants (tests)

bool ZSet::CheckInvariants() const {
  if (root_ == nullptr) return size_ == 0 && index_.size() == 0 && height_ == 0;
  if (index_.size() != size_) return false;
  // Recursively: counts, separators, fill; collect leaves in order.
  std::vector<const Leaf*> leaves;
  size_t inner_nodes = 0;
  bool ok = true;
  auto rec = [&](auto&& self, const void* node, int level, bool is_root) -> uint64_t {
    if (level == 0) {
      const Leaf* lf = static_cast<const Leaf*>(node);
      if (lf->n == 0 || lf->n > kLeafCap) ok = false;
      leaves.push_back(lf);
      return lf->n;
    }
    ++inner_nodes;
    const Inner* in = static_cast<const Inner*>(node);
    if (in->n == 0 || in->n > kInnerCap || (is_root && in->n < 2)) ok = false;
    uint64_t total = 0;
    for (uint32_t i = 0; i < in->n; ++i) {
      const uint64_t c = self(self, in->child[i], level - 1, false);
      if (c != in->count[i]) ok = false;
      double s;
      Node* n;
      if (level == 1) {
        MinKey(static_cast<const Leaf*>(in->child[i]), &s, &n);
      } else {
        MinKey(static_cast<const Inner*>(in->child[i]), &s, &n);
      }
      if (s != in->score[i] || n != in->node[i]) ok = false;
      total += c;
    }
    return total;
  };
  if (rec(rec, root_, height_, true) != size_) return false;
  if (!ok) return false;
  // Leaf chain and global order; scores cached in leaves match the nodes; index agrees.
  const Leaf* prev = nullptr;
  const Node* last = nullptr;
  size_t seen = 0;
  size_t node_bytes = 0;
  for (const Leaf* lf : leaves) {
    if (lf->prev != prev) return false;
    if (prev && prev->next != lf) return false;
    for (uint32_t i = 0; i < lf->n; ++i) {
      const Node* n = lf->node[i];
      if (n->score != lf->score[i]) return false;
      if (last && CmpKey(last->score, last->member(), n->score, n->member()) >= 0) return false;
      if (index_.Find(n->member(), HashKey(n->member())) != n) return false;
      node_bytes += NodeSize(n);
      last = n;
      ++seen;
    }
    prev = lf;
  }
  if (prev->next != nullptr) return false;
  if (seen != size_) return false;
  return bytes_ == sizeof(ZSet) + node_bytes + leaves.size() * sizeof(Leaf) +
                       inner_nodes * sizeof(Inner);
}

// ---------------------------------------------------------------------------------------------
// Listpack helpers

namespace zlp {

namespace {
constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53
}

std::string_view EncodeScore(double score, char* buf) {
  if (score >= -kMaxExactInt && score <= kMaxExactInt && score == std::floor(score)) {
    const auto r = std::to_chars(buf, buf + 32, static_cast<int64_t>(score));
    return {buf, static_cast<size_t>(r.ptr - buf)};
  }
  const auto r = std::to_chars(buf, buf + 32, score);
  return {buf, static_cast<size_t>(r.ptr - buf)};
}

double DecodeScore(const LpValue& v) {
  if (v.is_int) return static_cast<double>(v.ival);
  double d = 0;
  const char* b = v.str.data();
  std::from_chars(b, b + v.str.size(), d);
  return d;
}

Listpack::Pos Find(const Listpack& lp, std::string_view member, double* score) {
  for (Listpack::Pos p = lp.First(); p != Listpack::kNpos;) {
    const Listpack::Pos sp = lp.Next(p);
    if (lp.Get(p).Equals(member)) {
      *score = ScoreAt(lp, sp);
      return p;
    }
    p = lp.Next(sp);
  }
  return Listpack::kNpos;
}

void Insert(Listpack* lp, std::string_view member, double score) {
  char sbuf[32];
  const std::string_view stext = EncodeScore(score, sbuf);
  char scratch[LpValue::kScratchSize];
  // The first pair that sorts after (score, member); insert before it.
  Listpack::Pos p = lp->First();
  while (p != Listpack::kNpos) {
    const Listpack::Pos sp = lp->Next(p);
    const double s = ScoreAt(*lp, sp);
    if (s > score || (s == score && CmpMember(lp->Get(p).View(scratch), member) > 0)) break;
    p = lp->Next(sp);
  }
  if (p == Listpack::kNpos) {
    lp->Append(member);
    lp->Append(stext);
    return;
  }
  const Listpack::Pos mp = lp->Insert(p, member);
  lp->Insert(lp->Next(mp), stext);
}

}  // namespace zlp

}  // namespace cardinal::core
