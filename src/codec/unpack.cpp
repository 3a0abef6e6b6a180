// Byte order and bit depth conversions: file-order words → host order, odd widths → whole words.
#include <algorithm>
#include <bit>
#include <cstring>

#include "codec/codec_internal.hpp"

namespace cogr::internal {

namespace {

template <class T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <class T>
void Store(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

// Reads `n` (1..8) bytes holding a host-order unsigned integer.
uint64_t LoadHostUInt(const uint8_t* p, uint32_t n) {
  uint64_t v = 0;
  if constexpr (std::endian::native == std::endian::little) {
    for (uint32_t i = n; i-- > 0;) v = (v << 8) | p[i];
  } else {
    for (uint32_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  }
  return v;
}

void StoreHostUInt(uint8_t* p, uint64_t v, uint32_t n) {
  switch (n) {
    case 1: p[0] = static_cast<uint8_t>(v); break;
    case 2: Store(p, static_cast<uint16_t>(v)); break;
    case 4: Store(p, static_cast<uint32_t>(v)); break;
    default: Store(p, v); break;
  }
}

}  // namespace

bool NeedsSwap(bool file_big_endian) {
  return file_big_endian != (std::endian::native == std::endian::big);
}

void SwapWords(MutableByteSpan data, uint32_t word_bytes) {
  uint8_t* p = data.data();
  const size_t n = data.size() / (word_bytes == 0 ? 1 : word_bytes);
  switch (word_bytes) {
    case 0:
    case 1: return;
    case 2:
      for (size_t i = 0; i < n; ++i, p += 2) Store(p, __builtin_bswap16(Load<uint16_t>(p)));
      return;
    case 4:
      for (size_t i = 0; i < n; ++i, p += 4) Store(p, __builtin_bswap32(Load<uint32_t>(p)));
      return;
    case 8:
      for (size_t i = 0; i < n; ++i, p += 8) Store(p, __builtin_bswap64(Load<uint64_t>(p)));
      return;
    default:
      for (size_t i = 0; i < n; ++i, p += word_bytes) std::reverse(p, p + word_bytes);
      return;
  }
}

uint32_t HalfToFloatBits(uint16_t h) {
  const uint32_t sign = uint32_t{h & 0x8000u} << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0) {
    if (mantissa == 0) return sign;  // ±0
    // Subnormal half: normalise, every one is a normal float32.
    exponent = 1;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    mantissa &= 0x3ffu;
    return sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  if (exponent == 0x1f) return sign | 0x7f800000u | (mantissa << 13);  // inf / NaN (payload kept)
  return sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
}

uint32_t Float24ToFloatBits(uint32_t f24) {
  const uint32_t sign = (f24 & 0x800000u) << 8;
  uint32_t exponent = (f24 >> 16) & 0x7f;
  uint32_t mantissa = f24 & 0xffffu;
  if (exponent == 0) {
    if (mantissa == 0) return sign;
    exponent = 1;
    while ((mantissa & 0x10000u) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    mantissa &= 0xffffu;
    return sign | ((exponent + 127 - 63) << 23) | (mantissa << 7);
  }
  if (exponent == 0x7f) return sign | 0x7f800000u | (mantissa << 7);
  return sign | ((exponent + 127 - 63) << 23) | (mantissa << 7);
}

void WidenWords(ByteSpan in, MutableByteSpan out, uint32_t in_bytes, uint32_t out_bytes,
                bool is_float) {
  const size_t n = std::min(in.size() / in_bytes, out.size() / out_bytes);
  const uint8_t* src = in.data();
  uint8_t* dst = out.data();
  if (is_float && in_bytes == 2 && out_bytes == 4) {
    for (size_t i = 0; i < n; ++i) Store(dst + 4 * i, HalfToFloatBits(Load<uint16_t>(src + 2 * i)));
    return;
  }
  if (is_float && in_bytes == 3 && out_bytes == 4) {
    for (size_t i = 0; i < n; ++i) {
      Store(dst + 4 * i, Float24ToFloatBits(static_cast<uint32_t>(LoadHostUInt(src + 3 * i, 3))));
    }
    return;
  }
  for (size_t i = 0; i < n; ++i)
    StoreHostUInt(dst + i * out_bytes, LoadHostUInt(src + i * in_bytes, in_bytes), out_bytes);
}

void UnpackBits(ByteSpan packed, MutableByteSpan out, uint64_t values_per_row, uint64_t rows,
                uint32_t bits, uint32_t out_bytes) {
  const uint64_t row_bytes = (values_per_row * bits + 7) / 8;
  for (uint64_t r = 0; r < rows; ++r) {
    const uint8_t* src = packed.data() + r * row_bytes;
    uint8_t* dst = out.data() + r * values_per_row * out_bytes;
    if (bits == 1 || bits == 2 || bits == 4) {
      // out_bytes is 1 here. Several samples per byte, highest bits first.
      const uint32_t per_byte = 8 / bits;
      const uint8_t mask = static_cast<uint8_t>((1u << bits) - 1);
      for (uint64_t i = 0; i < values_per_row; ++i) {
        const uint32_t shift = 8 - bits - static_cast<uint32_t>(i % per_byte) * bits;
        dst[i] = static_cast<uint8_t>((src[i / per_byte] >> shift) & mask);
      }
      continue;
    }
    // General case: a bit cursor over the row, samples of up to 63 bits.
    uint64_t bit = 0;
    for (uint64_t i = 0; i < values_per_row; ++i) {
      uint64_t v = 0;
      uint32_t need = bits;
      while (need > 0) {
        const uint32_t in_byte = static_cast<uint32_t>(bit & 7);
        const uint32_t avail = 8 - in_byte;
        const uint32_t take = avail < need ? avail : need;
        const uint32_t chunk = (src[bit >> 3] >> (avail - take)) & ((1u << take) - 1);
        v = (v << take) | chunk;
        need -= take;
        bit += take;
      }
      StoreHostUInt(dst + i * out_bytes, v, out_bytes);
    }
  }
}

}  // namespace cogr::internal
