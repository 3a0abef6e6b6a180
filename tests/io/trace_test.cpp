// cogr::Trace: what an open and a window read record, over nginx and from a local file, checked
// against the I/O stats, nginx's access log and the file's own tile table.
#include "cogr/trace.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cogr/dataset.hpp"
#include "io/header_cache.hpp"
#include "io/read_context.hpp"
#include "io/server_suite.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

using nlohmann::json;

constexpr const char* kCog = "io/cog_u8_deflate_256_t32.tif";  // 8x8 tiles of 32x32, 67594 bytes
// Tiles (2..4, 5..7): a 3x3 window past the 32 KiB header prefix.
const geo::Window kWindow{64, 160, 96, 96};

uint32_t U32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t{b[at]} | uint32_t{b[at + 1]} << 8 | uint32_t{b[at + 2]} << 16 |
         uint32_t{b[at + 3]} << 24;
}

// Byte ranges of the 9 tiles of kWindow, from the fixture's (little-endian, classic) first IFD.
std::set<std::pair<uint64_t, uint64_t>> WindowTiles() {
  const std::vector<uint8_t> file = test::ReadFileBytes(test::DataPath(kCog));
  const uint32_t ifd = U32(file, 4);
  const uint16_t n = static_cast<uint16_t>(file[ifd] | file[ifd + 1] << 8);
  uint32_t offsets_at = 0, counts_at = 0;
  for (uint16_t i = 0; i < n; ++i) {
    const size_t e = ifd + 2 + 12u * i;
    const uint16_t tag = static_cast<uint16_t>(file[e] | file[e + 1] << 8);
    if (tag == 324) offsets_at = U32(file, e + 8);
    if (tag == 325) counts_at = U32(file, e + 8);
  }
  std::set<std::pair<uint64_t, uint64_t>> tiles;
  for (uint32_t row = 5; row <= 7; ++row) {
    for (uint32_t col = 2; col <= 4; ++col) {
      const uint32_t t = row * 8 + col;
      tiles.emplace(U32(file, offsets_at + 4 * t), U32(file, counts_at + 4 * t));
    }
  }
  return tiles;
}

// nginx's form of a request's ranges: "bytes=0-32767,40000-49999".
std::string RangeHeader(const std::vector<ByteRange>& ranges) {
  std::string s = "bytes=";
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(ranges[i].offset) + "-" + std::to_string(ranges[i].end() - 1);
  }
  return s;
}

// Every decode: one per tile of the window, each after its bytes were in, and the pieces of
// the requests are exactly the window's tiles.
void ExpectDecodesFollowPieces(const Trace& trace, const std::string& uri,
                               const std::string& piece_kind) {
  const auto tiles = WindowTiles();
  std::map<std::pair<uint64_t, uint64_t>, int64_t> ready;  // tile -> when its bytes were in
  for (const Trace::Request& r : trace.requests()) {
    if (r.kind != piece_kind) continue;
    for (const Trace::Piece& p : r.pieces) {
      if (tiles.count({p.offset, p.length})) {
        EXPECT_TRUE(ready.emplace(std::make_pair(p.offset, p.length), p.ready_us).second)
            << p.offset;
      }
    }
  }
  EXPECT_EQ(ready.size(), tiles.size());
  const std::vector<Trace::Decode> decodes = trace.decodes();
  ASSERT_EQ(decodes.size(), 9u);
  std::set<std::pair<uint64_t, uint64_t>> decoded;
  std::set<uint64_t> blocks;
  for (const Trace::Decode& d : decodes) {
    EXPECT_EQ(d.uri, uri);
    EXPECT_EQ(d.codec, "deflate");
    EXPECT_EQ(d.ifd, 0);
    EXPECT_TRUE(d.ok);
    EXPECT_EQ(d.bytes_in, d.range.length);
    EXPECT_EQ(d.bytes_out, 32u * 32u);  // one uint8 band
    EXPECT_GT(d.thread, 0u);
    EXPECT_LE(d.start_us, d.end_us);
    blocks.insert(d.block);
    decoded.emplace(d.range.offset, d.range.length);
    auto it = ready.find({d.range.offset, d.range.length});
    ASSERT_NE(it, ready.end()) << "block " << d.block << " decoded from bytes no request delivered";
    EXPECT_GE(d.start_us, it->second) << "block " << d.block << " decoded before its bytes were in";
  }
  EXPECT_EQ(decoded, tiles);
  EXPECT_EQ(blocks, (std::set<uint64_t>{42, 43, 44, 50, 51, 52, 58, 59, 60}));
}

class TraceHttp : public test::ServerSuite<TraceHttp, test::NginxServer> {
 protected:
  void SetUp() override {
    if (!test::HaveHttp())
      GTEST_SKIP() << "cogr was built without libcurl: http sources are unsupported";
    ASSERT_TRUE(ServerStarted()) << StartError();
    io::internal::HeaderCache::Global().Clear();
  }
  std::string Url() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return server_->Url(kCog) + "?t=" + info->name();
  }
  static OpenOptions Cold() {
    OpenOptions oo;
    oo.header_read_bytes = 32 * 1024;
    oo.io.persisted_header_cache = false;
    oo.block_cache_bytes = 0;
    return oo;
  }
};

TEST_F(TraceHttp, ColdWindowReadRecordsHeaderDataRequestAndNineDecodes) {
  const std::string url = Url();
  auto trace = std::make_shared<Trace>();
  const size_t log_before = server_->Log().size();
  OpenOptions oo = Cold();
  oo.trace = trace;
  ReadOptions ro;
  ro.window = kWindow;
  ro.trace = trace;
  const auto t0 = Trace::Clock::now();
  auto ds = Dataset::Open(url, oo);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  auto array = (*ds)->Read(ro);
  const auto t1 = Trace::Clock::now();
  ASSERT_TRUE(array.ok()) << array.status().ToString();

  // Requests: as many as the stats counted and nginx logged, with the ranges nginx saw.
  const std::vector<Trace::Request> requests = trace->requests();
  const io::IoStats stats = (*ds)->io_stats();
  ASSERT_EQ(requests.size(), stats.requests);
  ASSERT_EQ(requests.size(), 2u);  // the cold open, then the 9 tiles in one coalesced request
  const std::vector<test::AccessLine> log = server_->Log();
  ASSERT_EQ(log.size(), log_before + requests.size());
  uint64_t fetched = 0, used = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    const Trace::Request& r = requests[i];
    SCOPED_TRACE("request " + std::to_string(i));
    EXPECT_EQ(r.uri, url);
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.retry, 0u);
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.remote, "127.0.0.1:" + std::to_string(server_->port()));
    EXPECT_GT(r.local_port, 0u);
    EXPECT_EQ(RangeHeader(r.ranges), log[log_before + i].range);
    EXPECT_EQ(log[log_before + i].status, 206);
    // One clock: start <= phases <= first byte <= last byte.
    EXPECT_LE(r.start_us, r.first_byte_us);
    EXPECT_LE(r.first_byte_us, r.end_us);
    for (int64_t phase : {r.dns_us, r.connect_us, r.tls_us}) {
      if (phase >= 0) {
        EXPECT_LE(phase, r.first_byte_us);
      }
    }
    for (const Trace::Piece& p : r.pieces) EXPECT_GE(p.ready_us, r.first_byte_us);
    fetched += r.bytes;
    for (const Trace::Piece& p : r.pieces) used += p.length;
  }
  EXPECT_EQ(fetched, stats.bytes_fetched);
  EXPECT_EQ(used, stats.bytes_used);
  const Trace::Request& header = requests[0];
  const Trace::Request& data = requests[1];
  EXPECT_EQ(header.kind, "header");
  ASSERT_EQ(header.ranges.size(), 1u);
  EXPECT_EQ(header.ranges[0], (ByteRange{0, 32768}));
  EXPECT_TRUE(header.new_connection);  // the first request to this server's port
  EXPECT_GE(header.connect_us, header.start_us);
  EXPECT_EQ(data.kind, "data");
  EXPECT_EQ(data.pieces.size(), 9u);
  // The window's tiles, coalesced: the request's ranges cover every tile.
  for (const auto& [offset, length] : WindowTiles()) {
    EXPECT_TRUE(std::any_of(data.ranges.begin(), data.ranges.end(),
                            [&, o = offset, l = length](const ByteRange& r) {
                              return r.offset <= o && o + l <= r.end();
                            }))
        << offset;
  }
  // Same connection or not, the trace says which: a reused one has no connect phase.
  if (data.local_port == header.local_port) {
    EXPECT_FALSE(data.new_connection);
    EXPECT_EQ(data.connect_us, -1);
  }
  ExpectDecodesFollowPieces(*trace, url, "data");

  // The open's request ends before the read's starts; everything lies inside the measured
  // wall time, and the span holds at least the two requests one after the other.
  EXPECT_LE(header.end_us, data.start_us);
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (const Trace::Request& r : requests)
    first = std::min(first, r.start_us), last = std::max(last, r.end_us);
  for (const Trace::Decode& d : trace->decodes())
    first = std::min(first, d.start_us), last = std::max(last, d.end_us);
  EXPECT_GE(first, trace->Us(t0));
  EXPECT_LE(last, trace->Us(t1));
  EXPECT_LE(last - first, trace->Us(t1) - trace->Us(t0));
  EXPECT_GE(last - first, (header.end_us - header.start_us) + (data.end_us - data.start_us));

  // The Chrome export parses; one track per connection, named after the server.
  const json chrome = json::parse(trace->ToChromeJson(), nullptr, false);
  ASSERT_TRUE(chrome.is_object());
  size_t http = 0, decode = 0;
  std::set<std::string> names;
  for (const json& e : chrome["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "http" && e["name"].get<std::string>().rfind("GET", 0) == 0)
      ++http;
    if (e["ph"] == "X" && e["cat"] == "decode") ++decode;
    if (e["ph"] == "M" && e["name"] == "thread_name")
      names.insert(e["args"]["name"].get<std::string>());
  }
  EXPECT_EQ(http, 2u);
  EXPECT_EQ(decode, 9u);
  EXPECT_TRUE(names.count("conn 1 (127.0.0.1:" + std::to_string(server_->port()) + ")"))
      << chrome.dump();
}

TEST_F(TraceHttp, OpenTraceIsNotKeptForReads) {
  auto trace = std::make_shared<Trace>();
  OpenOptions oo = Cold();
  oo.trace = trace;
  auto ds = Dataset::Open(Url(), oo);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ReadOptions ro;
  ro.window = kWindow;
  ASSERT_TRUE((*ds)->Read(ro).ok());
  ASSERT_EQ(trace->requests().size(), 1u);
  EXPECT_EQ(trace->requests()[0].kind, "header");
  EXPECT_TRUE(trace->decodes().empty());
}

TEST_F(TraceHttp, AsyncOpenAndReadRecordToo) {
  const std::string url = Url();
  auto trace = std::make_shared<Trace>();
  OpenOptions oo = Cold();
  oo.trace = trace;
  ReadOptions ro;
  ro.window = kWindow;
  ro.trace = trace;
  std::promise<Result<std::shared_ptr<Dataset>>> opened;
  Dataset::OpenAsync(url, oo,
                     [&](Result<std::shared_ptr<Dataset>> ds) { opened.set_value(std::move(ds)); });
  auto ds = opened.get_future().get();
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  std::promise<Status> read;
  (*ds)->ReadAsync(ro, [&](Result<Array> a) { read.set_value(a.status()); });
  ASSERT_TRUE(read.get_future().get().ok());
  EXPECT_EQ(trace->requests().size(), (*ds)->io_stats().requests);
  ExpectDecodesFollowPieces(*trace, url, "data");
}

// Retries and a refused multi-range request, against the fault server: each attempt is a
// request of its own, with its status, retry number and error.
class TraceFault : public test::ServerSuite<TraceFault, test::FaultServer> {
 protected:
  void SetUp() override {
    if (!test::HaveHttp())
      GTEST_SKIP() << "cogr was built without libcurl: http sources are unsupported";
    ASSERT_TRUE(ServerStarted()) << StartError();
    io::internal::HeaderCache::Global().Clear();
  }
  std::string Url(const std::string& mode, const std::string& query) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return server_->Url(mode + "/" + kCog + "?t=" + info->name() + "&" + query);
  }
  static io::SourceOptions Fast() {
    io::SourceOptions o;
    o.persisted_header_cache = false;
    o.memory_header_cache = false;
    o.prefix_bytes = 1024;
    o.retry.max_retries = 3;
    o.retry.initial_backoff_ms = 10;
    o.retry.max_backoff_ms = 40;
    return o;
  }
};

TEST_F(TraceFault, EveryRetryIsARequestWithItsStatus) {
  auto trace = std::make_shared<Trace>();
  io::IoContext context;
  context.trace = trace;
  const cogr::internal::ScopedReadContext scope(&context);
  auto src = io::Open(Url("s500", "fail=2"), Fast());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  const std::vector<Trace::Request> requests = trace->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests.size(), (*src)->stats().requests);
  for (uint32_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(requests[i].kind, "header");
    EXPECT_EQ(requests[i].retry, i);
    EXPECT_EQ(requests[i].ranges, (std::vector<ByteRange>{{0, 1024}}));
    EXPECT_EQ(requests[i].status, i < 2 ? 500 : 206);
    EXPECT_EQ(requests[i].error, i < 2 ? "HTTP 500 (internal server error)" : "");
    EXPECT_EQ(requests[i].pieces.size(), i < 2 ? 0u : 1u);
    if (i > 0) {
      EXPECT_GE(requests[i].start_us, requests[i - 1].end_us);  // after the backoff
    }
  }
}

TEST_F(TraceFault, RefusedMultiRangeRequestIsShownThenSingleRanges) {
  auto trace = std::make_shared<Trace>();
  io::SourceOptions o = Fast();
  o.hole_size_limit = 100;  // three planned requests, grouped into one multi-range request
  auto src = io::Open(Url("ok", "x=1"), o);  // (no trace: the open is not recorded)
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  const std::vector<ByteRange> ranges{{2000, 1000}, {30000, 1000}, {50000, 1000}};
  io::IoContext context;
  context.trace = trace;
  const cogr::internal::ScopedReadContext scope(&context);
  ASSERT_TRUE((*src)
                  ->ReadRanges(
                      ranges, [](size_t, ByteSpan) { return Status::OK(); }, 2)
                  .ok());
  std::vector<Trace::Request> requests = trace->requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].ranges, ranges);
  EXPECT_EQ(requests[0].status, 200);
  EXPECT_EQ(requests[0].error,
            "multi-range request refused (HTTP 200); sent again as single ranges");
  EXPECT_TRUE(requests[0].pieces.empty());
  std::sort(requests.begin() + 1, requests.end(),
            [](const Trace::Request& a, const Trace::Request& b) {
              return a.ranges[0].offset < b.ranges[0].offset;
            });
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(requests[i].ranges, (std::vector<ByteRange>{ranges[i - 1]}));
    EXPECT_EQ(requests[i].status, 206);
    EXPECT_TRUE(requests[i].error.empty()) << requests[i].error;
    EXPECT_GE(requests[i].start_us, requests[0].end_us);
  }
}

TEST(TraceLocal, WindowReadRecordsEveryPreadAndDecode) {
  const std::string path = test::DataPath(kCog);
  auto trace = std::make_shared<Trace>();
  OpenOptions oo;
  oo.block_cache_bytes = 0;
  oo.trace = trace;
  ReadOptions ro;
  ro.window = kWindow;
  ro.trace = trace;
  auto ds = Dataset::Open(path, oo);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_TRUE((*ds)->Read(ro).ok());
  const std::vector<Trace::Request> requests = trace->requests();
  const io::IoStats stats = (*ds)->io_stats();
  ASSERT_EQ(requests.size(), stats.requests);
  uint64_t bytes = 0;
  for (const Trace::Request& r : requests) {
    EXPECT_EQ(r.kind, "pread");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.uri, path);
    EXPECT_GT(r.thread, 0u);
    ASSERT_EQ(r.ranges.size(), 1u);
    ASSERT_EQ(r.pieces.size(), 1u);
    EXPECT_EQ(r.bytes, r.ranges[0].length);
    EXPECT_LE(r.start_us, r.end_us);
    bytes += r.bytes;
  }
  EXPECT_EQ(bytes, stats.bytes_fetched);
  EXPECT_EQ(requests[0].ranges[0].offset, 0u);  // the header read comes first
  ExpectDecodesFollowPieces(*trace, path, "pread");
  // The tiles were read one pread each (local files are not coalesced).
  EXPECT_EQ(requests.size(), 1u + 9u);
}

TEST(TraceLocal, NoTraceRecordsNothingAndClearRestarts) {
  auto trace = std::make_shared<Trace>();
  OpenOptions oo;
  oo.block_cache_bytes = 0;  // the second read decodes again
  auto ds = Dataset::Open(test::DataPath(kCog), oo);
  ASSERT_TRUE(ds.ok());
  ReadOptions ro;
  ro.window = kWindow;
  ASSERT_TRUE((*ds)->Read(ro).ok());
  EXPECT_TRUE(trace->requests().empty());
  ro.trace = trace;
  ASSERT_TRUE((*ds)->Read(ro).ok());
  EXPECT_EQ(trace->decodes().size(), 9u);
  EXPECT_EQ(trace->requests().size(), 9u);  // the tiles (the header was read by the open)
  trace->Clear();
  EXPECT_TRUE(trace->requests().empty());
  EXPECT_TRUE(trace->decodes().empty());
}

TEST(TraceJson, EscapesTextAndNamesTracks) {
  Trace trace;
  Trace::Request r;
  r.uri = "weird \"name\"\n\\ \x01 caf\xc3\xa9";
  r.kind = "data";
  r.ranges = {{0, 10}, {20, 5}};
  r.start_us = 5;
  r.first_byte_us = 7;
  r.end_us = 9;
  r.status = 503;
  r.retry = 2;
  r.remote = "10.0.0.1:443";
  r.local_port = 5555;
  r.error = "HTTP 503 (service unavailable)";
  trace.Add(r);
  Trace::Decode d;
  d.uri = r.uri;
  d.codec = "zstd";
  d.thread = 3;
  d.start_us = 10;
  d.end_us = 12;
  trace.Add(d);
  const json j = json::parse(trace.ToChromeJson(), nullptr, false);
  ASSERT_TRUE(j.is_object());
  std::map<std::string, std::string> tracks;
  const json* request = nullptr;
  for (const json& e : j["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name")
      tracks[std::to_string(e["tid"].get<int64_t>())] = e["args"]["name"];
    if (e["ph"] == "M" && e["name"] == "process_name") {
      EXPECT_EQ(e["args"]["name"].get<std::string>().substr(0, 14), r.uri.substr(0, 14));
    }
    if (e["ph"] == "X" && e["name"] == "GET 0-9,20-24") request = &e;
  }
  ASSERT_NE(request, nullptr) << j.dump();
  EXPECT_EQ((*request)["ts"], 5);
  EXPECT_EQ((*request)["dur"], 4);
  EXPECT_EQ((*request)["args"]["status"], 503);
  EXPECT_EQ((*request)["args"]["retry"], 2);
  EXPECT_EQ((*request)["args"]["ranges"], "0-9,20-24");
  EXPECT_EQ((*request)["args"]["error"], r.error);
  EXPECT_EQ(tracks[std::to_string((*request)["tid"].get<int64_t>())], "conn 1 (10.0.0.1:443)");
  EXPECT_EQ(tracks["3"], "decode thread 3");
}

}  // namespace
}  // namespace cogr
