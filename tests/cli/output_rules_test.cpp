// The output-file rules of the commands that write files (translate, clip; src/cli/output_file.hpp)
// end to end: -o naming a directory fails before anything is read, a replaced file keeps its
// mode, -o naming a symlink replaces the file it points to, a signal leaves nothing behind.
// Also --max-memory and the messages of `cogr index` for absurd points.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "cogr/dataset.hpp"
#include "io/test_servers.hpp"

namespace cogr {
namespace {

namespace fs = std::filesystem;

constexpr char kUtmFile[] = "fixtures/dt_uint8_deflate_t128.tif";  // 200x169 uint8, EPSG:32618

unsigned Mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return static_cast<unsigned>(st.st_mode & 07777);
}

// The pixels of a written file, read back through cogr.
std::vector<uint8_t> Pixels(const fs::path& p) {
  auto ds = Dataset::Open(p.string());
  EXPECT_TRUE(ds.ok()) << ds.status().ToString();
  if (!ds.ok()) return {};
  auto a = (*ds)->Read();
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  if (!a.ok()) return {};
  return std::vector<uint8_t>(a->data.begin(), a->data.end());
}

class OutputRules : public test::CliFixture {
 protected:
  void WriteAoi() {
    // A box of pixels cols 10..30, rows 5..25, in the file's CRS.
    WriteText(
        "aoi.geojson",
        R"({"type": "Polygon", "coordinates": [[[583120, 4507930], [583320, 4507930], [583320, 4507730],)"
        R"( [583120, 4507730], [583120, 4507930]]]})");
  }
};

TEST_F(OutputRules, DirectoryOutputFailsBeforeAnythingIsRead) {
  // The input does not even exist: the output is checked first.
  fs::create_directories(dir_ / "out.tif");
  WriteAoi();
  const std::string missing = (dir_ / "missing.tif").string();
  const std::string outdir = (dir_ / "out.tif").string();
  const std::vector<std::vector<std::string>> commands = {
      {"translate", missing, "-o", outdir},
      {"clip", missing, "--geojson", (dir_ / "aoi.geojson").string(), "-o", outdir},
  };
  for (const auto& args : commands) {
    test::CliRun r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "cogr: error: " + outdir + ": is a directory\n");
    EXPECT_EQ(DirEntries(), (std::vector<std::string>{"aoi.geojson", "out.tif"}));
    EXPECT_TRUE(fs::is_empty(dir_ / "out.tif"));
  }
}

TEST_F(OutputRules, DirectoryOutputFailsBeforeASlowRemoteRead) {
  // A server that would trickle the open for an hour: the command still ends at once.
  if (!test::HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
  test::FaultServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  fs::create_directories(dir_ / "outdir");
  const std::string url =
      server.Url("slow/io/cog_u8_deflate_256_t32.tif?t=dir&chunk=1&interval_ms=100");
  test::CliRun r = Run({"translate", url, "-o", (dir_ / "outdir").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, "cogr: error: " + (dir_ / "outdir").string() + ": is a directory\n");
  const std::string count = test::RawGet(
      server.port(),
      "/__count?target=%2Fslow%2Fio%2Fcog_u8_deflate_256_t32.tif%3Ft%3Ddir%26chunk%3D1%26interval_ms%3D100");
  EXPECT_EQ(count.substr(count.find("\r\n\r\n") + 4), "0") << "no request was made";
}

TEST_F(OutputRules, ReplacedOutputKeepsItsMode) {
  WriteAoi();
  const fs::path tif = dir_ / "t.tif", npy = dir_ / "c.npy", ctif = dir_ / "c.tif";
  for (const fs::path& p : {tif, npy, ctif}) {
    WriteText(p.filename(), "old contents");
    ASSERT_EQ(::chmod(p.c_str(), 0600), 0);
  }
  test::CliRun r = Run({"translate", test::DataPath(kUtmFile), "-o", tif.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run({"clip", test::DataPath(kUtmFile), "--geojson", (dir_ / "aoi.geojson").string(), "--crop",
           "-o", npy.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run({"clip", test::DataPath(kUtmFile), "--geojson", (dir_ / "aoi.geojson").string(), "--crop",
           "-o", ctif.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const fs::path& p : {tif, npy, ctif}) EXPECT_EQ(Mode(p), 0600u) << p;
  auto src = Dataset::Open(test::DataPath(kUtmFile));
  ASSERT_TRUE(src.ok());
  auto want = (*src)->Read();
  ASSERT_TRUE(want.ok());
  EXPECT_EQ(Pixels(tif), want->data);
  test::Npy got = test::LoadNpy(npy.string());
  ASSERT_TRUE(got.ok) << got.error;
  EXPECT_EQ(got.shape, (std::vector<uint64_t>{1, 20, 20}));
  EXPECT_EQ(Pixels(ctif), got.data);
  EXPECT_EQ(DirEntries(), (std::vector<std::string>{"aoi.geojson", "c.npy", "c.tif", "t.tif"}));
}

TEST_F(OutputRules, SymlinkOutputReplacesTheFileItPointsTo) {
  WriteAoi();
  fs::create_directories(dir_ / "data");
  WriteText("data/real.tif", "old");
  WriteText("data/real.npy", "old");
  fs::create_symlink("data/real.tif", dir_ / "link.tif");
  fs::create_symlink("data/real.npy", dir_ / "link.npy");
  test::CliRun r = Run({"translate", test::DataPath(kUtmFile), "--window", "0,0,64,32", "-o",
                        (dir_ / "link.tif").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run({"clip", test::DataPath(kUtmFile), "--geojson", (dir_ / "aoi.geojson").string(), "--crop",
           "-o", (dir_ / "link.npy").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.tif"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.npy"));
  EXPECT_EQ(Pixels(dir_ / "data/real.tif").size(), 64u * 32u);
  test::Npy got = test::LoadNpy((dir_ / "data/real.npy").string());
  ASSERT_TRUE(got.ok) << got.error;
  EXPECT_EQ(got.shape, (std::vector<uint64_t>{1, 20, 20}));
  std::vector<std::string> data_entries;
  for (const auto& e : fs::directory_iterator(dir_ / "data"))
    data_entries.push_back(e.path().filename());
  std::sort(data_entries.begin(), data_entries.end());
  EXPECT_EQ(data_entries, (std::vector<std::string>{"real.npy", "real.tif"}));
}

TEST_F(OutputRules, SignalDuringASlowReadLeavesNothingBehind) {
  if (!test::HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
  test::FaultServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  // The open is served; the read trickles 1 byte per 100 ms.
  const std::string url = server.Url(
      "slow/io/cog_u8_deflate_256_t32.tif?t=signal&skip=1&fail=2&chunk=1&interval_ms=100");
  const std::string out = (dir_ / "out.tif").string();
  test::ChildProcess cogr;
  ASSERT_TRUE(cogr.Start({COGR_CLI_PATH, "translate", url, "-o", out}, false));
  // Wait (bounded) until the temporary output exists, then SIGTERM (Stop).
  const std::string temp_prefix = "out.tif.tmp.";
  bool seen = false;
  for (int i = 0; i < 500 && !seen; ++i) {
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().filename().string().rfind(temp_prefix, 0) == 0) seen = true;
    }
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(seen) << "no temporary output appeared";
  EXPECT_TRUE(cogr.running());
  cogr.Stop();
  EXPECT_EQ(DirEntries(), std::vector<std::string>{});
}

TEST_F(OutputRules, MaxMemoryBoundsTheRead) {
  const std::string f = test::DataPath(kUtmFile);  // 200 x 169 x 1 byte = 33800 bytes
  const std::string out = (dir_ / "o.npy").string();
  test::CliRun r = Run({"read", f, "--max-memory", "32K", "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("cogr: error: " + f + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("max_read_bytes 32768"), std::string::npos) << r.err;
  EXPECT_EQ(DirEntries(), std::vector<std::string>{});
  r = Run({"read", f, "--max-memory", "34K", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  test::Npy npy = test::LoadNpy(out);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.data.size(), 33800u);
  // A window within the budget reads under the same limit, if its blocks (128 x 128 bytes) fit.
  r = Run({"read", f, "--window", "0,0,100,100", "--max-memory=20000", "-o", out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Run({"read", f, "--window", "0,0,100,100", "--max-memory=10000", "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "cogr: error: " + f +
                       ": IFD 0: a 128 x 128 block of 1 samples per pixel decodes to 16384 bytes > "
                       "max_block_bytes 10000\n");
  r = Run({"read", f, "--max-memory", "lots", "-o", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err,
      "cogr: error: --max-memory: expected bytes (an integer >= 1, optionally with K, M, G or T), got 'lots'\n");
  r = Run({"translate", f, "--max-memory", "1K", "-o", (dir_ / "t.tif").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("max_read_bytes 1024"), std::string::npos) << r.err;
  EXPECT_EQ(DirEntries(), std::vector<std::string>{"o.npy"});
}

TEST_F(OutputRules, IndexOfAnAbsurdPointIsAShortError) {
  const std::string f = test::DataPath(kUtmFile);
  test::CliRun r = Run({"index", f, "1e308", "-1e308"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "cogr: error: " + f +
                       ": point (1e+308, -1e+308) is at pixel (row 1.0000000000000001e+307, col "
                       "1.0000000000000001e+307): not representable as a 64-bit row and column\n");
  EXPECT_LT(r.err.size(), 300u);
}

}  // namespace
}  // namespace cogr
