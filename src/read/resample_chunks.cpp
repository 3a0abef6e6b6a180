// read::resample — the chunk driver: ResampleWindow, GDAL 3.6's RasterIOResampled chunking (source
// reads, nodata/shared masks, work-type conversion, kernel, store) and IRasterIO's nearest loop.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "io/read_context.hpp"
#include "read/assemble.hpp"
#include "read/resample.hpp"
#include "read/resample_kernels.hpp"
#include "read/resample_sample.hpp"
#include "util/checked.hpp"

// The numbered steps and quirks below follow GDAL 3.6.2 (gcore/rasterio.cpp, gcore/overview.cpp),
// which rasterio 1.3.5 wheels ship: results are compared with its outputs bit for bit for
// nearest and within small tolerances for the kernels (GDAL's SIMD summation order differs).

namespace cogr::internal {
namespace {

using namespace resample;  // NOLINT(google-build-using-namespace): the resampler's own stages

enum class WorkType { kByte, kUInt16, kFloat32 };

// GDALGetOvrWorkDataType (3.6): Byte and UInt16 stay themselves for the convolution and average
// kernels, everything else (and mode, always) works in Float32.
WorkType WorkTypeFor(Resampling method, DataType gdal_type) {
  const bool typed = method == Resampling::kBilinear || method == Resampling::kCubic ||
                     method == Resampling::kAverage;
  if (typed && gdal_type == DataType::kUInt8) return WorkType::kByte;
  if (typed && gdal_type == DataType::kUInt16) return WorkType::kUInt16;
  return WorkType::kFloat32;
}

int KernelRadius(Resampling method) {
  if (method == Resampling::kBilinear) return 1;
  if (method == Resampling::kCubic) return 2;
  return 0;
}

// GDALNoDataMaskBand: 0 where the value equals nodata (NaN matches NaN), 255 elsewhere; a
// nodata value the integer type cannot hold masks nothing.
// GDAL's ARE_REAL_EQUAL (gdal_priv.h), which GDALNoDataMaskBand uses for floating types:
// equal, or closer than 2 epsilons relative to |a + b|, computed in T. In float32 the sum
// overflows to infinity for values of the sign of a huge nodata (e.g. every value below about
// -1e31 "equals" a nodata of -FLT_MAX), which GDAL then treats as nodata: reproduced.
template <class T>
bool AreRealEqual(T a, T b) {
  return a == b || std::abs(a - b) < std::numeric_limits<T>::epsilon() * std::abs(a + b) * T(2);
}

void NodataMask(DataType gdal_type, const uint8_t* data, size_t n, double nodata,
                std::vector<uint8_t>& mask) {
  mask.assign(n, 255);
  const size_t sz = DataTypeSize(gdal_type);
  if (IsIntegerType(gdal_type)) {
    double lo = 0, hi = 0;
    switch (gdal_type) {
      case DataType::kUInt8: hi = 255; break;
      case DataType::kUInt16: hi = 65535; break;
      case DataType::kInt16:
        lo = -32768;
        hi = 32767;
        break;
      case DataType::kUInt32: hi = 4294967295.0; break;
      case DataType::kInt32:
        lo = -2147483648.0;
        hi = 2147483647.0;
        break;
      case DataType::kUInt64: hi = 1.8446744073709552e19; break;
      case DataType::kInt64:
        lo = -9.2233720368547758e18;
        hi = 9.2233720368547758e18;
        break;
      default: break;
    }
    if (std::isnan(nodata) || nodata < lo || nodata > hi || nodata != std::floor(nodata)) return;
  }
  if (gdal_type == DataType::kFloat32) {
    const float f = static_cast<float>(nodata);
    for (size_t i = 0; i < n; ++i) {
      const float v = LoadAs<float>(data + i * sz);
      if (std::isnan(f) ? std::isnan(v) : AreRealEqual(v, f)) mask[i] = 0;
    }
    return;
  }
  if (gdal_type == DataType::kFloat64) {
    for (size_t i = 0; i < n; ++i) {
      const double v = LoadAs<double>(data + i * sz);
      if (std::isnan(nodata) ? std::isnan(v) : AreRealEqual(v, nodata)) mask[i] = 0;
    }
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    const double v = LoadComponent(gdal_type, data + i * sz);
    if (std::isnan(nodata) ? std::isnan(v) : v == nodata) mask[i] = 0;
  }
}

// One band of a chunk converted to the work type (the chunk read of RasterIOResampled).
struct WorkPlane {
  std::vector<uint8_t> u8;
  std::vector<uint16_t> u16;
  std::vector<float> f32;
};

void ToWork(WorkType wt, DataType gdal_type, const uint8_t* data, size_t n, int component,
            WorkPlane& plane) {
  const size_t sz = DataTypeSize(gdal_type);
  const DataType ct = ComponentType(gdal_type);
  const size_t part = IsComplex(gdal_type) ? sz / 2 : sz;
  switch (wt) {
    case WorkType::kByte:
      plane.u8.resize(n);
      for (size_t i = 0; i < n; ++i) plane.u8[i] = data[i * sz];
      break;
    case WorkType::kUInt16:
      plane.u16.resize(n);
      for (size_t i = 0; i < n; ++i) plane.u16[i] = LoadAs<uint16_t>(data + i * sz);
      break;
    case WorkType::kFloat32:
      plane.f32.resize(n);
      for (size_t i = 0; i < n; ++i) {
        const uint8_t* p = data + i * sz + static_cast<size_t>(component) * part;
        plane.f32[i] =
            ct == DataType::kFloat32 ? LoadAs<float>(p) : static_cast<float>(LoadComponent(ct, p));
      }
      break;
  }
}

struct ChunkJob {
  const ResampleSource* src = nullptr;
  Resampling method = Resampling::kNearest;
  bool dataset_level = false;  // GDALDataset::RasterIOResampled (shared mask, no nodata value)
};

// Runs one kernel on one band plane; `out` receives floats to store with GDALCopyWords rules.
void RunKernel(const ChunkJob& job, WorkType wt, const KernelGeom& g, const WorkPlane& plane,
               const uint8_t* mask, bool has_nodata, float nodata, std::vector<float>& out) {
  const ResampleSource& src = *job.src;
  const DataType gtype = ComponentType(GdalType(src.dtype));
  switch (job.method) {
    case Resampling::kBilinear:
    case Resampling::kCubic: {
      ConvParams p;
      p.radius = KernelRadius(job.method);
      p.filter = job.method == Resampling::kCubic ? CubicWeight : BilinearWeight;
      p.negative_weights = job.method == Resampling::kCubic;
      p.has_nodata = has_nodata;
      p.nodata = has_nodata ? nodata : 0.0f;
      p.dst_type = gtype;
      if (job.method == Resampling::kCubic && src.nbits > 0 && src.nbits < 32 &&
          (gtype == DataType::kUInt8 || gtype == DataType::kUInt16 || gtype == DataType::kUInt32) &&
          static_cast<size_t>(src.nbits) != DataTypeSize(gtype) * 8) {
        p.max_val = static_cast<float>((1u << src.nbits) - 1);
      }
      if (wt == WorkType::kByte)
        Convolve(g, plane.u8.data(), mask, p, out);
      else if (wt == WorkType::kUInt16)
        Convolve(g, plane.u16.data(), mask, p, out);
      else
        Convolve(g, plane.f32.data(), mask, p, out);
      break;
    }
    case Resampling::kAverage: {
      const ColorTable* palette = src.palette ? &src.color_table : nullptr;
      if (wt == WorkType::kByte)
        Average(g, plane.u8.data(), mask, has_nodata, nodata, gtype, palette, out);
      else if (wt == WorkType::kUInt16)
        Average(g, plane.u16.data(), mask, has_nodata, nodata, gtype, palette, out);
      else
        Average(g, plane.f32.data(), mask, has_nodata, nodata, gtype, palette, out);
      break;
    }
    case Resampling::kMode: {
      const bool byte_band =
          gtype == DataType::kUInt8 && (!src.palette || src.color_table.size() <= 256);
      Mode(g, plane.f32.data(), mask, byte_band, has_nodata, nodata, out);
      break;
    }
    default: OrderStatistic(g, plane.f32.data(), mask, job.method, has_nodata, nodata, out); break;
  }
}

// Source pixels [first, first + size) along one axis that output pixels [dst, dst + count) of a
// chunk read: those they cover plus the kernel margin, clipped to the level (size may be <= 0).
struct ChunkAxis {
  int64_t first = 0, size = 0;
};

ChunkAxis ChunkSource(int64_t dst, int64_t count, double ratio, int64_t win_off, int64_t level_len,
                      int64_t margin) {
  const int64_t c0 = win_off + static_cast<int64_t>(static_cast<double>(dst) * ratio);
  int64_t c1 =
      win_off + 1 + static_cast<int64_t>(std::ceil(static_cast<double>(dst + count) * ratio));
  c1 = std::min(c1, level_len);
  ChunkAxis a{c0 - margin, (c1 - c0) + 2 * margin};
  if (a.first < 0) {
    a.size += a.first;
    a.first = 0;
  }
  if (a.first + a.size > level_len) a.size = level_len - a.first;
  return a;
}

// What the chunks of ResampleChunks cost in all, in kernel steps: each reads its source (the
// output's share plus margins and GDAL's three extra pixels per axis), runs the horizontal pass
// over its rows (the kernels with a radius) and its output pixels. Chunking keeps this within a
// few times the source and output pixels, except for shapes no chunking serves: upsampling
// columns while shrinking rows (out_shape (1, 1000000) of a 2 x 1,000,000 window) makes every
// chunk convolve all source rows for its few output columns. Those fail fast, with the numbers,
// rather than running for hours.
Status CheckChunkWork(Resampling method, const IoWindow& win, int64_t out_w, int64_t out_h,
                      double ratio_x, double ratio_y, int64_t block_x, int64_t block_y,
                      int64_t margin_x, int64_t margin_y) {
  constexpr double kStepsPerPixel = 256;
  constexpr double kFreeSteps = 1 << 28;
  const auto src_len = [](int64_t block, double ratio, int64_t margin, int64_t len) {
    return std::min(static_cast<double>(len),
                    static_cast<double>(block) * ratio + 3.0 + 2.0 * static_cast<double>(margin));
  };
  const double sx = src_len(block_x, ratio_x, margin_x, win.x_size);
  const double sy = src_len(block_y, ratio_y, margin_y, win.y_size);
  const double outs = static_cast<double>(block_x) * static_cast<double>(block_y);
  double per_chunk = sx * sy + outs;
  const int radius = KernelRadius(method);
  if (radius > 0) {
    const double support_x = 2.0 * radius * std::max(1.0, ratio_x) + 1.0;
    const double support_y = 2.0 * radius * std::max(1.0, ratio_y) + 1.0;
    per_chunk += sy * static_cast<double>(block_x) * support_x + outs * support_y;
  }
  const double chunks = std::ceil(static_cast<double>(out_w) / static_cast<double>(block_x)) *
                        std::ceil(static_cast<double>(out_h) / static_cast<double>(block_y));
  const double steps = chunks * per_chunk;
  const double pixels = static_cast<double>(win.x_size) * static_cast<double>(win.y_size) +
                        static_cast<double>(out_w) * static_cast<double>(out_h);
  if (steps <= kStepsPerPixel * pixels + kFreeSteps) return Status::OK();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g", steps);
  return Status::LimitExceeded(
      std::string(ResamplingName(method)) + " resampling of a " + std::to_string(win.x_size) +
      " x " + std::to_string(win.y_size) + " window to out_shape (" + std::to_string(out_h) + ", " +
      std::to_string(out_w) + ") takes about " + buf +
      " kernel steps, over 256 per source and output pixel (it widens one axis while shrinking the "
      "other: resample one axis at a time)");
}

// GDALRasterBand::RasterIOResampled / GDALDataset::RasterIOResampled for the bands listed in
// `out_index` (positions in `bands` and in `out`): splits the output into chunks whose source
// (plus margins of radius x reduction) stays under ~1M pixels, reads each chunk once for all
// these bands and runs the kernel band by band.
Status ResampleChunks(const ChunkJob& job, const std::vector<ResampleBand>& bands,
                      const std::vector<size_t>& out_index, const IoWindow& win, int64_t out_w,
                      int64_t out_h, Array& out) {
  const ResampleSource& src = *job.src;
  const int64_t W = src.width, H = src.height;
  const double ratio_x = win.dx_size / static_cast<double>(out_w);
  const double ratio_y = win.dy_size / static_cast<double>(out_h);

  // When the window starts on an output pixel boundary of the whole-level scaling, GDAL works
  // in whole-level coordinates so that sub-windows give the same result as a full read.
  double x_off_f = win.dx_off, y_off_f = win.dy_off;
  int64_t virt_x = 0, virt_y = 0;
  bool has_virt_x = false, has_virt_y = false;
  const double dest_x = x_off_f / ratio_x;
  if (std::fabs(dest_x - static_cast<double>(static_cast<int64_t>(dest_x + 0.5))) < 1e-8) {
    has_virt_x = true;
    x_off_f = static_cast<double>(win.x_off);
    virt_x = static_cast<int64_t>(dest_x + 0.5);
  }
  const double dest_y = y_off_f / ratio_y;
  if (std::fabs(dest_y - static_cast<double>(static_cast<int64_t>(dest_y + 0.5))) < 1e-8) {
    has_virt_y = true;
    y_off_f = static_cast<double>(win.y_off);
    virt_y = static_cast<int64_t>(dest_y + 0.5);
  }

  const int radius = KernelRadius(job.method);
  int64_t block_x = out_w, block_y = out_h, full_x = 0, full_y = 0;
  // cogr departs from GDAL on one point: when upsampling along an axis, a chunk keeps at least
  // eight source pixels' worth of output pixels (ceil(8 / ratio)). GDAL halves down to one
  // output pixel, so each chunk re-reads and re-convolves its kernel margin and three extra
  // pixels around less than one source pixel: a 589,824 x 6 strip read into 32 rows took 64
  // chunks of a million pixels (19 times the source), and the work grew with out_shape, not with
  // the source. Upsampling clips no kernel at a chunk edge (the margin covers its support), so
  // the values do not change, but for float rounding where a chunk that holds nodata in one
  // chunking is all valid in the other (an all-valid chunk convolves without its mask).
  auto min_block = [](double ratio, int64_t len) -> int64_t {
    if (ratio >= 1.0) return 1;
    return std::min<int64_t>(len, static_cast<int64_t>(std::ceil(8.0 / ratio)));
  };
  const int64_t min_y = min_block(ratio_y, out_h);
  auto halve = [](int64_t& block, int64_t floor) { block = std::max(floor, block / 2); };
  // cogr also bounds the horizontal pass's buffer (chunk rows x output columns, 8 bytes each),
  // which only GDAL's extreme aspect ratios (e.g. one output row of a million columns) exceed;
  // that bound comes first: past it, columns halve down to one.
  const int64_t margin_rows =
      2 * radius * std::max<int64_t>(1, static_cast<int64_t>(0.5 + ratio_y));
  while (true) {
    full_x = std::min<int64_t>(W, 3 + static_cast<int64_t>(static_cast<double>(block_x) * ratio_x));
    full_y = std::min<int64_t>(H, 3 + static_cast<int64_t>(static_cast<double>(block_y) * ratio_y));
    const bool gdal_fits = full_x * full_y <= 1024 * 1024;
    const bool horiz_fits = (full_y + margin_rows) * block_x <= (int64_t{1} << 24);
    const int64_t min_x = horiz_fits ? min_block(ratio_x, out_w) : 1;
    if ((block_x <= min_x && block_y == min_y) || (gdal_fits && horiz_fits)) break;
    if (gdal_fits) {
      if (block_x > min_x) {
        halve(block_x, min_x);
      } else {
        halve(block_y, min_y);
      }
    } else if (full_x >= win.x_size && win.x_size == src.block_width && block_y > min_y) {
      halve(block_y, min_y);
    } else if (block_x > min_x && (full_x > full_y || block_y == min_y)) {
      halve(block_x, min_x);
    } else {
      halve(block_y, min_y);
    }
  }
  int64_t factor_x = std::max<int64_t>(1, static_cast<int64_t>(0.5 + ratio_x));
  int64_t factor_y = std::max<int64_t>(1, static_cast<int64_t>(0.5 + ratio_y));
  if (job.dataset_level) factor_x = factor_y = std::max(factor_x, factor_y);
  COGR_RETURN_IF_ERROR(CheckChunkWork(job.method, win, out_w, out_h, ratio_x, ratio_y, block_x,
                                      block_y, radius * factor_x, radius * factor_y));

  const DataType gtype = GdalType(src.dtype);
  const WorkType wt = WorkTypeFor(job.method, ComponentType(gtype));
  const int components = IsComplex(src.dtype) ? 2 : 1;
  const size_t sample_bytes = DataTypeSize(src.dtype);
  const size_t part_bytes = sample_bytes / static_cast<size_t>(components);
  const DataType part_type = ComponentType(gtype);
  const bool has_nodata = !job.dataset_level && src.nodata.has_value();
  const float nodata = has_nodata ? static_cast<float>(*src.nodata) : 0.0f;

  std::vector<int> file_bands;
  for (size_t i : out_index) file_bands.push_back(bands[i].band);

  Array chunk;
  std::vector<uint8_t> shared_mask, band_mask;
  WorkPlane plane;
  std::vector<float> result;

  // A sparse chunk holds the nodata value (zeros without). When each band's mask is that value's
  // and the value, stored in the band's type, is masked as the loop below masks it, the chunk
  // is all invalid: nodata, as the loop would find after reading it.
  bool sparse_is_nodata = false;
  if (src.sparse && has_nodata && components == 1) {
    uint8_t sample[16];
    StoreScalar(src.dtype, *src.nodata, sample);
    std::vector<uint8_t> sample_mask;
    NodataMask(gtype, sample, 1, *src.nodata, sample_mask);
    sparse_is_nodata = sample_mask[0] == 0 &&
                       std::all_of(out_index.begin(), out_index.end(),
                                   [&](size_t i) { return bands[i].mask == MaskKind::kNodata; });
  }

  const ReadContext* context = CurrentReadContext();
  for (int64_t dst_y = 0; dst_y < out_h; dst_y += block_y) {
    const int64_t y_count = std::min(block_y, out_h - dst_y);
    const ChunkAxis rows = ChunkSource(dst_y, y_count, ratio_y, win.y_off, H, radius * factor_y);
    const int64_t qy0 = rows.first, qy_size = rows.size;

    for (int64_t dst_x = 0; dst_x < out_w; dst_x += block_x) {
      const int64_t x_count = std::min(block_x, out_w - dst_x);
      const ChunkAxis cols = ChunkSource(dst_x, x_count, ratio_x, win.x_off, W, radius * factor_x);
      const int64_t qx0 = cols.first, qx_size = cols.size;
      // Chunks of a prefetched region fetch nothing: the deadline and the token are checked here.
      COGR_RETURN_IF_ERROR(CheckReadContext(context));

      KernelGeom g;
      g.ratio_x = ratio_x;
      g.ratio_y = ratio_y;
      g.delta_x = x_off_f - static_cast<double>(win.x_off);
      g.delta_y = y_off_f - static_cast<double>(win.y_off);
      g.chunk_x_off = qx0 - (has_virt_x ? 0 : win.x_off);
      g.chunk_x_size = qx_size;
      g.chunk_y_off = qy0 - (has_virt_y ? 0 : win.y_off);
      g.chunk_y_size = qy_size;
      g.dst_x1 = dst_x + virt_x;
      g.dst_x2 = dst_x + virt_x + x_count;
      g.dst_y1 = dst_y + virt_y;
      g.dst_y2 = dst_y + virt_y + y_count;

      auto store = [&](size_t out_band, int component, const std::vector<float>& values) {
        for (int64_t j = 0; j < y_count; ++j) {
          for (int64_t i = 0; i < x_count; ++i) {
            const size_t o =
                ((out_band * static_cast<size_t>(out_h) + static_cast<size_t>(dst_y + j)) *
                     static_cast<size_t>(out_w) +
                 static_cast<size_t>(dst_x + i)) *
                    sample_bytes +
                static_cast<size_t>(component) * part_bytes;
            StoreFromFloat(part_type, values[static_cast<size_t>(j * x_count + i)],
                           out.data.data() + o);
          }
        }
      };
      auto fill_nodata = [&](size_t out_band) {
        const std::vector<float> values(static_cast<size_t>(x_count * y_count),
                                        has_nodata ? nodata : 0.0f);
        for (int c = 0; c < components; ++c) store(out_band, c, values);
      };

      if (qx_size <= 0 || qy_size <= 0) {
        for (size_t i : out_index) fill_nodata(i);
        continue;
      }
      if (src.sparse && (!src.nodata || sparse_is_nodata)) {
        COGR_ASSIGN_OR_RETURN(const bool sparse,
                              src.sparse(file_bands, qx0, qy0, qx0 + qx_size, qy0 + qy_size));
        if (sparse && !src.nodata) {
          const std::vector<float> values(static_cast<size_t>(x_count * y_count), 0.0f);
          for (size_t i : out_index) {
            for (int c = 0; c < components; ++c) store(i, c, values);
          }
          continue;
        }
        if (sparse) {
          for (size_t i : out_index) fill_nodata(i);
          continue;
        }
      }
      const uint64_t chunk_pixels = static_cast<uint64_t>(qx_size) * static_cast<uint64_t>(qy_size);
      const auto chunk_bytes = CheckedMul(chunk_pixels, sample_bytes * file_bands.size() + 1);
      if (!chunk_bytes || *chunk_bytes > src.max_bytes) {
        return Status::LimitExceeded("resampling chunk of " + std::to_string(qx_size) + " x " +
                                     std::to_string(qy_size) + " pixels exceeds max_read_bytes " +
                                     std::to_string(src.max_bytes));
      }
      COGR_RETURN_IF_ERROR(src.fetch(file_bands, qx0, qy0, qx0 + qx_size, qy0 + qy_size, chunk));
      const size_t n = static_cast<size_t>(chunk_pixels);
      bool shared_loaded = false;

      for (size_t k = 0; k < out_index.size(); ++k) {
        const size_t out_band = out_index[k];
        const uint8_t* data = chunk.data.data() + k * n * sample_bytes;
        // Which mask: at dataset level the first band's (shared by all of them).
        const MaskKind kind = job.dataset_level ? bands[out_index[0]].mask : bands[out_band].mask;
        const uint8_t* mask = nullptr;
        if (kind == MaskKind::kShared) {
          if (!shared_loaded) {
            COGR_RETURN_IF_ERROR(
                src.fetch_mask(qx0, qy0, qx0 + qx_size, qy0 + qy_size, shared_mask));
            if (shared_mask.size() != n)
              return Status::InvalidFile("mask chunk has the wrong size");
            shared_loaded = true;
          }
          mask = shared_mask.data();
        } else if (kind == MaskKind::kNodata && src.nodata && components == 1) {
          NodataMask(gtype, data, n, *src.nodata, band_mask);
          mask = band_mask.data();
        }
        if (mask) {
          // A chunk entirely invalid is nodata; entirely valid needs no mask.
          const bool uniform = std::all_of(mask, mask + n, [&](uint8_t v) { return v == mask[0]; });
          if (uniform && mask[0] == 0) {
            fill_nodata(out_band);
            continue;
          }
          if (uniform) mask = nullptr;
        }
        for (int c = 0; c < components; ++c) {
          ToWork(wt, gtype, data, n, c, plane);
          RunKernel(job, wt, g, plane, mask, has_nodata, nodata, result);
          store(out_band, c, result);
        }
      }
    }
  }
  return Status::OK();
}

// GDALRasterBand::IRasterIO's nearest loop, reading the source a band of rows at a time.
Status ResampleNearest(const ResampleSource& src, const std::vector<ResampleBand>& bands,
                       const IoWindow& win, int64_t out_w, int64_t out_h, Array& out) {
  const std::vector<int64_t> xs = NearestSourceIndexes(win.dx_off, win.dx_size, out_w, src.width);
  // Rows use the direct formula (no accumulation).
  std::vector<int64_t> ys(static_cast<size_t>(out_h));
  const double y_inc = win.dy_size / static_cast<double>(out_h);
  for (int64_t j = 0; j < out_h; ++j) {
    const double sy = (static_cast<double>(j) + 0.5) * y_inc + win.dy_off + 1e-10;
    ys[static_cast<size_t>(j)] =
        static_cast<int64_t>(std::min(std::max(0.0, sy), static_cast<double>(src.height - 1)));
  }
  const int64_t x0 = *std::min_element(xs.begin(), xs.end());
  const int64_t x1 = *std::max_element(xs.begin(), xs.end()) + 1;
  std::vector<int> file_bands;
  for (const auto& b : bands) file_bands.push_back(b.band);
  const size_t sample_bytes = DataTypeSize(src.dtype);
  const uint64_t row_bytes = static_cast<uint64_t>(x1 - x0) * sample_bytes * file_bands.size();
  // About 1M source pixels (of all bands) per fetch, at least one row.
  const uint64_t budget = std::max<uint64_t>(row_bytes, uint64_t{1} << 20);
  if (row_bytes > src.max_bytes) {
    return Status::LimitExceeded("row of " + std::to_string(x1 - x0) +
                                 " source pixels exceeds max_read_bytes " +
                                 std::to_string(src.max_bytes));
  }
  Array chunk;
  const ReadContext* context = CurrentReadContext();
  int64_t j = 0;
  while (j < out_h) {
    COGR_RETURN_IF_ERROR(CheckReadContext(context));
    const int64_t y0 = ys[static_cast<size_t>(j)];
    int64_t j_end = j + 1;
    while (j_end < out_h &&
           static_cast<uint64_t>(ys[static_cast<size_t>(j_end)] - y0 + 1) * row_bytes <= budget) {
      ++j_end;
    }
    const int64_t y1 = ys[static_cast<size_t>(j_end - 1)] + 1;
    COGR_RETURN_IF_ERROR(src.fetch(file_bands, x0, y0, x1, y1, chunk));
    const size_t cw = static_cast<size_t>(x1 - x0), ch = static_cast<size_t>(y1 - y0);
    for (size_t b = 0; b < file_bands.size(); ++b) {
      for (int64_t jj = j; jj < j_end; ++jj) {
        const size_t sr = static_cast<size_t>(ys[static_cast<size_t>(jj)] - y0);
        const uint8_t* srow = chunk.data.data() + ((b * ch + sr) * cw) * sample_bytes;
        uint8_t* drow =
            out.data.data() + ((b * static_cast<size_t>(out_h) + static_cast<size_t>(jj)) *
                               static_cast<size_t>(out_w)) *
                                  sample_bytes;
        for (int64_t i = 0; i < out_w; ++i) {
          std::memcpy(drow + static_cast<size_t>(i) * sample_bytes,
                      srow + static_cast<size_t>(xs[static_cast<size_t>(i)] - x0) * sample_bytes,
                      sample_bytes);
        }
      }
    }
    j = j_end;
  }
  return Status::OK();
}

}  // namespace

std::vector<int64_t> NearestSourceIndexes(double off, double size, int64_t out_len,
                                          int64_t level_len) {
  std::vector<int64_t> idx(static_cast<size_t>(std::max<int64_t>(0, out_len)));
  if (out_len <= 0) return idx;
  const double inc = size / static_cast<double>(out_len);
  double s = 0.5 * inc + off + 1e-10;
  for (int64_t i = 0; i < out_len; ++i, s += inc) {
    idx[static_cast<size_t>(i)] =
        static_cast<int64_t>(std::min(std::max(0.0, s), static_cast<double>(level_len - 1)));
  }
  return idx;
}

Result<Array> ResampleWindow(const ResampleSource& src, const std::vector<ResampleBand>& bands,
                             const IoWindow& window, int64_t out_width, int64_t out_height,
                             Resampling method) {
  if (out_width <= 0 || out_height <= 0 || out_width > kMaxGdalInt || out_height > kMaxGdalInt) {
    return Status::InvalidArgument("out_shape (" + std::to_string(out_height) + ", " +
                                   std::to_string(out_width) + ") must be positive and below 2^31");
  }
  if (src.width <= 0 || src.height <= 0 || window.x_size <= 0 || window.y_size <= 0 ||
      !(window.dx_size > 0) || !(window.dy_size > 0)) {
    return Status::InvalidArgument("empty source window");
  }
  if (!src.fetch) return Status::InvalidArgument("resample source without a fetch function");
  Array out;
  out.dtype = src.dtype;
  out.bands = bands.size();
  out.width = static_cast<uint64_t>(out_width);
  out.height = static_cast<uint64_t>(out_height);
  auto bytes = CheckedMul(out.bands, out.width);
  if (bytes) bytes = CheckedMul(*bytes, out.height);
  if (bytes) bytes = CheckedMul(*bytes, DataTypeSize(out.dtype));
  if (!bytes || *bytes > src.max_bytes) {
    return Status::LimitExceeded("read of " + std::to_string(out.bands) + " x " +
                                 std::to_string(out_height) + " x " + std::to_string(out_width) +
                                 " samples exceeds max_read_bytes " +
                                 std::to_string(src.max_bytes));
  }
  out.data.assign(static_cast<size_t>(*bytes),
                  0);  // zero-filled as before: not every kernel is known to write each pixel
  if (bands.empty()) return out;

  // Paletted bands: GDAL falls back to nearest for the convolution kernels.
  if (src.palette && (method == Resampling::kBilinear || method == Resampling::kCubic))
    method = Resampling::kNearest;
  if (src.palette && method == Resampling::kAverage && src.color_table.empty()) {
    return Status::Unsupported("average resampling of a paletted band needs its color map");
  }
  const bool integer_coords = window.dx_off == static_cast<double>(window.x_off) &&
                              window.dy_off == static_cast<double>(window.y_off) &&
                              window.dx_size == static_cast<double>(window.x_size) &&
                              window.dy_size == static_cast<double>(window.y_size);
  const bool same_size = window.x_size == out_width && window.y_size == out_height;
  if (method == Resampling::kNearest || (same_size && integer_coords)) {
    COGR_RETURN_IF_ERROR(ResampleNearest(src, bands, window, out_width, out_height, out));
    return out;
  }
  for (const auto& b : bands) {
    if (b.mask == MaskKind::kShared && !src.fetch_mask) {
      return Status::InvalidArgument("resample source without a mask fetch function");
    }
  }

  // GDALDataset::IRasterIO: bilinear/cubic of several bands go through the dataset-level
  // resampler as long as the bands (from the first one) share their mask; the rest band by band.
  size_t dataset_bands = 0;
  if ((method == Resampling::kBilinear || method == Resampling::kCubic) && bands.size() > 1 &&
      !same_size) {
    const bool downsampling = out_width < window.x_size || out_height < window.y_size;
    for (size_t i = 0; i < bands.size(); ++i) {
      if (downsampling && src.has_overviews) break;
      if (src.palette || IsComplex(src.dtype)) break;
      if (bands[i].mask == MaskKind::kNodata) break;
      if (i > 0 && bands[i].mask != bands[0].mask) break;
      ++dataset_bands;
    }
  }
  std::vector<size_t> first, rest;
  for (size_t i = 0; i < bands.size(); ++i) (i < dataset_bands ? first : rest).push_back(i);
  ChunkJob job;
  job.src = &src;
  job.method = method;
  if (!first.empty()) {
    job.dataset_level = true;
    COGR_RETURN_IF_ERROR(ResampleChunks(job, bands, first, window, out_width, out_height, out));
  }
  if (!rest.empty()) {
    job.dataset_level = false;
    COGR_RETURN_IF_ERROR(ResampleChunks(job, bands, rest, window, out_width, out_height, out));
  }
  return out;
}

}  // namespace cogr::internal
