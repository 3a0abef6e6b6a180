// `cogr read` of a remote file into a .npy on tmpfs: strips of block rows read with several in
// flight at once (ReadIntoAsync) and written in order. Against nginx on 127.0.0.1, serving a
// file the suite writes into nginx's scratch directory.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_run_util.hpp"
#include "cli/cli_server_suite.hpp"
#include "cli/streamed_fixture.hpp"
#include "cogr/dataset.hpp"

namespace cogr {
namespace {

class CliRemoteStreamed : public test::CliNginxSuite<CliRemoteStreamed> {
 public:
  static std::string StartServer(test::NginxServer& server) {
    const std::string scratch = server.dir() + "/scratch";
    std::filesystem::create_directories(scratch);
    Status st = test::WriteStreamedImage(scratch + "/big.tif");
    if (!st.ok()) return st.message();
    if (!server.Start("location /scratch/ { alias " + scratch + "/; }"))
      return server.error().empty() ? std::string("nginx did not start") : server.error();
    return "";
  }

 protected:
  void SetUp() override {
    test::CliNginxSuite<CliRemoteStreamed>::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    struct statfs s {};
    ASSERT_EQ(statfs("/dev/shm", &s), 0) << "the streamed path writes to /dev/shm";
    ASSERT_EQ(static_cast<unsigned long>(s.f_type), static_cast<unsigned long>(TMPFS_MAGIC))
        << "/dev/shm is not a tmpfs: the streamed path cannot be tested";
    shm_ = "/dev/shm/cogr_remote_streamed_" + std::to_string(getpid()) + ".npy";
  }
  void TearDown() override {
    std::filesystem::remove(shm_);
    test::CliFixture::TearDown();
  }
  // This test's files in /dev/shm: the output and any temporary file next to it.
  std::vector<std::string> ShmLeftovers() const {
    std::vector<std::string> left;
    const std::string stem = "cogr_remote_streamed_" + std::to_string(getpid());
    for (const auto& e : std::filesystem::directory_iterator("/dev/shm")) {
      if (e.path().filename().string().find(stem) != std::string::npos)
        left.push_back(e.path().string());
    }
    return left;
  }
  std::string shm_;
};

// Whole image, a window starting inside a block row, a boundless window above the image with
// one band: the file equals the local read to a disk directory and Dataset::Read, and every
// strip was one request (the open, then one per strip).
TEST_F(CliRemoteStreamed, StripsInFlightEqualTheLocalRead) {
  const std::string url = server_->Url("scratch/big.tif");
  const std::string local = server_->dir() + "/scratch/big.tif";
  auto ds = Dataset::Open(local);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  struct Case {
    std::vector<std::string> args;
    ReadOptions options;
    int requests;
  };
  std::vector<Case> cases(3);
  cases[0].requests = 1 + 5;  // the open, then rows [0, 768), ... [2304, 3072), [3072, 3100)
  cases[1].args = {"--window", "7,300,2500,2700"};
  cases[1].options.window = geo::Window{7, 300, 2500, 2700};
  cases[1].requests = 1 + 4;  // rows [300, 768), [768, 1536), [1536, 2304), [2304, 3000)
  cases[2].args = {"--window", "-5,-700,2600,4000", "--boundless", "--bands", "2"};
  cases[2].options.window = geo::Window{-5, -700, 2600, 4000};
  cases[2].options.boundless = true;
  cases[2].options.bands = {2};
  // Rows [-700, 0) need no request, then [0, 1536), [1536, 3072), [3072, 3300).
  cases[2].requests = 1 + 3;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args.size());
    std::vector<std::string> argv = {"read", url + "?c=" + std::to_string(c.args.size())};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    argv.insert(argv.end(), {"-o", shm_, "--stats"});
    test::CliRun r = Run(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto stats = nlohmann::json::parse(r.err, nullptr, false);
    ASSERT_TRUE(stats.is_object()) << r.err;
    EXPECT_EQ(stats["requests"], c.requests) << r.err;
    std::vector<std::string> to_disk = {"read", local};
    to_disk.insert(to_disk.end(), c.args.begin(), c.args.end());
    to_disk.insert(to_disk.end(), {"-o", (dir_ / "disk.npy").string()});
    test::CliRun b = Run(to_disk);
    ASSERT_EQ(b.exit_code, 0) << b.err;
    const std::vector<uint8_t> streamed = test::ReadFileBytes(shm_);
    std::filesystem::remove(shm_);
    EXPECT_EQ(streamed, test::ReadFileBytes((dir_ / "disk.npy").string()));
    auto want = (*ds)->Read(c.options);
    ASSERT_TRUE(want.ok()) << want.status().message();
    ASSERT_GE(streamed.size(), want->data.size());
    EXPECT_TRUE(std::equal(want->data.begin(), want->data.end(),
                           streamed.end() - static_cast<ptrdiff_t>(want->data.size())));
  }
}

// --timeout firing while strips are in flight: each run either wrote exactly the local read or
// failed with one error line and left no output (the strips' reads are waited for before their
// buffers go).
TEST_F(CliRemoteStreamed, TimeoutMidReadFailsCleanlyOrReadsAll) {
  const std::string url = server_->Url("scratch/big.tif");
  const std::string disk = (dir_ / "disk.npy").string();
  ASSERT_EQ(Run({"read", server_->dir() + "/scratch/big.tif", "-o", disk}).exit_code, 0);
  const std::vector<uint8_t> want = test::ReadFileBytes(disk);
  int failed = 0;
  for (const char* seconds : {"0.005", "0.02", "0.05", "0.1", "0.2", "30"}) {
    SCOPED_TRACE(seconds);
    test::CliRun r = Run({"read", url + "?t=" + seconds, "--timeout", seconds, "-o", shm_});
    if (r.exit_code == 0) {
      EXPECT_EQ(r.err, "");
      EXPECT_EQ(test::ReadFileBytes(shm_), want);
      std::filesystem::remove(shm_);
      continue;
    }
    ++failed;
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err.rfind("cogr: error: ", 0), 0u) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(shm_));
  }
  EXPECT_GE(failed, 1);  // 5 ms cannot read 32 MB through a fresh connection
  EXPECT_LE(failed, 5);  // 30 s can
}

// A strip that cannot be read fails the command with one error line and leaves no output: here
// the object is gone after the open (its header came from the persisted cache).
TEST_F(CliRemoteStreamed, AFailedStripLeavesNoOutput) {
  const std::string url = server_->Url("scratch/gone.tif");
  const std::string file = server_->dir() + "/scratch/gone.tif";
  std::filesystem::copy_file(server_->dir() + "/scratch/big.tif", file,
                             std::filesystem::copy_options::overwrite_existing);
  const std::string cache = (dir_ / "headers").string();
  ::setenv("COGR_HEADER_CACHE_DIR", cache.c_str(), 1);
  test::CliRun r = Run({"info", url});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::filesystem::remove(file);
  r = Run({"read", url, "-o", shm_});
  ::unsetenv("COGR_HEADER_CACHE_DIR");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("cogr: error: " + url + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("404"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(shm_));
  EXPECT_EQ(ShmLeftovers(), std::vector<std::string>{}) << "the output or its temporary file";
}

// The output cannot grow past 1 MiB (RLIMIT_FSIZE, SIGXFSZ ignored: a full tmpfs) while strips
// are in flight: the write's error is the one printed, naming the output (not the strips'
// "cancelled" that follows it), and nothing is left.
TEST_F(CliRemoteStreamed, AnOutputThatCannotGrowFailsNamingIt) {
  const std::string url = server_->Url("scratch/big.tif");
  std::filesystem::remove(shm_);
  test::CliRun r = test::RunCogr(dir_, {"read", url, "-o", shm_},
                                 {"sh", "-c", "trap '' XFSZ; ulimit -f 2048 && exec \"$@\"", "sh"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("cogr: error: " + shm_ + ": cannot write ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(url), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(shm_));
  EXPECT_EQ(ShmLeftovers(), std::vector<std::string>{}) << "the output or its temporary file";
}

}  // namespace
}  // namespace cogr
