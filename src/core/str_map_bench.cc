// Micro-benchmarks for StrMap: Set (insert), Find hit/miss, overwrite in place, Erase + Set,
// RandomElement and a full Scan, at a small-mode size (500 fields) and a large one (1M), plus the
// bytes per field the map reports (MemoryUsage() / size(), blobs at their allocator size).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/str_map.h"

namespace cardinal::core {
namespace {

const std::vector<std::string>& Fields(size_t n) {
  static std::map<size_t, std::unique_ptr<std::vector<std::string>>> cache;
  auto& slot = cache[n];
  if (!slot) {
    slot = std::make_unique<std::vector<std::string>>();
    slot->reserve(n);
    for (size_t i = 0; i < n; ++i) slot->push_back("field:" + std::to_string(i));
  }
  return *slot;
}

std::unique_ptr<StrMap> Filled(size_t n) {
  auto m = std::make_unique<StrMap>();
  for (const auto& f : Fields(n)) m->Set(f, "value:12345");
  return m;
}

void ReportBytes(benchmark::State& state, const StrMap& m) {
  state.counters["bytes_per_field"] =
      static_cast<double>(m.MemoryUsage()) / static_cast<double>(std::max<size_t>(m.size(), 1));
}

void BM_Insert(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto& fields = Fields(n);
  for (auto _ : state) {
    StrMap m;
    for (const auto& f : fields) m.Set(f, "value:12345");
    benchmark::DoNotOptimize(m.size());
    state.PauseTiming();
    ReportBytes(state, m);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_Insert)->Arg(500)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_FindHit(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto m = Filled(n);
  const auto& fields = Fields(n);
  std::mt19937_64 rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(m->Find(fields[rng() % n]));
  ReportBytes(state, *m);
}
BENCHMARK(BM_FindHit)->Arg(500)->Arg(1'000'000);

void BM_FindMiss(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto m = Filled(n);
  std::vector<std::string> misses;
  for (size_t i = 0; i < 4096; ++i) misses.push_back("miss:" + std::to_string(i));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(m->Find(misses[i++ & 4095]));
}
BENCHMARK(BM_FindMiss)->Arg(500)->Arg(1'000'000);

void BM_OverwriteInPlace(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto m = Filled(n);
  const auto& fields = Fields(n);
  std::mt19937_64 rng(2);
  for (auto _ : state) m->Set(fields[rng() % n], "value:54321");
}
BENCHMARK(BM_OverwriteInPlace)->Arg(500)->Arg(1'000'000);

void BM_EraseAndSet(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto m = Filled(n);
  const auto& fields = Fields(n);
  std::mt19937_64 rng(3);
  for (auto _ : state) {
    const std::string& f = fields[rng() % n];
    m->Erase(f);
    m->Set(f, "value:12345");
  }
}
BENCHMARK(BM_EraseAndSet)->Arg(500)->Arg(1'000'000);

void BM_RandomElement(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto m = Filled(n);
  std::mt19937_64 rng(4);
  for (auto _ : state) benchmark::DoNotOptimize(m->RandomElement(rng()));
}
BENCHMARK(BM_RandomElement)->Arg(500)->Arg(1'000'000);

void BM_FullScan(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto m = Filled(n);
  for (auto _ : state) {
    size_t seen = 0;
    uint64_t cursor = 0;
    do {
      cursor = m->Scan(cursor, [&](std::string_view, std::string_view) { ++seen; });
    } while (cursor != 0);
    benchmark::DoNotOptimize(seen);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_FullScan)->Arg(500)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_Copy(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto m = Filled(n);
  for (auto _ : state) {
    StrMap c(*m);
    benchmark::DoNotOptimize(c.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_Copy)->Arg(500)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cardinal::core

BENCHMARK_MAIN();
