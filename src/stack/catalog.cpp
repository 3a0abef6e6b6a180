// cogr::Catalog: a GeoPackage of scenes with their parsed headers (see docs/catalog.md):
// opening one, its info, queries and opening scenes from their stored headers. Building one is
// catalog_build.cpp; the exact footprint test of polygon queries is footprint.cpp.
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
#include "stack/sqlite_db.hpp"

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

using internal::Db;
using internal::DbError;
using internal::kApplicationId;
using internal::kFormatVersion;
using internal::Stmt;

namespace {

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
constexpr int kRecordColumnCount = 30;

}  // namespace

struct Catalog::Impl {
  Db db;
  mutable std::mutex mu;
};

Catalog::Catalog(std::unique_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}
Catalog::~Catalog() = default;

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

const uint8_t* Blob(const Stmt& s, int col) {
  return static_cast<const uint8_t*>(sqlite3_column_blob(s.get(), col));
}
size_t BlobSize(const Stmt& s, int col) {
  return static_cast<size_t>(std::max(0, sqlite3_column_bytes(s.get(), col)));
}

// `bounds` in `crs_text` (empty: EPSG:4326) as an EPSG:4326 box for the R-tree.
Result<geo::Bounds> BoxIn4326(const std::string& crs_text, const geo::Bounds& bounds) {
  if (crs_text.empty()) return bounds;
  COGR_ASSIGN_OR_RETURN(geo::Crs from, geo::Crs::FromUserInput(crs_text));
  COGR_ASSIGN_OR_RETURN(geo::Crs to, geo::Crs::FromEpsg(4326));
  return geo::TransformBounds(from, to, bounds);
}

// The exact test of a polygon query (CatalogQuery::intersects) against stored footprints.
class PolygonFilter {
 public:
  static Result<PolygonFilter> Make(const CatalogQuery& query) {
    PolygonFilter f;
    COGR_ASSIGN_OR_RETURN(f.area_, internal::MakeQueryArea(query.intersects));
    if (!query.intersects_crs.empty()) {
      COGR_ASSIGN_OR_RETURN(geo::Crs crs, geo::Crs::FromUserInput(query.intersects_crs));
      if (crs.ToEpsg() != 4326) {
        f.crs_ = crs;
        f.epsg_ = crs.ToEpsg();
        COGR_ASSIGN_OR_RETURN(f.wgs84_, geo::Crs::FromEpsg(4326));
      }
    }
    return f;
  }
  const internal::QueryArea& area() const { return area_; }

  // Does the scene's footprint (`geom`: its stored EPSG:4326 blob) meet the area?
  Result<bool> Test(const SceneRecord& r, const uint8_t* geom, size_t n,
                    const std::string& where) const {
    if (geom == nullptr) return false;  // no CRS, no footprint
    if (crs_ && r.crs_epsg && r.crs_epsg == epsg_) {
      // The scene is in the polygons' CRS: its own outline, exactly.
      return internal::Intersects(area_,
                                  internal::OutlineRing(r.transform, static_cast<double>(r.width),
                                                        static_cast<double>(r.height), 0));
    }
    COGR_ASSIGN_OR_RETURN(auto ring, internal::ParseGpkgPolygon(geom, n, where));
    if (!crs_) return internal::Intersects(area_, ring);
    auto moved = geo::TransformPoints(*wgs84_, *crs_, std::move(ring));
    if (!moved.ok() || std::any_of(moved->begin(), moved->end(), [](const auto& p) {
          return !std::isfinite(p.first) || !std::isfinite(p.second);
        })) {
      return true;  // not expressible in the polygons' CRS: the R-tree's answer stands
    }
    return internal::Intersects(area_, *moved);
  }

 private:
  internal::QueryArea area_;
  std::optional<geo::Crs> crs_, wgs84_;
  std::optional<int> epsg_;  // of crs_ (identified once)
};

}  // namespace

Result<std::vector<SceneRecord>> Catalog::Query(const CatalogQuery& query) const {
  if (query.where.find(';') != std::string::npos || query.where.find("--") != std::string::npos ||
      query.where.find("/*") != std::string::npos) {
    return Status::InvalidArgument(
        "--where: only an expression over the catalog's columns is allowed (no ';' or comments)");
  }
  // Boxes (EPSG:4326) each footprint envelope must meet: --bounds, the polygons' box.
  std::vector<geo::Bounds> boxes;
  if (query.bounds) {
    COGR_ASSIGN_OR_RETURN(geo::Bounds box, BoxIn4326(query.bounds_crs, *query.bounds));
    boxes.push_back(box);
  }
  std::optional<PolygonFilter> polygons;
  if (!query.intersects.empty()) {
    COGR_ASSIGN_OR_RETURN(polygons, PolygonFilter::Make(query));
    COGR_ASSIGN_OR_RETURN(geo::Bounds box,
                          BoxIn4326(query.intersects_crs, polygons->area().bounds));
    boxes.push_back(box);
  }
  std::string sql = std::string("SELECT ") + kRecordColumns +
                    (query.with_headers ? ", header" : "") + (polygons ? ", geom" : "") +
                    " FROM scenes";
  const int header_col = kRecordColumnCount,
            geom_col = kRecordColumnCount + (query.with_headers ? 1 : 0);
  std::vector<std::string> conds;
  for (size_t i = 0; i < boxes.size(); ++i) {
    conds.push_back("fid IN (SELECT id FROM rtree_scenes_geom WHERE minx <= ?" +
                    std::to_string(4 * i + 1) + " AND maxx >= ?" + std::to_string(4 * i + 2) +
                    " AND miny <= ?" + std::to_string(4 * i + 3) + " AND maxy >= ?" +
                    std::to_string(4 * i + 4) + ")");
  }
  if (!query.where.empty()) conds.push_back("(" + query.where + ")");
  for (size_t i = 0; i < conds.size(); ++i) sql += (i ? " AND " : " WHERE ") + conds[i];
  sql += " ORDER BY fid";
  // With polygons, the limit applies after the exact test.
  if (query.limit && !polygons) sql += " LIMIT " + std::to_string(query.limit);

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
  for (size_t i = 0; i < boxes.size(); ++i) {
    const int k = static_cast<int>(4 * i);
    s.BindDouble(k + 1, boxes[i].right);
    s.BindDouble(k + 2, boxes[i].left);
    s.BindDouble(k + 3, boxes[i].top);
    s.BindDouble(k + 4, boxes[i].bottom);
  }
  std::vector<SceneRecord> out;
  int rc = 0;
  while ((!query.limit || out.size() < query.limit) && (rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    SceneRecord r = ReadRecord(s);
    const std::string where = path_ + ": scene " + std::to_string(r.id) + " (" + r.uri + ")";
    if (polygons) {
      COGR_ASSIGN_OR_RETURN(bool hit,
                            polygons->Test(r, Blob(s, geom_col), BlobSize(s, geom_col), where));
      if (!hit) continue;
    }
    if (query.with_headers) {
      COGR_ASSIGN_OR_RETURN(
          io::KnownHeader h,
          internal::DecodeHeader(Blob(s, header_col), BlobSize(s, header_col), r.size, where));
      h.etag = r.etag;
      h.last_modified = r.last_modified;
      r.header = std::make_shared<const io::KnownHeader>(std::move(h));
    }
    out.push_back(std::move(r));
  }
  if (query.limit && out.size() >= query.limit) rc = SQLITE_DONE;
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
