// read: the value types of Dataset's rasterio-style helpers (profile, tags, colormap,
// block_windows, sample). The helpers themselves are Dataset members (cogr/dataset.hpp).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cogr/cancel.hpp"
#include "cogr/crs.hpp"
#include "cogr/geo.hpp"
#include "cogr/types.hpp"

namespace cogr {

/// rasterio's `dataset.profile` (GDAL 3.6 GTiff driver), one member per key. A key rasterio
/// leaves out of the dict is an unset optional here:
///
/// | rasterio key  | member       | value                                                       |
/// |---------------|--------------|-------------------------------------------------------------|
/// | driver        | driver       | always "GTiff"                                              |
/// | dtype         | dtype        | DataTypeName(dtype): "uint8", "float32", "complex_int16"... |
/// | nodata        | nodata       | None = unset                                                |
/// | width, height, count | same  |                                                             |
/// | crs           | crs          | None = unset (also without PROJ in the build)               |
/// | transform     | transform    | affine.Affine(a, b, c, d, e, f)                             |
/// | blockxsize    | blockxsize   | tile width; key absent for strip files (unset)              |
/// | blockysize    | blockysize   | tile height, or rows per strip                              |
/// | tiled         | tiled        |                                                             |
/// | compress      | compress     | "deflate", "lzw", "zstd", "jpeg", "webp", "lerc", "packbits"... absent for uncompressed files |
/// | interleave    | interleave   | "pixel" (contiguous, > 1 band) or "band"                    |
/// | photometric   | photometric  | "ycbcr" / "cmyk" only (GDAL's SOURCE_COLOR_SPACE), else absent |
struct DatasetProfile {
  std::string driver = "GTiff";
  DataType dtype = DataType::kUnknown;
  std::optional<double> nodata;
  uint64_t width = 0;
  uint64_t height = 0;
  int count = 0;
  std::optional<geo::Crs> crs;
  geo::Affine transform;
  std::optional<uint64_t> blockxsize;
  uint64_t blockysize = 0;
  bool tiled = false;
  std::optional<std::string> compress;
  std::string interleave;
  std::optional<std::string> photometric;
};

/// One block of rasterio's `block_windows(bidx)`: ((row, col), Window).
struct BlockWindow {
  uint64_t row = 0;  ///< block row (0-based)
  uint64_t col = 0;  ///< block column (0-based)
  /// The block's pixels, clipped to the image (edge blocks are smaller), full resolution.
  geo::Window window;
};

/// rasterio's `colormap(bidx)`: entry index → (r, g, b, a), 8-bit as GDAL reports it.
using Colormap = std::map<int, std::array<uint8_t, 4>>;

/// Options of Dataset::Sample.
struct SampleOptions {
  /// 1-based band indexes; empty = all bands in order (rasterio's indexes=None).
  std::vector<int> bands;
  /// CRS of the points' coordinates; unset = the dataset's CRS. When set and not the
  /// dataset's CRS (SameCrs), the points are transformed to it first (geo::TransformPoints,
  /// as rasterio.warp.transform); a dataset without a CRS is then kNotFound.
  std::optional<geo::Crs> crs;
  /// Bounds of the whole call, as for ReadOptions.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  uint32_t timeout_ms = 0;
  std::shared_ptr<CancelToken> cancel;
};

}  // namespace cogr
