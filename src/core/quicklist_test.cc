#include "core/quicklist.h"

#include <gtest/gtest.h>

#include <deque>
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

// Randomized: every operation mirrored on a std::deque, contents compared as we go.
void RandomizedAgainstDeque(int fill, uint32_t seed, int steps) {
  std::mt19937 rng(seed);
  QuickList ql(fill);
  std::deque<std::string> ref;
  auto rnd = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> pool = {"a", "b", "same", "1", "-5", "300", "70000", "",
                                         std::string(70, 'm'), std::string(5000, 'L')};
  auto value = [&]() -> std::string {
    if (rnd(4) == 0) return pool[rnd(pool.size())];
    return std::to_string(rnd(100000));
  };
  auto any_index = [&]() -> int64_t {  // valid or not, positive or negative
    const int64_t n = static_cast<int64_t>(ref.size()) + 2;
    return static_cast<int64_t>(rnd(static_cast<size_t>(2 * n))) - n;
  };
  for (int step = 0; step < steps; ++step) {
    const size_t op = rnd(100);
    if (op < 25) {
      std::string v = value();
      ql.PushBack(v);
      ref.push_back(v);
    } else if (op < 45) {
      std::string v = value();
      ql.PushFront(v);
      ref.push_front(v);
    } else if (op < 55) {
      if (ref.empty()) continue;
      if (rnd(2)) {
        ASSERT_EQ(ql.PopFront(), ref.front());
        ref.pop_front();
      } else {
        ASSERT_EQ(ql.PopBack(), ref.back());
        ref.pop_back();
      }
    } else if (op < 65) {
      const int64_t i = any_index();
      const int64_t n = static_cast<int64_t>(ref.size());
      const int64_t norm = i < 0 ? i + n : i;
      auto c = ql.At(i);
      ASSERT_EQ(c.valid(), norm >= 0 && norm < n) << i;
      if (c.valid()) {
        ASSERT_EQ(c.value().ToString(), ref[norm]);
      }
    } else if (op < 73) {
      const int64_t i = any_index();
      const int64_t n = static_cast<int64_t>(ref.size());
      const int64_t norm = i < 0 ? i + n : i;
      std::string v = value();
      ASSERT_EQ(ql.Set(i, v), norm >= 0 && norm < n);
      if (norm >= 0 && norm < n) ref[norm] = v;
    } else if (op < 83) {
      if (ref.empty()) continue;
      const size_t i = rnd(ref.size());
      const bool after = rnd(2);
      std::string v = value();
      ql.Insert(static_cast<int64_t>(i), v, after);
      ref.insert(ref.begin() + i + (after ? 1 : 0), v);
    } else if (op < 90) {
      const size_t start = rnd(ref.size() + 3);
      const size_t count = rnd(4) == 0 ? rnd(ref.size() + 3) : rnd(8);
      const size_t expect = start >= ref.size() ? 0 : std::min(count, ref.size() - start);
      ASSERT_EQ(ql.Erase(start, count), expect);
      if (expect) ref.erase(ref.begin() + start, ref.begin() + start + expect);
    } else if (op < 97) {
      const std::string v = rnd(2) ? pool[rnd(4)] : std::to_string(rnd(100000));
      const int64_t count = static_cast<int64_t>(rnd(7)) - 3;
      size_t expect = 0;
      if (count >= 0) {
        for (auto it = ref.begin(); it != ref.end();) {
          if (*it == v && (count == 0 || expect < static_cast<size_t>(count))) {
            it = ref.erase(it);
            ++expect;
          } else {
            ++it;
          }
        }
      } else {
        for (size_t k = ref.size(); k-- > 0;) {
          if (ref[k] == v && expect < static_cast<size_t>(-count)) {
            ref.erase(ref.begin() + k);
            ++expect;
          }
        }
      }
      ASSERT_EQ(ql.Remove(v, count), expect);
    } else {
      QuickList copy(ql);
      ASSERT_EQ(Contents(copy), Contents(ref));
    }
    ASSERT_EQ(ql.size(), ref.size());
    if (step % 97 == 0) {
      std::string why;
      ASSERT_TRUE(ql.Verify(&why)) << why << " at step " << step;
      ASSERT_EQ(Contents(ql), Contents(ref)) << "step " << step;
      ASSERT_EQ(ContentsBackward(ql), Contents(ref)) << "step " << step;
    }
  }
  ASSERT_EQ(Contents(ql), Contents(ref));
  ExpectValid(ql);
}

class QuickListRandomTest : public ::testing::TestWithParam<int> {};

TEST_P(QuickListRandomTest, MatchesDeque) {
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    RandomizedAgainstDeque(GetParam(), seed, 20000);
    if (HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Fills, QuickListRandomTest, ::testing::Values(1, 2, 5, 32, -1, -2, -5),
                         [](const auto& info) {
                           const int f = info.param;
                           return f < 0 ? "minus" + std::to_string(-f) : "plus" + std::to_string(f);
                         });

}  // namespace
}  // namespace cardinal::core
