// Decode as bytes arrive: the pieces of one coalesced request are handed to on_range as soon as
// their own bytes are in, against tests/servers/fault_server.py sending the body in timed
// chunks. A reset mid-body is retried for the pieces not yet handed over only; cancellation and
// the deadline stop a transfer mid-body and no callback runs after on_done.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include "cogr/io.hpp"
#include "io/header_cache.hpp"
#include "io/http_source.hpp"
#include "io/server_suite.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"

namespace cogr::io {
namespace {

using cogr::test::DataPath;
using cogr::test::ReadFileBytes;

constexpr const char* kFile = "io/cog_u8_deflate_256_t32.tif";  // 67594 bytes

// Three ranges that coalesce into one request [2000, 51000) (49000 bytes).
const std::vector<ByteRange> kRanges = {{2000, 1000}, {20000, 1000}, {50000, 1000}};

struct Recorder {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<size_t> order;
  std::vector<std::vector<uint8_t>> bytes = std::vector<std::vector<uint8_t>>(3);
  std::vector<IoStats> stats_at_call;
  std::optional<Status> done;
  bool callback_after_done = false;
  int done_calls = 0;

  Source::RangeCallback Callback(const std::shared_ptr<Source>& src,
                                 std::function<void(size_t)> also = nullptr) {
    return [this, src, also](size_t i, ByteSpan b) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (done) callback_after_done = true;
        order.push_back(i);
        bytes[i].assign(b.begin(), b.end());
        stats_at_call.push_back(src->stats());
      }
      if (also) also(i);
      return Status::OK();
    };
  }
  std::function<void(Status)> Done() {
    return [this](Status st) {
      std::lock_guard<std::mutex> lock(mu);
      ++done_calls;
      done = std::move(st);
      cv.notify_all();
    };
  }
  bool Wait() {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(30), [&] { return done.has_value(); });
  }
};

class IoHttpStream : public test::ServerSuite<IoHttpStream, test::FaultServer> {
 protected:
  void SetUp() override {
    if (!test::HaveHttp())
      GTEST_SKIP() << "cogr was built without libcurl: http sources are unsupported";
    ASSERT_TRUE(ServerStarted()) << StartError();
    internal::HeaderCache::Global().Clear();
    internal::ForgetMultiRangeRefusals();  // this server refuses them; each test starts fresh
    local_ = ReadFileBytes(DataPath(kFile));
    ASSERT_EQ(local_.size(), 67594u);
  }
  static SourceOptions Options() {
    SourceOptions o;
    o.persisted_header_cache = false;
    o.memory_header_cache = false;
    o.prefix_bytes = 1024;
    o.retry.max_retries = 3;
    o.retry.initial_backoff_ms = 10;
    o.retry.max_backoff_ms = 40;
    // This server takes single ranges only: keep the gaps inside the one coalesced request
    // (what a multi-range request would leave out is tested on its own below).
    o.multi_range_hole_limit = o.hole_size_limit;
    return o;
  }
  std::string Url(const std::string& mode, const std::string& query) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return server_->Url(mode + "/" + kFile + "?t=" + info->name() + "&" + query);
  }
  // A GET of a fault-server endpoint about `url` (/__count, /__headers).
  static std::string ServerInfo(const std::string& endpoint, const std::string& url) {
    const std::string target = url.substr(url.find('/', std::strlen("http://")));
    std::string q;
    for (char c : target) {
      if (c == '?')
        q += "%3F";
      else if (c == '&')
        q += "%26";
      else if (c == '=')
        q += "%3D";
      else
        q += c;
    }
    const std::string answer = test::RawGet(server_->port(), endpoint + "?target=" + q);
    const size_t body = answer.find("\r\n\r\n");
    return body == std::string::npos ? "" : answer.substr(body + 4);
  }
  std::vector<uint8_t> Local(ByteRange r) {
    return std::vector<uint8_t>(local_.begin() + static_cast<long>(r.offset),
                                local_.begin() + static_cast<long>(r.end()));
  }

  std::vector<uint8_t> local_;
};

TEST_F(IoHttpStream, PiecesAreHandedOverBeforeTheResponseEnds) {
  // The probe (request 1) is served at once; the range request's body comes in 8 KiB chunks
  // 200 ms apart, so its last bytes arrive ~1.2 s after the first.
  const std::string url = Url("slow", "skip=1&chunk=8192&interval_ms=200");
  auto src = Open(url, Options());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  Recorder rec;
  (*src)->ReadRangesAsync(kRanges, rec.Callback(*src), rec.Done(), IoContext{});
  ASSERT_TRUE(rec.Wait());
  ASSERT_TRUE(rec.done->ok()) << rec.done->ToString();
  EXPECT_EQ(rec.done_calls, 1);
  EXPECT_EQ(rec.order, (std::vector<size_t>{0, 1, 2}));  // in the order their bytes arrived
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(rec.bytes[i], Local(kRanges[i])) << i;
  // One request for the three ranges, and the first two callbacks ran while it was still
  // running: a transfer's bytes are counted in bytes_fetched only when it ends.
  EXPECT_EQ(ServerInfo("/__count", url), "2");
  ASSERT_EQ(rec.stats_at_call.size(), 3u);
  EXPECT_EQ(rec.stats_at_call[0].requests, 2u);
  EXPECT_EQ(rec.stats_at_call[0].bytes_fetched, 1024u);  // the probe's only
  EXPECT_EQ(rec.stats_at_call[1].bytes_fetched, 1024u);
  const IoStats s = (*src)->stats();
  EXPECT_EQ(s.requests, 2u);
  EXPECT_EQ(s.bytes_fetched, 1024u + 49000u);
  EXPECT_EQ(s.bytes_used, 3000u);
  EXPECT_EQ(s.retries, 0u);
}

TEST_F(IoHttpStream, ResetMidBodyRetriesOnlyThePiecesNotHandedOver) {
  // Request 2 sends 3 chunks of 8 KiB (24576 bytes: pieces 0 and 1 are in) and is reset;
  // request 3 is served normally and must ask only for piece 2's bytes.
  const std::string url = Url("slow", "skip=1&fail=2&chunk=8192&interval_ms=50&reset_after=24576");
  auto src = Open(url, Options());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  Recorder rec;
  (*src)->ReadRangesAsync(kRanges, rec.Callback(*src), rec.Done(), IoContext{});
  ASSERT_TRUE(rec.Wait());
  ASSERT_TRUE(rec.done->ok()) << rec.done->ToString();
  EXPECT_EQ(rec.order, (std::vector<size_t>{0, 1, 2}));  // each piece exactly once
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(rec.bytes[i], Local(kRanges[i])) << i;
  EXPECT_EQ(ServerInfo("/__count", url), "3");
  EXPECT_NE(ServerInfo("/__headers", url).find("Range: bytes=50000-50999\n"), std::string::npos)
      << ServerInfo("/__headers", url);
  const IoStats s = (*src)->stats();
  EXPECT_EQ(s.requests, 3u);
  EXPECT_EQ(s.retries, 1u);
  EXPECT_EQ(s.bytes_used, 3000u);
  EXPECT_EQ(s.bytes_fetched, 1024u + 24576u + 1000u);
}

TEST_F(IoHttpStream, SyncReadRangesAlsoStreamsAndRetries) {
  const std::string url = Url("slow", "skip=1&fail=2&chunk=8192&interval_ms=50&reset_after=24576");
  auto src = Open(url, Options());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  std::mutex mu;
  std::vector<int> calls(3, 0);
  std::vector<std::vector<uint8_t>> got(3);
  Status st = (*src)->ReadRanges(
      kRanges,
      [&](size_t i, ByteSpan b) {
        std::lock_guard<std::mutex> lock(mu);
        ++calls[i];
        got[i].assign(b.begin(), b.end());
        return Status::OK();
      },
      4);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(calls, (std::vector<int>{1, 1, 1}));
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(got[i], Local(kRanges[i])) << i;
  EXPECT_EQ(ServerInfo("/__count", url), "3");
}

TEST_F(IoHttpStream, CancelMidTransferStopsItAndNoCallbackFollowsDone) {
  // Chunks 300 ms apart: piece 0 is in with the first chunk, piece 1 only with the third.
  const std::string url = Url("slow", "skip=1&chunk=8192&interval_ms=300");
  auto src = Open(url, Options());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  IoContext ctx;
  ctx.cancel = CancelToken::Create();
  Recorder rec;
  (*src)->ReadRangesAsync(kRanges, rec.Callback(*src, [&](size_t) { ctx.cancel->Cancel(); }),
                          rec.Done(), ctx);
  ASSERT_TRUE(rec.Wait());
  EXPECT_EQ(rec.done->code(), Code::kCancelled);
  EXPECT_EQ(
      rec.done->message().rfind("read cancelled; waiting for bytes [2000, 51000): HTTP 206, ", 0),
      0u)
      << rec.done->message();
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // a late callback would show now
  std::lock_guard<std::mutex> lock(rec.mu);
  EXPECT_EQ(rec.order, (std::vector<size_t>{0}));
  EXPECT_FALSE(rec.callback_after_done);
  EXPECT_EQ(rec.done_calls, 1);
}

TEST_F(IoHttpStream, DeadlineMidTransferIsCancelledAndNoCallbackFollowsDone) {
  const std::string url = Url("slow", "skip=1&chunk=8192&interval_ms=300");
  auto src = Open(url, Options());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  IoContext ctx;
  ctx.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
  ctx.timeout_ms = 400;
  Recorder rec;
  (*src)->ReadRangesAsync(kRanges, rec.Callback(*src), rec.Done(), ctx);
  ASSERT_TRUE(rec.Wait());
  EXPECT_EQ(rec.done->code(), Code::kCancelled);
  EXPECT_EQ(
      rec.done->message().rfind(
          "read deadline exceeded (timeout 400 ms); waiting for bytes [2000, 51000): HTTP 206, ",
          0),
      0u)
      << rec.done->message();
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  std::lock_guard<std::mutex> lock(rec.mu);
  EXPECT_EQ(rec.order, (std::vector<size_t>{0}));  // piece 1 needed the third chunk (~600 ms)
  EXPECT_FALSE(rec.callback_after_done);
  EXPECT_EQ(rec.done_calls, 1);
}

TEST_F(IoHttpStream, RefusedMultiRangeFallsBackToSingleRanges) {
  // The fault server takes single ranges only: it answers "bytes=a-b,c-d,e-f" with 200 and the
  // whole object. That answer's body is not read; the three ranges go out alone, and from then
  // on this source sends single ranges only.
  const std::string url = Url("ok", "x=2");
  SourceOptions o = Options();
  o.hole_size_limit = 100;  // three planned requests, grouped into one multi-range request
  auto src = Open(url, o);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<std::vector<uint8_t>> got(3);
    std::vector<int> calls(3, 0);
    std::mutex mu;
    Status st = (*src)->ReadRanges(
        kRanges,
        [&](size_t i, ByteSpan b) {
          std::lock_guard<std::mutex> lock(mu);
          ++calls[i];
          got[i].assign(b.begin(), b.end());
          return Status::OK();
        },
        2);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(calls, (std::vector<int>{1, 1, 1}));
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(got[i], Local(kRanges[i])) << i;
    // Probe + refused multi-range + 3 single ranges; then 3 single ranges.
    EXPECT_EQ(ServerInfo("/__count", url), pass == 0 ? "5" : "8");
    EXPECT_EQ((*src)->stats().requests, pass == 0 ? 5u : 8u);
    EXPECT_EQ((*src)->stats().retries, 0u);
  }
}

TEST_F(IoHttpStream, RefusedMultiRangeWithGapsLeftOutGoesOutAsTheCoalescedRange) {
  // The default multi_range_hole_limit (16 KiB) leaves the gaps of 17000 and 29000 bytes out of
  // the one request [2000, 51000): a multi-range request, which this server refuses. The
  // ranges then go out as single requests would have been planned (hole_size_limit 1 MiB):
  // one request, not three. The refusal is remembered for the server: the next read, and a
  // source of another object on it, send the single range at once.
  SourceOptions o = Options();
  o.multi_range_hole_limit = SourceOptions().multi_range_hole_limit;
  auto read = [&](const std::shared_ptr<Source>& src) {
    std::vector<std::vector<uint8_t>> got(3);
    std::mutex mu;
    Status st = src->ReadRanges(
        kRanges,
        [&](size_t i, ByteSpan b) {
          std::lock_guard<std::mutex> lock(mu);
          got[i].assign(b.begin(), b.end());
          return Status::OK();
        },
        2);
    ASSERT_TRUE(st.ok()) << st.ToString();
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(got[i], Local(kRanges[i])) << i;
  };
  const std::string url = Url("ok", "x=3");
  auto src = Open(url, o);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  read(*src);
  EXPECT_EQ(ServerInfo("/__count", url), "3");  // probe + refused multi-range + [2000, 51000)
  EXPECT_EQ((*src)->stats().requests, 3u);
  EXPECT_EQ((*src)->stats().bytes_used, 3000u);
  read(*src);
  EXPECT_EQ(ServerInfo("/__count", url), "4");
  const std::string other = Url("ok", "x=4");
  auto second = Open(other, o);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  read(*second);
  EXPECT_EQ(ServerInfo("/__count", other), "2");  // probe + [2000, 51000)
  EXPECT_EQ((*second)->stats().bytes_fetched, 1024u + 49000u);
}

TEST_F(IoHttpStream, OpenAsyncProbesOnTheLoop) {
  const std::string url = Url("ok", "x=1");
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<std::shared_ptr<Source>>> got;
  OpenAsync(url, Options(), IoContext{}, [&](Result<std::shared_ptr<Source>> r) {
    std::lock_guard<std::mutex> lock(mu);
    got = std::move(r);
    cv.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return got.has_value(); }));
  }
  ASSERT_TRUE(got->ok()) << got->status().ToString();
  EXPECT_EQ((**got)->size(), 67594u);
  EXPECT_EQ((**got)->stats().requests, 1u);
  std::vector<uint8_t> out(500);
  std::optional<Result<size_t>> n;
  (**got)->ReadAtAsync(
      60000, out,
      [&](Result<size_t> r) {
        std::lock_guard<std::mutex> lock(mu);
        n = std::move(r);
        cv.notify_all();
      },
      IoContext{});
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return n.has_value(); }));
  }
  ASSERT_TRUE(n->ok()) << n->status().ToString();
  EXPECT_EQ(**n, 500u);
  EXPECT_EQ(out, Local({60000, 500}));
  EXPECT_EQ(ServerInfo("/__count", url), "2");

  // A missing object: kNotFound through the same path.
  std::optional<Result<std::shared_ptr<Source>>> missing;
  OpenAsync(server_->Url("ok/no/such.tif"), Options(), IoContext{},
            [&](Result<std::shared_ptr<Source>> r) {
              std::lock_guard<std::mutex> lock(mu);
              missing = std::move(r);
              cv.notify_all();
            });
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return missing.has_value(); }));
  EXPECT_EQ(missing->status().code(), Code::kNotFound);
  EXPECT_EQ(missing->status().message(), server_->Url("ok/no/such.tif") + ": HTTP 404 (not found)");
}

}  // namespace
}  // namespace cogr::io
