// TIFF predictors: 2 (horizontal differencing of integers) and 3 (floating point, TIFF Technical
// Note 3). Both work per row; rows never carry state into the next one.
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "codec/codec_internal.hpp"

namespace cogr::internal {

namespace {

// Undoes differencing in each row. kSamples > 0 fixes the pixel stride at compile time so the
// running sums stay in registers (reloading a value just stored costs a store-to-load round
// trip per sample); kSamples == 0 handles any stride.
template <class T, uint32_t kSamples>
void AccumulateRows(uint8_t* data, uint64_t width, uint64_t rows, uint32_t samples) {
  const uint32_t n = kSamples > 0 ? kSamples : samples;
  const uint64_t row_values = width * n;
  if (row_values == 0) return;
  for (uint64_t r = 0; r < rows; ++r) {
    uint8_t* row = data + r * row_values * sizeof(T);
    // memcpy loads/stores: the caller's buffer has no alignment guarantee.
    if constexpr (kSamples > 0) {
      T acc[kSamples];
      std::memcpy(acc, row, sizeof(acc));
      for (uint64_t i = kSamples; i < row_values; i += kSamples) {
        for (uint32_t j = 0; j < kSamples; ++j) {
          T cur;
          std::memcpy(&cur, row + (i + j) * sizeof(T), sizeof(T));
          acc[j] =
              static_cast<T>(acc[j] + cur);  // unsigned: wraps as the encoder's subtraction did
          std::memcpy(row + (i + j) * sizeof(T), &acc[j], sizeof(T));
        }
      }
    } else {
      const size_t stride_bytes = size_t{n} * sizeof(T);
      for (uint64_t i = n; i < row_values; ++i) {
        uint8_t* p = row + i * sizeof(T);
        T prev, cur;
        std::memcpy(&prev, p - stride_bytes, sizeof(T));
        std::memcpy(&cur, p, sizeof(T));
        cur = static_cast<T>(cur + prev);
        std::memcpy(p, &cur, sizeof(T));
      }
    }
  }
}

#if defined(__SSE2__)
// One sample per pixel: the running sum of a row is a prefix sum, done 16 bytes at a time
// (log2(lanes) shifted adds within the vector, plus the last sum of the previous vector), which
// breaks the one-add-per-sample dependency chain of the scalar loop: about 3x faster on 512-wide
// uint16 tiles. Wrapping adds, as the encoder's subtraction wrapped.
template <class T>
__m128i PrefixSum(__m128i x) {
  if constexpr (sizeof(T) == 1) {
    x = _mm_add_epi8(x, _mm_slli_si128(x, 1));
    x = _mm_add_epi8(x, _mm_slli_si128(x, 2));
    x = _mm_add_epi8(x, _mm_slli_si128(x, 4));
    return _mm_add_epi8(x, _mm_slli_si128(x, 8));
  } else if constexpr (sizeof(T) == 2) {
    x = _mm_add_epi16(x, _mm_slli_si128(x, 2));
    x = _mm_add_epi16(x, _mm_slli_si128(x, 4));
    return _mm_add_epi16(x, _mm_slli_si128(x, 8));
  } else {
    x = _mm_add_epi32(x, _mm_slli_si128(x, 4));
    return _mm_add_epi32(x, _mm_slli_si128(x, 8));
  }
}

template <class T>
__m128i Add(__m128i a, __m128i b) {
  if constexpr (sizeof(T) == 1) return _mm_add_epi8(a, b);
  if constexpr (sizeof(T) == 2) return _mm_add_epi16(a, b);
  return _mm_add_epi32(a, b);
}

// Every lane = the last lane of x (kept in registers: reloading it from the stored vector would
// stall on store-to-load forwarding).
template <class T>
__m128i BroadcastLast(__m128i x) {
  if constexpr (sizeof(T) == 1) {
    x = _mm_unpackhi_epi8(x, x);   // b8 b8 .. b15 b15
    x = _mm_unpackhi_epi16(x, x);  // b12 x4 .. b15 x4
    return _mm_shuffle_epi32(x, 0xFF);
  } else if constexpr (sizeof(T) == 2) {
    return _mm_shuffle_epi32(_mm_shufflehi_epi16(x, 0xFF), 0xFF);
  } else {
    return _mm_shuffle_epi32(x, 0xFF);
  }
}

template <class T>
void AccumulateRowsOneSample(uint8_t* data, uint64_t width, uint64_t rows) {
  constexpr uint64_t kLanes = 16 / sizeof(T);
  for (uint64_t r = 0; r < rows; ++r) {
    uint8_t* row = data + r * width * sizeof(T);
    __m128i carry = _mm_setzero_si128();
    uint64_t i = 0;
    for (; i + kLanes <= width; i += kLanes) {
      uint8_t* p = row + i * sizeof(T);
      const __m128i x =
          Add<T>(PrefixSum<T>(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))), carry);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(p), x);
      carry = BroadcastLast<T>(x);
    }
    T last = static_cast<T>(_mm_cvtsi128_si32(carry));
    for (; i < width; ++i) {
      uint8_t* p = row + i * sizeof(T);
      T cur;
      std::memcpy(&cur, p, sizeof(T));
      last = static_cast<T>(last + cur);
      std::memcpy(p, &last, sizeof(T));
    }
  }
}
#endif

template <class T>
void AccumulateRowsAnyStride(uint8_t* data, uint64_t width, uint64_t rows, uint32_t samples) {
  switch (samples) {
    case 1:
#if defined(__SSE2__)
      if constexpr (sizeof(T) <= 4) {
        AccumulateRowsOneSample<T>(data, width, rows);
        break;
      }
#endif
      AccumulateRows<T, 1>(data, width, rows, samples);
      break;
    case 2: AccumulateRows<T, 2>(data, width, rows, samples); break;
    case 3: AccumulateRows<T, 3>(data, width, rows, samples); break;
    case 4: AccumulateRows<T, 4>(data, width, rows, samples); break;
    default: AccumulateRows<T, 0>(data, width, rows, samples); break;
  }
}

}  // namespace

void UndoHorizontalPredictor(MutableByteSpan data, uint64_t width, uint64_t rows, uint32_t samples,
                             uint32_t word_bytes) {
  switch (word_bytes) {
    case 1: AccumulateRowsAnyStride<uint8_t>(data.data(), width, rows, samples); break;
    case 2: AccumulateRowsAnyStride<uint16_t>(data.data(), width, rows, samples); break;
    case 4: AccumulateRowsAnyStride<uint32_t>(data.data(), width, rows, samples); break;
    case 8: AccumulateRowsAnyStride<uint64_t>(data.data(), width, rows, samples); break;
    default: break;  // the registry only calls with 1, 2, 4 or 8
  }
}

void UndoFloatPredictor(MutableByteSpan data, uint64_t width, uint64_t rows, uint32_t samples,
                        uint32_t word_bytes, MutableByteSpan row_scratch) {
  const uint64_t values = width * samples;
  const uint64_t row_bytes = values * word_bytes;
  if (row_bytes == 0) return;
  constexpr bool kLittleHost = std::endian::native == std::endian::little;
  for (uint64_t r = 0; r < rows; ++r) {
    uint8_t* row = data.data() + r * row_bytes;
    // 1. Undo the byte-wise differencing, stride = samples bytes.
    if (samples == 1) {
#if defined(__SSE2__)
      AccumulateRowsOneSample<uint8_t>(row, row_bytes, 1);
#else
      uint8_t acc = row[0];
      for (uint64_t i = 1; i < row_bytes; ++i) row[i] = acc = static_cast<uint8_t>(acc + row[i]);
#endif
    } else {
      for (uint64_t i = samples; i < row_bytes; ++i)
        row[i] = static_cast<uint8_t>(row[i] + row[i - samples]);
    }
    // 2. The row is word_bytes planes of `values` bytes, the most significant plane first.
    std::memcpy(row_scratch.data(), row, static_cast<size_t>(row_bytes));
    const uint8_t* planes = row_scratch.data();
    if (word_bytes == 4) {  // the common case, one sequential pass
      const uint8_t *p0 = planes, *p1 = p0 + values, *p2 = p1 + values, *p3 = p2 + values;
      uint64_t k = 0;
#if defined(__SSE2__)
      if constexpr (kLittleHost) {
        // 16 words at a time: interleave the planes' bytes, least significant (p3) first.
        for (; k + 16 <= values; k += 16) {
          const __m128i b0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p0 + k));
          const __m128i b1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p1 + k));
          const __m128i b2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p2 + k));
          const __m128i b3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p3 + k));
          const __m128i lo32 = _mm_unpacklo_epi8(b3, b2), hi32 = _mm_unpackhi_epi8(b3, b2);
          const __m128i lo10 = _mm_unpacklo_epi8(b1, b0), hi10 = _mm_unpackhi_epi8(b1, b0);
          __m128i* out = reinterpret_cast<__m128i*>(row + k * 4);
          _mm_storeu_si128(out + 0, _mm_unpacklo_epi16(lo32, lo10));
          _mm_storeu_si128(out + 1, _mm_unpackhi_epi16(lo32, lo10));
          _mm_storeu_si128(out + 2, _mm_unpacklo_epi16(hi32, hi10));
          _mm_storeu_si128(out + 3, _mm_unpackhi_epi16(hi32, hi10));
        }
      }
#endif
      for (; k < values; ++k) {
        const uint32_t v =
            (uint32_t{p0[k]} << 24) | (uint32_t{p1[k]} << 16) | (uint32_t{p2[k]} << 8) | p3[k];
        std::memcpy(row + k * 4, &v, 4);  // host order by construction
      }
      continue;
    }
    if (word_bytes == 8) {
      for (uint64_t k = 0; k < values; ++k) {
        uint64_t v = 0;
        for (uint32_t b = 0; b < 8; ++b) v = (v << 8) | planes[b * values + k];
        std::memcpy(row + k * 8, &v, 8);
      }
      continue;
    }
    for (uint32_t b = 0; b < word_bytes; ++b) {
      const uint8_t* plane = planes + uint64_t{b} * values;
      // Plane b holds byte b counted from the most significant end.
      const uint32_t dst_byte = kLittleHost ? word_bytes - 1 - b : b;
      uint8_t* dst = row + dst_byte;
      for (uint64_t k = 0; k < values; ++k) dst[k * word_bytes] = plane[k];
    }
  }
}

}  // namespace cogr::internal
