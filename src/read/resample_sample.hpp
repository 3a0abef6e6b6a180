// read::resample — sample conversion shared by the resampler's stages: GDAL types, loading and
// storing components, GDALCopyWords rounding, nodata replacement values.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "cogr/types.hpp"

// The numbered steps and quirks below follow GDAL 3.6.2 (gcore/rasterio.cpp, gcore/overview.cpp),
// which rasterio 1.3.5 wheels ship: results are compared with its outputs bit for bit for
// nearest and within small tolerances for the kernels (GDAL's SIMD summation order differs).

namespace cogr::internal::resample {

inline constexpr int64_t kMaxGdalInt = std::numeric_limits<int32_t>::max();

// GDAL 3.6 has no Int8 type: GTiff exposes signed bytes as Byte (PIXELTYPE=SIGNEDBYTE) and
// resamples the raw unsigned values; rasterio then reinterprets the bytes.
inline DataType GdalType(DataType t) { return t == DataType::kInt8 ? DataType::kUInt8 : t; }

inline DataType ComponentType(DataType t) {
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
inline double LoadComponent(DataType t, const uint8_t* p) {
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
inline void StoreFromFloat(DataType t, float f, uint8_t* p) {
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

inline bool IsIntegerType(DataType t) {
  return !IsFloat(t) && !IsComplex(t) && t != DataType::kUnknown;
}

// Clamp range of a destination type (float, as GDAL's convolution uses it).
inline void DstRange(DataType t, float* lo, float* hi) {
  *lo = -std::numeric_limits<float>::max();
  *hi = std::numeric_limits<float>::max();
  switch (t) {
    case DataType::kUInt8:
      *lo = 0;
      *hi = 255;
      break;
    case DataType::kUInt16:
      *lo = 0;
      *hi = 65535;
      break;
    case DataType::kInt16:
      *lo = -32768;
      *hi = 32767;
      break;
    case DataType::kUInt32:
      *lo = 0;
      *hi = static_cast<float>(4294967295.0);
      break;
    case DataType::kInt32:
      *lo = static_cast<float>(-2147483648.0);
      *hi = static_cast<float>(2147483647.0);
      break;
    default: break;
  }
}

// GetReplacementValueIfNoData: the value written instead of a computed value that happens to
// equal nodata (so that valid pixels do not turn into nodata).
inline float ReplacementValue(DataType t, bool has_nodata, float nodata) {
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

}  // namespace cogr::internal::resample
