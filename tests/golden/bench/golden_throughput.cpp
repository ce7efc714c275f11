// Decode throughput of the golden and reference backends on the demo model, one core, one
// token per iteration (items_per_second = tokens/s). A benchmark: it prints, it asserts nothing.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "mmfree/backends.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/model.hpp"
#include "support/demo_fixtures.hpp"

namespace {

using mmfree::test::demo_model;

void decode(benchmark::State& state, const std::string& backend) {
  const auto engine = mmfree::make_engine(backend, demo_model());
  mmfree::Sequence sequence(*engine);
  uint32_t token = 1;
  const uint32_t vocab = demo_model().config().vocab_size;
  for (auto _ : state) {
    const auto logits = sequence.step(token);
    benchmark::DoNotOptimize(logits.data());
    token = (token * 2654435761u + 12345u) % vocab;  // a varied token stream, no sampling cost
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_GoldenDecode(benchmark::State& state) { decode(state, "golden"); }
void BM_ReferenceDecode(benchmark::State& state) { decode(state, "reference"); }
BENCHMARK(BM_GoldenDecode)->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_ReferenceDecode)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
