// `cogr xy`, `cogr index` and the command list of `cogr --help`, end to end.
// dt_uint8_deflate_t128.tif: 200x169, transform (10, 0, 583020, 0, -10, 4507980), EPSG:32618.
// rasterio__rotated.tif: transform (17.3205.., 4.99.., 100, 9.99.., -8.6602.., 200), no CRS.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "cogr/crs.hpp"

namespace cogr {
namespace {

constexpr char kUtmFile[] = "fixtures/dt_uint8_deflate_t128.tif";
constexpr char kRotatedFile[] = "fixtures/rasterio__rotated.tif";

using GeoCli = test::CliFixture;

TEST_F(GeoCli, XyPrintsCoordinatesForEachOffset) {
  struct Row {
    const char* offset;  // nullptr: default
    const char* want;
  };
  // Pixel (row 2, col 3): corners at x 583050..583060, y 4507960..4507950.
  const std::vector<Row> rows = {
      {nullptr, "583055.0 4507955.0\n"}, {"center", "583055.0 4507955.0\n"},
      {"ul", "583050.0 4507960.0\n"},    {"ur", "583060.0 4507960.0\n"},
      {"ll", "583050.0 4507950.0\n"},    {"lr", "583060.0 4507950.0\n"},
  };
  for (const Row& row : rows) {
    std::vector<std::string> args = {"xy", test::DataPath(kUtmFile), "2", "3"};
    if (row.offset) {
      args.push_back("--offset");
      args.push_back(row.offset);
    }
    test::CliRun r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, row.want) << (row.offset ? row.offset : "default");
    EXPECT_EQ(r.err, "");
  }
  test::CliRun json = Run({"xy", test::DataPath(kUtmFile), "2", "3", "--json"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out, "{\"x\": 583055.0, \"y\": 4507955.0}\n");
  // Fractional and negative (outside) pixels are fine, as in rasterio.
  test::CliRun outside = Run({"xy", test::DataPath(kUtmFile), "-1", "0.25", "--offset=ul"});
  EXPECT_EQ(outside.exit_code, 0) << outside.err;
  EXPECT_EQ(outside.out, "583022.5 4507990.0\n");
}

TEST_F(GeoCli, XyOnRotatedTransform) {
  // Upper-left of pixel (0, 0) is the origin; its centre is T * (0.5, 0.5).
  test::CliRun ul = Run({"xy", test::DataPath(kRotatedFile), "0", "0", "--offset", "ul"});
  EXPECT_EQ(ul.exit_code, 0) << ul.err;
  EXPECT_EQ(ul.out, "100.0 200.0\n");
  test::CliRun c = Run({"xy", test::DataPath(kRotatedFile), "0", "0"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  double x = 0, y = 0;
  ASSERT_EQ(std::sscanf(c.out.c_str(), "%lf %lf", &x, &y), 2) << c.out;
  EXPECT_NEAR(x, 100 + 0.5 * 17.320508075688775 + 0.5 * 5, 1e-9);
  EXPECT_NEAR(y, 200 + 0.5 * 10 - 0.5 * 8.660254037844387, 1e-9);
  // index inverts it, on every pixel of a row of the rotated grid.
  for (int col = 0; col < 10; ++col) {
    test::CliRun xy = Run({"xy", test::DataPath(kRotatedFile), "7", std::to_string(col)});
    ASSERT_EQ(xy.exit_code, 0) << xy.err;
    const std::string px = xy.out.substr(0, xy.out.find(' '));
    const std::string py =
        xy.out.substr(xy.out.find(' ') + 1, xy.out.size() - xy.out.find(' ') - 2);
    test::CliRun idx = Run({"index", test::DataPath(kRotatedFile), px, py});
    EXPECT_EQ(idx.exit_code, 0) << idx.err;
    EXPECT_EQ(idx.out, "7 " + std::to_string(col) + "\n") << xy.out;
  }
}

TEST_F(GeoCli, IndexRoundingOps) {
  // (583055, 4507955) is the centre of pixel (2, 3): fractional (row 2.5, col 3.5).
  struct Row {
    const char* op;
    const char* want;
  };
  const std::vector<Row> rows = {
      {nullptr, "2 3\n"},
      {"floor", "2 3\n"},
      {"round", "2 4\n"},  // Python's round: 2.5 → 2, 3.5 → 4
      {"ceil", "3 4\n"},
  };
  for (const Row& row : rows) {
    std::vector<std::string> args = {"index", test::DataPath(kUtmFile), "583055", "4507955"};
    if (row.op) {
      args.push_back("--op");
      args.push_back(row.op);
    }
    test::CliRun r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, row.want) << (row.op ? row.op : "default");
  }
  test::CliRun json = Run({"index", test::DataPath(kUtmFile), "583055", "4507955", "--json"});
  EXPECT_EQ(json.out, "{\"row\": 2, \"col\": 3}\n");
  // Outside the image: indexes beyond the size, not an error (rasterio's index).
  test::CliRun outside = Run({"index", test::DataPath(kUtmFile), "583000", "4508000"});
  EXPECT_EQ(outside.exit_code, 0) << outside.err;
  EXPECT_EQ(outside.out, "-2 -2\n");
}

TEST_F(GeoCli, IndexWithCrsTransformsThePointFirst) {
  if (geo::Crs::FromEpsg(4326).status().code() == Code::kUnsupported) {
    GTEST_SKIP() << "built without PROJ";
  }
  // Centres of a few pixels, as lon/lat (PROJ's forward transform; the CLI runs the inverse).
  auto utm = geo::Crs::FromEpsg(32618);
  auto wgs84 = geo::Crs::FromEpsg(4326);
  ASSERT_TRUE(utm.ok() && wgs84.ok());
  for (auto [row, col] : {std::pair{0, 0}, std::pair{100, 50}, std::pair{168, 199}}) {
    const double x = 583020 + 10 * (col + 0.5), y = 4507980 - 10 * (row + 0.5);
    auto ll = geo::TransformPoints(*utm, *wgs84, {{x, y}});
    ASSERT_TRUE(ll.ok());
    char lon[64], lat[64];
    std::snprintf(lon, sizeof lon, "%.12f", (*ll)[0].first);
    std::snprintf(lat, sizeof lat, "%.12f", (*ll)[0].second);
    ASSERT_EQ(lon[0], '-');  // west of Greenwich: a negative number as a positional argument
    test::CliRun r = Run({"index", test::DataPath(kUtmFile), lon, lat, "--crs", "EPSG:4326"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, std::to_string(row) + " " + std::to_string(col) + "\n") << lon << " " << lat;
  }
  // A file without a CRS cannot take --crs coordinates.
  test::CliRun none = Run({"index", test::DataPath(kRotatedFile), "1", "2", "--crs", "EPSG:4326"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(none.err, "cogr: error: " + test::DataPath(kRotatedFile) +
                          ": the file has no CRS to transform --crs coordinates to\n");
  test::CliRun bad = Run({"index", test::DataPath(kUtmFile), "1", "2", "--crs", "EPSG:99999999"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err.rfind("cogr: error: index: --crs: ", 0), 0u) << bad.err;
}

TEST_F(GeoCli, UsageErrors) {
  struct Row {
    std::vector<std::string> args;
    std::string err;
  };
  const std::string f = test::DataPath(kUtmFile);
  const std::vector<Row> rows = {
      {{"xy", f, "1"}, "cogr: error: xy: expected PATH ROW COL (see 'cogr xy --help')\n"},
      {{"xy", f, "1", "2", "3"}, "cogr: error: xy: unexpected argument '3'\n"},
      {{"xy", f, "a", "2"}, "cogr: error: xy: ROW: expected a number, got 'a'\n"},
      {{"xy", f, "1", "2", "--offset", "middle"},
       "cogr: error: xy: --offset: unknown pixel offset 'middle' (expected center, ul, ur, ll or lr)\n"},
      {{"xy", f, "1", "2", "--bogus"},
       "cogr: error: xy: unknown option '--bogus' (see 'cogr xy --help')\n"},
      {{"index", f, "1"}, "cogr: error: index: expected PATH X Y (see 'cogr index --help')\n"},
      {{"index", f, "1", "2", "--op", "trunc"},
       "cogr: error: index: --op: unknown rounding op 'trunc' (expected floor, round or ceil)\n"},
      {{"index", f, "1", "2", "--op"}, "cogr: error: index: --op: missing value\n"},
      {{"index", f, "nan", "2"}, "cogr: error: index: X and Y must be finite\n"},
  };
  for (const Row& row : rows) {
    test::CliRun r = Run(row.args);
    EXPECT_EQ(r.exit_code, 2) << row.err;
    EXPECT_EQ(r.err, row.err);
    EXPECT_EQ(r.out, "");
  }
  test::CliRun missing = Run({"xy", "/nonexistent/x.tif", "1", "2"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err.rfind("cogr: error: /nonexistent/x.tif", 0), 0u) << missing.err;
}

TEST_F(GeoCli, HelpListsEverySubcommand) {
  test::CliRun r = Run({"--help"});
  ASSERT_EQ(r.exit_code, 0);
  for (const char* cmd : {"info", "read", "translate", "xy", "index", "clip"}) {
    EXPECT_NE(r.out.find(std::string("\n  ") + cmd + " "), std::string::npos) << cmd << "\n"
                                                                              << r.out;
  }
  if (std::FILE* bench = std::fopen(COGR_TEST_DATA_DIR "/../../src/cli/bench.cpp", "rb")) {
    std::fclose(bench);
    EXPECT_NE(r.out.find("\n  bench "), std::string::npos) << r.out;
  }
  for (const char* cmd : {"xy", "index", "clip"}) {
    test::CliRun h = Run({cmd, "--help"});
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_EQ(h.out.rfind(std::string("usage: cogr ") + cmd + " ", 0), 0u) << h.out;
    EXPECT_EQ(h.err, "");
  }
}

}  // namespace
}  // namespace cogr
