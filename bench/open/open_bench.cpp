// In-process Dataset::Open of local files, with and without asking for the CRS.
//
//   cmake --preset ci -DCOGR_BUILD_BENCH=ON && cmake --build --preset ci --target cogr_bench_open
//   build/ci/bench/cogr_bench_open --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
//
// BM_Open is an open that never asks for the CRS (PROJ is not touched); BM_OpenCrsWkt also
// asks for crs_wkt(), which is what every open cost before the CRS became lazy. The files: a
// COG with an EPSG CRS, a COG-layout file with a user-defined (LCC) CRS, the README sample.
#include <benchmark/benchmark.h>

#include <string>

#include "cogr/dataset.hpp"

namespace {

const char* const kFiles[] = {
    "fixtures/cog_u8_rgb_jpeg_mask_bs256.tif",  // COG, EPSG:32631 (GeoKeys name the code)
    "fixtures/crs_custom_lcc.tif",              // user-defined LCC CRS, key by key
    "sample.tif",                               // 64x64 RGBA COG, EPSG:3857
};

std::string PathOf(int64_t i) { return std::string(COGR_TEST_DATA_DIR) + "/" + kFiles[i]; }

cogr::OpenOptions Options() {
  cogr::OpenOptions o;
  o.block_cache_bytes = 0;
  return o;
}

void BM_Open(benchmark::State& state) {
  const std::string path = PathOf(state.range(0));
  state.SetLabel(kFiles[state.range(0)]);
  for (auto _ : state) {
    auto ds = cogr::Dataset::Open(path, Options());
    if (!ds.ok()) {
      state.SkipWithError(ds.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize((*ds)->width());
  }
}
BENCHMARK(BM_Open)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

void BM_OpenCrsWkt(benchmark::State& state) {
  const std::string path = PathOf(state.range(0));
  state.SetLabel(kFiles[state.range(0)]);
  for (auto _ : state) {
    auto ds = cogr::Dataset::Open(path, Options());
    if (!ds.ok()) {
      state.SkipWithError(ds.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize((*ds)->crs_wkt());
  }
}
BENCHMARK(BM_OpenCrsWkt)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

}  // namespace
