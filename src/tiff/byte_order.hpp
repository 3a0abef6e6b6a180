// Loads of file-order integers from byte pointers (tiff-internal).
#pragma once

#include <cstdint>
#include <cstring>

#include "cogr/tiff.hpp"

namespace cogr::internal {

inline uint16_t Load16(const uint8_t* p, tiff::ByteOrder order) {
  return order == tiff::ByteOrder::kLittle ? static_cast<uint16_t>(p[0] | (p[1] << 8))
                                           : static_cast<uint16_t>((p[0] << 8) | p[1]);
}

inline uint32_t Load32(const uint8_t* p, tiff::ByteOrder order) {
  if (order == tiff::ByteOrder::kLittle) {
    return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
           (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
  }
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

inline uint64_t Load64(const uint8_t* p, tiff::ByteOrder order) {
  uint64_t a = Load32(p, order);
  uint64_t b = Load32(p + 4, order);
  return order == tiff::ByteOrder::kLittle ? (b << 32) | a : (a << 32) | b;
}

inline float LoadFloat(const uint8_t* p, tiff::ByteOrder order) {
  uint32_t bits = Load32(p, order);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline double LoadDouble(const uint8_t* p, tiff::ByteOrder order) {
  uint64_t bits = Load64(p, order);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

}  // namespace cogr::internal
