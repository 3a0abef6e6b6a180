// stack: a catalog of scenes, each with its parsed header, stored as a GeoPackage (SQLite) of
// footprints. Building one opens every scene once; opening a scene through it sends no header
// request (the first request of a read is for pixels). See docs/catalog.md.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cogr/dataset.hpp"
#include "cogr/export.hpp"
#include "cogr/geo.hpp"
#include "cogr/io.hpp"
#include "cogr/mask.hpp"
#include "cogr/stack.hpp"
#include "cogr/status.hpp"

namespace cogr {

/// One scene of a catalog: what its header said when the catalog was built.
struct SceneRecord {
  int64_t id = 0;  ///< the row's fid: 1-based position in the build's input
  std::string uri;
  uint64_t size = 0;          ///< bytes of the object
  std::string etag;           ///< remote objects: as the server sent it; may be empty
  std::string last_modified;  ///< may be empty
  uint64_t width = 0, height = 0;
  int count = 0;
  std::string dtype;  ///< "uint8", "float32", ... (DataTypeName)
  uint64_t block_height = 0, block_width = 0;
  std::string compression;  ///< "deflate", ... (Dataset::compression)
  geo::Affine transform;
  std::optional<int> crs_epsg;
  std::string crs_wkt;  ///< WKT1_GDAL; empty when the file has no CRS
  std::optional<double> nodata;
  std::vector<int> overviews;  ///< decimation factors (Dataset::overviews)
  geo::Bounds bounds;          ///< in the scene's CRS (Dataset::bounds)
  /// Envelope of the footprint in EPSG:4326 (lon/lat); unset when the scene has no CRS or
  /// PROJ is missing (such a scene has an empty geometry and no R-tree row).
  std::optional<geo::Bounds> bounds_4326;
  /// The header bytes, size and validators; null unless loaded (CatalogQuery::with_headers,
  /// Catalog::Header). OpenScene loads them when absent.
  std::shared_ptr<const io::KnownHeader> header;
};

/// How Catalog::Build opens the scenes and writes their rows.
struct CatalogBuildOptions {
  /// Opens in flight at once (connections, memory): each holds one header.
  size_t concurrency = 64;
  /// Rows per transaction. Memory holds at most `concurrency` scenes' rows (a completed open
  /// counts as in flight until its row is written, in input order); SQLite keeps a
  /// transaction's pages in its cache until the commit.
  size_t batch_rows = 500;
  /// How the scenes are opened (header_read_bytes, io options, limits). The catalog stores
  /// the header bytes the open read, trimmed to the prefix the parse needs.
  OpenOptions open;
  /// Footprint vertices per edge in EPSG:4326 (edges are densified before reprojection).
  int densify_pts = 21;
  /// Called on the building thread after each committed batch with (scenes done, total).
  std::function<void(size_t, size_t)> progress;
  /// A scene that cannot be opened is left out (counted in CatalogBuildSummary::skipped, its
  /// error kept in errors) instead of failing the build. fid stays the input position.
  bool skip_errors = false;
};

/// What Catalog::Build stored and what it left out.
struct CatalogBuildSummary {
  uint64_t scenes = 0;
  uint64_t header_bytes = 0;   ///< header bytes stored, all scenes
  uint64_t without_crs = 0;    ///< scenes with no CRS (no footprint in EPSG:4326)
  uint64_t skipped = 0;        ///< scenes left out (skip_errors)
  std::vector<Status> errors;  ///< the first 100 of their errors, in input order
};

/// Which scenes Catalog::Query returns: the filters below, all of which must hold.
struct CatalogQuery {
  /// Scenes whose EPSG:4326 footprint envelope intersects these bounds (left, bottom, right,
  /// top) in `bounds_crs`; unset = all scenes (those without a footprint included).
  std::optional<geo::Bounds> bounds;
  /// CRS of `bounds` (anything Crs::FromUserInput takes); empty = EPSG:4326.
  std::string bounds_crs;
  /// Scenes whose footprint shares a point with these geometries (Polygon and MultiPolygon, with
  /// holes; GeometryCollections of them), e.g. mask::ParseGeoJsonDocument's of a GeoJSON
  /// geometry, Feature or FeatureCollection. The R-tree selects the footprints whose envelope
  /// meets the polygons' bounding box, then each footprint polygon is tested exactly: in
  /// EPSG:4326 (the stored densified footprint), or, for another `intersects_crs`, in that CRS
  /// (the scene's own outline when the scene is in it, else the EPSG:4326 footprint
  /// transformed). Empty = no polygon filter. With `bounds` too, both must hold. Other
  /// geometry types are kInvalidArgument "intersects: ...".
  std::vector<mask::Geometry> intersects;
  /// CRS of `intersects` (anything Crs::FromUserInput takes); empty = EPSG:4326 (lon/lat, as
  /// RFC 7946 GeoJSON).
  std::string intersects_crs;
  /// An SQL expression over the catalog's columns (docs/catalog.md), e.g. "count >= 4 AND
  /// dtype = 'uint16'". It runs on a read-only connection whose authorizer allows reading the
  /// scenes table only; ';' is rejected. kInvalidArgument "--where: ..." otherwise.
  std::string where;
  /// Load each record's header bytes (memory: one header per hit).
  bool with_headers = false;
  uint64_t limit = 0;  ///< 0 = all
};

/// Summary of a catalog (`cogr catalog info`).
struct CatalogInfo {
  uint64_t scenes = 0;
  std::optional<geo::Bounds> extent_4326;  ///< union of the footprint envelopes
  std::map<std::string, uint64_t> crs;     ///< "EPSG:32633" (or "none", "other") -> scenes
  std::map<std::string, uint64_t> dtypes;  ///< "uint16" -> scenes
  std::string application_id;              ///< "GPKG"
  int64_t user_version = 0;                ///< 10300 (GeoPackage 1.3)
};

/// A catalog file open for reading (SQLite read-only). Thread-safe: calls are serialised.
/// Without libsqlite3 at build or run time, Build and Open are kUnsupported.
class COGR_EXPORT Catalog {
 public:
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  /// Opens every URI (up to options.concurrency in flight, asynchronously) and writes one row
  /// per scene to a new GeoPackage at `path` (which must not exist or be empty), in
  /// transactions of batch_rows as opens complete. The first failing URI fails the build,
  /// naming it; the file is then incomplete (the CLI writes through a temporary file).
  static Result<CatalogBuildSummary> Build(const std::vector<std::string>& uris,
                                           const std::string& path,
                                           const CatalogBuildOptions& options = {});

  /// Opens a catalog. kInvalidFile naming `path` when it is not a GeoPackage written by
  /// cogr (application_id, tables and columns are checked); kNotFound when it does not exist.
  static Result<std::unique_ptr<Catalog>> Open(const std::string& path);

  const std::string& path() const { return path_; }
  Result<CatalogInfo> Info() const;
  /// Records of the scenes matching `query` (bounds and the polygons' box through the R-tree,
  /// then the exact polygon test), in id order. A stored footprint that is not a valid
  /// GeoPackage polygon is kInvalidFile naming the catalog and the scene.
  Result<std::vector<SceneRecord>> Query(const CatalogQuery& query = {}) const;
  /// The stored header of scene `id`, checked (sizes, counts, chunk bounds) as untrusted input.
  Result<std::shared_ptr<const io::KnownHeader>> Header(int64_t id) const;
  /// Opens the scene from its stored header: no header request (remote: the first request is
  /// for pixels; a later answer with another ETag fails that read, naming the URI).
  Result<std::shared_ptr<Dataset>> OpenScene(const SceneRecord& record,
                                             OpenOptions options = {}) const;
  /// `options` with StackOptions::scene_open set from `records` (one per record, in order, each
  /// SceneOpenOptions(record, options.open)): Stack::Open(Uris(records), ...) then opens every
  /// scene from its stored header, with no header request. Headers missing from the records
  /// are loaded (Header); its errors name the catalog and the scene.
  Result<StackOptions> SceneStackOptions(const std::vector<SceneRecord>& records,
                                         StackOptions options) const;
  /// The URIs of `records`, in order (e.g. the input of a stack).
  static std::vector<std::string> Uris(const std::vector<SceneRecord>& records);

 private:
  struct Impl;
  explicit Catalog(std::unique_ptr<Impl> impl, std::string path);
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

/// The OpenOptions that open a scene from its recorded header: `options` with io.known_header
/// set and header_read_bytes equal to the recorded prefix. For callers holding records
/// (with headers) without the Catalog.
COGR_EXPORT OpenOptions SceneOpenOptions(const SceneRecord& record, OpenOptions options = {});

}  // namespace cogr
