// Helpers of the write tests: deterministic arrays of every dtype, a scratch directory, and
// libtiff as the second reader (every tile or strip through TIFFReadEncodedTile/Strip).
#pragma once

#include <gtest/gtest.h>
#include <tiffio.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "cogr/dataset.hpp"

namespace cogr::test {

/// A fresh directory under the system temp dir, removed with its contents at scope exit.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("cogr_write_" + std::to_string(getpid()) + "_" + name)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }
  /// Names of the entries of the directory, sorted.
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path_))
      names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::filesystem::path path_;
};

// A value of part type T from an integer "noise" n: covers negatives, the type's extremes now and
// then, and fractions for floats, while staying smooth enough along rows for the predictors and
// codecs to have something to do.
template <class T>
T MakeValue(uint64_t band, uint64_t y, uint64_t x, uint64_t part, uint32_t& rng) {
  rng = rng * 1664525u + 1013904223u;
  const uint32_t r = rng >> 8;
  if constexpr (std::is_floating_point_v<T>) {
    if (r % 97 == 0) return static_cast<T>(-1e30 * (r % 3 == 0 ? -1 : 1));
    return static_cast<T>(
        std::sin(0.05 * static_cast<double>(x + 3 * band) + 0.07 * static_cast<double>(y)) *
            1000.0 +
        static_cast<double>(r % 1000) / 8.0 - static_cast<double>(part) * 3.25);
  } else {
    if (r % 101 == 0) return std::numeric_limits<T>::max();
    if (r % 103 == 0) return std::numeric_limits<T>::min();
    const int64_t v = static_cast<int64_t>(x * 3 + y * 5 + band * 7 + part * 11) +
                      static_cast<int64_t>(r % 9) - 4;
    return static_cast<T>(v);
  }
}

template <class T>
void FillArray(Array& a, uint32_t parts, uint32_t seed) {
  uint32_t rng = seed;
  T* p = a.as<T>();
  for (uint64_t b = 0; b < a.bands; ++b)
    for (uint64_t y = 0; y < a.height; ++y)
      for (uint64_t x = 0; x < a.width; ++x)
        for (uint32_t k = 0; k < parts; ++k) *p++ = MakeValue<T>(b, y, x, k, rng);
}

/// A deterministic (bands, height, width) array of `dtype`.
inline Array MakeArray(DataType dtype, uint64_t bands, uint64_t height, uint64_t width,
                       uint32_t seed = 1) {
  Array a;
  a.dtype = dtype;
  a.bands = bands;
  a.height = height;
  a.width = width;
  a.data.resize(bands * height * width * DataTypeSize(dtype));
  switch (dtype) {
    case DataType::kUInt8: FillArray<uint8_t>(a, 1, seed); break;
    case DataType::kInt8: FillArray<int8_t>(a, 1, seed); break;
    case DataType::kUInt16: FillArray<uint16_t>(a, 1, seed); break;
    case DataType::kInt16: FillArray<int16_t>(a, 1, seed); break;
    case DataType::kUInt32: FillArray<uint32_t>(a, 1, seed); break;
    case DataType::kInt32: FillArray<int32_t>(a, 1, seed); break;
    case DataType::kUInt64: FillArray<uint64_t>(a, 1, seed); break;
    case DataType::kInt64: FillArray<int64_t>(a, 1, seed); break;
    case DataType::kFloat32: FillArray<float>(a, 1, seed); break;
    case DataType::kFloat64: FillArray<double>(a, 1, seed); break;
    case DataType::kCInt16: FillArray<int16_t>(a, 2, seed); break;
    case DataType::kCInt32: FillArray<int32_t>(a, 2, seed); break;
    case DataType::kCFloat32: FillArray<float>(a, 2, seed); break;
    case DataType::kCFloat64: FillArray<double>(a, 2, seed); break;
    case DataType::kUnknown: break;
  }
  return a;
}

/// Index of the first differing sample, or -1 when the arrays hold the same bytes and shape.
inline int64_t FirstDifference(const Array& a, const Array& b) {
  if (a.dtype != b.dtype || a.bands != b.bands || a.height != b.height || a.width != b.width ||
      a.data.size() != b.data.size()) {
    return -2;
  }
  const size_t sb = DataTypeSize(a.dtype);
  for (size_t i = 0; i < a.data.size(); i += sb) {
    if (std::memcmp(a.data.data() + i, b.data.data() + i, sb) != 0)
      return static_cast<int64_t>(i / sb);
  }
  return -1;
}

/// Directory `dir` of `path` as libtiff decodes it: every tile (or strip) read with
/// TIFFReadEncodedTile/Strip and placed into a (bands, height, width) array. `error` says what
/// failed (empty on success).
inline Array ReadWithLibtiff(const std::string& path, int dir, DataType dtype, std::string& error) {
  Array out;
  TIFFSetWarningHandler(nullptr);
  TIFFSetErrorHandler(nullptr);
  std::unique_ptr<TIFF, void (*)(TIFF*)> tif(TIFFOpen(path.c_str(), "r"), [](TIFF* t) {
    if (t != nullptr) TIFFClose(t);
  });
  if (!tif) {
    error = "TIFFOpen failed";
    return out;
  }
  if (!TIFFSetDirectory(tif.get(), static_cast<tdir_t>(dir))) {
    error = "TIFFSetDirectory(" + std::to_string(dir) + ") failed";
    return out;
  }
  uint32_t width = 0, height = 0;
  uint16_t spp = 1, planar = 1;
  TIFFGetField(tif.get(), TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(tif.get(), TIFFTAG_IMAGELENGTH, &height);
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_PLANARCONFIG, &planar);
  const size_t sb = DataTypeSize(dtype);
  out.dtype = dtype;
  out.bands = spp;
  out.height = height;
  out.width = width;
  out.data.assign(size_t{spp} * height * width * sb, 0);
  const bool tiled = TIFFIsTiled(tif.get()) != 0;
  uint32_t bw = width, bh = 0;
  if (tiled) {
    TIFFGetField(tif.get(), TIFFTAG_TILEWIDTH, &bw);
    TIFFGetField(tif.get(), TIFFTAG_TILELENGTH, &bh);
  } else {
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_ROWSPERSTRIP, &bh);
    if (bh > height) bh = height;
  }
  const uint32_t planes = planar == PLANARCONFIG_SEPARATE ? spp : 1;
  const uint32_t samples = planar == PLANARCONFIG_SEPARATE ? 1 : spp;
  const tmsize_t block_bytes = tiled ? TIFFTileSize(tif.get()) : TIFFStripSize(tif.get());
  std::vector<uint8_t> block(static_cast<size_t>(block_bytes));
  for (uint32_t plane = 0; plane < planes; ++plane) {
    for (uint32_t y0 = 0; y0 < height; y0 += bh) {
      for (uint32_t x0 = 0; x0 < width; x0 += bw) {
        tmsize_t got;
        if (tiled) {
          const ttile_t tile = TIFFComputeTile(tif.get(), x0, y0, 0, static_cast<uint16_t>(plane));
          got = TIFFReadEncodedTile(tif.get(), tile, block.data(), block_bytes);
        } else {
          const tstrip_t strip = TIFFComputeStrip(tif.get(), y0, static_cast<uint16_t>(plane));
          got = TIFFReadEncodedStrip(tif.get(), strip, block.data(), block_bytes);
        }
        if (got < 0) {
          error = "libtiff failed to decode the block at (" + std::to_string(x0) + ", " +
                  std::to_string(y0) + ") plane " + std::to_string(plane);
          return out;
        }
        const uint32_t rows = std::min(bh, height - y0), cols = std::min(bw, width - x0);
        for (uint32_t y = 0; y < rows; ++y) {
          for (uint32_t x = 0; x < cols; ++x) {
            for (uint32_t s = 0; s < samples; ++s) {
              const uint32_t band = planes > 1 ? plane : s;
              const uint8_t* src = block.data() + ((size_t{y} * bw + x) * samples + s) * sb;
              uint8_t* dst =
                  out.data.data() + ((size_t{band} * height + y0 + y) * width + x0 + x) * sb;
              std::memcpy(dst, src, sb);
            }
          }
        }
      }
    }
  }
  return out;
}

}  // namespace cogr::test
