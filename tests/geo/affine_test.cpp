// Affine, Xy and RowCol against hand-worked values and transforms rasterio produced for the
// fixture files (tests/data/*.json contracts). Values marked "Python" were computed with
// Python floats using affine 2.x's formulas, i.e. what rasterio returns bit for bit.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cogr/geo.hpp"

namespace cogr::geo {
namespace {

void ExpectAffineEq(const Affine& got, const Affine& want) {
  EXPECT_EQ(got.ToArray(), want.ToArray());
}

// dt_uint8_deflate_t128.tif (EPSG:32618): 10 m pixels, north-up.
const Affine kUtm{10, 0, 583020, 0, -10, 4507980};
// Power-of-two pixel sizes keep every step exact: a=2, e=-4.
const Affine kExact{2, 0, 100, 0, -4, 200};

TEST(GeoAffine, CompositionOrderFollowsAffine) {
  struct Row {
    const char* what;
    Affine got, want;
  };
  const std::vector<Row> rows = {
      // T(10,20)*S(2,3): scale first, then translate: (2, 0, 10, 0, 3, 20).
      {"T*S", Affine::Translation(10, 20) * Affine::Scale(2, 3), Affine{2, 0, 10, 0, 3, 20}},
      // S(2,3)*T(10,20): translation is scaled too: c = 2*10 = 20, f = 3*20 = 60.
      {"S*T", Affine::Scale(2, 3) * Affine::Translation(10, 20), Affine{2, 0, 20, 0, 3, 60}},
      {"S(s)", Affine::Scale(0.5), Affine{0.5, 0, 0, 0, 0.5, 0}},
      {"I*T", Affine::Identity() * kUtm, kUtm},
      // rasterio__rotated.tif's transform, which rasterio built as
      // translation(100, 200) * rotation(30) * scale(20, -10): cos 30° = 0.8660254037844387,
      // sin 30° = 0.49999999999999994, so b = -sin*-10 = 4.999999999999999 and
      // d = sin*20 = 9.999999999999998 (the fixture's contract.transform).
      {"rasterio__rotated",
       Affine::Translation(100, 200) * Affine::Rotation(30) * Affine::Scale(20, -10),
       Affine{17.320508075688775, 4.999999999999999, 100.0, 9.999999999999998, -8.660254037844387,
              200.0}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    ExpectAffineEq(row.got, row.want);
  }
}

TEST(GeoAffine, RotationUsesExactRightAnglesAndPythonModulo) {
  // cos_sin_deg special-cases 90/180/270 after deg % 360 (Python modulo: -90 → 270).
  ExpectAffineEq(Affine::Rotation(90), Affine{0, -1, 0, 1, 0, 0});
  ExpectAffineEq(Affine::Rotation(-90), Affine{0, 1, 0, -1, 0, 0});
  ExpectAffineEq(Affine::Rotation(450), Affine{0, -1, 0, 1, 0, 0});
  ExpectAffineEq(Affine::Rotation(180), Affine{-1, 0, 0, 0, -1, 0});
  ExpectAffineEq(Affine::Rotation(0), Affine::Identity());
  // Python: Affine.rotation(30) == (0.8660254037844387, -0.49999999999999994, 0, ...).
  ExpectAffineEq(Affine::Rotation(30), Affine{0.8660254037844387, -0.49999999999999994, 0,
                                              0.49999999999999994, 0.8660254037844387, 0});
  ExpectAffineEq(Affine::Rotation(390), Affine::Rotation(30));
  ExpectAffineEq(Affine::Rotation(-330), Affine::Rotation(30));
}

TEST(GeoAffine, ApplyAndGdalOrder) {
  // x = 10*5 + 0*7 + 583020 = 583070; y = 0*5 - 10*7 + 4507980 = 4507910.
  EXPECT_EQ(kUtm.Apply(5, 7), (std::pair<double, double>{583070, 4507910}));
  EXPECT_EQ(kUtm.ToGdal(), (std::array<double, 6>{583020, 10, 0, 4507980, 0, -10}));
  ExpectAffineEq(Affine::FromGdal(583020, 10, 0, 4507980, 0, -10), kUtm);
  EXPECT_EQ(kUtm.Determinant(), -100);
  EXPECT_TRUE(kUtm.IsRectilinear());
  EXPECT_FALSE(Affine::Rotation(30).IsRectilinear());
}

TEST(GeoAffine, Inverse) {
  struct Row {
    const char* what;
    Affine t, want;
  };
  const std::vector<Row> rows = {
      // det = 2*-4 = -8, idet = -0.125: a' = -4*-0.125 = 0.5, e' = 2*-0.125 = -0.25,
      // c' = -100*0.5 - 200*0 = -50, f' = -100*0 - 200*-0.25 = 50.
      {"exact", kExact, Affine{0.5, 0, -50, 0, -0.25, 50}},
      // Python: ~Affine(10, 0, 583020, 0, -10, 4507980) == (0.1, 0, -58302, 0, -0.1, 450798).
      {"utm", kUtm, Affine{0.1, 0, -58302, 0, -0.1, 450798}},
      // A 90° turn inverts to a -90° turn: det = 1, a' = e = 0, b' = -b = 1, d' = -d = -1.
      {"rotation", Affine::Rotation(90), Affine::Rotation(-90)},
      // South-up (e > 0): cogeotiff__model_transformation.tif's 10 m grid.
      {"south-up", Affine{10, 0, 418080, 0, 10, 4423680}, Affine{0.1, 0, -41808, 0, 0.1, -442368}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    auto inverse = row.t.Inverse();
    ASSERT_TRUE(inverse.ok()) << inverse.status().ToString();
    ExpectAffineEq(*inverse, row.want);
  }
  ExpectAffineEq(*kExact.Inverse() * kExact, Affine::Identity());
}

TEST(GeoAffine, InverseOfDegenerateTransformFails) {
  for (const Affine& t : {Affine::Scale(0), Affine{1, 2, 0, 2, 4, 0}, Affine{0, 0, 5, 0, 0, 5}}) {
    auto inverse = t.Inverse();
    ASSERT_FALSE(inverse.ok());
    EXPECT_EQ(inverse.status().code(), Code::kInvalidArgument);
    EXPECT_NE(inverse.status().message().find("degenerate"), std::string::npos)
        << inverse.status().message();
  }
}

TEST(GeoXy, OffsetsOfPixel) {
  struct Row {
    PixelOffset offset;
    double x, y;
  };
  // Row 2, col 3 of kUtm: corner (col, row) = (3, 2) → x = 583050, y = 4507960.
  const std::vector<Row> rows = {
      {PixelOffset::kCenter, 583055, 4507955},  // (3.5, 2.5)
      {PixelOffset::kUl, 583050, 4507960},      // (3, 2)
      {PixelOffset::kUr, 583060, 4507960},      // (4, 2)
      {PixelOffset::kLl, 583050, 4507950},      // (3, 3)
      {PixelOffset::kLr, 583060, 4507950},      // (4, 3)
  };
  for (const Row& row : rows) {
    const auto [x, y] = Xy(kUtm, 2, 3, row.offset);
    EXPECT_EQ(x, row.x) << static_cast<int>(row.offset);
    EXPECT_EQ(y, row.y) << static_cast<int>(row.offset);
  }
  // The default is the centre.
  EXPECT_EQ(Xy(kUtm, 2, 3), Xy(kUtm, 2, 3, PixelOffset::kCenter));
}

TEST(GeoXy, RotatedSouthUpAndPixelIsPoint) {
  const Affine rotated{17.320508075688775, 4.999999999999999,  100.0,
                       9.999999999999998,  -8.660254037844387, 200.0};
  // Upper-left of pixel (0, 0) is the origin whatever the rotation.
  EXPECT_EQ(Xy(rotated, 0, 0, PixelOffset::kUl), (std::pair<double, double>{100.0, 200.0}));
  // Lower-right of pixel (0, 0) = T*(1, 1) = (100 + 17.32... + 5, 200 + 10 - 8.66...).
  EXPECT_EQ(Xy(rotated, 0, 0, PixelOffset::kLr), rotated.Apply(1, 1));
  EXPECT_NEAR(Xy(rotated, 0, 0, PixelOffset::kLr).first, 122.32050807568878, 1e-12);
  EXPECT_NEAR(Xy(rotated, 0, 0, PixelOffset::kLr).second, 201.3397459621556, 1e-12);

  // South-up: y grows with the row.
  const Affine south_up{10, 0, 418080, 0, 10, 4423680};
  EXPECT_EQ(Xy(south_up, 9, 0, PixelOffset::kLl), (std::pair<double, double>{418080, 4423780}));

  // pixelispoint_4326.tif: the tie point (-75.519645, 40.929645) is the centre of pixel
  // (0, 0); GDAL moves the origin half a pixel: T * translation(-0.5, -0.5). Python gives
  // exactly the contract's (0.00071, 0, -75.52, 0, -0.00071, 40.93).
  const Affine point{0.00071, 0, -75.519645, 0, -0.00071, 40.929645};
  const Affine area = point * Affine::Translation(-0.5, -0.5);
  ExpectAffineEq(area, Affine{0.00071, 0, -75.52, 0, -0.00071, 40.93});
  const auto [x, y] = Xy(area, 0, 0);
  EXPECT_NEAR(x, -75.519645, 1e-12);
  EXPECT_NEAR(y, 40.929645, 1e-12);
}

TEST(GeoRowCol, FloorsWithoutEpsilon) {
  struct Row {
    double x, y;
    int64_t row, col;
  };
  // kExact inverse: col = 0.5*x - 50, row = -0.25*y + 50, all exact.
  const std::vector<Row> rows = {
      {101, 199, 0, 0},       // col 0.5, row 0.25
      {102, 196, 1, 1},       // exactly on the corner of pixel (1, 1)
      {99.9, 200.1, -1, -1},  // col -0.05, row -0.025: floor, not truncation
      {119.999, 160.001, 9, 9},
  };
  for (const Row& row : rows) {
    auto rc = RowCol(kExact, row.x, row.y);
    ASSERT_TRUE(rc.ok()) << rc.status().ToString();
    EXPECT_EQ(rc->first, row.row) << row.x << "," << row.y;
    EXPECT_EQ(rc->second, row.col) << row.x << "," << row.y;
  }
  // Python: (~kUtm) * (583030, 4507970) == (1.0, 1.0) exactly, so the pixel edge belongs to
  // pixel (1, 1) as in rasterio 1.3 (which dropped the 1.2 epsilon).
  auto edge = RowCol(kUtm, 583030, 4507970);
  ASSERT_TRUE(edge.ok());
  EXPECT_EQ(*edge, (std::pair<int64_t, int64_t>{1, 1}));
}

TEST(GeoRowCol, RoundTripsXyOnRotatedAndSouthUp) {
  const Affine rotated =
      Affine::Translation(100, 200) * Affine::Rotation(30) * Affine::Scale(20, -10);
  const Affine south_up{10, 0, 418080, 0, 10, 4423680};
  for (const Affine& t : {rotated, south_up, kUtm}) {
    for (int64_t r : {0, 3, 14}) {
      for (int64_t c : {0, 7, 9}) {
        const auto [x, y] = Xy(t, static_cast<double>(r), static_cast<double>(c));
        auto rc = RowCol(t, x, y);
        ASSERT_TRUE(rc.ok());
        EXPECT_EQ(*rc, (std::pair<int64_t, int64_t>{r, c}));
      }
    }
  }
}

TEST(GeoRowCol, RoundingOps) {
  struct Row {
    double x, y;
    RoundOp op;
    int64_t row, col;
  };
  // kExact inverse: col = 0.5*x - 50, row = -0.25*y + 50, all exact.
  const std::vector<Row> rows = {
      {101, 199, RoundOp::kFloor, 0, 0},  // col 0.5, row 0.25
      {101, 199, RoundOp::kCeil, 1, 1},
      {101, 199, RoundOp::kRound, 0, 0},  // Python round(0.5) == 0 (half to even)
      {103, 194, RoundOp::kRound, 2, 2},  // col 1.5, row 1.5: round(1.5) == 2
      {105, 190, RoundOp::kRound, 2, 2},  // col 2.5, row 2.5: round(2.5) == 2
      {99, 202, RoundOp::kRound, 0, 0},   // col -0.5, row -0.5: round(-0.5) == -0 == 0
      {99, 202, RoundOp::kFloor, -1, -1},
      {99, 202, RoundOp::kCeil, 0, 0},
      {104.2, 193.2, RoundOp::kRound, 2, 2},  // col 2.1, row 1.7
      {102, 196, RoundOp::kCeil, 1, 1},       // exact corner: ceil leaves integers alone
  };
  for (const Row& row : rows) {
    auto rc = RowCol(kExact, row.x, row.y, row.op);
    ASSERT_TRUE(rc.ok()) << rc.status().ToString();
    EXPECT_EQ(*rc, (std::pair<int64_t, int64_t>{row.row, row.col}))
        << row.x << "," << row.y << " " << RoundOpName(row.op);
  }
  // The three-argument form is op=floor.
  EXPECT_EQ(*RowCol(kUtm, 583035.5, 4507964.5),
            *RowCol(kUtm, 583035.5, 4507964.5, RoundOp::kFloor));
}

TEST(GeoRowCol, OpAndOffsetNames) {
  for (RoundOp op : {RoundOp::kFloor, RoundOp::kRound, RoundOp::kCeil}) {
    EXPECT_EQ(*ParseRoundOp(RoundOpName(op)), op);
  }
  for (PixelOffset o : {PixelOffset::kCenter, PixelOffset::kUl, PixelOffset::kUr, PixelOffset::kLl,
                        PixelOffset::kLr}) {
    EXPECT_EQ(*ParsePixelOffset(PixelOffsetName(o)), o);
  }
  EXPECT_EQ(ParseRoundOp("trunc").status().message(),
            "unknown rounding op 'trunc' (expected floor, round or ceil)");
  EXPECT_EQ(ParsePixelOffset("middle").status().message(),
            "unknown pixel offset 'middle' (expected center, ul, ur, ll or lr)");
}

TEST(GeoRowCol, Errors) {
  auto degenerate = RowCol(Affine::Scale(0), 1, 1);
  ASSERT_FALSE(degenerate.ok());
  EXPECT_EQ(degenerate.status().code(), Code::kInvalidArgument);
  // 1e300 / 1e-10 overflows to inf: no int64 pixel index.
  auto huge = RowCol(Affine::Scale(1e-10), 1e300, 0);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), Code::kInvalidArgument);
  EXPECT_NE(huge.status().message().find("not representable"), std::string::npos);
}

}  // namespace
}  // namespace cogr::geo
