// Basic value types shared by every module: data types, byte spans, limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "cogr/export.hpp"

namespace cogr {

using ByteSpan = std::span<const uint8_t>;
using MutableByteSpan = std::span<uint8_t>;

/// A half-open byte range [offset, offset + length) of a file.
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t end() const { return offset + length; }
  bool operator==(const ByteRange&) const = default;
};

/// Pixel data types, as rasterio/numpy name them (see DataTypeName).
enum class DataType : uint8_t {
  kUnknown = 0,
  kUInt8,
  kInt8,
  kUInt16,
  kInt16,
  kUInt32,
  kInt32,
  kUInt64,
  kInt64,
  kFloat32,
  kFloat64,
  kCInt16,
  kCInt32,
  kCFloat32,
  kCFloat64,
};

/// Bytes of one sample (a complex sample counts both parts). 0 for kUnknown.
COGR_EXPORT size_t DataTypeSize(DataType t);
/// numpy's name: "uint8" ... "float64", "complex_int16", "complex_int32", "complex64", "complex128".
COGR_EXPORT std::string_view DataTypeName(DataType t);
/// numpy .npy descr for little-endian data: "|u1", "<i2", "<f4", "<c8"; complex_int16 is "<i2"
/// pairs and has no numpy scalar, so it maps to a structured descr (see cli npy writer).
COGR_EXPORT std::string_view DataTypeNpyDescr(DataType t);
/// float32/float64 and the complex types of floats (cfloat32, cfloat64).
COGR_EXPORT bool IsFloat(DataType t);
/// The complex types (cint16, cint32, cfloat32, cfloat64).
COGR_EXPORT bool IsComplex(DataType t);
/// The signed integer types, the float types and the complex types.
COGR_EXPORT bool IsSigned(DataType t);

/// min(16 GiB, physical memory / 2): the default Limits::max_read_bytes (16 GiB when the
/// physical memory is unknown). Computed once per process.
COGR_EXPORT uint64_t DefaultMaxReadBytes();

/// Caps on what hostile input can make cogr allocate or loop over. Defaults suit real files;
/// fuzz targets tighten them; Unlimited() is an explicit opt-out.
struct COGR_EXPORT Limits {
  uint32_t max_ifds = 4096;                   ///< IFDs in the chain (incl. SubIFDs)
  uint32_t max_tags_per_ifd = 4096;           ///< entries of one IFD
  uint64_t max_tag_bytes = 256ull << 20;      ///< bytes of one tag's value
  uint64_t max_header_bytes = 512ull << 20;   ///< bytes fetched + decoded to parse all IFDs
  uint64_t max_blocks_per_ifd = 64ull << 20;  ///< tiles/strips in one IFD
  uint64_t max_block_bytes = 1ull << 30;      ///< decoded bytes of one block
  /// Bytes of one read's output array, and of the buffers an out_shape or boundless read needs
  /// for it: by default the lesser of 16 GiB and half of the machine's physical memory
  /// (DefaultMaxReadBytes). The CLI's --max-memory sets it.
  uint64_t max_read_bytes = DefaultMaxReadBytes();
  uint64_t max_image_dimension = 1ull << 31;  ///< width or height of an image
  /// Not a cap: a block table (TileOffsets, TileByteCounts, StripOffsets, StripByteCounts)
  /// larger than this many bytes whose bytes were not fetched with the header is not loaded at
  /// open; reads fetch the entries they need (tiff::LazyTable). UINT64_MAX = always load.
  uint64_t lazy_block_table_bytes = 64 * 1024;

  /// Every limit at its maximum (for trusted files and tests).
  static Limits Unlimited();
};

}  // namespace cogr
