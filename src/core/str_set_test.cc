#include "core/str_set.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace cardinal::core {
namespace {

std::multiset<std::string> Members(const StrSet& s) {
  std::multiset<std::string> out;
  s.ForEach([&](std::string_view m) { out.emplace(m); });
  return out;
}

std::string Key(size_t i) { return "member:" + std::to_string(i); }

// Runs a whole SSCAN (bounded) and returns every member reported, with repeats.
std::multiset<std::string> FullScan(const StrSet& s, size_t* steps = nullptr) {
  std::multiset<std::string> out;
  uint64_t cursor = 0;
  size_t n = 0;
  do {
    cursor = s.ScanStep(cursor, [&](std::string_view m) { out.emplace(m); });
    ++n;
  } while (cursor != 0 && n < 10'000'000);
  EXPECT_EQ(cursor, 0u);
  if (steps != nullptr) *steps = n;
  return out;
}

TEST(StrSet, Empty) {
  StrSet s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_FALSE(s.Contains(""));
  EXPECT_FALSE(s.Erase("x"));
  EXPECT_EQ(s.MemoryUsage(), sizeof(StrSet));
  EXPECT_TRUE(FullScan(s).empty());
}

TEST(StrSet, BinarySafeMembersOfEveryLength) {
  StrSet s;
  const std::vector<std::string> members = {"",
                                            "a",
                                            std::string("\0b\r\n", 4),
                                            std::string(254, 'x'),
                                            std::string(255, 'y'),
                                            std::string(256, 'z'),
                                            std::string(100000, '\xff')};
  for (const auto& m : members) EXPECT_TRUE(s.Insert(m));
  for (const auto& m : members) EXPECT_FALSE(s.Insert(m));
  EXPECT_EQ(s.size(), members.size());
  for (const auto& m : members) EXPECT_TRUE(s.Contains(m));
  EXPECT_FALSE(s.Contains(std::string(253, 'x')));
  EXPECT_EQ(Members(s), std::multiset<std::string>(members.begin(), members.end()));
  EXPECT_GE(s.MemoryUsage(), 100000u + 255 + 256 + 254);
  for (const auto& m : members) EXPECT_TRUE(s.Erase(m));
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.MemoryUsage(), sizeof(StrSet));
}

TEST(StrSet, EraseWithViewIntoTheMember) {
  StrSet s;
  s.Insert("hello");
  s.Insert("world");
  std::string_view v = s.RandomMember(42);
  std::string copy(v);
  EXPECT_TRUE(s.Erase(v));  // the view points into the block Erase frees
  EXPECT_FALSE(s.Contains(copy));
  EXPECT_EQ(s.size(), 1u);
}

// Grows through every small capacity into the large mode and shrinks back, checking contents,
// scans and memory accounting on the way.
TEST(StrSet, GrowsIntoLargeModeAndShrinksBack) {
  StrSet s;
  const size_t n = 20000;
  size_t last_mem = s.MemoryUsage();
  for (size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(s.Insert(Key(i)));
    if (i % 997 == 0) {
      ASSERT_GE(s.MemoryUsage(), last_mem);
      last_mem = s.MemoryUsage();
    }
  }
  ASSERT_EQ(s.size(), n);
  for (size_t i = 0; i < n; ++i) ASSERT_TRUE(s.Contains(Key(i))) << i;
  auto scanned = FullScan(s);
  ASSERT_EQ(scanned.size(), n);
  ASSERT_EQ(scanned, Members(s));
  // Index bytes per member (beyond the member blocks, whose size is the allocator's): ~10 B.
  size_t blocks = 0;
  for (size_t i = 0; i < n; ++i) {
    void* probe = std::malloc(Key(i).size() + 1);
    blocks += malloc_usable_size(probe);
    std::free(probe);
  }
  const double index_per_member =
      static_cast<double>(s.MemoryUsage() - blocks) / static_cast<double>(n);
  EXPECT_LT(index_per_member, 16.0);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(s.Erase(Key(i)));
    if (i % 1000 == 0 || i > n - 300) {
      ASSERT_FALSE(s.Contains(Key(i)));
      if (i + 1 < n) {
        ASSERT_TRUE(s.Contains(Key(n - 1)));
      }
    }
  }
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.MemoryUsage(), sizeof(StrSet));
}

TEST(StrSet, RandomizedAgainstUnorderedSet) {
  std::mt19937_64 rng(777);
  for (int round = 0; round < 6; ++round) {
    StrSet s;
    std::unordered_set<std::string> ref;
    // Key spaces around the mode thresholds: small only, across 896/256, deep into large.
    const size_t space = std::vector<size_t>{20, 1200, 3000, 600, 50000, 10}[round];
    const int ops = round == 4 ? 200000 : 30000;
    for (int op = 0; op < ops; ++op) {
      const std::string k = "k" + std::to_string(rng() % space);
      // Phases: mostly insert, then mostly erase, so sizes sweep up and down.
      const bool grow = (op / (ops / 4)) % 2 == 0;
      const unsigned r = static_cast<unsigned>(rng() % 10);
      if (r < (grow ? 6u : 2u)) {
        ASSERT_EQ(s.Insert(k), ref.insert(k).second);
      } else if (r < 8) {
        ASSERT_EQ(s.Erase(k), ref.erase(k) == 1);
      } else {
        ASSERT_EQ(s.Contains(k), ref.count(k) == 1);
      }
      ASSERT_EQ(s.size(), ref.size());
      if (op % 5000 == 0) {
        auto m = Members(s);
        ASSERT_EQ(m, std::multiset<std::string>(ref.begin(), ref.end()));
        ASSERT_EQ(FullScan(s), m);
      }
    }
    ASSERT_EQ(Members(s), std::multiset<std::string>(ref.begin(), ref.end()));
  }
}

TEST(StrSet, CopyIsDeep) {
  for (size_t n : {3u, 500u, 5000u}) {
    StrSet a;
    for (size_t i = 0; i < n; ++i) a.Insert(Key(i));
    StrSet b(a);
    EXPECT_EQ(b.MemoryUsage(), a.MemoryUsage());
    for (size_t i = 0; i < n; i += 2) a.Erase(Key(i));
    a.Insert("only-in-a");
    EXPECT_EQ(b.size(), n);
    for (size_t i = 0; i < n; ++i) ASSERT_TRUE(b.Contains(Key(i)));
    EXPECT_FALSE(b.Contains("only-in-a"));
    EXPECT_EQ(FullScan(b).size(), n);
  }
}

// Every member is drawn, with counts near the mean: small and large modes, and a small index
// left sparse by deletions.
TEST(StrSet, RandomMemberIsRoughlyUniform) {
  std::mt19937_64 rng(99);
  for (size_t n : {1u, 7u, 100u, 3000u}) {
    StrSet s;
    for (size_t i = 0; i < n * 7; ++i) s.Insert(Key(i));
    for (size_t i = n; i < n * 7; ++i) s.Erase(Key(i));
    ASSERT_EQ(s.size(), n);
    std::map<std::string, int> counts;
    const int per = 200;
    for (size_t i = 0; i < n * per; ++i) counts[std::string(s.RandomMember(rng()))]++;
    ASSERT_EQ(counts.size(), n);
    for (const auto& [k, c] : counts) {
      EXPECT_GT(c, per / 2) << k;
      EXPECT_LT(c, per * 2) << k;
    }
  }
}

// SSCAN guarantee: members present for the whole scan are returned at least once even when the
// set grows, shrinks and changes mode between steps; the scan always ends.
TEST(StrSet, ScanSurvivesGrowthShrinkAndModeChanges) {
  std::mt19937_64 rng(4242);
  for (int round = 0; round < 12; ++round) {
    StrSet s;
    const size_t stable = (round % 3 == 0) ? 50 : (round % 3 == 1 ? 400 : 3000);
    for (size_t i = 0; i < stable; ++i) s.Insert("stable" + std::to_string(i));
    size_t churn_id = 0;
    std::vector<std::string> churn;
    std::set<std::string> seen;
    uint64_t cursor = 0;
    size_t steps = 0;
    do {
      cursor = s.ScanStep(cursor, [&](std::string_view m) { seen.emplace(m); });
      // Alternate bursts of inserts and deletes big enough to cross the mode thresholds.
      const bool grow = (steps / 40) % 2 == 0;
      for (int j = 0; j < 30; ++j) {
        if (grow || churn.empty()) {
          churn.push_back("churn" + std::to_string(churn_id++));
          s.Insert(churn.back());
        } else {
          size_t i = rng() % churn.size();
          s.Erase(churn[i]);
          churn[i] = churn.back();
          churn.pop_back();
        }
      }
      ++steps;
    } while (cursor != 0 && steps < 5'000'000);
    ASSERT_EQ(cursor, 0u);
    for (size_t i = 0; i < stable; ++i) {
      ASSERT_TRUE(seen.count("stable" + std::to_string(i))) << "round " << round << " i " << i;
    }
  }
}

TEST(StrSet, ForEachWhileStopsWhenAsked) {
  for (size_t n : {10u, 5000u}) {
    StrSet s;
    for (size_t i = 0; i < n; ++i) s.Insert(Key(i));
    size_t calls = 0;
    EXPECT_FALSE(s.ForEachWhile([&](std::string_view) { return ++calls < 7; }));
    EXPECT_EQ(calls, 7u);
    std::multiset<std::string> all;
    EXPECT_TRUE(s.ForEachWhile([&](std::string_view m) {
      all.emplace(m);
      return true;
    }));
    EXPECT_EQ(all, Members(s));
  }
}

// Without modifications a scan returns each member exactly once, whatever the cursor steps.
TEST(StrSet, ScanWithoutChangesReturnsEachMemberOnce) {
  for (size_t n : {1u, 5u, 896u, 897u, 10000u}) {
    StrSet s;
    for (size_t i = 0; i < n; ++i) s.Insert(Key(i));
    size_t steps = 0;
    auto scanned = FullScan(s, &steps);
    EXPECT_EQ(scanned.size(), n);
    EXPECT_EQ(std::set<std::string>(scanned.begin(), scanned.end()).size(), n);
  }
}

}  // namespace
}  // namespace cardinal::core
