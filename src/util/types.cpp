#include <unistd.h>

#include <algorithm>
#include <limits>

#include "cogr/types.hpp"

namespace cogr {

size_t DataTypeSize(DataType t) {
  switch (t) {
    case DataType::kUInt8:
    case DataType::kInt8: return 1;
    case DataType::kUInt16:
    case DataType::kInt16: return 2;
    case DataType::kUInt32:
    case DataType::kInt32:
    case DataType::kFloat32: return 4;
    case DataType::kCInt16: return 4;
    case DataType::kUInt64:
    case DataType::kInt64:
    case DataType::kFloat64: return 8;
    case DataType::kCInt32:
    case DataType::kCFloat32: return 8;
    case DataType::kCFloat64: return 16;
    case DataType::kUnknown: return 0;
  }
  return 0;
}

std::string_view DataTypeName(DataType t) {
  switch (t) {
    case DataType::kUInt8: return "uint8";
    case DataType::kInt8: return "int8";
    case DataType::kUInt16: return "uint16";
    case DataType::kInt16: return "int16";
    case DataType::kUInt32: return "uint32";
    case DataType::kInt32: return "int32";
    case DataType::kUInt64: return "uint64";
    case DataType::kInt64: return "int64";
    case DataType::kFloat32: return "float32";
    case DataType::kFloat64: return "float64";
    case DataType::kCInt16: return "complex_int16";
    case DataType::kCInt32: return "complex_int32";
    case DataType::kCFloat32: return "complex64";
    case DataType::kCFloat64: return "complex128";
    case DataType::kUnknown: return "unknown";
  }
  return "unknown";
}

std::string_view DataTypeNpyDescr(DataType t) {
  switch (t) {
    case DataType::kUInt8: return "'|u1'";
    case DataType::kInt8: return "'|i1'";
    case DataType::kUInt16: return "'<u2'";
    case DataType::kInt16: return "'<i2'";
    case DataType::kUInt32: return "'<u4'";
    case DataType::kInt32: return "'<i4'";
    case DataType::kUInt64: return "'<u8'";
    case DataType::kInt64: return "'<i8'";
    case DataType::kFloat32: return "'<f4'";
    case DataType::kFloat64: return "'<f8'";
    case DataType::kCInt16: return "[('re', '<i2'), ('im', '<i2')]";
    case DataType::kCInt32: return "[('re', '<i4'), ('im', '<i4')]";
    case DataType::kCFloat32: return "'<c8'";
    case DataType::kCFloat64: return "'<c16'";
    case DataType::kUnknown: return "";
  }
  return "";
}

bool IsFloat(DataType t) {
  return t == DataType::kFloat32 || t == DataType::kFloat64 || t == DataType::kCFloat32 ||
         t == DataType::kCFloat64;
}
bool IsComplex(DataType t) {
  return t == DataType::kCInt16 || t == DataType::kCInt32 || t == DataType::kCFloat32 ||
         t == DataType::kCFloat64;
}
bool IsSigned(DataType t) {
  switch (t) {
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kFloat32:
    case DataType::kFloat64:
    case DataType::kCInt16:
    case DataType::kCInt32:
    case DataType::kCFloat32:
    case DataType::kCFloat64: return true;
    default: return false;
  }
}

uint64_t DefaultMaxReadBytes() {
  static const uint64_t bytes = [] {
    constexpr uint64_t kCap = 16ull << 30;
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page_size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page_size <= 0) return kCap;
    const uint64_t physical = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
    return std::min(kCap, physical / 2);
  }();
  return bytes;
}

Limits Limits::Unlimited() {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  Limits l;
  l.max_ifds = std::numeric_limits<uint32_t>::max();
  l.max_tags_per_ifd = std::numeric_limits<uint32_t>::max();
  l.max_tag_bytes = kMax;
  l.max_header_bytes = kMax;
  l.max_blocks_per_ifd = kMax;
  l.max_block_bytes = kMax;
  l.max_read_bytes = kMax;
  l.max_image_dimension = kMax;
  return l;
}

}  // namespace cogr
