// Micro-benchmarks for the set encodings: IntSet (insert, lookup at the 512-member default limit)
// and StrSet (insert, hit/miss lookup, erase, random member, full SSCAN) at small and 1M sizes,
// with std::unordered_set<std::string> as a reference point. StrSet runs report the set's own
// bytes per member (MemoryUsage / size) as a counter.
#include <benchmark/benchmark.h>

#include <numeric>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/intset.h"
#include "core/str_set.h"

namespace cardinal::core {
namespace {

std::vector<std::string> Members(size_t n, const char* prefix = "member:") {
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

std::vector<uint32_t> Permutation(size_t n, uint64_t seed) {
  std::vector<uint32_t> p(n);
  std::iota(p.begin(), p.end(), 0);
  std::shuffle(p.begin(), p.end(), std::mt19937_64(seed));
  return p;
}

// ---------------------------------------------------------------------------------------------
// IntSet

void BM_IntSetInsertRandom(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::mt19937_64 rng(1);
  std::vector<int64_t> vals(n);
  for (auto& v : vals) v = static_cast<int64_t>(rng() % 30000);
  for (auto _ : state) {
    IntSet s;
    for (int64_t v : vals) s.Insert(v);
    benchmark::DoNotOptimize(s.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_IntSetInsertRandom)->Arg(64)->Arg(512)->Arg(4096);

void BM_IntSetContains(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  IntSet s;
  for (size_t i = 0; i < n; ++i) s.Insert(static_cast<int64_t>(i * 3));
  std::mt19937_64 rng(2);
  size_t hits = 0;
  for (auto _ : state) {
    hits += s.Contains(static_cast<int64_t>(rng() % (3 * n)));
  }
  benchmark::DoNotOptimize(hits);
  state.counters["bytes_per_member"] =
      static_cast<double>(s.MemoryUsage()) / static_cast<double>(s.size());
}
BENCHMARK(BM_IntSetContains)->Arg(512)->Arg(1 << 16);

// ---------------------------------------------------------------------------------------------
// StrSet vs std::unordered_set

void BM_StrSetInsert(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto members = Members(n);
  double per_member = 0;
  for (auto _ : state) {
    StrSet s;
    for (const auto& m : members) s.Insert(m);
    per_member = static_cast<double>(s.MemoryUsage()) / static_cast<double>(n);
    benchmark::DoNotOptimize(s.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.counters["bytes_per_member"] = per_member;
}
BENCHMARK(BM_StrSetInsert)->Arg(16)->Arg(800)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_StdUnorderedSetInsert(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto members = Members(n);
  for (auto _ : state) {
    std::unordered_set<std::string> s;
    for (const auto& m : members) s.insert(m);
    benchmark::DoNotOptimize(s.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_StdUnorderedSetInsert)
    ->Arg(16)
    ->Arg(800)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

void BM_StrSetContainsHit(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto members = Members(n);
  StrSet s;
  for (const auto& m : members) s.Insert(m);
  const auto order = Permutation(n, 3);
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    hits += s.Contains(members[order[i]]);
    if (++i == n) i = 0;
  }
  benchmark::DoNotOptimize(hits);
}
BENCHMARK(BM_StrSetContainsHit)->Arg(100)->Arg(1'000'000);

void BM_StdUnorderedSetContainsHit(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto members = Members(n);
  std::unordered_set<std::string> s(members.begin(), members.end());
  const auto order = Permutation(n, 3);
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    hits += s.count(members[order[i]]);
    if (++i == n) i = 0;
  }
  benchmark::DoNotOptimize(hits);
}
BENCHMARK(BM_StdUnorderedSetContainsHit)->Arg(100)->Arg(1'000'000);

void BM_StrSetContainsMiss(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  StrSet s;
  for (const auto& m : Members(n)) s.Insert(m);
  const auto misses = Members(n, "absent:");
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    hits += s.Contains(misses[i]);
    if (++i == n) i = 0;
  }
  benchmark::DoNotOptimize(hits);
}
BENCHMARK(BM_StrSetContainsMiss)->Arg(100)->Arg(1'000'000);

// Erase every member then put it back (keeps the size steady across iterations).
void BM_StrSetEraseInsert(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto members = Members(n);
  StrSet s;
  for (const auto& m : members) s.Insert(m);
  const auto order = Permutation(n, 4);
  size_t i = 0;
  for (auto _ : state) {
    const std::string& m = members[order[i]];
    s.Erase(m);
    s.Insert(m);
    if (++i == n) i = 0;
  }
}
BENCHMARK(BM_StrSetEraseInsert)->Arg(100)->Arg(1'000'000);

void BM_StrSetRandomMember(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  StrSet s;
  for (const auto& m : Members(n)) s.Insert(m);
  std::mt19937_64 rng(5);
  size_t total = 0;
  for (auto _ : state) total += s.RandomMember(rng()).size();
  benchmark::DoNotOptimize(total);
}
BENCHMARK(BM_StrSetRandomMember)->Arg(100)->Arg(1'000'000);

// A whole SSCAN of the set, one step at a time (what SSCAN ... COUNT n does, minus the reply).
void BM_StrSetFullScan(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  StrSet s;
  for (const auto& m : Members(n)) s.Insert(m);
  for (auto _ : state) {
    size_t seen = 0;
    uint64_t cursor = 0;
    do {
      cursor = s.ScanStep(cursor, [&](std::string_view) { ++seen; });
    } while (cursor != 0);
    benchmark::DoNotOptimize(seen);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_StrSetFullScan)->Arg(100)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cardinal::core

BENCHMARK_MAIN();
