// geo: coordinate reference systems through PROJ, with rasterio's (GDAL's) semantics.
//
// Without PROJ (COGR_HAVE_PROJ undefined at build time) every function here returns
// kUnsupported; the rest of cogr keeps working.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cogr/geo.hpp"
#include "cogr/status.hpp"
#include "cogr/tiff.hpp"

namespace cogr::geo {

/// WKT dialects Crs::ToWkt can write.
enum class WktFormat : uint8_t {
  kWkt1Gdal,   ///< GDAL's WKT1, as rasterio's crs.to_wkt() prints it (AXIS and AUTHORITY nodes)
  kWkt2_2019,  ///< ISO 19162:2019, one line
};

/// An immutable coordinate reference system.
///
/// Thread safety: a Crs holds no PROJ object, only its definition and the answers computed
/// when it was built, so copies and concurrent calls from any number of threads are safe.
/// Copies are cheap (shared, reference-counted state).
class COGR_EXPORT Crs {
 public:
  /// EPSG:code from PROJ's database (rasterio's CRS.from_epsg). kInvalidArgument with PROJ's
  /// message for an unknown code ("EPSG:99999: proj_create_from_database: crs not found").
  static Result<Crs> FromEpsg(int code);

  /// rasterio's CRS.from_user_input for strings: "EPSG:4326", WKT1 (GDAL or ESRI dialect),
  /// WKT2, a PROJ string ("+proj=utm +zone=18 +datum=WGS84") or PROJJSON.
  /// kInvalidArgument when PROJ cannot parse it or it is not a CRS.
  static Result<Crs> FromUserInput(const std::string& text);

  /// Builds the CRS the GeoKeys describe, as GDAL's GTiff driver does (libgeotiff's
  /// GTIFGetDefn + GDAL's GTIFGetOGISDefnAsOSR), then round-trips it through WKT1 as rasterio
  /// does, so ToWkt() equals rasterio's crs.to_wkt() for the same file.
  /// Handles ProjectedCSTypeGeoKey (3072) / GeographicTypeGeoKey (2048) EPSG codes,
  /// user-defined (32767) definitions key by key (datum 2050, ellipsoid 2056 or semi-axes
  /// 2057-2059, prime meridian 2051/2061, TOWGS84 2062, angular and linear units 2054/2055,
  /// 3076/3077, ProjCoordTransGeoKey 3075 with parameters 3078-3095, ProjectionGeoKey 3074
  /// EPSG conversion codes), citations (1026, 2049, 3073) and ESRI PE strings.
  /// A user-defined model type gives the ESRI PE string's CRS or a
  /// LOCAL_CS, as in GDAL. kNotFound when the keys name no CRS at all (empty, or only
  /// GTRasterTypeGeoKey); kInvalidFile for values no CRS can have (non-finite or absurd
  /// axes, prime meridian, unit sizes, TOWGS84 values or projection parameters: "GeoKeys:
  /// ellipsoid axis nan is out of range"); kInvalidArgument when PROJ rejects what the keys
  /// describe (e.g. semi-minor > semi-major). Note: GDAL ignores the GeoKeys of a file georeferenced by GCPs
  /// only; that rule belongs to the caller.
  ///
  /// `key_directory_version` is the GeoKeyDirectory's header (KeyDirectoryVersion,
  /// KeyRevision, MinorRevision). Vertical keys (4096-4099) make a COMPD_CS as GDAL 3.6 does,
  /// except for version 1.1.0 (GeoTIFF 1.0), where GDAL strips the vertical part.
  static Result<Crs> FromGeoKeys(const std::map<uint16_t, cogr::tiff::GeoKeyValue>& keys,
                                 const std::array<uint16_t, 3>& key_directory_version = {1, 1, 0});

  /// The EPSG code: the CRS's own EPSG identifier, else the code PROJ identifies with 100 %
  /// confidence; nullopt otherwise (e.g. a user-defined LCC). The first call may search
  /// PROJ's database (milliseconds); the answer is kept.
  std::optional<int> ToEpsg() const;

  /// WKT in the requested dialect, on one line. kUnsupported when the dialect cannot express
  /// this CRS.
  Result<std::string> ToWkt(WktFormat format = WktFormat::kWkt1Gdal) const;

  /// PROJJSON, on one line.
  Result<std::string> ToProjJson() const;

  /// True for a geographic (lon/lat) CRS, also when wrapped with TOWGS84 or in a compound CRS.
  bool IsGeographic() const;
  /// True for a projected CRS, also when wrapped with TOWGS84 or in a compound CRS.
  bool IsProjected() const;

  /// Name of the unit of the first horizontal axis: "metre", "US survey foot", "degree", ...;
  /// "unknown" when the CRS has none.
  std::string LinearUnits() const;

  /// rasterio's crs.linear_units_factor: the unit of the first horizontal axis of a projected
  /// CRS and its size in metres (("metre", 1), ("US survey foot", 0.3048006096012192)).
  /// kInvalidArgument ("linear units factor is not defined for a non-projected CRS (\"name\")")
  /// for geographic, geocentric and other CRSs without a linear horizontal unit.
  Result<std::pair<std::string, double>> LinearUnitsFactor() const;

  /// The CRS's name ("WGS 84 / UTM zone 18N").
  std::string Name() const;

 private:
  struct Impl;  // defined in src/geo/crs.cpp
  explicit Crs(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
  friend struct CrsAccess;  // src/geo/crs.cpp builds and reads Crs values
};

/// True when `a` and `b` are the same CRS for cogr's purposes: the same EPSG code (ToEpsg),
/// else the same WKT1_GDAL text. No PROJ search beyond ToEpsg; never reprojects.
COGR_EXPORT bool SameCrs(const Crs& a, const Crs& b);

/// Transforms points (x, y) from `from` to `to` in traditional GIS order (longitude/easting
/// first) whatever the CRSs' axis order, like rasterio.warp.transform. A point PROJ cannot
/// transform comes back as (inf, inf). kInvalidArgument when no transformation exists.
COGR_EXPORT Result<std::vector<std::pair<double, double>>> TransformPoints(
    const Crs& from, const Crs& to, std::vector<std::pair<double, double>> points);

/// rasterio.warp.transform_bounds: the box in `to` that holds `bounds` (in `from`), found by
/// transforming `densify_pts` extra points along each edge. For a geographic `to` a box that
/// crosses the antimeridian comes back with left > right, as rasterio does.
/// kInvalidArgument for densify_pts < 0 or when the edges cannot be transformed.
COGR_EXPORT Result<Bounds> TransformBounds(const Crs& from, const Crs& to, const Bounds& bounds,
                                           int densify_pts = 21);

}  // namespace cogr::geo
