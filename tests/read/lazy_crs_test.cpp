// The Dataset's CRS is built on first use: Open, reads and metadata never call into PROJ.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "cogr/dataset.hpp"
#include "geo/proj_calls.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

TEST(LazyCrs, OpenReadAndMetadataNeverCallProj) {
  const uint64_t before = internal::ProjContextCalls();
  for (const char* name :
       {"fixtures/crs_custom_lcc.tif", "fixtures/cog_u8_rgb_jpeg_mask_bs256.tif", "sample.tif"}) {
    SCOPED_TRACE(name);
    auto ds = Dataset::Open(test::DataPath(name));
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    const Dataset& d = **ds;
    EXPECT_GT(d.width(), 0u);
    EXPECT_FALSE(d.geokeys().empty());
    (void)d.bounds();
    (void)d.overviews();
    ReadOptions o;
    o.window = geo::Window{0, 0, 16, 16};
    ASSERT_TRUE(d.Read(o).ok());
    ASSERT_TRUE(d.ReadMask(o).ok());
    ASSERT_TRUE(d.dataset_mask(o).ok());
    ASSERT_TRUE(d.block_windows().ok());
    ASSERT_TRUE(d.tags().ok());
    ASSERT_TRUE(d.Sample({d.xy(1, 1)}).ok());
    ReadOptions small;
    small.out_shape = {8, 8};
    ASSERT_TRUE(d.Read(small).ok());
  }
  EXPECT_EQ(before, internal::ProjContextCalls());
}

TEST(LazyCrs, ComputedOnceOnFirstUse) {
  auto ds = Dataset::Open(test::DataPath("fixtures/crs_custom_lcc.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const uint64_t before = internal::ProjContextCalls();
  const auto wkt = (*ds)->crs_wkt();
  ASSERT_TRUE(wkt.has_value());
  EXPECT_EQ(0u, wkt->rfind("PROJCS[", 0)) << *wkt;
  const uint64_t first = internal::ProjContextCalls();
  EXPECT_GT(first, before);  // the WKT came from PROJ, on this first call
  // Cached: asking again (any of the three) does not call PROJ.
  EXPECT_EQ(wkt, (*ds)->crs_wkt());
  EXPECT_FALSE((*ds)->crs_epsg().has_value());  // user-defined: no EPSG code
  auto crs = (*ds)->crs();
  ASSERT_TRUE(crs.ok()) << crs.status().ToString();
  EXPECT_EQ(first, internal::ProjContextCalls());
}

TEST(LazyCrs, SameAnswerFromManyThreads) {
  auto ds = Dataset::Open(test::DataPath("sample.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  std::vector<std::optional<std::string>> wkts(8);
  std::vector<std::optional<int>> epsgs(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < wkts.size(); ++i) {
    threads.emplace_back([&, i] {
      wkts[i] = (*ds)->crs_wkt();
      epsgs[i] = (*ds)->crs_epsg();
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < wkts.size(); ++i) {
    ASSERT_TRUE(wkts[i].has_value());
    EXPECT_EQ(0u, wkts[i]->rfind("PROJCS[\"WGS 84 / Pseudo-Mercator\"", 0)) << *wkts[i];
    EXPECT_EQ(wkts[0], wkts[i]);
    EXPECT_EQ(std::optional<int>(3857), epsgs[i]);
  }
}

TEST(LazyCrs, NoCrsIsNotFound) {
  // GCPs only: no dataset CRS (rasterio: crs None).
  auto ds = Dataset::Open(test::DataPath("fixtures/gcps_only_4326.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  auto crs = (*ds)->crs();
  ASSERT_FALSE(crs.ok());
  EXPECT_EQ(Code::kNotFound, crs.status().code());
  EXPECT_EQ((*ds)->uri() + ": no CRS", crs.status().message());
  EXPECT_FALSE((*ds)->crs_wkt().has_value());
  EXPECT_FALSE((*ds)->crs_epsg().has_value());
  EXPECT_FALSE((*ds)->profile().crs.has_value());
}

}  // namespace
}  // namespace cogr
