// TIFF predictors: 2 (horizontal differencing of integers) and 3 (floating point, TIFF Technical
// Note 3). Both work per row; rows never carry state into the next one.
#include <bit>
#include <cstring>

#include "codec/codec_internal.hpp"

namespace cogr::internal {

namespace {

template <class T>
void AccumulateRows(uint8_t* data, uint64_t width, uint64_t rows, uint32_t samples) {
  const uint64_t row_values = width * samples;
  const size_t stride_bytes = size_t{samples} * sizeof(T);
  for (uint64_t r = 0; r < rows; ++r) {
    uint8_t* row = data + r * row_values * sizeof(T);
    // memcpy loads/stores: the caller's buffer has no alignment guarantee.
    for (uint64_t i = samples; i < row_values; ++i) {
      uint8_t* p = row + i * sizeof(T);
      T prev, cur;
      std::memcpy(&prev, p - stride_bytes, sizeof(T));
      std::memcpy(&cur, p, sizeof(T));
      cur = static_cast<T>(cur + prev);  // unsigned: wraps as the encoder's subtraction did
      std::memcpy(p, &cur, sizeof(T));
    }
  }
}

}  // namespace

void UndoHorizontalPredictor(MutableByteSpan data, uint64_t width, uint64_t rows, uint32_t samples,
                             uint32_t word_bytes) {
  switch (word_bytes) {
    case 1: AccumulateRows<uint8_t>(data.data(), width, rows, samples); break;
    case 2: AccumulateRows<uint16_t>(data.data(), width, rows, samples); break;
    case 4: AccumulateRows<uint32_t>(data.data(), width, rows, samples); break;
    case 8: AccumulateRows<uint64_t>(data.data(), width, rows, samples); break;
    default: break;  // the registry only calls with 1, 2, 4 or 8
  }
}

void UndoFloatPredictor(MutableByteSpan data, uint64_t width, uint64_t rows, uint32_t samples,
                        uint32_t word_bytes, MutableByteSpan row_scratch) {
  const uint64_t values = width * samples;
  const uint64_t row_bytes = values * word_bytes;
  constexpr bool kLittleHost = std::endian::native == std::endian::little;
  for (uint64_t r = 0; r < rows; ++r) {
    uint8_t* row = data.data() + r * row_bytes;
    // 1. Undo the byte-wise differencing, stride = samples bytes.
    for (uint64_t i = samples; i < row_bytes; ++i) row[i] = static_cast<uint8_t>(row[i] + row[i - samples]);
    // 2. The row is word_bytes planes of `values` bytes, the most significant plane first.
    std::memcpy(row_scratch.data(), row, static_cast<size_t>(row_bytes));
    const uint8_t* planes = row_scratch.data();
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
