// read::resample — reads at another resolution (ReadOptions::out_shape) the way GDAL 3.6's
// RasterIO does it for rasterio 1.3.5: the same overview choice, the same source pixel for
// nearest, the same kernels (bilinear/cubic convolution widened to the reduction, weighted
// average, mode) with the same nodata/mask handling, chunking and rounding to the file type.
//
// Memory: the source is read chunk by chunk (GDAL's chunks: at most ~1M source pixels plus the
// kernel margin), never the whole level; the output array is bounded by Limits::max_read_bytes.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "cogr/dataset.hpp"
#include "cogr/tiff.hpp"

namespace cogr::internal {

/// A window in one level's pixels as GDAL's RasterIO carries it: the integer request
/// (nXOff, nYOff, nXSize, nYSize) and the exact floating-point one (GDALRasterIOExtraArg).
struct IoWindow {
  int64_t x_off = 0, y_off = 0, x_size = 0, y_size = 0;
  double dx_off = 0, dy_off = 0, dx_size = 0, dy_size = 0;
};

struct LevelDims {
  int64_t width = 0, height = 0;
};

/// GDALBandGetBestOverviewLevel2 of GDAL 3.6: the overview whose reduction (of its least
/// reduced axis) is the largest one below 1.2x the requested reduction (of the least reduced
/// axis of the request). Returns its index in `overviews` (in any order), or -1 to stay at
/// `base`. On success `window` is moved into the overview's pixels: the integer window rounded
/// as GDAL does, the floating one divided by the exact size ratio.
int ChooseOverview(const LevelDims& base, std::span<const LevelDims> overviews, int64_t out_width,
                   int64_t out_height, IoWindow& window);

/// Source index (clamped to [0, level_len - 1]) of each of `out_len` output pixels along one
/// axis for nearest: floor((i + 0.5) * size / out_len + off + 1e-10), as GDAL's IRasterIO
/// (x steps accumulate, like GDAL's loop).
std::vector<int64_t> NearestSourceIndexes(double off, double size, int64_t out_len,
                                          int64_t level_len);

/// How the invalid pixels of one band are known (GDAL's mask flags).
enum class MaskKind : uint8_t {
  kAllValid,  ///< GMF_ALL_VALID
  kNodata,    ///< GMF_NODATA: value == nodata (NaN matches NaN)
  kShared,    ///< GMF_PER_DATASET: internal mask or alpha band, from ResampleSource::fetch_mask
};

/// One level of a dataset as the resampler sees it.
struct ResampleSource {
  int64_t width = 0, height = 0;
  int64_t block_width = 0;  ///< GDAL prefers chunks in height when blocks span the width
  DataType dtype = DataType::kUnknown;
  /// Bits per sample when below the type's size (NBITS): cubic results are clamped to 2^n-1.
  int nbits = 0;
  std::optional<double> nodata;
  /// A paletted band: bilinear/cubic fall back to nearest, average works on the colors.
  bool palette = false;
  /// RGBA entries of the palette when known (empty: average of a paletted band is unsupported).
  std::vector<std::array<uint8_t, 4>> color_table;
  /// The level has overviews of its own: GDAL then resamples a downsampled read band by band.
  bool has_overviews = false;
  /// Reads the 0-based `bands` of [x0, x1) x [y0, y1) (inside the level) into `out`
  /// (bands.size(), y1 - y0, x1 - x0) of `dtype`.
  std::function<Status(const std::vector<int>& bands, int64_t x0, int64_t y0, int64_t x1,
                       int64_t y1, Array& out)>
      fetch;
  /// Reads the shared mask (0 = invalid, > 0 valid, 255 = fully valid) of the same region into
  /// `out` ((y1 - y0) * (x1 - x0) bytes). Called only when a band is MaskKind::kShared.
  std::function<Status(int64_t x0, int64_t y0, int64_t x1, int64_t y1, std::vector<uint8_t>& out)>
      fetch_mask;
  /// Optional: true when every block of the region of `bands` is sparse, so that it reads as
  /// nodata (0 without) without fetching. Zeros resample to zeros whatever the kernel, and a
  /// region all nodata is nodata: such a chunk is not read or convolved, and a sparse image's
  /// thumbnail costs its block tables, not its pixel count.
  std::function<Result<bool>(const std::vector<int>& bands, int64_t x0, int64_t y0, int64_t x1,
                             int64_t y1)>
      sparse;
  /// Cap on the bytes of one chunk of source pixels (all bands) and of the output.
  uint64_t max_bytes = 16ull << 30;
};

/// One requested band: its 0-based index in the file and its mask.
struct ResampleBand {
  int band = 0;
  MaskKind mask = MaskKind::kAllValid;
};

/// Resamples `window` (inside the level) of `bands` to `out_width` x `out_height` with `method`,
/// as GDAL 3.6's GDALRasterBand/GDALDataset::IRasterIO: nearest samples, the other methods run
/// RasterIOResampled (chunked, margins of radius x reduction), bilinear/cubic of several bands
/// sharing a mask at dataset level. Output: (bands, out_height, out_width) of the source dtype.
/// Integer outputs are rounded half away from zero and clamped, as GDALCopyWords.
/// min/max/med/q1/q3 are not RasterIO methods in GDAL: they take the minimum, maximum or
/// quantile (value at index ceil(q * n - 1) of the n sorted valid values, as GDAL's warper)
/// of the source pixels the output pixel covers.
Result<Array> ResampleWindow(const ResampleSource& src, const std::vector<ResampleBand>& bands,
                             const IoWindow& window, int64_t out_width, int64_t out_height,
                             Resampling method);

/// GDAL's implicit JPEG overviews (GTiffDataset::GetJPEGOverviewCount): a JPEG-compressed
/// image of 8-bit samples without overviews, 256 pixels or more wide or high, gets up to three
/// levels at 1/2, 1/4, 1/8 (one per 256 << i reached), ceil(size / scale) pixels, which GDAL
/// decodes with libjpeg's DCT scaling. Returns their scales (2, 4, 8 ...), empty if none.
std::vector<int> ImplicitJpegOverviewScales(const tiff::Ifd& ifd, bool has_overviews);

/// Decodes one JPEG block (with the JPEGTables) at 1/`scale` with libjpeg's DCT scaling:
/// ceil(width / scale) x ceil(height / scale) x samples bytes; YCbCr with 3 samples comes out as
/// RGB, anything else as stored (as the codec module's full-size decode).
Result<std::vector<uint8_t>> DecodeJpegScaled(ByteSpan in, ByteSpan tables, int scale,
                                              uint16_t photometric, uint64_t width, uint64_t height,
                                              uint16_t samples, uint64_t max_bytes);

/// Reads the 0-based `bands` of [x0, x1) x [y0, y1) of the implicit JPEG overview at 1/`scale`
/// of `ifd` into `out` (uint8, bands x rows x cols), fetching blocks with `read` (file ranges,
/// checked against `file_size` and `limits`). Missing blocks read as 0, as GDAL.
Status ReadJpegOverviewRegion(const tiff::Ifd& ifd, int scale, const std::vector<int>& bands,
                              int64_t x0, int64_t y0, int64_t x1, int64_t y1,
                              const std::function<Result<std::vector<uint8_t>>(ByteRange)>& read,
                              uint64_t file_size, const Limits& limits, Array& out);

/// An out_shape read whose source region (the window at the chosen level with the kernel's
/// margins, all bands it uses) holds at most this many bytes (and at most max_read_bytes) reads
/// that region once, all its blocks in flight, before resampling it chunk by chunk from memory.
inline constexpr uint64_t kOutShapePrefetchBytes = uint64_t{256} << 20;

/// Everything ReadOutShape needs to know about a dataset (filled by Dataset::ReadImpl).
struct OutShapeDataset {
  std::vector<LevelDims> levels;      ///< [0] full resolution, then overviews, largest first
  std::vector<int64_t> block_widths;  ///< per level
  std::vector<bool> level_has_mask;   ///< per level: an internal mask IFD of that size
  /// Per level: 0 for an image of the file, else the scale of an implicit JPEG overview
  /// (those come last; they have no mask, nodata, palette or alpha, as in GDAL).
  std::vector<int> jpeg_scale;
  int count = 0;
  DataType dtype = DataType::kUnknown;
  int nbits = 0;
  std::optional<double> nodata;
  int alpha_band = -1;  ///< 0-based band GDAL treats as alpha for the others, or -1
  bool palette = false;
  std::vector<std::array<uint8_t, 4>> color_table;
  geo::Affine transform;  ///< of the full-resolution image
  Limits limits;
  /// Reads 0-based `bands` of [x0, x1) x [y0, y1) of `level` into `out` (file dtype).
  std::function<Status(int level, const std::vector<int>& bands, int64_t x0, int64_t y0, int64_t x1,
                       int64_t y1, Array& out)>
      fetch;
  /// Reads the internal mask of `level` (0/255) for the region.
  std::function<Status(int level, int64_t x0, int64_t y0, int64_t x1, int64_t y1,
                       std::vector<uint8_t>& out)>
      fetch_mask;
  /// True when every block of `bands` in the region of `level` is sparse (no bytes: reads
  /// fill it without fetching). Optional; from the block tables only.
  std::function<Result<bool>(int level, const std::vector<int>& bands, int64_t x0, int64_t y0,
                             int64_t x1, int64_t y1)>
      sparse;
};

/// Dataset::Read with options.out_shape set: validates bands/window/shape, picks the overview
/// (below options.overview's level when set), resamples, and sets Array::transform to the
/// window's transform scaled by (window width / out width, window height / out height).
/// The window may be fractional (rasterio hands it to GDAL unrounded); it must lie inside the
/// level (boundless out_shape reads are kUnsupported).
Result<Array> ReadOutShape(const OutShapeDataset& ds, const ReadOptions& options);

}  // namespace cogr::internal
