#include "write/overview.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <type_traits>

#include "util/alloc_guard.hpp"
#include "util/checked.hpp"
#include "util/thread_pool.hpp"

namespace cogr::internal {
namespace {

// One band plane of the source and of the destination, plus what both need.
template <class T>
struct Plane {
  const T* src;
  uint64_t w, h;
  T* dst;
  uint64_t ow, oh;
  uint32_t parts;  // 2 for complex samples (real, imaginary), else 1
};

template <class T>
bool IsValid(T v, bool has_nodata, T nodata) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(v)) return false;
  }
  return !has_nodata || v != nodata;
}

template <class T>
T RoundToType(long double mean) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(mean);
  } else {
    // Half away from zero (GDALCopyWord), then clamped: the mean of in-range values is in range,
    // but long double rounding at the 64-bit limits must not overflow the cast.
    long double r = std::round(mean);
    constexpr long double lo = static_cast<long double>(std::numeric_limits<T>::min());
    constexpr long double hi = static_cast<long double>(std::numeric_limits<T>::max());
    if (r <= lo) return std::numeric_limits<T>::min();
    if (r >= hi) return std::numeric_limits<T>::max();
    return static_cast<T>(r);
  }
}

template <class T>
void AverageRows(const Plane<T>& p, uint64_t factor, bool has_nodata, T nodata, uint64_t row0,
                 uint64_t row1) {
  const uint32_t parts = p.parts;
  for (uint64_t oy = row0; oy < row1; ++oy) {
    const uint64_t y0 = oy * factor, y1 = std::min(y0 + factor, p.h);
    for (uint64_t ox = 0; ox < p.ow; ++ox) {
      const uint64_t x0 = ox * factor, x1 = std::min(x0 + factor, p.w);
      for (uint32_t part = 0; part < parts; ++part) {
        // Floats sum in double, as GDAL does; integers in long double, exact up to 64 bits
        // (x86) so that 32-bit data rounds exactly.
        using Acc = std::conditional_t<std::is_floating_point_v<T>, double, long double>;
        Acc sum = 0;
        uint64_t n = 0;
        for (uint64_t y = y0; y < y1; ++y) {
          const T* row = p.src + (y * p.w) * parts + part;
          for (uint64_t x = x0; x < x1; ++x) {
            const T v = row[x * parts];
            // Complex pixels are valid by their real part, so both parts average the same set.
            const T key = parts == 2 ? p.src[(y * p.w + x) * parts] : v;
            if (!IsValid(key, has_nodata, nodata)) continue;
            sum += static_cast<Acc>(v);
            ++n;
          }
        }
        T out;
        if (n > 0) {
          out = RoundToType<T>(static_cast<long double>(sum / static_cast<Acc>(n)));
        } else if (has_nodata) {
          out = nodata;
        } else {
          out = std::numeric_limits<T>::quiet_NaN();  // only floats can have no valid pixel
        }
        p.dst[(oy * p.ow + ox) * parts + part] = out;
      }
    }
  }
}

template <class T>
void NearestRows(const Plane<T>& p, uint64_t row0, uint64_t row1) {
  const double rx = static_cast<double>(p.w) / static_cast<double>(p.ow);
  const double ry = static_cast<double>(p.h) / static_cast<double>(p.oh);
  const size_t pixel_bytes = sizeof(T) * p.parts;
  for (uint64_t oy = row0; oy < row1; ++oy) {
    const uint64_t sy =
        std::min<uint64_t>(static_cast<uint64_t>(0.5 + static_cast<double>(oy) * ry), p.h - 1);
    for (uint64_t ox = 0; ox < p.ow; ++ox) {
      const uint64_t sx =
          std::min<uint64_t>(static_cast<uint64_t>(0.5 + static_cast<double>(ox) * rx), p.w - 1);
      std::memcpy(p.dst + (oy * p.ow + ox) * p.parts, p.src + (sy * p.w + sx) * p.parts,
                  pixel_bytes);
    }
  }
}

template <class T>
Status Run(const Array& full, Array& out, uint64_t factor, write::OverviewResampling resampling,
           std::optional<double> nodata, uint32_t parts, size_t threads) {
  const bool has_nodata = nodata.has_value() && !std::isnan(*nodata);
  T nd{};
  if (has_nodata) nd = static_cast<T>(*nodata);  // ValidateProfile checked it is representable
  // Rows of all bands form one index space, in chunks big enough to amortise scheduling.
  constexpr uint64_t kRowsPerTask = 16;
  const uint64_t chunks_per_band = CeilDiv(out.height, kRowsPerTask);
  const uint64_t tasks = chunks_per_band * out.bands;
  auto task = [&](size_t i) -> Status {
    const uint64_t band = i / chunks_per_band, chunk = i % chunks_per_band;
    Plane<T> p;
    p.src = full.as<T>() + band * full.height * full.width * parts;
    p.w = full.width;
    p.h = full.height;
    p.dst = out.as<T>() + band * out.height * out.width * parts;
    p.ow = out.width;
    p.oh = out.height;
    p.parts = parts;
    const uint64_t row0 = chunk * kRowsPerTask, row1 = std::min(row0 + kRowsPerTask, out.height);
    if (resampling == write::OverviewResampling::kAverage) {
      AverageRows<T>(p, factor, has_nodata, nd, row0, row1);
    } else {
      NearestRows<T>(p, row0, row1);
    }
    return Status::OK();
  };
  if (threads <= 1 || tasks <= 1) {
    for (size_t i = 0; i < tasks; ++i) COGR_RETURN_IF_ERROR(task(i));
    return Status::OK();
  }
  return ParallelFor(static_cast<size_t>(tasks), task, ThreadPool::Default(), threads);
}

}  // namespace

uint64_t OverviewSize(uint64_t size, int factor) {
  return factor <= 0 ? size : CeilDiv(size, static_cast<uint64_t>(factor));
}

Result<Array> MakeOverview(const Array& full, int factor, write::OverviewResampling resampling,
                           std::optional<double> nodata, size_t threads) {
  if (factor < 2)
    return Status::InvalidArgument("overview factor " + std::to_string(factor) + " < 2");
  if (full.width == 0 || full.height == 0 || full.bands == 0) {
    return Status::InvalidArgument("overview of an empty array");
  }
  Array out;
  out.dtype = full.dtype;
  out.bands = full.bands;
  out.width = OverviewSize(full.width, factor);
  out.height = OverviewSize(full.height, factor);
  const double sx = static_cast<double>(full.width) / static_cast<double>(out.width);
  const double sy = static_cast<double>(full.height) / static_cast<double>(out.height);
  out.transform = full.transform * geo::Affine::Scale(sx, sy);
  const uint64_t bytes = out.bands * out.height * out.width * DataTypeSize(full.dtype);
  COGR_RETURN_IF_ERROR(internal::GuardAlloc(
      [&] {
        out.data.assign(static_cast<size_t>(bytes), 0);  // zero-filled as before Array's Buffer
        return Status::OK();
      },
      [&] {
        return "overview " + std::to_string(factor) + ": cannot allocate " + std::to_string(bytes) +
               " bytes";
      }));
  const uint64_t f = static_cast<uint64_t>(factor);
  Status st;
  switch (full.dtype) {
    case DataType::kUInt8: st = Run<uint8_t>(full, out, f, resampling, nodata, 1, threads); break;
    case DataType::kInt8: st = Run<int8_t>(full, out, f, resampling, nodata, 1, threads); break;
    case DataType::kUInt16: st = Run<uint16_t>(full, out, f, resampling, nodata, 1, threads); break;
    case DataType::kInt16: st = Run<int16_t>(full, out, f, resampling, nodata, 1, threads); break;
    case DataType::kUInt32: st = Run<uint32_t>(full, out, f, resampling, nodata, 1, threads); break;
    case DataType::kInt32: st = Run<int32_t>(full, out, f, resampling, nodata, 1, threads); break;
    case DataType::kUInt64: st = Run<uint64_t>(full, out, f, resampling, nodata, 1, threads); break;
    case DataType::kInt64: st = Run<int64_t>(full, out, f, resampling, nodata, 1, threads); break;
    case DataType::kFloat32: st = Run<float>(full, out, f, resampling, nodata, 1, threads); break;
    case DataType::kFloat64: st = Run<double>(full, out, f, resampling, nodata, 1, threads); break;
    case DataType::kCInt16: st = Run<int16_t>(full, out, f, resampling, nodata, 2, threads); break;
    case DataType::kCInt32: st = Run<int32_t>(full, out, f, resampling, nodata, 2, threads); break;
    case DataType::kCFloat32: st = Run<float>(full, out, f, resampling, nodata, 2, threads); break;
    case DataType::kCFloat64: st = Run<double>(full, out, f, resampling, nodata, 2, threads); break;
    case DataType::kUnknown:
      return Status::InvalidArgument("overview of an array of unknown dtype");
  }
  COGR_RETURN_IF_ERROR(st);
  return out;
}

}  // namespace cogr::internal
