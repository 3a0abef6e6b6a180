// Dataset::ReadInto: reads into an array the caller keeps, reusing its memory.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cogr/block_cache.hpp"
#include "cogr/codec.hpp"
#include "cogr/dataset.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

std::shared_ptr<Dataset> OpenFixture(const std::string& name) {
  OpenOptions o;
  o.block_cache_bytes = 0;
  auto ds = Dataset::Open(test::DataPath("fixtures/" + name), o);
  EXPECT_TRUE(ds.ok()) << ds.status().ToString();
  return ds.ok() ? *ds : nullptr;
}

// An array of `bytes` bytes of 0xAB: stale contents a reuse must overwrite everywhere.
Array Stale(size_t bytes) {
  Array a;
  a.data.assign(bytes, 0xAB);
  return a;
}

void ExpectSameArray(const Array& got, const Array& want) {
  EXPECT_EQ(got.dtype, want.dtype);
  EXPECT_EQ(got.bands, want.bands);
  EXPECT_EQ(got.height, want.height);
  EXPECT_EQ(got.width, want.width);
  EXPECT_EQ(got.transform, want.transform);
  ASSERT_EQ(got.data.size(), want.data.size());
  size_t differ = 0;
  for (size_t i = 0; i < got.data.size(); ++i) differ += got.data[i] != want.data[i];
  EXPECT_EQ(differ, 0u) << "bytes that differ from Read's";
}

TEST(DatasetReadInto, ReusesMemoryOfTheSameSizeAndOverwritesEveryByte) {
  auto ds = OpenFixture("b7_u16_band_deflate_t128.tif");
  ASSERT_NE(ds, nullptr);
  ReadOptions ro;
  ro.window = geo::Window{20, 10, 140, 115};  // of 169 x 130, over 2 x 2 tiles of 128
  ro.bands = {7, 2};
  auto want = ds->Read(ro);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  ASSERT_EQ(want->data.size(), 2u * 115 * 140 * 2);
  Array out = Stale(want->data.size());
  const uint8_t* before = out.data.data();
  ASSERT_TRUE(ds->ReadInto(ro, out).ok());
  EXPECT_EQ(out.data.data(), before) << "same-size memory must be reused, not reallocated";
  ExpectSameArray(out, *want);
}

TEST(DatasetReadInto, SparseBlocksAreWrittenWithNodata) {
  // Blocks with offset 0 are never fetched: they get the nodata value (255), not stale bytes.
  auto ds = OpenFixture("sparse_u8_nodata255_t128.tif");
  ASSERT_NE(ds, nullptr);
  auto want = ds->Read();
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  size_t nodata = 0;
  for (uint8_t v : want->data) nodata += v == 255;
  ASSERT_GT(nodata, 0u) << "the fixture must have sparse blocks";
  Array out = Stale(want->data.size());
  ASSERT_TRUE(ds->ReadInto({}, out).ok());
  ExpectSameArray(out, *want);
}

TEST(DatasetReadInto, BoundlessFillCoversTheOutside) {
  auto ds = OpenFixture("dt_uint8_deflate_t128.tif");
  ASSERT_NE(ds, nullptr);
  ReadOptions ro;
  ro.window = geo::Window{-10, -5, 40, 30};
  ro.boundless = true;
  ro.fill = 7;
  auto want = ds->Read(ro);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  EXPECT_EQ(want->data[0], 7);  // outside the image
  Array out = Stale(want->data.size());
  ASSERT_TRUE(ds->ReadInto(ro, out).ok());
  ExpectSameArray(out, *want);
}

TEST(DatasetReadInto, ResizesAnArrayOfAnotherSizeAndTakesOutShapeReads) {
  auto ds = OpenFixture("dt_uint8_deflate_t128.tif");
  ASSERT_NE(ds, nullptr);
  Array out = Stale(3);
  out.dtype = DataType::kFloat64;
  ASSERT_TRUE(ds->ReadInto({}, out).ok());
  auto full = ds->Read();
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  ExpectSameArray(out, *full);

  ReadOptions ro;
  ro.out_shape = std::make_pair(uint64_t{17}, uint64_t{23});
  ro.resampling = Resampling::kAverage;
  ASSERT_TRUE(ds->ReadInto(ro, out).ok());
  auto small = ds->Read(ro);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_EQ(out.height, 17u);
  EXPECT_EQ(out.width, 23u);
  ExpectSameArray(out, *small);
}

TEST(DatasetReadInto, ErrorsAreReadsErrors) {
  auto ds = OpenFixture("dt_uint8_deflate_t128.tif");
  ASSERT_NE(ds, nullptr);
  ReadOptions ro;
  ro.bands = {9};
  Array out;
  Status st = ds->ReadInto(ro, out);
  EXPECT_EQ(st.code(), Code::kOutOfRange);
  EXPECT_NE(st.message().find("band 9 out of range"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("dt_uint8_deflate_t128.tif"), std::string::npos) << st.ToString();
}

// JPEG blocks read without a block cache go through codec::DecodeRows (bands of rows copied
// as they are decoded, nothing below the window decoded); with a cache, through whole-block
// Decode. Both must give the same bytes for every window, band subset and edge case.
TEST(DatasetRowDecode, JpegRowPathEqualsWholeBlockPath) {
  if (!codec::IsSupported(codec::kJpeg)) GTEST_SKIP() << "jpeg not built";
  for (const char* name :
       {"jpeg_rgb_ycbcr_t128.tif", "jpeg_rgb_noycbcr_t128.tif", "cog_u8_rgb_jpeg_mask_bs256.tif"}) {
    SCOPED_TRACE(name);
    OpenOptions rows_options, blocks_options;
    rows_options.block_cache_bytes = 0;              // row path
    blocks_options.block_cache_bytes = 64ull << 20;  // whole blocks, kept in the cache
    auto rows_ds = Dataset::Open(test::DataPath(std::string("fixtures/") + name), rows_options);
    auto blocks_ds = Dataset::Open(test::DataPath(std::string("fixtures/") + name), blocks_options);
    ASSERT_TRUE(rows_ds.ok() && blocks_ds.ok());
    const auto w = static_cast<double>((*rows_ds)->width()),
               h = static_cast<double>((*rows_ds)->height());
    std::vector<ReadOptions> reads(7);
    reads[1].window = geo::Window{0, 0, w, 5};         // top rows of the first tile row only
    reads[2].window = geo::Window{3, 17, w - 10, 40};  // rows inside one band of 16, unaligned
    reads[3].window = geo::Window{w / 3, h / 2 - 20, w / 2, 45};  // across a tile boundary
    reads[4].window = geo::Window{0, h - 3, w, 3};                // the last rows
    reads[4].bands = {3, 1};
    reads[5].bands = {2};
    reads[6].window = geo::Window{-7, -9, 60, 50};
    reads[6].boundless = true;
    for (size_t i = 0; i < reads.size(); ++i) {
      SCOPED_TRACE("read " + std::to_string(i));
      auto a = (*rows_ds)->Read(reads[i]);
      auto b = (*blocks_ds)->Read(reads[i]);
      ASSERT_TRUE(a.ok()) << a.status().ToString();
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      ExpectSameArray(*a, *b);
    }
    ASSERT_GT((*blocks_ds)->block_cache()->stats().insertions, 0u)
        << "the cached path must decode whole blocks";
  }
}

}  // namespace
}  // namespace cogr
