// Helpers for the codec tests: libtiff as the writer of test files and as the second opinion
// (raw block bytes, JPEGTables, its own decode), and comparisons against expected .npy arrays.
#pragma once

#include <gtest/gtest.h>
#include <tiffio.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cogr/codec.hpp"
#include "test_util.hpp"

namespace cogr::test {

/// One stored block of a TIFF with what cogr needs to decode it and libtiff's decode of it.
/// Not copyable: info.jpeg_tables points into jpeg_tables.
struct TiffBlock {
  TiffBlock() = default;
  TiffBlock(const TiffBlock&) = delete;
  TiffBlock& operator=(const TiffBlock&) = delete;

  std::vector<uint8_t> raw;          ///< the block as stored (TIFFReadRawTile/Strip)
  std::vector<uint8_t> jpeg_tables;  ///< JPEGTables tag, may be empty
  std::vector<uint8_t>
      libtiff;  ///< libtiff's decode (JPEG YCbCr converted to RGB); empty on failure
  codec::BlockInfo info;
  uint32_t image_width = 0;
  uint32_t image_height = 0;
  uint32_t block_width = 0;
  uint32_t block_height = 0;  ///< full tile / strip height (info.height is the rows stored)
};

inline void SilenceLibtiff() { TIFFSetWarningHandler(nullptr); }

/// Reads block `index` of the first IFD of `path`; fails the test (returns false) if it can't.
inline bool ReadTiffBlock(const std::string& path, TiffBlock* b, uint32_t index = 0) {
  SilenceLibtiff();
  TIFF* tif = TIFFOpen(path.c_str(), "r");
  EXPECT_NE(tif, nullptr) << path;
  if (tif == nullptr) return false;
  std::unique_ptr<TIFF, void (*)(TIFF*)> closer(tif, TIFFClose);
  uint16_t u16 = 0;
  uint32_t u32 = 0;
  codec::BlockInfo& info = b->info;
  TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &b->image_width);
  TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &b->image_height);
  TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &u16);
  info.compression = u16;
  info.predictor = 1;
  // libtiff only knows the tag for codecs that use it (and complains otherwise).
  if (info.compression == COMPRESSION_LZW || info.compression == COMPRESSION_ADOBE_DEFLATE ||
      info.compression == COMPRESSION_DEFLATE || info.compression == COMPRESSION_ZSTD ||
      info.compression == COMPRESSION_LZMA) {
    TIFFGetFieldDefaulted(tif, TIFFTAG_PREDICTOR, &u16);
    info.predictor = u16;
  }
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &u16);
  info.bits_per_sample = u16;
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &u16);
  info.sample_format = u16;
  uint16_t spp = 1, planar = 1;
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
  info.samples = planar == PLANARCONFIG_SEPARATE ? 1 : spp;
  TIFFGetFieldDefaulted(tif, TIFFTAG_PHOTOMETRIC, &u16);
  info.photometric = u16;
  uint16_t sub_h = 1, sub_v = 1;
  if (info.photometric == PHOTOMETRIC_YCBCR)
    TIFFGetFieldDefaulted(tif, TIFFTAG_YCBCRSUBSAMPLING, &sub_h, &sub_v);
  info.ycbcr_subsampling = {sub_h, sub_v};
  info.big_endian = TIFFIsBigEndian(tif) != 0;
  uint32_t tables_size = 0;
  void* tables = nullptr;
  if (TIFFGetField(tif, TIFFTAG_JPEGTABLES, &tables_size, &tables) && tables_size > 0) {
    const auto* p = static_cast<const uint8_t*>(tables);
    b->jpeg_tables.assign(p, p + tables_size);
  }
  info.jpeg_tables = ByteSpan(b->jpeg_tables.data(), b->jpeg_tables.size());
  if (info.compression == COMPRESSION_LERC) {
    int version = 0, additional = 0;
    TIFFGetField(tif, TIFFTAG_LERC_VERSION, &version);
    TIFFGetField(tif, TIFFTAG_LERC_ADD_COMPRESSION, &additional);
    info.lerc_parameters = {static_cast<uint32_t>(version), static_cast<uint32_t>(additional)};
  }
  if (info.compression == COMPRESSION_JPEG && info.photometric == PHOTOMETRIC_YCBCR) {
    TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
  }

  const bool tiled = TIFFIsTiled(tif) != 0;
  uint64_t* byte_counts = nullptr;
  if (tiled) {
    TIFFGetField(tif, TIFFTAG_TILEWIDTH, &b->block_width);
    TIFFGetField(tif, TIFFTAG_TILELENGTH, &b->block_height);
    TIFFGetField(tif, TIFFTAG_TILEBYTECOUNTS, &byte_counts);
    info.height = b->block_height;
  } else {
    b->block_width = b->image_width;
    TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &u32);
    b->block_height = std::min(u32, b->image_height);
    TIFFGetField(tif, TIFFTAG_STRIPBYTECOUNTS, &byte_counts);
    const uint32_t strips_per_plane = (b->image_height + b->block_height - 1) / b->block_height;
    const uint32_t first_row = (index % strips_per_plane) * b->block_height;
    info.height = std::min(b->block_height, b->image_height - first_row);
  }
  info.width = b->block_width;
  EXPECT_NE(byte_counts, nullptr);
  if (byte_counts == nullptr) return false;
  b->raw.resize(byte_counts[index]);
  const tmsize_t got =
      tiled ? TIFFReadRawTile(tif, index, b->raw.data(), static_cast<tmsize_t>(b->raw.size()))
            : TIFFReadRawStrip(tif, index, b->raw.data(), static_cast<tmsize_t>(b->raw.size()));
  EXPECT_EQ(got, static_cast<tmsize_t>(b->raw.size())) << path;

  const uint64_t size = tiled ? TIFFTileSize64(tif) : TIFFVStripSize64(tif, info.height);
  b->libtiff.resize(size);
  const tmsize_t decoded =
      tiled ? TIFFReadEncodedTile(tif, index, b->libtiff.data(), static_cast<tmsize_t>(size))
            : TIFFReadEncodedStrip(tif, index, b->libtiff.data(), static_cast<tmsize_t>(size));
  if (decoded != static_cast<tmsize_t>(size)) b->libtiff.clear();
  return got == static_cast<tmsize_t>(b->raw.size());
}

/// Pixels and layout of a TIFF that WriteTiff creates with libtiff.
struct TiffSpec {
  uint32_t width = 16;
  uint32_t height = 16;
  uint32_t tile = 16;           ///< tile width = height; 0 writes strips of rows_per_strip rows
  uint32_t rows_per_strip = 0;  ///< for strips
  uint16_t samples = 1;
  uint16_t bits = 8;
  uint16_t sample_format = SAMPLEFORMAT_UINT;
  uint16_t compression = COMPRESSION_NONE;
  uint16_t predictor = PREDICTOR_NONE;
  uint16_t photometric = PHOTOMETRIC_MINISBLACK;
  bool big_endian = false;
  int lerc_additional = -1;     ///< TIFFTAG_LERC_ADD_COMPRESSION when >= 0
  double lerc_max_z_error = 0;  ///< TIFFTAG_LERC_MAXZERROR
  int webp_lossless = -1;       ///< TIFFTAG_WEBP_LOSSLESS when >= 0
};

/// A fresh path under the test temp dir, removed when the test process exits.
inline std::string TempTiffPath(const std::string& stem) {
  // ctest runs each test in its own process, two at a time: the pid keeps their files apart.
  struct Paths {
    std::vector<std::string> made;
    ~Paths() {
      for (const std::string& p : made) std::remove(p.c_str());
    }
  };
  static Paths paths;
  static int counter = 0;
  paths.made.push_back(::testing::TempDir() + "cogr_codec_" + std::to_string(::getpid()) + "_" +
                       stem + "_" + std::to_string(++counter) + ".tif");
  return paths.made.back();
}

/// Writes `pixels` (pixel-interleaved, host order, packed rows for sub-byte depths) as the only
/// image of a new TIFF. Returns the path, or "" (after a test failure) if libtiff refused.
inline std::string WriteTiff(const TiffSpec& s, const std::vector<uint8_t>& pixels,
                             const std::string& stem) {
  SilenceLibtiff();
  const std::string path = TempTiffPath(stem);
  TIFF* tif = TIFFOpen(path.c_str(), s.big_endian ? "wb" : "wl");
  EXPECT_NE(tif, nullptr);
  if (tif == nullptr) return "";
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, s.width);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, s.height);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, s.samples);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, s.bits);
  TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, s.sample_format);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, s.photometric);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, s.compression);
  if (s.predictor != PREDICTOR_NONE) TIFFSetField(tif, TIFFTAG_PREDICTOR, s.predictor);
  if (s.lerc_additional >= 0) TIFFSetField(tif, TIFFTAG_LERC_ADD_COMPRESSION, s.lerc_additional);
  if (s.compression == COMPRESSION_LERC)
    TIFFSetField(tif, TIFFTAG_LERC_MAXZERROR, s.lerc_max_z_error);
  if (s.webp_lossless >= 0) TIFFSetField(tif, TIFFTAG_WEBP_LOSSLESS, s.webp_lossless);
  const uint64_t row_bytes = (uint64_t{s.width} * s.samples * s.bits + 7) / 8;
  bool ok = true;
  if (s.tile != 0) {
    TIFFSetField(tif, TIFFTAG_TILEWIDTH, s.tile);
    TIFFSetField(tif, TIFFTAG_TILELENGTH, s.tile);
    const uint64_t tile_row_bytes = (uint64_t{s.tile} * s.samples * s.bits + 7) / 8;
    std::vector<uint8_t> tile(tile_row_bytes * s.tile);
    for (uint32_t ty = 0; ty < s.height; ty += s.tile) {
      for (uint32_t tx = 0; tx < s.width; tx += s.tile) {
        // Byte-aligned depths only for tiles at offsets; tests keep tiles whole or 8+ bits.
        std::fill(tile.begin(), tile.end(), 0);
        const uint64_t px_bytes = uint64_t{s.samples} * s.bits / 8;
        for (uint32_t y = 0; y < s.tile && ty + y < s.height; ++y) {
          if (s.tile >= s.width && tx == 0) {
            std::memcpy(tile.data() + y * tile_row_bytes, pixels.data() + (ty + y) * row_bytes,
                        row_bytes);
          } else {
            const uint32_t n = std::min(s.tile, s.width - tx);
            std::memcpy(tile.data() + y * tile_row_bytes,
                        pixels.data() + (ty + y) * row_bytes + tx * px_bytes, n * px_bytes);
          }
        }
        ok = ok && TIFFWriteTile(tif, tile.data(), tx, ty, 0, 0) >= 0;
      }
    }
  } else {
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, s.rows_per_strip);
    for (uint32_t y = 0; y < s.height; ++y) {
      std::vector<uint8_t> row(pixels.begin() + static_cast<std::ptrdiff_t>(y * row_bytes),
                               pixels.begin() + static_cast<std::ptrdiff_t>((y + 1) * row_bytes));
      ok = ok && TIFFWriteScanline(tif, row.data(), y, 0) >= 0;
    }
  }
  TIFFClose(tif);
  EXPECT_TRUE(ok) << "libtiff could not write " << path;
  return ok ? path : "";
}

/// Decodes `b` with cogr; fails the test and returns empty on error.
inline std::vector<uint8_t> CogrDecode(const TiffBlock& b) {
  Result<uint64_t> size = codec::DecodedSize(b.info);
  EXPECT_TRUE(size.ok()) << size.status().ToString();
  if (!size.ok()) return {};
  std::vector<uint8_t> out(*size);
  Status st = codec::Decode(b.raw, out, b.info);
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return {};
  return out;
}

/// Sample `i` of a host-order array as a double (dtype from the block info).
inline double SampleAsDouble(const std::vector<uint8_t>& data, size_t i,
                             const codec::BlockInfo& info) {
  const uint32_t bytes = codec::DecodedSampleBytes(info);
  const uint8_t* p = data.data() + i * bytes;
  if (info.sample_format == 3) {
    if (bytes == 4) {
      float f;
      std::memcpy(&f, p, 4);
      return f;
    }
    double d;
    std::memcpy(&d, p, 8);
    return d;
  }
  const bool is_signed = info.sample_format == 2 || info.sample_format == 5;
  switch (bytes) {
    case 1: return is_signed ? static_cast<int8_t>(p[0]) : p[0];
    case 2: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return is_signed ? static_cast<int16_t>(v) : v;
    }
    case 4: {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return is_signed ? static_cast<int32_t>(v) : v;
    }
    default: {
      uint64_t v;
      std::memcpy(&v, p, 8);
      return is_signed ? static_cast<double>(static_cast<int64_t>(v)) : static_cast<double>(v);
    }
  }
}

/// Value `i` of an .npy array (little-endian numbers: |u1 <u2 <i2 <f4 <f8).
inline double NpyValue(const Npy& npy, size_t i) {
  const std::string& d = npy.descr;
  const uint8_t* p = npy.data.data();
  if (d == "|u1") return p[i];
  if (d == "|i1") return static_cast<int8_t>(p[i]);
  if (d == "<u2") {
    uint16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  }
  if (d == "<i2") {
    int16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  }
  if (d == "<u4") {
    uint32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  if (d == "<i4") {
    int32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  if (d == "<f4") {
    float v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  if (d == "<f8") {
    double v;
    std::memcpy(&v, p + 8 * i, 8);
    return v;
  }
  ADD_FAILURE() << "descr " << d;
  return 0;
}

/// Compares sample 0 (band 1) of each pixel of the block with the top-left of the expected
/// full_b1 array (1, H, W): |diff| <= atol everywhere and mean |diff| <= max_mean (NaN == NaN).
/// Complex .npy data ("<c8") is compared on the real part. Returns the number of pixels compared.
/// (x0, y0) is the block's top-left pixel in the image.
inline size_t ExpectBlockMatchesNpy(const std::vector<uint8_t>& decoded, const TiffBlock& b,
                                    const std::string& npy_name, double atol, double max_mean,
                                    uint64_t x0 = 0, uint64_t y0 = 0) {
  Npy npy = LoadNpy(DataPath(npy_name));
  EXPECT_TRUE(npy.ok) << npy_name << ": " << npy.error;
  if (!npy.ok || npy.shape.size() != 3) return 0;
  const uint64_t h = npy.shape[1], w = npy.shape[2];
  EXPECT_EQ(w, b.image_width);
  EXPECT_EQ(h, b.image_height);
  const bool complex64 = npy.descr == "<c8";
  const uint32_t comps = (b.info.sample_format == 5 || b.info.sample_format == 6) ? 2 : 1;
  codec::BlockInfo part = b.info;  // per-component view for complex data
  if (comps == 2) {
    part.sample_format = b.info.sample_format == 5 ? 2 : 3;
    part.bits_per_sample = static_cast<uint16_t>(b.info.bits_per_sample / 2);
  }
  EXPECT_LT(x0, w);
  EXPECT_LT(y0, h);
  if (x0 >= w || y0 >= h) return 0;
  const uint64_t rows = std::min<uint64_t>(b.info.height, h - y0),
                 cols = std::min<uint64_t>(b.info.width, w - x0);
  double sum = 0;
  size_t n = 0, bad = 0;
  for (uint64_t y = 0; y < rows; ++y) {
    for (uint64_t x = 0; x < cols; ++x) {
      const size_t got_index = ((y * b.info.width + x) * b.info.samples) * comps;
      const double got = SampleAsDouble(decoded, got_index, part);
      double want;
      if (complex64) {
        float re;
        std::memcpy(&re, npy.data.data() + 8 * ((y0 + y) * w + x0 + x), 4);
        want = re;
      } else {
        want = NpyValue(npy, (y0 + y) * w + x0 + x);
      }
      ++n;
      if (std::isnan(want) || std::isnan(got)) {
        if (std::isnan(want) != std::isnan(got) && ++bad <= 5) {
          ADD_FAILURE() << npy_name << " (" << x0 + x << ", " << y0 + y << "): got " << got
                        << ", want " << want;
        }
        continue;
      }
      const double diff = std::fabs(got - want);
      sum += diff;
      if (diff > atol && ++bad <= 5) {
        ADD_FAILURE() << npy_name << " (" << x0 + x << ", " << y0 + y << "): got " << got
                      << ", want " << want;
      }
    }
  }
  EXPECT_EQ(bad, 0u) << npy_name;
  EXPECT_LE(n == 0 ? 0 : sum / static_cast<double>(n), max_mean) << npy_name;
  return n;
}

/// Number of blocks in the first IFD of `path` (tiles or strips), 0 on failure.
inline uint32_t CountBlocks(const std::string& path) {
  SilenceLibtiff();
  TIFF* tif = TIFFOpen(path.c_str(), "r");
  if (tif == nullptr) return 0;
  const uint32_t n = TIFFIsTiled(tif) ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
  TIFFClose(tif);
  return n;
}

/// Top-left pixel of block `index` (chunky layout): tiles row by row, strips top to bottom.
inline std::pair<uint64_t, uint64_t> BlockOrigin(const TiffBlock& b, uint32_t index) {
  const uint64_t across = (b.image_width + b.block_width - 1) / b.block_width;
  return {(index % across) * b.block_width, (index / across) * b.block_height};
}

}  // namespace cogr::test
