// `cogr stack` and `cogr sample` end to end: the .npy equals rasterio's per-scene reads
// (tests/data/stack/), the CSV holds rasterio's sample() values, errors name the scene.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

using nlohmann::json;

std::string StackPath(const std::string& name) { return test::DataPath("stack/" + name); }

class CliStack : public test::CliFixture {};

TEST_F(CliStack, BoundsOnTwoGridsEqualsRasterio) {
  const std::string out = (dir_ / "chips.npy").string();
  test::CliRun r =
      Run({"stack", StackPath("s0.tif"), StackPath("s3.tif"), StackPath("s2.tif"), "--bounds",
           "500200,4099500,500500,4099900", "--res", "10", "-o", out, "--stats"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const test::Npy got = test::LoadNpy(out),
                  want = test::LoadNpy(StackPath("bounds_mixed_inside.npy"));
  ASSERT_TRUE(got.ok) << got.error;
  EXPECT_EQ(got.descr, "<u2");
  EXPECT_EQ(got.shape, (std::vector<uint64_t>{3, 2, 40, 30}));
  EXPECT_EQ(got.data, want.data);
  // --stats: one line per scene, then the stack's.
  std::vector<json> lines;
  size_t start = 0;
  while (start < r.err.size()) {
    const size_t nl = r.err.find('\n', start);
    lines.push_back(json::parse(r.err.substr(start, nl - start)));
    start = nl + 1;
  }
  ASSERT_EQ(lines.size(), 4u) << r.err;
  EXPECT_EQ(lines[1]["scene"], 1);
  EXPECT_EQ(lines[1]["uri"], StackPath("s3.tif"));
  EXPECT_EQ(lines[1]["ok"], true);
  EXPECT_GT(lines[1]["requests"].get<int>(), 0);
  EXPECT_EQ(lines[3]["scenes"], 3);
  EXPECT_EQ(lines[3]["failed"], 0);
  EXPECT_EQ(lines[3]["requests"].get<int>(), lines[0]["requests"].get<int>() +
                                                 lines[1]["requests"].get<int>() +
                                                 lines[2]["requests"].get<int>());
}

TEST_F(CliStack, WindowConcat) {
  const std::string out = (dir_ / "chips.npy").string();
  test::CliRun r = Run({"stack", StackPath("s0.tif"), StackPath("s1.tif"), StackPath("s2.tif"),
                        "--window", "-8,50,80,20", "--bands", "2,1", "--concat", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const test::Npy got = test::LoadNpy(out), want = test::LoadNpy(StackPath("window_boundless.npy"));
  EXPECT_EQ(got.shape, (std::vector<uint64_t>{6, 20, 80}));
  EXPECT_EQ(got.data, want.data);
}

TEST_F(CliStack, OutShapeAverage) {
  const std::string out = (dir_ / "chips.npy").string();
  test::CliRun r =
      Run({"stack", StackPath("s0.tif"), StackPath("s1.tif"), StackPath("s2.tif"), "--window",
           "0,0,64,64", "--out-shape", "16,16", "--resampling", "average", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const test::Npy got = test::LoadNpy(out),
                  want = test::LoadNpy(StackPath("out_shape_average.npy"));
  EXPECT_EQ(got.shape, (std::vector<uint64_t>{3, 2, 16, 16}));
  EXPECT_EQ(got.data, want.data);
}

TEST_F(CliStack, FailedScene) {
  const std::string out = (dir_ / "chips.npy").string();
  const std::string missing = StackPath("missing.tif");
  test::CliRun r =
      Run({"stack", StackPath("s0.tif"), missing, "--window", "8,16,24,20", "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("cogr: error: scene 1 (" + missing + "): ", 0), 0u) << r.err;
  EXPECT_TRUE(DirEntries().empty());
  r = Run({"stack", StackPath("s0.tif"), missing, "--window", "8,16,24,20", "--fill-failed", "-o",
           out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.rfind("cogr: warning: filled failed scene 1: scene 1 (" + missing + "): ", 0), 0u)
      << r.err;
  const test::Npy got = test::LoadNpy(out);
  EXPECT_EQ(got.shape, (std::vector<uint64_t>{2, 2, 20, 24}));
  const test::Npy want = test::LoadNpy(StackPath("window_inside.npy"));
  const size_t chip = want.data.size() / 3;
  EXPECT_TRUE(std::equal(want.data.begin(), want.data.begin() + static_cast<std::ptrdiff_t>(chip),
                         got.data.begin()));
  for (size_t i = chip; i < got.data.size(); ++i)
    ASSERT_EQ(got.data[i], 0xFF) << i;  // nodata 65535
}

TEST_F(CliStack, ErrorsNameTheProblem) {
  const std::string out = (dir_ / "chips.npy").string();
  test::CliRun r = Run({"stack", StackPath("s0.tif"), StackPath("s4_32634.tif"), "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      r.err,
      "cogr: error: scene 1 (" + StackPath("s4_32634.tif") +
          "): CRS EPSG:32634 differs from the stack's EPSG:32633 (a stack does not reproject)\n");
  r = Run({"stack", StackPath("s0.tif"), "--window", "0,0,4,4", "--bounds", "0,0,1,1", "-o", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "cogr: error: stack: --window and --bounds cannot be used together\n");
  r = Run({"stack", StackPath("s0.tif"), "--res", "10", "-o", out});
  EXPECT_EQ(r.exit_code, 2);
  r = Run({"stack", StackPath("s0.tif")});
  EXPECT_EQ(r.err, "cogr: error: stack: missing output file (-o OUT.npy)\n");
  EXPECT_TRUE(DirEntries().empty());
}

TEST_F(CliStack, SampleCsvEqualsRasterio) {
  const json s = json::parse(test::ReadFileText(StackPath("cases.json")))["sample"];
  const test::Npy want =
      test::LoadNpy(StackPath("sample.npy"));  // (3 scenes, 6 points, bands 2,1) uint16
  std::string csv = "id,x,y\n";
  std::string geojson = R"({"type":"FeatureCollection","features":[)";
  for (size_t i = 0; i < s["points"].size(); ++i) {
    csv +=
        std::to_string(i) + "," + s["points"][i][0].dump() + "," + s["points"][i][1].dump() + "\n";
    geojson += std::string(i ? "," : "") +
               R"({"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[)" +
               s["points_4326"][i][0].dump() + "," + s["points_4326"][i][1].dump() + "]}}";
  }
  geojson += "]}";
  WriteText("points.csv", csv);
  WriteText("points.geojson", geojson);
  std::vector<std::string> args = {"sample"};
  for (const auto& n : s["scenes"]) args.push_back(StackPath(n.get<std::string>()));
  const std::string out = (dir_ / "out.csv").string();
  std::vector<std::string> a = args;
  for (const char* x : {"--points", "", "--bands", "2,1", "-o", ""}) a.push_back(x);
  a[a.size() - 5] = (dir_ / "points.csv").string();
  a.back() = out;
  test::CliRun r = Run(a);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string got = test::ReadFileText(out);
  std::string expected = "scene,x,y,b2,b1\n";
  const auto* v = reinterpret_cast<const uint16_t*>(want.data.data());
  auto num = [](double d) {
    std::string t = json(d).dump();
    return t.find('.') == std::string::npos ? t + ".0" : t;
  };
  for (size_t t = 0; t < 3; ++t) {
    for (size_t p = 0; p < 6; ++p) {
      expected += StackPath(s["scenes"][t].get<std::string>()) + "," +
                  num(s["points"][p][0].get<double>()) + "," +
                  num(s["points"][p][1].get<double>()) + "," + std::to_string(v[(t * 6 + p) * 2]) +
                  "," + std::to_string(v[(t * 6 + p) * 2 + 1]) + "\n";
    }
  }
  EXPECT_EQ(got, expected);
  // The same points in lon/lat (GeoJSON without "crs" + --crs): the same values.
  a[a.size() - 5] = (dir_ / "points.geojson").string();
  a.push_back("--crs");
  a.push_back("EPSG:4326");
  r = Run(a);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string lonlat = test::ReadFileText(out);
  // Column 1-2 differ (the points as given); the values do not.
  auto values = [](const std::string& text) {
    std::vector<std::string> rows;
    size_t start = 0;
    while (start < text.size()) {
      const size_t nl = text.find('\n', start);
      const std::string line = text.substr(start, nl - start);
      size_t c = line.find(',', line.find(',', line.find(',') + 1) + 1);
      rows.push_back(line.substr(0, line.find(',')) + "|" + line.substr(c));
      start = nl + 1;
    }
    return rows;
  };
  EXPECT_EQ(values(lonlat), values(expected));
  WriteText("bad.csv", "a,b\n1,2\n");
  a[a.size() - 7] = (dir_ / "bad.csv").string();
  r = Run(a);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "cogr: error: " + (dir_ / "bad.csv").string() +
                       ": line 1: the header must name columns x and y\n");
}

TEST_F(CliStack, SampleFailedSceneFilled) {
  WriteText("points.csv", "x,y\n500123,4099777\n");
  const std::string out = (dir_ / "out.csv").string(), missing = StackPath("missing.tif");
  test::CliRun r = Run({"sample", StackPath("s0.tif"), missing, "--points",
                        (dir_ / "points.csv").string(), "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("cogr: error: scene 1 (" + missing + "): ", 0), 0u) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  r = Run({"sample", StackPath("s0.tif"), missing, "--points", (dir_ / "points.csv").string(),
           "--fill-failed", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.rfind("cogr: warning: filled failed scene 1: scene 1 (" + missing + "): ", 0), 0u)
      << r.err;
  // s0 at (500123, 4099777): rasterio's sample() gives (25954, 42727) for bands (1, 2); the
  // failed scene gets s0's nodata.
  EXPECT_EQ(test::ReadFileText(out), "scene,x,y,b1,b2\n" + StackPath("s0.tif") +
                                         ",500123.0,4099777.0,25954,42727\n" + missing +
                                         ",500123.0,4099777.0,65535,65535\n");
}

}  // namespace
}  // namespace cogr
