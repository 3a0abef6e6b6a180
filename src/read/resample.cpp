// read::resample — ReadOutShape (validation of bands, window and out_shape; masks and alpha) and
// GDAL 3.6's overview choice; the chunk driver (resample_chunks.cpp) does the pixels.
#include "read/resample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "read/resample_sample.hpp"
#include "util/checked.hpp"

// The numbered steps and quirks below follow GDAL 3.6.2 (gcore/rasterio.cpp, gcore/overview.cpp),
// which rasterio 1.3.5 wheels ship: results are compared with its outputs bit for bit for
// nearest and within small tolerances for the kernels (GDAL's SIMD summation order differs).

namespace cogr::internal {
namespace {

using resample::kMaxGdalInt;
using resample::LoadAs;

// A window coordinate for messages: integers without decimals, others as %g.
std::string Num(double v) {
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

// True for an OK status and for errors of a file's content (kInvalidFile, kUnsupported).
bool FileContentError(const Status& st) {
  return st.ok() || st.code() == Code::kInvalidFile || st.code() == Code::kUnsupported;
}

// The source region an out_shape read will touch, read once up front (all its blocks in flight
// at once, decoded as their bytes arrive) so that the chunk driver's fetches, one after the
// other and overlapping at block rows, are served from memory instead of one round trip each.
// Fetches outside the region, or of bands it lacks, go to the dataset.
class RegionCache {
 public:
  bool Contains(const std::vector<int>& bands, int64_t x0, int64_t y0, int64_t x1,
                int64_t y1) const {
    if (!loaded_ || x0 < x0_ || y0 < y0_ || x1 > x1_ || y1 > y1_ || x1 <= x0 || y1 <= y0)
      return false;
    for (int b : bands)
      if (Plane(b) < 0) return false;
    return true;
  }
  bool loaded() const { return loaded_; }
  int64_t x0() const { return x0_; }
  int64_t y0() const { return y0_; }
  int64_t x1() const { return x1_; }
  int64_t y1() const { return y1_; }
  // Reads `bands` of [x0, x1) x [y0, y1) with `fetch`; on failure the cache stays empty.
  Status Load(const std::function<Status(const std::vector<int>&, int64_t, int64_t, int64_t,
                                         int64_t, Array&)>& fetch,
              std::vector<int> bands, int64_t x0, int64_t y0, int64_t x1, int64_t y1) {
    COGR_RETURN_IF_ERROR(fetch(bands, x0, y0, x1, y1, pixels_));
    // Band -> plane, so that a chunk's lookups stay linear in its bands (65,535 bands looked
    // up one by one in a list took seconds).
    int max_band = -1;
    for (int b : bands) max_band = std::max(max_band, b);
    plane_of_.assign(static_cast<size_t>(max_band + 1), -1);
    for (size_t i = 0; i < bands.size(); ++i) {
      if (bands[i] >= 0 && plane_of_[static_cast<size_t>(bands[i])] < 0)
        plane_of_[static_cast<size_t>(bands[i])] = static_cast<int>(i);
    }
    bands_ = std::move(bands);
    x0_ = x0, y0_ = y0, x1_ = x1, y1_ = y1;
    loaded_ = true;
    return Status::OK();
  }
  // Copies `bands` of the region (Contains() is true) into `out` as the dataset's fetch would.
  void Copy(const std::vector<int>& bands, int64_t x0, int64_t y0, int64_t x1, int64_t y1,
            Array& out) const {
    const size_t sb = pixels_.sample_bytes();
    const size_t w = static_cast<size_t>(x1 - x0), h = static_cast<size_t>(y1 - y0);
    const size_t cw = static_cast<size_t>(x1_ - x0_), ch = static_cast<size_t>(y1_ - y0_);
    out.dtype = pixels_.dtype;
    out.bands = bands.size();
    out.height = h;
    out.width = w;
    out.data.resize(bands.size() * h * w * sb);
    for (size_t i = 0; i < bands.size(); ++i) {
      const size_t plane = static_cast<size_t>(Plane(bands[i]));
      for (size_t r = 0; r < h; ++r) {
        const size_t src_row = plane * ch + static_cast<size_t>(y0 - y0_) + r;
        std::memcpy(out.data.data() + (i * h + r) * w * sb,
                    pixels_.data.data() + (src_row * cw + static_cast<size_t>(x0 - x0_)) * sb,
                    w * sb);
      }
    }
  }

 private:
  int Plane(int band) const {
    if (band < 0 || static_cast<size_t>(band) >= plane_of_.size()) return -1;
    return plane_of_[static_cast<size_t>(band)];
  }
  bool loaded_ = false;
  std::vector<int> bands_;
  std::vector<int> plane_of_;  // plane of each band in pixels_, -1 if absent
  int64_t x0_ = 0, y0_ = 0, x1_ = 0, y1_ = 0;
  Array pixels_;
};

}  // namespace

int ChooseOverview(const LevelDims& base, std::span<const LevelDims> overviews, int64_t out_width,
                   int64_t out_height, IoWindow& window) {
  if (out_width <= 0 || out_height <= 0 || base.width <= 0 || base.height <= 0) return -1;
  const double rx = static_cast<double>(window.x_size) / static_cast<double>(out_width);
  const double ry = static_cast<double>(window.y_size) / static_cast<double>(out_height);
  // The least reduced axis decides (x when the output is a single row).
  const double desired = (rx < ry || out_height == 1) ? rx : ry;
  // GDAL 3.6: GDAL_OVERVIEW_OVERSAMPLING_THRESHOLD defaults to 1.2 for every method.
  constexpr double kThreshold = 1.2;
  int best = -1;
  double best_res = 0;
  for (size_t i = 0; i < overviews.size(); ++i) {
    const LevelDims& o = overviews[i];
    if (o.width <= 0 || o.height <= 0 || o.width > base.width || o.height > base.height) continue;
    const double ox = static_cast<double>(base.width) / static_cast<double>(o.width);
    const double oy = static_cast<double>(base.height) / static_cast<double>(o.height);
    const double res = ox < oy ? ox : oy;
    if (res >= desired * kThreshold || res <= best_res) continue;
    best = static_cast<int>(i);
    best_res = res;
  }
  if (best < 0) return -1;
  const LevelDims& o = overviews[static_cast<size_t>(best)];
  const double xres = static_cast<double>(base.width) / static_cast<double>(o.width);
  const double yres = static_cast<double>(base.height) / static_cast<double>(o.height);
  auto round_half_up = [](double v) { return static_cast<int64_t>(v + 0.5); };
  const int64_t ox_off =
      std::min<int64_t>(o.width - 1, round_half_up(static_cast<double>(window.x_off) / xres));
  const int64_t oy_off =
      std::min<int64_t>(o.height - 1, round_half_up(static_cast<double>(window.y_off) / yres));
  int64_t ox_size =
      std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(window.x_size) / xres + 0.5));
  int64_t oy_size =
      std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(window.y_size) / yres + 0.5));
  if (ox_off + ox_size > o.width) ox_size = o.width - ox_off;
  if (oy_off + oy_size > o.height) oy_size = o.height - oy_off;
  window.x_off = ox_off;
  window.y_off = oy_off;
  window.x_size = ox_size;
  window.y_size = oy_size;
  window.dx_off /= xres;
  window.dx_size /= xres;
  window.dy_off /= yres;
  window.dy_size /= yres;
  return best;
}

Result<Array> ReadOutShape(const OutShapeDataset& ds, const ReadOptions& options) {
  if (ds.levels.empty()) return Status::InvalidFile("no image in file");
  auto implicit = [&ds](int level) {
    return level < static_cast<int>(ds.jpeg_scale.size()) &&
           ds.jpeg_scale[static_cast<size_t>(level)] > 0;
  };
  int explicit_levels = 0;
  while (explicit_levels < static_cast<int>(ds.levels.size()) && !implicit(explicit_levels))
    ++explicit_levels;
  int base = 0;
  if (options.overview) {
    // Implicit JPEG overviews are not overview levels (GDAL shows them only inside RasterIO).
    const int n = explicit_levels - 1;
    if (*options.overview < 0 || *options.overview >= n) {
      return Status::OutOfRange("overview level " + std::to_string(*options.overview) +
                                " out of range (file has " + std::to_string(n) + " overviews)");
    }
    base = *options.overview + 1;
  }
  std::vector<int> bands0;
  if (options.bands.empty()) {
    for (int b = 0; b < ds.count; ++b) bands0.push_back(b);
  } else {
    for (int b : options.bands) {
      if (b < 1 || b > ds.count) {
        return Status::OutOfRange("band " + std::to_string(b) + " out of range (file has " +
                                  std::to_string(ds.count) + " bands; bands are 1-based)");
      }
      bands0.push_back(b - 1);
    }
  }
  const auto [out_h_u, out_w_u] = *options.out_shape;
  if (out_h_u == 0 || out_w_u == 0 || out_h_u > static_cast<uint64_t>(kMaxGdalInt) ||
      out_w_u > static_cast<uint64_t>(kMaxGdalInt)) {
    return Status::InvalidArgument("out_shape (" + std::to_string(out_h_u) + ", " +
                                   std::to_string(out_w_u) + ") must be positive and below 2^31");
  }
  const int64_t out_h = static_cast<int64_t>(out_h_u), out_w = static_cast<int64_t>(out_w_u);

  const LevelDims level = ds.levels[static_cast<size_t>(base)];
  IoWindow win;
  geo::Window requested{0, 0, static_cast<double>(level.width), static_cast<double>(level.height)};
  if (options.window) {
    requested = *options.window;
    const geo::Window& w = requested;
    if (!std::isfinite(w.col_off) || !std::isfinite(w.row_off) || !std::isfinite(w.width) ||
        !std::isfinite(w.height) || !(w.width > 0) || !(w.height > 0) ||
        std::fabs(w.col_off) > 2e9 || std::fabs(w.row_off) > 2e9 || w.width > 2e9 ||
        w.height > 2e9) {
      return Status::InvalidArgument(
          "invalid window for an out_shape read (offsets and sizes must be finite, "
          "sizes positive)");
    }
  }
  // rasterio's io_multi_band: int() of the offsets, int(max(1, size)), exact values beside.
  win.x_off = static_cast<int64_t>(requested.col_off);
  win.y_off = static_cast<int64_t>(requested.row_off);
  win.x_size = static_cast<int64_t>(std::max(1.0, requested.width));
  win.y_size = static_cast<int64_t>(std::max(1.0, requested.height));
  win.dx_off = requested.col_off;
  win.dy_off = requested.row_off;
  win.dx_size = requested.width;
  win.dy_size = requested.height;
  constexpr double kEps = 1e-10;
  const bool inside = win.x_off >= 0 && win.y_off >= 0 && win.x_off + win.x_size <= level.width &&
                      win.y_off + win.y_size <= level.height && win.dx_off >= 0 &&
                      win.dy_off >= 0 &&
                      win.dx_off + win.dx_size <= static_cast<double>(level.width) + kEps &&
                      win.dy_off + win.dy_size <= static_cast<double>(level.height) + kEps;
  if (!inside) {
    if (options.boundless) {
      return Status::Unsupported(
          "boundless reads with out_shape are not supported (window reaches outside the " +
          std::to_string(level.width) + " x " + std::to_string(level.height) + " image)");
    }
    return Status::OutOfRange("window (" + Num(requested.col_off) + ", " + Num(requested.row_off) +
                              ", " + Num(requested.width) + ", " + Num(requested.height) +
                              ") is outside the image (" + std::to_string(level.width) + " x " +
                              std::to_string(level.height) + ")");
  }

  // Overview choice among the levels below `base`.
  int chosen = base;
  if (out_w < win.x_size || out_h < win.y_size) {
    std::vector<LevelDims> overviews(ds.levels.begin() + base + 1, ds.levels.end());
    const int o = ChooseOverview(level, overviews, out_w, out_h, win);
    if (o >= 0) chosen = base + 1 + o;
  }
  const LevelDims& lv = ds.levels[static_cast<size_t>(chosen)];
  if (options.resampling != Resampling::kNearest) {
    // Every pixel of the window (at the chosen level) goes through the kernel, so the work and
    // the decoded bytes grow with the window, not with out_shape: bound them like a plain read
    // of that window (a 24 x 32 read of a 2^20 x 2^20 window would otherwise run for hours).
    const uint64_t sx =
        CheckedMul(static_cast<uint64_t>(win.x_size), lv.width).value_or(UINT64_MAX) /
            std::max<uint64_t>(1, level.width) +
        1;
    const uint64_t sy =
        CheckedMul(static_cast<uint64_t>(win.y_size), lv.height).value_or(UINT64_MAX) /
            std::max<uint64_t>(1, level.height) +
        1;
    const uint64_t bytes =
        CheckedMul(CheckedMul(sx, sy).value_or(UINT64_MAX),
                   CheckedMul(bands0.size(), DataTypeSize(ds.dtype)).value_or(UINT64_MAX))
            .value_or(UINT64_MAX);
    if (bytes > ds.limits.max_read_bytes) {
      return Status::LimitExceeded(
          "resampled read decodes a " + std::to_string(sx) + " x " + std::to_string(sy) +
          " window of " + std::to_string(bands0.size()) + " band(s) (" + std::to_string(bytes) +
          " bytes) > limit max_read_bytes " + std::to_string(ds.limits.max_read_bytes));
    }
  }

  ResampleSource src;
  src.width = lv.width;
  src.height = lv.height;
  if (chosen < static_cast<int>(ds.block_widths.size()))
    src.block_width = ds.block_widths[static_cast<size_t>(chosen)];
  src.dtype = ds.dtype;
  // GDAL's implicit JPEG overview bands have no nodata, palette, NBITS, alpha or mask.
  const bool jpeg_level = implicit(chosen);
  src.nbits = jpeg_level ? 0 : ds.nbits;
  if (!jpeg_level) {
    src.nodata = ds.nodata;
    src.palette = ds.palette;
    src.color_table = ds.color_table;
  }
  src.has_overviews = chosen == base && base + 1 < static_cast<int>(ds.levels.size());
  src.max_bytes = ds.limits.max_read_bytes;
  const bool level_mask = !jpeg_level && chosen < static_cast<int>(ds.level_has_mask.size()) &&
                          ds.level_has_mask[static_cast<size_t>(chosen)];
  const int alpha = ds.alpha_band;
  const bool alpha_ok = !jpeg_level && alpha >= 0 &&
                        (ds.dtype == DataType::kUInt8 || ds.dtype == DataType::kUInt16) &&
                        ((ds.count == 2 && alpha == 1) || (ds.count == 4 && alpha == 3));

  // A sparse region reads as nodata, or as zeros without: zeros resample to zeros whatever the
  // kernel, mask or alpha, and a region all nodata is nodata (ResampleChunks), so such chunks
  // are neither read nor convolved. (A palette's average maps colors back to entries, and
  // implicit JPEG overviews have no sparse blocks.)
  if (ds.sparse && !ds.palette && !jpeg_level) {
    src.sparse = [&ds, chosen](const std::vector<int>& b, int64_t x0, int64_t y0, int64_t x1,
                               int64_t y1) { return ds.sparse(chosen, b, x0, y0, x1, y1); };
  }

  // Read the region the chunks will touch at once when it is small enough (see RegionCache):
  // the window at the chosen level, plus the kernels' margins (radius x reduction).
  RegionCache cache;
  {
    const double ratio =
        std::max({1.0, static_cast<double>(win.x_size) / static_cast<double>(out_w),
                  static_cast<double>(win.y_size) / static_cast<double>(out_h)});
    const int64_t margin = options.resampling == Resampling::kNearest
                               ? 1
                               : 3 * static_cast<int64_t>(std::ceil(ratio)) + 2;
    const int64_t x0 = std::max<int64_t>(0, win.x_off - margin);
    const int64_t y0 = std::max<int64_t>(0, win.y_off - margin);
    const int64_t x1 = std::min<int64_t>(lv.width, win.x_off + win.x_size + margin);
    const int64_t y1 = std::min<int64_t>(lv.height, win.y_off + win.y_size + margin);
    std::vector<int> cached = bands0;
    if (alpha_ok && std::find(cached.begin(), cached.end(), alpha) == cached.end())
      cached.push_back(alpha);
    const uint64_t bytes =
        CheckedMul(CheckedMul(static_cast<uint64_t>(x1 - x0), static_cast<uint64_t>(y1 - y0))
                       .value_or(UINT64_MAX),
                   cached.size() * DataTypeSize(ds.dtype))
            .value_or(UINT64_MAX);
    bool all_sparse = false;
    if (src.sparse && x1 > x0 && y1 > y0) {
      COGR_ASSIGN_OR_RETURN(all_sparse, src.sparse(cached, x0, y0, x1, y1));
    }
    if (!all_sparse && x1 > x0 && y1 > y0 &&
        bytes <= std::min(kOutShapePrefetchBytes, src.max_bytes)) {
      Status st = cache.Load(
          [&ds, chosen](const std::vector<int>& b, int64_t a0, int64_t b0, int64_t a1, int64_t b1,
                        Array& out) { return ds.fetch(chosen, b, a0, b0, a1, b1, out); },
          std::move(cached), x0, y0, x1, y1);
      // An error of the file's content (a damaged or unsupported block) is left to the chunk
      // that meets it: the margins may reach blocks no chunk reads. Any other error (I/O,
      // deadline, cancellation, limits) ends the read.
      if (!FileContentError(st)) return st;
    }
  }
  src.fetch = [&ds, &cache, chosen](const std::vector<int>& b, int64_t x0, int64_t y0, int64_t x1,
                                    int64_t y1, Array& out) {
    if (cache.Contains(b, x0, y0, x1, y1)) {
      cache.Copy(b, x0, y0, x1, y1, out);
      return Status::OK();
    }
    return ds.fetch(chosen, b, x0, y0, x1, y1, out);
  };
  // The internal mask of the same region, read once likewise at the first use (nearest never
  // asks for it).
  RegionCache mask_cache;
  bool mask_tried = false;
  if (level_mask) {
    src.fetch_mask = [&ds, &cache, &mask_cache, &mask_tried, chosen](
                         int64_t x0, int64_t y0, int64_t x1, int64_t y1,
                         std::vector<uint8_t>& out) -> Status {
      if (!mask_tried && cache.loaded()) {
        mask_tried = true;
        auto fetch_mask_array = [&ds, chosen](const std::vector<int>&, int64_t a0, int64_t b0,
                                              int64_t a1, int64_t b1, Array& m) {
          std::vector<uint8_t> bytes;
          COGR_RETURN_IF_ERROR(ds.fetch_mask(chosen, a0, b0, a1, b1, bytes));
          m.dtype = DataType::kUInt8;
          m.bands = 1;
          m.height = static_cast<uint64_t>(b1 - b0);
          m.width = static_cast<uint64_t>(a1 - a0);
          m.data = Buffer(bytes);
          return Status::OK();
        };
        Status st =
            mask_cache.Load(fetch_mask_array, {0}, cache.x0(), cache.y0(), cache.x1(), cache.y1());
        if (!FileContentError(st)) return st;
      }
      if (mask_cache.Contains({0}, x0, y0, x1, y1)) {
        Array a;
        mask_cache.Copy({0}, x0, y0, x1, y1, a);
        out.assign(a.data.begin(), a.data.end());
        return Status::OK();
      }
      return ds.fetch_mask(chosen, x0, y0, x1, y1, out);
    };
  } else if (alpha_ok) {
    // GDAL's alpha mask: the alpha band itself (Byte) or rescaled to 0..255 (UInt16).
    src.fetch_mask = [&src, &ds, alpha](int64_t x0, int64_t y0, int64_t x1, int64_t y1,
                                        std::vector<uint8_t>& out) {
      Array a;
      COGR_RETURN_IF_ERROR(src.fetch({alpha}, x0, y0, x1, y1, a));
      const size_t n = static_cast<size_t>((x1 - x0) * (y1 - y0));
      if (a.data.size() != n * DataTypeSize(ds.dtype))
        return Status::InvalidFile("alpha chunk has the wrong size");
      out.resize(n);
      if (ds.dtype == DataType::kUInt8) {
        std::memcpy(out.data(), a.data.data(), n);
      } else {
        for (size_t i = 0; i < n; ++i) {
          const uint16_t v = LoadAs<uint16_t>(a.data.data() + 2 * i);
          // Keep small non-zero alpha non-zero (data that was 0-255 in a UInt16 band).
          out[i] =
              v > 0 && v < 257 ? 1 : static_cast<uint8_t>((static_cast<uint32_t>(v) * 255) / 65535);
        }
      }
      return Status::OK();
    };
  }
  std::vector<ResampleBand> rbands;
  for (int b : bands0) {
    ResampleBand rb;
    rb.band = b;
    if (level_mask) {
      rb.mask = MaskKind::kShared;
    } else if (src.nodata) {
      rb.mask = MaskKind::kNodata;
    } else if (alpha_ok && b != alpha && (ds.count == 4 ? b < 3 : b == 0)) {
      rb.mask = MaskKind::kShared;
    }
    rbands.push_back(rb);
  }

  COGR_ASSIGN_OR_RETURN(Array out,
                        ResampleWindow(src, rbands, win, out_w, out_h, options.resampling));
  // Georeferencing: the base level's transform, moved to the window and scaled to out_shape.
  const LevelDims& full = ds.levels[0];
  const geo::Affine level_transform =
      ds.transform *
      geo::Affine::Scale(static_cast<double>(full.width) / static_cast<double>(level.width),
                         static_cast<double>(full.height) / static_cast<double>(level.height));
  out.transform = geo::WindowTransform(requested, level_transform) *
                  geo::Affine::Scale(requested.width / static_cast<double>(out_w),
                                     requested.height / static_cast<double>(out_h));
  return out;
}

}  // namespace cogr::internal
