// read: Quicklook — a small 8-bit RGBA picture of a dataset (what `cogr quicklook` writes as PNG
// or JPEG): the overview that serves the size, read at out_shape with nearest resampling, each
// band stretched to 0..255, a palette expanded, the mask or nodata as alpha. See docs/quicklook.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "cogr/cancel.hpp"
#include "cogr/dataset.hpp"
#include "cogr/status.hpp"

namespace cogr {

/// How a band's values become 0..255 (docs/quicklook.md defines both exactly).
enum class Stretch : uint8_t {
  /// lo, hi = min and max of the band's valid pixels (not nodata, not masked, not NaN).
  kMinMax,
  /// lo, hi = the 2nd and 98th percentiles of the valid pixels (numpy's default "linear"
  /// method); values outside are clipped.
  kP2_98,
};
/// "minmax", "p2-98".
COGR_EXPORT std::string_view StretchName(Stretch s);
/// Inverse of StretchName; kInvalidArgument naming the accepted values.
COGR_EXPORT Result<Stretch> ParseStretch(std::string_view name);

/// The largest QuicklookOptions::size: a quicklook is at most 16384 x 16384 pixels (1 GiB RGBA).
inline constexpr uint32_t kMaxQuicklookSize = 16384;

/// Size, bands, stretch and resampling of a quicklook.
struct QuicklookOptions {
  /// Longest side of the output in pixels (1..kMaxQuicklookSize); the other side keeps the
  /// aspect (rounded half up, at least 1). An image smaller than this is not enlarged.
  uint32_t size = 512;
  /// 1-based bands: one (grey, or its palette when the file is paletted) or three (red, green,
  /// blue). Empty = band 1 (its palette when paletted) for files with fewer than three bands
  /// that are not alpha, else the first three bands that are not alpha.
  std::vector<int> bands;
  Stretch stretch = Stretch::kMinMax;
  /// Alpha 0 where GDAL's dataset mask (Dataset::dataset_mask: internal mask, else alpha band,
  /// else nodata in every band) is 0, or where a shown band is NaN. Without it, alpha comes
  /// only from an alpha band (its values, as dataset_mask gives them); otherwise it is 255.
  bool nodata_transparent = false;
  /// Bounds of the whole quicklook (every read it makes), as in ReadOptions.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  uint32_t timeout_ms = 0;
  std::shared_ptr<CancelToken> cancel;
};

/// An 8-bit RGBA picture, (height, width, 4) in C order: rgba[(y * width + x) * 4 + c].
struct QuicklookImage {
  uint64_t width = 0, height = 0;
  std::vector<uint8_t> rgba;
};

/// The output (height, width) of a quicklook of a width x height image at `size`
/// (QuicklookOptions::size): the longest side min(size, its length), the other scaled by the
/// same factor, rounded half up, at least 1.
COGR_EXPORT std::pair<uint64_t, uint64_t> QuicklookShape(uint64_t width, uint64_t height,
                                                         uint32_t size);

/// The quicklook of `ds`. Reads the bands once at QuicklookShape with nearest resampling (the
/// overview GDAL picks for that out_shape, so one data request for a COG with a small overview),
/// plus Dataset::dataset_mask at the same shape when the alpha or the stretch needs it (see
/// docs/quicklook.md). kInvalidArgument for a size of 0 or above kMaxQuicklookSize, or a band
/// count other than 1 or 3; kOutOfRange for a band outside 1..count(); kUnsupported for complex
/// data; read errors as Read returns them. timeout_ms bounds the whole call (both reads).
COGR_EXPORT Result<QuicklookImage> Quicklook(const Dataset& ds,
                                             const QuicklookOptions& options = {});

/// The image as a PNG file's bytes: 8-bit RGB when every alpha is 255, else RGBA (libpng,
/// opened on first use; its fast setting: speed over size). kUnsupported when cogr was built without libpng or it cannot be loaded.
COGR_EXPORT Result<std::vector<uint8_t>> EncodePng(const QuicklookImage& image);

/// The image as a baseline JFIF file's bytes (libjpeg-turbo), `quality` 1..100. JPEG has no
/// alpha: each colour is multiplied by alpha / 255 (composited over black), so a transparent
/// pixel is black. kUnsupported without libjpeg.
COGR_EXPORT Result<std::vector<uint8_t>> EncodeJpeg(const QuicklookImage& image, int quality = 90);

}  // namespace cogr
