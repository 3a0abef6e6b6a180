// End-to-end tests of the `cogr` tool: run the built binary (COGR_CLI_PATH) on fixture files and
// check its output, exit status, stderr line and the files it leaves behind.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "cogr/codec.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr char kUint8File[] = "fixtures/dt_uint8_deflate_t128.tif";
constexpr char kUint8Json[] = "fixtures/expected/dt_uint8_deflate_t128.json";

using RunResult = test::CliRun;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("cogr_cli_e2e_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `cogr args...` with stdout and stderr captured in files of the test directory.
  RunResult Run(const std::vector<std::string>& args) { return test::RunCogr(dir_, args); }

  // Files in the test directory (after Run removed its capture files).
  std::vector<std::string> DirEntries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

// A failure prints exactly one line, "cogr: error: ...", and nothing on stdout.
void ExpectOneErrorLine(const RunResult& r) {
  EXPECT_EQ(r.out, "");
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.rfind("cogr: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.back(), '\n');
}

TEST_F(CliTest, VersionPrintsVersionAndCodecs) {
  RunResult r = Run({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  std::string codecs;
  for (const std::string& c : codec::SupportedCodecs()) codecs += (codecs.empty() ? "" : ", ") + c;
  EXPECT_EQ(r.out, "cogr 0.1.0\ncodecs: " + codecs + "\n");
  EXPECT_EQ(r.out.find("codecs: none, deflate"), 11u);
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, HelpGoesToStdoutWithStatusZero) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--help"},
                                               {"-h"},
                                               {"info", "--help"},
                                               {"read", "--help"},
                                               {"read", "x.tif", "-h"}}) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_EQ(r.out.rfind("usage: cogr", 0), 0u) << r.out;
    EXPECT_EQ(r.err, "");
  }
  EXPECT_NE(Run({"read", "--help"}).out.find("--window C,R,W,H"), std::string::npos);
  EXPECT_NE(Run({"info", "--help"}).out.find("--json"), std::string::npos);
}

TEST_F(CliTest, UsageErrorsExitTwoWithOneLine) {
  RunResult r = Run({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "cogr: error: unknown command 'frobnicate' (see 'cogr --help' for the commands)\n");
  EXPECT_EQ(r.out, "");

  r = Run({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "cogr: error: missing command (see 'cogr --help')\n");

  r = Run({"info", test::DataPath(kUint8File), "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "cogr: error: info: unknown option '--bogus' (see 'cogr info --help')\n");
}

TEST_F(CliTest, InfoJsonMatchesFixtureContract) {
  RunResult r = Run({"info", test::DataPath(kUint8File), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // One line, then a newline.
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.back(), '\n');
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);

  ordered_json got = ordered_json::parse(r.out);
  ASSERT_TRUE(got.is_object());
  // The contract keys come first, in this order.
  const std::vector<std::string> kKeys = {
      "width",    "height",  "count",     "dtype",  "block_shape", "compression", "interleave",
      "crs_epsg", "crs_wkt", "transform", "nodata", "overviews",   "bounds",      "is_cog"};
  std::vector<std::string> keys;
  for (auto it = got.begin(); it != got.end(); ++it) keys.push_back(it.key());
  ASSERT_GE(keys.size(), kKeys.size());
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + kKeys.size()), kKeys);

  json fixture = json::parse(test::ReadFileText(test::DataPath(kUint8Json)));
  const json& contract = fixture["contract"];
  for (const auto& [key, want] : contract.items()) {
    ASSERT_TRUE(got.contains(key)) << key;
    json value = json::parse(got[key].dump());
    bool ok = value == want;
    if (!ok && fixture["accept"].contains(key)) {
      for (const json& alt : fixture["accept"][key]) ok = ok || value == alt;
    }
    EXPECT_TRUE(ok) << key << ": got " << value.dump() << ", want " << want.dump();
  }
  EXPECT_EQ(got["is_cog"].type(), json::value_t::boolean);
  EXPECT_TRUE(got["interleave"] == "pixel" || got["interleave"] == "band") << got["interleave"];
  // Integers print as integers and doubles keep their ".0", as Python prints them.
  EXPECT_NE(r.out.find("\"width\": 200, \"height\": 169, \"count\": 1, \"dtype\": \"uint8\", "
                       "\"block_shape\": [128, 128], \"compression\": \"deflate\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"transform\": [10.0, 0.0, 583020.0, 0.0, -10.0, 4507980.0], "
                       "\"nodata\": null, \"overviews\": [], "
                       "\"bounds\": [583020.0, 4506290.0, 585020.0, 4507980.0]"),
            std::string::npos)
      << r.out;
}

TEST_F(CliTest, InfoJsonNodataSpecialValues) {
  // NaN nodata is the string "nan"; a float32 nodata keeps all its digits.
  RunResult r =
      Run({"info", test::DataPath("fixtures/cog_f32_lerc_nan_nodata_bs128.tif"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"nodata\": \"nan\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"overviews\": [2]"), std::string::npos) << r.out;

  r = Run({"info", test::DataPath("fixtures/rasterio__float_raster_with_nodata.tif"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"nodata\": -3.3999999521443642e+38"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"block_shape\": [12, 13]"), std::string::npos) << r.out;
}

TEST_F(CliTest, InfoTextSummary) {
  RunResult r = Run({"info", test::DataPath(kUint8File)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* want :
       {"Driver:      GTiff/GeoTIFF\n", "Size:        200 x 169 pixels (width x height)\n",
        "Bands:       1\n", "Data type:   uint8\n", "Block:       128 x 128 (width x height)\n",
        "Compression: deflate\n", "CRS:         EPSG:32618 (WGS 84 / UTM zone 18N)\n",
        "             PROJCS[\"WGS 84 / UTM zone 18N\",",
        "Transform:   (10.0, 0.0, 583020.0, 0.0, -10.0, 4507980.0)\n",
        "Resolution:  (10.0, 10.0)\n",
        "Bounds:      left 583020.0, bottom 4506290.0, right 585020.0, top 4507980.0\n",
        "NoData:      none\n", "Overviews:   none\n", "Mask:        none\n"}) {
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n--- in ---\n" << r.out;
  }
}

TEST_F(CliTest, ReadWindowEqualsExpectedNpyBytes) {
  std::string out = dir_ / "edge.npy";
  RunResult r = Run(
      {"read", test::DataPath(kUint8File), "--bands", "1", "--window", "85,85,115,84", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  std::vector<uint8_t> want = test::ReadFileBytes(
      test::DataPath("fixtures/expected/dt_uint8_deflate_t128.window_edge.npy"));
  ASSERT_FALSE(want.empty());
  EXPECT_TRUE(test::ReadFileBytes(out) == want) << "bytes differ from numpy's file";
  EXPECT_EQ(DirEntries(), std::vector<std::string>{"edge.npy"});
}

TEST_F(CliTest, ReadWholeImageEqualsExpectedNpyBytes) {
  std::string out = dir_ / "full.npy";
  RunResult r = Run({"read", test::DataPath(kUint8File), "--output", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<uint8_t> want =
      test::ReadFileBytes(test::DataPath("fixtures/expected/dt_uint8_deflate_t128.full_b1.npy"));
  ASSERT_FALSE(want.empty());
  EXPECT_TRUE(test::ReadFileBytes(out) == want) << "bytes differ from numpy's file";
}

TEST_F(CliTest, ReadComplexInt16WritesComplex64LikeRasterio) {
  // numpy has no complex-integer scalar: rasterio returns complex_int16 as complex64, and the
  // .npy holds exactly that (the integer parts converted losslessly to float32).
  std::string out = dir_ / "c.npy";
  RunResult r = Run({"read", test::DataPath("fixtures/dt_cint16_none_strip16.tif"), "--window",
                     "81,61,40,33", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  test::Npy got = test::LoadNpy(out);
  ASSERT_TRUE(got.ok) << got.error;
  EXPECT_EQ(got.descr, "<c8");
  EXPECT_EQ(got.shape, (std::vector<uint64_t>{1, 33, 40}));
  test::Npy want =
      test::LoadNpy(test::DataPath("fixtures/expected/dt_cint16_none_strip16.window_edge.npy"));
  ASSERT_TRUE(want.ok) << want.error;
  EXPECT_TRUE(got.data == want.data) << "values differ from rasterio's complex64 array";
}

TEST_F(CliTest, ReadBoundlessFillsOutside) {
  std::string out = dir_ / "b.npy";
  RunResult r = Run({"read", test::DataPath(kUint8File), "--window", "-10,-5,20,15", "--boundless",
                     "--fill", "7", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  test::Npy got = test::LoadNpy(out);
  test::Npy full =
      test::LoadNpy(test::DataPath("fixtures/expected/dt_uint8_deflate_t128.full_b1.npy"));
  ASSERT_TRUE(got.ok && full.ok) << got.error << full.error;
  ASSERT_EQ(got.shape, (std::vector<uint64_t>{1, 15, 20}));
  ASSERT_EQ(full.shape, (std::vector<uint64_t>{1, 169, 200}));
  for (int row = 0; row < 15; ++row) {
    for (int col = 0; col < 20; ++col) {
      int src_row = row - 5, src_col = col - 10;
      uint8_t want =
          (src_row < 0 || src_col < 0) ? 7 : full.data[size_t(src_row) * 200 + size_t(src_col)];
      ASSERT_EQ(got.data[size_t(row) * 20 + size_t(col)], want) << row << "," << col;
    }
  }
}

TEST_F(CliTest, MissingFileIsOneErrorLineNamingIt) {
  std::string missing = dir_ / "no_such_file.tif";
  RunResult r = Run({"info", missing, "--json"});
  EXPECT_EQ(r.exit_code, 1);
  ExpectOneErrorLine(r);
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;

  std::string out = dir_ / "o.npy";
  r = Run({"read", missing, "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  ExpectOneErrorLine(r);
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
  EXPECT_TRUE(DirEntries().empty());
}

TEST_F(CliTest, NotATiffIsOneErrorLine) {
  std::string path = dir_ / "text.tif";
  std::ofstream(path) << "this is not a tiff file at all\n";
  RunResult r = Run({"info", path});
  EXPECT_EQ(r.exit_code, 1);
  ExpectOneErrorLine(r);
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
}

TEST_F(CliTest, BadWindowCreatesNoOutput) {
  std::string out = dir_ / "o.npy";
  // Not four integers: a usage error.
  RunResult r = Run({"read", test::DataPath(kUint8File), "--window", "1,2,x,4", "-o", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "cogr: error: --window: expected an integer, got 'x' in '1,2,x,4'\n");
  // Negative offset without --boundless: a usage error too.
  r = Run({"read", test::DataPath(kUint8File), "--window", "-1,0,5,5", "-o", out});
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneErrorLine(r);
  // Outside the image: the read fails.
  r = Run({"read", test::DataPath(kUint8File), "--window", "300,0,10,10", "-o", out});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, -1);
  ExpectOneErrorLine(r);
  // Band out of range.
  r = Run({"read", test::DataPath(kUint8File), "--bands", "2", "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  ExpectOneErrorLine(r);
  EXPECT_TRUE(DirEntries().empty());
}

TEST_F(CliTest, FailedReadKeepsExistingOutput) {
  std::string out = dir_ / "o.npy";
  std::ofstream(out) << "previous";
  RunResult r = Run({"read", test::DataPath(kUint8File), "--bands", "9", "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  ExpectOneErrorLine(r);
  EXPECT_EQ(test::ReadFileText(out), "previous");
  EXPECT_EQ(DirEntries(), std::vector<std::string>{"o.npy"});
}

TEST_F(CliTest, OutputInMissingDirectoryLeavesNothing) {
  std::string out = dir_ / "missing_dir" / "o.npy";
  RunResult r = Run({"read", test::DataPath(kUint8File), "--window", "0,0,10,10", "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  ExpectOneErrorLine(r);
  EXPECT_NE(r.err.find(out), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
  EXPECT_TRUE(DirEntries().empty());
}

TEST_F(CliTest, ReadOutShapeNearestEqualsExpectedNpyBytes) {
  std::string out = dir_ / "o.npy";
  RunResult r = Run({"read", test::DataPath(kUint8File), "--bands", "1", "--out-shape", "63,74",
                     "--resampling", "nearest", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<uint8_t> want = test::ReadFileBytes(
      test::DataPath("fixtures/expected/dt_uint8_deflate_t128.outshape_nearest.npy"));
  ASSERT_FALSE(want.empty());
  EXPECT_TRUE(test::ReadFileBytes(out) == want) << "bytes differ from numpy's file";
}

TEST_F(CliTest, ReadOutShapeBilinearHasTheShapeAndCloseValues) {
  std::string out = dir_ / "o.npy";
  RunResult r = Run({"read", test::DataPath(kUint8File), "--out-shape", "63,74", "--resampling",
                     "bilinear", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  test::Npy got = test::LoadNpy(out);
  test::Npy want = test::LoadNpy(
      test::DataPath("fixtures/expected/dt_uint8_deflate_t128.outshape_bilinear.npy"));
  ASSERT_TRUE(got.ok) << got.error;
  ASSERT_TRUE(want.ok) << want.error;
  EXPECT_EQ(got.descr, "|u1");
  EXPECT_EQ(got.shape, (std::vector<uint64_t>{1, 63, 74}));
  ASSERT_EQ(got.data.size(), want.data.size());
  int max_diff = 0;
  for (size_t i = 0; i < got.data.size(); ++i) {
    max_diff = std::max(max_diff, std::abs(int{got.data[i]} - int{want.data[i]}));
  }
  EXPECT_LE(max_diff, 1);  // the fixture's tolerance is 3.3; cogr stays within 1
}

TEST_F(CliTest, ResamplingWithoutOutShapeIsANormalRead) {
  std::string out = dir_ / "o.npy";
  RunResult r = Run({"read", test::DataPath(kUint8File), "--resampling", "bilinear", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<uint8_t> want =
      test::ReadFileBytes(test::DataPath("fixtures/expected/dt_uint8_deflate_t128.full_b1.npy"));
  EXPECT_TRUE(test::ReadFileBytes(out) == want);
}

}  // namespace
}  // namespace cogr
