// read::resample — the kernels on one chunk of one band: convolution (bilinear, cubic), average,
// mode, order statistics, as GDAL 3.6's GDALResampleChunk32R_* (declared in resample_kernels.hpp).
#include "read/resample_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>

#include "read/resample_sample.hpp"

// The numbered steps and quirks below follow GDAL 3.6.2 (gcore/rasterio.cpp, gcore/overview.cpp),
// which rasterio 1.3.5 wheels ship: results are compared with its outputs bit for bit for
// nearest and within small tolerances for the kernels (GDAL's SIMD summation order differs).

namespace cogr::internal::resample {

double BilinearWeight(double x) {
  const double a = std::fabs(x);
  return a <= 1.0 ? 1.0 - a : 0.0;
}

double CubicWeight(double x) {
  const double a = std::fabs(x);
  const double x2 = x * x;
  if (a <= 1.0) return x2 * (1.5 * a - 2.5) + 1.0;
  if (a <= 2.0) return x2 * (-0.5 * a + 2.5) - 4.0 * a + 2.0;
  return 0.0;
}

namespace {

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

}  // namespace

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
      nodata_nan ? 0
                 : static_cast<int64_t>(std::clamp(static_cast<double>(p.nodata), -9.2e18, 9.2e18));
  const float replacement = ReplacementValue(p.dst_type, p.has_nodata, p.nodata);
  auto replace_if_nodata = [&](float v) {
    if (!p.has_nodata) return v;
    // Clamp first: only kernels with negative lobes overshoot.
    float c = v;
    if (c < dst_min)
      c = dst_min;
    else if (c > dst_max)
      c = dst_max;
    if (integer_dst) {
      // Only a value that int64 holds can equal nodata_int (a uint64 band reaches 1.8e19).
      const double r = std::round(static_cast<double>(c));
      if (!nodata_nan && !std::isnan(c) && r >= -9.2e18 && r <= 9.2e18 &&
          nodata_int == static_cast<int64_t>(r))
        return replacement;
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
        for (int64_t k = 0; k < n; ++k)
          acc += static_cast<double>(src[k]) * w[static_cast<size_t>(k)];
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

template void Convolve(const KernelGeom&, const uint8_t*, const uint8_t*, const ConvParams&,
                       std::vector<float>&);
template void Convolve(const KernelGeom&, const uint16_t*, const uint8_t*, const ConvParams&,
                       std::vector<float>&);
template void Convolve(const KernelGeom&, const float*, const uint8_t*, const ConvParams&,
                       std::vector<float>&);

template <class T>
void Average(const KernelGeom& g, const T* chunk, const uint8_t* mask, bool has_nodata,
             float nodata, DataType dst_type, const ColorTable* palette, std::vector<float>& out) {
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
    if (has_nodata && nodata >= 0.0f &&
        static_cast<double>(t_nodata) < static_cast<double>(entries.size())) {
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
          line[c] =
              static_cast<float>(BestColorEntry(entries, static_cast<int>((tr + count / 2) / count),
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
            for (int64_t xx = x.lo + 1; xx + 1 < x.hi; ++xx)
              line_total += static_cast<double>(row[xx]);
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

template void Average(const KernelGeom&, const uint8_t*, const uint8_t*, bool, float, DataType,
                      const ColorTable*, std::vector<float>&);
template void Average(const KernelGeom&, const uint16_t*, const uint8_t*, bool, float, DataType,
                      const ColorTable*, std::vector<float>&);
template void Average(const KernelGeom&, const float*, const uint8_t*, bool, float, DataType,
                      const ColorTable*, std::vector<float>&);

void Mode(const KernelGeom& g, const float* chunk, const uint8_t* mask, bool byte_band,
          bool has_nodata, float nodata, std::vector<float>& out) {
  const int64_t dst_w = g.dst_width();
  out.assign(static_cast<size_t>(dst_w * g.dst_height()), 0.0f);
  const float fill = has_nodata ? nodata : 0.0f;
  const int64_t chunk_right = g.chunk_x_off + g.chunk_x_size;
  const int64_t chunk_bottom = g.chunk_y_off + g.chunk_y_size;
  std::vector<int> histogram(256);
  std::vector<std::pair<float, int>> list;
  std::vector<float> seen, top_values;
  std::vector<size_t> top_counts;
  for (int64_t iy = g.dst_y1; iy < g.dst_y2; ++iy) {
    const Span sy = SourceSpan(iy, g.ratio_y, g.delta_y, g.chunk_y_off, chunk_bottom);
    float* line = out.data() + static_cast<size_t>(iy - g.dst_y1) * static_cast<size_t>(dst_w);
    for (int64_t ix = g.dst_x1; ix < g.dst_x2; ++ix) {
      const Span sx = SourceSpan(ix, g.ratio_x, g.delta_x, g.chunk_x_off, chunk_right);
      auto at = [&](int64_t y, int64_t x) {
        return static_cast<size_t>((y - g.chunk_y_off) * g.chunk_x_size + (x - g.chunk_x_off));
      };
      float result = fill;
      const int64_t span = (sy.hi - sy.lo) * (sx.hi - sx.lo);
      if (byte_band) {
        int best_count = 0, best = -1;
        for (int64_t y = sy.lo; y < sy.hi; ++y) {
          for (int64_t x = sx.lo; x < sx.hi; ++x) {
            const float v = chunk[at(y, x)];
            if (has_nodata && v == nodata) continue;
            const int iv = std::clamp(static_cast<int>(v), 0, 255);
            if (++histogram[static_cast<size_t>(iv)] > best_count) {
              best = iv;
              best_count = histogram[static_cast<size_t>(iv)];
            }
          }
        }
        if (best >= 0) result = static_cast<float>(best);
        // Left all zero for the next pixel, at the lesser cost of 256 entries and the span's
        // own values (an upsampled pixel counts one value).
        if (span > 256) std::fill(histogram.begin(), histogram.end(), 0);
        for (int64_t y = sy.lo; y < sy.hi && span <= 256; ++y) {
          for (int64_t x = sx.lo; x < sx.hi; ++x) {
            histogram[static_cast<size_t>(std::clamp(static_cast<int>(chunk[at(y, x)]), 0, 255))] =
                0;
          }
        }
      } else if (span <= 64) {
        list.clear();
        int best_count = 0;
        for (int64_t y = sy.lo; y < sy.hi; ++y) {
          for (int64_t x = sx.lo; x < sx.hi; ++x) {
            const size_t k = at(y, x);
            if (mask && !mask[k]) continue;
            const float v = chunk[k];
            auto it =
                std::find_if(list.begin(), list.end(), [v](const auto& e) { return e.first == v; });
            int now;
            if (it == list.end()) {
              list.emplace_back(v, 1);
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
      } else {
        // GDAL's list search above is quadratic in distinct values (hours for a shrunk ramp).
        // The same answer by sorting: the top count M comes from the sorted values; the winner
        // is the value among those counted M times whose count reaches M first, found by a
        // second scan in GDAL's order. Values equal by == (0 and -0) count together and the
        // winner is the pixel that raised the count; a NaN equals nothing (counted once).
        seen.clear();
        bool any = false;
        for (int64_t y = sy.lo; y < sy.hi; ++y) {
          for (int64_t x = sx.lo; x < sx.hi; ++x) {
            const size_t k = at(y, x);
            if (mask && !mask[k]) continue;
            if (!any) result = chunk[k];  // when every value is counted once, the first wins
            any = true;
            if (!std::isnan(chunk[k])) seen.push_back(chunk[k]);
          }
        }
        std::sort(seen.begin(), seen.end());
        size_t top = 1;
        top_values.clear();
        for (size_t i = 0; i < seen.size();) {
          size_t j = i + 1;
          while (j < seen.size() && seen[j] == seen[i]) ++j;
          if (j - i > top) {
            top = j - i;
            top_values.clear();
          }
          if (j - i == top) top_values.push_back(seen[i]);
          i = j;
        }
        if (top > 1) {
          top_counts.assign(top_values.size(), 0);
          bool found = false;
          for (int64_t y = sy.lo; y < sy.hi && !found; ++y) {
            for (int64_t x = sx.lo; x < sx.hi; ++x) {
              const size_t k = at(y, x);
              if ((mask && !mask[k]) || std::isnan(chunk[k])) continue;
              const auto it = std::lower_bound(top_values.begin(), top_values.end(), chunk[k]);
              if (it == top_values.end() || *it != chunk[k]) continue;
              if (++top_counts[static_cast<size_t>(it - top_values.begin())] == top) {
                result = chunk[k];
                found = true;
                break;
              }
            }
          }
        }
      }
      line[ix - g.dst_x1] = result;
    }
  }
}

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
          const size_t k =
              static_cast<size_t>((y - g.chunk_y_off) * g.chunk_x_size + (x - g.chunk_x_off));
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
          const double q = method == Resampling::kQ1   ? 0.25
                           : method == Resampling::kQ3 ? 0.75
                                                       : 0.5;
          std::sort(values.begin(), values.end());
          const double idx = std::ceil(q * static_cast<double>(values.size()) - 1);
          const size_t i =
              static_cast<size_t>(std::clamp(idx, 0.0, static_cast<double>(values.size() - 1)));
          result = values[i];
        }
      }
      line[ix - g.dst_x1] = result;
    }
  }
}

}  // namespace cogr::internal::resample
