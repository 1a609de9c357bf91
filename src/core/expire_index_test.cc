// Unit tests for ExpireIndex: random add/remove/replace against a model set, slot bookkeeping,
// chunk growth and release, sampling, Clear and move.
#include "core/expire_index.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace cardinal::core {
namespace {

struct Entry {
  int id = 0;
  uint32_t slot = UINT32_MAX;
};

struct Traits {
  static uint32_t GetSlot(const Entry* e) { return e->slot; }
  static void SetSlot(Entry* e, uint32_t slot) { e->slot = slot; }
};

using Index = ExpireIndex<Entry, Traits>;

void CheckAgainstModel(const Index& index, const std::unordered_set<Entry*>& model) {
  ASSERT_EQ(index.size(), model.size());
  std::unordered_set<Entry*> seen;
  for (size_t i = 0; i < index.size(); ++i) {
    Entry* e = index.At(i);
    ASSERT_EQ(e->slot, i);
    ASSERT_TRUE(model.count(e)) << e->id;
    ASSERT_TRUE(seen.insert(e).second) << "duplicate " << e->id;
  }
}

TEST(ExpireIndexTest, Empty) {
  Index index;
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(index.empty());
  EXPECT_EQ(index.Sample(12345), nullptr);
  EXPECT_EQ(index.MemoryUsage(), 0u);
}

TEST(ExpireIndexTest, RandomOperationsMatchModel) {
  constexpr int kPool = 20000;  // Crosses several chunk boundaries both ways.
  std::vector<std::unique_ptr<Entry>> pool;
  for (int i = 0; i < kPool; ++i) pool.push_back(std::make_unique<Entry>(Entry{i}));
  std::vector<std::unique_ptr<Entry>> replacements;
  Index index;
  std::unordered_set<Entry*> model;
  std::vector<Entry*> current(kPool);  // The object currently representing pool id i.
  for (int i = 0; i < kPool; ++i) current[i] = pool[i].get();
  std::mt19937_64 rng(99);
  for (int op = 0; op < 400000; ++op) {
    // Phases bias toward growth or shrinkage so the size sweeps up and down.
    const bool grow_phase = (op / 50000) % 2 == 0;
    const int id = static_cast<int>(rng() % kPool);
    Entry* e = current[id];
    const bool present = model.count(e) != 0;
    const unsigned r = rng() % 10;
    if (!present) {
      if (r < (grow_phase ? 8u : 3u)) {
        index.Add(e);
        model.insert(e);
      }
    } else if (r < (grow_phase ? 3u : 8u)) {
      index.Remove(e);
      model.erase(e);
    } else if (r == 9) {
      replacements.push_back(std::make_unique<Entry>(Entry{id}));
      Entry* fresh = replacements.back().get();
      index.Replace(e, fresh);
      EXPECT_EQ(fresh->slot, e->slot);
      model.erase(e);
      model.insert(fresh);
      current[id] = fresh;
    }
    ASSERT_EQ(index.size(), model.size());
    if (op % 10000 == 0) CheckAgainstModel(index, model);
  }
  CheckAgainstModel(index, model);
}

TEST(ExpireIndexTest, ChunksAreAllocatedAndReleased) {
  constexpr size_t kC = Index::kChunkSize;
  std::vector<Entry> entries(3 * kC + 5);
  Index index;
  for (auto& e : entries) index.Add(&e);
  const size_t chunk_bytes = kC * sizeof(Entry*);
  EXPECT_GE(index.MemoryUsage(), 4 * chunk_bytes);
  EXPECT_LT(index.MemoryUsage(), 5 * chunk_bytes);
  // Remove down to one chunk's worth: at most one spare chunk is kept.
  for (size_t i = entries.size(); i-- > kC;) index.Remove(&entries[i]);
  EXPECT_EQ(index.size(), kC);
  EXPECT_LT(index.MemoryUsage(), 3 * chunk_bytes);
  for (size_t i = 0; i < kC; ++i) index.Remove(&entries[i]);
  EXPECT_EQ(index.size(), 0u);
  EXPECT_LT(index.MemoryUsage(), 2 * chunk_bytes);
  // Oscillating around a chunk boundary reuses the spare.
  for (size_t i = 0; i < kC; ++i) index.Add(&entries[i]);
  const size_t at_boundary = index.MemoryUsage();
  for (int round = 0; round < 100; ++round) {
    index.Add(&entries[kC]);
    index.Remove(&entries[kC]);
  }
  EXPECT_LE(index.MemoryUsage(), at_boundary + chunk_bytes);
  index.Clear();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.MemoryUsage(), 0u);
}

TEST(ExpireIndexTest, RemoveMovesLastIntoHole) {
  Entry a{1}, b{2}, c{3};
  Index index;
  index.Add(&a);
  index.Add(&b);
  index.Add(&c);
  EXPECT_EQ(a.slot, 0u);
  EXPECT_EQ(c.slot, 2u);
  index.Remove(&a);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.At(0), &c);
  EXPECT_EQ(c.slot, 0u);
  EXPECT_EQ(index.At(1), &b);
  index.Remove(&b);  // The last element: nothing moves.
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(index.At(0), &c);
}

TEST(ExpireIndexTest, SampleIsUniformOverMembers) {
  std::vector<Entry> entries(50);
  Index index;
  for (auto& e : entries) index.Add(&e);
  std::unordered_map<Entry*, int> hits;
  std::mt19937_64 rng(8);
  for (int i = 0; i < 50000; ++i) {
    Entry* e = index.Sample(rng());
    ASSERT_NE(e, nullptr);
    ++hits[e];
  }
  ASSERT_EQ(hits.size(), entries.size());
  for (const auto& [e, n] : hits) {
    EXPECT_GT(n, 700);  // Expected 1000 each.
    EXPECT_LT(n, 1300);
  }
}

TEST(ExpireIndexTest, MoveTransfersContents) {
  std::vector<Entry> entries(5000);
  Index index;
  for (auto& e : entries) index.Add(&e);
  Index moved(std::move(index));
  EXPECT_EQ(moved.size(), 5000u);
  EXPECT_EQ(index.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty.
  EXPECT_EQ(index.Sample(1), nullptr);
  Index assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.size(), 5000u);
  for (size_t i = 0; i < assigned.size(); ++i) EXPECT_EQ(assigned.At(i)->slot, i);
}

}  // namespace
}  // namespace cardinal::core
