// The block reader on blocks libtiff decodes together: band-interleaved images it converts to
// RGBA (CMYK, PlanarConfiguration 2), where one job per block position fetches every plane's
// block (remote reads coalesce those fetches like any others, limits apply to the planes' sum,
// a bad plane is an error naming the file), and old-style JPEG strips, decoded from strip 0. Pixels are compared with rasterio's recordings (tests/data/longtail, see
// scripts/make_longtail_fixtures.py) and with libtiff's own RGBA reader as a second opinion.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <tiffio.h>

#include "cogr/dataset.hpp"
#include "cogr/io.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("cogr_block_reader_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

// An uncompressed band-interleaved CMYK(+alpha) image of size x size pixels, strips of `rps`
// rows, pixels from a fixed pseudo-random sequence.
std::string WriteUncompressedCmyk(const std::string& name, uint16_t samples, uint32_t size = 16,
                                  uint32_t rps = 16) {
  const std::string path = TempPath(name);
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  if (tif == nullptr) return "";
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, size);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, size);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, samples);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_SEPARATED);
  TIFFSetField(tif, TIFFTAG_INKSET, INKSET_CMYK);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_SEPARATE);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rps);
  if (samples == 5) {
    const uint16_t extra = EXTRASAMPLE_UNASSALPHA;
    TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, &extra);
  }
  std::vector<uint8_t> row(size);
  uint32_t seed = 7;
  for (uint16_t p = 0; p < samples; ++p) {
    for (uint32_t y = 0; y < size; ++y) {
      for (uint8_t& v : row) {
        seed = seed * 1664525u + 1013904223u;
        v = static_cast<uint8_t>(seed >> 24);
      }
      if (TIFFWriteScanline(tif, row.data(), y, p) != 1) return "";
    }
  }
  TIFFClose(tif);
  return path;
}

// libtiff's RGBA reader on the file itself, in cogr's (bands, height, width) uint8 layout.
std::vector<uint8_t> LibtiffRgba(const std::string& path, uint32_t width, uint32_t height) {
  std::vector<uint32_t> rgba(size_t{width} * height);
  TIFF* tif = TIFFOpen(path.c_str(), "r");
  if (tif == nullptr) return {};
  const int ok = TIFFReadRGBAImageOriented(tif, width, height, rgba.data(), ORIENTATION_TOPLEFT, 1);
  TIFFClose(tif);
  if (ok != 1) return {};
  std::vector<uint8_t> out(4 * rgba.size());
  for (size_t i = 0; i < rgba.size(); ++i) {
    out[i] = static_cast<uint8_t>(TIFFGetR(rgba[i]));
    out[rgba.size() + i] = static_cast<uint8_t>(TIFFGetG(rgba[i]));
    out[2 * rgba.size() + i] = static_cast<uint8_t>(TIFFGetB(rgba[i]));
    out[3 * rgba.size() + i] = static_cast<uint8_t>(TIFFGetA(rgba[i]));
  }
  return out;
}

// Rows [row0, row1) of every band of a (bands, height, width) uint8 array.
std::vector<uint8_t> Rows(const std::vector<uint8_t>& a, uint64_t bands, uint64_t height,
                          uint64_t width, uint64_t row0, uint64_t row1) {
  std::vector<uint8_t> out;
  for (uint64_t b = 0; b < bands; ++b) {
    out.insert(out.end(), a.begin() + static_cast<ptrdiff_t>((b * height + row0) * width),
               a.begin() + static_cast<ptrdiff_t>((b * height + row1) * width));
  }
  return out;
}

TEST(BlockReaderJoinedPlanes, RemoteReadFetchesEveryPlaneInCoalescedRequests) {
  if (!test::HaveHttp()) GTEST_SKIP() << "cogr built without http support";
  // 256 x 256, 4 planes of 4 strips of 64 rows (16 KiB each): plane p's strip s is entry
  // p * 4 + s, and the planes lie 64 KiB apart.
  const std::string path = WriteUncompressedCmyk("remote.tif", 4, 256, 64);
  ASSERT_FALSE(path.empty());
  const std::vector<uint8_t> expected = LibtiffRgba(path, 256, 256);
  ASSERT_EQ(expected.size(), 4u * 256 * 256);
  test::NginxServer nginx;
  const std::filesystem::path file(path);
  if (!nginx.Start("    location /tmp/ { alias " + file.parent_path().string() + "/; }\n"))
    FAIL() << nginx.error();
  const std::string url = nginx.Url("tmp/" + file.filename().string());

  for (uint64_t hole : {uint64_t{0}, uint64_t{1} << 20}) {
    OpenOptions o;
    o.block_cache_bytes = 0;     // every read fetches
    o.header_read_bytes = 1024;  // the header only: no strip comes with it
    o.io.memory_header_cache = false;
    o.io.persisted_header_cache = false;
    o.io.hole_size_limit = hole;
    o.io.max_ranges_per_request = 1;  // one request per coalesced run
    auto ds = Dataset::Open(url, o);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ASSERT_EQ((*ds)->count(), 4);
    const tiff::Ifd& ifd = (*ds)->tiff().ifds[0];
    ASSERT_EQ(ifd.planar_config(), 2);
    ASSERT_EQ(ifd.block_offsets().size(), 16u);

    // Whole image: all 16 strips, written one after the other.
    std::vector<ByteRange> all;
    for (size_t k = 0; k < 16; ++k)
      all.push_back({ifd.block_offsets()[k], ifd.block_byte_counts()[k]});
    EXPECT_EQ(test::CoalescedRuns(all, hole), 1u);
    size_t before = nginx.RequestCount();
    auto a = (*ds)->Read(ReadOptions{});
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(nginx.RequestCount() - before, 1u) << "hole " << hole;
    EXPECT_TRUE(a->data == expected);

    // Rows [192, 256): the last strip of each plane, four ranges 48 KiB apart.
    std::vector<ByteRange> last;
    for (size_t p = 0; p < 4; ++p)
      last.push_back({ifd.block_offsets()[p * 4 + 3], ifd.block_byte_counts()[p * 4 + 3]});
    const size_t runs = test::CoalescedRuns(last, hole);
    EXPECT_EQ(runs, hole == 0 ? 4u : 1u);
    ReadOptions window;
    window.window = geo::Window{0, 192, 256, 64};
    before = nginx.RequestCount();
    auto w = (*ds)->Read(window);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_EQ(nginx.RequestCount() - before, runs) << "hole " << hole;
    EXPECT_TRUE(w->data == Rows(expected, 4, 256, 256, 192, 256));
  }
  std::remove(path.c_str());
}

TEST(BlockReaderJoinedPlanes, LimitsApplyToThePlanesSumAndPixelsAreLibtiffs) {
  // 4 planes of 256 bytes: 1024 bytes, as much as the decoded RGBA block.
  const std::string four = WriteUncompressedCmyk("four.tif", 4);
  const std::string five = WriteUncompressedCmyk("five.tif", 5);
  ASSERT_FALSE(four.empty());
  ASSERT_FALSE(five.empty());
  OpenOptions o;
  o.limits.max_block_bytes = 1024;
  o.block_cache_bytes = 0;
  auto ds = Dataset::Open(four, o);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  auto a = (*ds)->Read(ReadOptions{});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->data == LibtiffRgba(four, 16, 16));  // libtiff's RGBA reader as second opinion

  // 5 planes: 1280 bytes to fetch for one block > max_block_bytes, refused before any fetch.
  auto ds5 = Dataset::Open(five, o);
  ASSERT_TRUE(ds5.ok()) << ds5.status().ToString();
  auto b = (*ds5)->Read(ReadOptions{});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kLimitExceeded) << b.status().message();
  EXPECT_NE(
      b.status().message().find("block 0 has 1280 bytes in its 5 planes > max_block_bytes 1024"),
      std::string::npos)
      << b.status().message();
  EXPECT_EQ(b.status().message().rfind(five, 0), 0u) << b.status().message();
  std::remove(four.c_str());
  std::remove(five.c_str());
}

// A JPEG-compressed pixel-interleaved CMYK image (strips of 16 rows) is decoded through
// libtiff's RGBA interface in whole blocks; reads without a block cache, which decode JPEG a band
// of rows at a time, must not hand over the stored CMYK samples as RGBA (found by the
// decode_jpeg fuzzer, fuzz/regressions/wrong-answer/decode_jpeg-rgba-rows).
// A JPEG-compressed pixel-interleaved CMYK image of 64 x 64 pixels in strips of 16 rows.
std::string WriteJpegCmyk(const std::string& name) {
  const std::string path = TempPath(name);
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  if (tif == nullptr) return "";
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 64);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 64);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 4);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_SEPARATED);
  TIFFSetField(tif, TIFFTAG_INKSET, INKSET_CMYK);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 16);
  std::vector<uint8_t> row(64 * 4);
  for (uint32_t y = 0; y < 64; ++y) {
    for (uint32_t x = 0; x < 64; ++x) {
      row[4 * x] = static_cast<uint8_t>(4 * x);
      row[4 * x + 1] = static_cast<uint8_t>(4 * y);
      row[4 * x + 2] = static_cast<uint8_t>(x + y);
      row[4 * x + 3] = static_cast<uint8_t>(x < 32 ? 0 : 60);
    }
    if (TIFFWriteScanline(tif, row.data(), y, 0) != 1) return "";
  }
  TIFFClose(tif);
  return path;
}

TEST(BlockReaderRgba, JpegCmykReadsLibtiffRgbaWithAndWithoutBlockCache) {
  const std::string path = WriteJpegCmyk("jpeg_cmyk.tif");
  ASSERT_FALSE(path.empty());
  const std::vector<uint8_t> expected = LibtiffRgba(path, 64, 64);
  ASSERT_EQ(expected.size(), 4u * 64 * 64);
  for (uint64_t cache : {uint64_t{0}, uint64_t{64} << 20}) {
    OpenOptions o;
    o.block_cache_bytes = cache;
    auto ds = Dataset::Open(path, o);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ASSERT_EQ((*ds)->count(), 4);
    auto a = (*ds)->Read(ReadOptions{});
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_TRUE(a->data == expected) << "cache " << cache;
    ReadOptions window;
    window.window = geo::Window{0, 20, 64, 30};
    auto w = (*ds)->Read(window);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_TRUE(w->data == Rows(expected, 4, 64, 64, 20, 50)) << "cache " << cache;
  }
  std::remove(path.c_str());
}

// libjpeg makes pixels up after a bad Huffman code; through libtiff's RGBA interface too, the
// read fails instead, naming the file and the block.
TEST(BlockReaderRgba, JpegCmykWithACorruptStripIsInvalidFile) {
  const std::string path = WriteJpegCmyk("jpeg_cmyk_corrupt.tif");
  ASSERT_FALSE(path.empty());
  std::vector<uint8_t> bytes = test::ReadFileBytes(path);
  {
    auto ds = Dataset::Open(path);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    const tiff::Ifd& ifd = (*ds)->tiff().ifds[0];
    ASSERT_EQ(ifd.block_offsets().size(), 4u);
    // Stuffed 0xFF bytes (all-ones bits) in the middle of strip 2's scan.
    const uint64_t at = ifd.block_offsets()[2] + ifd.block_byte_counts()[2] / 2;
    ASSERT_LT(at + 24, bytes.size());
    for (uint64_t i = 0; i < 24; i += 2) {
      bytes[at + i] = 0xFF;
      bytes[at + i + 1] = 0x00;
    }
  }
  WriteBytes(path, bytes);
  for (uint64_t cache : {uint64_t{0}, uint64_t{64} << 20}) {
    OpenOptions o;
    o.block_cache_bytes = cache;
    auto ds = Dataset::Open(path, o);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    auto a = (*ds)->Read(ReadOptions{});
    ASSERT_FALSE(a.ok()) << "cache " << cache;
    EXPECT_EQ(a.status().code(), Code::kInvalidFile) << a.status().message();
    EXPECT_EQ(a.status().message(),
              path +
                  ": block 2 of IFD 0: jpeg (libtiff RGBA): corrupt block (JPEGLib: Corrupt JPEG "
                  "data: bad Huffman code)");
    ReadOptions top;
    top.window = geo::Window{0, 0, 64, 32};  // strips 0 and 1 only
    EXPECT_TRUE((*ds)->Read(top).ok()) << "cache " << cache;
  }
  std::remove(path.c_str());
}

// A copy of tests/data/longtail/<name> (little-endian classic TIFF) with StripByteCounts value
// `index` set to `count`; empty if the tag is not there with `type` (3 SHORT, 4 LONG) and `n`
// values stored out of line.
std::string WithStripByteCount(const std::string& name, uint16_t type, uint32_t n, uint32_t index,
                               uint32_t count) {
  std::vector<uint8_t> bytes = test::ReadFileBytes(test::DataPath("longtail/" + name));
  auto u16 = [&](size_t at) { return static_cast<uint32_t>(bytes[at] | bytes[at + 1] << 8); };
  auto u32 = [&](size_t at) { return u16(at) | u16(at + 2) << 16; };
  if (bytes.size() < 8 || bytes[0] != 'I') return "";
  const size_t ifd = u32(4);
  for (uint32_t i = 0; i < u16(ifd); ++i) {
    const size_t e = ifd + 2 + 12 * i;
    if (u16(e) != 279 || u16(e + 2) != type || u32(e + 4) != n) continue;
    const size_t at = u32(e + 8) + (type == 3 ? 2u : 4u) * index;
    for (uint32_t k = 0; k < (type == 3 ? 2u : 4u); ++k)
      bytes[at + k] = static_cast<uint8_t>(count >> (8 * k));
    const std::string path =
        TempPath(std::to_string(index) + "_" + std::to_string(count) + "_" + name);
    WriteBytes(path, bytes);
    return path;
  }
  return "";
}

TEST(BlockReaderJoinedPlanes, ShortOrMissingPlaneIsInvalidFileNamingTheFile) {
  // cmyk_band.tif: one deflate strip per plane, byte counts 50 63 106 584 as SHORTs. Plane 2's
  // stream cut from 106 to 40 bytes: libtiff's decoder fails on it.
  const std::string short_plane = WithStripByteCount("cmyk_band.tif", 3, 4, 2, 40);
  ASSERT_FALSE(short_plane.empty());
  auto ds = Dataset::Open(short_plane);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  auto a = (*ds)->Read(ReadOptions{});
  std::remove(short_plane.c_str());
  ASSERT_FALSE(a.ok()) << "a short plane read OK";
  EXPECT_EQ(a.status().code(), Code::kInvalidFile) << a.status().message();
  const std::string& m = a.status().message();
  EXPECT_EQ(m.rfind(short_plane, 0), 0u) << m;
  EXPECT_NE(m.find("block 0 of IFD 0"), std::string::npos) << m;
  EXPECT_NE(m.find("deflate (libtiff RGBA)"), std::string::npos) << m;

  // Plane 1 without bytes while the others have some.
  const std::string missing = WithStripByteCount("cmyk_band.tif", 3, 4, 1, 0);
  ASSERT_FALSE(missing.empty());
  auto ds2 = Dataset::Open(missing);
  ASSERT_TRUE(ds2.ok()) << ds2.status().ToString();
  auto b = (*ds2)->Read(ReadOptions{});
  std::remove(missing.c_str());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kInvalidFile) << b.status().message();
  EXPECT_EQ(b.status().message().rfind(missing, 0), 0u) << b.status().message();
  EXPECT_NE(b.status().message().find("block 0 of IFD 0: 1 of its 4 planes have no bytes"),
            std::string::npos)
      << b.status().message();
}

// Old-style JPEG in several strips: libtiff reads strip k as part of the image's one JPEG
// stream, decoding strips 0..k-1 first. A window of the last strip alone gives rasterio's rows;
// a stream whose JPEGInterchangeFormat also covers the scan (no restart markers) reads strip 0
// and fails from strip 1 on, as in GDAL.
TEST(BlockReaderOjpegStrips, WindowsDecodeFromTheFirstStripAsLibtiffDoes) {
  const test::Npy npy =
      test::LoadNpy(test::DataPath("longtail/ojpeg_ycbcr22_whole_jif_rst_strips.r0.npy"));
  ASSERT_TRUE(npy.ok) << npy.error;
  ASSERT_EQ(npy.shape, (std::vector<uint64_t>{3, 48, 48}));
  for (const char* name :
       {"ojpeg_ycbcr22_whole_jif_rst_strips.tif", "ojpeg_ycbcr22_jif_strips.tif"}) {
    OpenOptions o;
    o.block_cache_bytes = 0;
    auto ds = Dataset::Open(test::DataPath(std::string("longtail/") + name), o);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    for (uint64_t row0 : {0u, 16u, 32u, 20u}) {
      ReadOptions window;
      window.window = geo::Window{0, static_cast<double>(row0), 48, static_cast<double>(48 - row0)};
      auto a = (*ds)->Read(window);
      ASSERT_TRUE(a.ok()) << name << " " << row0 << ": " << a.status().ToString();
      EXPECT_TRUE(a->data == Rows(npy.data, 3, 48, 48, row0, 48)) << name << " rows from " << row0;
    }
  }
  const std::string broken = test::DataPath("longtail/ojpeg_ycbcr22_strips_norst_whole_jif.tif");
  auto ds = Dataset::Open(broken);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ReadOptions first;
  first.window = geo::Window{0, 0, 48, 16};
  EXPECT_TRUE((*ds)->Read(first).ok());
  ReadOptions second;
  second.window = geo::Window{0, 16, 48, 16};
  auto b = (*ds)->Read(second);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kInvalidFile) << b.status().message();
  EXPECT_EQ(b.status().message().rfind(broken, 0), 0u) << b.status().message();
  EXPECT_NE(b.status().message().find("ojpeg: corrupt block"), std::string::npos)
      << b.status().message();
}

// Strip 0..k of a window are one job: a missing strip before the window is an error.
TEST(BlockReaderOjpegStrips, MissingEarlierStripIsInvalidFile) {
  // Strip 1 of 3 (LONG byte counts) without bytes.
  const std::string path = WithStripByteCount("ojpeg_ycbcr22_whole_jif_rst_strips.tif", 4, 3, 1, 0);
  ASSERT_FALSE(path.empty());
  auto ds = Dataset::Open(path);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ReadOptions last;
  last.window = geo::Window{0, 32, 48, 16};
  auto a = (*ds)->Read(last);
  std::remove(path.c_str());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Code::kInvalidFile) << a.status().message();
  EXPECT_EQ(a.status().message().rfind(path, 0), 0u) << a.status().message();
  EXPECT_NE(a.status().message().find("block 2 of IFD 0: 1 of its 3 strips have no bytes"),
            std::string::npos)
      << a.status().message();
}

}  // namespace
}  // namespace cogr
