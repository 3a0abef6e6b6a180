// `cogr info|read --stats` and `cogr bench` end to end, against nginx on 127.0.0.1 (request
// counts are checked against nginx's access log).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/cli_run_util.hpp"
#include "cli/cli_server_suite.hpp"

namespace cogr {
namespace {

using nlohmann::json;

constexpr const char* kCog = "io/cog_u8_deflate_256_t32.tif";  // 256x256, 32x32 tiles, 67594 bytes

class CliRemote : public test::CliNginxSuite<CliRemote> {
 protected:
  // A URL of the fixture under a query of its own (fresh cache keys).
  std::string Url(const std::string& tag) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return server_->Url(kCog) + "?t=" + info->name() + "-" + tag;
  }
  // The one line of stderr, parsed.
  static json StatsLine(const std::string& err) {
    EXPECT_FALSE(err.empty());
    EXPECT_EQ(err.find('\n'), err.size() - 1) << err;
    return json::parse(err, nullptr, false);
  }
};

TEST_F(CliRemote, InfoStatsIsOneJsonLineOnStderr) {
  const size_t before = server_->RequestCount();
  test::CliRun r = Run({"info", Url("a"), "--json", "--stats"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["width"], 256);
  const json stats = StatsLine(r.err);
  ASSERT_TRUE(stats.is_object()) << r.err;
  for (const char* key : {"requests", "bytes_fetched", "bytes_used", "retries", "wait_ms",
                          "cache_hits", "full_body_responses"}) {
    EXPECT_TRUE(stats.contains(key)) << key << " missing in " << r.err;
  }
  EXPECT_EQ(stats["requests"], 1);  // one-request cold open
  EXPECT_EQ(stats["retries"], 0);
  EXPECT_EQ(stats["bytes_fetched"], 32768);
  EXPECT_EQ(server_->RequestCount() - before, 1u);
  // Without --stats, stderr stays empty.
  r = Run({"info", Url("b")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST_F(CliRemote, ReadStatsCountsOpenAndCoalescedRead) {
  const size_t before = server_->RequestCount();
  const std::string out = (dir_ / "w.npy").string();
  test::CliRun r = Run({"read", Url("a"), "--window", "40,72,80,80", "-o", out, "--stats"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json stats = StatsLine(r.err);
  ASSERT_TRUE(stats.is_object()) << r.err;
  EXPECT_EQ(stats["requests"], 2);  // the open, then the 3x3 tiles in one merged request
  EXPECT_EQ(server_->RequestCount() - before, 2u);
  EXPECT_GE(stats["bytes_fetched"].get<uint64_t>(), stats["bytes_used"].get<uint64_t>() - 32768);
  // The same window read locally gives the same pixels.
  const std::string local = (dir_ / "l.npy").string();
  ASSERT_EQ(Run({"read", test::DataPath(kCog), "--window", "40,72,80,80", "-o", local}).exit_code,
            0);
  EXPECT_EQ(test::ReadFileBytes(out), test::ReadFileBytes(local));
}

TEST_F(CliRemote, BenchJsonCountsEveryRequest) {
  const size_t before = server_->RequestCount();
  test::CliRun r = Run({"bench", Url("a"), Url("b"), "--window", "40,72,80,80", "--repeat", "3",
                        "--concurrency", "4", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // no progress bar: stderr is not a terminal
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["concurrency"], 4);
  EXPECT_EQ(j["repeat"], 3);
  EXPECT_EQ(j["window"], json::parse("[40, 72, 80, 80]"));
  EXPECT_TRUE(j["out_shape"].is_null());
  ASSERT_EQ(j["uris"].size(), 2u);
  for (const json& u : j["uris"]) {
    EXPECT_EQ(u["reads"], 3);
    EXPECT_EQ(u["errors"], 0);
    EXPECT_TRUE(u["error"].is_null());
    EXPECT_EQ(u["requests"], 6);  // per read: the cold open + one merged range request
    EXPECT_EQ(u["retries"], 0);
    EXPECT_GT(u["bytes_fetched"].get<uint64_t>(), 0u);
    EXPECT_GT(u["bytes_used"].get<uint64_t>(), 0u);
    const json& lat = u["latency_ms"];
    for (const char* key : {"p50", "p95", "min", "max", "mean"})
      EXPECT_TRUE(lat.contains(key)) << key;
    EXPECT_LE(lat["min"].get<double>(), lat["p50"].get<double>());
    EXPECT_LE(lat["p50"].get<double>(), lat["p95"].get<double>());
    EXPECT_LE(lat["p95"].get<double>(), lat["max"].get<double>());
    EXPECT_TRUE(u.contains("wall_ms"));
  }
  EXPECT_EQ(j["uris"][0]["uri"], Url("a"));
  const json& total = j["total"];
  EXPECT_EQ(total["uris"], 2);
  EXPECT_EQ(total["reads"], 6);
  EXPECT_EQ(total["errors"], 0);
  EXPECT_EQ(total["requests"], 12);
  EXPECT_EQ(total["bytes_fetched"].get<uint64_t>(),
            j["uris"][0]["bytes_fetched"].get<uint64_t>() +
                j["uris"][1]["bytes_fetched"].get<uint64_t>());
  EXPECT_EQ(server_->RequestCount() - before, 12u);
}

// Without --concurrency every open+read is in flight at once (asynchronous opens and reads);
// the requests and results are those of the capped run.
TEST_F(CliRemote, BenchDefaultKeepsEveryReadInFlight) {
  const size_t before = server_->RequestCount();
  test::CliRun r =
      Run({"bench", Url("a"), Url("b"), "--window", "40,72,80,80", "--repeat", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["concurrency"], 6) << "2 URIs x 3 reads, all at once";
  const json& total = j["total"];
  EXPECT_EQ(total["reads"], 6);
  EXPECT_EQ(total["errors"], 0);
  EXPECT_EQ(total["requests"], 12);  // per read: the cold open + one merged range request
  EXPECT_EQ(server_->RequestCount() - before, 12u);
}

TEST_F(CliRemote, BenchHeaderCacheMakesWarmOpensFree) {
  const std::string cache = (dir_ / "cache").string();
  test::CliRun r = Run({"bench", Url("a"), "--window", "0,0,32,32", "--repeat", "3",
                        "--concurrency", "1", "--header-cache", cache, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  // First read: open (1) + tile (the first tile lies inside the 32 KiB prefix: 0).
  // Later reads: the open comes from the cache, and so does the tile (the cache holds the prefix).
  EXPECT_EQ(j["total"]["requests"], 1);
  EXPECT_EQ(j["total"]["cache_hits"].get<uint64_t>() >= 2, true) << r.out;
}

TEST_F(CliRemote, BenchTableAndFailures) {
  test::CliRun r = Run({"bench", Url("a"), test::DataPath(kCog), "--out-shape", "16,16"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("uri ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("p50 ms"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\ntotal "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(Url("a")), std::string::npos) << r.out;

  const std::string missing = server_->Url("io/missing.tif");
  r = Run({"bench", Url("a"), missing, "--json"});
  EXPECT_EQ(r.exit_code, 1);
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["total"]["errors"], 1);
  EXPECT_EQ(j["uris"][1]["error"], missing + ": HTTP 404 (not found)");
  EXPECT_EQ(r.err, "cogr: error: " + missing + ": 1 of 1 reads failed; first error: " + missing +
                       ": HTTP 404 (not found)\n");

  r = Run({"bench", "--repeat", "0", Url("a")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "cogr: error: bench: --repeat: '0' is out of range [1, 1000000]\n");
  r = Run({"bench", "--json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "cogr: error: bench: missing URI (see 'cogr bench --help')\n");
}

}  // namespace
}  // namespace cogr
