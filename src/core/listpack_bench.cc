// Micro-benchmarks for Listpack, the compact encoding of small hashes and sorted sets and of
// every QuickList node: building a hash-sized listpack (128 pairs) element by element and pair
// by pair, finding a field among the pairs (skip = 1), seeking by index from either end, and
// walking it backwards.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/listpack.h"

namespace cardinal::core {
namespace {

constexpr int kPairs = 128;

std::vector<std::string> Fields() {
  std::vector<std::string> f;
  for (int i = 0; i < kPairs; ++i) f.push_back("field:" + std::to_string(i));
  return f;
}

uint8_t* BuildHash() {
  Listpack lp(Listpack::NewBuffer());
  for (int i = 0; i < kPairs; ++i) lp.AppendPair("field:" + std::to_string(i), std::to_string(i * 7));
  return lp.data();
}

void BM_AppendElements(benchmark::State& state) {
  const auto fields = Fields();
  for (auto _ : state) {
    Listpack lp(Listpack::NewBuffer());
    for (const auto& f : fields) {
      lp.Append(f);
      lp.Append("value");
    }
    benchmark::DoNotOptimize(lp.data());
    Listpack::FreeBuffer(lp.data());
  }
  state.SetItemsProcessed(state.iterations() * kPairs);
}
BENCHMARK(BM_AppendElements);

void BM_AppendPairs(benchmark::State& state) {
  const auto fields = Fields();
  for (auto _ : state) {
    Listpack lp(Listpack::NewBuffer());
    for (const auto& f : fields) lp.AppendPair(f, "value");
    benchmark::DoNotOptimize(lp.data());
    Listpack::FreeBuffer(lp.data());
  }
  state.SetItemsProcessed(state.iterations() * kPairs);
}
BENCHMARK(BM_AppendPairs);

void BM_FindField(benchmark::State& state) {
  Listpack lp(BuildHash());
  const auto fields = Fields();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(lp.Find(lp.First(), fields[i++ % kPairs], 1));
  }
  Listpack::FreeBuffer(lp.data());
}
BENCHMARK(BM_FindField);

void BM_SeekIndex(benchmark::State& state) {
  Listpack lp(BuildHash());
  int64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(lp.Seek(i++ % (2 * kPairs)));
  }
  Listpack::FreeBuffer(lp.data());
}
BENCHMARK(BM_SeekIndex);

void BM_WalkBackwards(benchmark::State& state) {
  Listpack lp(BuildHash());
  for (auto _ : state) {
    int64_t sum = 0;
    for (auto p = lp.Last(); p != Listpack::kNpos; p = lp.Prev(p)) sum += lp.Get(p).is_int;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * 2 * kPairs);
  Listpack::FreeBuffer(lp.data());
}
BENCHMARK(BM_WalkBackwards);

}  // namespace
}  // namespace cardinal::core

BENCHMARK_MAIN();
