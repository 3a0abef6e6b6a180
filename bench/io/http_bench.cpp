// Windowed reads over HTTP from a local nginx (started here, 127.0.0.1 only) next to the same
// reads from the local file, with requests, bytes fetched and bytes used per read as counters.
// A second nginx location (/slow/) adds 10 ms before every answer (nginx's echo module), a
// stand-in for a cloud object store's time to first byte, to weigh the prefix size and the
// coalescing hole limit.
//
//   cogr_bench_io [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cogr/dataset.hpp"
#include "cogr/io.hpp"
#include "io/header_cache.hpp"
#include "io/test_servers.hpp"

namespace {

using namespace cogr;

test::NginxServer* Nginx() {
  // Destroyed at exit, which stops nginx.
  static std::unique_ptr<test::NginxServer> server = []() -> std::unique_ptr<test::NginxServer> {
    auto s = std::make_unique<test::NginxServer>();
    const std::string echo = "/usr/lib/nginx/modules/ngx_http_echo_module.so";
    const bool have_echo = ::access(echo.c_str(), R_OK) == 0;
    const std::string slow =
        "    location /slow/ {\n      echo_sleep 0.01;\n      echo_exec @file;\n    }\n"
        "    location @file {\n      rewrite ^/slow/(.*)$ /$1 break;\n    }\n";
    if (!s->Start(have_echo ? slow : "", have_echo ? "load_module " + echo + ";" : "")) {
      std::fprintf(stderr, "nginx: %s\n", s->error().c_str());
      return nullptr;
    }
    return s;
  }();
  return server.get();
}

struct Case {
  const char* path;
  geo::Window window;
};

// 0: 3x3 tiles (32 px) of the 256x256 deflate COG; 1: the whole of it (64 tiles);
// 2: 2x2 tiles (512 px) of rasterio's 1024x1024 JPEG COG.
const Case kCases[] = {
    {"io/cog_u8_deflate_256_t32.tif", {64, 160, 96, 96}},
    {"io/cog_u8_deflate_256_t32.tif", {0, 0, 256, 256}},
    {"fixtures/rasterio__cogeo.tif", {0, 0, 1024, 1024}},
};

void Report(benchmark::State& state, const io::IoStats& d) {
  using C = benchmark::Counter;
  state.counters["requests"] = C(static_cast<double>(d.requests), C::kAvgIterations);
  state.counters["bytes_fetched"] = C(static_cast<double>(d.bytes_fetched), C::kAvgIterations);
  state.counters["bytes_used"] = C(static_cast<double>(d.bytes_used), C::kAvgIterations);
  state.counters["retries"] = C(static_cast<double>(d.retries), C::kAvgIterations);
}

// Opens once, then reads the window every iteration. arg0: case; arg1: 0 local, 1 http,
// 2 http with 10 ms latency; arg2: hole_size_limit (bytes).
void BM_Window(benchmark::State& state) {
  const Case& c = kCases[state.range(0)];
  const int64_t where = state.range(1);
  std::string uri = std::string(COGR_TEST_DATA_DIR) + "/" + c.path;
  if (where > 0) {
    if (!Nginx()) return state.SkipWithError("nginx did not start");
    uri = Nginx()->Url((where == 2 ? "slow/" : "") + std::string(c.path));
  }
  io::SourceOptions so;
  so.hole_size_limit = static_cast<uint64_t>(state.range(2));
  so.persisted_header_cache = false;
  auto src = io::Open(uri, so);
  if (!src.ok()) return state.SkipWithError(src.status().ToString().c_str());
  OpenOptions oo;
  oo.header_read_bytes = 32 * 1024;
  auto ds = Dataset::Open(*src, oo);
  if (!ds.ok()) return state.SkipWithError(ds.status().ToString().c_str());
  ReadOptions ro;
  ro.window = c.window;
  const io::IoStats s0 = (*src)->stats();
  uint64_t bytes = 0;
  for (auto _ : state) {
    auto a = (*ds)->Read(ro);
    if (!a.ok()) return state.SkipWithError(a.status().ToString().c_str());
    bytes += a->data.size();
    benchmark::DoNotOptimize(a->data.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  Report(state, (*src)->stats() - s0);
}
BENCHMARK(BM_Window)
    ->ArgNames({"case", "where", "hole"})
    ->ArgsProduct({{0, 1, 2}, {0, 1}, {1 << 20}})
    ->ArgsProduct({{0, 1}, {2}, {0, 8, 64 << 10, 1 << 20}})
    ->Args({2, 2, 1 << 20})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Cold open (header cache cleared every iteration) with a given prefix size: arg0 prefix
// bytes, arg1 1 = plain, 2 = with 10 ms latency. The reader's first read matches the prefix.
void BM_ColdOpen(benchmark::State& state) {
  if (!Nginx()) return state.SkipWithError("nginx did not start");
  const uint64_t prefix = static_cast<uint64_t>(state.range(0));
  const std::string uri = Nginx()->Url((state.range(1) == 2 ? "slow/" : "") +
                                       std::string("fixtures/rasterio__cogeo.tif"));
  io::SourceOptions so;
  so.prefix_bytes = prefix;
  so.persisted_header_cache = false;
  OpenOptions oo;
  oo.header_read_bytes = prefix;
  io::IoStats total;
  for (auto _ : state) {
    io::internal::HeaderCache::Global().Clear();
    auto src = io::Open(uri, so);
    if (!src.ok()) return state.SkipWithError(src.status().ToString().c_str());
    auto ds = Dataset::Open(*src, oo);
    if (!ds.ok()) return state.SkipWithError(ds.status().ToString().c_str());
    total += (*src)->stats();
  }
  Report(state, total);
}
BENCHMARK(BM_ColdOpen)
    ->ArgNames({"prefix", "where"})
    ->ArgsProduct({{16 << 10, 32 << 10, 64 << 10}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
