// Rasterize / GeometryMask on small grids whose answers are computed by hand.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "cogr/mask.hpp"

namespace cogr::mask {
namespace {

Geometry Box(double x0, double y0, double x1, double y1) {
  return Geometry{Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, {}}};
}

// Grid as rows of '1'/'0' joined by '|', for readable comparisons.
std::string Render(const std::vector<uint8_t>& grid, uint64_t width) {
  std::string s;
  for (size_t i = 0; i < grid.size(); ++i) {
    if (i > 0 && i % width == 0) s += '|';
    s += grid[i] ? '1' : '0';
  }
  return s;
}

std::string Burn(const std::vector<Geometry>& shapes, uint64_t w, uint64_t h,
                 bool all_touched = false, geo::Affine t = geo::Affine::Identity()) {
  auto r = Rasterize(shapes, w, h, t, all_touched);
  if (!r.ok()) return r.status().ToString();
  return Render(*r, w);
}

TEST(MaskRasterize, SquareOnGridLines) {
  EXPECT_EQ(Burn({Box(1, 1, 3, 3)}, 5, 5), "00000|01100|01100|00000|00000");
  // all_touched: edges on grid lines do not burn the neighbouring pixels.
  EXPECT_EQ(Burn({Box(1, 1, 3, 3)}, 5, 5, true), "00000|01100|01100|00000|00000");
}

TEST(MaskRasterize, CentresOnEdgesFollowGdalHalfOpenRule) {
  // Edges pass through pixel centres: left edge x=0.5 out, right edge x=2.5 in (cols 1,2);
  // upper edge (row 0.5) in, lower edge (row 2.5) out (rows 0,1).
  EXPECT_EQ(Burn({Box(0.5, 0.5, 2.5, 2.5)}, 4, 4), "0110|0110|0000|0000");
  EXPECT_EQ(Burn({Box(0.5, 0.5, 2.5, 2.5)}, 4, 4, true), "1110|1110|1110|0000");
}

TEST(MaskRasterize, Triangle) {
  const Geometry tri{Polygon{{{0, 0}, {4, 0}, {0, 4}, {0, 0}}, {}}};
  // Centre (c+.5, r+.5) burns when c + r <= 3 (the hypotenuse is a right edge: inclusive).
  EXPECT_EQ(Burn({tri}, 4, 4), "1111|1110|1100|1000");
  // all_touched (GDAL 3.6.2's outline walk, as rasterio 1.3.5 answers): the hypotenuse also
  // burns the pixels below it whose corner it passes through (c + r == 4).
  EXPECT_EQ(Burn({tri}, 4, 4, true), "1111|1111|1110|1100");
  const Geometry tri2{Polygon{{{0, 0}, {3.5, 0}, {0, 3.5}, {0, 0}}, {}}};
  // Centre rule: c + r + 1 <= 3.5 strictly inside or on the right edge → c + r <= 2.
  EXPECT_EQ(Burn({tri2}, 4, 4), "1110|1100|1000|0000");
  // Interior of pixel meets x + y <= 3.5 iff c + r < 3.5.
  EXPECT_EQ(Burn({tri2}, 4, 4, true), "1111|1110|1100|1000");
}

TEST(MaskRasterize, PolygonWithHole) {
  Polygon p{{{0, 0}, {6, 0}, {6, 6}, {0, 6}, {0, 0}}, {{{2, 2}, {4, 2}, {4, 4}, {2, 4}, {2, 2}}}};
  EXPECT_EQ(Burn({Geometry{p}}, 6, 6), "111111|111111|110011|110011|111111|111111");
}

TEST(MaskRasterize, MultiPolygonAndCollection) {
  MultiPolygon mp;
  mp.polygons.push_back(std::get<Polygon>(Box(0, 0, 2, 2).value));
  mp.polygons.push_back(std::get<Polygon>(Box(3, 3, 5, 5).value));
  EXPECT_EQ(Burn({Geometry{mp}}, 5, 5), "11000|11000|00000|00011|00011");
  Geometry gc{std::vector<Geometry>{Box(0, 0, 1, 1), Geometry{Point{4.2, 0.7}}}};
  EXPECT_EQ(Burn({gc}, 5, 2), "10001|00000");
}

TEST(MaskRasterize, LinesAndPoints) {
  EXPECT_EQ(Burn({Geometry{LineString{{{0.5, 0.5}, {3.5, 0.5}}}}}, 4, 2), "1111|0000");
  EXPECT_EQ(Burn({Geometry{LineString{{{0, 0}, {3, 3}}}}}, 3, 3), "100|010|001");
  EXPECT_EQ(Burn({Geometry{MultiPoint{{{2.5, 1.2}, {-1, 0}, {0.1, 0.1}}}}}, 3, 2), "100|001");
}

TEST(MaskRasterize, NorthUpTransform) {
  const geo::Affine t{10, 0, 100, 0, -10, 200};
  // World box x 110..130, y 170..190 → cols 1..2, rows 1..2.
  EXPECT_EQ(Burn({Box(110, 170, 130, 190)}, 4, 4, false, t), "0000|0110|0110|0000");
  // Shapes far off the grid burn nothing.
  EXPECT_EQ(Burn({Box(1e20, 1e20, 2e20, 2e20)}, 2, 2, true, t), "00|00");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(
      Burn({Geometry{LineString{{{nan, 0}, {nan, 1}}}}, Geometry{Point{nan, nan}}}, 2, 2, true, t),
      "00|00");
}

TEST(MaskRasterize, GeometryMaskAndInvert) {
  auto outside = GeometryMask({Box(1, 1, 3, 3)}, 4, 3, geo::Affine::Identity(), false, false);
  ASSERT_TRUE(outside.ok());
  EXPECT_EQ(Render(*outside, 4), "1111|1001|1001");
  auto inside = GeometryMask({Box(1, 1, 3, 3)}, 4, 3, geo::Affine::Identity(), false, true);
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(Render(*inside, 4), "0000|0110|0110");
}

TEST(MaskRasterize, Errors) {
  auto r = Rasterize({Box(0, 0, 1, 1)}, 2, 2, geo::Affine{0, 0, 0, 0, 0, 0}, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  auto big = Rasterize({}, 1ull << 40, 1ull << 40, geo::Affine::Identity(), false);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), Code::kLimitExceeded);
}

}  // namespace
}  // namespace cogr::mask
