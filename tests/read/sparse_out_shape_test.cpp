// out_shape reads of sparse images (tiles without bytes): chunks whose blocks are all sparse are
// neither read nor convolved (zeros resample to zeros, all nodata is nodata). The oracle
// is the same image with those tiles written as real zero tiles, which takes the full path.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <tiffio.h>

#include "cogr/dataset.hpp"

namespace cogr {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("cogr_sparse_out_shape_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

// A size² float32 or uint8 image in deflate tiles of tile²; tiles with (col + 2 row) % 5 != 0
// in the bottom half hold a pattern, the others are left unwritten (sparse) or, with `dense`,
// written with `fill`. With `nodata`, GDAL_NODATA is set to it.
std::string WriteImage(const std::string& name, uint32_t size, uint32_t tile_size, bool float32,
                       bool dense, double fill, const char* nodata = nullptr) {
  const uint32_t kSize = size, kTile = tile_size;
  const std::string path = TempPath(name);
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  if (tif == nullptr) return "";
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, kSize);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, kSize);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, float32 ? 32 : 8);
  TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, float32 ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
  TIFFSetField(tif, TIFFTAG_TILEWIDTH, kTile);
  TIFFSetField(tif, TIFFTAG_TILELENGTH, kTile);
  if (nodata != nullptr) {
    // GDAL_NODATA, an ASCII tag libtiff does not know.
    static const TIFFFieldInfo kGdalNodata[] = {
        {42113, -1, -1, TIFF_ASCII, FIELD_CUSTOM, 1, 0, const_cast<char*>("GDALNoDataValue")}};
    TIFFMergeFieldInfo(tif, kGdalNodata, 1);
    TIFFSetField(tif, 42113, nodata);
  }
  const size_t sb = float32 ? 4 : 1;
  std::vector<uint8_t> tile(size_t{kTile} * kTile * sb);
  for (uint32_t row = 0; row < kSize / kTile; ++row) {
    for (uint32_t col = 0; col < kSize / kTile; ++col) {
      const bool data = (col + 2 * row) % 5 != 0 && row >= kSize / kTile / 2;
      if (!data && !dense) continue;
      for (uint32_t y = 0; y < kTile; ++y) {
        for (uint32_t x = 0; x < kTile; ++x) {
          const double v =
              data ? static_cast<double>((x * 7 + y * 3 + col * 11 + row) % 251) : fill;
          const size_t i = size_t{y} * kTile + x;
          if (float32) {
            const float f = static_cast<float>(v);
            std::memcpy(tile.data() + 4 * i, &f, 4);
          } else {
            tile[i] = static_cast<uint8_t>(v);
          }
        }
      }
      if (TIFFWriteEncodedTile(tif, TIFFComputeTile(tif, col * kTile, row * kTile, 0, 0),
                               tile.data(), static_cast<tmsize_t>(tile.size())) < 0) {
        TIFFClose(tif);
        return "";
      }
    }
  }
  TIFFClose(tif);
  return path;
}

void ExpectSameReads(const std::string& sparse, const std::string& dense,
                     const std::vector<Resampling>& methods,
                     const std::vector<std::pair<uint64_t, uint64_t>>& shapes) {
  auto a = Dataset::Open(sparse);
  auto b = Dataset::Open(dense);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  for (Resampling r : methods) {
    for (auto shape : shapes) {
      for (const std::optional<geo::Window> window :
           {std::optional<geo::Window>{},
            std::optional<geo::Window>{geo::Window{0, 0, 500, 900}}}) {
        ReadOptions o;
        o.out_shape = shape;
        o.resampling = r;
        o.window = window;
        auto x = (*a)->Read(o);
        auto y = (*b)->Read(o);
        ASSERT_TRUE(x.ok()) << x.status().ToString();
        ASSERT_TRUE(y.ok()) << y.status().ToString();
        EXPECT_TRUE(x->data == y->data) << ResamplingName(r) << " " << shape.first << "x"
                                        << shape.second << (window ? " window" : " whole");
      }
    }
  }
}

const std::vector<Resampling> kAll = {Resampling::kNearest, Resampling::kBilinear,
                                      Resampling::kCubic,   Resampling::kAverage,
                                      Resampling::kMode,    Resampling::kMax};
const std::vector<std::pair<uint64_t, uint64_t>> kShapes = {{37, 41}, {8, 8}, {300, 200}};

TEST(SparseOutShape, ReadsAsTheImageWithZeroTilesWritten) {
  for (bool float32 : {false, true}) {
    SCOPED_TRACE(float32 ? "float32" : "uint8");
    const std::string sparse = WriteImage("sparse.tif", 1024, 128, float32, false, 0);
    const std::string dense = WriteImage("dense.tif", 1024, 128, float32, true, 0);
    ASSERT_FALSE(sparse.empty());
    ASSERT_FALSE(dense.empty());
    ExpectSameReads(sparse, dense, kAll, kShapes);
    std::remove(sparse.c_str());
    std::remove(dense.c_str());
  }
}

// With nodata, sparse tiles read as nodata, and resample as the image with nodata tiles: chunks
// all sparse are nodata without being read when the nodata value masks itself (float32 -9999,
// uint8 0 and 7); uint8 1.5 matches no value (sparse tiles read as 1, valid) and takes the
// full path.
TEST(SparseOutShape, WithNodataReadsAsTheImageWithNodataTilesWritten) {
  struct Case {
    bool float32;
    const char* nodata;
    double fill;
  };
  for (const Case& c : {Case{true, "-9999", -9999}, Case{false, "0", 0}, Case{false, "7", 7},
                        Case{false, "1.5", 1}}) {
    SCOPED_TRACE(std::string(c.float32 ? "float32 " : "uint8 ") + c.nodata);
    const std::string sparse =
        WriteImage("sparse_nd.tif", 1024, 128, c.float32, false, c.fill, c.nodata);
    const std::string dense =
        WriteImage("dense_nd.tif", 1024, 128, c.float32, true, c.fill, c.nodata);
    ASSERT_FALSE(sparse.empty());
    ASSERT_FALSE(dense.empty());
    auto ds = Dataset::Open(sparse);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ASSERT_EQ((*ds)->nodata(), std::optional<double>(std::stod(c.nodata)));
    ExpectSameReads(sparse, dense, kAll, kShapes);
    std::remove(sparse.c_str());
    std::remove(dense.c_str());
  }
}

// 8192² pixels: the resampler works in chunks of at most 16 M source pixels, and the chunks of
// the sparse top half are skipped (a sparse image's thumbnail costs its block tables).
TEST(SparseOutShape, SkippedChunksReadAsZeroTiles) {
  const std::string sparse = WriteImage("big_sparse.tif", 8192, 512, false, false, 0);
  const std::string dense = WriteImage("big_dense.tif", 8192, 512, false, true, 0);
  ASSERT_FALSE(sparse.empty());
  ASSERT_FALSE(dense.empty());
  ExpectSameReads(sparse, dense, {Resampling::kBilinear, Resampling::kAverage},
                  {{37, 41}, {300, 200}});
  std::remove(sparse.c_str());
  std::remove(dense.c_str());
}

TEST(SparseOutShape, SkippedNodataChunksReadAsNodataTiles) {
  const std::string sparse = WriteImage("big_sparse_nd.tif", 8192, 512, false, false, 9, "9");
  const std::string dense = WriteImage("big_dense_nd.tif", 8192, 512, false, true, 9, "9");
  ASSERT_FALSE(sparse.empty());
  ASSERT_FALSE(dense.empty());
  ExpectSameReads(sparse, dense, {Resampling::kBilinear, Resampling::kAverage, Resampling::kMode},
                  {{37, 41}, {300, 200}});
  std::remove(sparse.c_str());
  std::remove(dense.c_str());
}

}  // namespace
}  // namespace cogr
