// What recording a cogr::Trace costs: the same reads of the local 256x256 COG of the tests
// (8x8 tiles of 32x32, deflate: 64 preads and 64 decodes of ~1 KiB per whole read, the worst
// case of events per byte) without a Trace (the cost of tracing switched off is a null check per
// request and per block) and with one (every event recorded).
//
//   cogr_bench_io --benchmark_filter=Trace --benchmark_repetitions=10
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "cogr/dataset.hpp"
#include "cogr/trace.hpp"

namespace {

using namespace cogr;

void BM_TraceLocalRead(benchmark::State& state, bool whole, bool traced) {
  OpenOptions oo;
  oo.block_cache_bytes = 0;
  auto ds = Dataset::Open(std::string(COGR_TEST_DATA_DIR) + "/io/cog_u8_deflate_256_t32.tif", oo);
  if (!ds.ok()) {
    state.SkipWithError(ds.status().ToString().c_str());
    return;
  }
  ReadOptions ro;
  if (!whole) ro.window = geo::Window{64, 160, 96, 96};  // 3x3 tiles
  uint64_t bytes = 0, events = 0;
  for (auto _ : state) {
    if (traced) ro.trace = std::make_shared<Trace>();
    auto a = (*ds)->Read(ro);
    if (!a.ok()) {
      state.SkipWithError(a.status().ToString().c_str());
      return;
    }
    bytes += a->data.size();
    if (traced) events += ro.trace->requests().size() + ro.trace->decodes().size();
    benchmark::DoNotOptimize(a->data.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["events_per_read"] =
      benchmark::Counter(static_cast<double>(events) / static_cast<double>(state.iterations()));
}

BENCHMARK_CAPTURE(BM_TraceLocalRead, whole_off, true, false)->UseRealTime();
BENCHMARK_CAPTURE(BM_TraceLocalRead, whole_on, true, true)->UseRealTime();
BENCHMARK_CAPTURE(BM_TraceLocalRead, window3x3_off, false, false)->UseRealTime();
BENCHMARK_CAPTURE(BM_TraceLocalRead, window3x3_on, false, true)->UseRealTime();

}  // namespace
