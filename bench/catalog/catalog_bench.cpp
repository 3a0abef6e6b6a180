// Catalog build of many local scenes (bounded memory) and R-tree bbox queries.
//
//   cmake --preset ci -DCOGR_BUILD_BENCH=ON && cmake --build --preset ci --target
//   cogr_bench_catalog build/ci/bench/cogr_bench_catalog N DIR
//
// Writes N small COGs (64x64 uint8, deflate, EPSG:32633, one per 640 m cell of a 100-column
// grid) into DIR once (kept between runs), builds DIR/scenes.gpkg from them with
// Catalog::Build, and prints the build time, the process's peak RSS before and after the build
// (getrusage ru_maxrss), the catalog's size, and the median time of 200 bbox queries of a
// 10 x 10-cell box given in EPSG:32633 (reprojected per query), of 200 boxes of 0.05 degrees
// given in EPSG:4326, and of one --where query over all rows.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cogr/catalog.hpp"
#include "cogr/write.hpp"

namespace {

long PeakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

constexpr int kColumns = 100;
constexpr double kCell = 640;  // metres: 64 px x 10 m

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s N DIR\n", argv[0]);
    return 2;
  }
  const int n = std::atoi(argv[1]);
  const std::filesystem::path dir = argv[2];
  std::filesystem::create_directories(dir);
  std::vector<std::string> uris;
  cogr::write::Profile p = cogr::write::Profile::Cog(64, 64, 1, cogr::DataType::kUInt8, 64);
  p.compress = cogr::write::Compression::kDeflate;
  p.crs_epsg = 32633;
  cogr::Array a;
  a.dtype = cogr::DataType::kUInt8;
  a.bands = 1;
  a.height = 64;
  a.width = 64;
  a.data.resize(64 * 64);
  for (int i = 0; i < n; ++i) {
    const std::string path = (dir / ("scene_" + std::to_string(i) + ".tif")).string();
    uris.push_back(path);
    if (std::filesystem::exists(path)) continue;
    for (size_t k = 0; k < a.data.size(); ++k)
      a.data[k] = static_cast<uint8_t>((k + static_cast<size_t>(i)) & 0xff);
    p.transform = cogr::geo::Affine{10, 0,   400000 + kCell * (i % kColumns),
                                    0,  -10, 5000000 - kCell * (i / kColumns)};
    if (cogr::Status st = cogr::write::WriteGeoTiff(path, p, a); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
  }
  const std::string gpkg = (dir / "scenes.gpkg").string();
  std::filesystem::remove(gpkg);
  const long rss_before = PeakRssKiB();
  const auto t0 = std::chrono::steady_clock::now();
  auto built = cogr::Catalog::Build(uris, gpkg);
  const double build_ms = Ms(std::chrono::steady_clock::now() - t0);
  if (!built.ok()) {
    std::fprintf(stderr, "%s\n", built.status().ToString().c_str());
    return 1;
  }
  const long rss_after = PeakRssKiB();
  std::printf("scenes %llu  build %.0f ms (%.0f scenes/s)  header bytes %llu  catalog %llu bytes\n",
              static_cast<unsigned long long>(built->scenes), build_ms,
              static_cast<double>(built->scenes) / (build_ms / 1000),
              static_cast<unsigned long long>(built->header_bytes),
              static_cast<unsigned long long>(std::filesystem::file_size(gpkg)));
  std::printf("peak RSS before build %ld KiB, after %ld KiB\n", rss_before, rss_after);

  auto catalog = cogr::Catalog::Open(gpkg);
  if (!catalog.ok()) return 1;
  // A 10 x 10-cell box (about 100 scenes of every 10 000) in the scenes' CRS, moved per query.
  std::vector<double> times;
  size_t hits = 0;
  const int rows = std::max(1, n / kColumns);
  for (int q = 0; q < 200; ++q) {
    cogr::CatalogQuery query;
    const double x0 = 400000 + kCell * (q * 7 % std::max(1, kColumns - 10));
    const double y1 = 5000000 - kCell * (q * 3 % std::max(1, rows - 10));
    query.bounds = cogr::geo::Bounds{x0 + 1, y1 - kCell * 10 + 1, x0 + kCell * 10 - 1, y1 - 1};
    query.bounds_crs = "EPSG:32633";
    const auto q0 = std::chrono::steady_clock::now();
    auto r = (*catalog)->Query(query);
    times.push_back(Ms(std::chrono::steady_clock::now() - q0));
    if (!r.ok()) return 1;
    hits += r->size();
  }
  std::sort(times.begin(), times.end());
  std::printf(
      "bbox query (incl. bounds reprojection): median %.2f ms, p90 %.2f ms, %.1f hits per query\n",
      times[times.size() / 2], times[times.size() * 9 / 10], static_cast<double>(hits) / 200);
  // The same in EPSG:4326 (no reprojection): a box of 0.05 degrees around a scene's footprint.
  auto all = (*catalog)->Query();
  if (!all.ok() || all->empty()) return 1;
  times.clear();
  hits = 0;
  for (int q = 0; q < 200; ++q) {
    const auto& b = *(*all)[static_cast<size_t>(q) * 37 % all->size()].bounds_4326;
    cogr::CatalogQuery query;
    query.bounds =
        cogr::geo::Bounds{b.left - 0.025, b.bottom - 0.025, b.right + 0.025, b.top + 0.025};
    const auto q0 = std::chrono::steady_clock::now();
    auto r = (*catalog)->Query(query);
    times.push_back(Ms(std::chrono::steady_clock::now() - q0));
    if (!r.ok()) return 1;
    hits += r->size();
  }
  std::sort(times.begin(), times.end());
  std::printf("bbox query in EPSG:4326: median %.2f ms, p90 %.2f ms, %.1f hits per query\n",
              times[times.size() / 2], times[times.size() * 9 / 10],
              static_cast<double>(hits) / 200);
  cogr::CatalogQuery where;
  where.where = "width = 64 AND crs_epsg = 32633 AND fid % 100 = 0";
  const auto w0 = std::chrono::steady_clock::now();
  auto w = (*catalog)->Query(where);
  std::printf("--where over all rows: %.2f ms, %zu hits\n",
              Ms(std::chrono::steady_clock::now() - w0), w.ok() ? w->size() : 0);
  return 0;
}
