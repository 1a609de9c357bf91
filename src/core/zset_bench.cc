// Micro-benchmarks for ZSet at 1M elements: insert (random and ascending scores), erase, score
// lookup, rank, range by rank and by score (10 elements), score updates, and the bytes per
// element of a 1M-element set (counter "bytes_per_elem").
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/zset.h"

namespace cardinal::core {
namespace {

constexpr size_t kN = 1'000'000;

const std::vector<std::string>& Members() {
  static std::vector<std::string>* m = [] {
    auto* v = new std::vector<std::string>();
    v->reserve(kN);
    for (size_t i = 0; i < kN; ++i) v->push_back("member:" + std::to_string(i));
    return v;
  }();
  return *m;
}

double ScoreOf(size_t i) { return static_cast<double>((i * 2654435761u) % kN); }

// A 1M-element set with pseudo-random scores, built once.
const ZSet& Big() {
  static ZSet* z = [] {
    auto* s = new ZSet();
    for (size_t i = 0; i < kN; ++i) s->Insert(Members()[i], ScoreOf(i));
    return s;
  }();
  return *z;
}

void BM_InsertRandom(benchmark::State& state) {
  const auto& m = Members();
  for (auto _ : state) {
    ZSet z;
    for (size_t i = 0; i < kN; ++i) z.Insert(m[i], ScoreOf(i));
    state.counters["bytes_per_elem"] = static_cast<double>(z.MemoryUsage()) / kN;
    state.PauseTiming();
    z.Clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kN));
}
BENCHMARK(BM_InsertRandom)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_InsertAscending(benchmark::State& state) {
  const auto& m = Members();
  for (auto _ : state) {
    ZSet z;
    for (size_t i = 0; i < kN; ++i) z.Insert(m[i], static_cast<double>(i));
    state.counters["bytes_per_elem"] = static_cast<double>(z.MemoryUsage()) / kN;
    state.PauseTiming();
    z.Clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kN));
}
BENCHMARK(BM_InsertAscending)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_EraseAll(benchmark::State& state) {
  const auto& m = Members();
  for (auto _ : state) {
    state.PauseTiming();
    auto z = std::make_unique<ZSet>(Big());
    state.ResumeTiming();
    for (size_t i = 0; i < kN; ++i) z->Erase(m[(i * 7919) % kN]);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kN));
}
BENCHMARK(BM_EraseAll)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_Score(benchmark::State& state) {
  const ZSet& z = Big();
  std::mt19937_64 rng(1);
  double sum = 0;
  for (auto _ : state) {
    double s;
    z.Score(Members()[rng() % kN], &s);
    sum += s;
  }
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_Score);

void BM_Rank(benchmark::State& state) {
  const ZSet& z = Big();
  std::mt19937_64 rng(2);
  int64_t sum = 0;
  for (auto _ : state) sum += z.Rank(Members()[rng() % kN]);
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_Rank);

void BM_RangeByRank10(benchmark::State& state) {
  const ZSet& z = Big();
  std::mt19937_64 rng(3);
  size_t bytes = 0;
  for (auto _ : state) {
    auto it = z.At(rng() % (kN - 10));
    for (int k = 0; k < 10; ++k, it.Next()) bytes += it.member().size();
  }
  benchmark::DoNotOptimize(bytes);
}
BENCHMARK(BM_RangeByRank10);

void BM_RangeByScore10(benchmark::State& state) {
  const ZSet& z = Big();
  std::mt19937_64 rng(4);
  size_t bytes = 0;
  for (auto _ : state) {
    const double lo = static_cast<double>(rng() % (kN - 10));
    auto it = z.At(z.CountScoreBelow(lo, false));
    for (int k = 0; k < 10 && it.valid() && it.score() <= lo + 10; ++k, it.Next()) {
      bytes += it.member().size();
    }
  }
  benchmark::DoNotOptimize(bytes);
}
BENCHMARK(BM_RangeByScore10);

void BM_UpdateScore(benchmark::State& state) {
  ZSet z(Big());
  std::mt19937_64 rng(5);
  for (auto _ : state) {
    const size_t i = rng() % kN;
    z.UpdateScore(Members()[i], static_cast<double>(rng() % kN));
  }
}
BENCHMARK(BM_UpdateScore);

}  // namespace
}  // namespace cardinal::core

BENCHMARK_MAIN();
