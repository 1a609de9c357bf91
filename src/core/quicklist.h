// QuickList: a list as a sequence of listpack nodes (Redis's OBJECT ENCODING "quicklist").
//
// Layout: a ring buffer of 16-byte node descriptors {listpack buffer, element count, bytes}.
// Push/pop at either end touch only the end node and amortize the ring growth, so they are O(1).
// Reaching an index scans the descriptors from the nearer end, skipping whole nodes by their
// cached counts without touching their buffers (a contiguous array: ~2k descriptors for 1M small
// elements, a few microseconds), then walks inside one node. Inserting or removing a node in the
// middle shifts the shorter side of the ring, which happens once per node split or merge, not per
// element.
//
// Node size follows Redis's list-max-listpack-size (the `fill`): a positive fill caps the elements
// per node (and, as in Redis, nodes still stay within 8 KiB unless an element alone is larger); -1
// to -5 cap the node's listpack at 4, 8, 16, 32 or 64 KiB. An element too large for any node gets
// a node of its own. Inserting into a full node in the middle splits it; after deletions a node
// that is at most half full merges with a neighbour when the two fill at most 3/4 of a node, so
// nodes stay reasonably full whatever the access pattern, and an insertion and a deletion at the
// same place do not split and merge the same node over and over.
//
// Orientation: a listpack grows and shrinks cheaply only at the end of its buffer; anywhere else
// the bytes after the change move (up to a whole node per LPUSH or LPOP). So each node stores its
// elements either in list order (forward) or last-to-first (reversed), and a new end node is
// oriented so that the pushes and pops it will see touch the end of its buffer: a node started by
// LPUSH is reversed (LPUSH appends, LPOP truncates), one started by RPUSH forward. A queue (the
// list's last pop was at the other end: LPUSH + RPOP, or LPUSH + LTRIM for a capped list) fills
// each node at one end and drains it at the other, so one side must move bytes; there the new
// node is oriented so that the pushes move them, because memmove opening a small gap in a few KiB
// is 2-3x faster than closing one (glibc 2.36 closes it with `rep movsb`, slow on such an
// overlap). A node of one element takes whichever orientation the next push wants. Every position
// is mapped through its node's orientation; splits keep it, and merges re-encode the elements of
// one node at the end of the other's buffer (into a new buffer only for a reversed node followed
// by a forward one).
//
// Memory: the listpack buffers are sized exactly (one realloc per change), plus 16 B per node and
// the ring's spare capacity; MemoryUsage() tracks the total in O(1).
//
// Not thread-safe; the owner (a keyspace shard) serializes access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/listpack.h"

namespace cardinal::core {

class QuickList {
 public:
  static constexpr int kDefaultFill = -2;  // 8 KiB nodes, Redis's default
  // Fill values outside [kMinFill, kMaxFill] are clamped, as Redis does; 0 acts as 1.
  static constexpr int kMinFill = -5;
  static constexpr int kMaxFill = 32767;

  explicit QuickList(int fill = kDefaultFill);
  QuickList(const QuickList& other);  // deep copy
  QuickList& operator=(const QuickList&) = delete;
  ~QuickList();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes allocated for this list: the object, the ring and every listpack buffer. O(1).
  size_t MemoryUsage() const { return mem_; }
  size_t node_count() const { return nodes_; }
  int fill() const { return fill_; }
  // Applies to nodes filled from now on; existing nodes are not resized.
  void set_fill(int fill);

  // ---- Reading. Values are views into the node buffers: valid until the next mutation.

  // A read position. Any mutation of the list invalidates it.
  class Cursor {
   public:
    bool valid() const { return pos_ != Listpack::kNpos; }
    LpValue value() const;
    // Move towards the tail / the head; the cursor becomes invalid past either end.
    void Next();
    void Prev();

   private:
    friend class QuickList;
    Cursor(const QuickList* ql, uint32_t node, Listpack::Pos pos)
        : ql_(ql), node_(node), pos_(pos) {}
    const QuickList* ql_;
    uint32_t node_;
    Listpack::Pos pos_;
  };

  // The element at `index` (negative counts from the tail, -1 = last); invalid if out of range.
  Cursor At(int64_t index) const;
  Cursor Front() const { return At(0); }
  Cursor Back() const { return At(-1); }
  // Index of the first element equal to `v`, or -1.
  int64_t IndexOf(std::string_view v) const;

  // ---- Mutations.

  void PushFront(std::string_view v) { Push(v, true); }
  void PushBack(std::string_view v) { Push(v, false); }
  void Push(std::string_view v, bool front);
  // Removes the first / last element and returns it. REQUIRES: !empty().
  std::string PopFront() { return Pop(true); }
  std::string PopBack() { return Pop(false); }
  std::string Pop(bool front);

  // Replaces the element at `index` (negative from the tail). Returns false if out of range.
  bool Set(int64_t index, std::string_view v);
  // Inserts `v` before (after = false) or after the element at `index`. REQUIRES: index valid.
  void Insert(int64_t index, std::string_view v, bool after);
  // Removes `count` elements starting at `start` (0-based, clamped to the end). Returns how many
  // were removed.
  size_t Erase(size_t start, size_t count);
  // Removes elements equal to `v`: the first `count` from the head when count > 0, the last
  // -count from the tail when count < 0, all when count == 0 (LREM). Returns how many.
  size_t Remove(std::string_view v, int64_t count);
  void Clear();

  // Nodes that store their elements last-to-first (see Orientation above). O(nodes): for tests.
  size_t reversed_node_count() const;

  // Checks the internal invariants (cached counts and sizes, no empty node, memory total); on a
  // violation returns false and describes it in *why. O(n): for tests.
  bool Verify(std::string* why = nullptr) const;

 private:
  struct Node {
    uint8_t* lp;
    // Elements take 2 bytes or more of a buffer whose size is a uint32, so a count fits in 31
    // bits; the spare bit keeps the descriptor at 16 bytes.
    uint32_t count : 31;
    uint32_t reversed : 1;  // elements stored last-to-first (see Orientation above)
    uint32_t bytes;
  };
  static_assert(sizeof(Node) == 16);

  Node& node(uint32_t i) { return ring_[(head_ + i) & (cap_ - 1)]; }
  const Node& node(uint32_t i) const { return ring_[(head_ + i) & (cap_ - 1)]; }

  size_t ByteLimit() const;
  uint32_t CountLimit() const;
  // The orientation for an end node taking pushes at the head (front) or tail (see Orientation).
  bool PushNodeReversed(bool front) const;
  // Records a removal at one end of the list, which PushNodeReversed reads.
  void NotePop(bool front) { last_pop_ = front ? kPoppedFront : kPoppedBack; }
  // Whether an element of encoded size (at most) `sz` fits into node `n`.
  bool AllowInsert(const Node& n, size_t sz) const;
  // Whether two neighbours should merge into one node (see Normalize).
  bool MergeFits(const Node& a, const Node& b) const;
  bool Underfull(const Node& n) const;

  // Re-reads count/bytes from node i's buffer after a listpack mutation and adjusts mem_.
  void Sync(uint32_t i, uint8_t* lp);
  // Locates element `index` (0 <= index < size_): node and offset inside it.
  void Locate(size_t index, uint32_t* node_index, uint32_t* offset) const;
  // Buffer position of the element at list offset `offset` of node i (offset < count).
  Listpack::Pos Seek(uint32_t i, uint32_t offset) const;
  // Buffer positions of node i's first / last element in list order.
  Listpack::Pos HeadPos(uint32_t i) const;
  Listpack::Pos TailPos(uint32_t i) const;

  // Ring management.
  void Grow();
  void MaybeShrink();
  // A new node holding `v` at ring position `at` (0..nodes_).
  void InsertNode(uint32_t at, std::string_view v, bool reversed);
  void InsertNodeBuffer(uint32_t at, uint8_t* lp, bool reversed);
  // Drops nodes [at, at + n) (their buffers are freed) by shifting the shorter side.
  void RemoveNodes(uint32_t at, uint32_t n);
  // Splits node i before list offset `offset` (0 < offset < count): afterwards node i holds
  // elements [0, offset) and node i + 1 the rest, both with the original orientation.
  void SplitNode(uint32_t i, uint32_t offset);
  // Moves the elements of nodes i and i + 1 into node i (in list order); node i + 1 is left empty
  // with no buffer (the descriptor stays until compacted).
  void MergeNext(uint32_t i);
  // After deletions in nodes [lo, hi]: drops emptied nodes and merges underfull ones with their
  // neighbours.
  void Normalize(uint32_t lo, uint32_t hi);

  Node* ring_ = nullptr;
  uint32_t cap_ = 0;  // power of two (or 0)
  uint32_t head_ = 0;
  uint32_t nodes_ = 0;
  int16_t fill_ = kDefaultFill;  // in [kMinFill, kMaxFill]
  enum : uint8_t { kNoPop, kPoppedFront, kPoppedBack } last_pop_ = kNoPop;
  size_t size_ = 0;
  size_t mem_ = sizeof(QuickList);
};

}  // namespace cardinal::core
