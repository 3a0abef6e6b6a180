#include "read/assemble.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace cogr::internal {
namespace {

template <class T>
T SaturateCast(double v) {
  if (std::isnan(v)) return T{0};
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (v <= static_cast<double>(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
    if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  }
}

template <class T>
void StoreAs(double v, uint8_t* dst, bool complex) {
  T x = std::is_floating_point_v<T> ? static_cast<T>(v) : SaturateCast<T>(v);
  std::memcpy(dst, &x, sizeof(T));
  if (complex) {
    T zero{};
    std::memcpy(dst + sizeof(T), &zero, sizeof(T));
  }
}

// Copies `n` samples of `sb` bytes each, reading with a stride of `src_stride` samples.
inline void CopyStrided(uint8_t* dst, const uint8_t* src, uint64_t n, size_t sb, size_t src_stride) {
  if (src_stride == 1) {
    std::memcpy(dst, src, n * sb);
    return;
  }
  const size_t step = src_stride * sb;
  switch (sb) {
    case 1:
      for (uint64_t i = 0; i < n; ++i) dst[i] = src[i * step];
      break;
    case 2:
      for (uint64_t i = 0; i < n; ++i) std::memcpy(dst + i * 2, src + i * step, 2);
      break;
    case 4:
      for (uint64_t i = 0; i < n; ++i) std::memcpy(dst + i * 4, src + i * step, 4);
      break;
    case 8:
      for (uint64_t i = 0; i < n; ++i) std::memcpy(dst + i * 8, src + i * step, 8);
      break;
    default:
      for (uint64_t i = 0; i < n; ++i) std::memcpy(dst + i * sb, src + i * step, sb);
  }
}

// All `kSamples` samples of n uint8 pixels to kSamples planes in one pass over the source
// (band-by-band strided copies would read every source row kSamples times).
template <uint32_t kSamples>
inline void Deinterleave8(uint8_t* const* dst, const uint8_t* src, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    for (uint32_t s = 0; s < kSamples; ++s) dst[s][i] = src[i * kSamples + s];
  }
}

}  // namespace

void StoreScalar(DataType dtype, double value, uint8_t* dst) {
  switch (dtype) {
    case DataType::kUInt8: StoreAs<uint8_t>(value, dst, false); break;
    case DataType::kInt8: StoreAs<int8_t>(value, dst, false); break;
    case DataType::kUInt16: StoreAs<uint16_t>(value, dst, false); break;
    case DataType::kInt16: StoreAs<int16_t>(value, dst, false); break;
    case DataType::kUInt32: StoreAs<uint32_t>(value, dst, false); break;
    case DataType::kInt32: StoreAs<int32_t>(value, dst, false); break;
    case DataType::kUInt64: StoreAs<uint64_t>(value, dst, false); break;
    case DataType::kInt64: StoreAs<int64_t>(value, dst, false); break;
    case DataType::kFloat32: StoreAs<float>(value, dst, false); break;
    case DataType::kFloat64: StoreAs<double>(value, dst, false); break;
    case DataType::kCInt16: StoreAs<int16_t>(value, dst, true); break;
    case DataType::kCInt32: StoreAs<int32_t>(value, dst, true); break;
    case DataType::kCFloat32: StoreAs<float>(value, dst, true); break;
    case DataType::kCFloat64: StoreAs<double>(value, dst, true); break;
    case DataType::kUnknown: break;
  }
}

void FillArray(Array& out, double value) {
  const size_t sb = out.sample_bytes();
  if (sb == 0 || out.data.empty()) return;
  uint8_t pattern[16];
  StoreScalar(out.dtype, value, pattern);
  bool all_zero = true;
  for (size_t i = 0; i < sb; ++i) all_zero &= pattern[i] == 0;
  if (all_zero) {
    std::memset(out.data.data(), 0, out.data.size());
    return;
  }
  for (size_t off = 0; off + sb <= out.data.size(); off += sb) std::memcpy(out.data.data() + off, pattern, sb);
}

void AssembleRows(const BlockJob& job, ByteSpan rows_data, uint64_t first_row, uint64_t rows, uint64_t block_width,
                  uint64_t block_height, uint32_t samples, Array& out, OutputPlace place) {
  const size_t sb = out.sample_bytes();
  const uint64_t bx0 = job.block_col * block_width;
  // Image row of rows_data's first row; only the rows of job.rect among them are copied.
  const uint64_t by0 = job.block_row * block_height + first_row;
  const uint64_t y_begin = std::max(job.rect.y0, by0), y_end = std::min(job.rect.y1, by0 + rows);
  const uint64_t n = job.rect.width();
  const uint64_t ox = static_cast<uint64_t>(static_cast<int64_t>(job.rect.x0) - place.col0);
  // Every sample of a pixel-interleaved uint8 block (RGB, RGBA, in any band order): one pass.
  if (sb == 1 && (samples == 3 || samples == 4) && job.band_map.size() == samples) {
    bool each_sample_once = true;
    uint32_t seen = 0;
    for (const auto& [sample, band] : job.band_map) {
      each_sample_once &= sample < samples && (seen & (1u << sample)) == 0;
      seen |= 1u << (sample & 31u);
    }
    if (each_sample_once) {
      for (uint64_t y = y_begin; y < y_end; ++y) {
        const uint64_t src_px = (y - by0) * block_width + (job.rect.x0 - bx0);
        const uint64_t oy = static_cast<uint64_t>(static_cast<int64_t>(y) - place.row0);
        uint8_t* dst[4] = {nullptr, nullptr, nullptr, nullptr};
        for (const auto& [sample, band] : job.band_map) {
          dst[sample] = out.data.data() + (band * out.height + oy) * out.width + ox;
        }
        const uint8_t* src = rows_data.data() + src_px * samples;
        if (samples == 3) {
          Deinterleave8<3>(dst, src, n);
        } else {
          Deinterleave8<4>(dst, src, n);
        }
      }
      return;
    }
  }
  for (const auto& [sample, band] : job.band_map) {
    for (uint64_t y = y_begin; y < y_end; ++y) {
      const uint64_t src_px = (y - by0) * block_width + (job.rect.x0 - bx0);
      const uint8_t* src = rows_data.data() + (src_px * samples + sample) * sb;
      const uint64_t oy = static_cast<uint64_t>(static_cast<int64_t>(y) - place.row0);
      uint8_t* dst = out.data.data() + ((band * out.height + oy) * out.width + ox) * sb;
      CopyStrided(dst, src, n, sb, samples);
    }
  }
}

void AssembleBlock(const BlockJob& job, ByteSpan decoded, uint64_t block_width, uint64_t block_height,
                   uint32_t samples, Array& out, OutputPlace place) {
  AssembleRows(job, decoded, 0, block_height, block_width, block_height, samples, out, place);
}

void FillBlock(const BlockJob& job, double value, Array& out, OutputPlace place) {
  const size_t sb = out.sample_bytes();
  uint8_t pattern[16];
  StoreScalar(out.dtype, value, pattern);
  for (const auto& entry : job.band_map) {
    const uint32_t band = entry.second;
    for (uint64_t y = job.rect.y0; y < job.rect.y1; ++y) {
      const uint64_t oy = static_cast<uint64_t>(static_cast<int64_t>(y) - place.row0);
      const uint64_t ox = static_cast<uint64_t>(static_cast<int64_t>(job.rect.x0) - place.col0);
      uint8_t* dst = out.data.data() + ((band * out.height + oy) * out.width + ox) * sb;
      for (uint64_t i = 0; i < job.rect.width(); ++i) std::memcpy(dst + i * sb, pattern, sb);
    }
  }
}

}  // namespace cogr::internal
