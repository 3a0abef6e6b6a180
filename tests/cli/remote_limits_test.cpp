// `cogr info` / `cogr read` with --timeout (and COGR_TIMEOUT) against hostile servers of
// tests/servers/fault_server.py: a trickle (1 byte per 100 ms), a Content-Length longer than the
// body on a held connection, "Retry-After: 100000" and a redirect loop. Each command must end
// with exactly one "cogr: error:" line naming the URL and the cause. Commands run under
// coreutils' `timeout 60` as the bound of the test (a hang is exit 124); the 3 s deadline itself is
// not asserted as a time.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "io/server_suite.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

constexpr const char* kFile = "io/cog_u8_deflate_256_t32.tif";  // 256x256 uint8, 67594 bytes

class CliRemoteLimits
    : public test::ServerSuite<CliRemoteLimits, test::FaultServer, test::CliFixture> {
 protected:
  void SetUp() override {
    test::CliFixture::SetUp();
    if (!test::HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
    ASSERT_TRUE(ServerStarted()) << StartError();
  }
  // "<mode>/<kFile>?t=<test>-<tag>&<query>": fresh server counters per URL.
  std::string Url(const std::string& mode, const std::string& tag, const std::string& query) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return server_->Url(mode + "/" + kFile + "?t=" + info->name() + "-" + tag +
                        (query.empty() ? "" : "&" + query));
  }
  // `env ENV... cogr ARGS...` bounded by `timeout 60`, the header cache off.
  test::CliRun RunBounded(const std::vector<std::string>& args,
                          const std::vector<std::string>& env = {}) {
    std::vector<std::string> prefix = {"env",
                                       "-u",
                                       "COGR_TIMEOUT",
                                       "-u",
                                       "COGR_LOW_SPEED_LIMIT",
                                       "-u",
                                       "COGR_LOW_SPEED_TIME",
                                       "-u",
                                       "COGR_HEADER_CACHE_DIR"};
    prefix.insert(prefix.end(), env.begin(), env.end());
    prefix.insert(prefix.end(), {"timeout", "-k", "5", "60"});
    return test::RunCogr(dir_, args, prefix);
  }
  // One line on stderr that starts with `prefix` and ends with `suffix`; exit status 1; no output.
  void ExpectOneError(const test::CliRun& r, const std::string& prefix,
                      const std::string& suffix = "\n") {
    ASSERT_NE(r.exit_code, 124) << "the command did not end within the test's bound of 60 s";
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line: " << r.err;
    EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << r.err;
    ASSERT_GE(r.err.size(), suffix.size());
    EXPECT_EQ(r.err.substr(r.err.size() - suffix.size()), suffix) << r.err;
    EXPECT_EQ(DirEntries(), std::vector<std::string>{}) << "a file was left behind";
  }
  std::string Out() const { return (dir_ / "out.npy").string(); }
};

// The open's first request and the reads after it: `skip=1&fail=2` makes only the read's first
// request faulty (the open's prefix GET is served normally).
constexpr const char* kAfterOpen = "skip=1&fail=2";

TEST_F(CliRemoteLimits, InfoTrickleEndsAtTheTimeout) {
  const std::string url = Url("slow", "a", "chunk=1&interval_ms=100");
  test::CliRun r = RunBounded({"info", url, "--timeout", "3"});
  ExpectOneError(
      r,
      "cogr: error: " + url +
          ": open deadline exceeded (--timeout 3); waiting for bytes [0, 32768): HTTP 206, ",
      " body bytes received\n");
}

TEST_F(CliRemoteLimits, ReadTrickleEndsAtTheTimeout) {
  const std::string url = Url("slow", "a", std::string(kAfterOpen) + "&chunk=1&interval_ms=100");
  test::CliRun r = RunBounded({"read", url, "--timeout", "3", "-o", Out()});
  ExpectOneError(
      r, "cogr: error: " + url + ": read deadline exceeded (--timeout 3); waiting for bytes [",
      " body bytes received\n");
  EXPECT_NE(r.err.find("): HTTP 206, "), std::string::npos) << r.err;
}

TEST_F(CliRemoteLimits, InfoHeldConnectionEndsAtTheTimeout) {
  // Half of the 32 KiB prefix arrives, then nothing on an open connection.
  const std::string url = Url("hold", "a", "hold_ms=60000");
  test::CliRun r = RunBounded({"info", url, "--timeout", "3"});
  ExpectOneError(
      r,
      "cogr: error: " + url +
          ": open deadline exceeded (--timeout 3); waiting for bytes [0, 32768): HTTP 206, 16384 body "
          "bytes received\n");
}

TEST_F(CliRemoteLimits, ReadHeldConnectionEndsAtTheTimeout) {
  const std::string url = Url("hold", "a", std::string(kAfterOpen) + "&hold_ms=60000");
  test::CliRun r = RunBounded({"read", url, "--timeout", "3", "-o", Out()});
  ExpectOneError(
      r, "cogr: error: " + url + ": read deadline exceeded (--timeout 3); waiting for bytes [",
      " body bytes received\n");
}

TEST_F(CliRemoteLimits, RetryAfter100000GivesUpAtOnce) {
  const std::string cause =
      "HTTP 429 (too many requests) (gave up after 0 retries: the server asks to wait 100000 s (Retry-After), more "
      "than 30000 ms, RetryOptions::max_retry_after_ms)\n";
  const std::string info_url = Url("s429", "info", "retry_after=100000");
  test::CliRun r = RunBounded({"info", info_url, "--timeout", "3"});
  ExpectOneError(r, "cogr: error: " + info_url + ": bytes [0, 32768): " + cause);
  // Also without a timeout: the server's wish is not a reason to wait for 28 hours.
  r = RunBounded({"info", info_url + "&again"});
  ExpectOneError(r, "cogr: error: " + info_url + "&again: bytes [0, 32768): " + cause);

  const std::string read_url = Url("s429", "read", std::string(kAfterOpen) + "&retry_after=100000");
  r = RunBounded({"read", read_url, "--timeout", "3", "-o", Out()});
  ExpectOneError(r, "cogr: error: " + read_url + ": bytes [", cause);
}

TEST_F(CliRemoteLimits, RetryAfterPastTheDeadlineFailsBeforeWaiting) {
  // Retry-After: 20 is within the 30 s cap, but the command has 3 s: no wait is started.
  const std::string url = Url("s429", "a", "retry_after=20");
  test::CliRun r = RunBounded({"info", url, "--timeout", "3"});
  ExpectOneError(
      r,
      "cogr: error: " + url +
          ": bytes [0, 32768): HTTP 429 (too many requests): open deadline exceeded (--timeout 3) "
          "before retry 1 (a wait of 20000 ms, Retry-After 20 s)\n");
}

TEST_F(CliRemoteLimits, RedirectLoopSaysTooManyRedirects) {
  const std::string cause = "too many redirects (8; SourceOptions::max_redirects is 8)\n";
  const std::string info_url = Url("redirect", "info", "");
  test::CliRun r = RunBounded({"info", info_url, "--timeout", "3"});
  ExpectOneError(r, "cogr: error: " + info_url + ": bytes [0, 32768): " + cause);
  const std::string read_url = Url("redirect", "read", "skip=1");
  r = RunBounded({"read", read_url, "--timeout", "3", "-o", Out()});
  ExpectOneError(r, "cogr: error: " + read_url + ": bytes [", cause);
}

TEST_F(CliRemoteLimits, EnvironmentTimeoutAndTheFlagWins) {
  const std::string url = Url("hold", "env", "hold_ms=60000");
  test::CliRun r = RunBounded({"info", url}, {"COGR_TIMEOUT=2.5"});
  ExpectOneError(r,
                 "cogr: error: " + url +
                     ": open deadline exceeded (COGR_TIMEOUT=2.5); waiting for bytes [0, 32768)");
  const std::string url2 = Url("hold", "flag", "hold_ms=60000");
  r = RunBounded({"info", url2, "--timeout", "2"}, {"COGR_TIMEOUT=1000"});
  ExpectOneError(r, "cogr: error: " + url2 +
                        ": open deadline exceeded (--timeout 2); waiting for bytes [0, 32768)");
  // --timeout 0 lifts an environment limit: a good server then answers however long it takes.
  r = RunBounded({"info", Url("ok", "zero", ""), "--json", "--timeout", "0"},
                 {"COGR_TIMEOUT=0.001"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"width\": 256"), std::string::npos) << r.out;
}

TEST_F(CliRemoteLimits, GoodServerReadsNormallyUnderATimeout) {
  test::CliRun r = RunBounded(
      {"read", Url("ok", "a", ""), "--timeout", "30", "--max-memory", "64K", "-o", Out()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::vector<uint8_t> npy = test::ReadFileBytes(Out());
  EXPECT_EQ(npy.size(), 128u + 256u * 256u);
}

// --fill-failed (stack) and --skip-errors (catalog build) leave out scenes that fail, not
// scenes the command's own deadline stopped: a held server past --timeout fails the command
// (one error line, no output), where it used to give exit 0 with that scene filled or left out.
TEST_F(CliRemoteLimits, FillFailedAndSkipErrorsDoNotForgiveTheTimeout) {
  const std::string good = Url("ok", "good", "");
  const std::string held = Url("hold", "held", "hold_ms=60000");
  test::CliRun r =
      RunBounded({"stack", good, held, "--fill-failed", "--timeout", "2", "-o", Out()});
  ExpectOneError(r, "cogr: error: scene 1 (" + held + "): open deadline exceeded (--timeout 2)",
                 "");
  r = RunBounded({"stack", good, held, "--window", "0,0,64,64", "--fill-failed", "--timeout", "2",
                  "-o", Out()});
  ExpectOneError(r, "cogr: error: scene 1 (" + held + "): open deadline exceeded (--timeout 2)",
                 "");
  const std::string catalog = (dir_ / "c.gpkg").string();
  r = RunBounded({"catalog", "build", good, held, "--skip-errors", "-o", catalog},
                 {"COGR_TIMEOUT=2"});
  ExpectOneError(r, "cogr: error: " + held + ": open deadline exceeded (COGR_TIMEOUT=2)", "");
  // A scene that fails on its own (404) is still filled or left out under the same timeout.
  const std::string gone = server_->Url("ok/io/no_such_file.tif?t=gone");
  r = RunBounded({"stack", good, gone, "--fill-failed", "--timeout", "30", "-o", Out()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.rfind("cogr: warning: filled failed scene 1: ", 0), 0u) << r.err;
  std::filesystem::remove(Out());
  r = RunBounded(
      {"catalog", "build", good, gone, "--skip-errors", "--timeout", "30", "-o", catalog});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(catalog + ": 1 scenes, ", 0), 0u) << r.out;
}

}  // namespace
}  // namespace cogr
