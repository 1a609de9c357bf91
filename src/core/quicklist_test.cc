#include "core/quicklist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace cardinal::core {
namespace {

std::vector<std::string> Contents(const QuickList& ql) {
  std::vector<std::string> out;
  for (auto c = ql.Front(); c.valid(); c.Next()) out.push_back(c.value().ToString());
  return out;
}

std::vector<std::string> ContentsBackward(const QuickList& ql) {
  std::vector<std::string> out;
  for (auto c = ql.Back(); c.valid(); c.Prev()) out.insert(out.begin(), c.value().ToString());
  return out;
}

std::vector<std::string> Contents(const std::deque<std::string>& d) { return {d.begin(), d.end()}; }

void ExpectValid(const QuickList& ql) {
  std::string why;
  EXPECT_TRUE(ql.Verify(&why)) << why;
}

std::string Str(int i) { return "element:" + std::to_string(i); }

TEST(QuickListTest, Empty) {
  QuickList ql;
  EXPECT_EQ(ql.size(), 0u);
  EXPECT_TRUE(ql.empty());
  EXPECT_FALSE(ql.At(0).valid());
  EXPECT_FALSE(ql.At(-1).valid());
  EXPECT_FALSE(ql.Set(0, "x"));
  EXPECT_EQ(ql.Erase(0, 10), 0u);
  EXPECT_EQ(ql.Remove("x", 0), 0u);
  EXPECT_EQ(ql.MemoryUsage(), sizeof(QuickList));
  ExpectValid(ql);
}

TEST(QuickListTest, PushPopBothEnds) {
  QuickList ql;
  ql.PushBack("b");
  ql.PushFront("a");
  ql.PushBack("c");
  EXPECT_EQ(Contents(ql), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ql.PopBack(), "c");
  EXPECT_EQ(ql.PopFront(), "a");
  EXPECT_EQ(ql.PopFront(), "b");
  EXPECT_TRUE(ql.empty());
  EXPECT_EQ(ql.node_count(), 0u);
  ExpectValid(ql);
}

TEST(QuickListTest, IntegersKeepTheirText) {
  QuickList ql;
  const std::vector<std::string> vals = {"0", "-1", "127", "128", "4095", "-4096", "65536",
                                         "9223372036854775807", "-9223372036854775808",
                                         "007", "-0", "+1", "1 ", "", "9223372036854775808"};
  for (const auto& v : vals) ql.PushBack(v);
  EXPECT_EQ(Contents(ql), vals);
  EXPECT_EQ(ql.Remove("007", 0), 1u);
  EXPECT_EQ(ql.Remove("7", 0), 0u);
  EXPECT_EQ(ql.Remove("-9223372036854775808", 0), 1u);
  ExpectValid(ql);
}

TEST(QuickListTest, IndexOf) {
  QuickList ql(4);
  for (int i = 0; i < 100; ++i) ql.PushBack(i % 10 == 9 ? "nine" : std::to_string(i));
  EXPECT_EQ(ql.IndexOf("0"), 0);
  EXPECT_EQ(ql.IndexOf("nine"), 9);
  EXPECT_EQ(ql.IndexOf("98"), 98);
  EXPECT_EQ(ql.IndexOf("99"), -1);
  EXPECT_EQ(ql.IndexOf("00"), -1);
  EXPECT_EQ(QuickList().IndexOf("x"), -1);
}

TEST(QuickListTest, IndexFromBothEnds) {
  QuickList ql(8);
  for (int i = 0; i < 1000; ++i) ql.PushBack(Str(i));
  EXPECT_EQ(ql.node_count(), 125u);
  for (int i : {0, 1, 7, 8, 499, 500, 501, 998, 999}) {
    EXPECT_EQ(ql.At(i).value().ToString(), Str(i));
    EXPECT_EQ(ql.At(i - 1000).value().ToString(), Str(i));
  }
  EXPECT_FALSE(ql.At(1000).valid());
  EXPECT_FALSE(ql.At(-1001).valid());
  EXPECT_FALSE(ql.At(INT64_MIN).valid());
  EXPECT_FALSE(ql.At(INT64_MAX).valid());
  EXPECT_EQ(ContentsBackward(ql), Contents(ql));
}

TEST(QuickListTest, CountFillCapsNodes) {
  for (int fill : {1, 2, 3, 16, 128}) {
    QuickList back(fill), both(fill);
    for (int i = 0; i < 500; ++i) {
      back.PushBack(Str(i));
      if (i % 2) both.PushBack(Str(i)); else both.PushFront(Str(i));
    }
    EXPECT_EQ(back.node_count(), (500 + fill - 1) / fill) << fill;
    // Pushing at both ends leaves at most one extra partial node.
    EXPECT_LE(both.node_count(), (500 + fill - 1) / fill + 1) << fill;
    ExpectValid(back);
    ExpectValid(both);
  }
  QuickList zero(0);  // Redis: 0 behaves as one element per node
  for (int i = 0; i < 10; ++i) zero.PushBack("x");
  EXPECT_EQ(zero.node_count(), 10u);
}

TEST(QuickListTest, CountFillStillRespectsSafetyLimit) {
  QuickList ql(1000);
  const std::string v(100, 'v');
  for (int i = 0; i < 1000; ++i) ql.PushBack(v);
  // 102 bytes per element: about 80 per 8 KiB node, not 1000.
  EXPECT_GE(ql.node_count(), 12u);
  ExpectValid(ql);
}

TEST(QuickListTest, ByteFillCapsNodeSize) {
  for (int fill = -1; fill >= -5; --fill) {
    QuickList ql(fill);
    const size_t limit = size_t{4096} << (-fill - 1);
    const int n = static_cast<int>(limit * 20 / 15);  // about 20 nodes of ~15-byte elements
    for (int i = 0; i < n; ++i) ql.PushBack(Str(i));
    ExpectValid(ql);
    // Nodes are nearly full: total bytes over node count close to the limit.
    const size_t data = ql.MemoryUsage() - sizeof(QuickList);
    EXPECT_GT(data / ql.node_count(), limit * 9 / 10) << fill;
    EXPECT_LE(ql.node_count(), 22u) << fill;
  }
  QuickList clamped(-100);  // beyond -5 acts as -5
  EXPECT_EQ(clamped.fill(), QuickList::kMinFill);
  QuickList big(1 << 20);
  EXPECT_EQ(big.fill(), QuickList::kMaxFill);
}

TEST(QuickListTest, LargeElementGetsItsOwnNode) {
  QuickList ql;
  for (int i = 0; i < 10; ++i) ql.PushBack("s");
  ql.PushBack(std::string(20000, 'L'));
  ql.PushBack("t");
  EXPECT_EQ(ql.node_count(), 3u);
  EXPECT_EQ(ql.At(10).value().str.size(), 20000u);
  ql.Insert(10, std::string(9000, 'M'), true);
  EXPECT_EQ(ql.node_count(), 4u);
  EXPECT_EQ(ql.At(11).value().str.size(), 9000u);
  EXPECT_EQ(ql.At(12).value().ToString(), "t");
  ExpectValid(ql);
}

TEST(QuickListTest, SetGrowingPastTheLimitIsolatesTheElement) {
  QuickList ql(-1);
  for (int i = 0; i < 300; ++i) ql.PushBack(Str(i));
  const size_t nodes = ql.node_count();
  ASSERT_TRUE(ql.Set(100, std::string(5000, 'x')));
  ExpectValid(ql);
  EXPECT_GT(ql.node_count(), nodes);
  EXPECT_EQ(ql.At(100).value().str, std::string(5000, 'x'));
  EXPECT_EQ(ql.At(99).value().ToString(), Str(99));
  EXPECT_EQ(ql.At(101).value().ToString(), Str(101));
  ASSERT_TRUE(ql.Set(-1, "last"));
  EXPECT_EQ(ql.At(299).value().ToString(), "last");
  EXPECT_FALSE(ql.Set(300, "x"));
  EXPECT_FALSE(ql.Set(-301, "x"));
}

TEST(QuickListTest, InsertIntoFullNodesSplits) {
  QuickList ql(4);
  for (int i = 0; i < 12; ++i) ql.PushBack(Str(i));  // three full nodes
  std::deque<std::string> ref;
  for (int i = 0; i < 12; ++i) ref.push_back(Str(i));
  // Node boundaries, both sides, and the middle of a node.
  struct Op { int64_t index; bool after; };
  for (Op op : {Op{3, true}, Op{4, false}, Op{0, false}, Op{-1, true}, Op{6, true}, Op{2, false}}) {
    const int64_t idx = op.index < 0 ? op.index + static_cast<int64_t>(ref.size()) : op.index;
    ql.Insert(op.index, "new", op.after);
    ref.insert(ref.begin() + idx + (op.after ? 1 : 0), "new");
    ASSERT_EQ(Contents(ql), Contents(ref));
    ExpectValid(ql);
  }
}

TEST(QuickListTest, SplitNodesDoNotMergeBackAfterOneDeletion) {
  QuickList ql;  // 8 KiB nodes, all full
  for (int i = 0; i < 5000; ++i) ql.PushBack(Str(i));
  const size_t nodes = ql.node_count();
  const std::string big(40, 'b');  // does not fit in the free bytes of any node
  ql.Insert(2500, big, false);  // splits a full node
  EXPECT_EQ(ql.node_count(), nodes + 1);
  for (int round = 0; round < 100; ++round) {  // insert/erase at the same place: no thrash
    ql.Erase(2500, 1);
    EXPECT_EQ(ql.node_count(), nodes + 1);
    ql.Insert(2500, big, false);
    EXPECT_EQ(ql.node_count(), nodes + 1);
  }
  ExpectValid(ql);
}

TEST(QuickListTest, EraseRanges) {
  QuickList ql(5);
  std::deque<std::string> ref;
  for (int i = 0; i < 100; ++i) {
    ql.PushBack(Str(i));
    ref.push_back(Str(i));
  }
  struct Op { size_t start, count; };
  for (Op op : {Op{3, 4}, Op{0, 1}, Op{10, 27}, Op{50, 1000}, Op{0, 5}, Op{200, 1}, Op{7, 0}}) {
    const size_t expect = op.start >= ref.size() ? 0 : std::min(op.count, ref.size() - op.start);
    EXPECT_EQ(ql.Erase(op.start, op.count), expect);
    ref.erase(ref.begin() + std::min(op.start, ref.size()),
              ref.begin() + std::min(op.start + expect, ref.size()));
    ASSERT_EQ(Contents(ql), Contents(ref));
    ExpectValid(ql);
  }
  EXPECT_EQ(ql.Erase(0, SIZE_MAX), ref.size());
  EXPECT_TRUE(ql.empty());
  EXPECT_EQ(ql.node_count(), 0u);
  ExpectValid(ql);
}

TEST(QuickListTest, RemoveFromHeadTailAndAll) {
  auto make = [] {
    QuickList ql(3);
    for (int i = 0; i < 30; ++i) ql.PushBack(i % 3 == 0 ? "x" : Str(i));
    return ql;
  };
  {
    QuickList ql = make();
    EXPECT_EQ(ql.Remove("x", 2), 2u);
    EXPECT_EQ(ql.At(0).value().ToString(), Str(1));
    EXPECT_EQ(ql.Remove("x", -3), 3u);
    EXPECT_EQ(ql.At(-1).value().ToString(), Str(29));
    EXPECT_EQ(ql.At(-3).value().ToString(), Str(26));
    EXPECT_EQ(ql.Remove("x", 0), 5u);
    EXPECT_EQ(ql.size(), 20u);
    ExpectValid(ql);
  }
  {
    QuickList ql = make();
    EXPECT_EQ(ql.Remove("x", INT64_MIN), 10u);
    EXPECT_EQ(ql.Remove("absent", INT64_MAX), 0u);
    ExpectValid(ql);
  }
}

TEST(QuickListTest, MassRemovalKeepsNodesFull) {
  QuickList ql;  // 8 KiB nodes
  for (int i = 0; i < 20000; ++i) ql.PushBack(i % 10 == 0 ? Str(i) : "drop");
  const size_t before = ql.node_count();
  EXPECT_EQ(ql.Remove("drop", 0), 18000u);
  ExpectValid(ql);
  // 2000 elements of ~14 bytes fit in about 4 nodes; without merging there would be `before`.
  EXPECT_LE(ql.node_count(), 6u) << "before: " << before;
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(ql.At(i).value().ToString(), Str(i * 10));
}

TEST(QuickListTest, ManyMatchesInOneNodeRebuildsIt) {
  QuickList ql(-5);
  std::deque<std::string> ref;
  for (int i = 0; i < 3000; ++i) {
    std::string v = i % 3 ? "same" : Str(i);
    ql.PushBack(v);
    ref.push_back(v);
  }
  EXPECT_EQ(ql.Remove("same", -1500), 1500u);
  size_t seen = 0;
  for (auto it = ref.end(); it != ref.begin() && seen < 1500;) {
    --it;
    if (*it == "same") {
      it = ref.erase(it);
      ++seen;
    }
  }
  EXPECT_EQ(Contents(ql), Contents(ref));
  ExpectValid(ql);
}

TEST(QuickListTest, CopyIsDeep) {
  QuickList a(4);
  for (int i = 0; i < 50; ++i) a.PushBack(Str(i));
  a.PopFront();  // make the ring not start at slot 0
  QuickList b(a);
  EXPECT_EQ(Contents(a), Contents(b));
  EXPECT_EQ(b.fill(), 4);
  ExpectValid(b);
  b.Set(0, "changed");
  b.PushBack("more");
  EXPECT_EQ(a.At(0).value().ToString(), Str(1));
  EXPECT_EQ(a.size(), 49u);
  EXPECT_EQ(b.size(), 50u);
}

TEST(QuickListTest, MemoryTracksContents) {
  QuickList ql;
  const size_t empty = ql.MemoryUsage();
  for (int i = 0; i < 100000; ++i) ql.PushBack(Str(i));
  const size_t full = ql.MemoryUsage();
  // ~15 bytes per element of listpack data plus node overhead.
  EXPECT_GT(full, empty + 100000 * 14);
  EXPECT_LT(full, empty + 100000 * 16);
  ql.Erase(0, 99990);
  ExpectValid(ql);
  EXPECT_LT(ql.MemoryUsage(), empty + 1024);
  ql.Clear();
  EXPECT_EQ(ql.MemoryUsage(), empty);
}

TEST(QuickListTest, FillChangeAppliesToNewNodes) {
  QuickList ql(100);
  for (int i = 0; i < 100; ++i) ql.PushBack("x");
  EXPECT_EQ(ql.node_count(), 1u);
  ql.set_fill(10);
  for (int i = 0; i < 20; ++i) ql.PushBack("y");
  EXPECT_EQ(ql.node_count(), 3u);
  ExpectValid(ql);
}

// ---- Orientation: nodes filled from the head store their elements last-to-first.

TEST(QuickListTest, FrontPushesBuildReversedNodesThatReadInOrder) {
  for (int fill : {-2, 8}) {
    QuickList front(fill), back(fill);
    for (int i = 0; i < 3000; ++i) {
      front.PushFront(Str(2999 - i));
      back.PushBack(Str(i));
    }
    EXPECT_EQ(front.reversed_node_count(), front.node_count()) << fill;
    EXPECT_EQ(back.reversed_node_count(), 0u) << fill;
    // The same elements in the same node sizes: identical memory.
    EXPECT_EQ(front.node_count(), back.node_count()) << fill;
    EXPECT_EQ(front.MemoryUsage(), back.MemoryUsage()) << fill;
    EXPECT_EQ(Contents(front), Contents(back));
    EXPECT_EQ(ContentsBackward(front), Contents(back));
    for (int i : {0, 1, 7, 8, 9, 1500, 2998, 2999}) {
      EXPECT_EQ(front.At(i).value().ToString(), Str(i));
      EXPECT_EQ(front.IndexOf(Str(i)), i);
    }
    ExpectValid(front);
    for (int i = 0; i < 3000; ++i) ASSERT_EQ(front.PopFront(), Str(i));
    EXPECT_EQ(front.node_count(), 0u);
    ExpectValid(front);
  }
}

TEST(QuickListTest, SingleElementEndNodeTurnsToThePushingEnd) {
  {
    QuickList ql(4);
    for (int i = 0; i < 5; ++i) ql.PushBack(Str(i));  // forward nodes [0..3] [4]
    for (int i = 0; i < 3; ++i) ql.PopFront();       // [3] [4]
    ql.PushFront(Str(2));                             // [3] turns to take pushes at the head
    EXPECT_EQ(ql.reversed_node_count(), 1u);
    ql.PushFront(Str(1));
    EXPECT_EQ(Contents(ql), (std::vector<std::string>{Str(1), Str(2), Str(3), Str(4)}));
    ExpectValid(ql);
  }
  {
    QuickList ql(4);
    for (int i = 0; i < 5; ++i) ql.PushFront(Str(4 - i));  // reversed nodes [0] [1..4]
    for (int i = 0; i < 3; ++i) ql.PopBack();              // [0] [1]
    ql.PushBack(Str(2));                                    // [1] turns to take pushes at the tail
    EXPECT_EQ(ql.reversed_node_count(), 1u);
    ql.PushBack(Str(3));
    EXPECT_EQ(Contents(ql), (std::vector<std::string>{Str(0), Str(1), Str(2), Str(3)}));
    ExpectValid(ql);
  }
}

TEST(QuickListTest, QueueEndNodesAreFilledByTheMovingEnd) {
  QuickList ql(4);
  for (int i = 0; i < 8; ++i) ql.PushBack(Str(i));
  ql.PopBack();  // pops at the tail: pushes at the head form a queue (LPUSH + RPOP)
  for (int i = 0; i < 8; ++i) ql.PushFront("q");
  EXPECT_EQ(ql.reversed_node_count(), 0u);
  ql.Erase(0, 1);  // LPOP: now a stack at the head
  for (int i = 0; i < 8; ++i) ql.PushFront("s");
  EXPECT_EQ(ql.reversed_node_count(), 2u);
  ql.Erase(ql.size() - 2, 2);  // LTRIM at the tail: a capped list, a queue again
  for (int i = 0; i < 4; ++i) ql.PushFront("t");
  EXPECT_EQ(ql.reversed_node_count(), 2u);
  for (int i = 0; i < 4; ++i) ql.PushBack("b");  // RPUSH after a tail removal: a stack
  EXPECT_EQ(ql.reversed_node_count(), 2u);
  ql.PopFront();
  // RPUSH + LPOP, a queue: the one-element tail node [b] turns, and the new one is reversed too.
  for (int i = 0; i < 4; ++i) ql.PushBack("c");
  EXPECT_EQ(ql.reversed_node_count(), 4u);
  std::deque<std::string> ref;
  for (int i = 0; i < 4; ++i) ref.push_back("t");
  for (int i = 0; i < 8; ++i) ref.push_back("s");
  for (int i = 0; i < 7; ++i) ref.push_back("q");
  for (int i = 0; i < 5; ++i) ref.push_back(Str(i));
  for (int i = 0; i < 4; ++i) ref.push_back("b");
  for (int i = 0; i < 4; ++i) ref.push_back("c");
  ref.pop_front();
  EXPECT_EQ(Contents(ql), Contents(ref));
  EXPECT_EQ(ContentsBackward(ql), Contents(ref));
  ExpectValid(ql);
}

TEST(QuickListTest, OrientationCostsNoMemory) {
  // A 40-byte list object and 16-byte node descriptors, as before nodes had an orientation.
  EXPECT_EQ(sizeof(QuickList), 40u);
  QuickList ql;
  ql.PushFront("x");
  Listpack lp(Listpack::NewBuffer());
  lp.Append("x");
  EXPECT_EQ(ql.MemoryUsage(), sizeof(QuickList) + 16u + lp.bytes());
  Listpack::FreeBuffer(lp.data());
}

TEST(QuickListTest, MiddleOperationsOnReversedNodes) {
  QuickList ql(5);
  std::deque<std::string> ref;
  for (int i = 0; i < 40; ++i) {
    ql.PushFront(Str(i));
    ref.push_front(Str(i));
  }
  ASSERT_EQ(ql.reversed_node_count(), ql.node_count());
  auto check = [&] {
    ASSERT_EQ(Contents(ql), Contents(ref));
    ASSERT_EQ(ContentsBackward(ql), Contents(ref));
    ExpectValid(ql);
  };
  ASSERT_TRUE(ql.Set(3, "set3"));
  ref[3] = "set3";
  ASSERT_TRUE(ql.Set(-6, "set-6"));
  ref[ref.size() - 6] = "set-6";
  check();
  for (int64_t idx : {0, 4, 5, 12, 39}) {  // node boundaries and inside, both sides
    ql.Insert(idx, "ins", true);
    ref.insert(ref.begin() + idx + 1, "ins");
    check();
    ql.Insert(idx, "ins", false);
    ref.insert(ref.begin() + idx, "ins");
    check();
  }
  EXPECT_EQ(ql.IndexOf("ins"), 0);
  EXPECT_EQ(ql.IndexOf(Str(20)), std::find(ref.begin(), ref.end(), Str(20)) - ref.begin());
  EXPECT_EQ(ql.Remove("ins", 2), 2u);
  for (int k = 0; k < 2; ++k) ref.erase(std::find(ref.begin(), ref.end(), "ins"));
  check();
  EXPECT_EQ(ql.Remove("ins", -3), 3u);
  for (int k = 0; k < 3; ++k) {
    auto it = std::find(ref.rbegin(), ref.rend(), "ins");
    ref.erase(std::next(it).base());
  }
  check();
  EXPECT_EQ(ql.Erase(2, 9), 9u);
  ref.erase(ref.begin() + 2, ref.begin() + 11);
  check();
  EXPECT_EQ(ql.Erase(0, 3), 3u);  // LPOP with a count
  ref.erase(ref.begin(), ref.begin() + 3);
  check();
  EXPECT_EQ(ql.Erase(ref.size() - 4, 4), 4u);  // RPOP with a count
  ref.erase(ref.end() - 4, ref.end());
  check();
}

TEST(QuickListTest, LargeSetInReversedNodeIsolatesTheElement) {
  QuickList ql(-1);
  for (int i = 0; i < 300; ++i) ql.PushFront(Str(299 - i));
  ASSERT_TRUE(ql.Set(100, std::string(5000, 'x')));
  ExpectValid(ql);
  EXPECT_EQ(ql.At(100).value().str, std::string(5000, 'x'));
  EXPECT_EQ(ql.At(99).value().ToString(), Str(99));
  EXPECT_EQ(ql.At(101).value().ToString(), Str(101));
  EXPECT_EQ(ContentsBackward(ql), Contents(ql));
}

// The four pairs of orientations merge after a deletion leaves both neighbours underfull (fill 4:
// merged nodes hold at most 3 elements).
TEST(QuickListTest, MergesAcrossOrientations) {
  struct Case {
    const char* name;
    int front, back, head_inserts;  // PushFront, PushBack, then Insert(0, before) counts
    size_t start, count;            // the Erase that makes two neighbours merge
  };
  for (Case c : {Case{"reversed+reversed", 8, 0, 0, 1, 5},
                 Case{"reversed+forward", 4, 4, 0, 1, 5},
                 Case{"forward+forward", 0, 8, 0, 1, 5},
                 Case{"forward+reversed, into the reversed", 4, 0, 4, 1, 5},
                 Case{"forward+reversed, into the forward", 4, 0, 4, 2, 5}}) {
    SCOPED_TRACE(c.name);
    QuickList ql(4);
    std::deque<std::string> ref;
    int next = 0;
    for (int i = 0; i < c.front; ++i, ++next) {
      ql.PushFront(Str(next));
      ref.push_front(Str(next));
    }
    for (int i = 0; i < c.back; ++i, ++next) {
      ql.PushBack(Str(next));
      ref.push_back(Str(next));
    }
    for (int i = 0; i < c.head_inserts; ++i, ++next) {
      ql.Insert(0, Str(next), false);
      ref.push_front(Str(next));
    }
    ASSERT_EQ(ql.node_count(), 2u);
    ASSERT_EQ(Contents(ql), Contents(ref));
    EXPECT_EQ(ql.Erase(c.start, c.count), c.count);
    ref.erase(ref.begin() + c.start, ref.begin() + c.start + c.count);
    EXPECT_EQ(ql.node_count(), 1u);
    EXPECT_EQ(Contents(ql), Contents(ref));
    EXPECT_EQ(ContentsBackward(ql), Contents(ref));
    ExpectValid(ql);
    // The merged node keeps working at both ends and in the middle.
    ql.PushFront("f");
    ql.PushBack("b");
    ql.Insert(1, "m", true);
    ref.push_front("f");
    ref.push_back("b");
    ref.insert(ref.begin() + 2, "m");
    EXPECT_EQ(Contents(ql), Contents(ref));
    ExpectValid(ql);
  }
}

TEST(QuickListTest, ManyMatchesInReversedNodes) {
  QuickList ql(-5);
  std::deque<std::string> ref;
  for (int i = 0; i < 3000; ++i) {
    std::string v = i % 3 ? "same" : Str(i);
    ql.PushFront(v);
    ref.push_front(v);
  }
  ASSERT_EQ(ql.reversed_node_count(), ql.node_count());
  EXPECT_EQ(ql.Remove("same", 700), 700u);  // from the head: rebuilds the node
  for (size_t seen = 0; seen < 700;) {
    auto it = std::find(ref.begin(), ref.end(), "same");
    ref.erase(it);
    ++seen;
  }
  EXPECT_EQ(ql.Remove("same", -600), 600u);  // from the tail
  for (size_t seen = 0; seen < 600; ++seen) {
    auto it = std::find(ref.rbegin(), ref.rend(), "same");
    ref.erase(std::next(it).base());
  }
  EXPECT_EQ(Contents(ql), Contents(ref));
  EXPECT_EQ(ContentsBackward(ql), Contents(ref));
  ExpectValid(ql);
}

// ---- Randomized: every operation mirrored on a std::deque, contents compared as we go. The run
// is a sequence of phases that favour pushes and pops at one end (building runs of reversed or
// forward nodes), middle edits, or draining, so nodes of both orientations meet, split and merge.

enum class Phase { kMixed, kFrontHeavy, kBackHeavy, kMiddle, kDrain, kCount };

enum Op {
  kPushFront, kPushBack, kPopFront, kPopBack, kIndex, kSet, kInsert, kErase, kEraseEnds,
  kRemove, kIndexOf, kWalk, kCopy, kNumOps
};

// Relative weights of the operations per phase.
constexpr int kWeights[static_cast<int>(Phase::kCount)][kNumOps] = {
    // In Op order: push front/back, pop front/back, index, set, insert, erase, erase at the
    // ends, remove, index of, walk, copy.
    {20, 20, 6, 6, 8, 6, 8, 5, 3, 7, 4, 4, 1},    // mixed
    {45, 5, 15, 3, 5, 4, 5, 2, 3, 4, 3, 3, 1},    // front heavy
    {5, 45, 3, 15, 5, 4, 5, 2, 3, 4, 3, 3, 1},    // back heavy
    {6, 6, 3, 3, 10, 15, 25, 6, 2, 10, 5, 5, 1},  // middle
    {5, 5, 22, 22, 5, 3, 3, 10, 12, 8, 2, 2, 1},  // drain
};

void RandomizedAgainstDeque(int fill, uint32_t seed, int steps, size_t* mixed_checks) {
  std::mt19937 rng(seed);
  QuickList ql(fill);
  std::deque<std::string> ref;
  auto rnd = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> pool = {"a", "b", "same", "1", "-5", "300", "70000", "",
                                         std::string(70, 'm'), std::string(5000, 'L')};
  bool small_pool = false;  // phases with few distinct values: many LREM matches per node
  // With byte limits, a third of the values are long enough that a node holds tens of elements
  // and a list of a few hundred spans many nodes.
  const size_t pad = fill < 0 ? (size_t{4096} << (-fill - 1)) / 24 : 0;
  auto value = [&]() -> std::string {
    if (small_pool) return rnd(8) == 0 ? std::to_string(rnd(1000)) : pool[rnd(4)];
    if (pad > 0 && rnd(3) == 0) return std::string(pad + rnd(50), 'p') + std::to_string(rnd(100));
    if (rnd(4) == 0) return pool[rnd(pool.size())];
    return std::to_string(rnd(100000));
  };
  auto any_index = [&]() -> int64_t {  // valid or not, positive or negative
    const int64_t n = static_cast<int64_t>(ref.size()) + 2;
    return static_cast<int64_t>(rnd(static_cast<size_t>(2 * n))) - n;
  };
  auto check_all = [&](int step) {
    std::string why;
    ASSERT_TRUE(ql.Verify(&why)) << why << " at step " << step;
    ASSERT_EQ(Contents(ql), Contents(ref)) << "step " << step;
    ASSERT_EQ(ContentsBackward(ql), Contents(ref)) << "step " << step;
    const size_t rev = ql.reversed_node_count();
    if (rev > 0 && rev < ql.node_count()) ++*mixed_checks;
  };
  Phase phase = Phase::kMixed;
  int phase_left = 0;
  for (int step = 0; step < steps; ++step) {
    if (phase_left-- <= 0) {
      // Mostly phases that grow the list, so it spans many nodes; drains now and then, and always
      // past a bound that keeps the run fast.
      phase = rnd(8) == 0 || ref.size() > 1500
                  ? Phase::kDrain
                  : static_cast<Phase>(rnd(static_cast<size_t>(Phase::kDrain)));
      phase_left = 50 + static_cast<int>(rnd(600));
      small_pool = rnd(4) == 0;
      check_all(step);
      if (testing::Test::HasFatalFailure()) return;
    }
    const int* w = kWeights[static_cast<int>(phase)];
    int total = 0;
    for (int k = 0; k < kNumOps; ++k) total += w[k];
    int pick = static_cast<int>(rnd(static_cast<size_t>(total)));
    int op = 0;
    while (pick >= w[op]) pick -= w[op++];
    const int64_t n = static_cast<int64_t>(ref.size());
    switch (op) {
      case kPushFront: {
        std::string v = value();
        ql.PushFront(v);
        ref.push_front(v);
        break;
      }
      case kPushBack: {
        std::string v = value();
        ql.PushBack(v);
        ref.push_back(v);
        break;
      }
      case kPopFront:
        if (ref.empty()) break;
        ASSERT_EQ(ql.PopFront(), ref.front()) << "step " << step;
        ref.pop_front();
        break;
      case kPopBack:
        if (ref.empty()) break;
        ASSERT_EQ(ql.PopBack(), ref.back()) << "step " << step;
        ref.pop_back();
        break;
      case kIndex: {
        const int64_t i = any_index();
        const int64_t norm = i < 0 ? i + n : i;
        auto c = ql.At(i);
        ASSERT_EQ(c.valid(), norm >= 0 && norm < n) << i;
        if (c.valid()) {
          ASSERT_EQ(c.value().ToString(), ref[norm]) << "step " << step;
        }
        break;
      }
      case kSet: {
        const int64_t i = any_index();
        const int64_t norm = i < 0 ? i + n : i;
        std::string v = value();
        ASSERT_EQ(ql.Set(i, v), norm >= 0 && norm < n);
        if (norm >= 0 && norm < n) ref[norm] = v;
        break;
      }
      case kInsert: {
        if (ref.empty()) break;
        const size_t i = rnd(ref.size());
        const bool after = rnd(2);
        std::string v = value();
        // Half the time through a negative index, as LINSERT's pivot lookup never does.
        ql.Insert(rnd(2) ? static_cast<int64_t>(i) : static_cast<int64_t>(i) - n, v, after);
        ref.insert(ref.begin() + i + (after ? 1 : 0), v);
        break;
      }
      case kErase: {
        const size_t start = rnd(ref.size() + 3);
        const size_t count = rnd(64) == 0 ? rnd(ref.size() + 3) : rnd(5);
        const size_t expect = start >= ref.size() ? 0 : std::min(count, ref.size() - start);
        ASSERT_EQ(ql.Erase(start, count), expect);
        if (expect) ref.erase(ref.begin() + start, ref.begin() + start + expect);
        break;
      }
      case kEraseEnds: {  // LPOP/RPOP with a count, LTRIM
        if (ref.empty()) break;
        const size_t k = 1 + rnd(std::min<size_t>(ref.size(), rnd(32) == 0 ? 40 : 4));
        const size_t shape = rnd(3);
        if (shape == 0) {
          ASSERT_EQ(ql.Erase(0, k), k);
          ref.erase(ref.begin(), ref.begin() + k);
        } else if (shape == 1) {
          ASSERT_EQ(ql.Erase(ref.size() - k, k), k);
          ref.erase(ref.end() - k, ref.end());
        } else {
          const size_t first = rnd(std::min<size_t>(ref.size(), 4));
          const size_t last = ref.size() - 1 - rnd(std::min<size_t>(ref.size() - first, 4));
          ql.Erase(last + 1, ref.size() - last - 1);
          ql.Erase(0, first);
          ref.erase(ref.begin() + last + 1, ref.end());
          ref.erase(ref.begin(), ref.begin() + first);
        }
        break;
      }
      case kRemove: {
        const std::string v = small_pool || rnd(2) ? pool[rnd(4)] : std::to_string(rnd(100000));
        // Mostly bounded counts from either end; sometimes all (0) or unbounded ones.
        static constexpr int64_t kUnbounded[] = {0, INT64_MIN, INT64_MAX};
        const int64_t bounded = 1 + static_cast<int64_t>(rnd(6));
        const int64_t count = rnd(12) == 0 ? kUnbounded[rnd(3)] : rnd(2) ? bounded : -bounded;
        size_t expect = 0;
        if (count >= 0) {
          for (auto it = ref.begin(); it != ref.end();) {
            if (*it == v && (count == 0 || expect < static_cast<uint64_t>(count))) {
              it = ref.erase(it);
              ++expect;
            } else {
              ++it;
            }
          }
        } else {
          const uint64_t limit = 0 - static_cast<uint64_t>(count);
          for (size_t k = ref.size(); k-- > 0;) {
            if (ref[k] == v && expect < limit) {
              ref.erase(ref.begin() + k);
              ++expect;
            }
          }
        }
        ASSERT_EQ(ql.Remove(v, count), expect) << "step " << step;
        break;
      }
      case kIndexOf: {
        const std::string v = !ref.empty() && rnd(2) ? ref[rnd(ref.size())] : value();
        const auto it = std::find(ref.begin(), ref.end(), v);
        ASSERT_EQ(ql.IndexOf(v), it == ref.end() ? -1 : it - ref.begin()) << "step " << step;
        break;
      }
      case kWalk: {  // LRANGE-style walks across node boundaries, both ways, off either end
        if (ref.empty()) break;
        const int64_t start = static_cast<int64_t>(rnd(ref.size()));
        const int64_t len = static_cast<int64_t>(rnd(60));
        auto c = ql.At(start);
        for (int64_t j = start; j < start + len; ++j, c.Next()) {
          ASSERT_EQ(c.valid(), j < n) << "step " << step;
          if (!c.valid()) break;
          ASSERT_EQ(c.value().ToString(), ref[j]) << "step " << step;
        }
        c = ql.At(start);
        for (int64_t j = start; j > start - len; --j, c.Prev()) {
          ASSERT_EQ(c.valid(), j >= 0) << "step " << step;
          if (!c.valid()) break;
          ASSERT_EQ(c.value().ToString(), ref[j]) << "step " << step;
        }
        break;
      }
      case kCopy: {
        QuickList copy(ql);
        std::string why;
        ASSERT_TRUE(copy.Verify(&why)) << why;
        ASSERT_LE(copy.MemoryUsage(), ql.MemoryUsage());  // a tighter ring, same buffers
        ASSERT_EQ(Contents(copy), Contents(ref));
        ASSERT_EQ(ContentsBackward(copy), Contents(ref));
        ASSERT_EQ(copy.reversed_node_count(), ql.reversed_node_count());
        // The copy is independent of the original.
        copy.PushFront("copy-front");
        copy.PushBack("copy-back");
        if (copy.size() > 2) copy.Set(static_cast<int64_t>(copy.size() / 2), "copy-mid");
        ASSERT_EQ(ql.size(), ref.size());
        if (!ref.empty()) {
          ASSERT_EQ(ql.At(0).value().ToString(), ref.front());
        }
        break;
      }
    }
    ASSERT_EQ(ql.size(), ref.size()) << "step " << step;
    if (step % 97 == 0) {
      check_all(step);
      if (testing::Test::HasFatalFailure()) return;
    }
  }
  check_all(steps);
}

class QuickListRandomTest : public ::testing::TestWithParam<int> {};

TEST_P(QuickListRandomTest, MatchesDeque) {
  size_t mixed_checks = 0;
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    RandomizedAgainstDeque(GetParam(), seed, 20000, &mixed_checks);
    if (HasFatalFailure()) return;
  }
  // The phases must have produced lists holding nodes of both orientations at once.
  EXPECT_GT(mixed_checks, 100u);
}

INSTANTIATE_TEST_SUITE_P(Fills, QuickListRandomTest, ::testing::Values(1, 2, 5, 32, -1, -2, -5),
                         [](const auto& info) {
                           const int f = info.param;
                           return f < 0 ? "minus" + std::to_string(-f) : "plus" + std::to_string(f);
                         });

}  // namespace
}  // namespace cardinal::core
