// Unit tests for StrMap: randomized operation sequences against std::unordered_map across the
// small and large index modes, blob rewrites in place and by reallocation, deep copy, random
// sampling, and the HSCAN cursor guarantees across growth, shrinking and the move to the large
// mode.
#include "core/str_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace cardinal::core {
namespace {

using Model = std::unordered_map<std::string, std::string>;

std::string RandomValue(std::mt19937_64& rng) {
  // Mostly short values, sometimes long enough for multi-byte length varints.
  static const size_t kSizes[] = {0, 1, 3, 8, 15, 30, 60, 127, 128, 300, 20000};
  const size_t n = kSizes[rng() % (sizeof(kSizes) / sizeof(kSizes[0]))];
  std::string v(n, '\0');
  for (auto& c : v) c = static_cast<char>('a' + rng() % 26);
  return v;
}

void ExpectSameContents(const StrMap& m, const Model& model) {
  ASSERT_EQ(m.size(), model.size());
  Model seen;
  m.ForEach([&](std::string_view f, std::string_view v) {
    EXPECT_TRUE(seen.emplace(std::string(f), std::string(v)).second) << "duplicate field " << f;
  });
  EXPECT_EQ(seen, model);
  for (const auto& [f, v] : model) {
    auto got = m.Find(f);
    ASSERT_TRUE(got.has_value()) << f;
    EXPECT_EQ(*got, v);
  }
}

TEST(StrMapTest, Empty) {
  StrMap m;
  EXPECT_EQ(m.size(), 0u);
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(m.Find("a").has_value());
  EXPECT_FALSE(m.Erase("a"));
  EXPECT_EQ(m.Scan(0, [](auto, auto) { FAIL(); }), 0u);
  EXPECT_TRUE(m.CheckInvariants());
  EXPECT_EQ(m.MemoryUsage(), sizeof(StrMap));
}

TEST(StrMapTest, SetReportsInsertOrOverwrite) {
  StrMap m;
  EXPECT_TRUE(m.Set("f", "v1"));
  EXPECT_FALSE(m.Set("f", "v2"));
  EXPECT_EQ(*m.Find("f"), "v2");
  EXPECT_TRUE(m.Set("", ""));
  EXPECT_EQ(*m.Find(""), "");
  EXPECT_TRUE(m.Set(std::string_view("a\0b", 3), std::string_view("\0\r\n", 3)));
  EXPECT_EQ(*m.Find(std::string_view("a\0b", 3)), std::string_view("\0\r\n", 3));
  EXPECT_FALSE(m.Find("a").has_value());
  EXPECT_EQ(m.size(), 3u);
  EXPECT_TRUE(m.Erase("f"));
  EXPECT_FALSE(m.Erase("f"));
  EXPECT_EQ(m.size(), 2u);
  EXPECT_TRUE(m.CheckInvariants());
}

TEST(StrMapTest, OverwriteGrowsAndShrinksValues) {
  StrMap m;
  m.Set("field", "x");
  const std::string big(100000, 'b');
  m.Set("field", big);
  EXPECT_EQ(*m.Find("field"), big);
  const size_t with_big = m.MemoryUsage();
  m.Set("field", "small");
  EXPECT_EQ(*m.Find("field"), "small");
  // The big block was given back rather than kept for the small value.
  EXPECT_LT(m.MemoryUsage() + 90000, with_big);
  // Lengths crossing a varint boundary (127 -> 128 bytes) rewrite the header in place.
  m.Set("field", std::string(127, 'x'));
  m.Set("field", std::string(128, 'y'));
  EXPECT_EQ(*m.Find("field"), std::string(128, 'y'));
  m.Set("field", std::string(126, 'z'));
  EXPECT_EQ(*m.Find("field"), std::string(126, 'z'));
  EXPECT_TRUE(m.CheckInvariants());
}

TEST(StrMapTest, ValueMayAliasTheMap) {
  StrMap m;
  m.Set("a", "first-value");
  m.Set("b", "second");
  m.Set("a", *m.Find("b"));  // the view points into b's blob
  EXPECT_EQ(*m.Find("a"), "second");
  m.Set("b", m.Find("b")->substr(1));  // into the blob being rewritten
  EXPECT_EQ(*m.Find("b"), "econd");
  EXPECT_TRUE(m.CheckInvariants());
}

// Random operations against the model; sizes straddle the small -> large move.
void RandomOps(uint64_t seed, size_t key_space, size_t ops) {
  std::mt19937_64 rng(seed);
  StrMap m;
  Model model;
  for (size_t i = 0; i < ops; ++i) {
    const std::string f = "field:" + std::to_string(rng() % key_space);
    const unsigned op = rng() % 10;
    if (op < 6) {
      const std::string v = RandomValue(rng);
      const bool inserted = model.insert_or_assign(f, v).second;
      ASSERT_EQ(m.Set(f, v), inserted) << f;
    } else if (op < 9) {
      ASSERT_EQ(m.Erase(f), model.erase(f) == 1) << f;
    } else {
      auto it = model.find(f);
      auto got = m.Find(f);
      ASSERT_EQ(got.has_value(), it != model.end());
      if (got) {
        ASSERT_EQ(*got, it->second);
      }
    }
    if (i % 997 == 0) {
      ASSERT_TRUE(m.CheckInvariants()) << "op " << i;
    }
  }
  ASSERT_TRUE(m.CheckInvariants());
  ExpectSameContents(m, model);
  // Drain: the map keeps working down to empty.
  for (const auto& [f, v] : Model(model)) ASSERT_TRUE(m.Erase(f));
  EXPECT_EQ(m.size(), 0u);
  EXPECT_TRUE(m.CheckInvariants());
}

TEST(StrMapTest, RandomOpsSmall) { RandomOps(1, 50, 20000); }
TEST(StrMapTest, RandomOpsAroundModeSwitch) { RandomOps(2, 900, 40000); }
TEST(StrMapTest, RandomOpsLarge) { RandomOps(3, 20000, 120000); }

TEST(StrMapTest, GrowthAndShrinkKeepContents) {
  StrMap m;
  Model model;
  for (int i = 0; i < 700; ++i) {
    const std::string f = "f" + std::to_string(i);
    m.Set(f, std::to_string(i));
    model[f] = std::to_string(i);
  }
  EXPECT_FALSE(m.is_large());
  for (int i = 0; i < 690; ++i) {
    const std::string f = "f" + std::to_string(i);
    m.Erase(f);
    model.erase(f);
    if (i % 50 == 0) {
      ASSERT_TRUE(m.CheckInvariants());
    }
  }
  ExpectSameContents(m, model);
  EXPECT_LT(m.MemoryUsage(), 1024u);  // the array shrank with the contents
  for (int i = 0; i < 2000; ++i) {
    const std::string f = "g" + std::to_string(i);
    m.Set(f, "v");
    model[f] = "v";
  }
  EXPECT_TRUE(m.is_large());
  EXPECT_TRUE(m.CheckInvariants());
  ExpectSameContents(m, model);
}

TEST(StrMapTest, ReserveSizesOnce) {
  StrMap a;
  a.Reserve(513);
  EXPECT_FALSE(a.is_large());
  StrMap b;
  b.Reserve(5000);
  EXPECT_TRUE(b.is_large());
  for (int i = 0; i < 513; ++i) a.Set(std::to_string(i), "x");
  EXPECT_TRUE(a.CheckInvariants());
  EXPECT_EQ(a.size(), 513u);
}

TEST(StrMapTest, CopyIsDeep) {
  for (int n : {0, 3, 600, 5000}) {
    StrMap m;
    for (int i = 0; i < n; ++i) m.Set("k" + std::to_string(i), std::string(i % 70, 'v'));
    StrMap c(m);
    EXPECT_TRUE(c.CheckInvariants());
    EXPECT_EQ(c.size(), m.size());
    // Usable block sizes may differ by allocator history; the totals stay close.
    EXPECT_NEAR(static_cast<double>(c.MemoryUsage()), static_cast<double>(m.MemoryUsage()),
                0.05 * static_cast<double>(m.MemoryUsage()))
        << n;
    for (int i = 0; i < n; ++i) {
      const std::string f = "k" + std::to_string(i);
      ASSERT_EQ(*c.Find(f), *m.Find(f));
    }
    m.Set("k0", "changed");
    m.Set("new", "x");
    if (n > 0) {
      EXPECT_EQ(*c.Find("k0"), "");
    }
    EXPECT_FALSE(c.Contains("new"));
  }
}

TEST(StrMapTest, MemoryUsageTracksContents) {
  StrMap m;
  const size_t empty = m.MemoryUsage();
  for (int i = 0; i < 100000; ++i) m.Set("field:" + std::to_string(i), "value");
  const size_t full = m.MemoryUsage();
  // One blob (~20 B, one allocator class) plus ~8-12 B of index per field.
  EXPECT_GT(full, empty + 100000 * 20);
  EXPECT_LT(full, empty + 100000 * 48);
  for (int i = 0; i < 100000; ++i) m.Erase("field:" + std::to_string(i));
  EXPECT_TRUE(m.CheckInvariants());
  // Blobs are all gone; the large index keeps its segments (it never shrinks).
  EXPECT_LT(m.MemoryUsage(), full / 2);
}

TEST(StrMapTest, RandomElementCoversAllFields) {
  for (int n : {1, 7, 100, 3000}) {
    StrMap m;
    for (int i = 0; i < n; ++i) m.Set("f" + std::to_string(i), "v" + std::to_string(i));
    std::mt19937_64 rng(n);
    std::unordered_map<std::string, int> hits;
    const int draws = n * 40;
    for (int i = 0; i < draws; ++i) {
      auto [f, v] = m.RandomElement(rng());
      ASSERT_EQ(*m.Find(f), v);
      hits[std::string(f)]++;
    }
    // Roughly uniform: every field drawn at least once with 40 draws each on average
    // (probability of a miss ~ e^-40 per field).
    EXPECT_EQ(hits.size(), static_cast<size_t>(n));
  }
}

TEST(StrMapTest, RandomElementOnSparseSmallArray) {
  StrMap m;
  for (int i = 0; i < 600; ++i) m.Set("f" + std::to_string(i), "v");
  for (int i = 1; i < 600; ++i) m.Erase("f" + std::to_string(i));
  std::mt19937_64 rng(5);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(m.RandomElement(rng()).first, "f0");
}

// Runs a full scan; `between` is called after each step (to mutate the map).
template <class Fn>
std::vector<std::string> FullScan(const StrMap& m, Fn&& between, size_t max_steps = 10000000) {
  std::vector<std::string> out;
  uint64_t cursor = 0;
  for (size_t steps = 0; steps < max_steps; ++steps) {
    cursor = m.Scan(cursor, [&](std::string_view f, std::string_view) { out.emplace_back(f); });
    if (cursor == 0) return out;
    between();
  }
  ADD_FAILURE() << "scan did not finish";
  return out;
}

TEST(StrMapTest, ScanReturnsEveryFieldExactlyOnce) {
  for (int n : {1, 2, 3, 10, 100, 700, 769, 1000, 50000}) {
    StrMap m;
    std::unordered_set<std::string> model;
    for (int i = 0; i < n; ++i) {
      m.Set("f" + std::to_string(i), "v");
      model.insert("f" + std::to_string(i));
    }
    auto got = FullScan(m, [] {});
    EXPECT_EQ(got.size(), model.size()) << n;
    EXPECT_EQ(std::unordered_set<std::string>(got.begin(), got.end()), model) << n;
  }
}

TEST(StrMapTest, ScanSurvivesGrowthAndModeSwitch) {
  // Fields present for the whole scan are reported; growth (small array doubling, the move to
  // the large mode, segment splits) never repeats them.
  StrMap m;
  std::unordered_set<std::string> stable;
  for (int i = 0; i < 20; ++i) {
    m.Set("s" + std::to_string(i), "v");
    stable.insert("s" + std::to_string(i));
  }
  int added = 0;
  auto got = FullScan(m, [&] {
    for (int j = 0; j < 7 && added < 3000; ++j) m.Set("n" + std::to_string(added++), "v");
  });
  EXPECT_TRUE(m.is_large());
  std::map<std::string, int> count;
  for (const auto& f : got) count[f]++;
  for (const auto& f : stable) EXPECT_EQ(count[f], 1) << f;
  for (const auto& [f, c] : count) EXPECT_EQ(c, 1) << f;
}

TEST(StrMapTest, ScanSurvivesShrink) {
  StrMap m;
  std::unordered_set<std::string> stable;
  for (int i = 0; i < 700; ++i) m.Set("d" + std::to_string(i), "v");
  for (int i = 0; i < 10; ++i) {
    m.Set("s" + std::to_string(i), "v");
    stable.insert("s" + std::to_string(i));
  }
  int removed = 0;
  auto got = FullScan(m, [&] {
    for (int j = 0; j < 40 && removed < 700; ++j) m.Erase("d" + std::to_string(removed++));
  });
  std::unordered_set<std::string> seen(got.begin(), got.end());
  for (const auto& f : stable) EXPECT_TRUE(seen.count(f)) << f;  // at least once
}

TEST(StrMapTest, ScanAcceptsAnyCursor) {
  StrMap m;
  for (int i = 0; i < 10; ++i) m.Set("f" + std::to_string(i), "v");
  std::mt19937_64 rng(9);
  for (int i = 0; i < 1000; ++i) {
    uint64_t c = rng();
    for (int steps = 0; c != 0 && steps < 2000; ++steps) c = m.Scan(c, [](auto, auto) {});
    EXPECT_EQ(c, 0u);
  }
  for (int i = 0; i < 5000; ++i) m.Set("g" + std::to_string(i), "v");
  for (int i = 0; i < 200; ++i) {
    uint64_t c = rng();
    for (int steps = 0; c != 0 && steps < 100000; ++steps) c = m.Scan(c, [](auto, auto) {});
    EXPECT_EQ(c, 0u);
  }
}

}  // namespace
}  // namespace cardinal::core
