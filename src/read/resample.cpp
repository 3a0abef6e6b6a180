#include "read/resample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "util/checked.hpp"


// The numbered steps and quirks below follow GDAL 3.6.2 (gcore/rasterio.cpp, gcore/overview.cpp),
// which rasterio 1.3.5 wheels ship: results are compared with its outputs bit for bit for
// nearest and within small tolerances for the kernels (GDAL's SIMD summation order differs).

namespace cogr::internal {
namespace {

constexpr int64_t kMaxGdalInt = std::numeric_limits<int32_t>::max();

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

// GDAL 3.6 has no Int8 type: GTiff exposes signed bytes as Byte (PIXELTYPE=SIGNEDBYTE) and
// resamples the raw unsigned values; rasterio then reinterprets the bytes.
DataType GdalType(DataType t) { return t == DataType::kInt8 ? DataType::kUInt8 : t; }

DataType ComponentType(DataType t) {
  switch (t) {
    case DataType::kCInt16: return DataType::kInt16;
    case DataType::kCInt32: return DataType::kInt32;
    case DataType::kCFloat32: return DataType::kFloat32;
    case DataType::kCFloat64: return DataType::kFloat64;
    default: return t;
  }
}

template <class T>
T LoadAs(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Component value of a sample of (GDAL) type `t` as a double.
double LoadComponent(DataType t, const uint8_t* p) {
  switch (t) {
    case DataType::kUInt8: return p[0];
    case DataType::kInt8: return static_cast<int8_t>(p[0]);
    case DataType::kUInt16: return LoadAs<uint16_t>(p);
    case DataType::kInt16: return LoadAs<int16_t>(p);
    case DataType::kUInt32: return LoadAs<uint32_t>(p);
    case DataType::kInt32: return LoadAs<int32_t>(p);
    case DataType::kUInt64: return static_cast<double>(LoadAs<uint64_t>(p));
    case DataType::kInt64: return static_cast<double>(LoadAs<int64_t>(p));
    case DataType::kFloat32: return LoadAs<float>(p);
    case DataType::kFloat64: return LoadAs<double>(p);
    default: return 0;
  }
}

template <class T>
void StoreAs(T v, uint8_t* p) {
  std::memcpy(p, &v, sizeof(T));
}

// GDALCopyWord(float -> integer): NaN gives 0, then round half away from zero (in float, as
// GDAL adds 0.5f) and clamp to the type's range.
template <class T>
T RoundFloatTo(float f) {
  if (std::isnan(f)) return 0;
  const float r = f >= 0.0f ? f + 0.5f : f - 0.5f;
  const double lo = static_cast<double>(std::numeric_limits<T>::min());
  const double hi = static_cast<double>(std::numeric_limits<T>::max());
  const double d = static_cast<double>(r);
  if (d <= lo) return std::numeric_limits<T>::min();
  if (d >= hi) return std::numeric_limits<T>::max();
  return static_cast<T>(d);
}

// GDALCopyWord(float -> wider integers) goes through double.
template <class T>
T RoundDoubleTo(double d) {
  if (std::isnan(d)) return 0;
  const double r = d >= 0.0 ? d + 0.5 : d - 0.5;
  const double lo = static_cast<double>(std::numeric_limits<T>::min());
  const double hi = static_cast<double>(std::numeric_limits<T>::max());
  if (r <= lo) return std::numeric_limits<T>::min();
  if (r >= hi) return std::numeric_limits<T>::max();
  return static_cast<T>(r);
}

// Writes the float result of a kernel into a component of GDAL type `t` as GDALCopyWords does.
void StoreFromFloat(DataType t, float f, uint8_t* p) {
  switch (t) {
    case DataType::kUInt8: p[0] = RoundFloatTo<uint8_t>(f); break;
    case DataType::kInt8: p[0] = static_cast<uint8_t>(RoundFloatTo<int8_t>(f)); break;
    case DataType::kUInt16: StoreAs(RoundFloatTo<uint16_t>(f), p); break;
    case DataType::kInt16: StoreAs(RoundFloatTo<int16_t>(f), p); break;
    case DataType::kUInt32: StoreAs(RoundDoubleTo<uint32_t>(f), p); break;
    case DataType::kInt32: StoreAs(RoundDoubleTo<int32_t>(f), p); break;
    case DataType::kUInt64: StoreAs(RoundDoubleTo<uint64_t>(f), p); break;
    case DataType::kInt64: StoreAs(RoundDoubleTo<int64_t>(f), p); break;
    case DataType::kFloat32: StoreAs(f, p); break;
    case DataType::kFloat64: StoreAs(static_cast<double>(f), p); break;
    default: break;
  }
}

bool IsIntegerType(DataType t) {
  return !IsFloat(t) && !IsComplex(t) && t != DataType::kUnknown;
}

// Clamp range of a destination type (float, as GDAL's convolution uses it).
void DstRange(DataType t, float* lo, float* hi) {
  *lo = -std::numeric_limits<float>::max();
  *hi = std::numeric_limits<float>::max();
  switch (t) {
    case DataType::kUInt8: *lo = 0; *hi = 255; break;
    case DataType::kUInt16: *lo = 0; *hi = 65535; break;
    case DataType::kInt16: *lo = -32768; *hi = 32767; break;
    case DataType::kUInt32: *lo = 0; *hi = static_cast<float>(4294967295.0); break;
    case DataType::kInt32: *lo = static_cast<float>(-2147483648.0); *hi = static_cast<float>(2147483647.0); break;
    default: break;
  }
}

// GetReplacementValueIfNoData: the value written instead of a computed value that happens to
// equal nodata (so that valid pixels do not turn into nodata).
float ReplacementValue(DataType t, bool has_nodata, float nodata) {
  if (!has_nodata) return 0.0f;
  switch (t) {
    case DataType::kUInt8: return nodata == 255.0f ? 254.0f : nodata + 1;
    case DataType::kUInt16: return nodata == 65535.0f ? 65534.0f : nodata + 1;
    case DataType::kInt16: return nodata == 32767.0f ? 32766.0f : nodata + 1;
    case DataType::kUInt32:
    case DataType::kInt32: {
      // float has 24 bits: step until the value differs.
      const double top = t == DataType::kUInt32 ? 4294967295.0 - 128 : 2147483647.0 - 64;
      // A nodata far outside the type never equals a computed (clamped) value, and stepping by
      // 1 would never move a float of that size (found by the read_window fuzzer): keep it.
      if (!(std::fabs(static_cast<double>(nodata)) <= 8589934592.0)) return nodata;
      float r = nodata + 1;
      double d = nodata;
      const double step = static_cast<double>(r) >= top ? -1.0 : 1.0;
      while (r == nodata) {
        d += step;
        r = static_cast<float>(d);
      }
      return r;
    }
    case DataType::kFloat32:
    case DataType::kFloat64:
      if (nodata == 0) return std::numeric_limits<float>::min();
      return static_cast<float>(nodata + 1e-7 * nodata);
    default: return 0.0f;
  }
}

// A value cast to an integer work type the way a C cast on x86 does for in-range values;
// out-of-range nodata values (e.g. -128 on GDAL's Byte) wrap instead of being undefined.
template <class T>
T CastNodata(float v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return 0;
    const double d = std::clamp(static_cast<double>(v), -9.2e18, 9.2e18);
    return static_cast<T>(static_cast<int64_t>(d));
  }
}

// ---------------------------------------------------------------------------------------------
// Kernels. Coordinates are in GDAL's kernel frame: output pixel i covers source
// [delta + i * ratio, delta + (i + 1) * ratio); the chunk holds source columns
// [chunk_x_off, chunk_x_off + chunk_x_size) (rows likewise), row-major.

struct KernelGeom {
  double ratio_x = 1, ratio_y = 1, delta_x = 0, delta_y = 0;
  int64_t chunk_x_off = 0, chunk_x_size = 0, chunk_y_off = 0, chunk_y_size = 0;
  int64_t dst_x1 = 0, dst_x2 = 0, dst_y1 = 0, dst_y2 = 0;
  int64_t dst_width() const { return dst_x2 - dst_x1; }
  int64_t dst_height() const { return dst_y2 - dst_y1; }
};

using FilterFn = double (*)(double);

double BilinearWeight(double x) {
  const double a = std::fabs(x);
  return a <= 1.0 ? 1.0 - a : 0.0;
}

// Keys' cubic convolution with a = -0.5 (Catmull-Rom), as GDAL's GWKCubic.
double CubicWeight(double x) {
  const double a = std::fabs(x);
  const double x2 = x * x;
  if (a <= 1.0) return x2 * (1.5 * a - 2.5) + 1.0;
  if (a <= 2.0) return x2 * (-0.5 * a + 2.5) - 4.0 * a + 2.0;
  return 0.0;
}

struct ConvParams {
  int radius = 1;
  FilterFn filter = BilinearWeight;
  bool negative_weights = false;
  bool has_nodata = false;
  float nodata = 0;
  DataType dst_type = DataType::kFloat32;  // GDAL type of the output band
  float max_val = 0;                       // NBITS clamp for cubic, 0 = none
};

// Fills `w` with the kernel weights of source pixels [start, stop) around `center`, stepping by
// `step` (GDAL computes x weights by repeated addition and y weights in groups of four from a
// common base); returns their sum accumulated four at a time like GDAL's 4-value filters.
double KernelWeights(FilterFn filter, int64_t start, int64_t stop, double center, double step,
                     bool grouped_base, std::vector<double>& w) {
  const int64_t n = std::max<int64_t>(0, stop - start);
  w.assign(static_cast<size_t>(n), 0.0);
  double sum = 0.0;
  double x = step * (static_cast<double>(start) - center + 0.5);
  int64_t k = 0;
  for (; k + 3 < n; k += 4) {
    double v[4];
    if (grouped_base) {
      v[0] = x;
      v[1] = x + step;
      v[2] = x + 2 * step;
      v[3] = x + 3 * step;
      x += 4 * step;
    } else {
      for (double& vi : v) {
        vi = x;
        x += step;
      }
    }
    for (int j = 0; j < 4; ++j) {
      v[j] = filter(v[j]);
      w[static_cast<size_t>(k + j)] = v[j];
    }
    sum += v[0] + v[1] + v[2] + v[3];
  }
  for (; k < n; ++k, x += step) {
    const double v = filter(x);
    w[static_cast<size_t>(k)] = v;
    sum += v;
  }
  return sum;
}

// GDALResampleChunk32R_ConvolutionT: separable filter, horizontal pass into doubles, vertical
// pass into floats; with a mask, weights of invalid pixels drop out and a pixel with no valid
// weight is nodata. Kernels with negative lobes also need half of their support valid.
template <class T>
void Convolve(const KernelGeom& g, const T* chunk, const uint8_t* mask, const ConvParams& p,
              std::vector<float>& out) {
  const int64_t dst_w = g.dst_width();
  const int64_t dst_h = g.dst_height();
  out.assign(static_cast<size_t>(dst_w * dst_h), 0.0f);

  float dst_min, dst_max;
  DstRange(p.dst_type, &dst_min, &dst_max);
  const bool integer_dst = IsIntegerType(p.dst_type);
  // A NaN nodata matches no integer (and casting it to one is undefined).
  const bool nodata_nan = std::isnan(p.nodata);
  const int64_t nodata_int =
      nodata_nan ? 0 : static_cast<int64_t>(std::clamp(static_cast<double>(p.nodata), -9.2e18, 9.2e18));
  const float replacement = ReplacementValue(p.dst_type, p.has_nodata, p.nodata);
  auto replace_if_nodata = [&](float v) {
    if (!p.has_nodata) return v;
    // Clamp first: only kernels with negative lobes overshoot.
    float c = v;
    if (c < dst_min) c = dst_min;
    else if (c > dst_max) c = dst_max;
    if (integer_dst) {
      if (!nodata_nan && !std::isnan(c) && nodata_int == static_cast<int64_t>(std::round(c))) return replacement;
    } else if (p.nodata == c) {
      return replacement;
    }
    return c;
  };

  const double x_scale = 1.0 / g.ratio_x;
  const double x_step = x_scale >= 1.0 ? 1.0 : x_scale;
  const double x_radius = p.radius / x_step;
  const double y_scale = 1.0 / g.ratio_y;
  const double y_step = y_scale >= 1.0 ? 1.0 : y_scale;
  const double y_radius = p.radius / y_step;

  const int64_t rows = g.chunk_y_size;
  std::vector<double> horiz(static_cast<size_t>(rows * dst_w), 0.0);
  std::vector<uint8_t> horiz_mask(mask ? static_cast<size_t>(rows * dst_w) : 0, 0);
  std::vector<double> w;

  // Horizontal pass over every row of the chunk.
  const int64_t chunk_right = g.chunk_x_off + g.chunk_x_size;
  for (int64_t ix = g.dst_x1; ix < g.dst_x2; ++ix) {
    const double center = (static_cast<double>(ix) + 0.5) * g.ratio_x + g.delta_x;
    int64_t start = static_cast<int64_t>(std::floor(center - x_radius + 0.5));
    if (start < g.chunk_x_off) start = g.chunk_x_off;
    int64_t stop = static_cast<int64_t>(center + x_radius + 0.5);
    if (stop > chunk_right) stop = chunk_right;
    double weight_sum = KernelWeights(p.filter, start, stop, center, x_step, false, w);
    const int64_t n = static_cast<int64_t>(w.size());
    const size_t col = static_cast<size_t>(ix - g.dst_x1);
    if (mask == nullptr) {
      if (weight_sum != 0) {
        const double inv = 1.0 / weight_sum;
        for (double& v : w) v *= inv;
      }
      for (int64_t r = 0; r < rows; ++r) {
        const T* src = chunk + r * g.chunk_x_size + (start - g.chunk_x_off);
        double acc = 0.0;
        for (int64_t k = 0; k < n; ++k) acc += static_cast<double>(src[k]) * w[static_cast<size_t>(k)];
        horiz[static_cast<size_t>(r) * static_cast<size_t>(dst_w) + col] = acc;
      }
    } else {
      for (int64_t r = 0; r < rows; ++r) {
        const size_t off = static_cast<size_t>(r * g.chunk_x_size + (start - g.chunk_x_off));
        const size_t dst = static_cast<size_t>(r) * static_cast<size_t>(dst_w) + col;
        if (p.negative_weights) {
          int64_t run = 0, best = 0;
          for (int64_t k = 0; k < n; ++k) {
            if (mask[off + static_cast<size_t>(k)]) {
              ++run;
            } else if (run) {
              best = std::max(best, run);
              run = 0;
            }
          }
          best = std::max(best, run);
          if (best < n / 2) {
            horiz[dst] = 0.0;
            horiz_mask[dst] = 0;
            continue;
          }
        }
        double acc = 0.0;
        weight_sum = 0.0;
        for (int64_t k = 0; k < n; ++k) {
          const double wk = w[static_cast<size_t>(k)] * mask[off + static_cast<size_t>(k)];
          acc += static_cast<double>(chunk[off + static_cast<size_t>(k)]) * wk;
          weight_sum += wk;
        }
        if (weight_sum > 0.0) {
          horiz[dst] = acc / weight_sum;
          horiz_mask[dst] = 1;
        } else {
          horiz[dst] = 0.0;
          horiz_mask[dst] = 0;
        }
      }
    }
  }

  // Vertical pass.
  const int64_t chunk_bottom = g.chunk_y_off + g.chunk_y_size;
  for (int64_t iy = g.dst_y1; iy < g.dst_y2; ++iy) {
    float* line = out.data() + static_cast<size_t>(iy - g.dst_y1) * static_cast<size_t>(dst_w);
    const double center = (static_cast<double>(iy) + 0.5) * g.ratio_y + g.delta_y;
    int64_t start = static_cast<int64_t>(std::floor(center - y_radius + 0.5));
    int64_t stop = static_cast<int64_t>(center + y_radius + 0.5);
    if (start < g.chunk_y_off) start = g.chunk_y_off;
    if (stop > chunk_bottom) stop = chunk_bottom;
    double weight_sum = KernelWeights(p.filter, start, stop, center, y_step, true, w);
    const int64_t n = static_cast<int64_t>(w.size());
    const size_t first = static_cast<size_t>(start - g.chunk_y_off) * static_cast<size_t>(dst_w);
    if (mask == nullptr) {
      if (weight_sum != 0) {
        const double inv = 1.0 / weight_sum;
        for (double& v : w) v *= inv;
      }
      for (int64_t c = 0; c < dst_w; ++c) {
        double acc = 0.0;
        for (int64_t k = 0; k < n; ++k) {
          acc += horiz[first + static_cast<size_t>(k * dst_w + c)] * w[static_cast<size_t>(k)];
        }
        line[c] = replace_if_nodata(static_cast<float>(acc));
      }
    } else {
      for (int64_t c = 0; c < dst_w; ++c) {
        double acc = 0.0;
        weight_sum = 0.0;
        int64_t run = 0, best = 0;
        for (int64_t k = 0; k < n; ++k) {
          const size_t j = first + static_cast<size_t>(k * dst_w + c);
          const double wk = w[static_cast<size_t>(k)] * horiz_mask[j];
          if (horiz_mask[j]) {
            ++run;
          } else if (run) {
            best = std::max(best, run);
            run = 0;
          }
          acc += horiz[j] * wk;
          weight_sum += wk;
        }
        best = std::max(best, run);
        if (p.negative_weights && best < n / 2) {
          line[c] = p.nodata;
        } else if (weight_sum > 0.0) {
          line[c] = replace_if_nodata(static_cast<float>(acc / weight_sum));
        } else {
          line[c] = p.nodata;
        }
      }
    }
    if (p.max_val != 0.0f) {
      for (int64_t c = 0; c < dst_w; ++c) line[c] = std::min(line[c], p.max_val);
    }
  }
}

// Source span [first, second) of output pixel i and the exact edges, as GDAL's average/mode.
struct Span {
  int64_t lo = 0, hi = 0;
  double dlo = 0, dhi = 0;
};

Span SourceSpan(int64_t i, double ratio, double delta, int64_t chunk_lo, int64_t chunk_hi) {
  Span s;
  s.dlo = delta + static_cast<double>(i) * ratio;
  s.lo = static_cast<int64_t>(s.dlo + 1e-8);
  s.dhi = delta + static_cast<double>(i + 1) * ratio;
  s.hi = static_cast<int64_t>(std::ceil(s.dhi - 1e-8));
  if (s.lo < chunk_lo) s.lo = chunk_lo;
  if (s.hi == s.lo) ++s.hi;
  if (s.hi > chunk_hi) s.hi = chunk_hi;
  return s;
}

using ColorTable = std::vector<std::array<uint8_t, 4>>;

// Nearest palette entry (squared RGB distance), ignoring transparent entries.
int BestColorEntry(const ColorTable& entries, int r, int gr, int b) {
  int best_dist = std::numeric_limits<int>::max();
  size_t best = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (e[3] == 0) continue;
    const int dist = (r - e[0]) * (r - e[0]) + (gr - e[1]) * (gr - e[1]) + (b - e[2]) * (b - e[2]);
    if (dist < best_dist) {
      best_dist = dist;
      best = i;
    }
  }
  return static_cast<int>(best);
}

// GDALResampleChunk32R_AverageT: average of the source pixels the output pixel covers, pixels
// on the edges weighted by the part they cover; invalid pixels (mask 0) do not count.
template <class T>
void Average(const KernelGeom& g, const T* chunk, const uint8_t* mask, bool has_nodata, float nodata,
             DataType dst_type, const ColorTable* palette, std::vector<float>& out) {
  constexpr bool kInteger = !std::is_floating_point_v<T>;
  const int64_t dst_w = g.dst_width();
  out.assign(static_cast<size_t>(dst_w * g.dst_height()), 0.0f);
  T t_nodata = has_nodata ? CastNodata<T>(nodata) : T(0);
  const T t_replacement = CastNodata<T>(ReplacementValue(dst_type, has_nodata, nodata));

  ColorTable entries;
  if (palette) {
    entries = *palette;
    int transparent = -1;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (entries[i][3] == 0) {
        transparent = static_cast<int>(i);
        break;
      }
    }
    if (has_nodata && nodata >= 0.0f && static_cast<double>(t_nodata) < static_cast<double>(entries.size())) {
      entries[static_cast<size_t>(t_nodata)][3] = 0;
    } else if (!has_nodata && transparent >= 0) {
      has_nodata = true;
      t_nodata = static_cast<T>(transparent);
    }
  }

  const int64_t chunk_right = g.chunk_x_off + g.chunk_x_size;
  const int64_t chunk_bottom = g.chunk_y_off + g.chunk_y_size;
  struct XSpan {
    int64_t lo, hi;  // relative to the chunk
    double left_w, right_w, line_w;
  };
  std::vector<XSpan> xs(static_cast<size_t>(dst_w));
  bool spacing_two = true;
  int64_t last_hi = -1;
  for (int64_t ix = g.dst_x1; ix < g.dst_x2; ++ix) {
    const Span s = SourceSpan(ix, g.ratio_x, g.delta_x, g.chunk_x_off, chunk_right);
    XSpan& x = xs[static_cast<size_t>(ix - g.dst_x1)];
    x.lo = s.lo - g.chunk_x_off;
    x.hi = s.hi - g.chunk_x_off;
    x.left_w = s.hi == s.lo + 1 ? 1.0 : 1.0 - (s.dlo - static_cast<double>(s.lo));
    x.right_w = 1.0 - (static_cast<double>(s.hi) - s.dhi);
    x.line_w = x.left_w;
    if (s.lo + 1 < s.hi) x.line_w += static_cast<double>(s.hi - s.lo - 2) + x.right_w;
    if (s.hi - s.lo != 2 || (last_hi >= 0 && last_hi != s.lo)) spacing_two = false;
    last_hi = s.hi;
  }

  auto finish = [&](double total, double weight) -> float {
    T v;
    if constexpr (kInteger) {
      v = static_cast<T>(total / weight + 0.5);
    } else {
      v = static_cast<T>(total / weight);
    }
    if (has_nodata && v == t_nodata) v = t_replacement;
    return static_cast<float>(v);
  };

  for (int64_t iy = g.dst_y1; iy < g.dst_y2; ++iy) {
    const Span sy = SourceSpan(iy, g.ratio_y, g.delta_y, g.chunk_y_off, chunk_bottom);
    float* line = out.data() + static_cast<size_t>(iy - g.dst_y1) * static_cast<size_t>(dst_w);
    const int64_t y_lo = sy.lo - g.chunk_y_off;
    const int64_t y_hi = sy.hi - g.chunk_y_off;
    if (y_hi <= y_lo) {
      // Nothing of the chunk under this line (only for degenerate windows): nodata.
      for (int64_t c = 0; c < dst_w; ++c) line[c] = static_cast<float>(t_nodata);
      continue;
    }

    if (palette) {
      for (int64_t c = 0; c < dst_w; ++c) {
        const XSpan& x = xs[static_cast<size_t>(c)];
        int64_t tr = 0, tg = 0, tb = 0, count = 0;
        for (int64_t y = y_lo; y < y_hi; ++y) {
          for (int64_t xx = x.lo; xx < x.hi; ++xx) {
            const double val = static_cast<double>(chunk[y * g.chunk_x_size + xx]);
            if (val < 0 || val >= static_cast<double>(entries.size())) continue;
            const auto& e = entries[static_cast<size_t>(val)];
            if (e[3]) {
              tr += e[0];
              tg += e[1];
              tb += e[2];
              ++count;
            }
          }
        }
        if (count == 0) {
          line[c] = static_cast<float>(t_nodata);
        } else {
          line[c] = static_cast<float>(BestColorEntry(entries, static_cast<int>((tr + count / 2) / count),
                                                      static_cast<int>((tg + count / 2) / count),
                                                      static_cast<int>((tb + count / 2) / count)));
        }
      }
      continue;
    }

    if (spacing_two && y_hi == y_lo + 2 && mask == nullptr) {
      // Exact 2x2 reduction without nodata: GDAL's fast path (SSE2 on x86-64).
      const T* r0 = chunk + y_lo * g.chunk_x_size + xs[0].lo;
      const T* r1 = r0 + g.chunk_x_size;
      for (int64_t c = 0; c < dst_w; ++c) {
        const T a = r0[2 * c], b = r0[2 * c + 1], cc = r1[2 * c], d = r1[2 * c + 1];
        if constexpr (kInteger) {
          const uint64_t sum = static_cast<uint64_t>(a) + b + cc + d;
          line[c] = static_cast<float>(static_cast<T>((sum + 2) / 4));
        } else {
          // Groups of four outputs add columns first ((a+c)+(b+d)), the tail adds rows first.
          const bool simd = c < dst_w - dst_w % 4;
          const float sum = simd ? (a + cc) + (b + d) : ((a + b) + cc) + d;
          line[c] = 0.25f * sum;
        }
      }
      continue;
    }

    const double bottom_w = sy.lo + 1 == sy.hi ? 1.0 : 1.0 - (sy.dlo - static_cast<double>(sy.lo));
    const double top_w = 1.0 - (static_cast<double>(sy.hi) - sy.dhi);
    double column_w = bottom_w;
    if (y_lo + 1 < y_hi) column_w += static_cast<double>(y_hi - y_lo - 2) + top_w;

    for (int64_t c = 0; c < dst_w; ++c) {
      const XSpan& x = xs[static_cast<size_t>(c)];
      if (x.hi <= x.lo) {
        line[c] = static_cast<float>(t_nodata);
        continue;
      }
      double total = 0, weight = 0;
      if (mask == nullptr) {
        for (int64_t y = y_lo; y < y_hi; ++y) {
          const T* row = chunk + y * g.chunk_x_size;
          double line_total = static_cast<double>(row[x.lo]) * x.left_w;
          if (x.lo + 1 < x.hi) {
            for (int64_t xx = x.lo + 1; xx + 1 < x.hi; ++xx) line_total += static_cast<double>(row[xx]);
            line_total += static_cast<double>(row[x.hi - 1]) * x.right_w;
          }
          const double wy = y == y_lo ? bottom_w : (y + 1 == y_hi ? top_w : 1.0);
          total += line_total * wy;
        }
        weight = x.line_w * column_w;
      } else {
        int64_t count = 0;
        for (int64_t y = y_lo; y < y_hi; ++y) {
          const T* row = chunk + y * g.chunk_x_size;
          const uint8_t* mrow = mask + y * g.chunk_x_size;
          double line_total = 0, line_weight = 0;
          if (mrow[x.lo]) {
            ++count;
            line_weight = x.left_w;
            line_total = static_cast<double>(row[x.lo]) * x.left_w;
          }
          if (x.lo + 1 < x.hi) {
            for (int64_t xx = x.lo + 1; xx + 1 < x.hi; ++xx) {
              if (mrow[xx]) {
                ++count;
                line_weight += 1;
                line_total += static_cast<double>(row[xx]);
              }
            }
            if (mrow[x.hi - 1]) {
              ++count;
              line_weight += x.right_w;
              line_total += static_cast<double>(row[x.hi - 1]) * x.right_w;
            }
          }
          const double wy = y == y_lo ? bottom_w : (y + 1 == y_hi ? top_w : 1.0);
          total += line_total * wy;
          weight += line_weight * wy;
        }
        if (count == 0) {
          line[c] = static_cast<float>(t_nodata);
          continue;
        }
      }
      line[c] = finish(total, weight);
    }
  }
}

// GDALResampleChunk32R_Mode: the most frequent valid value; on a tie the value that reached the
// highest count first (scanning rows, then columns). Byte bands (and palettes of at most 256
// entries) skip nodata by value; the others use the mask.
void Mode(const KernelGeom& g, const float* chunk, const uint8_t* mask, bool byte_band, bool has_nodata,
          float nodata, std::vector<float>& out) {
  const int64_t dst_w = g.dst_width();
  out.assign(static_cast<size_t>(dst_w * g.dst_height()), 0.0f);
  const float fill = has_nodata ? nodata : 0.0f;
  const int64_t chunk_right = g.chunk_x_off + g.chunk_x_size;
  const int64_t chunk_bottom = g.chunk_y_off + g.chunk_y_size;
  std::vector<int> histogram(256);
  std::vector<std::pair<float, int>> counts;
  for (int64_t iy = g.dst_y1; iy < g.dst_y2; ++iy) {
    const Span sy = SourceSpan(iy, g.ratio_y, g.delta_y, g.chunk_y_off, chunk_bottom);
    float* line = out.data() + static_cast<size_t>(iy - g.dst_y1) * static_cast<size_t>(dst_w);
    for (int64_t ix = g.dst_x1; ix < g.dst_x2; ++ix) {
      const Span sx = SourceSpan(ix, g.ratio_x, g.delta_x, g.chunk_x_off, chunk_right);
      float result = fill;
      if (byte_band) {
        std::fill(histogram.begin(), histogram.end(), 0);
        int best_count = 0, best = -1;
        for (int64_t y = sy.lo; y < sy.hi; ++y) {
          for (int64_t x = sx.lo; x < sx.hi; ++x) {
            const float v = chunk[(y - g.chunk_y_off) * g.chunk_x_size + (x - g.chunk_x_off)];
            if (has_nodata && v == nodata) continue;
            const int iv = std::clamp(static_cast<int>(v), 0, 255);
            if (++histogram[static_cast<size_t>(iv)] > best_count) {
              best = iv;
              best_count = histogram[static_cast<size_t>(iv)];
            }
          }
        }
        if (best >= 0) result = static_cast<float>(best);
      } else {
        counts.clear();
        int best_count = 0;
        for (int64_t y = sy.lo; y < sy.hi; ++y) {
          for (int64_t x = sx.lo; x < sx.hi; ++x) {
            const size_t k = static_cast<size_t>((y - g.chunk_y_off) * g.chunk_x_size + (x - g.chunk_x_off));
            if (mask && !mask[k]) continue;
            const float v = chunk[k];
            auto it = std::find_if(counts.begin(), counts.end(), [v](const auto& e) { return e.first == v; });
            int now;
            if (it == counts.end()) {
              counts.emplace_back(v, 1);
              now = 1;
            } else {
              now = ++it->second;
            }
            if (now > best_count) {
              best_count = now;
              result = v;
            }
          }
        }
      }
      line[ix - g.dst_x1] = result;
    }
  }
}

// min/max/med/q1/q3 (GDAL's warper statistics, not RasterIO methods): over the pixels the
// output pixel covers, like average/mode; NaN and invalid pixels are skipped.
void OrderStatistic(const KernelGeom& g, const float* chunk, const uint8_t* mask, Resampling method,
                    bool has_nodata, float nodata, std::vector<float>& out) {
  const int64_t dst_w = g.dst_width();
  out.assign(static_cast<size_t>(dst_w * g.dst_height()), 0.0f);
  const float fill = has_nodata ? nodata : 0.0f;
  const int64_t chunk_right = g.chunk_x_off + g.chunk_x_size;
  const int64_t chunk_bottom = g.chunk_y_off + g.chunk_y_size;
  std::vector<float> values;
  for (int64_t iy = g.dst_y1; iy < g.dst_y2; ++iy) {
    const Span sy = SourceSpan(iy, g.ratio_y, g.delta_y, g.chunk_y_off, chunk_bottom);
    float* line = out.data() + static_cast<size_t>(iy - g.dst_y1) * static_cast<size_t>(dst_w);
    for (int64_t ix = g.dst_x1; ix < g.dst_x2; ++ix) {
      const Span sx = SourceSpan(ix, g.ratio_x, g.delta_x, g.chunk_x_off, chunk_right);
      values.clear();
      for (int64_t y = sy.lo; y < sy.hi; ++y) {
        for (int64_t x = sx.lo; x < sx.hi; ++x) {
          const size_t k = static_cast<size_t>((y - g.chunk_y_off) * g.chunk_x_size + (x - g.chunk_x_off));
          if (mask && !mask[k]) continue;
          if (std::isnan(chunk[k])) continue;
          values.push_back(chunk[k]);
        }
      }
      float result = fill;
      if (!values.empty()) {
        if (method == Resampling::kMin) {
          result = *std::min_element(values.begin(), values.end());
        } else if (method == Resampling::kMax) {
          result = *std::max_element(values.begin(), values.end());
        } else {
          const double q = method == Resampling::kQ1 ? 0.25 : method == Resampling::kQ3 ? 0.75 : 0.5;
          std::sort(values.begin(), values.end());
          const double idx = std::ceil(q * static_cast<double>(values.size()) - 1);
          const size_t i = static_cast<size_t>(std::clamp(idx, 0.0, static_cast<double>(values.size() - 1)));
          result = values[i];
        }
      }
      line[ix - g.dst_x1] = result;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Driving the kernels over GDAL's chunks.

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

void NodataMask(DataType gdal_type, const uint8_t* data, size_t n, double nodata, std::vector<uint8_t>& mask) {
  mask.assign(n, 255);
  const size_t sz = DataTypeSize(gdal_type);
  if (IsIntegerType(gdal_type)) {
    double lo = 0, hi = 0;
    switch (gdal_type) {
      case DataType::kUInt8: hi = 255; break;
      case DataType::kUInt16: hi = 65535; break;
      case DataType::kInt16: lo = -32768; hi = 32767; break;
      case DataType::kUInt32: hi = 4294967295.0; break;
      case DataType::kInt32: lo = -2147483648.0; hi = 2147483647.0; break;
      case DataType::kUInt64: hi = 1.8446744073709552e19; break;
      case DataType::kInt64: lo = -9.2233720368547758e18; hi = 9.2233720368547758e18; break;
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

void ToWork(WorkType wt, DataType gdal_type, const uint8_t* data, size_t n, int component, WorkPlane& plane) {
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
        plane.f32[i] = ct == DataType::kFloat32 ? LoadAs<float>(p) : static_cast<float>(LoadComponent(ct, p));
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
void RunKernel(const ChunkJob& job, WorkType wt, const KernelGeom& g, const WorkPlane& plane, const uint8_t* mask,
               bool has_nodata, float nodata, std::vector<float>& out) {
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
      if (wt == WorkType::kByte) Convolve(g, plane.u8.data(), mask, p, out);
      else if (wt == WorkType::kUInt16) Convolve(g, plane.u16.data(), mask, p, out);
      else Convolve(g, plane.f32.data(), mask, p, out);
      break;
    }
    case Resampling::kAverage: {
      const ColorTable* palette = src.palette ? &src.color_table : nullptr;
      if (wt == WorkType::kByte) Average(g, plane.u8.data(), mask, has_nodata, nodata, gtype, palette, out);
      else if (wt == WorkType::kUInt16) Average(g, plane.u16.data(), mask, has_nodata, nodata, gtype, palette, out);
      else Average(g, plane.f32.data(), mask, has_nodata, nodata, gtype, palette, out);
      break;
    }
    case Resampling::kMode: {
      const bool byte_band = gtype == DataType::kUInt8 && (!src.palette || src.color_table.size() <= 256);
      Mode(g, plane.f32.data(), mask, byte_band, has_nodata, nodata, out);
      break;
    }
    default:
      OrderStatistic(g, plane.f32.data(), mask, job.method, has_nodata, nodata, out);
      break;
  }
}

// GDALRasterBand::RasterIOResampled / GDALDataset::RasterIOResampled for the bands listed in
// `out_index` (positions in `bands` and in `out`): splits the output into chunks whose source
// (plus margins of radius x reduction) stays under ~1M pixels, reads each chunk once for all
// these bands and runs the kernel band by band.
Status ResampleChunks(const ChunkJob& job, const std::vector<ResampleBand>& bands,
                      const std::vector<size_t>& out_index, const IoWindow& win, int64_t out_w, int64_t out_h,
                      Array& out) {
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
  // cogr also bounds the horizontal pass's buffer (chunk rows x output columns, 8 bytes each),
  // which only GDAL's extreme aspect ratios (e.g. one output row of a million columns) exceed.
  const int64_t margin_rows = 2 * radius * std::max<int64_t>(1, static_cast<int64_t>(0.5 + ratio_y));
  while (true) {
    full_x = std::min<int64_t>(W, 3 + static_cast<int64_t>(static_cast<double>(block_x) * ratio_x));
    full_y = std::min<int64_t>(H, 3 + static_cast<int64_t>(static_cast<double>(block_y) * ratio_y));
    const bool gdal_fits = full_x * full_y <= 1024 * 1024;
    if ((block_x == 1 && block_y == 1) || (gdal_fits && (full_y + margin_rows) * block_x <= (int64_t{1} << 24))) {
      break;
    }
    if (gdal_fits) {
      if (block_x > 1) {
        block_x /= 2;
      } else {
        block_y /= 2;
      }
    } else if (full_x >= win.x_size && win.x_size == src.block_width && block_y > 1) {
      block_y /= 2;
    } else if (block_x > 1 && (full_x > full_y || block_y == 1)) {
      block_x /= 2;
    } else {
      block_y /= 2;
    }
  }
  int64_t factor_x = std::max<int64_t>(1, static_cast<int64_t>(0.5 + ratio_x));
  int64_t factor_y = std::max<int64_t>(1, static_cast<int64_t>(0.5 + ratio_y));
  if (job.dataset_level) factor_x = factor_y = std::max(factor_x, factor_y);

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

  for (int64_t dst_y = 0; dst_y < out_h; dst_y += block_y) {
    const int64_t y_count = std::min(block_y, out_h - dst_y);
    const int64_t cy0 = win.y_off + static_cast<int64_t>(static_cast<double>(dst_y) * ratio_y);
    int64_t cy1 = win.y_off + 1 + static_cast<int64_t>(std::ceil(static_cast<double>(dst_y + y_count) * ratio_y));
    cy1 = std::min(cy1, H);
    int64_t qy0 = cy0 - radius * factor_y;
    int64_t qy_size = (cy1 - cy0) + 2 * radius * factor_y;
    if (qy0 < 0) {
      qy_size += qy0;
      qy0 = 0;
    }
    if (qy0 + qy_size > H) qy_size = H - qy0;

    for (int64_t dst_x = 0; dst_x < out_w; dst_x += block_x) {
      const int64_t x_count = std::min(block_x, out_w - dst_x);
      const int64_t cx0 = win.x_off + static_cast<int64_t>(static_cast<double>(dst_x) * ratio_x);
      int64_t cx1 = win.x_off + 1 + static_cast<int64_t>(std::ceil(static_cast<double>(dst_x + x_count) * ratio_x));
      cx1 = std::min(cx1, W);
      int64_t qx0 = cx0 - radius * factor_x;
      int64_t qx_size = (cx1 - cx0) + 2 * radius * factor_x;
      if (qx0 < 0) {
        qx_size += qx0;
        qx0 = 0;
      }
      if (qx0 + qx_size > W) qx_size = W - qx0;

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
            const size_t o = ((out_band * static_cast<size_t>(out_h) + static_cast<size_t>(dst_y + j)) *
                                  static_cast<size_t>(out_w) +
                              static_cast<size_t>(dst_x + i)) *
                                 sample_bytes +
                             static_cast<size_t>(component) * part_bytes;
            StoreFromFloat(part_type, values[static_cast<size_t>(j * x_count + i)], out.data.data() + o);
          }
        }
      };
      auto fill_nodata = [&](size_t out_band) {
        const std::vector<float> values(static_cast<size_t>(x_count * y_count), has_nodata ? nodata : 0.0f);
        for (int c = 0; c < components; ++c) store(out_band, c, values);
      };

      if (qx_size <= 0 || qy_size <= 0) {
        for (size_t i : out_index) fill_nodata(i);
        continue;
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
            COGR_RETURN_IF_ERROR(src.fetch_mask(qx0, qy0, qx0 + qx_size, qy0 + qy_size, shared_mask));
            if (shared_mask.size() != n) return Status::InvalidFile("mask chunk has the wrong size");
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
Status ResampleNearest(const ResampleSource& src, const std::vector<ResampleBand>& bands, const IoWindow& win,
                       int64_t out_w, int64_t out_h, Array& out) {
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
    return Status::LimitExceeded("row of " + std::to_string(x1 - x0) + " source pixels exceeds max_read_bytes " +
                                 std::to_string(src.max_bytes));
  }
  Array chunk;
  int64_t j = 0;
  while (j < out_h) {
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
        uint8_t* drow = out.data.data() +
                        ((b * static_cast<size_t>(out_h) + static_cast<size_t>(jj)) * static_cast<size_t>(out_w)) *
                            sample_bytes;
        for (int64_t i = 0; i < out_w; ++i) {
          std::memcpy(drow + static_cast<size_t>(i) * sample_bytes,
                      srow + static_cast<size_t>(xs[static_cast<size_t>(i)] - x0) * sample_bytes, sample_bytes);
        }
      }
    }
    j = j_end;
  }
  return Status::OK();
}


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
  const int64_t ox_off = std::min<int64_t>(o.width - 1, round_half_up(static_cast<double>(window.x_off) / xres));
  const int64_t oy_off = std::min<int64_t>(o.height - 1, round_half_up(static_cast<double>(window.y_off) / yres));
  int64_t ox_size = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(window.x_size) / xres + 0.5));
  int64_t oy_size = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(window.y_size) / yres + 0.5));
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

std::vector<int64_t> NearestSourceIndexes(double off, double size, int64_t out_len, int64_t level_len) {
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
    return Status::InvalidArgument("out_shape (" + std::to_string(out_height) + ", " + std::to_string(out_width) +
                                   ") must be positive and below 2^31");
  }
  if (src.width <= 0 || src.height <= 0 || window.x_size <= 0 || window.y_size <= 0 || !(window.dx_size > 0) ||
      !(window.dy_size > 0)) {
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
    return Status::LimitExceeded("read of " + std::to_string(out.bands) + " x " + std::to_string(out_height) +
                                 " x " + std::to_string(out_width) + " samples exceeds max_read_bytes " +
                                 std::to_string(src.max_bytes));
  }
  out.data.assign(static_cast<size_t>(*bytes), 0);  // zero-filled as before: not every kernel is known to write each pixel
  if (bands.empty()) return out;

  // Paletted bands: GDAL falls back to nearest for the convolution kernels.
  if (src.palette && (method == Resampling::kBilinear || method == Resampling::kCubic)) method = Resampling::kNearest;
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
  if ((method == Resampling::kBilinear || method == Resampling::kCubic) && bands.size() > 1 && !same_size) {
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

Result<Array> ReadOutShape(const OutShapeDataset& ds, const ReadOptions& options) {
  if (ds.levels.empty()) return Status::InvalidFile("no image in file");
  auto implicit = [&ds](int level) {
    return level < static_cast<int>(ds.jpeg_scale.size()) && ds.jpeg_scale[static_cast<size_t>(level)] > 0;
  };
  int explicit_levels = 0;
  while (explicit_levels < static_cast<int>(ds.levels.size()) && !implicit(explicit_levels)) ++explicit_levels;
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
    return Status::InvalidArgument("out_shape (" + std::to_string(out_h_u) + ", " + std::to_string(out_w_u) +
                                   ") must be positive and below 2^31");
  }
  const int64_t out_h = static_cast<int64_t>(out_h_u), out_w = static_cast<int64_t>(out_w_u);

  const LevelDims level = ds.levels[static_cast<size_t>(base)];
  IoWindow win;
  geo::Window requested{0, 0, static_cast<double>(level.width), static_cast<double>(level.height)};
  if (options.window) {
    requested = *options.window;
    const geo::Window& w = requested;
    if (!std::isfinite(w.col_off) || !std::isfinite(w.row_off) || !std::isfinite(w.width) ||
        !std::isfinite(w.height) || !(w.width > 0) || !(w.height > 0) || std::fabs(w.col_off) > 2e9 ||
        std::fabs(w.row_off) > 2e9 || w.width > 2e9 || w.height > 2e9) {
      return Status::InvalidArgument("invalid window for an out_shape read (offsets and sizes must be finite, "
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
                      win.y_off + win.y_size <= level.height && win.dx_off >= 0 && win.dy_off >= 0 &&
                      win.dx_off + win.dx_size <= static_cast<double>(level.width) + kEps &&
                      win.dy_off + win.dy_size <= static_cast<double>(level.height) + kEps;
  if (!inside) {
    if (options.boundless) {
      return Status::Unsupported("boundless reads with out_shape are not supported (window reaches outside the " +
                                 std::to_string(level.width) + " x " + std::to_string(level.height) + " image)");
    }
    return Status::OutOfRange("window (" + Num(requested.col_off) + ", " + Num(requested.row_off) + ", " +
                              Num(requested.width) + ", " + Num(requested.height) + ") is outside the image (" +
                              std::to_string(level.width) + " x " + std::to_string(level.height) + ")");
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
    const uint64_t sx = CheckedMul(static_cast<uint64_t>(win.x_size), lv.width).value_or(UINT64_MAX) /
                        std::max<uint64_t>(1, level.width) + 1;
    const uint64_t sy = CheckedMul(static_cast<uint64_t>(win.y_size), lv.height).value_or(UINT64_MAX) /
                        std::max<uint64_t>(1, level.height) + 1;
    const uint64_t bytes = CheckedMul(CheckedMul(sx, sy).value_or(UINT64_MAX),
                                      CheckedMul(bands0.size(), DataTypeSize(ds.dtype)).value_or(UINT64_MAX))
                               .value_or(UINT64_MAX);
    if (bytes > ds.limits.max_read_bytes) {
      return Status::LimitExceeded("resampled read decodes a " + std::to_string(sx) + " x " + std::to_string(sy) +
                                   " window of " + std::to_string(bands0.size()) + " band(s) (" +
                                   std::to_string(bytes) + " bytes) > limit max_read_bytes " +
                                   std::to_string(ds.limits.max_read_bytes));
    }
  }

  ResampleSource src;
  src.width = lv.width;
  src.height = lv.height;
  if (chosen < static_cast<int>(ds.block_widths.size())) src.block_width = ds.block_widths[static_cast<size_t>(chosen)];
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
  src.fetch = [&ds, chosen](const std::vector<int>& b, int64_t x0, int64_t y0, int64_t x1, int64_t y1, Array& out) {
    return ds.fetch(chosen, b, x0, y0, x1, y1, out);
  };
  const bool level_mask = !jpeg_level && chosen < static_cast<int>(ds.level_has_mask.size()) &&
                          ds.level_has_mask[static_cast<size_t>(chosen)];
  const int alpha = ds.alpha_band;
  const bool alpha_ok = !jpeg_level && alpha >= 0 && (ds.dtype == DataType::kUInt8 || ds.dtype == DataType::kUInt16) &&
                        ((ds.count == 2 && alpha == 1) || (ds.count == 4 && alpha == 3));
  if (level_mask) {
    src.fetch_mask = [&ds, chosen](int64_t x0, int64_t y0, int64_t x1, int64_t y1, std::vector<uint8_t>& out) {
      return ds.fetch_mask(chosen, x0, y0, x1, y1, out);
    };
  } else if (alpha_ok) {
    // GDAL's alpha mask: the alpha band itself (Byte) or rescaled to 0..255 (UInt16).
    src.fetch_mask = [&ds, chosen, alpha](int64_t x0, int64_t y0, int64_t x1, int64_t y1, std::vector<uint8_t>& out) {
      Array a;
      COGR_RETURN_IF_ERROR(ds.fetch(chosen, {alpha}, x0, y0, x1, y1, a));
      const size_t n = static_cast<size_t>((x1 - x0) * (y1 - y0));
      if (a.data.size() != n * DataTypeSize(ds.dtype)) return Status::InvalidFile("alpha chunk has the wrong size");
      out.resize(n);
      if (ds.dtype == DataType::kUInt8) {
        std::memcpy(out.data(), a.data.data(), n);
      } else {
        for (size_t i = 0; i < n; ++i) {
          const uint16_t v = LoadAs<uint16_t>(a.data.data() + 2 * i);
          // Keep small non-zero alpha non-zero (data that was 0-255 in a UInt16 band).
          out[i] = v > 0 && v < 257 ? 1 : static_cast<uint8_t>((static_cast<uint32_t>(v) * 255) / 65535);
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

  COGR_ASSIGN_OR_RETURN(Array out, ResampleWindow(src, rbands, win, out_w, out_h, options.resampling));
  // Georeferencing: the base level's transform, moved to the window and scaled to out_shape.
  const LevelDims& full = ds.levels[0];
  const geo::Affine level_transform =
      ds.transform * geo::Affine::Scale(static_cast<double>(full.width) / static_cast<double>(level.width),
                                        static_cast<double>(full.height) / static_cast<double>(level.height));
  out.transform = geo::WindowTransform(requested, level_transform) *
                  geo::Affine::Scale(requested.width / static_cast<double>(out_w),
                                     requested.height / static_cast<double>(out_h));
  return out;
}

}  // namespace cogr::internal
