// cogr::Catalog: a GeoPackage of scenes with their parsed headers (see docs/catalog.md).
//
// Build drives every open from one thread, as `cogr bench` does: up to `concurrency` opens in
// flight (Dataset::OpenAsync over a RecordingSource), each completed open turned into a row on
// the executor thread that finished it, rows written by the building thread in transactions of
// batch_rows. Memory: the rows in flight and one batch, never the whole catalog.
#include "cogr/catalog.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "cogr/crs.hpp"
#include "stack/catalog_internal.hpp"
#include "stack/sqlite_api.hpp"

namespace cogr {

#ifndef COGR_HAVE_SQLITE

struct Catalog::Impl {};
Catalog::Catalog(std::unique_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}
Catalog::~Catalog() = default;
namespace {
Status NoSqlite(const std::string& path) {
  return Status::Unsupported(path + ": catalogs need libsqlite3, and cogr was built without it");
}
}  // namespace
Result<CatalogBuildSummary> Catalog::Build(const std::vector<std::string>&, const std::string& path,
                                           const CatalogBuildOptions&) {
  return NoSqlite(path);
}
Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& path) { return NoSqlite(path); }
Result<CatalogInfo> Catalog::Info() const { return NoSqlite(path_); }
Result<std::vector<SceneRecord>> Catalog::Query(const CatalogQuery&) const {
  return NoSqlite(path_);
}
Result<std::shared_ptr<const io::KnownHeader>> Catalog::Header(int64_t) const {
  return NoSqlite(path_);
}
Result<std::shared_ptr<Dataset>> Catalog::OpenScene(const SceneRecord&, OpenOptions) const {
  return NoSqlite(path_);
}

#else

namespace {

constexpr int64_t kApplicationId = 0x47504B47;  // "GPKG"
constexpr int64_t kUserVersion = 10300;         // GeoPackage 1.3.0
constexpr int kFormatVersion = 1;               // cogr_catalog.format_version
constexpr size_t kMaxKeptErrors = 100;          // CatalogBuildSummary::errors

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

// Columns of a record, in Query's SELECT order.
constexpr const char* kRecordColumns =
    "fid, uri, size, etag, last_modified, width, height, count, dtype, block_width, block_height, "
    "compression, "
    "transform_a, transform_b, transform_c, transform_d, transform_e, transform_f, crs_epsg, "
    "crs_wkt, nodata, "
    "overviews, minx, miny, maxx, maxy, "
    "(SELECT r.minx FROM rtree_scenes_geom r WHERE r.id = scenes.fid), "
    "(SELECT r.miny FROM rtree_scenes_geom r WHERE r.id = scenes.fid), "
    "(SELECT r.maxx FROM rtree_scenes_geom r WHERE r.id = scenes.fid), "
    "(SELECT r.maxy FROM rtree_scenes_geom r WHERE r.id = scenes.fid)";

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

Status DbError(sqlite3* db, const std::string& path, const std::string& what) {
  const std::string msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  if (msg.find("not a database") != std::string::npos ||
      msg.find("malformed") != std::string::npos) {
    return Status::InvalidFile(path + ": not a GeoPackage (" + msg + ")");
  }
  return Status::IoError(path + ": " + what + ": " + msg);
}

// A prepared statement, finalized on destruction.
class Stmt {
 public:
  Stmt() = default;
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Status Prepare(sqlite3* db, const std::string& sql, const std::string& path) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
      return DbError(db, path, "preparing a statement");
    }
    return Status::OK();
  }
  sqlite3_stmt* get() const { return stmt_; }
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void BindDouble(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void BindText(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, const std::vector<uint8_t>& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }
  bool IsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  int64_t Int(int i) const { return sqlite3_column_int64(stmt_, i); }
  double Double(int i) const { return sqlite3_column_double(stmt_, i); }
  std::string Text(int i) const {
    const unsigned char* p = sqlite3_column_text(stmt_, i);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

Status Exec(sqlite3* db, const std::string& sql, const std::string& path) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    Status st = DbError(db, path, "executing SQL");
    if (st.code() == Code::kInvalidFile) return st;
    return Status::IoError(path + ": " + msg);
  }
  return Status::OK();
}

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

// The scene's corners in its CRS (rotated transforms included), edges densified by n points.
std::vector<std::pair<double, double>> Ring(const geo::Affine& t, double w, double h, int n) {
  std::vector<std::pair<double, double>> ring;
  const double corners[4][2] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  for (int k = 0; k < 4; ++k) {
    const double* a = corners[k];
    const double* b = corners[(k + 1) % 4];
    for (int i = 0; i <= n; ++i) {
      const double f = static_cast<double>(i) / (n + 1);
      const double col = a[0] + (b[0] - a[0]) * f, row = a[1] + (b[1] - a[1]) * f;
      ring.emplace_back(t.a * col + t.b * row + t.c, t.d * col + t.e * row + t.f);
    }
  }
  return ring;
}

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
  const auto ring =
      Ring(r.transform, static_cast<double>(r.width), static_cast<double>(r.height), n);
  row.native_srs = r.crs_epsg.value_or(-1);
  row.footprint = internal::GpkgPolygon(
      Ring(r.transform, static_cast<double>(r.width), static_cast<double>(r.height), 0),
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
        "INSERT INTO scenes (fid, geom, uri, size, etag, last_modified, width, height, count, dtype, "
        "block_width, block_height, compression, transform_a, transform_b, transform_c, "
        "transform_d, transform_e, transform_f, crs_epsg, crs_wkt, nodata, overviews, minx, miny, "
        "maxx, maxy, footprint, header, header_bytes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
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

struct Catalog::Impl {
  Db db;
  mutable std::mutex mu;
};

Catalog::Catalog(std::unique_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}
Catalog::~Catalog() = default;

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
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Event> events;
  auto post = [&](Event e) {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(std::move(e));
    cv.notify_one();
  };
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
    io::OpenAsync(
        uris[i], io_options, io::IoContext{}, [&, i](Result<std::shared_ptr<io::Source>> source) {
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
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !events.empty(); });
      while (!events.empty()) {
        ready.emplace(events.front().index, std::move(events.front().row));
        events.pop_front();
      }
    }
    for (auto it = ready.begin(); it != ready.end() && (it->first == next_write || !failed.ok());
         it = ready.erase(it)) {
      --in_flight;
      ++done;
      ++next_write;
      if (!failed.ok()) continue;
      if (!it->second.ok()) {
        if (!options.skip_errors) {
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

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& path) {
  COGR_RETURN_IF_ERROR(internal::LoadSqlite());
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path + ": no such file");
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return DbError(raw, path, "opening");
  sqlite3_busy_timeout(db.get(), 5000);
  Stmt s;
  COGR_RETURN_IF_ERROR(s.Prepare(db.get(), "PRAGMA application_id", path));
  if (sqlite3_step(s.get()) != SQLITE_ROW) return DbError(db.get(), path, "reading application_id");
  if (s.Int(0) != kApplicationId) {
    return Status::InvalidFile(path + ": not a GeoPackage (application_id " +
                               std::to_string(s.Int(0)) + ")");
  }
  Stmt v;
  if (!v.Prepare(db.get(), "SELECT value FROM cogr_catalog WHERE key = 'format_version'", path)
           .ok() ||
      sqlite3_step(v.get()) != SQLITE_ROW) {
    return Status::InvalidFile(path +
                               ": a GeoPackage but not a cogr catalog (no cogr_catalog table)");
  }
  if (v.Text(0) != std::to_string(kFormatVersion)) {
    return Status::Unsupported(path + ": catalog format version " + v.Text(0) +
                               " (this cogr reads " + std::to_string(kFormatVersion) + ")");
  }
  Stmt cols;
  if (!cols.Prepare(db.get(),
                    std::string("SELECT ") + kRecordColumns + ", header FROM scenes LIMIT 0", path)
           .ok()) {
    return Status::InvalidFile(path + ": the scenes table lacks cogr's columns");
  }
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(db);
  return std::unique_ptr<Catalog>(new Catalog(std::move(impl), path));
}

Result<CatalogInfo> Catalog::Info() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  sqlite3* db = impl_->db.get();
  CatalogInfo info;
  Stmt s;
  COGR_RETURN_IF_ERROR(s.Prepare(db, "PRAGMA application_id", path_));
  if (sqlite3_step(s.get()) == SQLITE_ROW) {
    const auto id = static_cast<uint32_t>(s.Int(0));
    for (int i = 3; i >= 0; --i) info.application_id += static_cast<char>((id >> (8 * i)) & 0xff);
  }
  COGR_RETURN_IF_ERROR(s.Prepare(db, "PRAGMA user_version", path_));
  if (sqlite3_step(s.get()) == SQLITE_ROW) info.user_version = s.Int(0);
  COGR_RETURN_IF_ERROR(s.Prepare(db, "SELECT count(*) FROM scenes", path_));
  if (sqlite3_step(s.get()) != SQLITE_ROW) return DbError(db, path_, "counting scenes");
  info.scenes = static_cast<uint64_t>(s.Int(0));
  COGR_RETURN_IF_ERROR(s.Prepare(
      db, "SELECT min(minx), min(miny), max(maxx), max(maxy), count(*) FROM rtree_scenes_geom",
      path_));
  if (sqlite3_step(s.get()) == SQLITE_ROW && s.Int(4) > 0) {
    info.extent_4326 = geo::Bounds{s.Double(0), s.Double(1), s.Double(2), s.Double(3)};
  }
  COGR_RETURN_IF_ERROR(
      s.Prepare(db, "SELECT crs_epsg, crs_wkt = '', count(*) FROM scenes GROUP BY 1, 2", path_));
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    const std::string key = !s.IsNull(0) ? "EPSG:" + std::to_string(s.Int(0))
                            : s.Int(1)   ? "none"
                                         : "other";
    info.crs[key] += static_cast<uint64_t>(s.Int(2));
  }
  COGR_RETURN_IF_ERROR(s.Prepare(db, "SELECT dtype, count(*) FROM scenes GROUP BY 1", path_));
  while (sqlite3_step(s.get()) == SQLITE_ROW)
    info.dtypes[s.Text(0)] += static_cast<uint64_t>(s.Int(1));
  return info;
}

namespace {

// Authorizer of --where statements: reading the scenes table (and the R-tree the query joins),
// selecting and calling functions; nothing else (no writes, pragmas, attach, other tables).
int WhereAuthorizer(void*, int action, const char* a, const char*, const char*, const char*) {
  switch (action) {
    case SQLITE_SELECT: return SQLITE_OK;
    case SQLITE_READ: {
      const std::string table = a ? a : "";
      return table == "scenes" || table.rfind("rtree_scenes_geom", 0) == 0 ? SQLITE_OK
                                                                           : SQLITE_DENY;
    }
    case SQLITE_FUNCTION: {
      const std::string fn = a ? a : "";
      return fn == "load_extension" || fn == "readfile" || fn == "writefile" ||
                     fn == "fts3_tokenizer"
                 ? SQLITE_DENY
                 : SQLITE_OK;
    }
    default: return SQLITE_DENY;
  }
}

SceneRecord ReadRecord(const Stmt& s) {
  SceneRecord r;
  int i = 0;
  r.id = s.Int(i++);
  r.uri = s.Text(i++);
  r.size = static_cast<uint64_t>(s.Int(i++));
  r.etag = s.Text(i++);
  r.last_modified = s.Text(i++);
  r.width = static_cast<uint64_t>(s.Int(i++));
  r.height = static_cast<uint64_t>(s.Int(i++));
  r.count = static_cast<int>(s.Int(i++));
  r.dtype = s.Text(i++);
  r.block_width = static_cast<uint64_t>(s.Int(i++));
  r.block_height = static_cast<uint64_t>(s.Int(i++));
  r.compression = s.Text(i++);
  r.transform.a = s.Double(i++);
  r.transform.b = s.Double(i++);
  r.transform.c = s.Double(i++);
  r.transform.d = s.Double(i++);
  r.transform.e = s.Double(i++);
  r.transform.f = s.Double(i++);
  if (!s.IsNull(i)) r.crs_epsg = static_cast<int>(s.Int(i));
  ++i;
  r.crs_wkt = s.Text(i++);
  if (sqlite3_column_type(s.get(), i) == SQLITE_TEXT) {
    r.nodata = std::nan("");
  } else if (!s.IsNull(i)) {
    r.nodata = s.Double(i);
  }
  ++i;
  std::stringstream ov(s.Text(i++));
  for (std::string item; std::getline(ov, item, ',');) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (end && *end == '\0' && v > 0 && v <= (1 << 30)) r.overviews.push_back(static_cast<int>(v));
  }
  r.bounds = {s.Double(i), s.Double(i + 1), s.Double(i + 2), s.Double(i + 3)};
  i += 4;
  if (!s.IsNull(i))
    r.bounds_4326 = geo::Bounds{s.Double(i), s.Double(i + 1), s.Double(i + 2), s.Double(i + 3)};
  return r;
}

}  // namespace

Result<std::vector<SceneRecord>> Catalog::Query(const CatalogQuery& query) const {
  if (query.where.find(';') != std::string::npos || query.where.find("--") != std::string::npos ||
      query.where.find("/*") != std::string::npos) {
    return Status::InvalidArgument(
        "--where: only an expression over the catalog's columns is allowed (no ';' or comments)");
  }
  std::optional<geo::Bounds> box = query.bounds;
  if (box && !query.bounds_crs.empty()) {
    COGR_ASSIGN_OR_RETURN(geo::Crs from, geo::Crs::FromUserInput(query.bounds_crs));
    COGR_ASSIGN_OR_RETURN(geo::Crs to, geo::Crs::FromEpsg(4326));
    COGR_ASSIGN_OR_RETURN(box, geo::TransformBounds(from, to, *box));
  }
  std::string sql = std::string("SELECT ") + kRecordColumns +
                    (query.with_headers ? ", header" : "") + " FROM scenes";
  std::vector<std::string> conds;
  if (box) {
    conds.push_back(
        "fid IN (SELECT id FROM rtree_scenes_geom WHERE minx <= ?1 AND maxx >= ?2 AND miny <= ?3 "
        "AND maxy >= ?4)");
  }
  if (!query.where.empty()) conds.push_back("(" + query.where + ")");
  for (size_t i = 0; i < conds.size(); ++i) sql += (i ? " AND " : " WHERE ") + conds[i];
  sql += " ORDER BY fid";
  if (query.limit) sql += " LIMIT " + std::to_string(query.limit);

  std::lock_guard<std::mutex> lock(impl_->mu);
  sqlite3* db = impl_->db.get();
  Stmt s;
  sqlite3_set_authorizer(db, WhereAuthorizer, nullptr);
  Status prepared = s.Prepare(db, sql, path_);
  sqlite3_set_authorizer(db, nullptr, nullptr);
  if (!prepared.ok()) {
    if (!query.where.empty() && prepared.code() != Code::kInvalidFile) {
      return Status::InvalidArgument("--where \"" + query.where + "\": " + sqlite3_errmsg(db));
    }
    return prepared;
  }
  if (box) {
    s.BindDouble(1, box->right);
    s.BindDouble(2, box->left);
    s.BindDouble(3, box->top);
    s.BindDouble(4, box->bottom);
  }
  std::vector<SceneRecord> out;
  int rc = 0;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    SceneRecord r = ReadRecord(s);
    if (query.with_headers) {
      const int col = 30;
      const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(s.get(), col));
      const int n = sqlite3_column_bytes(s.get(), col);
      COGR_ASSIGN_OR_RETURN(
          io::KnownHeader h,
          internal::DecodeHeader(p, static_cast<size_t>(std::max(0, n)), r.size,
                                 path_ + ": scene " + std::to_string(r.id) + " (" + r.uri + ")"));
      h.etag = r.etag;
      h.last_modified = r.last_modified;
      r.header = std::make_shared<const io::KnownHeader>(std::move(h));
    }
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) {
    if (!query.where.empty())
      return Status::InvalidArgument("--where \"" + query.where + "\": " + sqlite3_errmsg(db));
    return DbError(db, path_, "querying scenes");
  }
  return out;
}

Result<std::shared_ptr<const io::KnownHeader>> Catalog::Header(int64_t id) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  sqlite3* db = impl_->db.get();
  Stmt s;
  COGR_RETURN_IF_ERROR(s.Prepare(
      db, "SELECT header, size, etag, last_modified, uri FROM scenes WHERE fid = ?", path_));
  s.BindInt(1, id);
  if (sqlite3_step(s.get()) != SQLITE_ROW)
    return Status::NotFound(path_ + ": no scene " + std::to_string(id));
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(s.get(), 0));
  const int n = sqlite3_column_bytes(s.get(), 0);
  const int64_t size = s.Int(1);
  if (size <= 0)
    return Status::InvalidFile(path_ + ": scene " + std::to_string(id) + " has size " +
                               std::to_string(size));
  COGR_ASSIGN_OR_RETURN(
      io::KnownHeader h,
      internal::DecodeHeader(p, static_cast<size_t>(std::max(0, n)), static_cast<uint64_t>(size),
                             path_ + ": scene " + std::to_string(id) + " (" + s.Text(4) + ")"));
  h.etag = s.Text(2);
  h.last_modified = s.Text(3);
  return std::shared_ptr<const io::KnownHeader>(
      std::make_shared<const io::KnownHeader>(std::move(h)));
}

Result<std::shared_ptr<Dataset>> Catalog::OpenScene(const SceneRecord& record,
                                                    OpenOptions options) const {
  if (!record.header) {
    COGR_ASSIGN_OR_RETURN(auto header, Header(record.id));
    SceneRecord with = record;
    with.header = std::move(header);
    return Dataset::Open(record.uri, SceneOpenOptions(with, std::move(options)));
  }
  return Dataset::Open(record.uri, SceneOpenOptions(record, std::move(options)));
}

#endif  // COGR_HAVE_SQLITE

std::vector<std::string> Catalog::Uris(const std::vector<SceneRecord>& records) {
  std::vector<std::string> uris;
  uris.reserve(records.size());
  for (const SceneRecord& r : records) uris.push_back(r.uri);
  return uris;
}

Result<StackOptions> Catalog::SceneStackOptions(const std::vector<SceneRecord>& records,
                                                StackOptions options) const {
  options.scene_open.clear();
  options.scene_open.reserve(records.size());
  for (const SceneRecord& record : records) {
    if (record.header) {
      options.scene_open.push_back(SceneOpenOptions(record, options.open));
      continue;
    }
    COGR_ASSIGN_OR_RETURN(auto header, Header(record.id));
    SceneRecord with = record;
    with.header = std::move(header);
    options.scene_open.push_back(SceneOpenOptions(with, options.open));
  }
  return options;
}

OpenOptions SceneOpenOptions(const SceneRecord& record, OpenOptions options) {
  if (!record.header) return options;
  options.io.known_header = record.header;
  if (!record.header->chunks.empty() && record.header->chunks[0].offset == 0) {
    options.header_read_bytes = record.header->chunks[0].bytes.size();
  }
  return options;
}

}  // namespace cogr
