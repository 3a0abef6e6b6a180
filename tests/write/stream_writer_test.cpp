// StreamWriter: rows in any chunking must give byte for byte the file WriteGeoTiff writes from
// the whole array (overviews included), and failures must leave nothing behind.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "cogr/dataset.hpp"
#include "cogr/write.hpp"
#include "test_util.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

using write::Compression;
using write::Interleave;
using write::OverviewResampling;
using write::Profile;

// Rows [row0, row0 + n) of a (bands, h, w) array.
Array Rows(const Array& a, uint64_t row0, uint64_t n) {
  Array r;
  r.dtype = a.dtype;
  r.bands = a.bands;
  r.height = n;
  r.width = a.width;
  const size_t row_bytes = a.width * a.sample_bytes();
  r.data.resize(a.bands * n * row_bytes);
  for (uint64_t b = 0; b < a.bands; ++b) {
    std::memcpy(r.data.data() + b * n * row_bytes,
                a.data.data() + (b * a.height + row0) * row_bytes, n * row_bytes);
  }
  return r;
}

void ExpectSameFile(const Profile& p, uint64_t chunk, const std::string& name) {
  test::ScratchDir dir("stream_" + name);
  const Array data =
      test::MakeArray(p.dtype, static_cast<uint64_t>(p.count), p.height, p.width, 11);
  ASSERT_TRUE(write::WriteGeoTiff(dir.File("whole.tif"), p, data).ok()) << name;
  auto writer = write::StreamWriter::Create(dir.File("stream.tif"), p);
  ASSERT_TRUE(writer.ok()) << name << ": " << writer.status().ToString();
  for (uint64_t row = 0; row < p.height; row += chunk) {
    const uint64_t n = std::min<uint64_t>(chunk, p.height - row);
    Status st = (*writer)->WriteRows(Rows(data, row, n));
    ASSERT_TRUE(st.ok()) << name << ": " << st.ToString();
  }
  EXPECT_EQ((*writer)->rows_written(), p.height);
  Status st = (*writer)->Close();
  ASSERT_TRUE(st.ok()) << name << ": " << st.ToString();
  const auto whole = test::ReadFileBytes(dir.File("whole.tif"));
  EXPECT_FALSE(whole.empty());
  EXPECT_TRUE(whole == test::ReadFileBytes(dir.File("stream.tif"))) << name;
  EXPECT_EQ(dir.Entries(), (std::vector<std::string>{"stream.tif", "whole.tif"})) << name;
}

Profile MakeProfile(DataType dtype, int count, uint64_t h, uint64_t w) {
  Profile p;
  p.width = w;
  p.height = h;
  p.count = count;
  p.dtype = dtype;
  p.crs_epsg = 4326;
  p.transform = geo::Affine{0.01, 0, -70, 0, -0.01, 45};
  return p;
}

TEST(WriteStream, SameBytesAsWholeArrayWriter) {
  Profile p = MakeProfile(DataType::kUInt16, 3, 75, 100);
  p.blockxsize = p.blockysize = 32;
  p.compress = Compression::kDeflate;
  p.predictor = 2;
  p.nodata = 0;
  p.overviews = {2, 4, 8};
  p.overview_resampling = OverviewResampling::kAverage;
  ExpectSameFile(p, 7, "u16_avg");
  ExpectSameFile(p, 75, "u16_avg_one_call");

  p = MakeProfile(DataType::kFloat32, 2, 45, 70);
  p.blockxsize = 32;
  p.blockysize = 16;
  p.interleave = Interleave::kBand;
  p.compress = Compression::kZstd;
  p.predictor = 3;
  p.overviews = {2, 3, 5};  // factors that do not divide the size: nearest's fractional ratio
  p.overview_resampling = OverviewResampling::kNearest;
  ExpectSameFile(p, 1, "f32_nearest");

  p = MakeProfile(DataType::kInt8, 2, 23, 19);
  p.tiled = false;
  p.blockysize = 5;
  p.compress = Compression::kLzw;
  p.predictor = 2;
  ExpectSameFile(p, 11, "i8_strips");

  p = MakeProfile(DataType::kCFloat32, 1, 40, 33);
  p.blockxsize = p.blockysize = 16;
  p.overviews = {2};
  p.overview_resampling = OverviewResampling::kAverage;
  ExpectSameFile(p, 9, "c64_avg");

  // Overview factors larger than the image.
  p = MakeProfile(DataType::kUInt8, 1, 10, 12);
  p.blockxsize = p.blockysize = 16;
  p.overviews = {4, 16};
  p.overview_resampling = OverviewResampling::kAverage;
  ExpectSameFile(p, 3, "u8_tiny_avg");
  p.overview_resampling = OverviewResampling::kNearest;
  p.bigtiff = write::BigTiff::kYes;
  ExpectSameFile(p, 4, "u8_tiny_nearest_big");
}

TEST(WriteStream, BadRowsAreRejectedAndTheWriterGoesOn) {
  test::ScratchDir dir("stream_bad");
  Profile p = MakeProfile(DataType::kUInt8, 1, 20, 16);
  const Array data = test::MakeArray(DataType::kUInt8, 1, 20, 16);
  auto writer = write::StreamWriter::Create(dir.File("s.tif"), p);
  ASSERT_TRUE(writer.ok());
  Status st = (*writer)->WriteRows(test::MakeArray(DataType::kUInt16, 1, 2, 16));
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.message(),
            dir.File("s.tif") + ": rows of dtype uint16 for a profile of dtype uint8");
  st = (*writer)->WriteRows(test::MakeArray(DataType::kUInt8, 1, 2, 15));
  EXPECT_EQ(st.message(), dir.File("s.tif") +
                              ": rows of shape (1, 2, 15) with 30 bytes, expected (1, n >= 1, 16)");
  ASSERT_TRUE((*writer)->WriteRows(Rows(data, 0, 15)).ok());
  st = (*writer)->WriteRows(Rows(data, 0, 6));
  EXPECT_EQ(st.message(), dir.File("s.tif") + ": 6 rows given, only 5 of 20 remain");
  ASSERT_TRUE((*writer)->WriteRows(Rows(data, 15, 5)).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto back = Dataset::Open(dir.File("s.tif"));
  ASSERT_TRUE(back.ok());
  auto pixels = (*back)->Read();
  ASSERT_TRUE(pixels.ok());
  EXPECT_EQ(test::FirstDifference(*pixels, data), -1);
}

TEST(WriteStream, IncompleteOrAbandonedWritesLeaveNoFile) {
  test::ScratchDir dir("stream_abandon");
  Profile p = MakeProfile(DataType::kUInt8, 1, 20, 16);
  const Array data = test::MakeArray(DataType::kUInt8, 1, 20, 16);
  {
    auto writer = write::StreamWriter::Create(dir.File("a.tif"), p);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->WriteRows(Rows(data, 0, 10)).ok());
    // The scratch file has no name: nothing in the directory even while writing.
    EXPECT_TRUE(dir.Entries().empty());
    Status st = (*writer)->Close();
    EXPECT_EQ(st.code(), Code::kInvalidArgument);
    EXPECT_EQ(st.message(), dir.File("a.tif") + ": Close after 10 of 20 rows");
    EXPECT_EQ((*writer)->WriteRows(Rows(data, 10, 10)).code(), Code::kInvalidArgument);
  }
  {
    auto writer = write::StreamWriter::Create(dir.File("b.tif"), p);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->WriteRows(Rows(data, 0, 20)).ok());
  }  // destroyed without Close
  write::WriteOptions o;
  int calls = 0;
  o.progress = [&](double) { return ++calls < 3; };
  auto writer = write::StreamWriter::Create(dir.File("c.tif"), p, o);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteRows(Rows(data, 0, 5)).ok());
  EXPECT_EQ((*writer)->WriteRows(Rows(data, 5, 5)).code(), Code::kCancelled);
  EXPECT_EQ((*writer)->WriteRows(Rows(data, 10, 5)).code(), Code::kCancelled);  // stays failed
  EXPECT_EQ((*writer)->Close().code(), Code::kCancelled);
  EXPECT_TRUE(dir.Entries().empty());

  // A profile error at Create.
  p.blockxsize = 20;
  auto bad = write::StreamWriter::Create(dir.File("d.tif"), p);
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            dir.File("d.tif") +
                ": blockxsize and blockysize must be positive multiples of 16, got 20 x 512");
  EXPECT_TRUE(dir.Entries().empty());
}

}  // namespace
}  // namespace cogr
