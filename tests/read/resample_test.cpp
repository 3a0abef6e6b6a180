// Resampling on read (read/resample.cpp): GDAL 3.6's overview choice, nearest index mapping and
// kernels on tiny hand-computed arrays, then out_shape reads of real files (transform, overview
// blocks touched, limits, errors). The fixture conformance suite compares every out_shape read
// of every fixture with rasterio's arrays.
#include "read/resample.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "cogr/dataset.hpp"
#include "io/read_context.hpp"
#include "test_util.hpp"
#include "tiff/ifd_fields.hpp"

namespace cogr {
namespace {

using internal::IoWindow;
using internal::LevelDims;
using internal::MaskKind;
using internal::ResampleBand;
using internal::ResampleSource;

IoWindow Whole(int64_t w, int64_t h) {
  IoWindow win;
  win.x_size = w;
  win.y_size = h;
  win.dx_size = static_cast<double>(w);
  win.dy_size = static_cast<double>(h);
  return win;
}

// ---------------------------------------------------------------------------------------------
// Overview choice

TEST(ResampleChooseOverview, PicksCoarsestWithinOnePointTwoOfTheReduction) {
  // ovr_u8_gtiff_average_t128: 312 x 240 with 2x, 4x, 8x overviews (GDAL used overview 0 for an
  // 89 x 116 read and overview 2 for 34 x 44, per the fixture's gdal_source).
  const LevelDims base{312, 240};
  const std::vector<LevelDims> ovr{{156, 120}, {78, 60}, {39, 30}};
  IoWindow a = Whole(312, 240);
  EXPECT_EQ(internal::ChooseOverview(base, ovr, 116, 89, a), 0);
  IoWindow b = Whole(312, 240);
  // Reduction 7.06 (y, the least reduced axis): 8 < 1.2 * 7.06, so the 8x overview.
  EXPECT_EQ(internal::ChooseOverview(base, ovr, 44, 34, b), 2);
  EXPECT_EQ(b.x_size, 39);
  EXPECT_EQ(b.y_size, 30);
  EXPECT_DOUBLE_EQ(b.dx_size, 39.0);
  // A reduction below every overview's factor stays at full resolution.
  IoWindow c = Whole(312, 240);
  EXPECT_EQ(internal::ChooseOverview(base, ovr, 300, 239, c), -1);
  EXPECT_EQ(c.x_size, 312);
}

TEST(ResampleChooseOverview, ThresholdIsExclusive) {
  const LevelDims base{120, 120};
  const std::vector<LevelDims> ovr{{50, 50}};  // factor 2.4
  // Requested reduction 2: the overview's 2.4 is not below 1.2 * 2, so full resolution...
  IoWindow a = Whole(120, 120);
  EXPECT_EQ(internal::ChooseOverview(base, ovr, 60, 60, a), -1);
  // ...but a little more reduction takes it.
  IoWindow b = Whole(120, 120);
  EXPECT_EQ(internal::ChooseOverview(base, ovr, 59, 59, b), 0);
}

TEST(ResampleChooseOverview, LeastReducedAxisDecidesAndSingleRowUsesX) {
  const LevelDims base{400, 400};
  const std::vector<LevelDims> ovr{{200, 200}, {100, 100}};
  // x reduced 4x, y only 1.25x: the y reduction (1.25) decides, no overview fits 1.5.
  IoWindow a = Whole(400, 400);
  EXPECT_EQ(internal::ChooseOverview(base, ovr, 100, 320, a), -1);
  // One output row: the x reduction decides even though y is reduced 400x.
  IoWindow b = Whole(400, 400);
  EXPECT_EQ(internal::ChooseOverview(base, ovr, 100, 1, b), 1);
}

TEST(ResampleChooseOverview, WindowMovesIntoOverviewPixels) {
  const LevelDims base{540, 390};
  const std::vector<LevelDims> ovr{{270, 195}};
  IoWindow w;
  w.x_off = 10;
  w.y_off = 21;
  w.x_size = 100;
  w.y_size = 51;
  w.dx_off = 10;
  w.dy_off = 21;
  w.dx_size = 100;
  w.dy_size = 51;
  ASSERT_EQ(internal::ChooseOverview(base, ovr, 10, 5, w), 0);
  // Integer window rounded as GDAL (int(v / 2 + 0.5)), the exact one divided.
  EXPECT_EQ(w.x_off, 5);
  EXPECT_EQ(w.y_off, 11);
  EXPECT_EQ(w.x_size, 50);
  EXPECT_EQ(w.y_size, 26);
  EXPECT_DOUBLE_EQ(w.dx_off, 5.0);
  EXPECT_DOUBLE_EQ(w.dy_off, 10.5);
  EXPECT_DOUBLE_EQ(w.dy_size, 25.5);
}

TEST(ResampleChooseOverview, ImplicitJpegOverviewsFollowGdal) {
  tiff::Ifd ifd;
  internal::IfdFields& f = internal::MutableFields(ifd);
  f.compression = 7;
  f.bits_per_sample = {8, 8, 8};
  f.width = 1223;
  f.height = 1223;
  EXPECT_EQ(internal::ImplicitJpegOverviewScales(ifd, false), (std::vector<int>{2, 4, 8}));
  EXPECT_TRUE(internal::ImplicitJpegOverviewScales(ifd, true).empty());  // real overviews win
  f.width = 300;
  f.height = 100;
  EXPECT_EQ(internal::ImplicitJpegOverviewScales(ifd, false), (std::vector<int>{2}));
  f.width = 255;
  EXPECT_TRUE(internal::ImplicitJpegOverviewScales(ifd, false).empty());
  f.width = 600;
  f.jpeg_tables = {0xFF, 0xD8, 0x00};  // tables not ending with EOI: none
  EXPECT_TRUE(internal::ImplicitJpegOverviewScales(ifd, false).empty());
  f.jpeg_tables.clear();
  f.compression = 8;
  EXPECT_TRUE(internal::ImplicitJpegOverviewScales(ifd, false).empty());
  // A corrupt block is an error naming it, not a crash.
  const std::vector<uint8_t> junk{0xFF, 0xD8, 0x12, 0x34};
  auto bad = internal::DecodeJpegScaled(ByteSpan(junk.data(), junk.size()), {}, 4, 2, 256, 256, 3,
                                        1 << 20);
  EXPECT_EQ(bad.status().code(), Code::kInvalidFile);
}

// ---------------------------------------------------------------------------------------------
// Nearest index mapping

TEST(ResampleNearestIndexes, DownAndUpsampling) {
  // floor((i + 0.5) * 10 / 4): 1.25, 3.75, 6.25, 8.75.
  EXPECT_EQ(internal::NearestSourceIndexes(0, 10, 4, 10), (std::vector<int64_t>{1, 3, 6, 8}));
  // 2 -> 5: 0.2, 0.6, 1.0 (+epsilon: 1), 1.4, 1.8.
  EXPECT_EQ(internal::NearestSourceIndexes(0, 2, 5, 2), (std::vector<int64_t>{0, 0, 1, 1, 1}));
  // A fractional offset shifts the samples; the last index is clamped to the level.
  EXPECT_EQ(internal::NearestSourceIndexes(7.5, 2.5, 2, 9), (std::vector<int64_t>{8, 8}));
  EXPECT_EQ(internal::NearestSourceIndexes(0, 3, 3, 3), (std::vector<int64_t>{0, 1, 2}));
}

// ---------------------------------------------------------------------------------------------
// Kernels on in-memory levels

// A one-level source over `values` (height x width, one band) of `dtype`.
template <class T>
ResampleSource MemorySource1(DataType dtype, int64_t width, int64_t height, std::vector<T> values,
                             std::optional<double> nodata = std::nullopt) {
  ResampleSource src;
  src.width = width;
  src.height = height;
  src.block_width = width;
  src.dtype = dtype;
  src.nodata = nodata;
  auto data = std::make_shared<std::vector<T>>(std::move(values));
  src.fetch = [data, width, dtype](const std::vector<int>& bands, int64_t x0, int64_t y0,
                                   int64_t x1, int64_t y1, Array& out) {
    out.dtype = dtype;
    out.bands = bands.size();
    out.width = static_cast<uint64_t>(x1 - x0);
    out.height = static_cast<uint64_t>(y1 - y0);
    out.data.resize(out.bands * out.width * out.height * sizeof(T));
    T* o = reinterpret_cast<T*>(out.data.data());
    for (size_t b = 0; b < bands.size(); ++b) {
      for (int64_t y = y0; y < y1; ++y) {
        for (int64_t x = x0; x < x1; ++x) *o++ = (*data)[static_cast<size_t>(y * width + x)];
      }
    }
    return Status::OK();
  };
  return src;
}

template <class T>
std::vector<T> Values(const Array& a) {
  std::vector<T> v(a.data.size() / sizeof(T));
  std::memcpy(v.data(), a.data.data(), a.data.size());
  return v;
}

const std::vector<ResampleBand> kBand1{{0, MaskKind::kAllValid}};
const std::vector<ResampleBand> kBand1Nodata{{0, MaskKind::kNodata}};

TEST(ResampleKernels, NearestPicksCenterPixels) {
  std::vector<uint8_t> v(16);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i);
  auto src = MemorySource1(DataType::kUInt8, 4, 4, v);
  auto out = internal::ResampleWindow(src, kBand1, Whole(4, 4), 2, 2, Resampling::kNearest);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  // Rows and columns 1 and 3 (floor(0.5 * 2) = 1, floor(1.5 * 2) = 3).
  EXPECT_EQ(Values<uint8_t>(*out), (std::vector<uint8_t>{5, 7, 13, 15}));
  EXPECT_EQ(out->height, 2u);
  EXPECT_EQ(out->width, 2u);
}

TEST(ResampleKernels, BilinearTwoByTwoToOne) {
  // Reduction 2 widens the kernel to 2 source pixels each side: both pixels of each axis get
  // weight 0.75, normalised to 0.5, i.e. the plain mean.
  auto src8 = MemorySource1<uint8_t>(DataType::kUInt8, 2, 2, {10, 20, 30, 41});
  auto out8 = internal::ResampleWindow(src8, kBand1, Whole(2, 2), 1, 1, Resampling::kBilinear);
  ASSERT_TRUE(out8.ok()) << out8.status().ToString();
  EXPECT_EQ(Values<uint8_t>(*out8), std::vector<uint8_t>{25});  // 25.25 rounded
  auto srcf = MemorySource1<float>(DataType::kFloat32, 2, 2, {10, 20, 30, 41});
  auto outf = internal::ResampleWindow(srcf, kBand1, Whole(2, 2), 1, 1, Resampling::kBilinear);
  ASSERT_TRUE(outf.ok());
  EXPECT_EQ(Values<float>(*outf), std::vector<float>{25.25f});
  auto src16 = MemorySource1<int16_t>(DataType::kInt16, 2, 2, {-10, -20, -30, -41});
  auto out16 = internal::ResampleWindow(src16, kBand1, Whole(2, 2), 1, 1, Resampling::kBilinear);
  ASSERT_TRUE(out16.ok());
  EXPECT_EQ(Values<int16_t>(*out16), std::vector<int16_t>{-25});
}

TEST(ResampleKernels, BilinearUpsamplingInterpolatesBetweenCenters) {
  // Output centers at source x = 0.25, 0.75, 1.25, 1.75; pixel centers at 0.5 and 1.5, the
  // edges clamp to the nearest pixel.
  auto src = MemorySource1<float>(DataType::kFloat32, 2, 1, {0, 100});
  auto out = internal::ResampleWindow(src, kBand1, Whole(2, 1), 4, 1, Resampling::kBilinear);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Values<float>(*out), (std::vector<float>{0, 25, 75, 100}));
}

TEST(ResampleKernels, CubicKeepsConstantsAndClampsOvershoot) {
  auto flat = MemorySource1<uint8_t>(DataType::kUInt8, 4, 4, std::vector<uint8_t>(16, 77));
  auto a = internal::ResampleWindow(flat, kBand1, Whole(4, 4), 3, 3, Resampling::kCubic);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(Values<uint8_t>(*a), std::vector<uint8_t>(9, 77));
  // A step 0 -> 255 upsampled: Catmull-Rom overshoots above 255 and below 0, clamped in uint8.
  auto step = MemorySource1<uint8_t>(DataType::kUInt8, 4, 1, {0, 0, 255, 255});
  auto b = internal::ResampleWindow(step, kBand1, Whole(4, 1), 16, 1, Resampling::kCubic);
  ASSERT_TRUE(b.ok());
  auto v = Values<uint8_t>(*b);
  EXPECT_EQ(v.front(), 0);
  EXPECT_EQ(v.back(), 255);
  // The same in float shows the overshoot the uint8 output clamped.
  auto stepf = MemorySource1<float>(DataType::kFloat32, 4, 1, {0, 0, 255, 255});
  auto c = internal::ResampleWindow(stepf, kBand1, Whole(4, 1), 16, 1, Resampling::kCubic);
  ASSERT_TRUE(c.ok());
  auto f = Values<float>(*c);
  EXPECT_LT(*std::min_element(f.begin(), f.end()), 0.0f);
  EXPECT_GT(*std::max_element(f.begin(), f.end()), 255.0f);
}

TEST(ResampleKernels, AverageExcludesNodata) {
  auto src = MemorySource1<uint8_t>(DataType::kUInt8, 2, 2, {10, 20, 30, 255}, 255.0);
  auto out = internal::ResampleWindow(src, kBand1Nodata, Whole(2, 2), 1, 1, Resampling::kAverage);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Values<uint8_t>(*out), std::vector<uint8_t>{20});  // (10 + 20 + 30) / 3
  // All nodata: the output is nodata.
  auto none = MemorySource1<uint8_t>(DataType::kUInt8, 2, 2, {255, 255, 255, 255}, 255.0);
  auto out2 = internal::ResampleWindow(none, kBand1Nodata, Whole(2, 2), 1, 1, Resampling::kAverage);
  ASSERT_TRUE(out2.ok());
  EXPECT_EQ(Values<uint8_t>(*out2), std::vector<uint8_t>{255});
  // A valid average that equals nodata is replaced by nodata + 1 (GDAL's replacement value).
  auto eq = MemorySource1<uint8_t>(DataType::kUInt8, 2, 2, {10, 30, 20, 20}, 20.0);
  auto out3 = internal::ResampleWindow(eq, kBand1Nodata, Whole(2, 2), 1, 1, Resampling::kAverage);
  ASSERT_TRUE(out3.ok());
  EXPECT_EQ(Values<uint8_t>(*out3), std::vector<uint8_t>{21});
  // NaN nodata in float data.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auto fnan = MemorySource1<float>(DataType::kFloat32, 2, 2, {1, nan, 2, 6}, std::nan(""));
  auto out4 = internal::ResampleWindow(fnan, kBand1Nodata, Whole(2, 2), 1, 1, Resampling::kAverage);
  ASSERT_TRUE(out4.ok());
  EXPECT_EQ(Values<float>(*out4), std::vector<float>{3.0f});
}

TEST(ResampleKernels, AverageWeightsPartialPixels) {
  // 3 -> 2: output 0 covers pixel 0 and half of pixel 1: (0 * 1 + 10 * 0.5) / 1.5.
  auto src = MemorySource1<float>(DataType::kFloat32, 3, 1, {0, 10, 20});
  auto out = internal::ResampleWindow(src, kBand1, Whole(3, 1), 2, 1, Resampling::kAverage);
  ASSERT_TRUE(out.ok());
  auto v = Values<float>(*out);
  EXPECT_FLOAT_EQ(v[0], 10.0f / 3.0f);
  EXPECT_FLOAT_EQ(v[1], (10 * 0.5f + 20) / 1.5f);
}

TEST(ResampleKernels, BilinearSkipsNodataAndLeavesNodataWhereNothingIsValid) {
  // Left column nodata: the right column alone makes the left output, as if it were not there.
  auto src = MemorySource1<float>(DataType::kFloat32, 4, 2, {-1, 8, 12, 16, -1, 8, 12, 16}, -1.0);
  auto out = internal::ResampleWindow(src, kBand1Nodata, Whole(4, 2), 2, 1, Resampling::kBilinear);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  auto v = Values<float>(*out);
  // Output 0 (center 1.0, radius 2): pixels 0..2 weighted 0.75, 0.75, 0.25; pixel 0 invalid.
  EXPECT_FLOAT_EQ(v[0], (8 * 0.75f + 12 * 0.25f) / 1.0f);
  auto all = MemorySource1<float>(DataType::kFloat32, 2, 2, {-1, -1, -1, -1}, -1.0);
  auto out2 = internal::ResampleWindow(all, kBand1Nodata, Whole(2, 2), 1, 1, Resampling::kBilinear);
  ASSERT_TRUE(out2.ok());
  EXPECT_EQ(Values<float>(*out2), std::vector<float>{-1.0f});
}

TEST(ResampleKernels, ModeTiesGoToTheValueThatReachedTheCountFirst) {
  // 3 and 7 both appear twice; 7 reaches 2 first (third pixel), 3 only at the fourth.
  auto src = MemorySource1<uint8_t>(DataType::kUInt8, 2, 2, {3, 7, 7, 3});
  auto out = internal::ResampleWindow(src, kBand1, Whole(2, 2), 1, 1, Resampling::kMode);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Values<uint8_t>(*out), std::vector<uint8_t>{7});
  auto src2 = MemorySource1<uint8_t>(DataType::kUInt8, 2, 2, {5, 5, 9, 9});
  EXPECT_EQ(Values<uint8_t>(
                *internal::ResampleWindow(src2, kBand1, Whole(2, 2), 1, 1, Resampling::kMode)),
            std::vector<uint8_t>{5});
  // Float bands use the same rule; nodata pixels do not vote.
  auto f = MemorySource1<float>(DataType::kFloat32, 3, 2, {1.5f, 2.5f, 2.5f, -9, -9, 1.5f}, -9.0);
  auto out3 = internal::ResampleWindow(f, kBand1Nodata, Whole(3, 2), 1, 1, Resampling::kMode);
  ASSERT_TRUE(out3.ok());
  EXPECT_EQ(Values<float>(*out3), std::vector<float>{2.5f});
  // Byte bands skip nodata by value.
  auto n = MemorySource1<uint8_t>(DataType::kUInt8, 2, 2, {0, 0, 0, 4}, 0.0);
  EXPECT_EQ(Values<uint8_t>(
                *internal::ResampleWindow(n, kBand1Nodata, Whole(2, 2), 1, 1, Resampling::kMode)),
            std::vector<uint8_t>{4});
}

TEST(ResampleKernels, MinMaxAndQuantiles) {
  auto src = MemorySource1<int16_t>(DataType::kInt16, 2, 2, {4, -3, 2, 1});
  auto run = [&](Resampling m) {
    auto out = internal::ResampleWindow(src, kBand1, Whole(2, 2), 1, 1, m);
    EXPECT_TRUE(out.ok());
    return Values<int16_t>(*out).at(0);
  };
  EXPECT_EQ(run(Resampling::kMin), -3);
  EXPECT_EQ(run(Resampling::kMax), 4);
  // Sorted -3 1 2 4: index ceil(q * 4 - 1).
  EXPECT_EQ(run(Resampling::kQ1), -3);
  EXPECT_EQ(run(Resampling::kMed), 1);
  EXPECT_EQ(run(Resampling::kQ3), 2);
}

TEST(ResampleKernels, SubWindowOnOutputGridEqualsPartOfFullRead) {
  // GDAL shifts windows that start on the whole-level output grid so that they reproduce the
  // corresponding part of a whole-level read exactly.
  std::vector<float> v(64);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>((i * 37) % 23);
  auto src = MemorySource1<float>(DataType::kFloat32, 8, 8, v);
  auto full = internal::ResampleWindow(src, kBand1, Whole(8, 8), 4, 4, Resampling::kBilinear);
  ASSERT_TRUE(full.ok());
  IoWindow right = Whole(4, 8);
  right.x_off = 4;
  right.dx_off = 4;
  auto part = internal::ResampleWindow(src, kBand1, right, 2, 4, Resampling::kBilinear);
  ASSERT_TRUE(part.ok());
  auto f = Values<float>(*full), p = Values<float>(*part);
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 2; ++x)
      EXPECT_EQ(p[static_cast<size_t>(y * 2 + x)], f[static_cast<size_t>(y * 4 + 2 + x)]);
  }
}

TEST(ResampleKernels, SharedMaskAndLimits) {
  auto src = MemorySource1<uint8_t>(DataType::kUInt8, 2, 2, {10, 20, 30, 200});
  src.fetch_mask = [](int64_t, int64_t, int64_t, int64_t, std::vector<uint8_t>& out) {
    out = {255, 255, 255, 0};
    return Status::OK();
  };
  const std::vector<ResampleBand> shared{{0, MaskKind::kShared}};
  auto out = internal::ResampleWindow(src, shared, Whole(2, 2), 1, 1, Resampling::kAverage);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Values<uint8_t>(*out), std::vector<uint8_t>{20});
  // Output bigger than the limit.
  src.max_bytes = 100;
  auto big = internal::ResampleWindow(src, kBand1, Whole(2, 2), 20, 20, Resampling::kBilinear);
  EXPECT_EQ(big.status().code(), Code::kLimitExceeded) << big.status().ToString();
  auto bad = internal::ResampleWindow(src, kBand1, Whole(2, 2), 0, 1, Resampling::kBilinear);
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
}

TEST(ResampleKernels, FetchErrorsPropagate) {
  auto src = MemorySource1<uint8_t>(DataType::kUInt8, 4, 4, std::vector<uint8_t>(16, 1));
  src.fetch = [](const std::vector<int>&, int64_t, int64_t, int64_t, int64_t, Array&) {
    return Status::InvalidFile("block 3 of IFD 0: truncated");
  };
  for (Resampling m :
       {Resampling::kNearest, Resampling::kBilinear, Resampling::kAverage, Resampling::kMode}) {
    auto out = internal::ResampleWindow(src, kBand1, Whole(4, 4), 2, 2, m);
    const Status st = out.status();
    EXPECT_EQ(st.code(), Code::kInvalidFile);
    EXPECT_EQ(st.message(), "block 3 of IFD 0: truncated");
  }
}

// Wraps `src.fetch` to add up the source pixels the chunks read (every band counted once).
std::shared_ptr<std::atomic<uint64_t>> CountFetchedPixels(ResampleSource& src) {
  auto pixels = std::make_shared<std::atomic<uint64_t>>(0);
  src.fetch = [inner = src.fetch, pixels](const std::vector<int>& bands, int64_t x0, int64_t y0,
                                          int64_t x1, int64_t y1, Array& out) {
    *pixels += static_cast<uint64_t>((x1 - x0) * (y1 - y0));
    return inner(bands, x0, y0, x1, y1, out);
  };
  return pixels;
}

TEST(ResampleChunking, UpsampledRowsOfAWideStripAreReadAboutOnce) {
  // 589,824 x 6, one strip, row r holding 50 r: out_shape (32, 20) shrinks columns 29,491 times
  // and widens rows. GDAL halves such chunks down to one output row, each re-reading a million
  // pixels (64 chunks, 19 times the source); cogr keeps 8 source rows' worth of output rows per
  // chunk (the fuzz input fuzz/regressions/timeout/read_window-wide-strip-bilinear-out-shape).
  constexpr int64_t kW = 589824, kH = 6;
  std::vector<uint8_t> v(static_cast<size_t>(kW * kH));
  for (int64_t r = 0; r < kH; ++r)
    std::fill_n(v.begin() + r * kW, kW, static_cast<uint8_t>(50 * r));
  auto src = MemorySource1<uint8_t>(DataType::kUInt8, kW, kH, v);
  for (Resampling m :
       {Resampling::kBilinear, Resampling::kCubic, Resampling::kAverage, Resampling::kMode}) {
    auto copy = src;
    auto fetched = CountFetchedPixels(copy);
    auto out = internal::ResampleWindow(copy, kBand1, Whole(kW, kH), 20, 32, m);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_LE(fetched->load(), 2u * static_cast<uint64_t>(kW * kH)) << ResamplingName(m);
    if (m != Resampling::kBilinear) continue;
    // Bilinear: output row j is centred on source y = (j + 0.5) * 6 / 32, between the centres of
    // rows at r + 0.5: 50 (y - 0.5), clamped at the edges; each column is the same.
    const auto got = Values<uint8_t>(*out);
    for (int64_t j = 0; j < 32; ++j) {
      const double y = (static_cast<double>(j) + 0.5) * 6.0 / 32.0;
      const double want = std::clamp(50.0 * (y - 0.5), 0.0, 250.0);
      for (int64_t i = 0; i < 20; ++i)
        ASSERT_EQ(got[static_cast<size_t>(j * 20 + i)], std::lround(want)) << j << "," << i;
    }
  }
}

TEST(ResampleChunking, ShapesNoChunkingServesFailBeforeReading) {
  // A 2 x 1,000,000 window to out_shape (1, 1000000): each chunk would convolve all million
  // source rows for a few of the million output columns (about 5.7e12 steps).
  auto src = MemorySource1<uint8_t>(DataType::kUInt8, 2, 1000000, std::vector<uint8_t>(2000000, 9));
  auto fetched = CountFetchedPixels(src);
  auto out =
      internal::ResampleWindow(src, kBand1, Whole(2, 1000000), 1000000, 1, Resampling::kBilinear);
  EXPECT_EQ(out.status().code(), Code::kLimitExceeded);
  EXPECT_EQ(out.status().message(),
            "bilinear resampling of a 2 x 1000000 window to out_shape (1, 1000000) takes about "
            "5.67e+12 kernel steps, over 256 per source and output pixel (it widens one axis while "
            "shrinking the other: resample one axis at a time)");
  EXPECT_EQ(fetched->load(), 0u);
  // One axis at a time works: rows first, then columns.
  auto rows = internal::ResampleWindow(src, kBand1, Whole(2, 1000000), 2, 1, Resampling::kBilinear);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(Values<uint8_t>(*rows), (std::vector<uint8_t>{9, 9}));
}

TEST(ResampleChunking, CancelStopsBetweenChunks) {
  // The chunks of a prefetched region fetch nothing that checks the token: the chunk loop does.
  std::vector<uint8_t> v(2048 * 2048);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i % 251);
  for (Resampling m : {Resampling::kNearest, Resampling::kBilinear, Resampling::kMode}) {
    auto src = MemorySource1<uint8_t>(DataType::kUInt8, 2048, 2048, v);
    internal::ReadContext context;
    context.cancel = CancelToken::Create();
    int fetches = 0;
    src.fetch = [inner = src.fetch, &context, &fetches](const std::vector<int>& bands, int64_t x0,
                                                        int64_t y0, int64_t x1, int64_t y1,
                                                        Array& out) {
      ++fetches;
      context.cancel->Cancel();  // cancelled while the first chunk is being read
      return inner(bands, x0, y0, x1, y1, out);
    };
    const internal::ScopedReadContext scope(&context);
    const int64_t out_len = m == Resampling::kNearest ? 1500 : 100;
    auto out = internal::ResampleWindow(src, kBand1, Whole(2048, 2048), out_len, out_len, m);
    EXPECT_EQ(out.status().code(), Code::kCancelled) << ResamplingName(m);
    EXPECT_EQ(out.status().message(), "read cancelled");
    EXPECT_EQ(fetches, 1) << ResamplingName(m);
  }
}

TEST(ResampleKernels, ByteModeOfSpansAroundTheHistogramSize) {
  // 78 -> 5 gives spans of 16 or 17 pixels a side (256 to 289 values): the histogram is
  // cleared by entries or as a whole, and each output pixel must count only its own span.
  constexpr int64_t kN = 78, kOut = 5;
  std::vector<uint8_t> v(kN * kN);
  uint32_t seed = 777;
  for (uint8_t& x : v) x = static_cast<uint8_t>(((seed = seed * 1103515245u + 12345u) >> 16) % 4);
  auto src = MemorySource1<uint8_t>(DataType::kUInt8, kN, kN, v);
  auto out = internal::ResampleWindow(src, kBand1, Whole(kN, kN), kOut, kOut, Resampling::kMode);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const auto got = Values<uint8_t>(*out);
  const double ratio = static_cast<double>(kN) / kOut;
  auto lo = [&](int64_t i) { return static_cast<int64_t>(static_cast<double>(i) * ratio + 1e-8); };
  auto hi = [&](int64_t i) {
    return static_cast<int64_t>(std::ceil(static_cast<double>(i + 1) * ratio - 1e-8));
  };
  for (int64_t j = 0; j < kOut; ++j) {
    for (int64_t i = 0; i < kOut; ++i) {
      int counts[4] = {0, 0, 0, 0}, best_count = 0, want = -1;
      for (int64_t y = lo(j); y < hi(j); ++y) {
        for (int64_t x = lo(i); x < hi(i); ++x) {
          const int value = v[static_cast<size_t>(y * kN + x)];
          if (++counts[value] > best_count) best_count = counts[value], want = value;
        }
      }
      EXPECT_EQ(got[static_cast<size_t>(j * kOut + i)], want) << j << "," << i;
    }
  }
}

TEST(ResampleKernels, ModeOfLargeSpansKeepsGdalsTieRule) {
  // Spans over 64 pixels are counted by sorting, not by GDAL's list search (quadratic in the
  // distinct values); the answer must be the list's: the value reaching the top count first.
  auto mode_of = [](const std::vector<float>& v, int64_t w, int64_t h) {
    auto src = MemorySource1<float>(DataType::kFloat32, w, h, v);
    auto out = internal::ResampleWindow(src, kBand1, Whole(w, h), 1, 1, Resampling::kMode);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return Values<float>(*out).at(0);
  };
  std::vector<float> v(81);
  for (size_t i = 0; i < v.size(); ++i) v[i] = 1000.0f + static_cast<float>(i);  // distinct
  v[3] = v[20] = v[40] = 5.0f;   // 5 reaches 3 at index 40
  v[10] = v[11] = v[30] = 2.0f;  // 2 reaches 3 at index 30: first
  EXPECT_EQ(mode_of(v, 9, 9), 2.0f);
  v[70] = 5.0f;  // 5 now reaches 4
  EXPECT_EQ(mode_of(v, 9, 9), 5.0f);
  // 0 and -0 count together; the result is the value that raised the count.
  v[50] = 0.0f, v[51] = -0.0f, v[52] = 0.0f, v[60] = -0.0f, v[61] = 0.0f;
  const float z = mode_of(v, 9, 9);
  EXPECT_EQ(z, 0.0f);
  EXPECT_FALSE(std::signbit(z));  // the fifth one (index 61) is +0
  // All distinct: the first pixel, even a NaN (which equals nothing).
  std::vector<float> d(100);
  for (size_t i = 0; i < d.size(); ++i) d[i] = static_cast<float>(i);
  d[0] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(mode_of(d, 10, 10)));
  d[0] = 7.5f, d[1] = 7.5f;  // NaNs elsewhere never count twice
  for (size_t i = 50; i < 60; ++i) d[i] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(mode_of(d, 10, 10), 7.5f);

  // Random spans of few values against the list rule, written out.
  uint32_t seed = 12345;
  auto next = [&seed] { return (seed = seed * 1103515245u + 12345u) >> 16; };
  const float pool[] = {1.0f, 2.0f, 0.0f, -0.0f, 3.5f, std::numeric_limits<float>::quiet_NaN()};
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t w = 9 + static_cast<int64_t>(next() % 8),
                  h = 9 + static_cast<int64_t>(next() % 8);
    std::vector<float> r(static_cast<size_t>(w * h));
    for (float& x : r) x = pool[next() % 6];
    std::vector<std::pair<float, int>> counts;
    int best_count = 0;
    float want = 0;
    for (float x : r) {
      auto it =
          std::find_if(counts.begin(), counts.end(), [x](const auto& e) { return e.first == x; });
      const int now = it == counts.end() ? (counts.emplace_back(x, 1), 1) : ++it->second;
      if (now > best_count) best_count = now, want = x;
    }
    const float got = mode_of(r, w, h);
    ASSERT_TRUE(got == want && std::signbit(got) == std::signbit(want)) << trial;
  }
}

// ---------------------------------------------------------------------------------------------
// Dataset::Read with out_shape

constexpr char kOvrFile[] = "fixtures/ovr_u8_gtiff_average_t128.tif";

// Records every range read after `armed` is set.
class RecordingSource : public io::Source {
 public:
  explicit RecordingSource(std::shared_ptr<io::Source> inner) : inner_(std::move(inner)) {}
  Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const override {
    if (armed_) {
      std::lock_guard<std::mutex> lock(mu_);
      ranges_.push_back({offset, out.size()});
    }
    return inner_->ReadAt(offset, out);
  }
  uint64_t size() const override { return inner_->size(); }
  const std::string& uri() const override { return inner_->uri(); }
  void Arm() { armed_.store(true); }
  std::vector<ByteRange> ranges() const {
    std::lock_guard<std::mutex> lock(mu_);
    return ranges_;
  }

 private:
  std::shared_ptr<io::Source> inner_;
  std::atomic<bool> armed_{false};
  mutable std::mutex mu_;
  mutable std::vector<ByteRange> ranges_;
};

TEST(ResampleRead, DownsampledReadTouchesOnlyTheChosenOverview) {
  auto file = io::OpenFile(test::DataPath(kOvrFile));
  ASSERT_TRUE(file.ok());
  auto rec = std::make_shared<RecordingSource>(*file);
  auto ds = Dataset::Open(rec);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  rec->Arm();
  ReadOptions o;
  o.out_shape = std::make_pair(34, 44);  // GDAL picks overview 2 (8x)
  o.resampling = Resampling::kBilinear;
  auto arr = (*ds)->Read(o);
  ASSERT_TRUE(arr.ok()) << arr.status().ToString();
  const tiff::Ifd& ovr = (*ds)->tiff().ifds[static_cast<size_t>((*ds)->levels()[3].ifd_index)];
  std::set<uint64_t> allowed(ovr.block_offsets().begin(), ovr.block_offsets().end());
  auto ranges = rec->ranges();
  ASSERT_FALSE(ranges.empty());
  for (const ByteRange& r : ranges)
    EXPECT_EQ(allowed.count(r.offset), 1u) << "read at " << r.offset;
}

TEST(ResampleRead, TransformIsScaledWindowTransform) {
  auto ds = Dataset::Open(test::DataPath(kOvrFile));
  ASSERT_TRUE(ds.ok());
  ReadOptions o;
  o.window = geo::Window{67, 81, 24, 18};
  o.out_shape = std::make_pair(41, 55);
  auto arr = (*ds)->Read(o);
  ASSERT_TRUE(arr.ok()) << arr.status().ToString();
  EXPECT_EQ(arr->height, 41u);
  EXPECT_EQ(arr->width, 55u);
  const geo::Affine t = (*ds)->transform();
  const geo::Affine want =
      geo::WindowTransform(*o.window, t) * geo::Affine::Scale(24.0 / 55, 18.0 / 41);
  EXPECT_DOUBLE_EQ(arr->transform.a, want.a);
  EXPECT_DOUBLE_EQ(arr->transform.e, want.e);
  EXPECT_DOUBLE_EQ(arr->transform.c, t.c + 67 * t.a);
  EXPECT_DOUBLE_EQ(arr->transform.f, t.f + 81 * t.e);
  // Whole image to 34 x 44: pixel size 312/44 by 240/34 (of the full-resolution pixels).
  o.window.reset();
  o.out_shape = std::make_pair(34, 44);
  auto whole = (*ds)->Read(o);
  ASSERT_TRUE(whole.ok());
  EXPECT_DOUBLE_EQ(whole->transform.a, t.a * 312.0 / 44.0);
  EXPECT_DOUBLE_EQ(whole->transform.e, t.e * 240.0 / 34.0);
}

TEST(ResampleRead, OverviewOptionResamplesFromThatLevel) {
  auto ds = Dataset::Open(test::DataPath(kOvrFile));
  ASSERT_TRUE(ds.ok());
  // Overview 0 (156 x 120) read at its own size is that overview.
  ReadOptions a;
  a.overview = 0;
  auto plain = (*ds)->Read(a);
  ASSERT_TRUE(plain.ok());
  a.out_shape = std::make_pair(120, 156);
  a.resampling = Resampling::kBilinear;
  auto same = (*ds)->Read(a);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->data, plain->data);
}

TEST(ResampleRead, ErrorsNameTheProblem) {
  auto ds = Dataset::Open(test::DataPath(kOvrFile));
  ASSERT_TRUE(ds.ok());
  ReadOptions o;
  o.out_shape = std::make_pair(0, 10);
  EXPECT_EQ((*ds)->Read(o).status().code(), Code::kInvalidArgument);
  o.out_shape = std::make_pair(10, 10);
  o.window = geo::Window{300, 0, 20, 10};
  const Status outside = (*ds)->Read(o).status();
  EXPECT_EQ(outside.code(), Code::kOutOfRange);
  EXPECT_NE(outside.message().find("window (300, 0, 20, 10) is outside the image (312 x 240)"),
            std::string::npos)
      << outside.message();
  o.boundless = true;
  EXPECT_EQ((*ds)->Read(o).status().code(), Code::kUnsupported);
  o.boundless = false;
  o.window.reset();
  o.bands = {2};
  auto band = (*ds)->Read(o);
  EXPECT_EQ(band.status().code(), Code::kOutOfRange);
  o.bands = {1};
  OpenOptions small;
  small.limits.max_read_bytes = 1000;
  auto ds2 = Dataset::Open(test::DataPath(kOvrFile), small);
  ASSERT_TRUE(ds2.ok());
  o.out_shape = std::make_pair(100, 100);
  EXPECT_EQ((*ds2)->Read(o).status().code(), Code::kLimitExceeded);
}

TEST(ResampleRead, ResamplingNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(Resampling::kQ3); ++i) {
    const auto r = static_cast<Resampling>(i);
    auto parsed = ParseResampling(ResamplingName(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(ParseResampling("lanczos").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace cogr
