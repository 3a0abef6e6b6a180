// Dataset::xy / index / bounds / res on fixtures, against rasterio's answers for the same
// transforms (dataset.xy, dataset.index, dataset.bounds, dataset.res).
#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "cogr/dataset.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

using geo::PixelOffset;
using geo::RoundOp;

TEST(DatasetGeoref, XyIndexBoundsResOnNorthUpUtm) {
  // 200x169, transform (10, 0, 583020, 0, -10, 4507980).
  auto ds = Dataset::Open(test::DataPath("fixtures/dt_uint8_deflate_t128.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const Dataset& d = **ds;
  struct XyRow {
    PixelOffset offset;
    std::pair<double, double> want;
  };
  for (const XyRow& row : std::vector<XyRow>{{PixelOffset::kCenter, {583055, 4507955}},
                                             {PixelOffset::kUl, {583050, 4507960}},
                                             {PixelOffset::kUr, {583060, 4507960}},
                                             {PixelOffset::kLl, {583050, 4507950}},
                                             {PixelOffset::kLr, {583060, 4507950}}}) {
    EXPECT_EQ(d.xy(2, 3, row.offset), row.want) << geo::PixelOffsetName(row.offset);
  }
  EXPECT_EQ(d.xy(2, 3), d.xy(2, 3, PixelOffset::kCenter));
  struct IndexRow {
    double x, y;
    RoundOp op;
    std::pair<int64_t, int64_t> want;
  };
  for (const IndexRow& row : std::vector<IndexRow>{
           {583055, 4507955, RoundOp::kFloor, {2, 3}},  // (row 2.5, col 3.5)
           {583055, 4507955, RoundOp::kRound, {2, 4}},  // half to even
           {583055, 4507955, RoundOp::kCeil, {3, 4}},
           {583020, 4507980, RoundOp::kFloor, {0, 0}},      // the origin
           {585020, 4506290, RoundOp::kFloor, {169, 200}},  // lower-right corner: just outside
           {583000, 4508000, RoundOp::kFloor, {-2, -2}},
       }) {
    auto rc = d.index(row.x, row.y, row.op);
    ASSERT_TRUE(rc.ok()) << rc.status().ToString();
    EXPECT_EQ(*rc, row.want) << row.x << " " << row.y << " " << geo::RoundOpName(row.op);
  }
  EXPECT_EQ(d.bounds(), (geo::Bounds{583020, 4506290, 585020, 4507980}));
  EXPECT_EQ(d.res(), (std::pair<double, double>{10, 10}));
}

TEST(DatasetGeoref, XyIndexOnRotatedTransform) {
  // rasterio__rotated.tif: 10 x 15, transform (17.320508075688775, 4.999999999999999, 100,
  // 9.999999999999998, -8.660254037844387, 200); bounds [100, 70.0961894323342,
  // 348.20508075688775, 300] (its fixture contract).
  auto ds = Dataset::Open(test::DataPath("fixtures/rasterio__rotated.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const Dataset& d = **ds;
  EXPECT_EQ(d.xy(0, 0, PixelOffset::kUl), (std::pair<double, double>{100, 200}));
  const auto [lx, ly] = d.xy(0, 0, PixelOffset::kLr);
  EXPECT_NEAR(lx, 122.32050807568878, 1e-12);
  EXPECT_NEAR(ly, 201.3397459621556, 1e-12);
  for (int64_t row = 0; row < 15; ++row) {
    for (int64_t col = 0; col < 10; ++col) {
      const auto [x, y] = d.xy(static_cast<double>(row), static_cast<double>(col));
      auto rc = d.index(x, y);
      ASSERT_TRUE(rc.ok());
      EXPECT_EQ(*rc, (std::pair<int64_t, int64_t>{row, col}));
      // A centre is (row + 0.5, col + 0.5): ceil gives the next pixel.
      auto up = d.index(x, y, RoundOp::kCeil);
      ASSERT_TRUE(up.ok());
      EXPECT_EQ(*up, (std::pair<int64_t, int64_t>{row + 1, col + 1}));
    }
  }
  const geo::Bounds b = d.bounds();
  EXPECT_NEAR(b.left, 100.0, 1e-9);
  EXPECT_NEAR(b.bottom, 70.0961894323342, 1e-9);
  EXPECT_NEAR(b.right, 348.20508075688775, 1e-9);
  EXPECT_NEAR(b.top, 300.0, 1e-9);
}

}  // namespace
}  // namespace cogr
