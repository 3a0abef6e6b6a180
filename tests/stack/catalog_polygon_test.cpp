// Polygon queries of a catalog (CatalogQuery::intersects, `--intersects`): generated scenes
// with known footprints, polygons whose bounding box meets a footprint that the polygon itself
// misses, holes, multipolygons, a polygon in another CRS (the scene's own outline, and the
// EPSG:4326 footprint transformed), and a damaged stored footprint.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "cogr/build_info.hpp"
#include "cogr/catalog.hpp"
#include "cogr/mask.hpp"
#include "cogr/write.hpp"
#include "test_util.hpp"

#ifdef COGR_TEST_HAVE_SQLITE
#include <sqlite3.h>
#endif

namespace cogr {
namespace {

namespace fs = std::filesystem;

// EPSG:3857 of a longitude/latitude (spherical Mercator, as PROJ computes it).
constexpr double kR = 6378137.0;
double MercX(double lon) { return kR * lon * M_PI / 180.0; }
double MercY(double lat) { return kR * std::log(std::tan(M_PI / 4 + lat * M_PI / 360.0)); }

struct Scene {
  const char* name;
  int epsg;
  double left, bottom, right, top;  // in the scene's CRS
  uint8_t value;
};

// fid 1..7. A-D: 1-degree squares at the corners of [0, 3]^2; E: a 0.2-degree square in the
// middle; F: far away; G: lon [5, 6] x lat [0, 1] in EPSG:3857.
const std::vector<Scene>& Scenes() {
  static const std::vector<Scene> scenes = {{"a", 4326, 0, 0, 1, 1, 10},
                                            {"b", 4326, 2, 0, 3, 1, 20},
                                            {"c", 4326, 0, 2, 1, 3, 30},
                                            {"d", 4326, 2, 2, 3, 3, 40},
                                            {"e", 4326, 1.4, 1.4, 1.6, 1.6, 50},
                                            {"f", 4326, 10, 10, 11, 11, 60},
                                            {"g", 3857, MercX(5), 0, MercX(6), MercY(1), 70}};
  return scenes;
}

mask::Point P(double x, double y) { return {x, y}; }

mask::Polygon Ring(std::vector<mask::Point> pts) {
  pts.push_back(pts.front());
  return mask::Polygon{std::move(pts), {}};
}

mask::Polygon Box(double l, double b, double r, double t) {
  return Ring({P(l, b), P(r, b), P(r, t), P(l, t)});
}

bool HasSqlite() {
  const BuildInfo info = GetBuildInfo();
  return std::find(info.features.begin(), info.features.end(), "sqlite") != info.features.end();
}

class CatalogPolygonTest : public test::CliFixture {
 protected:
  void SetUp() override {
    test::CliFixture::SetUp();
    if (!HasSqlite()) GTEST_SKIP() << "cogr was built without libsqlite3 (CatalogNoSqlite)";
    std::vector<std::string> uris;
    for (const Scene& s : Scenes()) {
      write::Profile p;
      p.width = p.height = 16;
      p.crs_epsg = s.epsg;
      p.transform =
          geo::Affine{(s.right - s.left) / 16, 0, s.left, 0, -(s.top - s.bottom) / 16, s.top};
      p.blockxsize = p.blockysize = 16;
      Array data;
      data.dtype = DataType::kUInt8;
      data.bands = 1;
      data.height = data.width = 16;
      data.data.assign(256, s.value);
      const std::string path = (dir_ / (std::string(s.name) + ".tif")).string();
      ASSERT_TRUE(write::WriteGeoTiff(path, p, data).ok()) << path;
      uris.push_back(path);
    }
    path_ = (dir_ / "scenes.gpkg").string();
    auto built = Catalog::Build(uris, path_);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    auto catalog = Catalog::Open(path_);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(catalog).value();
  }

  std::vector<int64_t> Ids(const CatalogQuery& q) {
    std::vector<int64_t> out;
    auto r = catalog_->Query(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) {
      for (const auto& rec : *r) out.push_back(rec.id);
    }
    return out;
  }
  std::vector<int64_t> Ids(std::vector<mask::Geometry> shapes, const std::string& crs = "") {
    CatalogQuery q;
    q.intersects = std::move(shapes);
    q.intersects_crs = crs;
    return Ids(q);
  }
  std::string Uri(const char* name) const { return (dir_ / (std::string(name) + ".tif")).string(); }

  std::string path_;
  std::unique_ptr<Catalog> catalog_;
};

using IdList = std::vector<int64_t>;

TEST_F(CatalogPolygonTest, TriangleExcludesAFootprintOnlyItsBoxMeets) {
  // x + y <= 3 from (0.5, 0.5): D = [2, 3]^2 (x + y >= 4) is inside the box, not the triangle.
  const mask::Polygon tri = Ring({P(0.5, 0.5), P(2.5, 0.5), P(0.5, 2.5)});
  EXPECT_EQ(Ids({mask::Geometry{tri}}), (IdList{1, 2, 3, 5}));
  CatalogQuery box;
  box.bounds = geo::Bounds{0.5, 0.5, 2.5, 2.5};
  EXPECT_EQ(Ids(box), (IdList{1, 2, 3, 4, 5}));
  // Both filters: the box keeps A only, the triangle keeps it.
  box.bounds = geo::Bounds{0, 0, 0.9, 0.9};
  box.intersects = {mask::Geometry{tri}};
  EXPECT_EQ(Ids(box), (IdList{1}));
  // The limit counts hits after the exact test.
  CatalogQuery limited;
  limited.intersects = {mask::Geometry{tri}};
  limited.limit = 3;
  EXPECT_EQ(Ids(limited), (IdList{1, 2, 3}));
  // A polygon inside one scene, and one holding scenes whole.
  EXPECT_EQ(Ids({mask::Geometry{Box(2.4, 0.4, 2.6, 0.6)}}), (IdList{2}));
  EXPECT_EQ(Ids({mask::Geometry{Box(-1, -1, 4, 4)}}), (IdList{1, 2, 3, 4, 5}));
}

TEST_F(CatalogPolygonTest, HoleExcludesTheSceneInsideIt) {
  mask::Polygon holed = Box(0.5, 0.5, 2.5, 2.5);
  EXPECT_EQ(Ids({mask::Geometry{holed}}), (IdList{1, 2, 3, 4, 5}));
  holed.holes.push_back(Box(1.2, 1.2, 1.8, 1.8).exterior);  // E = [1.4, 1.6]^2 lies in it
  EXPECT_EQ(Ids({mask::Geometry{holed}}), (IdList{1, 2, 3, 4}));
  // A hole E straddles keeps it (E's edges cross the hole's).
  mask::Polygon straddled = Box(0.5, 0.5, 2.5, 2.5);
  straddled.holes.push_back(Box(1.5, 1.2, 1.8, 1.8).exterior);
  EXPECT_EQ(Ids({mask::Geometry{straddled}}), (IdList{1, 2, 3, 4, 5}));
}

TEST_F(CatalogPolygonTest, MultiPolygonAndCollections) {
  // Two small squares in A and F: their joint box [0.2, 10.4]^2 holds every envelope.
  mask::MultiPolygon two{{Box(0.2, 0.2, 0.4, 0.4), Box(10.2, 10.2, 10.4, 10.4)}};
  EXPECT_EQ(Ids({mask::Geometry{two}}), (IdList{1, 6}));
  // The same as two geometries (a FeatureCollection) and as a GeometryCollection.
  EXPECT_EQ(
      Ids({mask::Geometry{Box(0.2, 0.2, 0.4, 0.4)}, mask::Geometry{Box(10.2, 10.2, 10.4, 10.4)}}),
      (IdList{1, 6}));
  EXPECT_EQ(Ids({mask::Geometry{std::vector<mask::Geometry>{mask::Geometry{two}}}}),
            (IdList{1, 6}));
  // Other geometry types are refused.
  CatalogQuery q;
  q.intersects = {mask::Geometry{mask::LineString{{P(0, 0), P(1, 1)}}}};
  auto r = catalog_->Query(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(
      r.status().message(),
      "intersects: only Polygon and MultiPolygon geometries are supported (got a LineString)");
}

TEST_F(CatalogPolygonTest, PolygonInAnotherCrs) {
  // In EPSG:3857 the triangle's edges are straight in Mercator: G (EPSG:3857) is tested with
  // its own outline. The hypotenuse from (5.4, -1) to (4, 2) passes G's corner (5, 0) at
  // x = 4.93; from (5.6, -1) at x = 5.07.
  auto tri = [](double east) {
    return mask::Geometry{
        Ring({P(MercX(4), MercY(-1)), P(MercX(east), MercY(-1)), P(MercX(4), MercY(2))})};
  };
  EXPECT_EQ(Ids({tri(5.4)}, "EPSG:3857"), IdList{});
  EXPECT_EQ(Ids({tri(5.6)}, "EPSG:3857"), (IdList{7}));
  CatalogQuery box;  // the bounding box alone meets G
  box.bounds = geo::Bounds{MercX(4), MercY(-1), MercX(5.4), MercY(2)};
  box.bounds_crs = "EPSG:3857";
  EXPECT_EQ(Ids(box), (IdList{7}));
  // The EPSG:4326 scenes' footprints transformed to EPSG:3857: the first test's answer.
  const mask::Polygon tri4326 =
      Ring({P(MercX(0.5), MercY(0.5)), P(MercX(2.5), MercY(0.5)), P(MercX(0.5), MercY(2.5))});
  EXPECT_EQ(Ids({mask::Geometry{tri4326}}, "EPSG:3857"), (IdList{1, 2, 3, 5}));
}

TEST_F(CatalogPolygonTest, Cli) {
  // A FeatureCollection: the triangle, and a square with a hole around E.
  WriteText("aoi.geojson",
            R"({"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
   "coordinates": [[[0.5, 0.5], [0.9, 0.5], [0.5, 0.9], [0.5, 0.5]]]}},
  {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [
   [[[1.2, 1.2], [1.8, 1.2], [1.8, 1.8], [1.2, 1.8], [1.2, 1.2]],
    [[1.3, 1.3], [1.7, 1.3], [1.7, 1.7], [1.3, 1.7], [1.3, 1.3]]],
   [[[10.2, 10.2], [10.4, 10.2], [10.4, 10.4], [10.2, 10.2]]]]}}]})");
  const std::string aoi = (dir_ / "aoi.geojson").string();
  auto q = Run({"catalog", "query", path_, "--intersects", aoi});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out, Uri("a") + "\n" + Uri("f") + "\n");
  // The same coordinates read as EPSG:3857 metres: a few metres around (0, 0) and (10, 10) m,
  // which only A's corner region holds.
  auto m = Run({"catalog", "query", path_, "--intersects", aoi, "--crs", "EPSG:3857"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(m.out, Uri("a") + "\n");
  // Errors: a LineString, a missing file, --crs alone.
  WriteText("line.geojson", R"({"type": "LineString", "coordinates": [[0, 0], [1, 1]]})");
  auto line = Run({"catalog", "query", path_, "--intersects", (dir_ / "line.geojson").string()});
  EXPECT_EQ(line.exit_code, 2);
  EXPECT_EQ(
      line.err,
      "cogr: error: intersects: only Polygon and MultiPolygon geometries are supported (got a "
      "LineString)\n");
  auto missing = Run({"catalog", "query", path_, "--intersects", (dir_ / "none.geojson").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "cogr: error: " + (dir_ / "none.geojson").string() +
                             ": cannot open the --intersects file\n");
  auto alone = Run({"catalog", "query", path_, "--crs", "EPSG:3857"});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_EQ(alone.err, "cogr: error: catalog query: the CRS of --intersects needs --intersects\n");

  // stack: the triangle selects A, B, C and E; without --bounds the area read is the polygon's
  // bounding box [0.5, 2.5]^2 at A's 1/16 degree: 32 x 32.
  WriteText(
      "tri.geojson",
      R"({"type": "Polygon", "coordinates": [[[0.5, 0.5], [2.5, 0.5], [0.5, 2.5], [0.5, 0.5]]]})");
  const std::string tri = (dir_ / "tri.geojson").string();
  const std::string out = (dir_ / "chips.npy").string();
  auto st = Run({"stack", "--catalog", path_, "--intersects", tri, "-o", out});
  ASSERT_EQ(st.exit_code, 0) << st.err;
  const test::Npy got = test::LoadNpy(out);
  ASSERT_TRUE(got.ok) << got.error;
  EXPECT_EQ(got.shape, (std::vector<uint64_t>{4, 1, 32, 32}));
  // Scene A (value 10) covers rows 24..31 x cols 0..7 of the grid (y 0.5..1, x 0.5..1).
  EXPECT_EQ(got.data[0 * 1024 + 31 * 32 + 0], 10);
  EXPECT_EQ(got.data[0 * 1024 + 0 * 32 + 0], 0);     // outside A: no nodata, 0
  EXPECT_EQ(got.data[1 * 1024 + 31 * 32 + 31], 20);  // B at (2.5, 0.5)
  EXPECT_EQ(got.data[3 * 1024 + 16 * 32 + 16], 50);  // E at (1.5, 1.5)

  // sample: the triangle's scenes, and scenes by --bounds.
  WriteText("pts.csv", "x,y\n0.5,0.5\n");
  const std::string csv = (dir_ / "out.csv").string();
  auto s1 = Run({"sample", "--catalog", path_, "--intersects", tri, "--points",
                 (dir_ / "pts.csv").string(), "-o", csv});
  ASSERT_EQ(s1.exit_code, 0) << s1.err;
  EXPECT_EQ(test::ReadFileText(csv), "scene,x,y,b1\n" + Uri("a") + ",0.5,0.5,10\n" + Uri("b") +
                                         ",0.5,0.5,0\n" + Uri("c") + ",0.5,0.5,0\n" + Uri("e") +
                                         ",0.5,0.5,0\n");
  auto s2 = Run({"sample", "--catalog", path_, "--bounds", "0,0,1.5,1.5", "--points",
                 (dir_ / "pts.csv").string(), "-o", csv});
  ASSERT_EQ(s2.exit_code, 0) << s2.err;
  EXPECT_EQ(test::ReadFileText(csv),
            "scene,x,y,b1\n" + Uri("a") + ",0.5,0.5,10\n" + Uri("e") + ",0.5,0.5,0\n");
  auto s3 = Run({"sample", "--catalog", path_, "--bounds", "55000,55000,56000,56000",
                 "--bounds-crs", "EPSG:3857", "--points", (dir_ / "pts.csv").string(), "-o", csv});
  ASSERT_EQ(s3.exit_code, 0) << s3.err;
  EXPECT_EQ(test::ReadFileText(csv), "scene,x,y,b1\n" + Uri("a") + ",0.5,0.5,10\n");
  auto nocat = Run({"sample", Uri("a"), "--bounds", "0,0,1,1", "--points",
                    (dir_ / "pts.csv").string(), "-o", csv});
  EXPECT_EQ(nocat.exit_code, 2);
  EXPECT_EQ(nocat.err, "cogr: error: sample: --bounds needs --catalog\n");
}

#ifdef COGR_TEST_HAVE_SQLITE
TEST_F(CatalogPolygonTest, DamagedFootprintIsAnErrorNamingTheScene) {
  const std::string copy = (dir_ / "damaged.gpkg").string();
  catalog_.reset();
  fs::copy_file(path_, copy);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(copy.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  // fid 2: a GP header with an xy envelope and nothing after it; fid 3: a ring of 2^32-1 points.
  ASSERT_EQ(sqlite3_exec(db, "UPDATE scenes SET geom = X'4750000300000000' WHERE fid = 2", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(
          db,
          "UPDATE scenes SET geom = X'4750000100000000010300000001000000FFFFFFFF' WHERE fid = 3",
          nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto catalog = Catalog::Open(copy);
  ASSERT_TRUE(catalog.ok());
  CatalogQuery q;
  q.intersects = {mask::Geometry{Box(2.4, 0.4, 2.6, 0.6)}};  // B only
  auto r = (*catalog)->Query(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidFile);
  EXPECT_EQ(r.status().message(),
            copy + ": scene 2 (" + Uri("b") + "): footprint geometry is truncated (8 bytes)");
  q.intersects = {mask::Geometry{Box(0.4, 2.4, 0.6, 2.6)}};  // C only
  r = (*catalog)->Query(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            copy + ": scene 3 (" + Uri("c") +
                "): footprint geometry ring 0 has 4294967295 points but 0 bytes remain");
}
#endif

}  // namespace
}  // namespace cogr
