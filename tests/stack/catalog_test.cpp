// cogr::Catalog and `cogr catalog`: a GeoPackage of the fixtures checked against the recorded
// rasterio answers (tests/data/fixtures/expected/*.json), checked as a GeoPackage with plain
// SQLite queries, queried, opened with no header request (local and over nginx), and fed
// hostile input.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "cogr/build_info.hpp"
#include "cogr/catalog.hpp"
#include "cogr/crs.hpp"
#include "io/header_cache.hpp"
#include "io/server_suite.hpp"
#include "test_util.hpp"

#ifdef COGR_TEST_HAVE_SQLITE
#include <sqlite3.h>
#endif

namespace cogr {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Fixtures with a recorded rasterio contract, in build order (fid = position + 1).
const std::vector<std::string> kScenes = {
    "b7_u16_band_deflate_t128", "cog_u8_rgb_jpeg_mask_bs256",    "dt_int16_deflate_t128",
    "crs_custom_lcc",           "cog_f32_lerc_nan_nodata_bs128", "gcps_only_4326"};

std::string FixturePath(const std::string& name) {
  return test::DataPath("fixtures/" + name + ".tif");
}

json Contract(const std::string& name) {
  std::ifstream in(test::DataPath("fixtures/expected/" + name + ".json"));
  return json::parse(in)["contract"];
}

bool HasSqlite() {
  const BuildInfo info = GetBuildInfo();
  return std::find(info.features.begin(), info.features.end(), "sqlite") != info.features.end();
}

#ifdef COGR_TEST_HAVE_SQLITE
// Plain SQLite over a catalog file: the checks any GeoPackage reader would make.
class Sql {
 public:
  explicit Sql(const std::string& path, bool write = false) {
    sqlite3_open_v2(path.c_str(), &db_, write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
                    nullptr);
  }
  ~Sql() { sqlite3_close(db_); }
  // Rows of `sql`, each column as text (BLOBs as hex).
  std::vector<std::vector<std::string>> Rows(const std::string& sql) {
    std::vector<std::vector<std::string>> rows;
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
    while (s && sqlite3_step(s) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        const auto* t = sqlite3_column_text(s, i);
        row.push_back(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
      rows.push_back(row);
    }
    sqlite3_finalize(s);
    return rows;
  }
  std::string One(const std::string& sql) {
    auto rows = Rows(sql);
    return rows.empty() || rows[0].empty() ? "<none>" : rows[0][0];
  }
  bool Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  }

 private:
  sqlite3* db_ = nullptr;
};
#endif

class CatalogTest : public test::CliFixture {
 protected:
  void SetUp() override {
    test::CliFixture::SetUp();
    if (!HasSqlite())
      GTEST_SKIP()
          << "cogr was built without libsqlite3: catalogs are kUnsupported (CatalogNoSqlite)";
#ifndef COGR_TEST_HAVE_SQLITE
    FAIL() << "cogr has sqlite but the tests were built without it";
#endif
    path_ = (dir_ / "scenes.gpkg").string();
    std::vector<std::string> uris;
    for (const std::string& s : kScenes) uris.push_back(FixturePath(s));
    auto built = Catalog::Build(uris, path_);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    EXPECT_EQ(built->scenes, kScenes.size());
    EXPECT_EQ(built->without_crs, 1u);  // gcps_only_4326: GCPs, no GeoKeys CRS
  }
  std::string path_;
};

TEST_F(CatalogTest, RecordsMatchTheRecordedRasterioAnswers) {
  auto catalog = Catalog::Open(path_);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  auto records = (*catalog)->Query();
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), kScenes.size());
  for (size_t i = 0; i < kScenes.size(); ++i) {
    SCOPED_TRACE(kScenes[i]);
    const SceneRecord& r = (*records)[i];
    const json c = Contract(kScenes[i]);
    EXPECT_EQ(r.id, static_cast<int64_t>(i + 1));
    EXPECT_EQ(r.uri, FixturePath(kScenes[i]));
    EXPECT_EQ(r.size, fs::file_size(FixturePath(kScenes[i])));
    EXPECT_EQ(r.width, c["width"].get<uint64_t>());
    EXPECT_EQ(r.height, c["height"].get<uint64_t>());
    EXPECT_EQ(r.count, c["count"].get<int>());
    EXPECT_EQ(r.dtype, c["dtype"].get<std::string>());
    EXPECT_EQ(r.block_height, c["block_shape"][0].get<uint64_t>());
    EXPECT_EQ(r.block_width, c["block_shape"][1].get<uint64_t>());
    EXPECT_EQ(r.compression, c["compression"].get<std::string>());
    const auto t = r.transform.ToArray();
    for (size_t k = 0; k < 6; ++k) EXPECT_DOUBLE_EQ(t[k], c["transform"][k].get<double>()) << k;
    if (c["crs_epsg"].is_null()) {
      EXPECT_FALSE(r.crs_epsg.has_value());
    } else {
      EXPECT_EQ(r.crs_epsg, c["crs_epsg"].get<int>());
      EXPECT_EQ(r.crs_wkt, c["crs_wkt"].get<std::string>());
    }
    if (c["nodata"].is_null()) {
      EXPECT_FALSE(r.nodata.has_value());
    } else if (c["nodata"].is_string()) {
      ASSERT_TRUE(r.nodata.has_value());
      EXPECT_TRUE(std::isnan(*r.nodata));
    } else {
      EXPECT_EQ(r.nodata, c["nodata"].get<double>());
    }
    EXPECT_EQ(r.overviews, c["overviews"].get<std::vector<int>>());
    // Footprint in the scene's CRS = rasterio's bounds (gcps_only: rasterio's y-up bounds).
    const auto b = c["bounds"];
    EXPECT_DOUBLE_EQ(std::min(r.bounds.left, r.bounds.right),
                     std::min(b[0].get<double>(), b[2].get<double>()));
    EXPECT_DOUBLE_EQ(std::max(r.bounds.bottom, r.bounds.top),
                     std::max(b[1].get<double>(), b[3].get<double>()));
    EXPECT_DOUBLE_EQ(std::min(r.bounds.bottom, r.bounds.top),
                     std::min(b[1].get<double>(), b[3].get<double>()));
    // In EPSG:4326: PROJ's transform_bounds of the same box (the R-tree keeps float32, rounded
    // outwards by up to one float32 step, ~8e-6 degrees here), so the stored envelope holds it
    // within 3e-5 degrees).
    if (kScenes[i] == "gcps_only_4326") {
      EXPECT_FALSE(r.bounds_4326.has_value());
      continue;
    }
    ASSERT_TRUE(r.bounds_4326.has_value());
    auto from = geo::Crs::FromUserInput(r.crs_wkt);
    ASSERT_TRUE(from.ok()) << from.status().ToString();
    auto want = geo::TransformBounds(*from, *geo::Crs::FromEpsg(4326), r.bounds, 21);
    ASSERT_TRUE(want.ok());
    EXPECT_LE(r.bounds_4326->left, want->left);
    EXPECT_GE(r.bounds_4326->right, want->right);
    EXPECT_LE(r.bounds_4326->bottom, want->bottom);
    EXPECT_GE(r.bounds_4326->top, want->top);
    EXPECT_NEAR(r.bounds_4326->left, want->left, 3e-5);
    EXPECT_NEAR(r.bounds_4326->right, want->right, 3e-5);
    EXPECT_NEAR(r.bounds_4326->bottom, want->bottom, 3e-5);
    EXPECT_NEAR(r.bounds_4326->top, want->top, 3e-5);
  }
  EXPECT_EQ(Catalog::Uris(*records)[1], FixturePath(kScenes[1]));
}

#ifdef COGR_TEST_HAVE_SQLITE
TEST_F(CatalogTest, IsAGeoPackageOfFootprints) {
  Sql sql(path_);
  EXPECT_EQ(sql.One("PRAGMA application_id"), "1196444487");  // 0x47504B47 "GPKG"
  EXPECT_EQ(sql.One("PRAGMA user_version"), "10300");
  EXPECT_EQ(sql.One("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(sql.One("PRAGMA foreign_key_check"), "<none>");
  auto contents = sql.Rows("SELECT table_name, data_type, srs_id FROM gpkg_contents");
  ASSERT_EQ(contents.size(), 1u);
  EXPECT_EQ(contents[0], (std::vector<std::string>{"scenes", "features", "4326"}));
  EXPECT_EQ(
      sql.Rows("SELECT table_name, column_name, geometry_type_name, srs_id, z, m FROM "
               "gpkg_geometry_columns"),
      (std::vector<std::vector<std::string>>{{"scenes", "geom", "POLYGON", "4326", "0", "0"}}));
  EXPECT_EQ(sql.One("SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN (-1, 0, 4326)"),
            "3");
  EXPECT_EQ(sql.One("SELECT organization || ':' || organization_coordsys_id FROM "
                    "gpkg_spatial_ref_sys WHERE srs_id = 32618"),
            "EPSG:32618");
  EXPECT_EQ(sql.Rows("SELECT table_name, column_name, extension_name, scope FROM gpkg_extensions"),
            (std::vector<std::vector<std::string>>{
                {"scenes", "geom", "gpkg_rtree_index", "write-only"}}));
  // Geometry blob: "GP", version 0, flags 0x03 (little-endian, xy envelope), srs_id 4326 LE,
  // then WKB: little-endian Polygon (type 3) with one ring.
  EXPECT_EQ(sql.One("SELECT hex(substr(geom, 1, 8)) FROM scenes WHERE fid = 1"),
            "47500003E6100000");
  EXPECT_EQ(sql.One("SELECT hex(substr(geom, 41, 9)) FROM scenes WHERE fid = 1"),
            "010300000001000000");
  // 4 edges x (1 + 21) points, closed: 89 points.
  EXPECT_EQ(sql.One("SELECT hex(substr(geom, 50, 4)) FROM scenes WHERE fid = 1"), "59000000");
  EXPECT_EQ(sql.One("SELECT geom IS NULL FROM scenes WHERE fid = 6"), "1");  // no CRS: no footprint
  // One R-tree row per footprint, the envelope of the blob's.
  EXPECT_EQ(sql.One("SELECT count(*) FROM rtree_scenes_geom"), "5");
  EXPECT_EQ(sql.One("SELECT group_concat(id) FROM rtree_scenes_geom ORDER BY id"), "1,2,3,4,5");
  EXPECT_EQ(sql.One("SELECT count(*) FROM scenes s JOIN rtree_scenes_geom r ON r.id = s.fid WHERE "
                    "s.geom IS NOT NULL"),
            "5");
}
#endif

TEST_F(CatalogTest, QueryByBoundsAndWhere) {
  auto catalog = Catalog::Open(path_);
  ASSERT_TRUE(catalog.ok());
  auto ids = [&](const CatalogQuery& q) {
    std::vector<int64_t> out;
    auto r = (*catalog)->Query(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) {
      for (const auto& rec : *r) out.push_back(rec.id);
    }
    return out;
  };
  CatalogQuery q;
  // A box around New York (UTM 18N fixtures) but not the LCC scene in the US Midwest.
  q.bounds = geo::Bounds{-74.1, 40.6, -73.9, 40.8};
  EXPECT_EQ(ids(q), (std::vector<int64_t>{1, 2, 3, 5}));
  // East of the 200x169 int16 scene's right edge (585020 m) only the 540-wide JPEG one reaches.
  q.bounds = geo::Bounds{585500, 4505000, 586000, 4506000};
  q.bounds_crs = "EPSG:32618";
  EXPECT_EQ(ids(q), (std::vector<int64_t>{2}));
  q = {};
  q.where = "count >= 3";
  EXPECT_EQ(ids(q), (std::vector<int64_t>{1, 2}));
  q.where = "dtype = 'int16' AND crs_epsg IS NULL";
  EXPECT_EQ(ids(q), (std::vector<int64_t>{4}));
  q.bounds = geo::Bounds{-74.1, 40.6, -73.9, 40.8};
  q.where = "dtype = 'int16'";
  EXPECT_EQ(ids(q), (std::vector<int64_t>{3}));
  q.bounds = geo::Bounds{10, 10, 11, 11};
  q.where.clear();
  EXPECT_TRUE(ids(q).empty());
  q = {};
  q.limit = 2;
  EXPECT_EQ(ids(q), (std::vector<int64_t>{1, 2}));
}

TEST_F(CatalogTest, WhereCannotWriteOrReadOtherTables) {
  auto catalog = Catalog::Open(path_);
  ASSERT_TRUE(catalog.ok());
  const auto before = fs::last_write_time(path_);
  const auto size_before = fs::file_size(path_);
  for (const std::string where : {"1); DELETE FROM scenes; SELECT (1", "1 -- comment", "1 /* x */",
                                  "(SELECT count(*) FROM gpkg_contents) > 0",
                                  "load_extension('x') IS NULL", "no_such_column = 1"}) {
    SCOPED_TRACE(where);
    CatalogQuery q;
    q.where = where;
    auto r = (*catalog)->Query(q);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind("--where", 0), 0u) << r.status().message();
  }
  EXPECT_EQ(fs::last_write_time(path_), before);
  EXPECT_EQ(fs::file_size(path_), size_before);
  auto all = (*catalog)->Query();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), kScenes.size());
}

TEST_F(CatalogTest, OpenSceneMakesNoHeaderRead) {
  auto catalog = Catalog::Open(path_);
  ASSERT_TRUE(catalog.ok());
  auto records = (*catalog)->Query();
  ASSERT_TRUE(records.ok());
  const SceneRecord& r = (*records)[1];  // cog_u8_rgb_jpeg_mask_bs256, 47 KiB
  auto header = (*catalog)->Header(r.id);
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  ASSERT_EQ((*header)->chunks.size(), 1u);
  EXPECT_EQ((*header)->chunks[0].offset, 0u);
  // Cut to what the parse needs: far less than the 32 KiB first read.
  EXPECT_LT((*header)->chunks[0].bytes.size(), 8192u);
  EXPECT_EQ((*header)->chunks[0].bytes.size() % 512, 0u);
  OpenOptions o;
  o.block_cache_bytes = 0;
  auto ds = (*catalog)->OpenScene(r, o);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->io_stats().requests, 0u);  // local files count every pread
  EXPECT_EQ((*ds)->width(), 540u);
  EXPECT_EQ((*ds)->overviews(), (std::vector<int>{2, 4}));
  ReadOptions ro;
  ro.window = geo::Window{256, 0, 256, 256};
  auto got = (*ds)->Read(ro);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_GE((*ds)->io_stats().requests, 1u);
  auto direct = Dataset::Open(r.uri, o);
  ASSERT_TRUE(direct.ok());
  auto want = (*direct)->Read(ro);
  ASSERT_TRUE(want.ok());
  EXPECT_EQ(got->data, want->data);
}

TEST_F(CatalogTest, LocalFileOfAnotherSizeFailsTheOpen) {
  const std::string copy = (dir_ / "copy.tif").string();
  fs::copy_file(FixturePath(kScenes[2]), copy);
  const std::string path = (dir_ / "copy.gpkg").string();
  ASSERT_TRUE(Catalog::Build({copy}, path).ok());
  std::ofstream(copy, std::ios::app) << "x";
  auto catalog = Catalog::Open(path);
  ASSERT_TRUE(catalog.ok());
  auto records = (*catalog)->Query();
  ASSERT_TRUE(records.ok());
  auto ds = (*catalog)->OpenScene((*records)[0]);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), Code::kIoError);
  const uint64_t size = fs::file_size(FixturePath(kScenes[2]));
  EXPECT_NE(
      ds.status().message().find(copy + " changed since its header was recorded (size " +
                                 std::to_string(size) + ", now " + std::to_string(size + 1) + ")"),
      std::string::npos)
      << ds.status().message();
}

#ifdef COGR_TEST_HAVE_SQLITE
TEST_F(CatalogTest, DamagedStoredHeaderIsAnErrorNamingTheScene) {
  const std::string copy = (dir_ / "damaged.gpkg").string();
  fs::copy_file(path_, copy);
  {
    Sql sql(copy, true);
    // A chunk count of 2^32-1, a length past the blob, a chunk outside the file.
    ASSERT_TRUE(sql.Exec("UPDATE scenes SET header = X'4347484201000000FFFFFFFF' WHERE fid = 1"));
    ASSERT_TRUE(
        sql.Exec("UPDATE scenes SET header = X'434748420100000001000000000000000000000000FFFFFF00' "
                 "WHERE fid = 2"));
    ASSERT_TRUE(
        sql.Exec("UPDATE scenes SET header = X'43474842010000000100000000FFFFFF0000000001000000AA' "
                 "WHERE fid = 3"));
    ASSERT_TRUE(sql.Exec("UPDATE scenes SET header = X'00' WHERE fid = 4"));
  }
  auto catalog = Catalog::Open(copy);
  ASSERT_TRUE(catalog.ok());
  auto records = (*catalog)->Query();
  ASSERT_TRUE(records.ok());
  const char* expect[] = {"chunks > limit 256", "has 4294967040 bytes, blob has 1 left",
                          "lies outside the", "is not a cogr header blob"};
  for (int i = 0; i < 4; ++i) {
    auto ds = (*catalog)->OpenScene((*records)[static_cast<size_t>(i)]);
    ASSERT_FALSE(ds.ok());
    EXPECT_EQ(ds.status().code(), Code::kInvalidFile);
    EXPECT_NE(ds.status().message().find(copy + ": scene " + std::to_string(i + 1) + " (" +
                                         (*records)[static_cast<size_t>(i)].uri + ")"),
              std::string::npos)
        << ds.status().message();
    EXPECT_NE(ds.status().message().find(expect[i]), std::string::npos) << ds.status().message();
  }
  CatalogQuery q;
  q.with_headers = true;
  EXPECT_EQ((*catalog)->Query(q).status().code(), Code::kInvalidFile);
}
#endif

TEST_F(CatalogTest, NotACatalog) {
  WriteText("notes.gpkg", "just text, not SQLite\n");
  auto a = Catalog::Open((dir_ / "notes.gpkg").string());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Code::kInvalidFile);
  EXPECT_NE(a.status().message().find("notes.gpkg: not a GeoPackage"), std::string::npos)
      << a.status().message();
  auto b = Catalog::Open(test::DataPath("sample.tif"));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kInvalidFile);
  auto c = Catalog::Open((dir_ / "missing.gpkg").string());
  EXPECT_EQ(c.status().code(), Code::kNotFound);
  // Building over an existing non-empty file is refused (nothing is appended to it).
  auto d = Catalog::Build({FixturePath(kScenes[0])}, path_);
  EXPECT_EQ(d.status().code(), Code::kInvalidArgument);
}

// ---- CLI ----

TEST_F(CatalogTest, CliBuildInfoQuery) {
  WriteText("list.txt",
            "# scenes\n" + FixturePath(kScenes[0]) + "\n\n" + FixturePath(kScenes[2]) + "\n");
  auto build =
      Run({"catalog", "build", FixturePath(kScenes[1]), "--from-file", (dir_ / "list.txt").string(),
           "-o", (dir_ / "cli.gpkg").string(), "--concurrency", "2"});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  EXPECT_NE(build.out.find("cli.gpkg: 3 scenes, "), std::string::npos) << build.out;
  auto info = Run({"catalog", "info", (dir_ / "cli.gpkg").string()});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("scenes: 3\n"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("crs: EPSG:32618 (3)\n"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("dtypes: int16 (1) uint16 (1) uint8 (1)\n"), std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find("extent (EPSG:4326): -74.0"), std::string::npos) << info.out;
  auto query = Run({"catalog", "query", (dir_ / "cli.gpkg").string(), "--bounds",
                    "585500,4505000,586000,4506000", "--bounds-crs", "EPSG:32618", "-o",
                    (dir_ / "hits.txt").string()});
  ASSERT_EQ(query.exit_code, 0) << query.err;
  EXPECT_EQ(test::ReadFileText((dir_ / "hits.txt").string()), FixturePath(kScenes[1]) + "\n");
  auto where = Run({"catalog", "query", (dir_ / "cli.gpkg").string(), "--where", "count < 3"});
  ASSERT_EQ(where.exit_code, 0) << where.err;
  // Input order: the argument first, then the list.
  EXPECT_EQ(where.out, FixturePath(kScenes[2]) + "\n");
}

TEST_F(CatalogTest, CliErrors) {
  WriteText("notes.gpkg", "text\n");
  auto bad = Run({"catalog", "info", (dir_ / "notes.gpkg").string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "cogr: error: " + (dir_ / "notes.gpkg").string() +
                         ": not a GeoPackage (file is not a database)\n");
  auto write = Run({"catalog", "query", path_, "--where", "1; DROP TABLE scenes"});
  EXPECT_EQ(write.exit_code, 2);
  EXPECT_EQ(write.err,
            "cogr: error: --where: only an expression over the catalog's columns is allowed (no "
            "';' or comments)\n");
  auto other =
      Run({"catalog", "query", path_, "--where", "(SELECT count(*) FROM gpkg_contents) > 0"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_EQ(
      other.err.rfind("cogr: error: --where \"(SELECT count(*) FROM gpkg_contents) > 0\": ", 0), 0u)
      << other.err;
  auto bounds = Run({"catalog", "query", path_, "--bounds", "1,2,3"});
  EXPECT_EQ(bounds.exit_code, 2);
  EXPECT_EQ(bounds.err,
            "cogr: error: catalog query: --bounds: expected L,B,R,T with L <= R and B <= T, got "
            "'1,2,3'\n");
  auto no_out = Run({"catalog", "build", FixturePath(kScenes[0])});
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_EQ(no_out.err, "cogr: error: catalog build: -o CATALOG.gpkg is required\n");
  auto action = Run({"catalog", "list", path_});
  EXPECT_EQ(action.exit_code, 2);
  EXPECT_EQ(action.err, "cogr: error: catalog: unknown action 'list' (build, info or query)\n");
  // A scene that cannot be opened fails the build, naming it, and leaves no file behind.
  const std::string missing = (dir_ / "missing.tif").string();
  auto failed = Run(
      {"catalog", "build", FixturePath(kScenes[0]), missing, "-o", (dir_ / "out.gpkg").string()});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(failed.err.rfind("cogr: error: " + missing + ": ", 0), 0u) << failed.err;
  EXPECT_EQ(failed.err.find('\n'), failed.err.size() - 1) << failed.err;
  EXPECT_FALSE(fs::exists(dir_ / "out.gpkg"));
  EXPECT_EQ(DirEntries(), (std::vector<std::string>{"notes.gpkg", "scenes.gpkg"}));
}

TEST_F(CatalogTest, CliSkipErrorsLeavesOutScenesKeepingFids) {
  const std::string missing = (dir_ / "missing.tif").string();
  auto r = Run({"catalog", "build", FixturePath(kScenes[0]), missing, FixturePath(kScenes[2]),
                "--skip-errors", "-o", (dir_ / "skip.gpkg").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("skip.gpkg: 2 scenes, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(", 1 skipped\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.rfind("cogr: warning: skipped: " + missing + ": ", 0), 0u) << r.err;
  auto catalog = Catalog::Open((dir_ / "skip.gpkg").string());
  ASSERT_TRUE(catalog.ok());
  auto records = (*catalog)->Query();
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].id, 1);
  EXPECT_EQ((*records)[1].id, 3);  // the input position: scene 2 is missing
  EXPECT_EQ((*records)[1].uri, FixturePath(kScenes[2]));
  auto ds = (*catalog)->OpenScene((*records)[1]);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->width(), 200u);
}

// ---- remote: nginx ----

class CatalogHttp : public test::ServerSuite<CatalogHttp, test::NginxServer, test::CliFixture> {
 public:
  // /cat/ serves a directory of copies whose mtime (and so ETag) a test may change; it lives in
  // nginx's temporary prefix, which goes with the server.
  static std::string ServedDir() { return server_->dir() + "/cat"; }
  static std::string StartServer(test::NginxServer& server) {
    fs::remove_all(ServedDir());
    fs::create_directories(ServedDir());
    if (server.Start("    location /cat/ { alias " + ServedDir() + "/; }\n")) return "";
    return server.error().empty() ? std::string("nginx did not start") : server.error();
  }

 protected:
  void SetUp() override {
    test::CliFixture::SetUp();
    if (!HasSqlite()) GTEST_SKIP() << "cogr was built without libsqlite3";
    if (!HasHttp()) GTEST_SKIP() << "cogr was built without libcurl: http sources are unsupported";
    ASSERT_TRUE(ServerStarted()) << StartError();
    io::internal::HeaderCache::Global().Clear();
  }
  static bool HasHttp() {
    const BuildInfo info = GetBuildInfo();
    return std::find(info.features.begin(), info.features.end(), "curl") != info.features.end();
  }
  // A copy of fixture `name` served as /cat/<test name>_<name>.tif.
  std::string Serve(const std::string& name) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string file = std::string(info->name()) + "_" + name + ".tif";
    fs::copy_file(FixturePath(name), ServedDir() + "/" + file,
                  fs::copy_options::overwrite_existing);
    return file;
  }
};

TEST_F(CatalogHttp, OpenThroughCatalogSendsOnlyPixelRequests) {
  std::vector<std::string> uris;
  for (const std::string& s : kScenes) uris.push_back(server_->Url("fixtures/" + s + ".tif"));
  const std::string path = (dir_ / "remote.gpkg").string();
  const size_t before_build = server_->RequestCount();
  CatalogBuildOptions bo;
  bo.open.io.memory_header_cache = false;
  bo.open.io.persisted_header_cache = false;
  auto built = Catalog::Build(uris, path, bo);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  // One request per scene: every header fits the first read.
  EXPECT_EQ(server_->RequestCount() - before_build, kScenes.size());
  auto catalog = Catalog::Open(path);
  ASSERT_TRUE(catalog.ok());
  CatalogQuery q;
  q.where = "compression = 'jpeg'";
  q.with_headers = true;
  auto hits = (*catalog)->Query(q);
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_EQ(hits->size(), 1u);
  const SceneRecord& r = (*hits)[0];
  EXPECT_EQ(r.uri, uris[1]);
  EXPECT_FALSE(r.etag.empty());  // nginx sends one
  const uint64_t header_end = r.header->chunks[0].bytes.size();

  const auto log_before = server_->Log();
  OpenOptions o;
  o.block_cache_bytes = 0;
  auto ds = (*catalog)->OpenScene(r, o);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(server_->RequestCount(), log_before.size());  // the open sent nothing
  EXPECT_EQ((*ds)->io_stats().requests, 0u);
  ReadOptions ro;
  ro.window = geo::Window{256, 128, 200, 200};
  auto got = (*ds)->Read(ro);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const auto log = server_->Log();
  ASSERT_GT(log.size(), log_before.size());
  EXPECT_EQ(log.size() - log_before.size(), (*ds)->io_stats().requests);
  for (size_t i = log_before.size(); i < log.size(); ++i) {
    // Every request is for tile bytes, past the stored header.
    const std::string& range = log[i].range;
    ASSERT_EQ(range.rfind("bytes=", 0), 0u) << range;
    EXPECT_GE(std::stoull(range.substr(6)), header_end) << range;
    EXPECT_EQ(log[i].status, 206);
  }
  auto local = Dataset::Open(FixturePath(kScenes[1]), o);
  ASSERT_TRUE(local.ok());
  auto want = (*local)->Read(ro);
  ASSERT_TRUE(want.ok());
  EXPECT_EQ(got->data, want->data);
}

TEST_F(CatalogHttp, ChangedObjectFailsTheReadNamingTheScene) {
  const std::string file = Serve("cog_u8_rgb_jpeg_mask_bs256");
  const std::string uri = server_->Url("cat/" + file);
  const std::string path = (dir_ / "etag.gpkg").string();
  ASSERT_TRUE(Catalog::Build({uri}, path).ok());
  // The object is replaced (nginx's ETag is mtime-size): same bytes, another mtime.
  const fs::path served = ServedDir() + "/" + file;
  fs::last_write_time(served, fs::last_write_time(served) - std::chrono::hours(1));
  auto catalog = Catalog::Open(path);
  ASSERT_TRUE(catalog.ok());
  auto records = (*catalog)->Query();
  ASSERT_TRUE(records.ok());
  const size_t before = server_->RequestCount();
  auto ds = (*catalog)->OpenScene((*records)[0]);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();  // no request: it cannot know yet
  EXPECT_EQ(server_->RequestCount(), before);
  ReadOptions ro;
  ro.window = geo::Window{256, 128, 200, 200};
  auto got = (*ds)->Read(ro);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kIoError);
  EXPECT_NE(got.status().message().find(uri + " changed on the server since it was opened (ETag " +
                                        (*records)[0].etag + " at open"),
            std::string::npos)
      << got.status().message();
}

}  // namespace
}  // namespace cogr
