// cogr::Quicklook: the recorded answers of the fixture set (scripts/record_quicklook_fixtures.py,
// from rasterio reads and the stretches of docs/quicklook.md), the stretch definitions on small
// synthetic files, and the PNG/JPEG encoders decoded back with libpng and libjpeg.
#include "cogr/quicklook.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cogr/write.hpp"
#include "read/image_decode_util.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

using nlohmann::json;

// The largest per-channel difference, or -1 when the shapes differ.
int MaxDifference(const QuicklookImage& image, const std::vector<uint8_t>& expected_rgba,
                  uint64_t h, uint64_t w, size_t* where = nullptr) {
  if (image.height != h || image.width != w || image.rgba.size() != expected_rgba.size()) return -1;
  int worst = 0;
  for (size_t i = 0; i < expected_rgba.size(); ++i) {
    const int d = std::abs(int{image.rgba[i]} - int{expected_rgba[i]});
    if (d > worst) {
      worst = d;
      if (where) *where = i;
    }
  }
  return worst;
}

TEST(QuicklookFixtures, MatchRecordedAnswersWithinOne) {
  const json manifest = json::parse(test::ReadFileText(test::DataPath("quicklook/manifest.json")));
  ASSERT_GE(manifest["cases"].size(), 150u);
  size_t checked = 0, paletted = 0, with_alpha = 0;
  for (const json& c : manifest["cases"]) {
    const std::string file = c["file"];
    const std::string npy_name = c["npy"];
    SCOPED_TRACE(file + " -> " + npy_name);
    auto ds = Dataset::Open(test::DataPath(file));
    ASSERT_TRUE(ds.ok()) << ds.status().message();
    QuicklookOptions options;
    options.size = c["size"];
    options.bands = c["bands"].get<std::vector<int>>();
    options.stretch = *ParseStretch(c["stretch"].get<std::string>());
    options.nodata_transparent = c["nodata_transparent"];
    auto image = Quicklook(**ds, options);
    ASSERT_TRUE(image.ok()) << image.status().message();
    const test::Npy npy = test::LoadNpy(test::DataPath("quicklook/" + npy_name));
    ASSERT_TRUE(npy.ok) << npy.error;
    ASSERT_EQ(npy.descr, "|u1");
    ASSERT_EQ(npy.shape.size(), 3u);
    ASSERT_EQ(npy.shape[2], 4u);
    size_t where = 0;
    const int diff = MaxDifference(*image, npy.data, npy.shape[0], npy.shape[1], &where);
    EXPECT_GE(diff, 0) << "shape " << image->height << "x" << image->width << ", expected "
                       << npy.shape[0] << "x" << npy.shape[1];
    EXPECT_LE(diff, 1) << "pixel " << where / 4 << " channel " << where % 4 << ": "
                       << int{image->rgba[where]} << " vs " << int{npy.data[where]};
    ++checked;
    if (file.find("pal_") != std::string::npos) ++paletted;
    for (size_t i = 3; i < npy.data.size(); i += 4) {
      if (npy.data[i] != 255) {
        ++with_alpha;
        break;
      }
    }
  }
  EXPECT_EQ(checked, manifest["cases"].size());
  EXPECT_GE(paletted, 6u);
  EXPECT_GE(with_alpha, 20u);
}

TEST(QuicklookShape, LongestSideAndAspect) {
  EXPECT_EQ(QuicklookShape(1024, 1024, 512), (std::pair<uint64_t, uint64_t>{512, 512}));
  EXPECT_EQ(QuicklookShape(540, 390, 64), (std::pair<uint64_t, uint64_t>{46, 64}));   // 46.2
  EXPECT_EQ(QuicklookShape(71, 2475, 64), (std::pair<uint64_t, uint64_t>{64, 2}));    // 1.84 -> 2
  EXPECT_EQ(QuicklookShape(20000, 3, 100), (std::pair<uint64_t, uint64_t>{1, 100}));  // at least 1
  EXPECT_EQ(QuicklookShape(30, 20, 512), (std::pair<uint64_t, uint64_t>{20, 30}));  // not enlarged
  EXPECT_EQ(QuicklookShape(2, 1, 3), (std::pair<uint64_t, uint64_t>{1, 2}));
}

// A small GeoTIFF of one float64 band (or more) in a scratch directory.
class QuicklookSynthetic : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cogr_quicklook_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::shared_ptr<Dataset> Make(const std::vector<std::vector<double>>& bands, uint64_t width,
                                std::optional<double> nodata = std::nullopt) {
    Array a;
    a.dtype = DataType::kFloat64;
    a.bands = bands.size();
    a.width = width;
    a.height = bands[0].size() / width;
    a.data.resize(bands.size() * bands[0].size() * sizeof(double));
    for (size_t b = 0; b < bands.size(); ++b) {
      std::memcpy(a.as<double>() + b * bands[0].size(), bands[b].data(),
                  bands[b].size() * sizeof(double));
    }
    write::Profile p;
    p.width = a.width;
    p.height = a.height;
    p.count = static_cast<int>(a.bands);
    p.dtype = a.dtype;
    p.nodata = nodata;
    p.blockxsize = p.blockysize = 16;
    const std::string path = (dir_ / ("f" + std::to_string(n_++) + ".tif")).string();
    Status st = write::WriteGeoTiff(path, p, a);
    EXPECT_TRUE(st.ok()) << st.message();
    auto ds = Dataset::Open(path);
    EXPECT_TRUE(ds.ok()) << ds.status().message();
    return ds.ok() ? *ds : nullptr;
  }
  // Channel c of every pixel.
  static std::vector<int> Channel(const QuicklookImage& im, size_t c) {
    std::vector<int> v;
    for (size_t i = c; i < im.rgba.size(); i += 4) v.push_back(im.rgba[i]);
    return v;
  }

  std::filesystem::path dir_;
  int n_ = 0;
};

TEST_F(QuicklookSynthetic, MinMaxIsLinearRoundedHalfUp) {
  // (v - 10) / 40 * 255: 0, 63.75, 127.5, 191.25, 255 -> 0, 64, 128, 191, 255.
  auto ds = Make({{10, 20, 30, 40, 50}}, 5);
  auto im = Quicklook(*ds);
  ASSERT_TRUE(im.ok()) << im.status().message();
  EXPECT_EQ(Channel(*im, 0), (std::vector<int>{0, 64, 128, 191, 255}));
  EXPECT_EQ(Channel(*im, 1), Channel(*im, 0));  // grey
  EXPECT_EQ(Channel(*im, 2), Channel(*im, 0));
  EXPECT_EQ(Channel(*im, 3), (std::vector<int>{255, 255, 255, 255, 255}));
}

TEST_F(QuicklookSynthetic, NodataAndNanAreLeftOutOfTheStretch) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto ds = Make({{-9999, 0, 5, 10, nan}}, 5, -9999.0);
  QuicklookOptions o;
  auto im = Quicklook(*ds, o);
  ASSERT_TRUE(im.ok()) << im.status().message();
  // min 0, max 10; nodata below the range clips to 0, NaN is 0.
  EXPECT_EQ(Channel(*im, 0), (std::vector<int>{0, 0, 128, 255, 0}));
  EXPECT_EQ(Channel(*im, 3), (std::vector<int>{255, 255, 255, 255, 255}));
  o.nodata_transparent = true;
  im = Quicklook(*ds, o);
  ASSERT_TRUE(im.ok()) << im.status().message();
  EXPECT_EQ(Channel(*im, 3), (std::vector<int>{0, 255, 255, 255, 0}));  // nodata and NaN
}

TEST_F(QuicklookSynthetic, P2_98UsesLinearPercentilesAndClips) {
  // 0..100: p2 = 2, p98 = 98 (numpy linear); 0 and 1 clip to 0, 99 and 100 to 255.
  std::vector<double> v;
  for (int i = 0; i <= 100; ++i) v.push_back(i);
  auto ds = Make({v}, 101);
  QuicklookOptions o;
  o.stretch = Stretch::kP2_98;
  auto im = Quicklook(*ds, o);
  ASSERT_TRUE(im.ok()) << im.status().message();
  const std::vector<int> g = Channel(*im, 0);
  EXPECT_EQ(g[0], 0);
  EXPECT_EQ(g[2], 0);
  EXPECT_EQ(g[50], 128);  // (50 - 2) / 96 * 255 = 127.5
  EXPECT_EQ(g[98], 255);
  EXPECT_EQ(g[100], 255);
  // Interpolated percentiles: 5 values 0, 10, 20, 30, 40 -> p2 = 0.8, p98 = 39.2.
  ds = Make({{0, 10, 20, 30, 40}}, 5);
  im = Quicklook(*ds, o);
  ASSERT_TRUE(im.ok()) << im.status().message();
  // (10 - 0.8) / 38.4 * 255 = 61.09; (30 - 0.8) / 38.4 * 255 = 193.9; (20 - 0.8) / 38.4 * 255 is
  // 127.5 on paper but 127.4999... in doubles (0.8 and 39.2 are inexact): 127, as numpy gives.
  EXPECT_EQ(Channel(*im, 0), (std::vector<int>{0, 61, 127, 194, 255}));
}

TEST_F(QuicklookSynthetic, ConstantBandIsBlackAndThreeBandsAreRgb) {
  auto ds = Make({{7, 7, 7}, {1, 2, 3}, {3, 2, 1}}, 3);
  auto im = Quicklook(*ds);
  ASSERT_TRUE(im.ok()) << im.status().message();
  EXPECT_EQ(Channel(*im, 0), (std::vector<int>{0, 0, 0}));  // min == max
  EXPECT_EQ(Channel(*im, 1), (std::vector<int>{0, 128, 255}));
  EXPECT_EQ(Channel(*im, 2), (std::vector<int>{255, 128, 0}));
  QuicklookOptions o;
  o.bands = {3, 2, 1};
  im = Quicklook(*ds, o);
  ASSERT_TRUE(im.ok()) << im.status().message();
  EXPECT_EQ(Channel(*im, 0), (std::vector<int>{255, 128, 0}));
  EXPECT_EQ(Channel(*im, 2), (std::vector<int>{0, 0, 0}));
}

TEST_F(QuicklookSynthetic, BadOptionsAreErrors) {
  auto ds = Make({{1, 2}, {3, 4}}, 2);
  QuicklookOptions o;
  o.bands = {1, 2};
  auto im = Quicklook(*ds, o);
  ASSERT_FALSE(im.ok());
  EXPECT_EQ(im.status().code(), Code::kInvalidArgument);
  EXPECT_NE(im.status().message().find("got 2"), std::string::npos) << im.status().message();
  o.bands = {3};
  im = Quicklook(*ds, o);
  ASSERT_FALSE(im.ok());
  EXPECT_EQ(im.status().code(), Code::kOutOfRange);
  EXPECT_NE(im.status().message().find("band 3 out of range (file has 2 bands)"), std::string::npos)
      << im.status().message();
  o.bands = {};
  o.size = kMaxQuicklookSize + 1;
  im = Quicklook(*ds, o);
  ASSERT_FALSE(im.ok());
  EXPECT_EQ(im.status().message(), "quicklook size 16385 out of range (1..16384)");
  o.size = 0;
  EXPECT_EQ(Quicklook(*ds, o).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseStretch("p5-95").status().message(),
            "unknown stretch 'p5-95' (expected minmax or p2-98)");
  EXPECT_EQ(StretchName(*ParseStretch("p2-98")), "p2-98");
}

TEST(QuicklookErrors, ComplexDataIsUnsupported) {
  auto ds = Dataset::Open(test::DataPath("dt_cint16_none_strip16.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  auto im = Quicklook(**ds);
  ASSERT_FALSE(im.ok());
  EXPECT_EQ(im.status().code(), Code::kUnsupported);
  EXPECT_NE(im.status().message().find("quicklook of complex_int16 data is not supported"),
            std::string::npos)
      << im.status().message();
}

TEST(QuicklookErrors, DeadlineAndCancelStopTheReads) {
  auto ds = Dataset::Open(test::DataPath("sample.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  QuicklookOptions o;
  o.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  auto im = Quicklook(**ds, o);
  ASSERT_FALSE(im.ok());
  EXPECT_EQ(im.status().code(), Code::kCancelled);
  EXPECT_NE(im.status().message().find("read deadline exceeded"), std::string::npos)
      << im.status().message();
  o.deadline.reset();
  o.cancel = std::make_shared<CancelToken>();
  o.cancel->Cancel();
  im = Quicklook(**ds, o);
  ASSERT_FALSE(im.ok());
  EXPECT_EQ(im.status().code(), Code::kCancelled);
}

[[maybe_unused]] QuicklookImage TestImage() {
  QuicklookImage im;
  im.width = 37;
  im.height = 21;
  for (uint64_t y = 0; y < im.height; ++y) {
    for (uint64_t x = 0; x < im.width; ++x) {
      im.rgba.push_back(static_cast<uint8_t>(x * 7));
      im.rgba.push_back(static_cast<uint8_t>(y * 12));
      im.rgba.push_back(static_cast<uint8_t>(128));
      im.rgba.push_back(static_cast<uint8_t>(x < 5 ? 0 : 255));
    }
  }
  return im;
}

TEST(QuicklookEncode, PngDecodesToTheSamePixels) {
#ifndef COGR_TEST_HAVE_PNG
  GTEST_SKIP() << "libpng was not found when the tests were built";
#else
  QuicklookImage im = TestImage();
  auto png = EncodePng(im);
  ASSERT_TRUE(png.ok()) << png.status().message();
  ASSERT_GT(png->size(), 8u);
  EXPECT_EQ(std::string(png->begin() + 1, png->begin() + 4), "PNG");
  test::DecodedImage back = test::DecodePngRgba(*png);
  ASSERT_TRUE(back.ok);
  EXPECT_EQ(back.width, im.width);
  EXPECT_EQ(back.height, im.height);
  EXPECT_EQ(back.pixels, im.rgba);
  // Opaque: written as RGB, read back with alpha 255.
  for (size_t i = 3; i < im.rgba.size(); i += 4) im.rgba[i] = 255;
  png = EncodePng(im);
  ASSERT_TRUE(png.ok()) << png.status().message();
  EXPECT_EQ((*png)[25], 2) << "colour type RGB";  // IHDR colour type byte
  back = test::DecodePngRgba(*png);
  ASSERT_TRUE(back.ok);
  EXPECT_EQ(back.pixels, im.rgba);
#endif
}

TEST(QuicklookEncode, JpegIsRgbOverBlack) {
#ifndef COGR_TEST_HAVE_JPEG
  GTEST_SKIP() << "libjpeg was not found when the tests were built";
#else
  const QuicklookImage im = TestImage();
  auto jpg = EncodeJpeg(im, 95);
  ASSERT_TRUE(jpg.ok()) << jpg.status().message();
  const test::DecodedImage back = test::DecodeJpegRgb(*jpg);
  ASSERT_TRUE(back.ok);
  EXPECT_EQ(back.width, im.width);
  EXPECT_EQ(back.height, im.height);
  const std::vector<uint8_t>& rgb = back.pixels;
  // Lossy: compare with the picture composited over black, on average.
  double sum = 0;
  for (size_t i = 0; i < im.width * im.height; ++i) {
    for (size_t c = 0; c < 3; ++c) {
      const int expected = im.rgba[i * 4 + 3] == 0 ? 0 : im.rgba[i * 4 + c];
      sum += std::abs(int{rgb[i * 3 + c]} - expected);
    }
  }
  EXPECT_LT(sum / static_cast<double>(rgb.size()), 4.0);
  EXPECT_EQ(EncodeJpeg(im, 0).status().message(), "JPEG quality 0 out of range (1..100)");
#endif
}

TEST(QuicklookEncode, BadImagesAreErrors) {
  QuicklookImage im;
  im.width = 2;
  im.height = 2;
  im.rgba.resize(15);
  EXPECT_EQ(EncodePng(im).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(EncodeJpeg(im).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace cogr
