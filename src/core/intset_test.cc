#include "core/intset.h"

#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <set>
#include <vector>

namespace cardinal::core {
namespace {

std::vector<int64_t> Members(const IntSet& s) {
  std::vector<int64_t> out;
  s.ForEach([&](int64_t v) { out.push_back(v); });
  return out;
}

TEST(IntSet, Empty) {
  IntSet s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.Contains(0));
  EXPECT_FALSE(s.Erase(0));
  EXPECT_EQ(s.width(), 2u);
  EXPECT_EQ(s.MemoryUsage(), sizeof(IntSet));
}

TEST(IntSet, InsertKeepsSortedAndUnique) {
  IntSet s;
  EXPECT_TRUE(s.Insert(5));
  EXPECT_TRUE(s.Insert(-3));
  EXPECT_TRUE(s.Insert(10));
  EXPECT_FALSE(s.Insert(5));
  EXPECT_TRUE(s.Insert(0));
  EXPECT_EQ(Members(s), (std::vector<int64_t>{-3, 0, 5, 10}));
  EXPECT_EQ(s.At(0), -3);
  EXPECT_EQ(s.At(3), 10);
  EXPECT_TRUE(s.Contains(0));
  EXPECT_FALSE(s.Contains(1));
}

TEST(IntSet, WidthGrowsToFitAndNeverShrinks) {
  IntSet s;
  s.Insert(1);
  s.Insert(INT16_MAX);
  s.Insert(INT16_MIN);
  EXPECT_EQ(s.width(), 2u);
  s.Insert(INT16_MAX + 1);  // above everything: appended after widening
  EXPECT_EQ(s.width(), 4u);
  s.Insert(int64_t{INT32_MIN} - 1);  // below everything: prepended after widening
  EXPECT_EQ(s.width(), 8u);
  EXPECT_EQ(Members(s),
            (std::vector<int64_t>{int64_t{INT32_MIN} - 1, INT16_MIN, 1, INT16_MAX, INT16_MAX + 1}));
  EXPECT_TRUE(s.Erase(int64_t{INT32_MIN} - 1));
  EXPECT_EQ(s.width(), 8u);
  // A value wider than the width is never a member and is looked up without error.
  IntSet narrow;
  narrow.Insert(7);
  EXPECT_FALSE(narrow.Contains(INT64_MAX));
  EXPECT_FALSE(narrow.Contains(INT64_MIN));
  EXPECT_FALSE(narrow.Erase(INT64_MAX));
}

TEST(IntSet, Int64Bounds) {
  IntSet s;
  EXPECT_TRUE(s.Insert(INT64_MAX));
  EXPECT_TRUE(s.Insert(INT64_MIN));
  EXPECT_TRUE(s.Insert(0));
  EXPECT_EQ(Members(s), (std::vector<int64_t>{INT64_MIN, 0, INT64_MAX}));
  EXPECT_TRUE(s.Contains(INT64_MIN));
  EXPECT_TRUE(s.Contains(INT64_MAX));
}

TEST(IntSet, WidthUpgradeOnEmptySet) {
  IntSet s;
  EXPECT_TRUE(s.Insert(INT64_MAX));
  EXPECT_EQ(s.width(), 8u);
  EXPECT_EQ(Members(s), (std::vector<int64_t>{INT64_MAX}));
  EXPECT_TRUE(s.Erase(INT64_MAX));
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.Insert(-1));
  EXPECT_EQ(Members(s), (std::vector<int64_t>{-1}));
}

TEST(IntSet, EraseAtAndEraseMarked) {
  IntSet s;
  for (int64_t v = 0; v < 10; ++v) s.Insert(v * 10);
  s.EraseAt(0);
  s.EraseAt(8);
  EXPECT_EQ(Members(s), (std::vector<int64_t>{10, 20, 30, 40, 50, 60, 70, 80}));
  std::vector<bool> marks(s.size(), false);
  marks[1] = marks[2] = marks[7] = true;
  s.EraseMarked(marks);
  EXPECT_EQ(Members(s), (std::vector<int64_t>{10, 40, 50, 60, 70}));
  s.EraseMarked(std::vector<bool>(s.size(), true));
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.MemoryUsage(), sizeof(IntSet));
}

TEST(IntSet, CopyIsDeepAndMoveEmptiesSource) {
  IntSet a;
  for (int64_t v : {3, 1, 2, 100000}) a.Insert(v);
  IntSet b(a);
  a.Insert(7);
  a.Erase(1);
  EXPECT_EQ(Members(b), (std::vector<int64_t>{1, 2, 3, 100000}));
  EXPECT_EQ(b.width(), 4u);
  IntSet c(std::move(b));
  EXPECT_EQ(Members(c), (std::vector<int64_t>{1, 2, 3, 100000}));
  EXPECT_TRUE(b.empty());  // NOLINT: moved-from state is specified (empty)
}

TEST(IntSet, MemoryUsageTracksTheArray) {
  IntSet s;
  for (int64_t v = 0; v < 512; ++v) s.Insert(v);
  // 512 members of 2 bytes: the array dominates, within allocator rounding.
  EXPECT_GE(s.MemoryUsage(), sizeof(IntSet) + 1024);
  EXPECT_LE(s.MemoryUsage(), sizeof(IntSet) + 1024 + 256);
  s.Insert(1 << 20);
  EXPECT_GE(s.MemoryUsage(), sizeof(IntSet) + 513 * 4);
}

// Randomized against std::set over value ranges that exercise every width.
TEST(IntSet, RandomizedAgainstStdSet) {
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 20; ++round) {
    IntSet s;
    std::set<int64_t> ref;
    const int64_t ranges[] = {50, 40000, int64_t{1} << 33, INT64_MAX};
    for (int op = 0; op < 3000; ++op) {
      const int64_t range = ranges[(round + op / 1000) % 4];
      int64_t v = static_cast<int64_t>(rng() % static_cast<uint64_t>(range)) - range / 2;
      if (rng() % 5 == 0) v = (rng() & 1) ? INT64_MAX : INT64_MIN;
      switch (rng() % 4) {
        case 0:
        case 1:
          ASSERT_EQ(s.Insert(v), ref.insert(v).second);
          break;
        case 2:
          ASSERT_EQ(s.Erase(v), ref.erase(v) == 1);
          break;
        default:
          ASSERT_EQ(s.Contains(v), ref.count(v) == 1);
          if (!ref.empty()) {
            size_t i = rng() % ref.size();
            ASSERT_EQ(s.At(i), *std::next(ref.begin(), static_cast<long>(i)));
          }
      }
      ASSERT_EQ(s.size(), ref.size());
    }
    ASSERT_EQ(Members(s), std::vector<int64_t>(ref.begin(), ref.end()));
    unsigned want = 2;
    for (int64_t v : ref) want = std::max(want, IntSet::WidthFor(v));
    ASSERT_LE(want, s.width());
  }
}

}  // namespace
}  // namespace cardinal::core
