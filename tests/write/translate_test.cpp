// `cogr translate` end to end: run the built tool, then check the output with `cogr info --json`
// and with cogr's reader against the source.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "cogr/dataset.hpp"
#include "test_util.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

using nlohmann::json;

constexpr char kSource[] = "fixtures/dt_uint8_deflate_t128.tif";  // 200 x 169, EPSG:32618

using test::CliRun;

CliRun RunCogr(const test::ScratchDir& dir, const std::vector<std::string>& args) {
  return test::RunCogr(dir.path(), args);
}

TEST(WriteTranslate, ZstdWithOverviewsKeepsGeoreferencingAndPixels) {
  test::ScratchDir dir("translate_zstd");
  const std::string src = test::DataPath(kSource), out = dir.File("out.tif");
  CliRun r = RunCogr(
      dir, {"translate", src, "-o", out, "--compress", "zstd", "--overviews", "--blocksize", "64"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // not a terminal: no progress bar
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"out.tif"});

  CliRun info_out = RunCogr(dir, {"info", out, "--json"});
  CliRun info_src = RunCogr(dir, {"info", src, "--json"});
  ASSERT_EQ(info_out.exit_code, 0) << info_out.err;
  ASSERT_EQ(info_src.exit_code, 0) << info_src.err;
  const json o = json::parse(info_out.out), s = json::parse(info_src.out);
  EXPECT_EQ(o["compression"], "zstd");
  // 200 x 169 in 64-pixel tiles: 2x (100 x 85) does not fit one tile, 4x (50 x 43) does.
  EXPECT_EQ(o["overviews"], json::array({2, 4}));
  EXPECT_EQ(o["block_shape"], json::array({64, 64}));
  EXPECT_EQ(o["is_cog"], true);
  for (const char* key : {"transform", "crs_epsg", "crs_wkt", "width", "height", "count", "dtype",
                          "bounds", "nodata"}) {
    EXPECT_EQ(o[key], s[key]) << key;
  }

  auto a = Dataset::Open(src);
  auto b = Dataset::Open(out);
  ASSERT_TRUE(a.ok() && b.ok());
  auto pa = (*a)->Read(), pb = (*b)->Read();
  ASSERT_TRUE(pa.ok() && pb.ok());
  EXPECT_EQ(test::FirstDifference(*pa, *pb), -1);
  // The overviews are the average of the source pixels.
  ReadOptions ovr;
  ovr.overview = 1;
  auto level = (*b)->Read(ovr);
  ASSERT_TRUE(level.ok());
  EXPECT_EQ(level->width, 50u);
  EXPECT_EQ(level->height, 43u);
  uint32_t sum = 0;
  for (uint64_t y = 0; y < 4; ++y)
    for (uint64_t x = 0; x < 4; ++x) sum += pa->as<uint8_t>()[y * pa->width + x];
  EXPECT_EQ(level->as<uint8_t>()[0], static_cast<uint8_t>((sum + 8) / 16));
}

TEST(WriteTranslate, WindowAndBandsWithPredictor) {
  test::ScratchDir dir("translate_window");
  const std::string src = test::DataPath(kSource), out = dir.File("w.tif");
  CliRun r = RunCogr(dir, {"translate", src, "-o", out, "--window", "10,20,100,50", "--bands", "1",
                           "--compress", "lzw", "--predictor", "2", "--blocksize", "32"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto a = Dataset::Open(src);
  auto b = Dataset::Open(out);
  ASSERT_TRUE(a.ok() && b.ok());
  ReadOptions w;
  w.window = geo::Window{10, 20, 100, 50};
  auto pa = (*a)->Read(w), pb = (*b)->Read();
  ASSERT_TRUE(pa.ok() && pb.ok());
  EXPECT_EQ(test::FirstDifference(*pa, *pb), -1);
  // The window's transform: the source's moved to the window's corner.
  const geo::Affine& t = (*a)->transform();
  EXPECT_EQ((*b)->transform(), (geo::Affine{t.a, t.b, t.c + 10 * t.a, t.d, t.e, t.f + 20 * t.e}));
  EXPECT_EQ((*b)->compression(), "lzw");
  EXPECT_EQ((*b)->tiff().ifds[0].predictor(), 2);
  EXPECT_TRUE((*b)->overviews().empty());

  // Read and written 7 rows at a time (windows of the window): the same file.
  r = RunCogr(
      dir, {"translate", src, "-o", dir.File("w7.tif"), "--window", "10,20,100,50", "--bands", "1",
            "--compress", "lzw", "--predictor", "2", "--blocksize", "32", "--read-rows", "7"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::ReadFileBytes(out), test::ReadFileBytes(dir.File("w7.tif")));
}

TEST(WriteTranslate, SlabsGiveTheSameFileWithOverviews) {
  test::ScratchDir dir("translate_slabs");
  const std::string src = test::DataPath(kSource);
  for (const char* rows : {"5", "64", "1000"}) {
    CliRun r = RunCogr(
        dir, {"translate", src, "-o", dir.File(std::string("s") + rows + ".tif"), "--overviews",
              "--blocksize", "32", "--compress", "deflate", "--read-rows", rows});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto one = test::ReadFileBytes(dir.File("s1000.tif"));
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, test::ReadFileBytes(dir.File("s5.tif")));
  EXPECT_EQ(one, test::ReadFileBytes(dir.File("s64.tif")));
  auto ds = Dataset::Open(dir.File("s5.tif"));
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ((*ds)->overviews(), (std::vector<int>{2, 4, 8}));
}

TEST(WriteTranslate, FailuresPrintOneLineAndLeaveNoFile) {
  test::ScratchDir dir("translate_fail");
  const std::string src = test::DataPath(kSource);
  CliRun r = RunCogr(dir, {"translate", src, "-o", dir.File("missing/dir/out.tif")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("cogr: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);

  r = RunCogr(dir, {"translate", src, "-o", dir.File("x.tif"), "--window", "150,150,100,100"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("cogr: error: ", 0), 0u) << r.err;

  r = RunCogr(dir, {"translate", src, "-o", dir.File("x.tif"), "--window", "150,150,100,100"});
  EXPECT_EQ(r.err, "cogr: error: " + src +
                       ": window (150, 150, 100, 100) is outside the image (200 x 169)\n");

  r = RunCogr(dir, {"translate", src, "-o", dir.File("x.tif"), "--window", "0,0,0,10"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "cogr: error: --window: width and height must be > 0\n");

  r = RunCogr(dir, {"translate", src, "-o", dir.File("x.tif"), "--compress", "jpeg"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err,
      "cogr: error: translate: --compress: unknown compression 'jpeg' (expected none, deflate, zstd or lzw)\n");

  r = RunCogr(dir, {"translate", src, "-o", dir.File("x.tif"), "--predictor", "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("predictor 3 needs dtype float32 or float64, got uint8"), std::string::npos)
      << r.err;

  r = RunCogr(dir, {"translate", src});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "cogr: error: translate: missing output file (-o OUT.tif)\n");

  // The command line itself (the parser shared with xy, index, clip and bench).
  r = RunCogr(dir, {"translate", src, "-o", dir.File("x.tif"), "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "cogr: error: translate: unknown option '--bogus' (see 'cogr translate --help')\n");
  r = RunCogr(dir, {"translate", src, "extra.tif", "-o", dir.File("x.tif")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "cogr: error: translate: unexpected argument 'extra.tif'\n");
  r = RunCogr(dir, {"translate", src, "--overviews=yes", "-o", dir.File("x.tif")});
  EXPECT_EQ(r.err, "cogr: error: translate: --overviews: takes no value\n");
  r = RunCogr(dir, {"translate", "-o", dir.File("x.tif")});
  EXPECT_EQ(r.err, "cogr: error: translate: missing input PATH\n");
  r = RunCogr(dir, {"translate", src, "-o"});
  EXPECT_EQ(r.err, "cogr: error: translate: --output: missing value\n");

  r = RunCogr(dir, {"translate", dir.File("nope.tif"), "-o", dir.File("x.tif")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nope.tif"), std::string::npos) << r.err;
  EXPECT_TRUE(dir.Entries().empty());
}

TEST(WriteTranslate, HelpGoesToStdout) {
  test::ScratchDir dir("translate_help");
  CliRun r = RunCogr(dir, {"translate", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("usage: cogr translate PATH -o OUT.tif", 0), 0u) << r.out;
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace cogr
