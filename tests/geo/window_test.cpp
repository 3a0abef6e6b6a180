// Windows and bounds against hand-worked values and the fixtures' rasterio contracts.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cogr/geo.hpp"

namespace cogr::geo {
namespace {

// dt_uint8_deflate_t128.tif: 200 x 169, 10 m pixels; contract bounds
// [583020, 4506290, 585020, 4507980].
const Affine kUtm{10, 0, 583020, 0, -10, 4507980};
// Power-of-two pixel sizes: every step exact.
const Affine kExact{2, 0, 100, 0, -4, 200};
const Affine kExactSouthUp{2, 0, 100, 0, 4, 200};

void ExpectWindowEq(const Window& got, const Window& want) {
  EXPECT_EQ(got.col_off, want.col_off);
  EXPECT_EQ(got.row_off, want.row_off);
  EXPECT_EQ(got.width, want.width);
  EXPECT_EQ(got.height, want.height);
}

TEST(GeoWindow, FromSlices) {
  // rows (1, 5), cols (2, 8) → Window(col_off=2, row_off=1, width=6, height=4).
  ExpectWindowEq(Window::FromSlices({1, 5}, {2, 8}), Window{2, 1, 6, 4});
  // A stop before its start gives an empty length, not a negative one.
  ExpectWindowEq(Window::FromSlices({5, 3}, {0, 1.5}), Window{0, 5, 1.5, 0});
  // Boundless: negative starts stay offsets.
  ExpectWindowEq(Window::FromSlices({-2, 2}, {-3, 0}), Window{-3, -2, 3, 4});
}

TEST(GeoWindow, FromBoundsTable) {
  struct Row {
    const char* what;
    Bounds bounds;
    Affine transform;
    Window want;
  };
  const std::vector<Row> rows = {
      // col = (x - 100) / 2, row = (200 - y) / 4: left 102 → 1, right 110 → 5,
      // top 196 → 1, bottom 180 → 5.
      {"exact", {102, 180, 110, 196}, kExact, {1, 1, 4, 4}},
      // Off-grid box keeps fractions: left 101 → 0.5, right 104 → 2, top 199 → 0.25,
      // bottom 193 → 1.75.
      {"fractional", {101, 193, 104, 199}, kExact, {0.5, 0.25, 1.5, 1.5}},
      // South-up (e > 0): rows grow northwards, so the box needs bottom > top as in
      // rasterio's dataset.bounds; top 204 → row 1, bottom 216 → row 4.
      {"south-up", {102, 216, 110, 204}, kExactSouthUp, {1, 1, 4, 3}},
      // The fixture's own bounds give the whole image (Python: exactly 0, 0, 200, 169).
      {"fixture", {583020, 4506290, 585020, 4507980}, kUtm, {0, 0, 200, 169}},
      // Python: col 8.0, row 48.0, width 15.05000000000291 (float noise), height 50.0.
      {"noise", {583100, 4507000, 583250.5, 4507500}, kUtm, {8, 48, 15.05000000000291, 50}},
      // A zero-area box is a zero-size window, not an error.
      {"empty", {102, 196, 102, 196}, kExact, {1, 1, 0, 0}},
      // Rotated (rasterio >= 1.3 takes the pixel coordinates of all four corners):
      // Affine(1, -1, 0, -1, -1, 0) has the inverse col = (x - y) / 2, row = -(x + y) / 2, so
      // the corners (0, 0), (4, 0), (4, -4), (0, -4) fall on (col, row) (0, 0), (2, -2),
      // (4, 0), (2, 2): cols 0..4, rows -2..2.
      {"rotated 45", {0, -4, 4, 0}, Affine{1, -1, 0, -1, -1, 0}, {0, -2, 4, 4}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    auto w = Window::FromBounds(row.bounds, row.transform);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ExpectWindowEq(*w, row.want);
  }
}

TEST(GeoWindow, FromBoundsRejectsInconsistent) {
  struct Row {
    const char* what;
    Bounds bounds;
    Affine transform;
    const char* message_part;
  };
  const std::vector<Row> rows = {
      {"left > right", {110, 180, 102, 196}, kExact, "inconsistent"},
      {"bottom > top, north-up", {102, 196, 110, 180}, kExact, "inconsistent"},
      {"bottom < top, south-up", {102, 204, 110, 216}, kExactSouthUp, "inconsistent"},
      {"zero pixel size", {0, 0, 10, 10}, Affine{0, 0, 0, 0, -1, 0}, "inconsistent"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    auto w = Window::FromBounds(row.bounds, row.transform);
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.status().code(), Code::kInvalidArgument);
    EXPECT_NE(w.status().message().find(row.message_part), std::string::npos)
        << w.status().message();
  }
}

TEST(GeoWindow, RoundingSnapsToAThousandthOfAPixel) {
  struct Row {
    Window in;
    Window offsets;  // RoundOffsets(): floor
    Window lengths;  // RoundLengths(): ceil
    std::array<int64_t, 4> ints;
  };
  const std::vector<Row> rows = {
      {{0.5, 0.25, 10.2, 3}, {0, 0, 10.2, 3}, {0.5, 0.25, 11, 3}, {0, 0, 11, 3}},
      // float noise just below an integer offset and just above an integer length.
      {{7.9999999999, 48, 15.00000000001, 50},
       {8, 48, 15.00000000001, 50},
       {7.9999999999, 48, 15, 50},
       {8, 48, 15, 50}},
      // from_bounds' 15.05000000000291 really is 15.05 pixels: ceil → 16.
      {{8, 48, 15.05000000000291, 50},
       {8, 48, 15.05000000000291, 50},
       {8, 48, 16, 50},
       {8, 48, 16, 50}},
      // within half a thousandth of the integer below / above.
      {{2.0004, 3.9996, 2.9996, 4.0004},
       {2, 4, 2.9996, 4.0004},
       {2.0004, 3.9996, 3, 4},
       {2, 4, 3, 4}},
      // negative offsets floor away from zero.
      {{-0.5, -3.2, 1, 1}, {-1, -4, 1, 1}, {-0.5, -3.2, 1, 1}, {-1, -4, 1, 1}},
  };
  for (const Row& row : rows) {
    ExpectWindowEq(row.in.RoundOffsets(), row.offsets);
    ExpectWindowEq(row.in.RoundLengths(), row.lengths);
    EXPECT_EQ(row.in.ToInts(), row.ints);
  }
  // Values beyond int64 saturate instead of overflowing.
  EXPECT_EQ((Window{1e300, -1e300, 0, 0}).ToInts(),
            (std::array<int64_t, 4>{INT64_MAX, INT64_MIN, 0, 0}));
}

TEST(GeoWindow, IntersectionAndUnion) {
  struct Row {
    Window a, b;
    bool meet;
    Window intersection, uni;
  };
  const std::vector<Row> rows = {
      {{0, 0, 10, 10}, {5, 5, 10, 10}, true, {5, 5, 5, 5}, {0, 0, 15, 15}},
      {{0, 0, 10, 10}, {2, 3, 4, 5}, true, {2, 3, 4, 5}, {0, 0, 10, 10}},
      {{-5, -5, 10, 10}, {0.5, 0.5, 1, 1}, true, {0.5, 0.5, 1, 1}, {-5, -5, 10, 10}},
      // Touching edges do not intersect (windows.intersect uses >= / <=).
      {{0, 0, 10, 10}, {10, 0, 5, 5}, false, {}, {0, 0, 15, 10}},
      {{0, 0, 10, 10}, {20, 20, 1, 1}, false, {}, {0, 0, 21, 21}},
  };
  for (const Row& row : rows) {
    auto got = Intersection(row.a, row.b);
    if (row.meet) {
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ExpectWindowEq(*got, row.intersection);
    } else {
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(got.status().code(), Code::kOutOfRange);
      EXPECT_EQ(got.status().message(), "windows do not intersect");
    }
    ExpectWindowEq(Union(row.a, row.b), row.uni);
    ExpectWindowEq(Union(row.b, row.a), row.uni);
  }
}

TEST(GeoWindow, TransformOfWindow) {
  // T*(3, 2) = (583050, 4507960); translation(30, -20) * T keeps the pixel size.
  const Affine wt = WindowTransform(Window{3, 2, 10, 10}, kUtm);
  EXPECT_EQ(wt.ToArray(), (std::array<double, 6>{10, 0, 583050, 0, -10, 4507960}));
  // Rotated (rasterio__rotated.tif): Python gives c = 122.32050807568878,
  // f = 201.3397459621556; a, b, d, e unchanged.
  const Affine rotated{17.320508075688775, 4.999999999999999,  100.0,
                       9.999999999999998,  -8.660254037844387, 200.0};
  const Affine rwt = WindowTransform(Window{1, 1, 1, 1}, rotated);
  EXPECT_EQ(rwt.ToArray(),
            (std::array<double, 6>{17.320508075688775, 4.999999999999999, 122.32050807568878,
                                   9.999999999999998, -8.660254037844387, 201.3397459621556}));
  // A window's transform maps its own (0, 0) to the parent's (col_off, row_off).
  EXPECT_EQ(WindowTransform(Window{0, 0, 5, 5}, kUtm).ToArray(), kUtm.ToArray());
}

TEST(GeoWindow, BoundsOfWindowAndImage) {
  struct Row {
    const char* what;
    Bounds got, want;
    double tolerance;
  };
  const Affine rotated_fixture{8.660254, -5.0, 583000.0, -5.0, -8.660254, 4507000.0};
  const std::vector<Row> rows = {
      // The contract of dt_uint8_deflate_t128: 583020 + 10*200, 4507980 - 10*169.
      {"window = image",
       WindowBounds(Window{0, 0, 200, 169}, kUtm),
       {583020, 4506290, 585020, 4507980},
       0},
      {"image", ImageBounds(kUtm, 200, 169), {583020, 4506290, 585020, 4507980}, 0},
      // Part: cols 10..20, rows 5..8 → x 583120..583220, y 4507900..4507930.
      {"window", WindowBounds(Window{10, 5, 10, 3}, kUtm), {583120, 4507900, 583220, 4507930}, 0},
      // cogeotiff__model_transformation.tif (south-up, e = +10): the contract's bounds
      // [418080, 4423780, 418180, 4423680] have bottom > top.
      {"south-up",
       ImageBounds(Affine{10, 0, 418080, 0, 10, 4423680}, 10, 10),
       {418080, 4423780, 418180, 4423680},
       0},
      // rotated_modeltransformation_32618.tif, 169 x 169: corners (583000, 4507000),
      // (582155, 4505536.417074), (583618.582926, 4504691.417074), (584463.582926, 4506155);
      // contract bounds [582155, 4504691.417074, 584463.582926, 4507000].
      {"rotated",
       ImageBounds(rotated_fixture, 169, 169),
       {582155, 4504691.417074, 584463.582926, 4507000},
       1e-6},
      // rasterio__rotated.tif, 10 x 15: contract [100, 70.0961894323342, 348.20508075688775, 300].
      {"rasterio rotated",
       ImageBounds(Affine{17.320508075688775, 4.999999999999999, 100.0, 9.999999999999998,
                          -8.660254037844387, 200.0},
                   10, 15),
       {100.0, 70.0961894323342, 348.20508075688775, 300.0},
       1e-9},
      // pixelispoint_4326.tif after the half-pixel shift: contract
      // [-75.52, 40.81001, -75.40001, 40.93].
      {"pixel-is-point",
       ImageBounds(Affine{0.00071, 0, -75.52, 0, -0.00071, 40.93}, 169, 169),
       {-75.52, 40.81001, -75.40001, 40.93},
       1e-9},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    EXPECT_NEAR(row.got.left, row.want.left, row.tolerance);
    EXPECT_NEAR(row.got.bottom, row.want.bottom, row.tolerance);
    EXPECT_NEAR(row.got.right, row.want.right, row.tolerance);
    EXPECT_NEAR(row.got.top, row.want.top, row.tolerance);
  }
}

TEST(GeoWindow, BoundsAndFromBoundsAreInverse) {
  for (const Affine& t : {kUtm, kExact, kExactSouthUp}) {
    const Window w{3, 4, 5, 6};
    auto back = Window::FromBounds(WindowBounds(w, t), t);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->ToInts(), w.ToInts());
  }
}

}  // namespace
}  // namespace cogr::geo
