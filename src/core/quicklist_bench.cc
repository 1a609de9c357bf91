// Micro-benchmarks for QuickList: push/pop at both ends (stacks and queues), LINDEX-style
// access at the ends and in the middle of a 1M-element list, a short LRANGE walk, LINSERT-style
// insertion in the middle, and the bytes per element of a 1M-element list per node size.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "core/quicklist.h"

namespace cardinal::core {
namespace {

constexpr int kOneMillion = 1'000'000;

std::string Value(int i) { return "value:" + std::to_string(i); }

QuickList Filled(int n, int fill = QuickList::kDefaultFill) {
  QuickList ql(fill);
  for (int i = 0; i < n; ++i) ql.PushBack(Value(i));
  return ql;
}

void BM_PushBackPopFront(benchmark::State& state) {
  QuickList ql = Filled(1000);
  const std::string v = "value:123456";
  for (auto _ : state) {
    ql.PushBack(v);
    benchmark::DoNotOptimize(ql.PopFront());
  }
}
BENCHMARK(BM_PushBackPopFront);

void BM_PushFrontPopBack(benchmark::State& state) {
  QuickList ql = Filled(1000);
  const std::string v = "value:123456";
  for (auto _ : state) {
    ql.PushFront(v);
    benchmark::DoNotOptimize(ql.PopBack());
  }
}
BENCHMARK(BM_PushFrontPopBack);

// The server's pop: read the end element, then Erase one element there (LPOP/RPOP).
void ServerPop(QuickList* ql, bool front) {
  auto c = front ? ql->Front() : ql->Back();
  benchmark::DoNotOptimize(c.value());
  ql->Erase(front ? 0 : ql->size() - 1, 1);
}

// A stack at one end of a 10k list (LPUSH/LPOP or RPUSH/RPOP): batches of 1000 pushes then 1000
// pops, so the end node fills, overflows into new nodes and drains.
void BM_Stack(benchmark::State& state) {
  const bool front = state.range(0) != 0;
  QuickList ql = Filled(10000);
  const std::string v = "value:123456";
  for (auto _ : state) {
    for (int i = 0; i < 1000; ++i) ql.Push(v, front);
    for (int i = 0; i < 1000; ++i) ServerPop(&ql, front);
  }
  state.SetItemsProcessed(state.iterations() * 2000);
}
BENCHMARK(BM_Stack)->ArgName("front")->Arg(0)->Arg(1);

// A queue through a 10k list (LPUSH/RPOP when pushing at the front, RPUSH/LPOP otherwise): every
// node is filled at one end and drained at the other.
void BM_Queue(benchmark::State& state) {
  const bool front = state.range(0) != 0;
  QuickList ql = Filled(10000);
  const std::string v = "value:123456";
  for (auto _ : state) {
    ql.Push(v, front);
    ServerPop(&ql, !front);
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_Queue)->ArgName("push_front")->Arg(0)->Arg(1);

// Growing a list from empty to 1M elements (amortized node creation and ring growth), at either
// end.
void BM_PushGrow(benchmark::State& state) {
  const std::string v = "value:123456";
  const bool front = state.range(0) != 0;
  for (auto _ : state) {
    QuickList ql;
    for (int i = 0; i < kOneMillion; ++i) ql.Push(v, front);
    benchmark::DoNotOptimize(ql.size());
  }
  state.SetItemsProcessed(state.iterations() * kOneMillion);
}
BENCHMARK(BM_PushGrow)->ArgName("front")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Index access at a relative position (per mille of the length) of a 1M list.
void BM_Index(benchmark::State& state) {
  static const QuickList ql = Filled(kOneMillion);
  const int64_t index = static_cast<int64_t>(ql.size()) * state.range(0) / 1000;
  for (auto _ : state) benchmark::DoNotOptimize(ql.At(index).value());
}
BENCHMARK(BM_Index)->Arg(0)->Arg(1)->Arg(250)->Arg(500)->Arg(999);

void BM_IndexRandom(benchmark::State& state) {
  static const QuickList ql = Filled(kOneMillion);
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ql.At(static_cast<int64_t>(rng() % ql.size())).value());
  }
}
BENCHMARK(BM_IndexRandom);

// LRANGE key 0 99 equivalent: seek and walk 100 elements.
void BM_Range100(benchmark::State& state) {
  static const QuickList ql = Filled(kOneMillion);
  for (auto _ : state) {
    auto c = ql.At(500000);
    for (int i = 0; i < 100; ++i, c.Next()) benchmark::DoNotOptimize(c.value());
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_Range100);

// Insert then erase in the middle of a 1M list (nodes split and merge back).
void BM_InsertEraseMiddle(benchmark::State& state) {
  QuickList ql = Filled(kOneMillion);
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    const size_t i = rng() % ql.size();
    ql.Insert(static_cast<int64_t>(i), "inserted", false);
    ql.Erase(i, 1);
  }
}
BENCHMARK(BM_InsertEraseMiddle);

// Bytes per element (listpack data plus node descriptors) of a 1M list, per node size.
void BM_BytesPerElement(benchmark::State& state) {
  const int fill = static_cast<int>(state.range(0));
  double per = 0;
  for (auto _ : state) {
    QuickList ql = Filled(kOneMillion, fill);
    per = static_cast<double>(ql.MemoryUsage()) / kOneMillion;
  }
  state.counters["bytes_per_elem"] = per;
}
BENCHMARK(BM_BytesPerElement)->Arg(-1)->Arg(-2)->Arg(-5)->Arg(128)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cardinal::core

BENCHMARK_MAIN();
