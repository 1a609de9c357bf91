// Sorted sets: the full structure past the listpack thresholds (encoding "skiplist", the name
// Redis reports), and the helpers for small sorted sets kept in a Listpack.
//
// Why not Redis's skiplist + dict: Redis spends ~37 B of skiplist node per element (score,
// backward pointer, one to many level pointers with spans) plus a 24 B dict entry, a bucket slot
// and the member's sds header. ZSet instead keeps
//   * one allocation per element, a Node: [double score][LEB128 member length][member bytes];
//     the member bytes exist only here;
//   * an order-statistic B+tree over (score, member): leaves hold (score, Node*) pairs in two
//     parallel arrays (62 per 1 KiB leaf); inner nodes hold, per child, its element count and its
//     smallest key, so rank, select and range bounds are O(log n) descents;
//   * a member index (core::SegmentedTable keyed by the Node's member) for O(1) ZSCORE/ZADD
//     lookups: 8 B per element plus load slack.
// That is ~16-21 B of tree plus ~10 B of index beyond the Node, against Redis's ~70 B.
//
// Ordering: by score, then by member bytes (memcmp, a prefix sorts first), as Redis. -0.0 and
// 0.0 compare equal as scores; NaN is never stored (callers reject it).
//
// Not thread-safe; a ZSet belongs to one shard. Iterators are invalidated by any mutation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/listpack.h"
#include "core/segmented_table.h"

namespace cardinal::core {

class ZSet {
 public:
  // One element: score, then the member's length (LEB128) and bytes. Allocated with malloc.
  struct Node {
    double score;
    uint8_t data[1];  // NOLINT: the length and bytes continue past the struct
    std::string_view member() const;
  };

  // Position in ascending order. REQUIRES for member()/score()/Next()/Prev(): valid().
  class Iterator {
   public:
    Iterator() = default;
    bool valid() const { return leaf_ != nullptr; }
    std::string_view member() const;
    double score() const;
    void Next();  // past the last element: !valid()
    void Prev();  // before the first element: !valid()

   private:
    friend class ZSet;
    Iterator(const void* leaf, uint32_t idx) : leaf_(leaf), idx_(idx) {}
    const void* leaf_ = nullptr;
    uint32_t idx_ = 0;
  };

  ZSet();
  ZSet(const ZSet& other);  // deep copy
  ZSet& operator=(const ZSet&) = delete;
  ~ZSet();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes allocated: nodes, tree and index. O(1).
  size_t MemoryUsage() const { return bytes_ + index_.MemoryUsage(); }

  // Adds `member`. REQUIRES: member absent, score not NaN.
  void Insert(std::string_view member, double score);
  // Sets *score to the member's score; false if absent.
  bool Score(std::string_view member, double* score) const;
  // Changes a present member's score; false (nothing changed) if absent. Stays in place when the
  // order allows (the common ZINCRBY by a small amount), otherwise moves inside the tree; the
  // member's Node is never reallocated.
  bool UpdateScore(std::string_view member, double score);
  // Removes `member`; false if absent.
  bool Erase(std::string_view member);
  // Removes the elements of ranks [first, last) (ascending order, clamped to size()).
  void EraseRanks(size_t first, size_t last);
  // Removes everything.
  void Clear();

  // 0-based rank of `member` in ascending order; -1 if absent.
  int64_t Rank(std::string_view member) const;
  // Number of elements whose score is < s (or <= s when `inclusive`).
  size_t CountScoreBelow(double s, bool inclusive) const;
  // Number of leading elements whose member is < m (or <= m when `inclusive`). Meaningful, as in
  // Redis, when all elements share one score (lex ranges); otherwise it counts the longest prefix
  // of the order satisfying the comparison.
  size_t CountLexBelow(std::string_view m, bool inclusive) const;
  // The element of rank `rank`; !valid() when rank >= size(). O(log n).
  Iterator At(size_t rank) const;
  Iterator begin() const { return At(0); }

  // SCAN over the member index with stable cursors (0 starts and ends an iteration): calls
  // fn(member, score) for the members of up to `buckets` index buckets and returns the next
  // cursor. A member present for the whole scan is reported exactly once.
  template <class Fn>
  uint64_t Scan(uint64_t cursor, size_t buckets, Fn&& fn) const;

  // For tests: verifies ordering, counts, leaf links, separator keys and the index. O(n).
  bool CheckInvariants() const;

 private:
  struct Leaf;
  struct Inner;
  struct NodeTraits {
    static std::string_view Key(const Node* n) { return n->member(); }
  };
  using Index = SegmentedTable<Node, NodeTraits>;

  static Node* NewNode(std::string_view member, double score, size_t* alloc_size);
  static size_t NodeSize(const Node* n);

  Leaf* NewLeaf();
  Inner* NewInner();
  void FreeTree(void* node, int level);

  // Tree operations on Nodes already owned by the index (see zset.cc).
  void TreeInsert(Node* n);
  void TreeErase(const Node* n);       // REQUIRES: n is in the tree
  Node* TreeEraseAt(size_t rank);      // REQUIRES: rank < size_
  template <class Locate>
  Node* EraseRec(void* node, int level, Locate& loc, bool* underfull);
  void Rebalance(Inner* parent, int child_level, uint32_t i);
  void ShrinkRoot();
  template <class Pred>
  size_t PrefixCount(Pred pred) const;
  // The position of key (s, m) by a plain descent (no rank sums). REQUIRES: the key is present.
  Iterator Find(double s, std::string_view m) const;

  void* root_ = nullptr;
  int height_ = 0;  // levels of inner nodes above the leaves (0: the root is a leaf)
  size_t size_ = 0;
  size_t bytes_;    // nodes + tree + this object (the index reports its own)
  Index index_;
};

// ---------------------------------------------------------------------------------------------
// Small sorted sets in a Listpack: member, score, member, score... ordered by (score, member).
// Scores that are integers of magnitude <= 2^53 are stored as listpack integers (as Redis does,
// -0 is stored as 0); other scores as their shortest round-trip text, so every stored score reads
// back bit-exact.
namespace zlp {

// Text form a score is stored as; `buf` holds at least 32 bytes.
std::string_view EncodeScore(double score, char* buf);
double DecodeScore(const LpValue& v);
inline double ScoreAt(const Listpack& lp, Listpack::Pos score_pos) {
  return DecodeScore(lp.Get(score_pos));
}
// Position of `member`'s element (its score follows), or kNpos; *score is set when found.
Listpack::Pos Find(const Listpack& lp, std::string_view member, double* score);
// Inserts (member, score) at its place in the order. REQUIRES: member absent.
void Insert(Listpack* lp, std::string_view member, double score);
// Removes the pair whose member is at `member_pos`.
inline void ErasePair(Listpack* lp, Listpack::Pos member_pos) { lp->EraseRange(member_pos, 2); }
// Number of pairs (the listpack holds 2 elements per pair).
inline size_t Length(const Listpack& lp) { return lp.size() / 2; }

}  // namespace zlp

// ---------------------------------------------------------------------------------------------
// Template definitions.

template <class Fn>
uint64_t ZSet::Scan(uint64_t cursor, size_t buckets, Fn&& fn) const {
  // cursor = hash position (low 10 bits always zero) | bucket; see SegmentedTable::ScanBucket.
  constexpr uint64_t kBucketMask = Index::kBuckets - 1;
  unsigned bucket = static_cast<unsigned>(cursor & kBucketMask);
  uint64_t hpos = cursor & ~kBucketMask;
  for (size_t done = 0; done < buckets; ++done) {
    hpos = index_.ScanBucket(bucket, hpos, [&](const Node* n) { fn(n->member(), n->score); });
    if (hpos == 0) {
      if (++bucket == Index::kBuckets) return 0;
    }
  }
  return hpos | bucket;
}

}  // namespace cardinal::core
