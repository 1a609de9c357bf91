// Unit tests for SegmentedTable: model-based random operation sequences under well-distributed
// and deliberately degenerate hash functions (same home slot, same tag, shared long prefix,
// identical hashes), growth, splits, backward-shift deletion, random sampling, the ScanBucket
// exactly-once guarantee across concurrent growth, Clear and move.
#include "core/segmented_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/hash.h"

namespace cardinal::core {
namespace {

struct Entry {
  std::string key;
  int seen = 0;  // Used by the scan tests.
};

struct DefaultTraits {
  static std::string_view Key(const Entry* e) { return e->key; }
};

// All keys share home slot 0: one long Robin Hood cluster per segment.
struct SameHomeTraits {
  static std::string_view Key(const Entry* e) { return e->key; }
  static uint64_t Hash(std::string_view k) { return HashKey(k) & ~uint64_t{1023}; }
};

// All keys share the low 16 bits (home slot and tag): every probe compares keys.
struct SameTagTraits {
  static std::string_view Key(const Entry* e) { return e->key; }
  static uint64_t Hash(std::string_view k) { return (HashKey(k) & ~uint64_t{0xFFFF}) | 0x5A5A; }
};

// Top 40 bits are zero: splits cannot separate keys before the directory cap, so the overflow
// path is exercised.
struct SharedPrefixTraits {
  static std::string_view Key(const Entry* e) { return e->key; }
  static uint64_t Hash(std::string_view k) { return HashKey(k) & ((uint64_t{1} << 24) - 1); }
};

// Every key has the same hash.
struct IdenticalTraits {
  static std::string_view Key(const Entry* e) { return e->key; }
  static uint64_t Hash(std::string_view) { return 0x0123456789ABCDEFULL; }
};

template <class Traits>
uint64_t H(std::string_view k) {
  if constexpr (requires { Traits::Hash(k); }) {
    return Traits::Hash(k);
  } else {
    return HashKey(k);
  }
}

std::string KeyName(size_t i) { return "key:" + std::to_string(i); }

// ---------------------------------------------------------------------------------------------
// Model-based tests over all hash flavors.

template <class Traits>
class SegmentedTableModelTest : public ::testing::Test {};

using AllTraits = ::testing::Types<DefaultTraits, SameHomeTraits, SameTagTraits, SharedPrefixTraits,
                                   IdenticalTraits>;
TYPED_TEST_SUITE(SegmentedTableModelTest, AllTraits);

TYPED_TEST(SegmentedTableModelTest, RandomOperationsMatchModel) {
  using Traits = TypeParam;
  using Table = SegmentedTable<Entry, Traits>;
  // Degenerate hashes make lookups linear in the overflow, so keep those universes smaller.
  const bool slow =
      std::is_same_v<Traits, IdenticalTraits> || std::is_same_v<Traits, SharedPrefixTraits>;
  // Same-home and same-tag hashes make every probe long or a key comparison: fewer operations.
  const bool medium =
      std::is_same_v<Traits, SameHomeTraits> || std::is_same_v<Traits, SameTagTraits>;
  const size_t universe = slow ? 2500 : 30000;
  const size_t ops = slow ? 40000 : medium ? 120000 : 300000;

  for (unsigned prefix_bits : {0u, 7u}) {
    Table table(prefix_bits);
    std::unordered_map<std::string, std::unique_ptr<Entry>> model;
    std::mt19937_64 rng(42 + prefix_bits);
    for (size_t op = 0; op < ops; ++op) {
      const std::string key = KeyName(rng() % universe);
      const uint64_t h = H<Traits>(key);
      auto it = model.find(key);
      Entry* expected = it == model.end() ? nullptr : it->second.get();
      switch (rng() % 8) {
        case 0:
        case 1:
        case 2: {  // Insert (biased so the table grows and splits).
          if (expected == nullptr) {
            auto e = std::make_unique<Entry>(Entry{key});
            table.Insert(e.get(), h);
            model.emplace(key, std::move(e));
          } else {
            ASSERT_EQ(table.Find(key, h), expected);
          }
          break;
        }
        case 3:
        case 4: {  // Erase.
          ASSERT_EQ(table.Erase(key, h), expected);
          if (expected != nullptr) model.erase(it);
          break;
        }
        case 5: {  // Replace.
          auto e = std::make_unique<Entry>(Entry{key});
          ASSERT_EQ(table.Replace(key, h, e.get()), expected != nullptr);
          if (expected != nullptr) it->second = std::move(e);
          break;
        }
        default:
          ASSERT_EQ(table.Find(key, h), expected);
      }
      ASSERT_EQ(table.size(), model.size());
      if (op % 20000 == 0) {
        ASSERT_TRUE(table.CheckInvariants()) << "op " << op;
      }
    }
    ASSERT_TRUE(table.CheckInvariants());
    for (const auto& [key, e] : model) ASSERT_EQ(table.Find(key, H<Traits>(key)), e.get());
    size_t visited = 0;
    table.ForEach([&](Entry* e) {
      ++visited;
      auto it = model.find(e->key);
      ASSERT_TRUE(it != model.end());
      EXPECT_EQ(it->second.get(), e);
    });
    EXPECT_EQ(visited, model.size());
    if constexpr (std::is_same_v<Traits, DefaultTraits>) {
      EXPECT_EQ(table.overflow_size(), 0u);
      EXPECT_GT(table.segment_count(), 8u);
    }
    if constexpr (std::is_same_v<Traits, SharedPrefixTraits> ||
                  std::is_same_v<Traits, IdenticalTraits>) {
      EXPECT_GT(table.overflow_size(), 0u);  // The degenerate path was really exercised.
    }
  }
}

// Insert a batch, erase most of it in random order, checking after each step that every
// remaining key is still findable (backward shift must keep probe chains intact).
TYPED_TEST(SegmentedTableModelTest, BackwardShiftKeepsRemainingKeysFindable) {
  using Traits = TypeParam;
  SegmentedTable<Entry, Traits> table;
  std::vector<std::unique_ptr<Entry>> entries;
  for (size_t i = 0; i < 900; ++i) {
    entries.push_back(std::make_unique<Entry>(Entry{KeyName(i)}));
    table.Insert(entries.back().get(), H<Traits>(entries.back()->key));
  }
  std::mt19937_64 rng(7);
  std::shuffle(entries.begin(), entries.end(), rng);
  for (size_t n = 0; n < 850; ++n) {
    Entry* gone = entries.back().get();
    ASSERT_EQ(table.Erase(gone->key, H<Traits>(gone->key)), gone);
    ASSERT_EQ(table.Find(gone->key, H<Traits>(gone->key)), nullptr);
    entries.pop_back();
    if (n % 5 == 0) {
      for (const auto& e : entries) ASSERT_EQ(table.Find(e->key, H<Traits>(e->key)), e.get());
      ASSERT_TRUE(table.CheckInvariants());
    }
  }
  EXPECT_EQ(table.size(), 50u);
}

// ---------------------------------------------------------------------------------------------

using Table = SegmentedTable<Entry, DefaultTraits>;

std::vector<std::unique_ptr<Entry>> MakeEntries(size_t n, size_t offset = 0) {
  std::vector<std::unique_ptr<Entry>> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i) v.push_back(std::make_unique<Entry>(Entry{KeyName(offset + i)}));
  return v;
}

TEST(SegmentedTableTest, EmptyTable) {
  Table table;
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.segment_count(), 0u);
  EXPECT_EQ(table.MemoryUsage(), 0u);
  EXPECT_EQ(table.Find("a", HashKey("a")), nullptr);
  EXPECT_EQ(table.Erase("a", HashKey("a")), nullptr);
  Entry e{"a"};
  EXPECT_FALSE(table.Replace("a", HashKey("a"), &e));
  EXPECT_EQ(table.RandomElement(123), nullptr);
  EXPECT_TRUE(table.CheckInvariants());
}

TEST(SegmentedTableTest, InsertFindEraseReplace) {
  Table table;
  Entry a{"alpha"}, b{"beta"}, a2{"alpha"};
  table.Insert(&a, HashKey("alpha"));
  table.Insert(&b, HashKey("beta"));
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.segment_count(), 1u);
  EXPECT_EQ(table.Find("alpha", HashKey("alpha")), &a);
  EXPECT_EQ(table.Find("beta", HashKey("beta")), &b);
  EXPECT_EQ(table.Find("gamma", HashKey("gamma")), nullptr);
  EXPECT_TRUE(table.Replace("alpha", HashKey("alpha"), &a2));
  EXPECT_EQ(table.Find("alpha", HashKey("alpha")), &a2);
  EXPECT_EQ(table.Erase("alpha", HashKey("alpha")), &a2);
  EXPECT_EQ(table.Erase("alpha", HashKey("alpha")), nullptr);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.CheckInvariants());
}

TEST(SegmentedTableTest, SplitHappensAtMaxLoadAndKeepsEntries) {
  Table table(5);
  auto entries = MakeEntries(Table::kMaxLoad + 1);
  for (size_t i = 0; i < Table::kMaxLoad; ++i) {
    table.Insert(entries[i].get(), HashKey(entries[i]->key));
  }
  EXPECT_EQ(table.segment_count(), 1u);
  EXPECT_EQ(table.global_depth(), 0u);
  table.Insert(entries.back().get(), HashKey(entries.back()->key));
  EXPECT_EQ(table.segment_count(), 2u);
  EXPECT_EQ(table.global_depth(), 1u);
  EXPECT_TRUE(table.CheckInvariants());
  for (const auto& e : entries) EXPECT_EQ(table.Find(e->key, HashKey(e->key)), e.get());
  // Memory grows by one segment at a time.
  const size_t before = table.MemoryUsage();
  auto more = MakeEntries(3000, 10000);
  size_t segments = table.segment_count();
  for (const auto& e : more) {
    table.Insert(e.get(), HashKey(e->key));
    EXPECT_LE(table.segment_count(), segments + 1);
    segments = table.segment_count();
  }
  EXPECT_GT(table.MemoryUsage(), before);
  EXPECT_TRUE(table.CheckInvariants());
}

TEST(SegmentedTableTest, GrowsToTwoMillionKeys) {
  constexpr size_t kN = 2'000'000;
  Table table;
  auto entries = MakeEntries(kN);
  for (const auto& e : entries) table.Insert(e.get(), HashKey(e->key));
  ASSERT_EQ(table.size(), kN);
  EXPECT_EQ(table.overflow_size(), 0u);
  EXPECT_GE(table.segment_count(), kN / Table::kMaxLoad);
  EXPECT_LE(table.segment_count(), 4 * kN / Table::kMaxLoad);
  // Directory stays small relative to the segments (no runaway depth).
  EXPECT_LE(size_t{1} << table.global_depth(), 16 * table.segment_count());
  const double bytes_per_key = static_cast<double>(table.MemoryUsage()) / kN;
  EXPECT_LT(bytes_per_key, 20.0);
  ASSERT_TRUE(table.CheckInvariants());
  for (const auto& e : entries) ASSERT_EQ(table.Find(e->key, HashKey(e->key)), e.get());
  for (size_t i = 0; i < 1000; ++i) {
    const std::string k = KeyName(kN + i);
    ASSERT_EQ(table.Find(k, HashKey(k)), nullptr);
  }
  // Erase three quarters; the rest must stay findable.
  for (size_t i = 0; i < kN; ++i) {
    if (i % 4 != 0) {
      ASSERT_EQ(table.Erase(entries[i]->key, HashKey(entries[i]->key)), entries[i].get());
    }
  }
  ASSERT_EQ(table.size(), kN / 4);
  for (size_t i = 0; i < kN; ++i) {
    ASSERT_EQ(table.Find(entries[i]->key, HashKey(entries[i]->key)),
              i % 4 == 0 ? entries[i].get() : nullptr);
  }
  ASSERT_TRUE(table.CheckInvariants());
}

TEST(SegmentedTableTest, RandomElementReturnsMembersRoughlyUniformly) {
  Table table;
  auto entries = MakeEntries(100);
  for (const auto& e : entries) table.Insert(e.get(), HashKey(e->key));
  std::unordered_map<Entry*, int> hits;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 20000; ++i) {
    Entry* e = table.RandomElement(rng());
    ASSERT_NE(e, nullptr);
    ASSERT_EQ(table.Find(e->key, HashKey(e->key)), e);
    ++hits[e];
  }
  EXPECT_EQ(hits.size(), 100u);
  for (const auto& [e, n] : hits) {
    EXPECT_GT(n, 80) << e->key;  // Expected 200 each.
    EXPECT_LT(n, 400) << e->key;
  }
}

TEST(SegmentedTableTest, RandomElementWorksWhenSparse) {
  Table table;
  auto entries = MakeEntries(200000);
  for (const auto& e : entries) table.Insert(e.get(), HashKey(e->key));
  for (size_t i = 3; i < entries.size(); ++i)
    table.Erase(entries[i]->key, HashKey(entries[i]->key));
  ASSERT_EQ(table.size(), 3u);
  std::unordered_set<Entry*> seen;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 300; ++i) {
    Entry* e = table.RandomElement(rng());
    ASSERT_TRUE(e == entries[0].get() || e == entries[1].get() || e == entries[2].get());
    seen.insert(e);
  }
  EXPECT_EQ(seen.size(), 3u);
  for (size_t i = 0; i < 3; ++i) table.Erase(entries[i]->key, HashKey(entries[i]->key));
  EXPECT_EQ(table.RandomElement(rng()), nullptr);
}

TEST(SegmentedTableTest, RandomElementIncludesOverflowEntries) {
  SegmentedTable<Entry, IdenticalTraits> table;
  auto entries = MakeEntries(1500);
  for (const auto& e : entries) table.Insert(e.get(), IdenticalTraits::Hash(e->key));
  ASSERT_GT(table.overflow_size(), 0u);
  std::unordered_set<Entry*> seen;
  std::mt19937_64 rng(5);
  for (int i = 0; i < 100000; ++i) seen.insert(table.RandomElement(rng()));
  EXPECT_EQ(seen.size(), entries.size());
}

TEST(SegmentedTableTest, ClearCallsBackOncePerEntryAndFreesMemory) {
  Table table;
  std::vector<Entry*> raw;
  for (size_t i = 0; i < 5000; ++i) {
    raw.push_back(new Entry{KeyName(i)});
    table.Insert(raw.back(), HashKey(raw.back()->key));
  }
  std::unordered_set<Entry*> freed;
  table.Clear([&](Entry* e) {
    EXPECT_TRUE(freed.insert(e).second);
    delete e;
  });
  EXPECT_EQ(freed.size(), raw.size());
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.segment_count(), 0u);
  EXPECT_EQ(table.MemoryUsage(), 0u);
  EXPECT_EQ(table.Find(KeyName(1), HashKey(KeyName(1))), nullptr);
  // Usable again.
  Entry e{"again"};
  table.Insert(&e, HashKey("again"));
  EXPECT_EQ(table.Find("again", HashKey("again")), &e);
  EXPECT_TRUE(table.CheckInvariants());
  table.Clear();
  EXPECT_EQ(table.size(), 0u);
}

TEST(SegmentedTableTest, MoveTransfersContents) {
  Table table;
  auto entries = MakeEntries(3000);
  for (const auto& e : entries) table.Insert(e.get(), HashKey(e->key));
  Table moved(std::move(table));
  EXPECT_EQ(moved.size(), 3000u);
  EXPECT_EQ(table.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty.
  EXPECT_EQ(table.Find(entries[0]->key, HashKey(entries[0]->key)), nullptr);
  for (const auto& e : entries) EXPECT_EQ(moved.Find(e->key, HashKey(e->key)), e.get());
  Table assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.size(), 3000u);
  EXPECT_TRUE(assigned.CheckInvariants());
}

// ---------------------------------------------------------------------------------------------
// ScanBucket.

TEST(SegmentedTableScanTest, EmptyTableCoversWholeShardRange) {
  Table whole(0);
  EXPECT_EQ(whole.ScanBucket(0, 0, [](Entry*) { FAIL(); }), 0u);
  Table shard(4);
  EXPECT_EQ(shard.ScanBucket(5, uint64_t{9} << 60, [](Entry*) { FAIL(); }), uint64_t{10} << 60);
  EXPECT_EQ(shard.ScanBucket(5, uint64_t{15} << 60, [](Entry*) { FAIL(); }), 0u);
}

TEST(SegmentedTableScanTest, SingleSegmentVisitsEachEntryInItsHomeBucket) {
  Table table;
  auto entries = MakeEntries(500);
  for (const auto& e : entries) table.Insert(e.get(), HashKey(e->key));
  for (unsigned b = 0; b < Table::kBuckets; ++b) {
    EXPECT_EQ(table.ScanBucket(b, 0,
                               [&](Entry* e) {
                                 EXPECT_EQ(HashKey(e->key) & 1023, b);
                                 ++e->seen;
                               }),
              0u);
  }
  for (const auto& e : entries) EXPECT_EQ(e->seen, 1) << e->key;
}

// Scans bucket-major while inserting keys that force many splits and erasing other keys between
// calls; every key present for the whole scan must be reported exactly once, any key at most
// once.
template <class Traits>
void RunScanUnderGrowth(unsigned prefix_bits, uint64_t shard, size_t n_stable, size_t n_transient,
                        size_t n_new) {
  using T = SegmentedTable<Entry, Traits>;
  T table(prefix_bits);
  // Only keys routed to `shard` belong in this table.
  size_t next_name = 0;
  auto make = [&](size_t n) {
    std::vector<std::unique_ptr<Entry>> v;
    while (v.size() < n) {
      std::string k = KeyName(next_name++);
      if (prefix_bits == 0 || (H<Traits>(k) >> (64 - prefix_bits)) == shard) {
        v.push_back(std::make_unique<Entry>(Entry{std::move(k)}));
      }
    }
    return v;
  };
  auto stable = make(n_stable);
  auto transient = make(n_transient);
  auto fresh = make(n_new);
  for (const auto& e : stable) table.Insert(e.get(), H<Traits>(e->key));
  for (const auto& e : transient) table.Insert(e.get(), H<Traits>(e->key));
  const size_t segments_at_start = table.segment_count();

  const uint64_t shard_start = prefix_bits == 0 ? 0 : shard << (64 - prefix_bits);
  auto in_shard = [&](uint64_t pos) {
    return pos != 0 && (prefix_bits == 0 || (pos >> (64 - prefix_bits)) == shard);
  };
  size_t inserted = 0, erased = 0, calls = 0;
  for (unsigned bucket = 0; bucket < T::kBuckets; ++bucket) {
    uint64_t pos = shard_start;
    do {
      pos = table.ScanBucket(bucket, pos, [&](Entry* e) {
        ++e->seen;
        EXPECT_EQ(H<Traits>(e->key) & 1023, bucket);
      });
      EXPECT_EQ(pos & 1023, 0u);
      ++calls;
      // Mutate between calls: grow (splits) and shrink.
      for (int i = 0; i < 2 && inserted < fresh.size(); ++i, ++inserted) {
        table.Insert(fresh[inserted].get(), H<Traits>(fresh[inserted]->key));
      }
      if (calls % 3 == 0 && erased < transient.size()) {
        Entry* e = transient[erased++].get();
        ASSERT_EQ(table.Erase(e->key, H<Traits>(e->key)), e);
      }
    } while (in_shard(pos));
  }
  EXPECT_EQ(inserted, fresh.size()) << "scan ended before all inserts";
  EXPECT_GE(table.segment_count(), 3 * segments_at_start) << "not enough splits during the scan";
  for (const auto& e : stable) ASSERT_EQ(e->seen, 1) << e->key;
  for (const auto& e : transient) ASSERT_LE(e->seen, 1) << e->key;
  for (const auto& e : fresh) ASSERT_LE(e->seen, 1) << e->key;
  ASSERT_TRUE(table.CheckInvariants());
}

TEST(SegmentedTableScanTest, ExactlyOnceUnderGrowthNoPrefix) {
  RunScanUnderGrowth<DefaultTraits>(0, 0, 20000, 20000, 200000);
}

TEST(SegmentedTableScanTest, ExactlyOnceUnderGrowthWithShardPrefix) {
  RunScanUnderGrowth<DefaultTraits>(4, 9, 10000, 10000, 100000);
}

TEST(SegmentedTableScanTest, ExactlyOnceUnderGrowthWithDisplacedEntries) {
  // All keys share home slot 0, so bucket 0 holds everything, far from home.
  RunScanUnderGrowth<SameHomeTraits>(0, 0, 5000, 5000, 30000);
}

TEST(SegmentedTableScanTest, ExactlyOnceWithLastShard) {
  // The last shard's range ends at 2^64: ScanBucket must report the wrap as 0.
  RunScanUnderGrowth<DefaultTraits>(2, 3, 5000, 5000, 40000);
}

}  // namespace
}  // namespace cardinal::core
