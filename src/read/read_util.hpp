// read: helpers the Dataset's entry points share (synchronous and asynchronous): allocation
// guard, file naming of errors, the deadline/cancel context of an open or a read.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "cogr/dataset.hpp"
#include "io/read_context.hpp"
#include "util/checked.hpp"

namespace cogr::internal {

/// The bytes of the allocation a read is making on this thread, for the message of a bad_alloc.
inline thread_local uint64_t g_allocating = 0;

/// Catches allocation failure at a public entry point (or an asynchronous stage). The message
/// names the bytes asked for when known (the output and chunk buffers record them) and the
/// read limit.
template <class F>
auto Guard(const std::string& uri, F&& f, uint64_t max_read_bytes = 0) -> decltype(f()) {
  g_allocating = 0;
  const std::string limit =
      max_read_bytes > 0 ? " (max_read_bytes " + std::to_string(max_read_bytes) + ")" : "";
  try {
    return f();
  } catch (const std::bad_alloc&) {
    const uint64_t asked = std::exchange(g_allocating, 0);
    return Status::LimitExceeded(
        uri + ": out of memory" +
        (asked > 0 ? " allocating " + std::to_string(asked) + " bytes" : std::string()) + limit);
  } catch (const std::length_error&) {
    return Status::LimitExceeded(uri + ": allocation too large" + limit);
  }
}

/// Sizes `buffer` to `bytes` (not zero-filled), recording the size for Guard's message.
inline void Allocate(Buffer& buffer, uint64_t bytes) {
  g_allocating = bytes;
  buffer.resize(static_cast<size_t>(bytes));
  g_allocating = 0;
}

/// `st` with "<uri>: " in front unless it already starts with the file's name.
inline Status NameFile(const Status& st, const std::string& uri) {
  if (st.ok() || st.message().compare(0, uri.size(), uri) == 0) return st;
  return st.WithContext(uri);
}

/// A read's or an open's deadline (the earlier of deadline and now + timeout_ms) and cancel token.
template <class Options>
ReadContext ContextOf(const Options& options, const char* what) {
  ReadContext context;
  context.what = what;
  context.cancel = options.cancel;
  context.deadline = options.deadline;
  context.trace = options.trace;
  if (options.timeout_ms > 0) {
    const auto due =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
    if (!context.deadline || due < *context.deadline) {
      context.deadline = due;
      context.timeout_ms = options.timeout_ms;
    }
  }
  return context;
}

inline std::string ShapeText(DataType dtype, uint64_t bands, uint64_t height, uint64_t width) {
  return std::to_string(bands) + " x " + std::to_string(height) + " x " + std::to_string(width) +
         " " + std::string(DataTypeName(dtype));
}

// A caller's view must be exactly the read's shape and dtype, rows of contiguous samples,
// rows and bands not overlapping.
inline Status CheckView(const ArrayView& view, DataType dtype, uint64_t bands, uint64_t height,
                        uint64_t width) {
  if (view.dtype != dtype || view.bands != bands || view.height != height || view.width != width) {
    return Status::InvalidArgument("destination is " +
                                   ShapeText(view.dtype, view.bands, view.height, view.width) +
                                   " but the read gives " + ShapeText(dtype, bands, height, width));
  }
  const uint64_t sb = DataTypeSize(dtype);
  const auto row_bytes = internal::CheckedMul(width, sb);
  const auto band_bytes = internal::CheckedMul(height, view.row_stride);
  if (view.col_stride != sb || !row_bytes || (height > 1 && view.row_stride < *row_bytes) ||
      !band_bytes || (bands > 1 && view.band_stride < *band_bytes)) {
    return Status::InvalidArgument(
        "destination strides (band " + std::to_string(view.band_stride) + ", row " +
        std::to_string(view.row_stride) + ", column " + std::to_string(view.col_stride) +
        " bytes) do not fit " + ShapeText(dtype, bands, height, width) +
        " (the samples of a row must be contiguous, rows and bands must not overlap)");
  }
  if (view.data == nullptr && bands > 0 && height > 0 && width > 0) {
    return Status::InvalidArgument("destination has no memory (null data)");
  }
  return Status::OK();
}

// Copies a read's array into the caller's view (same shape, checked).
inline void CopyToView(const Array& a, const ArrayView& view) {
  const size_t row_bytes = static_cast<size_t>(a.width) * a.sample_bytes();
  for (uint64_t b = 0; b < a.bands; ++b) {
    for (uint64_t y = 0; y < a.height; ++y) {
      std::memcpy(view.At(b, y, 0),
                  a.data.data() + ((b * a.height + y) * a.width) * a.sample_bytes(), row_bytes);
    }
  }
}

}  // namespace cogr::internal
