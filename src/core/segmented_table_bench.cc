// Micro-benchmarks for SegmentedTable: Find hit/miss, Insert, Erase and RandomElement at 1M keys,
// plus a growth run to 10M keys that reports the worst single Insert latency (the "no stall on
// growth" requirement) and the table's bytes per key. Hashes are precomputed, as the server
// computes HashKey once per command; BM_FindHitWithHash shows the cost including hashing.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.h"
#include "core/segmented_table.h"

namespace cardinal::core {
namespace {

struct Entry {
  std::string key;
  uint64_t hash;
};

struct Traits {
  static std::string_view Key(const Entry* e) { return e->key; }
};

using Table = SegmentedTable<Entry, Traits>;

constexpr size_t kOneMillion = 1'000'000;

// Entries 0..n-1, built once and cached per size (the objects the table points to).
const std::vector<Entry>& Entries(size_t n) {
  static std::map<size_t, std::unique_ptr<std::vector<Entry>>> cache;
  auto& slot = cache[n];
  if (!slot) {
    slot = std::make_unique<std::vector<Entry>>();
    slot->reserve(n);
    for (size_t i = 0; i < n; ++i) {
      std::string k = "key:" + std::to_string(i);
      const uint64_t h = HashKey(k);
      slot->push_back(Entry{std::move(k), h});
    }
  }
  return *slot;
}

// A random permutation of [0, n) so lookups hit the table in random order.
std::vector<uint32_t> Permutation(size_t n, uint64_t seed) {
  std::vector<uint32_t> p(n);
  std::iota(p.begin(), p.end(), 0);
  std::shuffle(p.begin(), p.end(), std::mt19937_64(seed));
  return p;
}

void Fill(Table& table, const std::vector<Entry>& entries, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    Entry* e = const_cast<Entry*>(&entries[i]);
    table.Insert(e, e->hash);
  }
}

void BM_FindHit(benchmark::State& state) {
  const auto& entries = Entries(kOneMillion);
  Table table;
  Fill(table, entries, kOneMillion);
  const auto perm = Permutation(kOneMillion, 1);
  size_t i = 0;
  for (auto _ : state) {
    const Entry& e = entries[perm[i]];
    benchmark::DoNotOptimize(table.Find(e.key, e.hash));
    if (++i == kOneMillion) i = 0;
  }
  state.counters["bytes_per_key"] = static_cast<double>(table.MemoryUsage()) / table.size();
}
BENCHMARK(BM_FindHit);

void BM_FindHitWithHash(benchmark::State& state) {
  const auto& entries = Entries(kOneMillion);
  Table table;
  Fill(table, entries, kOneMillion);
  const auto perm = Permutation(kOneMillion, 1);
  size_t i = 0;
  for (auto _ : state) {
    const Entry& e = entries[perm[i]];
    benchmark::DoNotOptimize(table.Find(e.key, HashKey(e.key)));
    if (++i == kOneMillion) i = 0;
  }
}
BENCHMARK(BM_FindHitWithHash);

void BM_FindMiss(benchmark::State& state) {
  const auto& entries = Entries(2 * kOneMillion);
  Table table;
  Fill(table, entries, kOneMillion);  // Keys [1M, 2M) are absent.
  const auto perm = Permutation(kOneMillion, 2);
  size_t i = 0;
  for (auto _ : state) {
    const Entry& e = entries[kOneMillion + perm[i]];
    benchmark::DoNotOptimize(table.Find(e.key, e.hash));
    if (++i == kOneMillion) i = 0;
  }
}
BENCHMARK(BM_FindMiss);

// Inserting 1M keys from empty (includes all the splits); reported per insert.
void BM_Insert(benchmark::State& state) {
  const auto& entries = Entries(kOneMillion);
  Table table;
  for (auto _ : state) {
    state.PauseTiming();
    table.Clear();
    state.ResumeTiming();
    Fill(table, entries, kOneMillion);
  }
  state.SetItemsProcessed(state.iterations() * kOneMillion);
  state.counters["ns_per_insert"] = benchmark::Counter(
      static_cast<double>(kOneMillion),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_Insert)->Unit(benchmark::kMillisecond);

// Erasing all 1M keys in random order; reported per erase.
void BM_Erase(benchmark::State& state) {
  const auto& entries = Entries(kOneMillion);
  const auto perm = Permutation(kOneMillion, 3);
  Table table;
  for (auto _ : state) {
    state.PauseTiming();
    table.Clear();
    Fill(table, entries, kOneMillion);
    state.ResumeTiming();
    for (uint32_t i : perm) benchmark::DoNotOptimize(table.Erase(entries[i].key, entries[i].hash));
  }
  state.SetItemsProcessed(state.iterations() * kOneMillion);
  state.counters["ns_per_erase"] = benchmark::Counter(
      static_cast<double>(kOneMillion),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_Erase)->Unit(benchmark::kMillisecond);

void BM_RandomElement(benchmark::State& state) {
  const auto& entries = Entries(kOneMillion);
  Table table;
  Fill(table, entries, kOneMillion);
  std::mt19937_64 rng(4);
  for (auto _ : state) benchmark::DoNotOptimize(table.RandomElement(rng()));
}
BENCHMARK(BM_RandomElement);

// Thread CPU time: unlike wall time it excludes preemption by other processes, which on a shared
// machine dwarfs the table's own worst case. Includes page faults taken by this thread.
uint64_t ThreadCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Grows one table to 10M keys timing every Insert individually. The counters are the point:
// max_insert_us is the worst growth step (must stay far below 1 ms), bytes_per_key the table's
// own memory at 10M keys. MemoryUsage() only grows, so the final value is also the peak.
// Times are thread CPU time (see above); max_insert_wall_us is wall time, noise included.
void BM_GrowTo10M(benchmark::State& state) {
  constexpr size_t kN = 10'000'000;
  const auto& entries = Entries(kN);
  std::vector<uint32_t> ns(kN);
  uint64_t max_wall_ns = 0, max_split_ns = 0, max_doubling_ns = 0, max_plain_ns = 0;
  uint64_t split_total_ns = 0;
  std::vector<uint32_t> split_ns;
  Table table;
  for (auto _ : state) {
    table.Clear();
    for (size_t i = 0; i < kN; ++i) {
      Entry* e = const_cast<Entry*>(&entries[i]);
      const size_t segments = table.segment_count();
      const unsigned depth = table.global_depth();
      const auto w0 = std::chrono::steady_clock::now();
      const uint64_t t0 = ThreadCpuNanos();
      table.Insert(e, e->hash);
      const uint64_t t = ThreadCpuNanos() - t0;
      const auto w1 = std::chrono::steady_clock::now();
      ns[i] = static_cast<uint32_t>(t);
      max_wall_ns = std::max<uint64_t>(
          max_wall_ns, std::chrono::duration_cast<std::chrono::nanoseconds>(w1 - w0).count());
      if (table.global_depth() != depth) {
        max_doubling_ns = std::max(max_doubling_ns, t);
      } else if (table.segment_count() != segments) {
        max_split_ns = std::max(max_split_ns, t);
        split_total_ns += t;
        split_ns.push_back(static_cast<uint32_t>(t));
      } else {
        max_plain_ns = std::max(max_plain_ns, t);
      }
    }
  }
  const size_t max_at = std::max_element(ns.begin(), ns.end()) - ns.begin();
  std::vector<uint32_t> sorted = ns;
  auto quantile = [&](double q) {
    auto nth = sorted.begin() + static_cast<size_t>(q * (kN - 1));
    std::nth_element(sorted.begin(), nth, sorted.end());
    return *nth / 1000.0;
  };
  state.counters["max_insert_us"] = ns[max_at] / 1000.0;
  state.counters["max_at_key"] = static_cast<double>(max_at);
  state.counters["max_split_us"] = max_split_ns / 1000.0;
  if (!split_ns.empty()) {
    // Rare noise events (preemption, steal time) hit few of the ~16K splits, so this percentile
    // is a robust estimate of the split cost itself.
    auto nth = split_ns.begin() + static_cast<size_t>(0.999 * (split_ns.size() - 1));
    std::nth_element(split_ns.begin(), nth, split_ns.end());
    state.counters["p99.9_split_us"] = *nth / 1000.0;
    state.counters["mean_split_us"] = split_total_ns / 1000.0 / split_ns.size();
  }
  state.counters["max_dir_double_us"] = max_doubling_ns / 1000.0;
  state.counters["max_no_split_us"] = max_plain_ns / 1000.0;
  state.counters["max_insert_wall_us"] = max_wall_ns / 1000.0;
  state.counters["p99.99_us"] = quantile(0.9999);
  state.counters["over_100us"] = static_cast<double>(
      std::count_if(ns.begin(), ns.end(), [](uint32_t v) { return v > 100000; }));
  state.counters["bytes_per_key"] = static_cast<double>(table.MemoryUsage()) / table.size();
  state.counters["segments"] = static_cast<double>(table.segment_count());
  state.counters["global_depth"] = table.global_depth();
  state.counters["overflow"] = static_cast<double>(table.overflow_size());
}
BENCHMARK(BM_GrowTo10M)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cardinal::core

BENCHMARK_MAIN();
