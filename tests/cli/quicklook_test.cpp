// `cogr quicklook` end to end: the PNG it writes decodes (libpng) to cogr::Quicklook's array, the
// JPEG to the right size, the error lines, no partial output; and a remote COG over nginx costs
// one data request after the header.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_run_util.hpp"
#include "cogr/quicklook.hpp"
#include "io/server_suite.hpp"
#include "io/test_servers.hpp"
#include "read/image_decode_util.hpp"

namespace cogr {
namespace {

using test::CliFixture;
using test::CliRun;

TEST_F(CliFixture, QuicklookPngEqualsTheArray) {
#ifndef COGR_TEST_HAVE_PNG
  GTEST_SKIP() << "libpng was not found when the tests were built";
#else
  struct Case {
    const char* file;
    std::vector<std::string> flags;
    QuicklookOptions options;
  };
  QuicklookOptions rgb_alpha;
  rgb_alpha.size = 48;
  rgb_alpha.nodata_transparent = true;
  rgb_alpha.stretch = Stretch::kP2_98;
  QuicklookOptions bgr;
  bgr.size = 100;
  bgr.bands = {3, 2, 1};
  QuicklookOptions dflt;
  const std::vector<Case> cases = {
      {"sample.tif", {}, dflt},
      {"rasterio__cogeo.tif",
       {"--size", "48", "--nodata-transparent", "--stretch", "p2-98"},
       rgb_alpha},
      {"webp_rgb_lossless_t128.tif", {"--size", "100", "--bands", "3,2,1"}, bgr},
      {"resample/pal_u8.tif", {}, dflt},
      {"rasterio__RGBA.uint16.tif",
       {"--size", "48", "--nodata-transparent", "--stretch", "p2-98"},
       rgb_alpha},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    const std::string out = (dir_ / "q.png").string();
    std::vector<std::string> args = {"quicklook", test::DataPath(c.file), "-o", out};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    const CliRun r = Run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
    auto ds = Dataset::Open(test::DataPath(c.file));
    ASSERT_TRUE(ds.ok()) << ds.status().message();
    auto image = Quicklook(**ds, c.options);
    ASSERT_TRUE(image.ok()) << image.status().message();
    const test::DecodedImage png = test::DecodePngRgba(test::ReadFileBytes(out));
    ASSERT_TRUE(png.ok);
    EXPECT_EQ(png.width, image->width);
    EXPECT_EQ(png.height, image->height);
    EXPECT_TRUE(png.pixels == image->rgba);
    EXPECT_EQ(DirEntries(), std::vector<std::string>{"q.png"});
  }
#endif
}

TEST_F(CliFixture, QuicklookJpegHasTheQuicklookSize) {
#ifndef COGR_TEST_HAVE_JPEG
  GTEST_SKIP() << "libjpeg was not found when the tests were built";
#else
  // With the mask as alpha: the JPEG is the picture over black.
  const std::string in = test::DataPath("cog_u8_rgb_jpeg_mask_bs256.tif");
  const std::string out = (dir_ / "q.JPG").string();
  CliRun r = Run({"quicklook", in, "-o", out, "--size", "64", "--nodata-transparent"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const test::DecodedImage jpg = test::DecodeJpegRgb(test::ReadFileBytes(out));
  ASSERT_TRUE(jpg.ok);
  EXPECT_EQ(jpg.width, 64u);  // 540 x 390 -> 64 x 46
  EXPECT_EQ(jpg.height, 46u);
  EXPECT_EQ(jpg.channels, 3u);
#ifdef COGR_TEST_HAVE_PNG
  // Where the PNG is transparent, the JPEG is black (within JPEG's loss); elsewhere close to it.
  r = Run(
      {"quicklook", in, "-o", (dir_ / "q.png").string(), "--size", "64", "--nodata-transparent"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const test::DecodedImage png =
      test::DecodePngRgba(test::ReadFileBytes((dir_ / "q.png").string()));
  ASSERT_TRUE(png.ok);
  ASSERT_EQ(png.pixels.size() / 4, jpg.pixels.size() / 3);
  double transparent = 0, transparent_sum = 0, opaque = 0, opaque_diff = 0;
  for (size_t i = 0; i < jpg.pixels.size() / 3; ++i) {
    for (size_t c = 0; c < 3; ++c) {
      if (png.pixels[i * 4 + 3] == 0) {
        transparent += 1;
        transparent_sum += jpg.pixels[i * 3 + c];
      } else if (png.pixels[i * 4 + 3] == 255) {
        opaque += 1;
        opaque_diff += std::abs(int{jpg.pixels[i * 3 + c]} - int{png.pixels[i * 4 + c]});
      }
    }
  }
  ASSERT_GT(transparent, 300.0) << "the file's mask has a collar";
  EXPECT_LT(transparent_sum / transparent, 8.0);
  EXPECT_LT(opaque_diff / opaque, 12.0);
#endif
#endif
}

TEST_F(CliFixture, QuicklookErrorLines) {
  const std::string in = test::DataPath("sample.tif");
  const std::string out = (dir_ / "q.png").string();
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"quicklook", in, "-o", out, "--bands", "1,2"},
       2,
       "cogr: error: quicklook: --bands: expected 1 band (grey or paletted) or 3 (red,green,blue), got 2\n"},
      {{"quicklook", in, "-o", out, "--bands", "x"}, 2, ""},
      {{"quicklook", in, "-o", out, "--stretch", "p5-95"},
       2,
       "cogr: error: quicklook: --stretch: unknown stretch 'p5-95' (expected minmax or p2-98)\n"},
      {{"quicklook", in, "-o", out, "--size", "20000"},
       2,
       "cogr: error: quicklook: --size: expected an integer in 1..16384, got '20000'\n"},
      {{"quicklook", in, "-o", out, "--size", "0"},
       2,
       "cogr: error: quicklook: --size: expected an integer in 1..16384, got '0'\n"},
      {{"quicklook", in, "-o", (dir_ / "q.gif").string()},
       2,
       "cogr: error: quicklook: output must end in .png, .jpg or .jpeg, got '" +
           (dir_ / "q.gif").string() + "'\n"},
      {{"quicklook", in},
       2,
       "cogr: error: quicklook: missing output file (-o OUT.png or -o OUT.jpg)\n"},
      {{"quicklook", in, "-o", out, "--bands", "5"},
       1,
       "cogr: error: " + in + ": band 5 out of range (file has 4 bands)\n"},
      {{"quicklook", test::DataPath("dt_cint16_none_strip16.tif"), "-o", out},
       1,
       "cogr: error: " + test::DataPath("dt_cint16_none_strip16.tif") +
           ": quicklook of complex_int16 data is not supported\n"},
      {{"quicklook", in, "-o", (dir_ / "missing" / "q.png").string()}, 1, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args.back());
    const CliRun r = Run(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_EQ(r.out, "");
    if (c.err.empty()) {
      EXPECT_EQ(r.err.rfind("cogr: error: ", 0), 0u) << r.err;
      EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    } else {
      EXPECT_EQ(r.err, c.err);
    }
    EXPECT_TRUE(DirEntries().empty()) << "no output, no temporary file";
  }
  // Outputs that cannot be written: under a regular file, and a directory.
  WriteText("file", "x");
  CliRun r = Run({"quicklook", in, "-o", (dir_ / "file" / "q.png").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err.rfind("cogr: error: " + (dir_ / "file" / "q.png").string() + ": ", 0), 0u)
      << r.err;
  std::filesystem::create_directories(dir_ / "d.png");
  r = Run({"quicklook", in, "-o", (dir_ / "d.png").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, "cogr: error: " + (dir_ / "d.png").string() + ": is a directory\n");
  EXPECT_EQ(DirEntries(), (std::vector<std::string>{"d.png", "file"}));
}

// nginx serves tests/data. This COG (240 x 180 float32 LERC, nodata NaN, no mask, 114723 bytes:
// more than the 32 KiB first read) has a 120 x 90 overview in one 128 x 128 tile.
constexpr const char* kRemoteCog = "fixtures/cog_f32_lerc_nan_nodata_bs128.tif";
// 1024 x 1024 JPEG COG with an internal mask and overviews 2..64.
constexpr const char* kRemoteMaskedCog = "fixtures/rasterio__cogeo.tif";

class QuicklookRemote : public test::ServerSuite<QuicklookRemote, test::NginxServer, CliFixture> {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    if (!test::HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
    ASSERT_TRUE(ServerStarted()) << StartError();
    ::unsetenv("COGR_HEADER_CACHE_DIR");
  }
  std::string Url(const std::string& tag, const char* file = kRemoteCog) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return server_->Url(file) + "?t=" + info->name() + "-" + tag;
  }
};

TEST_F(QuicklookRemote, OneDataRequestAfterTheHeader) {
  // A first read of 4 KiB: the header, but not the overview's tile (a COG keeps the smallest
  // overviews' tiles right after the header, inside the default 32 KiB first read).
  OpenOptions open;
  open.block_cache_bytes = 0;
  open.header_read_bytes = 4096;
  auto ds = Dataset::Open(Url("lib"), open);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  const io::IoStats after_open = (*ds)->io_stats();
  EXPECT_EQ(after_open.requests, 1u);  // the header
  EXPECT_EQ(after_open.bytes_fetched, 4096u);
  QuicklookOptions options;
  options.size = 120;  // the 120 x 90 overview (factor 2): one tile
  const size_t before = server_->RequestCount();
  auto image = Quicklook(**ds, options);
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ((*ds)->io_stats().requests - after_open.requests, 1u);
  EXPECT_EQ(server_->RequestCount() - before, 1u);
  EXPECT_EQ(image->width, 120u);
  EXPECT_EQ(image->height, 90u);
  // The same picture as the local file's.
  auto local = Dataset::Open(test::DataPath(kRemoteCog));
  ASSERT_TRUE(local.ok());
  auto local_image = Quicklook(**local, options);
  ASSERT_TRUE(local_image.ok());
  EXPECT_TRUE(image->rgba == local_image->rgba);

  // The CLI's first read (32 KiB) holds the header and that tile: one request in all, as
  // --stats and nginx's log say.
  const size_t cli_before = server_->RequestCount();
  const CliRun r =
      Run({"quicklook", Url("cli"), "-o", (dir_ / "r.png").string(), "--size", "120", "--stats"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json stats = nlohmann::json::parse(r.err, nullptr, false);
  ASSERT_TRUE(stats.is_object()) << r.err;
  EXPECT_EQ(stats["requests"], 1);
  EXPECT_EQ(server_->RequestCount() - cli_before, 1u);
}

TEST_F(QuicklookRemote, InternalMaskCostsOneMoreRequest) {
  // The header, the 256 x 256 overview's tile, then its mask tile (whose zeros are left out of the
  // stretch): two data requests.
  const size_t before = server_->RequestCount();
  const CliRun r = Run({"quicklook", Url("cli", kRemoteMaskedCog), "-o", (dir_ / "m.png").string(),
                        "--size", "256", "--stats"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json stats = nlohmann::json::parse(r.err, nullptr, false);
  ASSERT_TRUE(stats.is_object()) << r.err;
  EXPECT_EQ(stats["requests"], 3);
  EXPECT_EQ(server_->RequestCount() - before, 3u);
}

TEST_F(QuicklookRemote, AlphaBandIsReadWithTheColours) {
  // 200 x 169 RGBA (pixel-interleaved, alpha band, no overviews): the alpha comes from the same
  // tiles as red, green and blue, fetched once: the header, then one request for the 2 x 2 tiles.
  const size_t before = server_->RequestCount();
  const CliRun r = Run({"quicklook", Url("cli", "fixtures/rgba_u8_pixel_alpha_deflate_t128.tif"),
                        "-o", (dir_ / "a.png").string(), "--size", "64", "--stats"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json stats = nlohmann::json::parse(r.err, nullptr, false);
  ASSERT_TRUE(stats.is_object()) << r.err;
  EXPECT_EQ(stats["requests"], 2);
  EXPECT_EQ(server_->RequestCount() - before, 2u);
#ifdef COGR_TEST_HAVE_PNG
  const test::DecodedImage png =
      test::DecodePngRgba(test::ReadFileBytes((dir_ / "a.png").string()));
  ASSERT_TRUE(png.ok);
  size_t transparent = 0;
  for (size_t i = 3; i < png.pixels.size(); i += 4) transparent += png.pixels[i] == 0;
  EXPECT_GT(transparent, 0u);
#endif
}

}  // namespace
}  // namespace cogr
