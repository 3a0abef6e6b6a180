// ReprojectGeometries and Mask with shapes in another CRS, on the UTM 18N fixture
// dt_uint8_deflate_t128.tif (200x169 uint8, transform (10,0,583020,0,-10,4507980), EPSG:32618).
// The reference for "the same polygon in another CRS" is the polygon given in UTM directly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "cogr/crs.hpp"
#include "cogr/mask.hpp"
#include "test_util.hpp"

namespace cogr::mask {
namespace {

bool HaveProj() { return geo::Crs::FromEpsg(4326).status().code() != Code::kUnsupported; }
#define REQUIRE_PROJ() \
  if (!HaveProj()) GTEST_SKIP() << "built without PROJ"

constexpr double kX0 = 583020, kY0 = 4507980, kRes = 10;

// World position of pixel-space point (col, row). The vertices' fractions keep every edge more
// than 1e-5 pixel away from every pixel centre (tests/cli/clip_test.cpp checks it for the same
// rings), so rounding noise of the reprojection cannot flip a pixel.
Point At(double col, double row) { return {kX0 + kRes * col, kY0 - kRes * row}; }

std::vector<Point> Ring(std::vector<std::pair<double, double>> corners) {
  std::vector<Point> ring;
  for (auto [c, r] : corners) ring.push_back(At(c, r));
  ring.push_back(ring.front());
  return ring;
}

// The same geometry with every vertex transformed by PROJ (no densification).
std::vector<Point> ToCrs(const std::vector<Point>& pts, const geo::Crs& from, const geo::Crs& to) {
  std::vector<std::pair<double, double>> in;
  for (const Point& p : pts) in.emplace_back(p.x, p.y);
  auto out = geo::TransformPoints(from, to, in);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  std::vector<Point> result;
  if (!out.ok()) return result;
  for (auto [x, y] : *out) result.push_back({x, y});
  return result;
}

double DistanceToSegment(Point p, Point a, Point b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

class ReprojectFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveProj()) GTEST_SKIP() << "built without PROJ";
    auto ds = Dataset::Open(test::DataPath("fixtures/dt_uint8_deflate_t128.tif"));
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ds_ = *ds;
    ASSERT_EQ(ds_->crs_epsg(), 32618);
    ASSERT_EQ(ds_->transform(), (geo::Affine{10, 0, kX0, 0, -10, kY0}));
    utm_ = *geo::Crs::FromEpsg(32618);
    wgs84_ = *geo::Crs::FromEpsg(4326);
  }
  std::shared_ptr<Dataset> ds_;
  const geo::Crs& utm() const { return *utm_; }
  const geo::Crs& wgs84() const { return *wgs84_; }
  std::optional<geo::Crs> utm_, wgs84_;
};

TEST_F(ReprojectFixture, PolygonInWgs84MasksLikeTheSamePolygonInUtm) {
  // A polygon with a hole, plus a second polygon crossing the right edge of the image.
  Polygon with_hole;
  with_hole.exterior = Ring({{10.31, 12.73}, {90.77, 20.29}, {70.33, 110.71}, {15.73, 80.37}});
  with_hole.holes.push_back(Ring({{30.37, 40.31}, {50.71, 40.33}, {40.29, 60.77}}));
  Polygon edge;
  edge.exterior = Ring({{150.31, 100.37}, {230.73, 110.71}, {160.77, 160.33}});
  const std::vector<Geometry> in_utm = {Geometry{MultiPolygon{{with_hole, edge}}}};

  MultiPolygon geographic;
  for (const Polygon& p : {with_hole, edge}) {
    Polygon g;
    g.exterior = ToCrs(p.exterior, utm(), wgs84());
    for (const auto& h : p.holes) g.holes.push_back(ToCrs(h, utm(), wgs84()));
    geographic.polygons.push_back(g);
  }
  // Really in degrees (around 74.0 W, 40.7 N).
  ASSERT_NEAR(geographic.polygons[0].exterior[0].x, -74.0, 0.1);
  ASSERT_NEAR(geographic.polygons[0].exterior[0].y, 40.7, 0.1);
  const std::vector<Geometry> in_wgs84 = {Geometry{geographic}};

  for (bool crop : {false, true}) {
    for (bool all_touched : {false, true}) {
      SCOPED_TRACE(std::string("crop ") + (crop ? "1" : "0") + " all_touched " +
                   (all_touched ? "1" : "0"));
      MaskOptions opt;
      opt.crop = crop;
      opt.all_touched = all_touched;
      opt.nodata = 3;
      auto want = Mask(*ds_, in_utm, opt);
      ASSERT_TRUE(want.ok()) << want.status().ToString();
      opt.shapes_crs = wgs84();
      auto got = Mask(*ds_, in_wgs84, opt);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(got->transform, want->transform);
      EXPECT_EQ(got->data.width, want->data.width);
      EXPECT_EQ(got->data.height, want->data.height);
      EXPECT_TRUE(got->data.data == want->data.data);
      // And something was masked and something kept.
      size_t masked = 0;
      for (uint8_t v : want->data.data) masked += v == 3;
      EXPECT_GT(masked, 100u);
      EXPECT_LT(masked, want->data.data.size() - 100);
    }
  }
}

TEST_F(ReprojectFixture, LongEdgesAreDensifiedWithinTolerance) {
  // A box of 2 x 1 degrees: its parallels are straight in lon/lat but curved in UTM.
  Polygon box;
  box.exterior = {{-76, 40}, {-74, 40}, {-74, 41}, {-76, 41}, {-76, 40}};
  const double tolerance = 0.1;  // metres
  auto out = ReprojectGeometries({Geometry{box}}, wgs84(), utm(), tolerance);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const auto& ring = std::get<Polygon>((*out)[0].value).exterior;
  ASSERT_GT(ring.size(), 5u);  // densified
  EXPECT_LT(ring.size(), 5u + 4 * 4096);
  EXPECT_EQ(ring.front(), ring.back());  // still closed
  // The original corners are kept, in order, at their exact transforms.
  const std::vector<Point> corners = ToCrs(box.exterior, wgs84(), utm());
  size_t next = 0;
  for (const Point& p : ring) {
    if (next < corners.size() && p == corners[next]) ++next;
  }
  EXPECT_EQ(next, corners.size());
  // Every point of the true (curved) image of each edge, sampled 200 times per edge, lies
  // within the tolerance of the densified ring (bisection checks midpoints only; allow 2x).
  std::vector<std::pair<double, double>> samples;
  for (size_t e = 0; e + 1 < box.exterior.size(); ++e) {
    for (int i = 0; i <= 200; ++i) {
      const double t = i / 200.0;
      samples.emplace_back(box.exterior[e].x + t * (box.exterior[e + 1].x - box.exterior[e].x),
                           box.exterior[e].y + t * (box.exterior[e + 1].y - box.exterior[e].y));
    }
  }
  auto truth = geo::TransformPoints(wgs84(), utm(), samples);
  ASSERT_TRUE(truth.ok());
  double worst = 0;
  for (auto [x, y] : *truth) {
    double best = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i + 1 < ring.size(); ++i) {
      best = std::min(best, DistanceToSegment({x, y}, ring[i], ring[i + 1]));
    }
    worst = std::max(worst, best);
  }
  EXPECT_LE(worst, 2 * tolerance);
  // Without densification the 2-degree parallel would be off by far more than that: the
  // chord's midpoint vs the true midpoint.
  const std::vector<Point> mid = ToCrs({{-75, 40}}, wgs84(), utm());
  EXPECT_GT(DistanceToSegment(mid[0], corners[0], corners[1]), 100.0);
}

TEST_F(ReprojectFixture, PointsLinesAndErrors) {
  // Points are transformed, not densified; a point off the earth is an error naming it.
  auto pts = ReprojectGeometries({Geometry{MultiPoint{{{-75, 40.5}, {-74.5, 40.7}}}}}, wgs84(),
                                 utm(), 1.0);
  ASSERT_TRUE(pts.ok()) << pts.status().ToString();
  EXPECT_EQ(std::get<MultiPoint>((*pts)[0].value).points.size(), 2u);
  auto bad = ReprojectGeometries({Geometry{Point{-75, 95}}}, wgs84(), utm(), 1.0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(
      bad.status().message().rfind("shape vertex (-75.000000, 95.000000) cannot be transformed", 0),
      0u)
      << bad.status().message();
  auto tol = ReprojectGeometries({}, wgs84(), utm(), 0);
  ASSERT_FALSE(tol.ok());
  EXPECT_EQ(tol.status().message(), "reproject: tolerance must be > 0, got 0.000000");
}

TEST_F(ReprojectFixture, RasterWithoutCrsRefusesShapesCrs) {
  auto rotated = Dataset::Open(test::DataPath("fixtures/rasterio__rotated.tif"));
  ASSERT_TRUE(rotated.ok());
  ASSERT_EQ((*rotated)->crs_wkt(), std::nullopt);
  MaskOptions opt;
  opt.shapes_crs = wgs84();
  Polygon p;
  p.exterior = {{100, 100}, {200, 100}, {200, 200}, {100, 100}};
  auto r = Mask(**rotated, {Geometry{p}}, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            (*rotated)->uri() + ": the shapes have a CRS but the raster has none");
}

TEST(GeoJsonDocument, CrsMemberAndRfc7946Default) {
  const std::string poly = R"("type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]])";
  auto named = ParseGeoJsonDocument(
      R"({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32631"}}, "features": [{"type": "Feature", "properties": {}, "geometry": {)" +
      poly + "}}]}");
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ(named->geometries.size(), 1u);
  EXPECT_EQ(named->crs, "urn:ogc:def:crs:EPSG::32631");
  if (HaveProj()) {
    auto crs = geo::Crs::FromUserInput(*named->crs);
    ASSERT_TRUE(crs.ok()) << crs.status().ToString();
    EXPECT_EQ(crs->ToEpsg(), 32631);
  }

  auto plain = ParseGeoJsonDocument("{" + poly + "}");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->crs, std::nullopt);
  GeoJsonOptions rfc;
  rfc.default_to_wgs84 = true;
  auto defaulted = ParseGeoJsonDocument("{" + poly + "}", rfc);
  ASSERT_TRUE(defaulted.ok());
  EXPECT_EQ(defaulted->crs, "OGC:CRS84");
  if (HaveProj()) {
    auto crs84 = geo::Crs::FromUserInput(*defaulted->crs);
    ASSERT_TRUE(crs84.ok()) << crs84.status().ToString();
    EXPECT_TRUE(crs84->IsGeographic());
  }
  // "crs": null is no CRS.
  auto null_crs = ParseGeoJsonDocument("{" + poly + R"(, "crs": null})", rfc);
  ASSERT_TRUE(null_crs.ok());
  EXPECT_EQ(null_crs->crs, "OGC:CRS84");

  auto link = ParseGeoJsonDocument(
      "{" + poly + R"(, "crs": {"type": "link", "properties": {"href": "http://x"}}})");
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.status().message(),
            R"(GeoJSON: "crs" must be {"type": "name", "properties": {"name": ...}})");
}

}  // namespace
}  // namespace cogr::mask
