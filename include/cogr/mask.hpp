// mask: vector geometries (GeoJSON), rasterization onto a pixel grid, and rasterio.mask.mask.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"
#include "cogr/geo.hpp"
#include "cogr/status.hpp"

namespace cogr::mask {

/// A position (x, y) in the coordinates of the shapes (the raster's CRS for Mask).
struct Point {
  double x = 0, y = 0;
  bool operator==(const Point&) const = default;
};
/// An open path of positions (GeoJSON LineString).
struct LineString {
  std::vector<Point> points;
};
/// A closed exterior ring and optional hole rings (each ring closed: first == last).
struct Polygon {
  std::vector<Point> exterior;
  std::vector<std::vector<Point>> holes;
};
/// GeoJSON MultiPoint.
struct MultiPoint {
  std::vector<Point> points;
};
/// GeoJSON MultiLineString.
struct MultiLineString {
  std::vector<LineString> lines;
};
/// GeoJSON MultiPolygon.
struct MultiPolygon {
  std::vector<Polygon> polygons;
};
struct GeometryCollection;

/// One geometry of any GeoJSON type. A GeometryCollection holds nested Geometry values.
struct COGR_EXPORT Geometry {
  std::variant<Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon,
               std::vector<Geometry>>
      value;
  /// Bounding box (left=min x, bottom=min y, right=max x, top=max y); nullopt when the
  /// geometry has no positions.
  std::optional<geo::Bounds> Bounds() const;
};

/// Parses a GeoJSON geometry, Feature or FeatureCollection into geometries (features with a
/// null geometry are skipped). Errors are kInvalidArgument starting with "GeoJSON: ".
COGR_EXPORT Result<std::vector<Geometry>> ParseGeoJson(std::string_view text);

/// ParseGeoJson on the contents of a file (e.g. the output of `ogr2ogr -f GeoJSON` or a
/// geojson.io export). Errors name the path: kNotFound / kIoError when it cannot be read,
/// kLimitExceeded for a file larger than `max_bytes` (default 256 MiB), and ParseGeoJson's
/// "GeoJSON: ..." errors prefixed with "<path>: ".
COGR_EXPORT Result<std::vector<Geometry>> ParseGeoJsonFile(const std::string& path,
                                                           uint64_t max_bytes = 256ull << 20);

/// Options of ParseGeoJsonDocument.
struct GeoJsonOptions {
  /// RFC 7946: a document without a "crs" member is in WGS 84 longitude/latitude. When true,
  /// such a document gets crs = "OGC:CRS84"; when false (the default), crs stays unset and the
  /// caller decides (rasterio and `rio mask` take the raster's CRS).
  bool default_to_wgs84 = false;
};

/// A parsed GeoJSON document: its geometries and the CRS its coordinates are in.
struct GeoJsonDocument {
  std::vector<Geometry> geometries;
  /// The document's "crs" member (GeoJSON 2008: {"type": "name", "properties": {"name":
  /// "urn:ogc:def:crs:EPSG::32631"}}) as the name text, which geo::Crs::FromUserInput accepts;
  /// "OGC:CRS84" when absent and GeoJsonOptions::default_to_wgs84; unset otherwise.
  std::optional<std::string> crs;
};

/// ParseGeoJson plus the document's CRS. A "crs" member that is not a named CRS (e.g. the
/// 2008 "link" form) is kInvalidArgument "GeoJSON: ...".
COGR_EXPORT Result<GeoJsonDocument> ParseGeoJsonDocument(std::string_view text,
                                                         const GeoJsonOptions& options = {});

/// Reprojects geometries from `from` to `to` through PROJ (geo::TransformPoints, x =
/// longitude/easting first), vertex by vertex. Edges of lines and rings are densified so that
/// a straight edge in `from` stays close to its true image in `to`: an edge is split at its
/// midpoint (in `from` coordinates) while the transformed midpoint lies farther than
/// `tolerance` (in `to` units) from the midpoint of the transformed ends, at most 12 times in
/// depth (4096 pieces per edge). Points are not densified. kInvalidArgument for tolerance <= 0
/// or NaN, or naming the first vertex that cannot be transformed; kLimitExceeded beyond 16 Mi
/// vertices.
COGR_EXPORT Result<std::vector<Geometry>> ReprojectGeometries(const std::vector<Geometry>& shapes,
                                                              const geo::Crs& from,
                                                              const geo::Crs& to, double tolerance);

/// Burns `shapes` onto a (height, width) grid whose pixel (col, row) maps to the world by
/// `transform`: returns height*width bytes, 1 where burned, 0 elsewhere. GDAL 3.6.2's
/// rasterizer as rasterio 1.3.5 calls it, bit for bit (docs/masking.md): polygons (rings made
/// clockwise) burn the pixels whose centre the scanline fill puts inside (even-odd; a centre
/// on a left edge is out, on a right edge in); all_touched adds GDAL's outline walk; lines
/// are Bresenham (all_touched: every pixel crossed), points the pixel holding them.
/// kInvalidArgument for a non-invertible transform; kLimitExceeded when width*height
/// overflows or a side exceeds 2^31 - 1.
COGR_EXPORT Result<std::vector<uint8_t>> Rasterize(const std::vector<Geometry>& shapes,
                                                   uint64_t width, uint64_t height,
                                                   const geo::Affine& transform, bool all_touched);

/// rasterio.features.geometry_mask: 1 (true) for pixels OUTSIDE the shapes, 0 inside;
/// invert flips it (1 inside).
COGR_EXPORT Result<std::vector<uint8_t>> GeometryMask(const std::vector<Geometry>& shapes,
                                                      uint64_t width, uint64_t height,
                                                      const geo::Affine& transform,
                                                      bool all_touched, bool invert);

/// rasterio.features.geometry_window for the pixel grid of (width, height) under transform:
/// the shapes' pixel-space bounds rounded outward (floor/ceil), grown by pad, intersected with
/// the image. kInvalidArgument "Input shapes do not overlap raster." when disjoint.
COGR_EXPORT Result<geo::Window> GeometryWindow(const std::vector<Geometry>& shapes, uint64_t width,
                                               uint64_t height, const geo::Affine& transform,
                                               double pad_x = 0, double pad_y = 0);

/// Options of Mask (rasterio.mask.mask's keyword arguments).
struct MaskOptions {
  bool crop = false;             ///< read only the window of the shapes' bounds
  bool pad = false;              ///< with crop: grow that window by half a pixel each side
  bool all_touched = false;      ///< burn every pixel the shapes touch
  bool invert = false;           ///< mask inside the shapes instead of outside (not with crop)
  bool filled = true;            ///< set masked pixels to nodata; false: return `valid` instead
  std::optional<double> nodata;  ///< fill value; default the file's nodata, else 0
  std::vector<int> indexes;      ///< 1-based bands; empty = all
  /// Shapes that do not overlap the raster: without crop rasterio warns and masks every pixel
  /// (none with invert), which Mask does by default; true makes it the crop error instead.
  bool error_if_disjoint = false;
  /// CRS of the shapes' coordinates. Unset: they are in the raster's CRS (as in rasterio).
  /// Set: they are reprojected to the raster's CRS (ReprojectGeometries with a tolerance of
  /// 1/100 of the smaller pixel size) before anything else; a raster without a CRS is then
  /// kInvalidArgument.
  std::optional<geo::Crs> shapes_crs;
  /// Bounds of the read, as in ReadOptions: past `deadline` or once `cancel` fires, Mask
  /// returns kCancelled.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::shared_ptr<CancelToken> cancel;
};

/// The output of Mask: the pixels, their validity mask and the output grid.
struct MaskResult {
  /// (bands, height, width) pixels; its transform is the output transform.
  Array data;
  /// With filled=false: height*width*bands bytes (band-major like data), 1 valid, 0 masked
  /// (outside the shapes, or equal to the file's nodata). Empty when filled=true.
  std::vector<uint8_t> valid;
  geo::Affine transform;
  /// rasterio's UserWarning, when it would warn (else empty): "shapes are outside bounds of
  /// raster. Are they in different coordinate reference systems?" when the shapes' window
  /// misses the raster or has no area without crop (everything is then masked).
  std::string warning;
};

/// rasterio.mask.mask (rasterio 1.3.5 / GDAL 3.6.2, pixel for pixel: docs/masking.md). crop=true
/// reads only the shapes' window (Dataset::Read with a window), never the whole image. Shapes
/// whose window misses the raster or has no area (a point on a pixel corner): with crop (or
/// error_if_disjoint), kInvalidArgument "Input shapes do not overlap raster."; without, as
/// rasterio, every pixel is masked (none with invert) and `warning` says why. No shapes at
/// all: kInvalidArgument "no shapes to mask with". crop with invert: kInvalidArgument "crop
/// and invert cannot both be True.".
COGR_EXPORT Result<MaskResult> Mask(const Dataset& dataset, const std::vector<Geometry>& shapes,
                                    const MaskOptions& options = {});

}  // namespace cogr::mask
