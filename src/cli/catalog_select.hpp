// cli: picking scenes from a catalog, shared by `cogr stack`, `cogr sample` and
// `cogr catalog query`: --catalog, --where, --bounds/--bounds-crs (given by the command) and
// --intersects FILE.geojson with its CRS.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cogr/catalog.hpp"
#include "cogr/stack.hpp"
#include "cogr/status.hpp"

namespace cogr::cli {

/// The contents of a small text file (points, GeoJSON): kNotFound "<path>: cannot open the
/// <what> file", kLimitExceeded beyond 256 MiB.
Result<std::string> ReadInputFile(const std::string& path, const std::string& what);

struct CatalogSelection {
  std::string path;             ///< --catalog (empty: none)
  CatalogQuery query;           ///< --where, and bounds/intersects once loaded
  std::string intersects_path;  ///< --intersects
  std::string intersects_crs;   ///< its CRS option (--intersects-crs, or catalog query's --crs)

  /// Takes --catalog, --where, --intersects and `crs_option` (the CRS of --intersects). False
  /// when `name` is none of them; kInvalidArgument "--x: ..." for an empty value.
  Result<bool> ApplyOption(const std::string& name, const std::string& value,
                           const std::string& crs_option = "--intersects-crs");
  /// After the options: --where and --intersects need --catalog (unless `standalone`, for
  /// `catalog query`), the CRS option needs --intersects. kInvalidArgument (a usage error).
  Status Check(bool standalone = false) const;
  /// Reads --intersects' polygons (ParseGeoJsonDocument; their CRS: the option, else the
  /// document's "crs" member, else EPSG:4326). Errors name the file.
  Status Load();
  /// The bounding box of the --intersects polygons in their CRS (unset without them).
  std::optional<geo::Bounds> IntersectsBounds() const;
  /// The scenes of the catalog matching the query, in the catalog's order; `options` gets each
  /// one's open options from its stored header (set options.open first). kNotFound when none.
  Result<std::vector<std::string>> Scenes(StackOptions& options) const;
};

}  // namespace cogr::cli
