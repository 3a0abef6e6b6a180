// Stack: scenes read as one array equal rasterio's per-scene reads (tests/data/stack/, recorded
// by scripts/record_stack_fixtures.py); sampling equals rasterio's sample(); errors name the scene.
#include "cogr/stack.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace cogr {
namespace {

using nlohmann::json;

std::string StackPath(const std::string& name) { return test::DataPath("stack/" + name); }

json Cases() { return json::parse(test::ReadFileText(StackPath("cases.json"))); }

std::vector<std::string> Paths(const json& names) {
  std::vector<std::string> out;
  for (const auto& n : names) out.push_back(StackPath(n.get<std::string>()));
  return out;
}

StackOptions OptionsOf(const json& c) {
  StackOptions o;
  for (const auto& b : c["bands"]) o.bands.push_back(b.get<int>());
  if (c.contains("window")) {
    const auto& w = c["window"];
    o.window =
        geo::Window{w[0].get<double>(), w[1].get<double>(), w[2].get<double>(), w[3].get<double>()};
  }
  if (c.contains("bounds")) {
    const auto& b = c["bounds"];
    o.bounds =
        geo::Bounds{b[0].get<double>(), b[1].get<double>(), b[2].get<double>(), b[3].get<double>()};
    o.resolution = std::make_pair(c["res"][0].get<double>(), c["res"][1].get<double>());
  }
  if (c.contains("out_shape")) {
    o.out_shape =
        std::make_pair(c["out_shape"][0].get<uint64_t>(), c["out_shape"][1].get<uint64_t>());
  }
  if (c.contains("resampling")) {
    auto r = ParseResampling(c["resampling"].get<std::string>());
    EXPECT_TRUE(r.ok());
    o.resampling = *r;
  }
  return o;
}

TEST(StackFixtures, EqualRasterioPerSceneReads) {
  const json cases = Cases();
  ASSERT_GE(cases["cases"].size(), 7u);
  for (const auto& c : cases["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const StackOptions options = OptionsOf(c);
    auto stack = Stack::Open(Paths(c["scenes"]), options);
    ASSERT_TRUE(stack.ok()) << stack.status().message();
    const test::Npy want = test::LoadNpy(StackPath(c["npy"].get<std::string>()));
    ASSERT_TRUE(want.ok) << want.error;
    // Lazy: the shape, dtype and grid are known before any pixel is read.
    EXPECT_EQ(stack->shape(), want.shape);
    EXPECT_EQ(stack->dtype(), DataType::kUInt16);
    if (c.contains("grid")) {
      const auto& g = c["grid"];
      EXPECT_EQ(stack->transform(), (geo::Affine{g[2].get<double>(), 0, g[0].get<double>(), 0,
                                                 -g[3].get<double>(), g[1].get<double>()}));
    }
    auto read = stack->Read();
    ASSERT_TRUE(read.ok()) << read.status().message();
    EXPECT_EQ(read->shape, want.shape);
    ASSERT_EQ(read->data.data.size(), want.data.size());
    EXPECT_TRUE(std::memcmp(read->data.data.data(), want.data.data(), want.data.size()) == 0);
    EXPECT_TRUE(read->failed.empty());
    ASSERT_EQ(read->scenes.size(), stack->count());
    for (const auto& s : read->scenes) EXPECT_TRUE(s.status.ok());
  }
}

// OpenAndRead (each read started at its own open) gives what Open + Read give.
TEST(StackFixtures, OpenAndReadEqualsOpenThenRead) {
  const json cases = Cases();
  size_t checked = 0;
  for (const auto& c : cases["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const StackOptions options = OptionsOf(c);
    auto read = Stack::OpenAndRead(Paths(c["scenes"]), options);
    ASSERT_TRUE(read.ok()) << read.status().message();
    const test::Npy want = test::LoadNpy(StackPath(c["npy"].get<std::string>()));
    EXPECT_EQ(read->shape, want.shape);
    ASSERT_EQ(read->data.data.size(), want.data.size());
    EXPECT_TRUE(std::memcmp(read->data.data.data(), want.data.data(), want.data.size()) == 0);
    ASSERT_EQ(read->scenes.size(), want.shape[0]);
    for (const auto& s : read->scenes) EXPECT_TRUE(s.status.ok()) << s.status.message();
    ++checked;
  }
  EXPECT_EQ(checked, 7u);
  // Errors as Open + Read: the missing scene named, or filled and listed.
  const std::string missing = StackPath("no_such_scene.tif");
  StackOptions o;
  o.window = geo::Window{8, 16, 24, 20};
  auto failed = Stack::OpenAndRead({StackPath("s0.tif"), missing, StackPath("s1.tif")}, o);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message().rfind("scene 1 (" + missing + "): ", 0), 0u)
      << failed.status().message();
  o.on_error = StackOnError::kFill;
  StackReadOptions ro;
  ro.on_error = StackOnError::kFill;
  auto filled = Stack::OpenAndRead({StackPath("s0.tif"), missing, StackPath("s1.tif")}, o, ro);
  ASSERT_TRUE(filled.ok()) << filled.status().message();
  EXPECT_EQ(filled->failed, std::vector<size_t>{1});
  const auto* px = filled->data.as<uint16_t>();
  for (size_t i = 2 * 20 * 24; i < 4 * 20 * 24; ++i) ASSERT_EQ(px[i], 65535u) << i;
  auto other = Stack::OpenAndRead({StackPath("s0.tif"), StackPath("s4_32634.tif")}, o);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("CRS EPSG:32634 differs"), std::string::npos)
      << other.status().message();
}

TEST(StackFixtures, ConcatIsTheSameBytesAsTCHW) {
  const json c = Cases()["cases"][1];  // window_boundless
  StackOptions o = OptionsOf(c);
  o.stack = false;
  auto stack = Stack::Open(Paths(c["scenes"]), o);
  ASSERT_TRUE(stack.ok()) << stack.status().message();
  EXPECT_EQ(stack->shape(), (std::vector<uint64_t>{6, 20, 80}));
  auto read = stack->Read();
  ASSERT_TRUE(read.ok()) << read.status().message();
  const test::Npy want = test::LoadNpy(StackPath(c["npy"].get<std::string>()));
  ASSERT_EQ(read->data.data.size(), want.data.size());
  EXPECT_TRUE(std::memcmp(read->data.data.data(), want.data.data(), want.data.size()) == 0);
}

// Select (isel) of a lazy stack reads what the bigger read holds at the same place.
TEST(StackSelect, EqualsTheSliceOfTheFullRead) {
  const json c = Cases()["cases"][3];  // bounds_mixed_inside: (3, 2, 40, 30) over two grids
  auto stack = Stack::Open(Paths(c["scenes"]), OptionsOf(c));
  ASSERT_TRUE(stack.ok()) << stack.status().message();
  const test::Npy full = test::LoadNpy(StackPath(c["npy"].get<std::string>()));
  ASSERT_TRUE(full.ok);
  auto sub = stack->Select({2, 1}, {1}, geo::Window{4, 6, 10, 8});
  ASSERT_TRUE(sub.ok()) << sub.status().message();
  EXPECT_EQ(sub->shape(), (std::vector<uint64_t>{2, 1, 8, 10}));
  EXPECT_EQ(sub->transform(), geo::WindowTransform(geo::Window{4, 6, 10, 8}, stack->transform()));
  EXPECT_EQ(sub->scenes()[1].uri, StackPath("s3.tif"));
  auto read = sub->Read();
  ASSERT_TRUE(read.ok()) << read.status().message();
  const auto* want = reinterpret_cast<const uint16_t*>(full.data.data());
  const auto* got = read->data.as<uint16_t>();
  const size_t scenes[] = {2, 1};
  for (size_t t = 0; t < 2; ++t) {
    for (size_t r = 0; r < 8; ++r) {
      for (size_t x = 0; x < 10; ++x) {
        const size_t wi = ((scenes[t] * 2 + 1) * 40 + (6 + r)) * 30 + (4 + x);
        ASSERT_EQ(got[(t * 8 + r) * 10 + x], want[wi]) << t << " " << r << " " << x;
      }
    }
  }
  EXPECT_EQ(stack->Select({3}).status().code(), Code::kOutOfRange);
  EXPECT_EQ(stack->Select({}, {2}).status().code(), Code::kOutOfRange);
  EXPECT_EQ(stack->Select({}, {}, geo::Window{0.5, 0, 1, 1}).status().code(),
            Code::kInvalidArgument);
}

TEST(StackRead, IntoACallersArray) {
  const json c = Cases()["cases"][0];  // window_inside
  auto stack = Stack::Open(Paths(c["scenes"]), OptionsOf(c));
  ASSERT_TRUE(stack.ok()) << stack.status().message();
  const test::Npy want = test::LoadNpy(StackPath(c["npy"].get<std::string>()));
  std::vector<uint8_t> mem(want.data.size(), 0xAB);
  const ArrayView view = ArrayView::Contiguous(mem.data(), DataType::kUInt16, 6, 20, 24);
  ASSERT_TRUE(stack->ReadInto(view).ok());
  EXPECT_EQ(mem, want.data);
  const ArrayView wrong = ArrayView::Contiguous(mem.data(), DataType::kUInt16, 5, 20, 24);
  const Status st = stack->ReadInto(wrong);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("(5, 20, 24)"), std::string::npos) << st.message();
}

TEST(StackErrors, MissingSceneIsNamed) {
  const std::string missing = StackPath("no_such_scene.tif");
  auto stack = Stack::Open({StackPath("s0.tif"), missing, StackPath("s1.tif")});
  ASSERT_FALSE(stack.ok());
  EXPECT_EQ(stack.status().code(), Code::kNotFound);
  EXPECT_EQ(stack.status().message().rfind("scene 1 (" + missing + "): ", 0), 0u)
      << stack.status().message();
}

TEST(StackErrors, MissingSceneFilledAndListed) {
  const std::string missing = StackPath("no_such_scene.tif");
  StackOptions o;
  o.window = geo::Window{8, 16, 24, 20};
  o.on_error = StackOnError::kFill;
  auto stack = Stack::Open({StackPath("s0.tif"), missing, StackPath("s1.tif")}, o);
  ASSERT_TRUE(stack.ok()) << stack.status().message();
  EXPECT_EQ(stack->scenes()[1].dataset, nullptr);
  EXPECT_NE(stack->scenes()[1].error.find(missing), std::string::npos);
  // Without kFill the read fails, naming the scene.
  auto failed = stack->Read();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("scene 1 (" + missing + ")"), std::string::npos)
      << failed.status().message();
  StackReadOptions ro;
  ro.on_error = StackOnError::kFill;
  auto read = stack->Read(ro);
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_EQ(read->failed, std::vector<size_t>{1});
  EXPECT_NE(read->failed_messages[0].find(missing), std::string::npos);
  const test::Npy want = test::LoadNpy(StackPath("window_inside.npy"));  // s0, s1, s2
  const size_t chip = 2 * 20 * 24 * 2;
  const auto* got = read->data.data.data();
  EXPECT_EQ(std::memcmp(got, want.data.data(), chip), 0);                    // s0
  EXPECT_EQ(std::memcmp(got + 2 * chip, want.data.data() + chip, chip), 0);  // s1
  const auto* filled = reinterpret_cast<const uint16_t*>(got + chip);
  for (size_t i = 0; i < chip / 2; ++i) ASSERT_EQ(filled[i], 65535u) << i;  // s0's nodata
}

TEST(StackErrors, OtherCrsIsNamed) {
  const std::string other = StackPath("s4_32634.tif");
  auto stack = Stack::Open({StackPath("s0.tif"), other});
  ASSERT_FALSE(stack.ok());
  EXPECT_EQ(stack.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(
      stack.status().message(),
      "scene 1 (" + other +
          "): CRS EPSG:32634 differs from the stack's EPSG:32633 (a stack does not reproject)");
  // The same CRS given explicitly is accepted (EPSG equality).
  StackOptions o;
  auto crs = geo::Crs::FromUserInput("EPSG:32633");
  ASSERT_TRUE(crs.ok());
  o.crs = *crs;
  EXPECT_TRUE(Stack::Open({StackPath("s0.tif"), StackPath("s1.tif")}, o).ok());
}

TEST(StackErrors, OtherGridNeedsBounds) {
  StackOptions window;
  window.window = geo::Window{0, 0, 8, 8};
  auto stack = Stack::Open({StackPath("s0.tif"), StackPath("s3.tif")}, window);
  ASSERT_FALSE(stack.ok());
  EXPECT_EQ(stack.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(stack.status().message().rfind("scene 1 (" + StackPath("s3.tif") +
                                               "): grid Affine(20, 0, 500100, 0, -20, "
                                               "4100300) 40 x 40 differs from scene 0's",
                                           0),
            0u)
      << stack.status().message();
  EXPECT_EQ(Stack::Open({}).status().code(), Code::kInvalidArgument);
  StackOptions o;
  o.bands = {3};
  auto bad_band = Stack::Open({StackPath("s0.tif")}, o);
  EXPECT_EQ(bad_band.status().code(), Code::kOutOfRange);
  EXPECT_NE(bad_band.status().message().find("band 3 out of range (file has 2 bands"),
            std::string::npos);
}

// Without window or bounds, the first scene's grid is the target: the same as its bounds at its
// pixel size.
TEST(StackGrid, WholeImageOnTheFirstScenesGrid) {
  auto whole = Stack::Open({StackPath("s0.tif"), StackPath("s3.tif")});
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  EXPECT_EQ(whole->shape(), (std::vector<uint64_t>{2, 2, 64, 64}));
  EXPECT_EQ(whole->transform(), (geo::Affine{10, 0, 500000, 0, -10, 4100000}));
  EXPECT_EQ(whole->scenes()[1].window, (geo::Window{-5, 15, 32, 32}));
  StackOptions o;
  o.bounds = geo::Bounds{500000, 4099360, 500640, 4100000};
  o.resolution = std::make_pair(10.0, 10.0);
  auto boxed = Stack::Open({StackPath("s0.tif"), StackPath("s3.tif")}, o);
  ASSERT_TRUE(boxed.ok()) << boxed.status().message();
  auto a = whole->Read();
  auto b = boxed->Read();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->data.data, b->data.data);
}

TEST(StackSample, EqualsRasterioSample) {
  const json s = Cases()["sample"];
  const test::Npy want = test::LoadNpy(StackPath(s["npy"].get<std::string>()));
  ASSERT_TRUE(want.ok) << want.error;
  StackOptions o;
  o.bounds = geo::Bounds{500000, 4099300, 500700, 4100300};
  o.resolution = std::make_pair(10.0, 10.0);
  auto stack = Stack::Open(Paths(s["scenes"]), o);
  ASSERT_TRUE(stack.ok()) << stack.status().message();
  std::vector<std::pair<double, double>> pts, pts_4326;
  for (const auto& p : s["points"]) pts.emplace_back(p[0].get<double>(), p[1].get<double>());
  for (const auto& p : s["points_4326"])
    pts_4326.emplace_back(p[0].get<double>(), p[1].get<double>());
  StackSampleOptions so;
  for (const auto& b : s["bands"]) so.bands.push_back(b.get<int>());
  auto got = stack->Sample(pts, so);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->data.bands, 3u);
  EXPECT_EQ(got->data.height, pts.size());
  EXPECT_EQ(got->data.width, 2u);
  ASSERT_EQ(got->data.data.size(), want.data.size());
  EXPECT_TRUE(std::memcmp(got->data.data.data(), want.data.data(), want.data.size()) == 0);
  // The same points in EPSG:4326.
  auto wgs84 = geo::Crs::FromEpsg(4326);
  ASSERT_TRUE(wgs84.ok());
  so.crs = *wgs84;
  auto got_4326 = stack->Sample(pts_4326, so);
  ASSERT_TRUE(got_4326.ok()) << got_4326.status().message();
  EXPECT_EQ(got_4326->data.data, got->data.data);
}

TEST(DatasetSample, PointsInAnotherCrs) {
  auto ds = Dataset::Open(StackPath("s0.tif"));
  ASSERT_TRUE(ds.ok());
  const json s = Cases()["sample"];
  std::vector<std::pair<double, double>> pts, pts_4326;
  for (const auto& p : s["points"]) pts.emplace_back(p[0].get<double>(), p[1].get<double>());
  for (const auto& p : s["points_4326"])
    pts_4326.emplace_back(p[0].get<double>(), p[1].get<double>());
  auto direct = (*ds)->Sample(pts);
  SampleOptions o;
  o.crs = *geo::Crs::FromEpsg(4326);
  auto moved = (*ds)->Sample(pts_4326, o);
  ASSERT_TRUE(direct.ok() && moved.ok()) << moved.status().message();
  EXPECT_EQ(direct->data, moved->data);
}

}  // namespace
}  // namespace cogr
