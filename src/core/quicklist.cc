#include "core/quicklist.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <vector>

namespace cardinal::core {

namespace {

constexpr size_t kSafetyLimit = 8192;  // node bytes when the fill counts elements (Redis's rule)
constexpr size_t kEraseInPlaceMax = 8;  // more matches than this in one node: rebuild the node

void AppendValue(Listpack* dst, const LpValue& v) {
  if (v.is_int) {
    dst->AppendInt(v.ival);
  } else {
    dst->Append(v.str);
  }
}

// Appends every element of `src` to `dst`, walking `src` from its last element when `backward`.
void AppendAll(Listpack* dst, Listpack src, bool backward) {
  if (backward) {
    for (auto p = src.Last(); p != Listpack::kNpos; p = src.Prev(p)) AppendValue(dst, src.Get(p));
  } else {
    for (auto p = src.First(); p != Listpack::kNpos; p = src.Next(p)) AppendValue(dst, src.Get(p));
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Construction

QuickList::QuickList(int fill) { set_fill(fill); }

QuickList::QuickList(const QuickList& other) : fill_(other.fill_), last_pop_(other.last_pop_) {
  if (other.nodes_ == 0) return;
  uint32_t cap = 1;
  while (cap < other.nodes_) cap <<= 1;
  ring_ = static_cast<Node*>(::operator new(cap * sizeof(Node)));
  cap_ = cap;
  mem_ += cap * sizeof(Node);
  for (uint32_t i = 0; i < other.nodes_; ++i) {
    const Node& n = other.node(i);
    ring_[i] = Node{Listpack::CloneBuffer(n.lp), n.count, n.reversed, n.bytes};
    mem_ += n.bytes;
    nodes_ = i + 1;
  }
  size_ = other.size_;
}

QuickList::~QuickList() { Clear(); }

void QuickList::Clear() {
  for (uint32_t i = 0; i < nodes_; ++i) Listpack::FreeBuffer(node(i).lp);
  ::operator delete(ring_);
  ring_ = nullptr;
  cap_ = head_ = nodes_ = 0;
  size_ = 0;
  mem_ = sizeof(QuickList);
}

void QuickList::set_fill(int fill) {
  static_assert(kMinFill >= INT16_MIN && kMaxFill <= INT16_MAX);
  fill_ = static_cast<int16_t>(std::clamp(fill, kMinFill, kMaxFill));
}

// ---------------------------------------------------------------------------------------------
// Node limits

size_t QuickList::ByteLimit() const {
  return fill_ < 0 ? size_t{4096} << (-fill_ - 1) : kSafetyLimit;
}

uint32_t QuickList::CountLimit() const {
  if (fill_ < 0) return UINT32_MAX;
  return fill_ == 0 ? 1 : static_cast<uint32_t>(fill_);
}

bool QuickList::PushNodeReversed(bool front) const {
  const bool queue = last_pop_ == (front ? kPoppedBack : kPoppedFront);
  return front != queue;
}

bool QuickList::AllowInsert(const Node& n, size_t sz) const {
  return n.count < CountLimit() && n.bytes + sz <= ByteLimit();
}

bool QuickList::MergeFits(const Node& a, const Node& b) const {
  // A merged node keeps a quarter of the limit free, so a node split by an insertion does not
  // merge back after one deletion (and split again on the next insertion).
  const uint32_t count_limit = CountLimit();
  const size_t byte_limit = ByteLimit();
  return uint64_t{a.count} + b.count <= count_limit - count_limit / 4 &&
         a.bytes + b.bytes - Listpack::kHeaderSize <= byte_limit - byte_limit / 4;
}

bool QuickList::Underfull(const Node& n) const {
  return uint64_t{n.count} * 2 <= CountLimit() && n.bytes * 2 <= ByteLimit();
}

void QuickList::Sync(uint32_t i, uint8_t* lp) {
  Node& n = node(i);
  Listpack l(lp);
  const uint32_t count = static_cast<uint32_t>(l.size());
  const uint32_t bytes = static_cast<uint32_t>(l.bytes());
  mem_ = mem_ + bytes - n.bytes;
  size_ = size_ + count - n.count;
  n.lp = lp;
  n.count = count;
  n.bytes = bytes;
}

void QuickList::Locate(size_t index, uint32_t* node_index, uint32_t* offset) const {
  // This scan is most of the cost of reaching the middle of a long list: walk the ring as (at
  // most) two contiguous runs of descriptors, with no ring arithmetic per node.
  const uint32_t end = head_ + nodes_;  // one past the last descriptor, before wrapping
  const Node* n;
  if (index < size_ / 2) {
    n = ring_ + head_;
    const Node* run_end = ring_ + std::min(end, cap_);
    while (n != run_end && index >= n->count) index -= (n++)->count;
    if (n == run_end) {
      for (n = ring_; index >= n->count; ++n) index -= n->count;
    }
    *offset = static_cast<uint32_t>(index);
  } else {
    size_t rem = size_ - 1 - index;  // elements after `index`
    const Node* run_begin = end > cap_ ? ring_ : ring_ + head_;
    const Node* after = ring_ + (end > cap_ ? end - cap_ : end);  // one past the candidate
    while (after != run_begin && rem >= after[-1].count) rem -= (--after)->count;
    if (after == run_begin) {
      for (after = ring_ + cap_; rem >= after[-1].count; --after) rem -= after[-1].count;
    }
    n = after - 1;
    *offset = static_cast<uint32_t>(n->count - 1 - rem);
  }
  *node_index = static_cast<uint32_t>(n - ring_ - head_) & (cap_ - 1);
}

Listpack::Pos QuickList::Seek(uint32_t i, uint32_t offset) const {
  const Node& n = node(i);
  return Listpack(n.lp).Seek(n.reversed ? n.count - 1 - offset : offset);
}

Listpack::Pos QuickList::HeadPos(uint32_t i) const {
  Listpack lp(node(i).lp);
  return node(i).reversed ? lp.Last() : lp.First();
}

Listpack::Pos QuickList::TailPos(uint32_t i) const {
  Listpack lp(node(i).lp);
  return node(i).reversed ? lp.First() : lp.Last();
}

// ---------------------------------------------------------------------------------------------
// Ring

void QuickList::Grow() {
  const uint32_t cap = cap_ == 0 ? 1 : cap_ * 2;
  Node* ring = static_cast<Node*>(::operator new(cap * sizeof(Node)));
  for (uint32_t i = 0; i < nodes_; ++i) ring[i] = node(i);
  ::operator delete(ring_);
  mem_ += (cap - cap_) * sizeof(Node);
  ring_ = ring;
  cap_ = cap;
  head_ = 0;
}

void QuickList::MaybeShrink() {
  if (cap_ <= 4 || nodes_ * 4 > cap_) return;
  uint32_t cap = cap_;
  while (cap > 4 && nodes_ * 4 <= cap) cap >>= 1;
  Node* ring = static_cast<Node*>(::operator new(cap * sizeof(Node)));
  for (uint32_t i = 0; i < nodes_; ++i) ring[i] = node(i);
  ::operator delete(ring_);
  mem_ -= (cap_ - cap) * sizeof(Node);
  ring_ = ring;
  cap_ = cap;
  head_ = 0;
}

void QuickList::InsertNode(uint32_t at, std::string_view v, bool reversed) {
  Listpack lp(Listpack::NewBuffer());
  lp.Append(v);
  InsertNodeBuffer(at, lp.data(), reversed);
}

void QuickList::InsertNodeBuffer(uint32_t at, uint8_t* lp, bool reversed) {
  if (nodes_ == cap_) Grow();
  if (at < nodes_ / 2) {  // shift the nodes before `at` one slot towards the front
    head_ = (head_ - 1) & (cap_ - 1);
    ++nodes_;
    for (uint32_t j = 0; j < at; ++j) node(j) = node(j + 1);
  } else {
    ++nodes_;
    for (uint32_t j = nodes_ - 1; j > at; --j) node(j) = node(j - 1);
  }
  node(at) = Node{nullptr, 0, reversed, 0};
  Sync(at, lp);
}

void QuickList::RemoveNodes(uint32_t at, uint32_t n) {
  for (uint32_t j = at; j < at + n; ++j) {
    Node& d = node(j);
    mem_ -= d.bytes;
    size_ -= d.count;
    Listpack::FreeBuffer(d.lp);
  }
  const uint32_t after = nodes_ - at - n;
  if (at < after) {  // close the gap by moving the front part
    for (uint32_t j = at; j-- > 0;) node(j + n) = node(j);
    head_ = (head_ + n) & (cap_ - 1);
  } else {
    for (uint32_t j = at; j < nodes_ - n; ++j) node(j) = node(j + n);
  }
  nodes_ -= n;
  MaybeShrink();
}

void QuickList::SplitNode(uint32_t i, uint32_t offset) {
  // The part stored at the end of the buffer moves to the new node, so the source is truncated
  // rather than shifted: [offset, count) of a forward node, [0, offset) of a reversed one.
  const bool reversed = node(i).reversed;
  const uint32_t count = node(i).count;
  const uint32_t moved = reversed ? offset : count - offset;
  Listpack src(node(i).lp);
  Listpack dst(Listpack::NewBuffer());
  const Listpack::Pos from = src.Seek(count - moved);
  for (Listpack::Pos p = from; p != Listpack::kNpos; p = src.Next(p)) AppendValue(&dst, src.Get(p));
  src.EraseRange(from, moved);
  Sync(i, src.data());
  InsertNodeBuffer(reversed ? i : i + 1, dst.data(), reversed);
}

void QuickList::MergeNext(uint32_t i) {
  const Node a = node(i);
  const Node b = node(i + 1);
  // Elements can only be added cheaply at the end of a buffer: after a's elements if a is forward,
  // or, if b is reversed, after b's (a's elements last-to-first become b's new head). When both
  // work, the smaller node is re-encoded; a reversed a followed by a forward b needs a new buffer.
  uint8_t* merged;
  bool reversed = false;
  if (!a.reversed && (!b.reversed || b.count <= a.count)) {
    Listpack dst(a.lp);
    AppendAll(&dst, Listpack(b.lp), b.reversed);
    Listpack::FreeBuffer(b.lp);
    merged = dst.data();
  } else if (b.reversed) {
    Listpack dst(b.lp);
    AppendAll(&dst, Listpack(a.lp), !a.reversed);
    Listpack::FreeBuffer(a.lp);
    merged = dst.data();
    reversed = true;
  } else {
    Listpack dst(Listpack::NewBuffer());
    AppendAll(&dst, Listpack(a.lp), true);
    AppendAll(&dst, Listpack(b.lp), false);
    Listpack::FreeBuffer(a.lp);
    Listpack::FreeBuffer(b.lp);
    merged = dst.data();
  }
  mem_ -= a.bytes + b.bytes;
  size_ -= size_t{a.count} + b.count;
  node(i) = Node{nullptr, 0, reversed, 0};
  node(i + 1) = Node{};
  Sync(i, merged);
}

void QuickList::Normalize(uint32_t lo, uint32_t hi) {
  if (nodes_ == 0) return;
  uint32_t first = lo > 0 ? lo - 1 : 0;
  uint32_t last = std::min(hi + 1, nodes_ - 1);
  // Drop emptied nodes, compacting [first, last] in place.
  uint32_t w = first;
  for (uint32_t r = first; r <= last; ++r) {
    Node n = node(r);
    if (n.count == 0) {
      mem_ -= n.bytes;
      Listpack::FreeBuffer(n.lp);
      continue;
    }
    node(w++) = n;
  }
  auto close_gap = [&](uint32_t at, uint32_t n) {  // descriptors [at, at + n) are dead
    if (n == 0) return;
    for (uint32_t j = at; j < at + n; ++j) node(j) = Node{};
    RemoveNodes(at, n);
  };
  close_gap(w, last + 1 - w);
  if (w == first) return;  // everything in range was emptied
  last = w - 1;
  // Merge underfull neighbours: node(w) accumulates while the next node fits into it.
  w = first;
  for (uint32_t r = first + 1; r <= last; ++r) {
    Node& a = node(w);
    Node& b = node(r);
    if ((Underfull(a) || Underfull(b)) && MergeFits(a, b)) {
      if (r != w + 1) {  // make b adjacent to a for MergeNext
        std::swap(node(w + 1), b);
      }
      MergeNext(w);
    } else {
      ++w;
      if (w != r) std::swap(node(w), node(r));
    }
  }
  close_gap(w + 1, last - w);
  MaybeShrink();
}

// ---------------------------------------------------------------------------------------------
// Cursor

LpValue QuickList::Cursor::value() const { return Listpack(ql_->node(node_).lp).Get(pos_); }

void QuickList::Cursor::Next() {
  const Node& n = ql_->node(node_);
  Listpack lp(n.lp);
  pos_ = n.reversed ? lp.Prev(pos_) : lp.Next(pos_);
  if (pos_ == Listpack::kNpos && node_ + 1 < ql_->nodes_) {
    ++node_;
    pos_ = ql_->HeadPos(node_);
  }
}

void QuickList::Cursor::Prev() {
  const Node& n = ql_->node(node_);
  Listpack lp(n.lp);
  pos_ = n.reversed ? lp.Next(pos_) : lp.Prev(pos_);
  if (pos_ == Listpack::kNpos && node_ > 0) {
    --node_;
    pos_ = ql_->TailPos(node_);
  }
}

QuickList::Cursor QuickList::At(int64_t index) const {
  if (index < 0) index += static_cast<int64_t>(size_);
  if (index < 0 || static_cast<uint64_t>(index) >= size_) return Cursor(this, 0, Listpack::kNpos);
  uint32_t i, off;
  Locate(static_cast<size_t>(index), &i, &off);
  return Cursor(this, i, Seek(i, off));
}

int64_t QuickList::IndexOf(std::string_view v) const {
  size_t base = 0;
  for (uint32_t i = 0; i < nodes_; ++i) {
    const Node& n = node(i);
    Listpack lp(n.lp);
    Listpack::Pos p = lp.Find(lp.First(), v);
    if (p != Listpack::kNpos) {
      size_t off = 0;
      if (n.reversed) {  // the first match in list order is the last one in the buffer
        for (auto q = p; q != Listpack::kNpos; q = lp.Find(lp.Next(q), v)) p = q;
        for (auto q = lp.Last(); q != p; q = lp.Prev(q)) ++off;
      } else {
        for (auto q = lp.First(); q != p; q = lp.Next(q)) ++off;
      }
      return static_cast<int64_t>(base + off);
    }
    base += n.count;
  }
  return -1;
}

size_t QuickList::reversed_node_count() const {
  size_t n = 0;
  for (uint32_t i = 0; i < nodes_; ++i) n += node(i).reversed;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Mutations

void QuickList::Push(std::string_view v, bool front) {
  if (nodes_ > 0) {
    const uint32_t i = front ? 0 : nodes_ - 1;
    Node& n = node(i);
    if (AllowInsert(n, Listpack::EncodedSize(v))) {
      if (n.count == 1) n.reversed = PushNodeReversed(front);  // reads the same both ways
      Listpack lp(n.lp);
      if (n.reversed == front) {  // this end of the list is the end of the buffer
        lp.Append(v);
      } else {
        lp.Prepend(v);
      }
      Sync(i, lp.data());
      return;
    }
  }
  InsertNode(front ? 0 : nodes_, v, PushNodeReversed(front));
}

std::string QuickList::Pop(bool front) {
  NotePop(front);
  const uint32_t i = front ? 0 : nodes_ - 1;
  Listpack lp(node(i).lp);
  const Listpack::Pos p = front ? HeadPos(i) : TailPos(i);
  std::string out = lp.Get(p).ToString();
  if (node(i).count == 1) {
    RemoveNodes(i, 1);
  } else {
    lp.Erase(p);
    Sync(i, lp.data());
  }
  return out;
}

bool QuickList::Set(int64_t index, std::string_view v) {
  if (index < 0) index += static_cast<int64_t>(size_);
  if (index < 0 || static_cast<uint64_t>(index) >= size_) return false;
  uint32_t i, off;
  Locate(static_cast<size_t>(index), &i, &off);
  Listpack lp(node(i).lp);
  lp.Replace(Seek(i, off), v);
  Sync(i, lp.data());
  if (node(i).bytes > ByteLimit() && node(i).count > 1) {
    // The new value overflowed the node: give it a node of its own, then let the rest merge.
    if (off + 1 < node(i).count) SplitNode(i, off + 1);
    if (off > 0) {
      SplitNode(i, off);
      ++i;
    }
    Normalize(i, i);
  }
  return true;
}

void QuickList::Insert(int64_t index, std::string_view v, bool after) {
  if (index < 0) index += static_cast<int64_t>(size_);
  uint32_t i, off;
  Locate(static_cast<size_t>(index), &i, &off);
  const uint32_t at = off + (after ? 1 : 0);  // insertion offset inside node i
  const size_t sz = Listpack::EncodedSize(v);
  auto insert_into = [&](uint32_t n, uint32_t offset) {
    const Node& d = node(n);
    Listpack lp(d.lp);
    // Insert before the buffer's element at `phys` (== count: at the end of the buffer).
    const uint32_t phys = d.reversed ? d.count - offset : offset;
    lp.Insert(phys == d.count ? Listpack::kNpos : lp.Seek(phys), v);
    Sync(n, lp.data());
  };
  if (AllowInsert(node(i), sz)) return insert_into(i, at);
  if (at == 0) {
    if (i > 0 && AllowInsert(node(i - 1), sz)) return insert_into(i - 1, node(i - 1).count);
    return InsertNode(i, v, false);
  }
  if (at == node(i).count) {
    if (i + 1 < nodes_ && AllowInsert(node(i + 1), sz)) return insert_into(i + 1, 0);
    return InsertNode(i + 1, v, false);
  }
  // A full node, inserting inside it: split at the insertion point.
  SplitNode(i, at);
  if (AllowInsert(node(i), sz)) {
    insert_into(i, node(i).count);
  } else if (AllowInsert(node(i + 1), sz)) {
    insert_into(i + 1, 0);
  } else {
    InsertNode(i + 1, v, false);
  }
  Normalize(i, std::min(i + 2, nodes_ - 1));
}

size_t QuickList::Erase(size_t start, size_t count) {
  if (start >= size_ || count == 0) return 0;
  count = std::min(count, size_ - start);
  if (count < size_ && (start == 0 || start + count == size_)) NotePop(start == 0);
  uint32_t i, off;
  Locate(start, &i, &off);
  const uint32_t lo = i;
  size_t left = count;
  if (off > 0 || left < node(i).count) {  // partial first node
    const uint32_t take = static_cast<uint32_t>(std::min<size_t>(left, node(i).count - off));
    Listpack lp(node(i).lp);
    // In a reversed node, list offsets [off, off + take) are the buffer's elements ending at
    // offset `off` from its end.
    lp.EraseRange(Seek(i, node(i).reversed ? off + take - 1 : off), take);
    Sync(i, lp.data());
    left -= take;
    ++i;
  }
  const uint32_t whole_begin = i;
  while (left > 0 && node(i).count <= left) left -= node(i++).count;
  const uint32_t whole = i - whole_begin;
  if (left > 0) {  // partial last node, from its first element
    Listpack lp(node(i).lp);
    lp.EraseRange(Seek(i, node(i).reversed ? static_cast<uint32_t>(left) - 1 : 0), left);
    Sync(i, lp.data());
  }
  if (whole > 0) RemoveNodes(whole_begin, whole);
  if (nodes_ > 0) Normalize(std::min(lo, nodes_ - 1), std::min(whole_begin, nodes_ - 1));
  return count;
}

size_t QuickList::Remove(std::string_view v, int64_t count) {
  const bool from_tail = count < 0;
  // -INT64_MIN does not fit in int64_t: negate in unsigned arithmetic.
  const uint64_t limit = count == 0 ? UINT64_MAX
                         : from_tail ? 0 - static_cast<uint64_t>(count)
                                     : static_cast<uint64_t>(count);
  uint64_t removed = 0;
  uint32_t lo = UINT32_MAX, hi = 0;
  std::vector<Listpack::Pos> matches;  // ascending positions inside the current node
  for (uint32_t k = 0; k < nodes_ && removed < limit; ++k) {
    const uint32_t i = from_tail ? nodes_ - 1 - k : k;
    Listpack lp(node(i).lp);
    matches.clear();
    // Walk the buffer backwards when that is list order from the chosen end.
    if (from_tail != node(i).reversed) {
      for (auto p = lp.Last(); p != Listpack::kNpos && removed + matches.size() < limit;
           p = lp.Prev(p)) {
        if (lp.Get(p).Equals(v)) matches.push_back(p);
      }
      std::reverse(matches.begin(), matches.end());
    } else {
      for (auto p = lp.Find(lp.First(), v);
           p != Listpack::kNpos && removed + matches.size() < limit; p = lp.Find(lp.Next(p), v)) {
        matches.push_back(p);
      }
    }
    if (matches.empty()) continue;
    removed += matches.size();
    lo = std::min(lo, i);
    hi = std::max(hi, i);
    if (matches.size() == node(i).count) {
      lp.Clear();
    } else if (matches.size() <= kEraseInPlaceMax) {
      // Back to front, so the earlier positions stay valid.
      for (size_t m = matches.size(); m-- > 0;) lp.Erase(matches[m]);
    } else {
      Listpack kept(Listpack::NewBuffer());
      size_t m = 0;
      for (auto p = lp.First(); p != Listpack::kNpos; p = lp.Next(p)) {
        if (m < matches.size() && matches[m] == p) {
          ++m;
        } else {
          AppendValue(&kept, lp.Get(p));
        }
      }
      Listpack::FreeBuffer(lp.data());
      node(i).lp = nullptr;
      lp = kept;
    }
    Sync(i, lp.data());
  }
  if (removed > 0) Normalize(lo, hi);
  return removed;
}

bool QuickList::Verify(std::string* why) const {
  auto fail = [&](std::string msg) {
    if (why != nullptr) *why = std::move(msg);
    return false;
  };
  if (cap_ != 0 && (cap_ & (cap_ - 1)) != 0) return fail("ring capacity not a power of two");
  if (nodes_ > cap_) return fail("more nodes than ring slots");
  size_t elems = 0, mem = sizeof(QuickList) + size_t{cap_} * sizeof(Node);
  for (uint32_t i = 0; i < nodes_; ++i) {
    const Node& n = node(i);
    Listpack lp(n.lp);
    const std::string at = " at node " + std::to_string(i);
    if (n.lp == nullptr || n.count == 0) return fail("empty node" + at);
    if (lp.size() != n.count) return fail("stale count" + at);
    if (lp.bytes() != n.bytes) return fail("stale bytes" + at);
    size_t walked = 0;
    for (auto p = lp.First(); p != Listpack::kNpos; p = lp.Next(p)) ++walked;
    if (walked != n.count) return fail("listpack walk disagrees with its count" + at);
    elems += n.count;
    mem += n.bytes;
  }
  if (elems != size_) return fail("size " + std::to_string(size_) + " != " + std::to_string(elems));
  if (mem != mem_) return fail("memory " + std::to_string(mem_) + " != " + std::to_string(mem));
  return true;
}

}  // namespace cardinal::core
