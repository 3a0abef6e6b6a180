// `cogr clip` end to end on dt_uint8_deflate_t128.tif (200x169 uint8, 10 m pixels, transform
// (10, 0, 583020, 0, -10, 4507980), EPSG:32618, no nodata). Expected arrays are derived
// independently: a plain read of the file plus an even-odd point-in-polygon test at pixel
// centres written here (or, for all_touched, hand-computed pixel ranges of boxes). The .tif
// outputs are read back through cogr and through libtiff.
#include <gtest/gtest.h>
#include <tiffio.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

constexpr char kUtmFile[] = "fixtures/dt_uint8_deflate_t128.tif";
constexpr double kX0 = 583020, kY0 = 4507980, kRes = 10;
constexpr uint64_t kW = 200, kH = 169;

using Ring = std::vector<std::pair<double, double>>;  // pixel-space (col, row), closed
using Poly = std::vector<Ring>;                       // exterior, holes...

Ring Closed(Ring r) {
  r.push_back(r.front());
  return r;
}

// Even-odd over every ring of every polygon, at pixel-space point (c, r).
bool Inside(const std::vector<Poly>& polys, double c, double r) {
  bool in = false;
  for (const Poly& p : polys) {
    for (const Ring& ring : p) {
      for (size_t i = 0; i + 1 < ring.size(); ++i) {
        const auto [ax, ay] = ring[i];
        const auto [bx, by] = ring[i + 1];
        if ((ay > r) != (by > r) && c < ax + (r - ay) * (bx - ax) / (by - ay)) in = !in;
      }
    }
  }
  return in;
}

// The smallest distance (pixels) from a pixel centre of the image to an edge of `polys`:
// expected arrays are well-posed only when no centre is (nearly) on an edge.
double MinCentreDistance(const std::vector<Poly>& polys) {
  double best = 1e300;
  for (const Poly& p : polys) {
    for (const Ring& ring : p) {
      for (size_t i = 0; i + 1 < ring.size(); ++i) {
        const auto [ax, ay] = ring[i];
        const auto [bx, by] = ring[i + 1];
        const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
        for (uint64_t r = 0; r < kH; ++r) {
          for (uint64_t c = 0; c < kW; ++c) {
            const double px = c + 0.5, py = r + 0.5;
            const double t = std::clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0.0, 1.0);
            best = std::min(best, std::hypot(px - ax - t * dx, py - ay - t * dy));
          }
        }
      }
    }
  }
  return best;
}

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// A FeatureCollection with one MultiPolygon feature, coordinates mapped by `to_world`.
template <class F>
std::string GeoJson(const std::vector<Poly>& polys, F to_world,
                    const std::string& crs_member = "") {
  std::string s = R"({"type": "FeatureCollection", )";
  if (!crs_member.empty())
    s += R"("crs": {"type": "name", "properties": {"name": ")" + crs_member + R"("}}, )";
  s +=
      R"("features": [{"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [)";
  for (size_t p = 0; p < polys.size(); ++p) {
    s += p ? ", [" : "[";
    for (size_t r = 0; r < polys[p].size(); ++r) {
      s += r ? ", [" : "[";
      for (size_t i = 0; i < polys[p][r].size(); ++i) {
        const auto [x, y] = to_world(polys[p][r][i].first, polys[p][r][i].second);
        s += (i ? ", [" : "[") + Num(x) + ", " + Num(y) + "]";
      }
      s += "]";
    }
    s += "]";
  }
  return s + "]}}]}";
}

std::pair<double, double> Utm(double c, double r) { return {kX0 + kRes * c, kY0 - kRes * r}; }

class ClipCli : public test::CliFixture {
 protected:
  void SetUp() override {
    test::CliFixture::SetUp();
    auto ds = Dataset::Open(test::DataPath(kUtmFile));
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ASSERT_EQ((*ds)->width(), kW);
    ASSERT_EQ((*ds)->height(), kH);
    ASSERT_EQ((*ds)->nodata(), std::nullopt);
    auto full = (*ds)->Read();
    ASSERT_TRUE(full.ok());
    full_ = std::move(*full);
  }

  // The expected masked array of window (col0, row0, w, h): plain pixels where `keep`, else fill.
  template <class Keep>
  Array Expected(uint64_t col0, uint64_t row0, uint64_t w, uint64_t h, uint8_t fill,
                 Keep keep) const {
    Array a;
    a.dtype = DataType::kUInt8;
    a.bands = 1;
    a.height = h;
    a.width = w;
    a.data.resize(w * h);
    for (uint64_t r = 0; r < h; ++r) {
      for (uint64_t c = 0; c < w; ++c) {
        const uint64_t gc = col0 + c, gr = row0 + r;
        a.data[r * w + c] = keep(gc, gr) ? full_.data[gr * kW + gc] : fill;
      }
    }
    return a;
  }

  static Array FromNpy(const test::Npy& npy) {
    Array a;
    a.dtype = DataType::kUInt8;
    if (npy.shape.size() == 3) {
      a.bands = npy.shape[0];
      a.height = npy.shape[1];
      a.width = npy.shape[2];
    }
    a.data = npy.data;
    return a;
  }

  Array full_;
};

// A polygon with a hole and a polygon crossing the right edge of the image.
const std::vector<Poly>& HoleAndEdge() {
  static const std::vector<Poly> polys = {
      {Closed({{10.31, 12.73}, {90.77, 20.29}, {70.33, 110.71}, {15.73, 80.37}}),
       Closed({{30.37, 40.31}, {50.71, 40.33}, {40.29, 60.77}})},
      {Closed({{150.31, 100.37}, {230.73, 110.71}, {160.77, 160.33}})},
  };
  return polys;
}

TEST_F(ClipCli, NpyWithHoleAndImageEdgeMatchesPointInPolygon) {
  ASSERT_GT(MinCentreDistance(HoleAndEdge()), 1e-5);
  WriteText("aoi.geojson", GeoJson(HoleAndEdge(), Utm));
  const std::string out = dir_ / "out.npy";
  test::CliRun r =
      Run({"clip", test::DataPath(kUtmFile), "--geojson", dir_ / "aoi.geojson", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");  // stderr is not a terminal: no progress bar
  test::Npy npy = test::LoadNpy(out);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.descr, "|u1");
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{1, kH, kW}));
  const Array want = Expected(0, 0, kW, kH, 0, [](uint64_t c, uint64_t row) {
    return Inside(HoleAndEdge(), c + 0.5, row + 0.5);
  });
  EXPECT_EQ(test::FirstDifference(FromNpy(npy), want), -1);
  // The hole and the outside are masked, the ring between them kept.
  EXPECT_FALSE(Inside(HoleAndEdge(), 40.5, 45.5));
  EXPECT_TRUE(Inside(HoleAndEdge(), 20.5, 30.5));
  EXPECT_TRUE(Inside(HoleAndEdge(), 190.5, 120.5));

  // --invert keeps exactly the other pixels.
  const std::string inv = dir_ / "inv.npy";
  r = Run({"clip", test::DataPath(kUtmFile), "--geojson", dir_ / "aoi.geojson", "--invert",
           "--nodata", "9", "-o", inv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Array want_inv = Expected(0, 0, kW, kH, 9, [](uint64_t c, uint64_t row) {
    return !Inside(HoleAndEdge(), c + 0.5, row + 0.5);
  });
  EXPECT_EQ(test::FirstDifference(FromNpy(test::LoadNpy(inv)), want_inv), -1);
}

TEST_F(ClipCli, CroppedTifRoundTripsThroughCogrAndLibtiff) {
  // A multipolygon: a triangle and a box; window cols floor(20.3)..ceil(130.7), rows
  // floor(30.3)..ceil(140.7) = (20, 30, 111, 111).
  const std::vector<Poly> polys = {
      {Closed({{20.3, 30.3}, {60.7, 35.3}, {40.3, 70.7}})},
      {Closed({{100.3, 100.3}, {130.7, 100.3}, {130.7, 140.7}, {100.3, 140.7}})},
  };
  ASSERT_GT(MinCentreDistance(polys), 1e-5);
  WriteText("aoi.geojson", GeoJson(polys, Utm));
  const std::string out = dir_ / "clip.tif";
  test::CliRun r = Run({"clip", test::DataPath(kUtmFile), "--geojson", dir_ / "aoi.geojson",
                        "--crop", "--nodata", "7", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(DirEntries(), (std::vector<std::string>{"aoi.geojson", "clip.tif"}));
  const Array want = Expected(20, 30, 111, 111, 7, [&](uint64_t c, uint64_t row) {
    return Inside(polys, c + 0.5, row + 0.5);
  });

  auto ds = Dataset::Open(out);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->width(), 111u);
  EXPECT_EQ((*ds)->height(), 111u);
  EXPECT_EQ((*ds)->transform(), (geo::Affine{10, 0, kX0 + 200, 0, -10, kY0 - 300}));
  EXPECT_EQ((*ds)->crs_epsg(), 32618);
  EXPECT_EQ((*ds)->nodata(), 7.0);
  EXPECT_EQ((*ds)->compression(), "deflate");
  auto back = (*ds)->Read();
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(test::FirstDifference(*back, want), -1);

  std::string error;
  const Array lt = test::ReadWithLibtiff(out, 0, DataType::kUInt8, error);
  ASSERT_EQ(error, "");
  EXPECT_EQ(test::FirstDifference(lt, want), -1);
  TIFF* tif = TIFFOpen(out.c_str(), "r");
  ASSERT_NE(tif, nullptr);
  uint16_t compression = 0;
  TIFFGetField(tif, TIFFTAG_COMPRESSION, &compression);
  EXPECT_EQ(compression, COMPRESSION_ADOBE_DEFLATE);
  EXPECT_TRUE(TIFFIsTiled(tif));
  TIFFClose(tif);

  // --compress zstd, when built in.
  const std::string zst = dir_ / "clip_zstd.tif";
  r = Run({"clip", test::DataPath(kUtmFile), "--geojson", dir_ / "aoi.geojson", "--crop",
           "--nodata", "7", "--compress", "zstd", "-o", zst});
  if (r.exit_code == 0) {
    auto z = Dataset::Open(zst);
    ASSERT_TRUE(z.ok());
    EXPECT_EQ((*z)->compression(), "zstd");
    auto zr = (*z)->Read();
    ASSERT_TRUE(zr.ok());
    EXPECT_EQ(test::FirstDifference(*zr, want), -1);
  } else {
    EXPECT_NE(r.err.find("zstd"), std::string::npos) << r.err;
  }
}

TEST_F(ClipCli, CropAtImageEdgeAndAllTouched) {
  // A box crossing the bottom-right corner: cropped window (180, 150, 20, 19).
  const std::vector<Poly> corner = {
      {Closed({{180.3, 150.3}, {230.7, 150.3}, {230.7, 190.7}, {180.3, 190.7}})}};
  WriteText("corner.geojson", GeoJson(corner, Utm));
  const std::string out = dir_ / "corner.npy";
  test::CliRun r = Run({"clip", test::DataPath(kUtmFile), "--geojson", dir_ / "corner.geojson",
                        "--crop", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  test::Npy npy = test::LoadNpy(out);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{1, 19, 20}));
  // Centres c + 0.5 > 180.3 for every column from 180; rows likewise from 150.
  EXPECT_EQ(test::FirstDifference(FromNpy(npy), Expected(180, 150, 20, 19, 0,
                                                         [](uint64_t, uint64_t) { return true; })),
            -1);

  // A box (100.7..130.3, 50.7..60.3): centres inside for cols 101..129, rows 51..59; every
  // pixel it touches: cols 100..130, rows 50..60.
  const std::vector<Poly> box = {
      {Closed({{100.7, 50.7}, {130.3, 50.7}, {130.3, 60.3}, {100.7, 60.3}})}};
  WriteText("box.geojson", GeoJson(box, Utm));
  for (bool touched : {false, true}) {
    const std::string o = dir_ / (touched ? "t.npy" : "c.npy");
    std::vector<std::string> args = {
        "clip", test::DataPath(kUtmFile), "--geojson", dir_ / "box.geojson", "--nodata", "3", "-o",
        o};
    if (touched) args.push_back("--all-touched");
    r = Run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const uint64_t c0 = touched ? 100 : 101, c1 = touched ? 130 : 129;
    const uint64_t r0 = touched ? 50 : 51, r1 = touched ? 60 : 59;
    const Array want = Expected(0, 0, kW, kH, 3, [&](uint64_t c, uint64_t row) {
      return c >= c0 && c <= c1 && row >= r0 && row <= r1;
    });
    EXPECT_EQ(test::FirstDifference(FromNpy(test::LoadNpy(o)), want), -1) << touched;
  }
}

TEST_F(ClipCli, ShapesInWgs84EqualTheSameShapesInUtm) {
  if (geo::Crs::FromEpsg(4326).status().code() == Code::kUnsupported) GTEST_SKIP() << "no PROJ";
  auto utm = geo::Crs::FromEpsg(32618);
  auto wgs84 = geo::Crs::FromEpsg(4326);
  ASSERT_TRUE(utm.ok() && wgs84.ok());
  auto lonlat = [&](double c, double r) {
    auto p = geo::TransformPoints(*utm, *wgs84, {Utm(c, r)});
    EXPECT_TRUE(p.ok());
    return (*p)[0];
  };
  WriteText("utm.geojson", GeoJson(HoleAndEdge(), Utm));
  WriteText("plain.geojson", GeoJson(HoleAndEdge(), lonlat));
  WriteText("member.geojson", GeoJson(HoleAndEdge(), lonlat, "urn:ogc:def:crs:OGC:1.3:CRS84"));
  const std::string want = dir_ / "utm.npy";
  test::CliRun r = Run(
      {"clip", test::DataPath(kUtmFile), "--geojson", dir_ / "utm.geojson", "--crop", "-o", want});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string a = dir_ / "a.npy", b = dir_ / "b.npy";
  r = Run({"clip", test::DataPath(kUtmFile), "--geojson", dir_ / "plain.geojson", "--geojson-crs",
           "EPSG:4326", "--crop", "-o", a});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run(
      {"clip", test::DataPath(kUtmFile), "--geojson", dir_ / "member.geojson", "--crop", "-o", b});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<uint8_t> want_bytes = test::ReadFileBytes(want);
  ASSERT_GT(want_bytes.size(), 128u);
  EXPECT_TRUE(test::ReadFileBytes(a) == want_bytes);
  EXPECT_TRUE(test::ReadFileBytes(b) == want_bytes);
  // Without a CRS the degrees are taken as UTM metres: nowhere near the raster. As rasterio
  // does, that is a warning and everything masked (an error with --crop).
  r = Run({"clip", test::DataPath(kUtmFile), "--geojson", dir_ / "plain.geojson", "-o",
           dir_ / "x.npy"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.err,
      "cogr: warning: " + test::DataPath(kUtmFile) +
          ": shapes are outside bounds of raster. Are they in different coordinate reference systems?\n");
  test::Npy all_masked = test::LoadNpy(dir_ / "x.npy");
  ASSERT_TRUE(all_masked.ok) << all_masked.error;
  EXPECT_EQ(all_masked.shape, (std::vector<uint64_t>{1, kH, kW}));
  EXPECT_EQ(std::count(all_masked.data.begin(), all_masked.data.end(), 0),
            static_cast<long>(kW * kH));
  r = Run({"clip", test::DataPath(kUtmFile), "--geojson", dir_ / "plain.geojson", "--crop", "-o",
           dir_ / "y.npy"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "cogr: error: " + test::DataPath(kUtmFile) + ": Input shapes do not overlap raster.\n");
}

// Points, lines and empty inputs, against what rasterio 1.3.5 (GDAL 3.6.2) answers for
// rasterio.mask.mask(ds, shapes, crop=...) on this file, recorded once with /usr/bin/python3:
//   point at pixel centre (col 50.5, row 30.5): only pixel [30, 50] (value 91) unmasked, no
//     warning; crop=True gives the 1x1 array [[91]] with transform origin (583520, 4507680);
//   MultiPoint of centres (50.5, 30.5) and (60.5, 40.5): pixels [30, 50] and [40, 60] (78);
//   point on a pixel corner (50, 30): its window has no area, so UserWarning "shapes are
//     outside bounds of raster. ..." and everything masked; crop=True: ValueError "Input
//     shapes do not overlap raster.";
//   [] (no shapes) and [None]: ValueError / TypeError (cogr: a clear error instead).
TEST_F(ClipCli, PointsAndEmptyShapesFollowRasterio) {
  const std::string f = test::DataPath(kUtmFile);
  auto point = [](double c, double r) {
    const auto [x, y] = Utm(c, r);
    return R"({"type": "Point", "coordinates": [)" + Num(x) + ", " + Num(y) + "]}";
  };
  ASSERT_EQ(full_.data[30 * kW + 50], 91);
  ASSERT_EQ(full_.data[40 * kW + 60], 78);
  WriteText("centre.geojson", point(50.5, 30.5));
  WriteText("corner.geojson", point(50, 30));
  const auto [x1, y1] = Utm(50.5, 30.5);
  const auto [x2, y2] = Utm(60.5, 40.5);
  WriteText("multi.geojson", R"({"type": "MultiPoint", "coordinates": [[)" + Num(x1) + ", " +
                                 Num(y1) + "], [" + Num(x2) + ", " + Num(y2) + "]]}");
  WriteText("empty.geojson", R"({"type": "FeatureCollection", "features": []})");
  WriteText("nulls.geojson", R"({"type": "FeatureCollection", "features": [)"
                             R"({"type": "Feature", "properties": {}, "geometry": null}]})");

  const std::string out = dir_ / "out.npy";
  test::CliRun r = Run({"clip", f, "--geojson", dir_ / "centre.geojson", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  test::Npy npy = test::LoadNpy(out);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(
      test::FirstDifference(
          FromNpy(npy),
          Expected(0, 0, kW, kH, 0, [](uint64_t c, uint64_t row) { return c == 50 && row == 30; })),
      -1);

  r = Run({"clip", f, "--geojson", dir_ / "centre.geojson", "--crop", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  npy = test::LoadNpy(out);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{1, 1, 1}));
  EXPECT_EQ(npy.data, std::vector<uint8_t>{91});

  r = Run({"clip", f, "--geojson", dir_ / "multi.geojson", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  npy = test::LoadNpy(out);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(test::FirstDifference(FromNpy(npy), Expected(0, 0, kW, kH, 0,
                                                         [](uint64_t c, uint64_t row) {
                                                           return (c == 50 && row == 30) ||
                                                                  (c == 60 && row == 40);
                                                         })),
            -1);

  const std::string warning =
      "cogr: warning: " + f +
      ": shapes are outside bounds of raster. Are they in different coordinate reference "
      "systems?\n";
  r = Run({"clip", f, "--geojson", dir_ / "corner.geojson", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, warning);
  npy = test::LoadNpy(out);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{1, kH, kW}));
  EXPECT_EQ(std::count(npy.data.begin(), npy.data.end(), 0), static_cast<long>(kW * kH));
  // --invert masks the inside of nothing: the file as it is (rasterio: a mask of False).
  r = Run({"clip", f, "--geojson", dir_ / "corner.geojson", "--invert", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, warning);
  npy = test::LoadNpy(out);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.data, full_.data);
  std::filesystem::remove(out);

  const std::vector<std::pair<std::vector<std::string>, std::string>> errors = {
      {{"clip", f, "--geojson", dir_ / "corner.geojson", "--crop", "-o", out},
       "cogr: error: " + f + ": Input shapes do not overlap raster.\n"},
      {{"clip", f, "--geojson", dir_ / "empty.geojson", "-o", out},
       "cogr: error: " + (dir_ / "empty.geojson").string() +
           ": no geometries to clip with (no features, or only null geometries)\n"},
      {{"clip", f, "--geojson", dir_ / "nulls.geojson", "--crop", "-o", out},
       "cogr: error: " + (dir_ / "nulls.geojson").string() +
           ": no geometries to clip with (no features, or only null geometries)\n"},
  };
  for (const auto& [args, err] : errors) {
    r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err, err);
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

TEST_F(ClipCli, ErrorsAreOneLineAndLeaveNoFile) {
  const std::vector<Poly> outside = {{Closed({{300.3, 10.3}, {310.7, 10.3}, {310.7, 20.7}})}};
  WriteText("outside.geojson", GeoJson(outside, Utm));
  WriteText("ok.geojson", GeoJson(HoleAndEdge(), Utm));
  WriteText("bad.geojson", "{\"type\": \"Polygon\", ");
  const std::string f = test::DataPath(kUtmFile);
  const std::string aoi = dir_ / "ok.geojson";
  struct Row {
    std::vector<std::string> args;
    int exit_code;
    std::string err;  // the whole line, or a part of it when `exact` is false
    bool exact;
  };
  const std::vector<Row> rows = {
      {{"clip", f, "--geojson", dir_ / "outside.geojson", "--crop", "-o", dir_ / "o.tif"},
       1,
       "cogr: error: " + f + ": Input shapes do not overlap raster.\n",
       true},
      {{"clip", f, "--geojson", dir_ / "outside.geojson", "--crop", "-o", dir_ / "o.npy"},
       1,
       "cogr: error: " + f + ": Input shapes do not overlap raster.\n",
       true},
      {{"clip", f, "--geojson", dir_ / "bad.geojson", "-o", dir_ / "o.tif"},
       1,
       "cogr: error: " + (dir_ / "bad.geojson").string() + ": GeoJSON: invalid JSON\n",
       true},
      {{"clip", f, "--geojson", dir_ / "none.geojson", "-o", dir_ / "o.tif"},
       1,
       "cogr: error: " + (dir_ / "none.geojson").string() + ": cannot open the GeoJSON file\n",
       true},
      {{"clip", f, "--geojson", aoi, "--bands", "2", "-o", dir_ / "o.tif"}, 1, "band", false},
      {{"clip", f, "--geojson", aoi, "--nodata", "300", "-o", dir_ / "o.tif"}, 1, "nodata", false},
      {{"clip", f, "--geojson", aoi, "-o", dir_ / "o.png"},
       2,
       "cogr: error: clip: output must end in .tif, .tiff or .npy, got '" +
           (dir_ / "o.png").string() + "'\n",
       true},
      {{"clip", f, "-o", dir_ / "o.tif"},
       2,
       "cogr: error: clip: missing --geojson AOI.geojson\n",
       true},
      {{"clip", f, "--geojson", aoi},
       2,
       "cogr: error: clip: missing output file (-o OUT.tif or -o OUT.npy)\n",
       true},
      {{"clip", f, "--geojson", aoi, "--crop", "--invert", "-o", dir_ / "o.tif"},
       2,
       "cogr: error: clip: --crop and --invert cannot be used together\n",
       true},
      {{"clip", f, "--geojson", aoi, "--compress", "jpeg", "-o", dir_ / "o.tif"},
       2,
       "cogr: error: clip: --compress: ",
       false},
      {{"clip", f, "--geojson", aoi, "--geojson-crs", "EPSG:0", "-o", dir_ / "o.tif"},
       2,
       "cogr: error: clip: --geojson-crs: ",
       false},
      {{"clip", f, "--geojson", aoi, "--bogus", "-o", dir_ / "o.tif"},
       2,
       "cogr: error: clip: unknown option '--bogus' (see 'cogr clip --help')\n",
       true},
  };
  for (const Row& row : rows) {
    test::CliRun r = Run(row.args);
    EXPECT_EQ(r.exit_code, row.exit_code) << r.err;
    EXPECT_EQ(r.out, "");
    if (row.exact) {
      EXPECT_EQ(r.err, row.err);
    } else {
      EXPECT_EQ(r.err.rfind("cogr: error: ", 0), 0u) << r.err;
      EXPECT_NE(r.err.find(row.err), std::string::npos) << r.err;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
    // Only the inputs remain: no output, no temporary file.
    EXPECT_EQ(DirEntries(),
              (std::vector<std::string>{"bad.geojson", "ok.geojson", "outside.geojson"}))
        << r.err;
  }
}

}  // namespace
}  // namespace cogr
