#include "read/assemble.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__) || defined(__i386__)
#include <tmmintrin.h>
#endif

#include "util/checked.hpp"

namespace cogr::internal {
namespace {

template <class T>
void StoreAs(double v, uint8_t* dst, bool complex) {
  T x = SaturateCast<T>(v);
  std::memcpy(dst, &x, sizeof(T));
  if (complex) {
    T zero{};
    std::memcpy(dst + sizeof(T), &zero, sizeof(T));
  }
}

// Copies `n` samples of `sb` bytes each, reading with a stride of `src_stride` samples.
inline void CopyStrided(uint8_t* dst, const uint8_t* src, uint64_t n, size_t sb,
                        size_t src_stride) {
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
void Deinterleave8Scalar(uint8_t* const* dst, const uint8_t* src, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    for (uint32_t s = 0; s < kSamples; ++s) dst[s][i] = src[i * kSamples + s];
  }
}

#if defined(__x86_64__) || defined(__i386__)
#define COGR_DEINTERLEAVE_SSSE3 1
// 16 pixels per step with byte shuffles: about 9x the scalar loop on a 512-pixel RGB row,
// which matters for JPEG, whose decode is fast enough for the split into planes to show.
// One output register from 48 source bytes: the bytes each mask picks, or-ed together.
__attribute__((target("ssse3"))) inline __m128i Pick3(__m128i a, __m128i b, __m128i c, __m128i ma,
                                                      __m128i mb, __m128i mc) {
  return _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(a, ma), _mm_shuffle_epi8(b, mb)),
                      _mm_shuffle_epi8(c, mc));
}

__attribute__((target("ssse3"))) void Deinterleave3Ssse3(uint8_t* const* dst, const uint8_t* src,
                                                         uint64_t n) {
  // For each of the 3 output planes: which bytes of the 3 source registers (48 bytes) it takes.
  const __m128i r_a = _mm_setr_epi8(0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m128i r_b = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14, -1, -1, -1, -1, -1);
  const __m128i r_c = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 4, 7, 10, 13);
  const __m128i g_a = _mm_setr_epi8(1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m128i g_b = _mm_setr_epi8(-1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1);
  const __m128i g_c = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14);
  const __m128i b_a = _mm_setr_epi8(2, 5, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m128i b_b = _mm_setr_epi8(-1, -1, -1, -1, -1, 1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1);
  const __m128i b_c = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15);
  uint64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 3 * i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 3 * i + 16));
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 3 * i + 32));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst[0] + i), Pick3(a, b, c, r_a, r_b, r_c));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst[1] + i), Pick3(a, b, c, g_a, g_b, g_c));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst[2] + i), Pick3(a, b, c, b_a, b_b, b_c));
  }
  if (i < n) {
    uint8_t* rest[3] = {dst[0] + i, dst[1] + i, dst[2] + i};
    Deinterleave8Scalar<3>(rest, src + 3 * i, n - i);
  }
}

__attribute__((target("ssse3"))) void Deinterleave4Ssse3(uint8_t* const* dst, const uint8_t* src,
                                                         uint64_t n) {
  // Each 16-byte register (4 pixels) becomes [s0 x4, s1 x4, s2 x4, s3 x4]; a 4x4 transpose of
  // 32-bit lanes then gives one register per plane.
  const __m128i group = _mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  uint64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i a =
        _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 4 * i)), group);
    const __m128i b = _mm_shuffle_epi8(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 4 * i + 16)), group);
    const __m128i c = _mm_shuffle_epi8(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 4 * i + 32)), group);
    const __m128i d = _mm_shuffle_epi8(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 4 * i + 48)), group);
    const __m128i ab_lo = _mm_unpacklo_epi32(a, b), ab_hi = _mm_unpackhi_epi32(a, b);
    const __m128i cd_lo = _mm_unpacklo_epi32(c, d), cd_hi = _mm_unpackhi_epi32(c, d);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst[0] + i), _mm_unpacklo_epi64(ab_lo, cd_lo));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst[1] + i), _mm_unpackhi_epi64(ab_lo, cd_lo));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst[2] + i), _mm_unpacklo_epi64(ab_hi, cd_hi));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst[3] + i), _mm_unpackhi_epi64(ab_hi, cd_hi));
  }
  if (i < n) {
    uint8_t* rest[4] = {dst[0] + i, dst[1] + i, dst[2] + i, dst[3] + i};
    Deinterleave8Scalar<4>(rest, src + 4 * i, n - i);
  }
}

bool HaveSsse3() {
  static const bool have = __builtin_cpu_supports("ssse3");
  return have;
}
#endif

template <uint32_t kSamples>
inline void Deinterleave8(uint8_t* const* dst, const uint8_t* src, uint64_t n) {
#ifdef COGR_DEINTERLEAVE_SSSE3
  if (HaveSsse3()) {
    if constexpr (kSamples == 3) return Deinterleave3Ssse3(dst, src, n);
    if constexpr (kSamples == 4) return Deinterleave4Ssse3(dst, src, n);
  }
#endif
  Deinterleave8Scalar<kSamples>(dst, src, n);
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

void FillArray(const ArrayView& out, double value) {
  const size_t sb = out.sample_bytes();
  if (sb == 0 || out.bands == 0 || out.height == 0 || out.width == 0) return;
  uint8_t pattern[16];
  StoreScalar(out.dtype, value, pattern);
  bool same_bytes = true;
  for (size_t i = 1; i < sb; ++i) same_bytes &= pattern[i] == pattern[0];
  const size_t row_bytes = static_cast<size_t>(out.width) * sb;
  if (out.contiguous()) {
    const size_t total = row_bytes * static_cast<size_t>(out.height * out.bands);
    if (same_bytes) {
      std::memset(out.data, pattern[0], total);
    } else {
      for (size_t off = 0; off < total; off += sb) std::memcpy(out.data + off, pattern, sb);
    }
    return;
  }
  for (uint64_t b = 0; b < out.bands; ++b) {
    for (uint64_t y = 0; y < out.height; ++y) {
      uint8_t* row = out.At(b, y, 0);
      if (same_bytes) {
        std::memset(row, pattern[0], row_bytes);
      } else {
        for (size_t off = 0; off < row_bytes; off += sb) std::memcpy(row + off, pattern, sb);
      }
    }
  }
}

void AssembleRows(const BlockJob& job, ByteSpan rows_data, uint64_t first_row, uint64_t rows,
                  uint64_t block_width, uint64_t block_height, uint32_t samples,
                  const ArrayView& out, OutputPlace place) {
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
          dst[sample] = out.At(band, oy, ox);
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
      uint8_t* dst = out.At(band, oy, ox);
      CopyStrided(dst, src, n, sb, samples);
    }
  }
}

void AssembleBlock(const BlockJob& job, ByteSpan decoded, uint64_t block_width,
                   uint64_t block_height, uint32_t samples, const ArrayView& out,
                   OutputPlace place) {
  AssembleRows(job, decoded, 0, block_height, block_width, block_height, samples, out, place);
}

void FillBlock(const BlockJob& job, double value, const ArrayView& out, OutputPlace place) {
  const size_t sb = out.sample_bytes();
  uint8_t pattern[16];
  StoreScalar(out.dtype, value, pattern);
  const uint64_t width = job.rect.width();
  if (width == 0 || job.rect.y1 <= job.rect.y0) return;
  const size_t row_bytes = static_cast<size_t>(width) * sb;
  // One row of the value (a memset when its bytes are all alike, as for 0 or any 8-bit value),
  // then whole-row copies: a sparse block is as fast to fill as a memset of its size.
  const bool same_bytes =
      std::all_of(pattern + 1, pattern + sb, [&](uint8_t b) { return b == pattern[0]; });
  const uint64_t ox = static_cast<uint64_t>(static_cast<int64_t>(job.rect.x0) - place.col0);
  for (const auto& entry : job.band_map) {
    const uint32_t band = entry.second;
    const uint64_t oy0 = static_cast<uint64_t>(static_cast<int64_t>(job.rect.y0) - place.row0);
    uint8_t* first = out.At(band, oy0, ox);
    if (same_bytes) {
      std::memset(first, pattern[0], row_bytes);
    } else {
      std::memcpy(first, pattern, sb);
      for (size_t done = sb; done < row_bytes; done *= 2)
        std::memcpy(first + done, first, std::min(done, row_bytes - done));
    }
    for (uint64_t y = job.rect.y0 + 1; y < job.rect.y1; ++y) {
      const uint64_t oy = static_cast<uint64_t>(static_cast<int64_t>(y) - place.row0);
      std::memcpy(out.At(band, oy, ox), first, row_bytes);
    }
  }
}

}  // namespace cogr::internal
