// Buffer: bytes that are not zero-initialised, the storage of Array (cogr/array.hpp). Its
// memory (util/buffer.cpp) comes from the ground floor, which includes only this header.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <type_traits>
#include <utility>
#include <vector>

#include "cogr/export.hpp"

namespace cogr {

/// Bytes that are not zero-initialised: resize() and Buffer(n) allocate without writing, so a
/// read writes each byte once (and pages it never touches cost no memory). A small vector-like
/// interface (data, size, resize, assign, ==, iteration); copies are deep.
class Buffer {
 public:
  using value_type = uint8_t;
  using size_type = size_t;
  using iterator = uint8_t*;
  using const_iterator = const uint8_t*;

  Buffer() = default;
  /// `n` bytes of unspecified content.
  explicit Buffer(size_t n) { resize(n); }
  Buffer(size_t n, uint8_t value) { assign(n, value); }
  Buffer(const std::vector<uint8_t>& bytes) {
    assign(bytes.begin(), bytes.end());
  }  // NOLINT: implicit
  Buffer(const Buffer& other) { assign(other.begin(), other.end()); }
  Buffer(Buffer&& other) noexcept
      : bytes_(std::exchange(other.bytes_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  Buffer& operator=(const Buffer& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  Buffer& operator=(Buffer&& other) noexcept {
    if (this != &other) {
      Free(bytes_, capacity_);
      bytes_ = std::exchange(other.bytes_, nullptr);
      size_ = std::exchange(other.size_, 0);
      capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
  }
  ~Buffer() { Free(bytes_, capacity_); }

  uint8_t* data() { return bytes_; }
  const uint8_t* data() const { return bytes_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint8_t& operator[](size_t i) { return bytes_[i]; }
  uint8_t operator[](size_t i) const { return bytes_[i]; }
  uint8_t* begin() { return data(); }
  uint8_t* end() { return data() + size_; }
  const uint8_t* begin() const { return data(); }
  const uint8_t* end() const { return data() + size_; }

  /// Size `n`: the first min(n, size()) bytes are kept, the others are unspecified (not zeroed).
  void resize(size_t n) {
    if (n > capacity_) {
      uint8_t* bigger = Allocate(n);  // no zero fill
      if (size_ > 0) std::memcpy(bigger, bytes_, size_);
      Free(bytes_, capacity_);
      bytes_ = bigger;
      capacity_ = n;
    }
    size_ = n;
  }
  /// Size `n`, every byte `value`.
  void assign(size_t n, uint8_t value) {
    size_ = 0;
    resize(n);
    if (n > 0) std::memset(bytes_, value, n);
  }
  template <class It>
  requires(!std::is_integral_v<It>) void assign(It first, It last) {
    const auto n = static_cast<size_t>(std::distance(first, last));
    size_ = 0;
    resize(n);
    std::copy(first, last, bytes_);
  }
  /// Size 0; the memory is released.
  void clear() {
    Free(bytes_, capacity_);
    bytes_ = nullptr;
    size_ = capacity_ = 0;
  }
  friend bool operator==(const Buffer& a, const Buffer& b) {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data(), b.data(), a.size_) == 0);
  }

  /// The memory behind a Buffer: `n` bytes, not initialised. Blocks of 1 MiB and more are whole
  /// 2 MiB pages of anonymous memory advised for transparent huge pages, so a read's first write
  /// of them costs one fault per 2 MiB instead of one per 4 KiB; smaller ones come from
  /// operator new. Throws std::bad_alloc on failure, like new.
  static COGR_EXPORT uint8_t* Allocate(size_t n);
  /// Frees what Allocate(n) returned (null: nothing).
  static COGR_EXPORT void Free(uint8_t* p, size_t n) noexcept;

 private:
  uint8_t* bytes_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

}  // namespace cogr
