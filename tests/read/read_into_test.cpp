// Dataset::ReadInto(options, ArrayView): every byte of the caller's memory is written, and it
// equals Read(options); ReadShape tells the shape first.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "cogr/dataset.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

struct Case {
  std::string name;
  std::string file;
  ReadOptions options;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  cases.push_back({"plain", "fixtures/b7_u16_band_deflate_t128.tif", {}});
  ReadOptions subset;
  subset.bands = {6, 2, 2};
  subset.window = geo::Window{10, 20, 150, 100};
  cases.push_back({"band_subset", "fixtures/b7_u16_band_deflate_t128.tif", subset});
  cases.push_back({"sparse_blocks", "fixtures/sparse_u8_nodata255_t128.tif", {}});
  ReadOptions boundless;
  boundless.window = geo::Window{-50, -30, 300, 200};
  boundless.boundless = true;
  boundless.fill = 3;
  cases.push_back({"boundless", "fixtures/b7_u16_band_deflate_t128.tif", boundless});
  ReadOptions sparse_boundless = boundless;
  sparse_boundless.window = geo::Window{300, 200, 200, 150};
  sparse_boundless.fill.reset();  // nodata 255 outside
  cases.push_back({"sparse_boundless", "fixtures/sparse_u8_nodata255_t128.tif", sparse_boundless});
  ReadOptions shaped;
  shaped.out_shape = std::pair<uint64_t, uint64_t>{61, 77};
  shaped.resampling = Resampling::kBilinear;
  cases.push_back({"out_shape", "fixtures/ovr_u8_gtiff_average_t128.tif", shaped});
  ReadOptions overview;
  overview.overview = 1;
  cases.push_back({"overview", "fixtures/ovr_u8_gtiff_average_t128.tif", overview});
  ReadOptions jpeg;
  jpeg.window = geo::Window{100, 50, 300, 250};
  cases.push_back({"jpeg_rows", "fixtures/cog_u8_rgb_jpeg_mask_bs256.tif", jpeg});
  return cases;
}

class ReadIntoView : public ::testing::TestWithParam<Case> {};

TEST_P(ReadIntoView, WritesEveryByteAndEqualsRead) {
  const Case& c = GetParam();
  OpenOptions oo;
  oo.block_cache_bytes = 0;
  auto ds = Dataset::Open(test::DataPath(c.file), oo);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  auto want = (*ds)->Read(c.options);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  auto shape = (*ds)->ReadShape(c.options);
  ASSERT_TRUE(shape.ok()) << shape.status().ToString();
  EXPECT_EQ(shape->dtype, want->dtype);
  EXPECT_EQ(shape->bands, want->bands);
  EXPECT_EQ(shape->height, want->height);
  EXPECT_EQ(shape->width, want->width);
  EXPECT_TRUE(shape->transform == want->transform);
  EXPECT_TRUE(shape->data.empty());
  const size_t n = want->data.size();
  ASSERT_GT(n, 0u);

  // Contiguous, with guard bytes on both sides; two patterns, so a byte left alone shows.
  constexpr size_t kGuard = 64;
  for (uint8_t pattern : {uint8_t{0xA5}, uint8_t{0x5A}}) {
    std::vector<uint8_t> memory(n + 2 * kGuard, pattern);
    ArrayView view = ArrayView::Contiguous(memory.data() + kGuard, shape->dtype, shape->bands,
                                           shape->height, shape->width);
    Status st = (*ds)->ReadInto(c.options, view);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(std::memcmp(memory.data() + kGuard, want->data.data(), n), 0)
        << c.name << " pattern " << int{pattern};
    for (size_t i = 0; i < kGuard; ++i) {
      ASSERT_EQ(memory[i], pattern) << "wrote before the view";
      ASSERT_EQ(memory[kGuard + n + i], pattern) << "wrote past the view";
    }
  }

  // Strided: rows padded by 24 bytes, bands by 40 more (a slice of a larger array).
  const size_t sb = DataTypeSize(shape->dtype);
  ArrayView strided;
  strided.dtype = shape->dtype;
  strided.bands = shape->bands;
  strided.height = shape->height;
  strided.width = shape->width;
  strided.col_stride = sb;
  strided.row_stride = shape->width * sb + 24;
  strided.band_stride = shape->height * strided.row_stride + 40;
  std::vector<uint8_t> big(static_cast<size_t>(strided.band_stride * shape->bands), 0xEE);
  strided.data = big.data();
  Status st = (*ds)->ReadInto(c.options, strided);
  ASSERT_TRUE(st.ok()) << st.ToString();
  size_t untouched = 0;
  for (uint64_t b = 0; b < shape->bands; ++b) {
    for (uint64_t y = 0; y < shape->height; ++y) {
      const uint8_t* row = strided.At(b, y, 0);
      ASSERT_EQ(std::memcmp(row, want->data.data() + ((b * shape->height + y) * shape->width) * sb,
                            shape->width * sb),
                0)
          << c.name << " band " << b << " row " << y;
      for (size_t i = shape->width * sb; i < strided.row_stride; ++i) {
        untouched += row[i] == 0xEE;
        EXPECT_EQ(row[i], 0xEE) << "padding written";
      }
    }
  }
  EXPECT_GT(untouched, 0u);

  // ReadInto(Array&) with a pattern-filled array of the right size reuses it and overwrites all.
  Array reused;
  reused.data.assign(n, 0xA5);
  ASSERT_TRUE((*ds)->ReadInto(c.options, reused).ok());
  EXPECT_EQ(reused.data, want->data);
}

INSTANTIATE_TEST_SUITE_P(Cases, ReadIntoView, ::testing::ValuesIn(Cases()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(ReadIntoViewErrors, WrongShapeOrStridesNameTheNumbers) {
  auto ds = Dataset::Open(test::DataPath("fixtures/b7_u16_band_deflate_t128.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const std::string uri = (*ds)->uri();
  std::vector<uint8_t> memory(7 * 130 * 170 * 2, 0xA5);
  auto wide = ArrayView::Contiguous(memory.data(), DataType::kUInt16, 7, 130, 170);
  Status st = (*ds)->ReadInto(ReadOptions{}, wide);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.message(),
            uri + ": destination is 7 x 130 x 170 uint16 but the read gives 7 x 130 x 169 uint16");
  auto bytes = ArrayView::Contiguous(memory.data(), DataType::kUInt8, 7, 130, 169);
  st = (*ds)->ReadInto(ReadOptions{}, bytes);
  EXPECT_EQ(st.message(),
            uri + ": destination is 7 x 130 x 169 uint8 but the read gives 7 x 130 x 169 uint16");
  ReadOptions two;
  two.bands = {1, 2};
  two.out_shape = std::pair<uint64_t, uint64_t>{10, 12};
  auto small = ArrayView::Contiguous(memory.data(), DataType::kUInt16, 1, 10, 12);
  st = (*ds)->ReadInto(two, small);
  EXPECT_EQ(st.message(),
            uri + ": destination is 1 x 10 x 12 uint16 but the read gives 2 x 10 x 12 uint16");
  auto overlapping = ArrayView::Contiguous(memory.data(), DataType::kUInt16, 7, 130, 169);
  overlapping.row_stride = 100;
  st = (*ds)->ReadInto(ReadOptions{}, overlapping);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(
      st.message(),
      uri +
          ": destination strides (band 43940, row 100, column 2 bytes) do not fit 7 x 130 x 169 "
          "uint16 (the samples of a row must be contiguous, rows and bands must not overlap)");
  // Nothing was written by the refused reads.
  for (uint8_t v : memory) ASSERT_EQ(v, 0xA5);
}

}  // namespace
}  // namespace cogr
