// Array and ArrayView: the (bands, height, width) samples a read returns or writes into.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cogr/buffer.hpp"
#include "cogr/geo.hpp"
#include "cogr/types.hpp"

namespace cogr {

/// A dense (bands, height, width) array in C order, host byte order.
struct Array {
  DataType dtype = DataType::kUnknown;
  uint64_t bands = 0, height = 0, width = 0;
  Buffer data;  ///< bands*height*width*DataTypeSize(dtype) bytes
  /// Georeferencing of this array: the dataset transform moved to the window's corner and,
  /// for overview or out_shape reads, scaled (transform * Affine::Scale(w0 / w, h0 / h)).
  geo::Affine transform;

  size_t sample_bytes() const { return DataTypeSize(dtype); }
  template <class T>
  const T* as() const {
    return reinterpret_cast<const T*>(data.data());
  }
  template <class T>
  T* as() {
    return reinterpret_cast<T*>(data.data());
  }
};

/// Memory the caller owns that Dataset::ReadInto writes (a numpy array, a mapped file, a
/// kept buffer): a (bands, height, width) array of `dtype` in host byte order whose sample
/// (b, y, x) is at data + b * band_stride + y * row_stride + x * col_stride (bytes). The
/// samples of a row are contiguous (col_stride = DataTypeSize(dtype)); rows and bands may be
/// strided (e.g. a slice of a larger array) but must not overlap. The caller keeps the memory
/// alive and untouched for the read.
struct ArrayView {
  uint8_t* data = nullptr;
  DataType dtype = DataType::kUnknown;
  uint64_t bands = 0, height = 0, width = 0;
  uint64_t band_stride = 0, row_stride = 0, col_stride = 0;

  /// A C-order view of `bytes` (which must hold bands * height * width samples).
  static ArrayView Contiguous(void* bytes, DataType dtype, uint64_t bands, uint64_t height,
                              uint64_t width) {
    ArrayView v;
    v.data = static_cast<uint8_t*>(bytes);
    v.dtype = dtype;
    v.bands = bands;
    v.height = height;
    v.width = width;
    v.col_stride = DataTypeSize(dtype);
    v.row_stride = width * v.col_stride;
    v.band_stride = height * v.row_stride;
    return v;
  }
  /// The view of an Array's memory (sized for its shape).
  static ArrayView Of(Array& a) {
    return Contiguous(a.data.data(), a.dtype, a.bands, a.height, a.width);
  }
  size_t sample_bytes() const { return DataTypeSize(dtype); }
  /// Address of sample (band, row, col).
  uint8_t* At(uint64_t band, uint64_t row, uint64_t col) const {
    return data + band * band_stride + row * row_stride + col * col_stride;
  }
  bool contiguous() const {
    return col_stride == sample_bytes() && row_stride == width * col_stride &&
           band_stride == height * row_stride;
  }
};

}  // namespace cogr
