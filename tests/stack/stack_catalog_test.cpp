// A stack through a catalog over nginx on 127.0.0.1: N scenes built into a catalog, then stacked
// from their stored headers, cost N data requests and no header request (counted in the scenes'
// stats, nginx's access log and a Trace), and read what the stack of the URIs reads. Also the
// CLI: `cogr stack --catalog`, `cogr sample --catalog`, `cogr stack --trace`.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "cogr/build_info.hpp"
#include "cogr/catalog.hpp"
#include "cogr/stack.hpp"
#include "cogr/trace.hpp"
#include "io/server_suite.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

constexpr const char* kCog = "io/cog_u8_deflate_256_t32.tif";  // 256x256, 32x32 tiles
constexpr size_t kScenes = 4;

bool HasSqlite() {
  const BuildInfo info = GetBuildInfo();
  return std::find(info.features.begin(), info.features.end(), "sqlite") != info.features.end();
}

// Shortest round-trip decimal, as `cogr sample` writes the points back.
std::string Shortest(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

class StackCatalog : public test::ServerSuite<StackCatalog, test::NginxServer, test::CliFixture> {
 protected:
  void SetUp() override {
    test::CliFixture::SetUp();
    if (!HasSqlite()) GTEST_SKIP() << "cogr was built without libsqlite3";
    if (!test::HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
    ASSERT_TRUE(ServerStarted()) << StartError();
  }
  // The fixture under a query of its own per scene: distinct URIs, cold header cache.
  std::vector<std::string> Uris(size_t n) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i)
      out.push_back(server_->Url(kCog) + "?t=" + info->name() + "-" + std::to_string(i));
    return out;
  }
  // A catalog of `uris` at dir_/name (its build's requests are not the test's concern).
  std::string BuildCatalog(const std::vector<std::string>& uris, const std::string& name) {
    const std::string path = (dir_ / name).string();
    CatalogBuildOptions bo;
    bo.open.io.memory_header_cache = false;
    bo.open.io.persisted_header_cache = false;
    auto built = Catalog::Build(uris, path, bo);
    EXPECT_TRUE(built.ok()) << built.status().ToString();
    return path;
  }
  // The stack of `uris` read directly (header requests included), header caches off.
  Array DirectRead(const std::vector<std::string>& uris, StackOptions o) {
    o.open.io.memory_header_cache = false;
    o.open.io.persisted_header_cache = false;
    auto read = Stack::OpenAndRead(uris, o);
    EXPECT_TRUE(read.ok()) << read.status().message();
    return read.ok() ? read->data : Array{};
  }
};

TEST_F(StackCatalog, StackFromRecordsSendsOneDataRequestPerSceneAndNoHeaderRequest) {
  const std::vector<std::string> uris = Uris(kScenes);
  auto catalog = Catalog::Open(BuildCatalog(uris, "scenes.gpkg"));
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  CatalogQuery q;
  q.with_headers = true;
  auto records = (*catalog)->Query(q);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), kScenes);
  EXPECT_EQ(Catalog::Uris(*records), uris);  // the catalog's order is the build's
  const uint64_t header_end = (*records)[0].header->chunks[0].bytes.size();

  StackOptions o;
  o.window = geo::Window{40, 72, 80, 80};  // 3 x 3 tiles, one contiguous run in this COG
  o.open.block_cache_bytes = 0;
  auto with = (*catalog)->SceneStackOptions(*records, o);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  ASSERT_EQ(with->scene_open.size(), kScenes);

  const size_t before = server_->RequestCount();
  auto stack = Stack::Open(Catalog::Uris(*records), *with);
  ASSERT_TRUE(stack.ok()) << stack.status().message();
  EXPECT_EQ(server_->RequestCount(), before);  // the opens sent nothing
  StackReadOptions ro;
  ro.trace = std::make_shared<Trace>();
  auto read = stack->Read(ro);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(server_->RequestCount() - before, kScenes);
  ASSERT_EQ(read->scenes.size(), kScenes);
  for (const auto& s : read->scenes) EXPECT_EQ(s.io.requests, 1u);
  // The log: one window GET per scene, each past the stored header, the same range for all.
  const auto log = server_->Log();
  ASSERT_EQ(log.size(), before + kScenes);
  for (size_t i = before; i < log.size(); ++i) {
    const std::string& range = log[i].range;
    ASSERT_EQ(range.rfind("bytes=", 0), 0u) << range;
    EXPECT_GE(std::stoull(range.substr(6)), header_end) << range;
    EXPECT_EQ(range, log[before].range) << i;
    EXPECT_EQ(log[i].status, 206) << i;
  }
  // The trace: one data request per scene, none for a header.
  const auto requests = ro.trace->requests();
  ASSERT_EQ(requests.size(), kScenes);
  std::set<std::string> traced;
  for (const auto& r : requests) {
    EXPECT_EQ(r.kind, "data") << r.uri;
    traced.insert(r.uri);
  }
  EXPECT_EQ(traced, std::set<std::string>(uris.begin(), uris.end()));

  EXPECT_EQ(read->shape, (std::vector<uint64_t>{kScenes, 1, 80, 80}));
  const Array want = DirectRead(Uris(kScenes), o);
  EXPECT_EQ(read->data.data, want.data);
}

TEST_F(StackCatalog, OpenAndReadFromRecordsLoadsMissingHeaders) {
  const std::vector<std::string> uris = Uris(kScenes);
  auto catalog = Catalog::Open(BuildCatalog(uris, "scenes.gpkg"));
  ASSERT_TRUE(catalog.ok());
  auto records = (*catalog)->Query();  // without headers: SceneStackOptions loads them
  ASSERT_TRUE(records.ok());
  ASSERT_FALSE((*records)[0].header);
  StackOptions o;
  o.window = geo::Window{0, 0, 64, 64};
  o.open.block_cache_bytes = 0;
  auto with = (*catalog)->SceneStackOptions(*records, o);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  const size_t before = server_->RequestCount();
  auto read = Stack::OpenAndRead(Catalog::Uris(*records), *with);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(server_->RequestCount() - before, kScenes);
  for (const auto& s : read->scenes) EXPECT_EQ(s.io.requests, 1u);
  EXPECT_EQ(read->data.data, DirectRead(Uris(kScenes), o).data);
}

TEST_F(StackCatalog, SceneOpenOfAnotherSizeIsAnError) {
  StackOptions o;
  o.scene_open.resize(2);
  auto stack = Stack::Open({test::DataPath(kCog)}, o);
  ASSERT_FALSE(stack.ok());
  EXPECT_EQ(stack.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(stack.status().message(), "stack: 2 scene open options for 1 scenes");
}

TEST_F(StackCatalog, CliStackThroughCatalogEqualsStackOfUris) {
  const std::vector<std::string> uris = Uris(kScenes);
  const std::string cat = BuildCatalog(uris, "scenes.gpkg");
  const size_t before = server_->RequestCount();
  const std::string trace = (dir_ / "trace.json").string();
  // --where keeps scenes 2..4 (fid is the build's 1-based input position).
  test::CliRun r = Run({"stack", "--catalog", cat, "--where", "fid >= 2", "--window", "40,72,80,80",
                        "--stats", "--trace", trace, "-o", (dir_ / "cat.npy").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_->RequestCount() - before, kScenes - 1);  // data only
  // --stats: the whole stack's line last.
  const std::string last = r.err.substr(r.err.rfind('{'));
  const auto total = nlohmann::json::parse(last);
  EXPECT_EQ(total["scenes"], kScenes - 1);
  EXPECT_EQ(total["requests"], kScenes - 1);

  // The trace: one process (track group) per scene, each with one data request.
  const auto doc = nlohmann::json::parse(test::ReadFileText(trace));
  ASSERT_TRUE(doc.contains("traceEvents"));
  std::map<int64_t, std::vector<std::string>> per_pid;
  for (const auto& e : doc["traceEvents"]) {
    // A request's slice has args.kind; its nested "waiting"/"receiving" slices do not.
    if (e.value("cat", "") == "http" && e["args"].contains("kind")) {
      per_pid[e["pid"].get<int64_t>()].push_back(e["args"]["kind"]);
    }
  }
  ASSERT_EQ(per_pid.size(), kScenes - 1);
  for (const auto& [pid, kinds] : per_pid)
    EXPECT_EQ(kinds, std::vector<std::string>{"data"}) << pid;

  std::vector<std::string> args = {"stack"};
  args.insert(args.end(), uris.begin() + 1, uris.end());
  args.insert(args.end(), {"--window", "40,72,80,80", "-o", (dir_ / "direct.npy").string()});
  test::CliRun d = Run(args);
  ASSERT_EQ(d.exit_code, 0) << d.err;
  const test::Npy got = test::LoadNpy((dir_ / "cat.npy").string());
  const test::Npy want = test::LoadNpy((dir_ / "direct.npy").string());
  ASSERT_TRUE(got.ok) << got.error;
  ASSERT_TRUE(want.ok) << want.error;
  EXPECT_EQ(got.shape, (std::vector<uint64_t>{kScenes - 1, 1, 80, 80}));
  EXPECT_EQ(got.shape, want.shape);
  EXPECT_EQ(got.data, want.data);
}

TEST_F(StackCatalog, CliStackCatalogErrors) {
  const std::string cat = BuildCatalog(Uris(2), "scenes.gpkg");
  const std::string out = (dir_ / "out.npy").string();
  test::CliRun none =
      Run({"stack", "--catalog", cat, "--where", "fid > 9", "--window", "0,0,8,8", "-o", out});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err, "cogr: error: " + cat + ": no scene matches the query\n");
  test::CliRun both = Run({"stack", "--catalog", cat, "a.tif", "--window", "0,0,8,8", "-o", out});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(both.err, "cogr: error: stack: give URIs or --catalog, not both\n");
  test::CliRun where =
      Run({"stack", "a.tif", "--where", "fid > 1", "--window", "0,0,8,8", "-o", out});
  EXPECT_EQ(where.exit_code, 2);
  EXPECT_EQ(where.err, "cogr: error: stack: --where needs --catalog\n");
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(StackCatalog, CliSampleThroughCatalogEqualsSampleOfUris) {
  const std::vector<std::string> uris = Uris(2);
  const std::string cat = BuildCatalog(uris, "scenes.gpkg");
  auto ds = Dataset::Open(test::DataPath(kCog));
  ASSERT_TRUE(ds.ok());
  // Two pixel centres of the fixture, in its CRS.
  const auto a = (*ds)->xy(20, 10), b = (*ds)->xy(100, 200);  // (row, col)
  const std::string points = (dir_ / "points.csv").string();
  {
    std::ofstream f(points);
    f << "x,y\n"
      << Shortest(a.first) << "," << Shortest(a.second) << "\n"
      << Shortest(b.first) << "," << Shortest(b.second) << "\n";
  }
  const size_t before = server_->RequestCount();
  test::CliRun r =
      Run({"sample", "--catalog", cat, "--points", points, "-o", (dir_ / "cat.csv").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // No header request: no GET of the prefix at offset 0 (the points' blocks only).
  const auto log = server_->Log();
  ASSERT_GT(log.size(), before);
  for (size_t i = before; i < log.size(); ++i)
    EXPECT_NE(log[i].range.rfind("bytes=0-", 0), 0u) << log[i].range;
  std::vector<std::string> args = {"sample"};
  args.insert(args.end(), uris.begin(), uris.end());
  args.insert(args.end(), {"--points", points, "-o", (dir_ / "direct.csv").string()});
  test::CliRun d = Run(args);
  ASSERT_EQ(d.exit_code, 0) << d.err;
  const std::string got = test::ReadFileText((dir_ / "cat.csv").string());
  EXPECT_EQ(got, test::ReadFileText((dir_ / "direct.csv").string()));
  auto px = (*ds)->Read();
  ASSERT_TRUE(px.ok());
  const std::string first = "scene,x,y,b1\n" + uris[0] + "," + Shortest(a.first) + "," +
                            Shortest(a.second) + "," + std::to_string(px->data[20 * 256 + 10]);
  EXPECT_EQ(got.rfind(first, 0), 0u) << got;
}

// Local scenes, no server: the catalog query takes --bounds (EPSG:4326 by default) and --where.
class StackCatalogCli : public test::CliFixture {
 protected:
  void SetUp() override {
    test::CliFixture::SetUp();
    if (!HasSqlite()) GTEST_SKIP() << "cogr was built without libsqlite3";
  }
};

TEST_F(StackCatalogCli, BoundsInLonLatSelectScenesAndGrid) {
  // s0..s2: one 64x64 grid in EPSG:32633 near (15.0 E, 37.04 N); s4 is in EPSG:32634, far east.
  std::vector<std::string> scenes;
  for (const char* s : {"s0.tif", "s1.tif", "s4_32634.tif", "s2.tif"})
    scenes.push_back(test::DataPath(std::string("stack/") + s));
  const std::string cat = (dir_ / "local.gpkg").string();
  std::vector<std::string> build = {"catalog", "build"};
  build.insert(build.end(), scenes.begin(), scenes.end());
  build.insert(build.end(), {"-o", cat});
  test::CliRun b = Run(build);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const std::string box = "15.0011,37.0417,15.0045,37.0444";  // lon/lat inside s0's footprint
  test::CliRun r = Run({"stack", "--catalog", cat, "--bounds", box, "--res", "10", "-o",
                        (dir_ / "cat.npy").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  test::CliRun d = Run({"stack", scenes[0], scenes[1], scenes[3], "--bounds", box, "--bounds-crs",
                        "EPSG:4326", "--res", "10", "-o", (dir_ / "direct.npy").string()});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  const test::Npy got = test::LoadNpy((dir_ / "cat.npy").string());
  const test::Npy want = test::LoadNpy((dir_ / "direct.npy").string());
  ASSERT_TRUE(got.ok) << got.error;
  ASSERT_TRUE(want.ok) << want.error;
  ASSERT_EQ(got.shape.size(), 4u);
  EXPECT_EQ(got.shape[0], 3u);  // s4 is outside the box
  EXPECT_EQ(got.shape, want.shape);
  EXPECT_EQ(got.data, want.data);
  // --where narrows the hits: fid is the build's input position (s2 is 4).
  test::CliRun w = Run({"stack", "--catalog", cat, "--bounds", box, "--res", "10", "--where",
                        "fid = 4", "-o", (dir_ / "w.npy").string()});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  const test::Npy one = test::LoadNpy((dir_ / "w.npy").string());
  ASSERT_TRUE(one.ok) << one.error;
  EXPECT_EQ(one.shape[0], 1u);
  const size_t chip = want.data.size() / 3;
  EXPECT_TRUE(std::equal(one.data.begin(), one.data.end(), want.data.begin() + 2 * chip));
}

}  // namespace
}  // namespace cogr
