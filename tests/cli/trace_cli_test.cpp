// `cogr read|info|bench --trace FILE.json` and `cogr bench --report FILE.html`, end to end:
// locally and against nginx on 127.0.0.1 (request counts checked against --stats / --json).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli/cli_run_util.hpp"
#include "cli/cli_server_suite.hpp"

namespace cogr {
namespace {

using nlohmann::json;

constexpr const char* kCog = "io/cog_u8_deflate_256_t32.tif";  // 256x256, 32x32 tiles

// Complete events of a Chrome trace by category, and the track names.
struct ChromeSummary {
  size_t http = 0, file = 0, decode = 0;
  std::vector<std::string> tracks;
};

ChromeSummary Summarize(const json& j) {
  ChromeSummary s;
  for (const json& e : j["traceEvents"]) {
    if (e["ph"] == "X") {
      const std::string name = e["name"];
      if (e["cat"] == "http" && (name.rfind("GET", 0) == 0)) ++s.http;
      if (e["cat"] == "file") ++s.file;
      if (e["cat"] == "decode") ++s.decode;
      EXPECT_GE(e["dur"].get<int64_t>(), 0);
    } else if (e["name"] == "thread_name") {
      s.tracks.push_back(e["args"]["name"]);
    }
  }
  return s;
}

// The JSON block of a report page.
json ReportData(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"cogr-data\">";
  const size_t a = html.find(open);
  if (a == std::string::npos) return json();
  const size_t b = html.find("</script>", a);
  if (b == std::string::npos) return json();
  return json::parse(html.substr(a + open.size(), b - a - open.size()), nullptr, false);
}

// The number of request rows (one <g> each) in the waterfall of `report` as headless Chromium
// draws it (--dump-dom: the DOM after the page's script ran); -1 if Chromium did not run.
int64_t RenderedWaterfallRows(const std::filesystem::path& dir, const std::string& report) {
  const std::string dom = (dir / "dom.html").string();
  const std::string cmd = "timeout 120 chromium --headless --no-sandbox --disable-gpu --dump-dom " +
                          test::ShellQuoted("file://" + report) + " >" + test::ShellQuoted(dom) +
                          " 2>/dev/null";
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "headless chromium failed (scripts/install_deps.sh installs it): " << cmd;
  const std::string html = test::ReadFileText(dom);
  const size_t wf = html.find("id=\"waterfall\"");
  if (wf == std::string::npos) return -1;
  int64_t rows = 0;
  for (size_t at = html.find("<g>", wf); at != std::string::npos; at = html.find("<g>", at + 3))
    ++rows;
  return rows;
}

class CliTraceLocal : public test::CliFixture {};

TEST_F(CliTraceLocal, ReadTraceHasEveryPreadAndDecode) {
  const std::string out = (dir_ / "w.npy").string(), trace = (dir_ / "t.json").string();
  test::CliRun r = Run({"read", test::DataPath(kCog), "--window", "64,160,96,96", "-o", out,
                        "--stats", "--trace", trace});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json stats = json::parse(r.err, nullptr, false);
  const json j = json::parse(test::ReadFileText(trace), nullptr, false);
  ASSERT_TRUE(j.is_object());
  const ChromeSummary s = Summarize(j);
  EXPECT_EQ(s.file, stats["requests"].get<size_t>());
  EXPECT_EQ(s.file, 10u);  // the header, then one pread per tile
  EXPECT_EQ(s.decode, 9u);
  EXPECT_EQ(s.http, 0u);
  bool decode_track = false, file_track = false;
  for (const std::string& t : s.tracks) {
    decode_track |= t.rfind("decode thread ", 0) == 0;
    file_track |= t.rfind("file reads, thread ", 0) == 0;
  }
  EXPECT_TRUE(decode_track);
  EXPECT_TRUE(file_track);
}

TEST_F(CliTraceLocal, FailedReadStillWritesItsTraceAndBadTracePathFails) {
  const std::string trace = (dir_ / "t.json").string();
  // A window outside the image: the open is traced, the read fails.
  test::CliRun r = Run({"read", test::DataPath(kCog), "--window", "250,250,96,96", "-o",
                        (dir_ / "w.npy").string(), "--trace", trace});
  EXPECT_EQ(r.exit_code, 1);
  const json j = json::parse(test::ReadFileText(trace), nullptr, false);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(Summarize(j).file, 1u);  // the header read
  // A directory as the trace file: one error line, exit 1, nothing left behind.
  r = Run({"info", test::DataPath(kCog), "--trace", dir_.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "cogr: error: " + dir_.string() + ": is a directory\n");
  r = Run({"info", test::DataPath(kCog), "--trace", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--trace: empty file name"), std::string::npos) << r.err;
}

class CliTraceRemote : public test::CliNginxSuite<CliTraceRemote> {
 protected:
  std::string Url(const std::string& tag) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return server_->Url(kCog) + "?t=" + info->name() + "-" + tag;
  }
};

TEST_F(CliTraceRemote, ReadTraceHasHeaderAndCoalescedRequestOnNamedConnection) {
  const std::string trace = (dir_ / "t.json").string();
  test::CliRun r = Run({"read", Url("a"), "--window", "64,160,96,96", "-o",
                        (dir_ / "w.npy").string(), "--trace", trace});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(test::ReadFileText(trace), nullptr, false);
  ASSERT_TRUE(j.is_object());
  const ChromeSummary s = Summarize(j);
  EXPECT_EQ(s.http, 2u);  // the open, then the 3x3 tiles in one merged request
  EXPECT_EQ(s.decode, 9u);
  const std::string conn = "conn 1 (127.0.0.1:" + std::to_string(server_->port()) + ")";
  EXPECT_NE(std::find(s.tracks.begin(), s.tracks.end(), conn), s.tracks.end()) << j.dump();
  for (const json& e : j["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "http" &&
        e["name"].get<std::string>().rfind("GET header", 0) == 0) {
      EXPECT_EQ(e["args"]["ranges"], "0-32767");
      EXPECT_EQ(e["args"]["status"], 206);
      EXPECT_EQ(e["args"]["bytes"], 32768);
      EXPECT_EQ(e["args"]["new_connection"], true);
    }
  }
}

TEST_F(CliTraceRemote, BenchReportHasOneWaterfallRowPerRequest) {
  const std::string report = (dir_ / "r.html").string(), trace = (dir_ / "t.json").string();
  test::CliRun r =
      Run({"bench", Url("a"), Url("b"), test::DataPath(kCog), "--window", "40,72,80,80", "--repeat",
           "2", "--json", "--report", report, "--trace", trace});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json bench = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(bench.is_object()) << r.out;
  const std::string html = test::ReadFileText(report);
  EXPECT_EQ(html.find("http://cdn"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);  // self-contained
  EXPECT_EQ(html.find("<link"), std::string::npos);
  const json data = ReportData(html);
  ASSERT_TRUE(data.is_object()) << html.substr(0, 2000);
  ASSERT_EQ(data["uris"].size(), 3u);
  size_t rows = 0;
  for (size_t i = 0; i < 3; ++i) {
    const json& u = data["uris"][i];
    const json* counted = nullptr;
    for (const json& b : bench["uris"]) {
      if (b["uri"] == u["uri"]) counted = &b;
    }
    ASSERT_NE(counted, nullptr) << u["uri"];
    EXPECT_EQ(u["requests"].size(), (*counted)["requests"].get<size_t>()) << u["uri"];
    EXPECT_EQ(u["bytes_fetched"], (*counted)["bytes_fetched"]) << u["uri"];
    EXPECT_EQ(u["decodes"], 2 * 9) << u["uri"];  // 40,72,80,80 covers 3x3 tiles, read twice
    for (const json& q : u["requests"]) {
      EXPECT_LE(q["start_ms"].get<double>(), q["end_ms"].get<double>());
      if (!q["first_byte_ms"].is_null()) {
        EXPECT_LE(q["start_ms"].get<double>(), q["first_byte_ms"].get<double>());
        EXPECT_LE(q["first_byte_ms"].get<double>(), q["end_ms"].get<double>());
      }
    }
    rows += u["requests"].size();
  }
  EXPECT_EQ(rows, bench["total"]["requests"].get<size_t>());
  EXPECT_EQ(data["latency"]["requests"].get<size_t>(), rows);
  const json& table = data["table"];
  ASSERT_EQ(table.size(), 4u);  // three URIs and the total
  EXPECT_EQ(table[3]["name"], "total");
  EXPECT_EQ(table[3]["requests"], bench["total"]["requests"]);
  const json& ttfb = data["latency"]["ttfb_ms"];
  EXPECT_LE(ttfb["p50"].get<double>(), ttfb["p90"].get<double>());
  EXPECT_LE(ttfb["p90"].get<double>(), ttfb["p99"].get<double>());
  // The trace of the same run has the same requests.
  const json j = json::parse(test::ReadFileText(trace), nullptr, false);
  const ChromeSummary s = Summarize(j);
  EXPECT_EQ(s.http + s.file, rows);
  EXPECT_EQ(s.decode, 3u * 2u * 9u);
  // The page renders: headless Chromium runs its script, and the waterfall it draws has one
  // bar group (<g> with the request's <title>) per request.
  EXPECT_EQ(RenderedWaterfallRows(dir_, report), static_cast<int64_t>(rows));
}

}  // namespace
}  // namespace cogr
