// Unit tests for ZSet (randomized against std::set<pair<double, string>> + map, sequential loads,
// rank/select/range bounds, in-place and moving score updates, rank-range erasure, deep copy,
// scan exactly-once, memory accounting) and for the listpack sorted-set helpers (zlp).
#include "core/zset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace cardinal::core {
namespace {

using Model = std::set<std::pair<double, std::string>>;

// Redis's order: score, then member bytes (memcmp, prefix first); std::string's operator< on
// char compares signed chars on x86, so compare as unsigned.
struct ModelLess {
  bool operator()(const std::pair<double, std::string>& a,
                  const std::pair<double, std::string>& b) const {
    if (a.first != b.first) return a.first < b.first;
    return std::string_view(a.second).compare(b.second) < 0;
  }
};
using OrderedModel = std::set<std::pair<double, std::string>, ModelLess>;

std::vector<std::pair<double, std::string>> Dump(const ZSet& z) {
  std::vector<std::pair<double, std::string>> out;
  for (auto it = z.begin(); it.valid(); it.Next()) out.emplace_back(it.score(), it.member());
  return out;
}

std::string RandomMember(std::mt19937_64& rng, int universe) {
  std::string m = "m" + std::to_string(rng() % universe);
  if (rng() % 8 == 0) m.push_back(static_cast<char>(0x80 + rng() % 100));  // high bytes sort last
  if (rng() % 16 == 0) m.append(200, 'x');                                  // multi-byte length
  return m;
}

double RandomScore(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: return static_cast<double>(rng() % 5);  // many ties: order by member
    case 1: return std::numeric_limits<double>::infinity();
    case 2: return -std::numeric_limits<double>::infinity();
    default: return static_cast<double>(static_cast<int64_t>(rng() % 2000) - 1000) / 7.0;
  }
}

TEST(ZSetTest, Empty) {
  ZSet z;
  EXPECT_EQ(z.size(), 0u);
  EXPECT_FALSE(z.begin().valid());
  EXPECT_EQ(z.Rank("a"), -1);
  double s;
  EXPECT_FALSE(z.Score("a", &s));
  EXPECT_FALSE(z.Erase("a"));
  EXPECT_EQ(z.CountScoreBelow(1, true), 0u);
  EXPECT_EQ(z.CountLexBelow("a", true), 0u);
  EXPECT_EQ(z.Scan(0, 10000, [](std::string_view, double) { FAIL(); }), 0u);
  EXPECT_TRUE(z.CheckInvariants());
}

TEST(ZSetTest, BasicOrderAndRanks) {
  ZSet z;
  z.Insert("b", 1);
  z.Insert("a", 1);
  z.Insert("c", 0.5);
  z.Insert("", 1);
  z.Insert("ab", 1);
  auto d = Dump(z);
  std::vector<std::pair<double, std::string>> want = {
      {0.5, "c"}, {1, ""}, {1, "a"}, {1, "ab"}, {1, "b"}};
  EXPECT_EQ(d, want);
  EXPECT_EQ(z.Rank("c"), 0);
  EXPECT_EQ(z.Rank(""), 1);
  EXPECT_EQ(z.Rank("b"), 4);
  EXPECT_EQ(z.CountScoreBelow(1, false), 1u);
  EXPECT_EQ(z.CountScoreBelow(1, true), 5u);
  EXPECT_EQ(z.At(3).member(), "ab");
  EXPECT_TRUE(z.CheckInvariants());
}

TEST(ZSetTest, NegativeZeroKeepsItsSign) {
  ZSet z;
  z.Insert("a", -0.0);
  z.Insert("b", 0.0);
  double s = 1;
  ASSERT_TRUE(z.Score("a", &s));
  EXPECT_TRUE(std::signbit(s));
  EXPECT_EQ(z.Rank("b"), 1);  // -0 == 0: ordered by member
  EXPECT_TRUE(z.UpdateScore("b", -0.0));
  ASSERT_TRUE(z.Score("b", &s));
  EXPECT_TRUE(std::signbit(s));
  EXPECT_TRUE(z.CheckInvariants());
}

// Random operations against the model; invariants checked periodically.
void RunRandom(uint64_t seed, int ops, int universe) {
  std::mt19937_64 rng(seed);
  ZSet z;
  OrderedModel model;
  std::unordered_map<std::string, double> scores;
  for (int op = 0; op < ops; ++op) {
    const std::string m = RandomMember(rng, universe);
    const unsigned r = rng() % 100;
    if (r < 45) {
      const double s = RandomScore(rng);
      auto it = scores.find(m);
      if (it == scores.end()) {
        z.Insert(m, s);
        model.insert({s, m});
        scores[m] = s;
      } else {
        ASSERT_TRUE(z.UpdateScore(m, s));
        model.erase({it->second, m});
        model.insert({s, m});
        it->second = s;
      }
    } else if (r < 55) {
      // Small increments mostly stay in place.
      auto it = scores.find(m);
      if (it != scores.end() && std::isfinite(it->second)) {
        const double s = it->second + 0.001;
        ASSERT_TRUE(z.UpdateScore(m, s));
        model.erase({it->second, m});
        model.insert({s, m});
        it->second = s;
      }
    } else if (r < 80) {
      const bool present = scores.count(m) != 0;
      ASSERT_EQ(z.Erase(m), present);
      if (present) {
        model.erase({scores[m], m});
        scores.erase(m);
      }
    } else if (r < 83 && !model.empty()) {
      // Erase a rank range.
      const size_t a = rng() % model.size();
      const size_t b = a + rng() % 70;
      z.EraseRanks(a, b);
      auto first = std::next(model.begin(), static_cast<long>(a));
      auto last = first;
      for (size_t k = a; k < b && last != model.end(); ++k) ++last;
      for (auto it = first; it != last; ++it) scores.erase(it->second);
      model.erase(first, last);
    } else if (r < 90) {
      const auto it = scores.find(m);
      int64_t want = -1;
      if (it != scores.end()) {
        want = std::distance(model.begin(), model.find({it->second, m}));
      }
      ASSERT_EQ(z.Rank(m), want) << m;
      double s;
      ASSERT_EQ(z.Score(m, &s), it != scores.end());
      if (it != scores.end()) {
        ASSERT_EQ(s, it->second);
      }
    } else if (r < 95) {
      const double s = RandomScore(rng);
      size_t lt = 0, le = 0;
      for (const auto& [es, em] : model) {
        if (es < s) ++lt;
        if (es <= s) ++le;
      }
      ASSERT_EQ(z.CountScoreBelow(s, false), lt);
      ASSERT_EQ(z.CountScoreBelow(s, true), le);
    } else if (!model.empty()) {
      const size_t rank = rng() % model.size();
      auto mit = std::next(model.begin(), static_cast<long>(rank));
      ZSet::Iterator it = z.At(rank);
      ASSERT_TRUE(it.valid());
      for (int k = 0; k < 100 && mit != model.end(); ++k, ++mit, it.Next()) {
        ASSERT_TRUE(it.valid());
        ASSERT_EQ(it.score(), mit->first);
        ASSERT_EQ(it.member(), mit->second);
      }
      // Backwards from the same rank.
      it = z.At(rank);
      auto rit = std::next(model.begin(), static_cast<long>(rank));
      for (int k = 0; k < 100; ++k) {
        ASSERT_TRUE(it.valid());
        ASSERT_EQ(it.member(), rit->second);
        if (rit == model.begin()) {
          it.Prev();
          ASSERT_FALSE(it.valid());
          break;
        }
        --rit;
        it.Prev();
      }
    }
    ASSERT_EQ(z.size(), model.size());
    if (op % 997 == 0) {
      ASSERT_TRUE(z.CheckInvariants()) << "op " << op;
    }
  }
  ASSERT_TRUE(z.CheckInvariants());
  auto d = Dump(z);
  ASSERT_EQ(d.size(), model.size());
  ASSERT_TRUE(std::equal(d.begin(), d.end(), model.begin()));
  // Deep copy is equal and independent.
  ZSet copy(z);
  ASSERT_TRUE(copy.CheckInvariants());
  ASSERT_EQ(Dump(copy), d);
  if (!model.empty()) {
    const std::string first = model.begin()->second;
    ASSERT_TRUE(copy.Erase(first));
    double s;
    ASSERT_TRUE(z.Score(first, &s));
  }
}

TEST(ZSetTest, RandomSmallUniverse) { RunRandom(1, 20000, 50); }
TEST(ZSetTest, RandomMediumUniverse) { RunRandom(2, 60000, 3000); }
TEST(ZSetTest, RandomLargeUniverse) { RunRandom(3, 60000, 100000); }

TEST(ZSetTest, LexCounts) {
  ZSet z;
  OrderedModel model;
  std::mt19937_64 rng(9);
  for (int i = 0; i < 3000; ++i) {
    std::string m = RandomMember(rng, 5000);
    double s;
    if (z.Score(m, &s)) continue;
    z.Insert(m, 7);
    model.insert({7, m});
  }
  for (int i = 0; i < 500; ++i) {
    const std::string probe = RandomMember(rng, 6000);
    size_t lt = 0, le = 0;
    for (const auto& [s, m] : model) {
      if (std::string_view(m).compare(probe) < 0) ++lt;
      if (std::string_view(m).compare(probe) <= 0) ++le;
    }
    ASSERT_EQ(z.CountLexBelow(probe, false), lt) << probe;
    ASSERT_EQ(z.CountLexBelow(probe, true), le) << probe;
  }
  EXPECT_EQ(z.CountLexBelow("", false), 0u);
}

TEST(ZSetTest, SequentialLoadsFillLeaves) {
  // Ascending and descending loads take the sequential split path: memory stays close to the
  // minimum (node + ~17 B of leaf + index) per element.
  for (bool ascending : {true, false}) {
    ZSet z;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
      const int v = ascending ? i : n - i;
      z.Insert("member:" + std::to_string(v), v);
    }
    ASSERT_TRUE(z.CheckInvariants());
    const double per = static_cast<double>(z.MemoryUsage()) / n;
    // node ~24 B + leaf 16.5 B + index ~11 B + inner nodes
    EXPECT_LT(per, 60.0) << (ascending ? "ascending" : "descending");
    EXPECT_EQ(z.Rank("member:150000"), ascending ? 150000 : 149999);
  }
}

TEST(ZSetTest, ShrinkingKeepsMemoryBounded) {
  ZSet z;
  const int n = 100000;
  for (int i = 0; i < n; ++i) z.Insert(std::to_string(i), i);
  const size_t full = z.MemoryUsage();
  // Delete 7 of every 8 elements, scattered.
  for (int i = 0; i < n; ++i) {
    if (i % 8 != 0) {
      ASSERT_TRUE(z.Erase(std::to_string(i)));
    }
  }
  ASSERT_TRUE(z.CheckInvariants());
  EXPECT_EQ(z.size(), static_cast<size_t>(n / 8));
  // Tree nodes stay at least ~1/4 full; the index keeps its segments (it never shrinks), so the
  // total falls to ~half, not to 1/8.
  EXPECT_LT(z.MemoryUsage(), full * 6 / 10);
  for (int i = 0; i < n; i += 8) ASSERT_TRUE(z.Erase(std::to_string(i)));
  EXPECT_EQ(z.size(), 0u);
  ASSERT_TRUE(z.CheckInvariants());
}

TEST(ZSetTest, EraseRanksWholeAndEnds) {
  ZSet z;
  for (int i = 0; i < 1000; ++i) z.Insert("k" + std::to_string(i), i);
  z.EraseRanks(0, 10);
  EXPECT_EQ(z.begin().member(), "k10");
  z.EraseRanks(z.size() - 10, z.size() + 5);
  EXPECT_EQ(z.At(z.size() - 1).member(), "k989");
  z.EraseRanks(5, 5);
  EXPECT_EQ(z.size(), 980u);
  ASSERT_TRUE(z.CheckInvariants());
  z.EraseRanks(0, z.size());
  EXPECT_EQ(z.size(), 0u);
  EXPECT_TRUE(z.CheckInvariants());
  z.Insert("again", 1);
  EXPECT_EQ(z.Rank("again"), 0);
}

TEST(ZSetTest, ScanReturnsEachMemberOnceAcrossGrowth) {
  ZSet z;
  for (int i = 0; i < 5000; ++i) z.Insert("s" + std::to_string(i), i);
  std::map<std::string, int> seen;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = z.Scan(cursor, 7, [&](std::string_view m, double) { ++seen[std::string(m)]; });
    // Grow during the scan: the original members are still reported exactly once.
    if (calls < 300) z.Insert("new" + std::to_string(calls), -1);
    ++calls;
    ASSERT_LT(calls, 1000000);
  } while (cursor != 0);
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(seen["s" + std::to_string(i)], 1) << i;
  for (const auto& [m, c] : seen) ASSERT_EQ(c, 1) << m;
}

TEST(ZSetTest, UpdateScoreMovesAcrossLeaves) {
  ZSet z;
  for (int i = 0; i < 1000; ++i) z.Insert("e" + std::to_string(i), i);
  ASSERT_TRUE(z.UpdateScore("e0", 5000));
  EXPECT_EQ(z.Rank("e0"), 999);
  ASSERT_TRUE(z.UpdateScore("e999", -1));
  EXPECT_EQ(z.Rank("e999"), 0);
  ASSERT_TRUE(z.UpdateScore("e500", 500.5));  // in place
  EXPECT_EQ(z.Rank("e500"), 500);
  EXPECT_FALSE(z.UpdateScore("nope", 1));
  EXPECT_TRUE(z.CheckInvariants());
}

TEST(ZSetTest, MemoryAccountingTracksNodes) {
  ZSet z;
  const size_t empty = z.MemoryUsage();
  z.Insert(std::string(1000, 'x'), 1);
  EXPECT_GE(z.MemoryUsage(), empty + 1000);
  ASSERT_TRUE(z.Erase(std::string(1000, 'x')));
  EXPECT_TRUE(z.CheckInvariants());
}

// ---------------------------------------------------------------------------------------------
// Listpack helpers

class ZlpTest : public ::testing::Test {
 protected:
  ZlpTest() : buf_(Listpack::NewBuffer()) {}
  ~ZlpTest() override { Listpack::FreeBuffer(buf_); }
  Listpack lp() { return Listpack(buf_); }
  void Insert(std::string_view m, double s) {
    Listpack l(buf_);
    zlp::Insert(&l, m, s);
    buf_ = l.data();
  }
  std::vector<std::pair<double, std::string>> Dump() {
    std::vector<std::pair<double, std::string>> out;
    Listpack l(buf_);
    for (auto p = l.First(); p != Listpack::kNpos;) {
      auto sp = l.Next(p);
      out.emplace_back(zlp::ScoreAt(l, sp), l.Get(p).ToString());
      p = l.Next(sp);
    }
    return out;
  }
  uint8_t* buf_;
};

TEST_F(ZlpTest, ScoresRoundTripExactly) {
  const double values[] = {0.1, 1.5, -2.25, 1e300, -1e-300, 5e-324, 3, -7, 9007199254740993.0,
                           1e20, std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(), 0.30000000000000004};
  int i = 0;
  for (double v : values) Insert("m" + std::to_string(i++), v);
  auto d = Dump();
  ASSERT_EQ(d.size(), std::size(values));
  std::multiset<double> want(std::begin(values), std::end(values));
  std::multiset<double> got;
  for (auto& [s, m] : d) got.insert(s);
  EXPECT_EQ(got, want);
  for (size_t k = 1; k < d.size(); ++k) EXPECT_LE(d[k - 1].first, d[k].first);
}

TEST_F(ZlpTest, NegativeZeroStoredAsZero) {
  Insert("a", -0.0);
  double s = 1;
  ASSERT_NE(zlp::Find(lp(), "a", &s), Listpack::kNpos);
  EXPECT_EQ(s, 0.0);
  EXPECT_FALSE(std::signbit(s));
}

TEST_F(ZlpTest, OrderFindErase) {
  std::mt19937_64 rng(5);
  OrderedModel model;
  std::map<std::string, double> scores;
  for (int i = 0; i < 400; ++i) {
    std::string m = RandomMember(rng, 150);
    if (m.size() > 100) m.resize(10);
    double s = RandomScore(rng);
    if (rng() % 3 == 0) m = std::to_string(rng() % 50);  // integer-looking members
    auto it = scores.find(m);
    if (it != scores.end()) {
      Listpack l(buf_);
      double old;
      auto p = zlp::Find(l, m, &old);
      ASSERT_NE(p, Listpack::kNpos);
      ASSERT_EQ(old, it->second);
      zlp::ErasePair(&l, p);
      buf_ = l.data();
      model.erase({old, m});
      scores.erase(it);
      continue;
    }
    Insert(m, s);
    model.insert({s, m});
    scores[m] = s;
  }
  auto d = Dump();
  ASSERT_EQ(d.size(), model.size());
  EXPECT_TRUE(std::equal(d.begin(), d.end(), model.begin()));
  EXPECT_EQ(zlp::Length(lp()), model.size());
}

}  // namespace
}  // namespace cardinal::core
