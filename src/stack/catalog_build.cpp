// Catalog::Build: every scene opened once, one row per scene (see docs/catalog.md).
//
// Build drives every open from one thread, as `cogr bench` does: up to `concurrency` opens in
// flight (Dataset::OpenAsync over a RecordingSource), each completed open turned into a row on
// the executor thread that finished it, rows written by the building thread in transactions of
// batch_rows. Memory: the rows in flight and one batch, never the whole catalog.
#include "cogr/catalog.hpp"

#ifdef COGR_HAVE_SQLITE

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "cogr/crs.hpp"
#include "cogr/event_queue.hpp"
#include "read/read_util.hpp"
#include "stack/catalog_internal.hpp"
#include "stack/sqlite_db.hpp"
#include "stack/stack_internal.hpp"

namespace cogr {

using internal::Db;
using internal::DbError;
using internal::Exec;
using internal::kApplicationId;
using internal::kFormatVersion;
using internal::kUserVersion;
using internal::Stmt;

namespace {

constexpr size_t kMaxKeptErrors = 100;  // CatalogBuildSummary::errors

constexpr const char* kWgs84Wkt =
    "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS "
    "84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],"
    "AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT["
    "\"degree\","
    "0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\","
    "EAST],"
    "AUTHORITY[\"EPSG\",\"4326\"]]";

// The GeoPackage 1.3 core tables (section 1.1.2, 1.1.3, 2.1.5, 2.3), the R-tree of the
// gpkg_rtree_index extension (F.3) and cogr's tables.
constexpr const char* kSchema = R"sql(
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
  definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE TABLE scenes (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POLYGON, uri TEXT NOT NULL,
  size INTEGER NOT NULL, etag TEXT, last_modified TEXT, width INTEGER NOT NULL, height INTEGER NOT NULL,
  count INTEGER NOT NULL, dtype TEXT NOT NULL, block_width INTEGER, block_height INTEGER, compression TEXT,
  transform_a DOUBLE, transform_b DOUBLE, transform_c DOUBLE, transform_d DOUBLE, transform_e DOUBLE,
  transform_f DOUBLE, crs_epsg INTEGER, crs_wkt TEXT, nodata DOUBLE, overviews TEXT,
  minx DOUBLE, miny DOUBLE, maxx DOUBLE, maxy DOUBLE, footprint BLOB, header BLOB NOT NULL,
  header_bytes INTEGER NOT NULL);
CREATE VIRTUAL TABLE rtree_scenes_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TABLE cogr_catalog (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
)sql";

std::string Join(const std::vector<int>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s;
}

// One scene ready to be written.
struct Row {
  SceneRecord rec;
  std::vector<uint8_t> header_blob;
  std::vector<uint8_t> geom;       // EPSG:4326 footprint (empty: none)
  std::vector<uint8_t> footprint;  // in the scene's CRS
  int32_t native_srs = -1;
};

Result<Row> MakeRow(const Dataset& ds, internal::RecordingSource& rec_source,
                    const CatalogBuildOptions& options, const std::optional<geo::Crs>& wgs84) {
  Row row;
  SceneRecord& r = row.rec;
  r.uri = ds.uri();
  r.size = ds.source().size();
  r.etag = rec_source.etag();
  r.last_modified = rec_source.last_modified();
  r.width = ds.width();
  r.height = ds.height();
  r.count = ds.count();
  r.dtype = std::string(DataTypeName(ds.dtype()));
  const auto block = ds.block_shape();
  r.block_height = block[0];
  r.block_width = block[1];
  r.compression = ds.compression();
  r.transform = ds.transform();
  r.nodata = ds.nodata();
  r.overviews = ds.overviews();
  r.bounds = ds.bounds();
  Result<geo::Crs> crs = ds.crs();
  if (crs.ok()) {
    r.crs_epsg = crs->ToEpsg();
    if (auto wkt = crs->ToWkt(); wkt.ok()) r.crs_wkt = *wkt;
  }
  const int n = std::max(0, options.densify_pts);
  const auto ring = internal::OutlineRing(r.transform, static_cast<double>(r.width),
                                          static_cast<double>(r.height), n);
  row.native_srs = r.crs_epsg.value_or(-1);
  row.footprint =
      internal::GpkgPolygon(internal::OutlineRing(r.transform, static_cast<double>(r.width),
                                                  static_cast<double>(r.height), 0),
                            row.native_srs);
  if (crs.ok() && wgs84) {
    auto lonlat = geo::TransformPoints(*crs, *wgs84, ring);
    if (lonlat.ok() && std::all_of(lonlat->begin(), lonlat->end(), [](const auto& p) {
          return std::isfinite(p.first) && std::isfinite(p.second);
        })) {
      geo::Bounds b{(*lonlat)[0].first, (*lonlat)[0].second, (*lonlat)[0].first,
                    (*lonlat)[0].second};
      for (const auto& [x, y] : *lonlat) {
        b.left = std::min(b.left, x);
        b.right = std::max(b.right, x);
        b.bottom = std::min(b.bottom, y);
        b.top = std::max(b.top, y);
      }
      r.bounds_4326 = b;
      row.geom = internal::GpkgPolygon(*lonlat, 4326);
    }
  }
  io::KnownHeader header =
      internal::StoredHeader(rec_source.Take(), r.size, ds.tiff(), ds.limits());
  header.etag = r.etag;
  header.last_modified = r.last_modified;
  row.header_blob = internal::EncodeHeader(header);
  return row;
}

class Writer {
 public:
  Writer(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Status Prepare() {
    COGR_RETURN_IF_ERROR(
        rtree_.Prepare(db_, "INSERT INTO rtree_scenes_geom VALUES (?, ?, ?, ?, ?)", path_));
    return insert_.Prepare(
        db_,
        "INSERT INTO scenes (fid, geom, uri, size, etag, last_modified, width, height, count, "
        "dtype, "
        "block_width, block_height, compression, transform_a, transform_b, transform_c, "
        "transform_d, transform_e, transform_f, crs_epsg, crs_wkt, nodata, overviews, minx, miny, "
        "maxx, maxy, footprint, header, header_bytes) VALUES "
        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
        "?,?,?,?,?,?,?,?,?,?,?)",
        path_);
  }

  Status Write(const Row& row, int64_t fid) {
    const SceneRecord& r = row.rec;
    sqlite3_reset(insert_.get());
    int i = 1;
    insert_.BindInt(i++, fid);
    if (row.geom.empty()) {
      insert_.BindNull(i++);
    } else {
      insert_.BindBlob(i++, row.geom);
    }
    insert_.BindText(i++, r.uri);
    insert_.BindInt(i++, static_cast<int64_t>(r.size));
    insert_.BindText(i++, r.etag);
    insert_.BindText(i++, r.last_modified);
    insert_.BindInt(i++, static_cast<int64_t>(r.width));
    insert_.BindInt(i++, static_cast<int64_t>(r.height));
    insert_.BindInt(i++, r.count);
    insert_.BindText(i++, r.dtype);
    insert_.BindInt(i++, static_cast<int64_t>(r.block_width));
    insert_.BindInt(i++, static_cast<int64_t>(r.block_height));
    insert_.BindText(i++, r.compression);
    for (double v : r.transform.ToArray()) insert_.BindDouble(i++, v);
    if (r.crs_epsg) {
      insert_.BindInt(i++, *r.crs_epsg);
    } else {
      insert_.BindNull(i++);
    }
    insert_.BindText(i++, r.crs_wkt);
    if (r.nodata && !std::isnan(*r.nodata)) {
      insert_.BindDouble(i++, *r.nodata);
    } else if (r.nodata) {
      insert_.BindText(i++, "nan");  // SQLite has no NaN REAL: kept as text
    } else {
      insert_.BindNull(i++);
    }
    insert_.BindText(i++, Join(r.overviews));
    insert_.BindDouble(i++, r.bounds.left);
    insert_.BindDouble(i++, r.bounds.bottom);
    insert_.BindDouble(i++, r.bounds.right);
    insert_.BindDouble(i++, r.bounds.top);
    insert_.BindBlob(i++, row.footprint);
    insert_.BindBlob(i++, row.header_blob);
    insert_.BindInt(i++, static_cast<int64_t>(row.header_blob.size()));
    if (sqlite3_step(insert_.get()) != SQLITE_DONE)
      return DbError(db_, path_, "inserting " + r.uri);
    if (r.bounds_4326) {
      const geo::Bounds& b = *r.bounds_4326;
      sqlite3_reset(rtree_.get());
      rtree_.BindInt(1, fid);
      rtree_.BindDouble(2, b.left);
      rtree_.BindDouble(3, b.right);
      rtree_.BindDouble(4, b.bottom);
      rtree_.BindDouble(5, b.top);
      if (sqlite3_step(rtree_.get()) != SQLITE_DONE)
        return DbError(db_, path_, "indexing " + r.uri);
      if (!extent_) {
        extent_ = b;
      } else {
        extent_->left = std::min(extent_->left, b.left);
        extent_->bottom = std::min(extent_->bottom, b.bottom);
        extent_->right = std::max(extent_->right, b.right);
        extent_->top = std::max(extent_->top, b.top);
      }
    }
    if (r.crs_epsg && r.crs_epsg != 4326 && !r.crs_wkt.empty() && srs_.insert(*r.crs_epsg).second) {
      Stmt srs;
      COGR_RETURN_IF_ERROR(srs.Prepare(
          db_, "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, 'EPSG', ?, ?, NULL)",
          path_));
      srs.BindText(1, "EPSG:" + std::to_string(*r.crs_epsg));
      srs.BindInt(2, *r.crs_epsg);
      srs.BindInt(3, *r.crs_epsg);
      srs.BindText(4, r.crs_wkt);
      if (sqlite3_step(srs.get()) != SQLITE_DONE)
        return DbError(db_, path_, "inserting a spatial reference");
    }
    return Status::OK();
  }

  const std::optional<geo::Bounds>& extent() const { return extent_; }

  static std::string Num(double v) {
    std::ostringstream s;
    s.precision(17);
    s << v;
    return s.str();
  }

 private:
  sqlite3* db_;
  std::string path_;
  Stmt insert_, rtree_;
  std::optional<geo::Bounds> extent_;
  std::set<int> srs_;
};

Status CreateSchema(sqlite3* db, const std::string& path) {
  COGR_RETURN_IF_ERROR(Exec(db,
                            "PRAGMA application_id = " + std::to_string(kApplicationId) +
                                "; PRAGMA user_version = " + std::to_string(kUserVersion) +
                                "; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;",
                            path));
  COGR_RETURN_IF_ERROR(Exec(db, std::string("BEGIN;") + kSchema, path));
  Stmt s;
  COGR_RETURN_IF_ERROR(s.Prepare(db,
                                 "INSERT INTO gpkg_spatial_ref_sys VALUES "
                                 "('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', "
                                 "'undefined cartesian coordinate reference system'),"
                                 "('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', "
                                 "'undefined geographic coordinate reference system'),"
                                 "('WGS 84 geodetic', 4326, 'EPSG', 4326, ?, 'longitude/latitude "
                                 "coordinates in decimal degrees on the WGS 84 spheroid')",
                                 path));
  s.BindText(1, kWgs84Wkt);
  if (sqlite3_step(s.get()) != SQLITE_DONE)
    return DbError(db, path, "writing gpkg_spatial_ref_sys");
  return Exec(
      db,
      "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES "
      "('scenes', 'features', 'scenes', 'cogr scene catalog: footprints and parsed headers', 4326);"
      "INSERT INTO gpkg_geometry_columns VALUES ('scenes', 'geom', 'POLYGON', 4326, 0, 0);"
      "INSERT INTO gpkg_extensions VALUES ('scenes', 'geom', 'gpkg_rtree_index', "
      "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');"
      "INSERT INTO cogr_catalog VALUES ('format_version', '" +
          std::to_string(kFormatVersion) + "'); COMMIT;",
      path);
}

}  // namespace

Result<CatalogBuildSummary> Catalog::Build(const std::vector<std::string>& uris,
                                           const std::string& path,
                                           const CatalogBuildOptions& options) {
  COGR_RETURN_IF_ERROR(internal::LoadSqlite());
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) != 0) {
    return Status::InvalidArgument(
        path + ": exists and is not empty (a catalog is written to a new file)");
  }
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return DbError(raw, path, "creating the catalog");
  COGR_RETURN_IF_ERROR(CreateSchema(db.get(), path));
  Writer writer(db.get(), path);
  COGR_RETURN_IF_ERROR(writer.Prepare());

  std::optional<geo::Crs> wgs84;
  if (auto c = geo::Crs::FromEpsg(4326); c.ok()) wgs84 = *c;

  // One thread drives the opens and writes; callbacks only make rows and post them.
  struct Event {
    size_t index = 0;
    Result<Row> row = Status::OK();
  };
  EventQueue<Event> events;
  auto post = [&events](Event e) { events.Post(std::move(e)); };
  const size_t cap = std::max<size_t>(1, options.concurrency);
  const size_t batch = std::max<size_t>(1, options.batch_rows);
  size_t next = 0, in_flight = 0, done = 0, in_batch = 0;
  CatalogBuildSummary summary;
  Status failed;
  OpenOptions open = options.open;
  // A scene opened for the catalog is not read: no decoded-block cache.
  if (!open.block_cache && !open.block_cache_bytes) open.block_cache_bytes = 0;
  auto start = [&](size_t i) {
    io::SourceOptions io_options = open.io;
    if (io_options.prefix_bytes == 0) io_options.prefix_bytes = open.header_read_bytes;
    // The open's bounds (deadline, timeout, cancel) hold from the first request on.
    const io::IoContext context = internal::ContextOf(open, "open");
    io::OpenAsync(uris[i], io_options, context, [&, i](Result<std::shared_ptr<io::Source>> source) {
      if (!source.ok()) {
        Status st = source.status();
        post({i, st.message().find(uris[i]) == std::string::npos
                     ? Status(st.code(), uris[i] + ": " + st.message())
                     : st});
        return;
      }
      auto recorder = std::make_shared<internal::RecordingSource>(std::move(source).value());
      Dataset::OpenAsync(recorder, open, [&, i, recorder](Result<std::shared_ptr<Dataset>> ds) {
        if (!ds.ok()) {
          post({i, ds.status()});
          return;
        }
        post({i, MakeRow(**ds, *recorder, options, wgs84)});
      });
    });
  };
  // Rows are written in input order (fid = position in `uris`): a completed open waits in
  // `ready` until those before it are written, and counts as in flight until then, so memory
  // stays bounded by `concurrency` rows whatever order the opens finish in.
  std::map<size_t, Result<Row>> ready;
  size_t next_write = 0;
  bool in_txn = false;
  while (done < uris.size()) {
    while (failed.ok() && next < uris.size() && in_flight < cap) {
      ++in_flight;
      start(next++);
    }
    if (in_flight == 0) break;
    for (Event& e : events.Wait()) ready.emplace(e.index, std::move(e.row));
    for (auto it = ready.begin(); it != ready.end() && (it->first == next_write || !failed.ok());
         it = ready.erase(it)) {
      --in_flight;
      ++done;
      ++next_write;
      if (!failed.ok()) continue;
      if (!it->second.ok()) {
        // skip_errors leaves out a scene that failed, not one the build's deadline or
        // cancellation stopped (the catalog would silently miss it).
        if (!options.skip_errors || internal::stack_detail::StoppedByCallBound(
                                        it->second.status(), open.cancel, open.deadline)) {
          failed = it->second.status();
        } else {
          ++summary.skipped;
          if (summary.errors.size() < kMaxKeptErrors) summary.errors.push_back(it->second.status());
        }
        continue;
      }
      const Row& row = *it->second;
      if (!in_txn) {
        failed = Exec(db.get(), "BEGIN", path);
        if (!failed.ok()) continue;
        in_txn = true;
      }
      failed = writer.Write(row, static_cast<int64_t>(it->first) + 1);
      if (!failed.ok()) continue;
      ++summary.scenes;
      summary.header_bytes += row.header_blob.size();
      if (!row.rec.bounds_4326) ++summary.without_crs;
      if (++in_batch >= batch) {
        failed = Exec(db.get(), "COMMIT", path);
        in_txn = false;
        in_batch = 0;
        if (options.progress) options.progress(done, uris.size());
      }
    }
  }
  if (!failed.ok()) return failed;
  if (in_txn) COGR_RETURN_IF_ERROR(Exec(db.get(), "COMMIT", path));
  if (const auto& e = writer.extent()) {
    COGR_RETURN_IF_ERROR(
        Exec(db.get(),
             "UPDATE gpkg_contents SET min_x = " + Writer::Num(e->left) +
                 ", min_y = " + Writer::Num(e->bottom) + ", max_x = " + Writer::Num(e->right) +
                 ", max_y = " + Writer::Num(e->top) + " WHERE table_name = 'scenes'",
             path));
  }
  if (options.progress) options.progress(done, uris.size());
  return summary;
}

}  // namespace cogr

#endif  // COGR_HAVE_SQLITE
