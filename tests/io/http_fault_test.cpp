// http sources against tests/servers/fault_server.py: retries, error mapping, servers that
// ignore Range, truncated and reset transfers, ETag changes. Short backoffs keep it fast.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <future>

#include "cogr/io.hpp"
#include "io/header_cache.hpp"
#include "io/server_suite.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"

namespace cogr::io {
namespace {

using cogr::test::DataPath;
using cogr::test::ReadFileBytes;

constexpr const char* kFile = "io/cog_u8_deflate_256_t32.tif";  // 67594 bytes

class IoHttpFault : public test::ServerSuite<IoHttpFault, test::FaultServer> {
 protected:
  void SetUp() override {
    if (!test::HaveHttp())
      GTEST_SKIP() << "cogr was built without libcurl: http sources are unsupported";
    ASSERT_TRUE(ServerStarted()) << StartError();
    internal::HeaderCache::Global().Clear();
    local_ = ReadFileBytes(DataPath(kFile));
    ASSERT_EQ(local_.size(), 67594u);
  }
  // Fast retries: the whole suite stays within a few seconds.
  static SourceOptions Fast() {
    SourceOptions o;
    o.persisted_header_cache = false;
    o.memory_header_cache = false;
    o.retry.max_retries = 3;
    o.retry.initial_backoff_ms = 10;
    o.retry.max_backoff_ms = 40;
    o.retry.max_retry_after_ms = 2000;
    o.retry.max_total_ms = 10000;
    o.connect_timeout_ms = 2000;
    o.low_speed_time_ms = 5000;
    return o;
  }
  // "<mode>/io/cog...tif?t=<test name>&<query>": fresh server counters per test.
  std::string Url(const std::string& mode, const std::string& query = "") {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return server_->Url(mode + "/" + kFile + "?t=" + info->name() +
                        (query.empty() ? "" : "&" + query));
  }
  // Requests the server saw for `url` (its /__count endpoint).
  static std::string ServerCount(const std::string& url) {
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
    const std::string answer = test::RawGet(server_->port(), "/__count?target=" + q);
    const size_t body = answer.find("\r\n\r\n");
    return body == std::string::npos ? "" : answer.substr(body + 4);
  }
  std::vector<uint8_t> Local(uint64_t off, uint64_t len) {
    return std::vector<uint8_t>(local_.begin() + off, local_.begin() + off + len);
  }

  std::vector<uint8_t> local_;
};

TEST_F(IoHttpFault, Two500sThenSuccessAtOpen) {
  auto src = Open(Url("s500", "fail=2"), Fast());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ((*src)->size(), local_.size());
  const IoStats s = (*src)->stats();
  EXPECT_EQ(s.retries, 2u);
  EXPECT_EQ(s.requests, 3u);
  auto head = (*src)->ReadRange({0, 1000});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, Local(0, 1000));
}

TEST_F(IoHttpFault, Two500sThenSuccessInReadRanges) {
  // The header cache knows the object, so the open makes no request and the first two
  // requests of the read get the 500s.
  SourceOptions o = Fast();
  o.memory_header_cache = true;
  auto entry = std::make_shared<internal::HeaderEntry>();
  entry->uri = Url("s500", "fail=2");
  entry->size = local_.size();
  entry->etag = "\"v1\"";
  entry->chunks.push_back({0, Local(0, 1024)});
  internal::HeaderCache::Global().Put(entry);
  auto src = Open(Url("s500", "fail=2"), o);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ((*src)->stats().requests, 0u);
  const IoStats s0 = (*src)->stats();
  std::vector<ByteRange> ranges = {{40000, 500}, {41000, 500}};
  std::vector<uint8_t> got(1000);
  Status st = (*src)->ReadRanges(
      ranges,
      [&](size_t i, ByteSpan b) {
        std::memcpy(got.data() + 500 * i, b.data(), b.size());
        return Status::OK();
      },
      2);
  ASSERT_TRUE(st.ok()) << st.ToString();
  const IoStats d = (*src)->stats() - s0;
  EXPECT_EQ(d.retries, 2u);
  EXPECT_EQ(d.requests, 3u);  // the two ranges coalesce into one request
  EXPECT_EQ(d.bytes_used, 1000u);
  EXPECT_EQ(std::vector<uint8_t>(got.begin(), got.begin() + 500), Local(40000, 500));
  EXPECT_EQ(std::vector<uint8_t>(got.begin() + 500, got.end()), Local(41000, 500));
}

TEST_F(IoHttpFault, Persistent503GivesUpAsUnavailable) {
  SourceOptions o = Fast();
  o.retry.max_retries = 2;
  auto src = Open(Url("s503"), o);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), Code::kUnavailable);
  EXPECT_EQ(
      src.status().message(),
      Url("s503") + ": bytes [0, 32768): HTTP 503 (service unavailable) (gave up after 2 retries)");
}

TEST_F(IoHttpFault, TooManyRequestsHonoursRetryAfter) {
  SourceOptions o = Fast();
  o.retry.max_backoff_ms = 10;  // the server's Retry-After (1 s) must set the delay
  auto src = Open(Url("s429", "fail=1&retry_after=1"), o);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  const IoStats s = (*src)->stats();
  EXPECT_EQ(s.retries, 1u);
  EXPECT_EQ(s.requests, 2u);
  EXPECT_GE(s.wait_us, 1000000u);  // the wait the server asked for was spent
}

TEST_F(IoHttpFault, ConnectionResetMidBodyIsRetried) {
  auto src = Open(Url("reset", "fail=2"), Fast());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ((*src)->stats().retries, 2u);
  auto head = (*src)->ReadRange({0, 32768});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, Local(0, 32768));
}

TEST_F(IoHttpFault, ConnectionResetEveryTimeFailsWithoutGarbage) {
  SourceOptions o = Fast();
  o.retry.max_retries = 1;
  auto src = Open(Url("reset"), o);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), Code::kUnavailable);
  const std::string& m = src.status().message();
  EXPECT_EQ(m.rfind(Url("reset") + ": bytes [0, 32768): ", 0), 0u) << m;
  EXPECT_NE(m.find("(gave up after 1 retry)"), std::string::npos) << m;
}

TEST_F(IoHttpFault, TruncatedBodyIsRetriedThenFails) {
  SourceOptions o = Fast();
  o.retry.max_retries = 2;
  // Open succeeds on a good path; data reads then hit truncation every time.
  auto src = Open(Url("truncate", "fail=1"), o);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ((*src)->stats().retries, 1u);
  auto data = (*src)->ReadRange({40000, 2000});
  ASSERT_TRUE(data.ok()) << data.status().ToString();  // fail=1 used up by the open
  EXPECT_EQ(*data, Local(40000, 2000));

  auto always = Open(Url("truncate"), o);
  ASSERT_FALSE(always.ok());
  EXPECT_EQ(always.status().code(), Code::kUnavailable);
  EXPECT_NE(always.status().message().find("bytes [0, 32768): transfer closed with"),
            std::string::npos)
      << always.status().message();
  EXPECT_NE(always.status().message().find("(gave up after 2 retries)"), std::string::npos);
}

TEST_F(IoHttpFault, ServerIgnoringRangeIsHandledAndCounted) {
  auto src = Open(Url("norange"), Fast());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ((*src)->size(), local_.size());  // from Content-Length
  auto head = (*src)->ReadRange({0, 32768});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, Local(0, 32768));
  auto data = (*src)->ReadRange({50000, 1000});
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(*data, Local(50000, 1000));
  const IoStats s = (*src)->stats();
  EXPECT_EQ(s.requests, 2u);
  EXPECT_EQ(s.full_body_responses, 2u);
  EXPECT_EQ(s.retries, 0u);
  // The transfers stop once the wanted bytes are in: never more than the object.
  EXPECT_GE(s.bytes_fetched, 32768u + 51000u);
  EXPECT_LE(s.bytes_fetched, 2 * local_.size());
}

TEST_F(IoHttpFault, ServerIgnoringRangeOverTheCapFails) {
  SourceOptions o = Fast();
  o.max_ignored_range_bytes = 40000;
  auto src = Open(Url("norange"), o);
  ASSERT_TRUE(src.ok()) << src.status().ToString();  // the prefix lies within the cap
  auto data = (*src)->ReadRange({50000, 1000});
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().code(), Code::kIoError);
  EXPECT_EQ(
      data.status().message(),
      Url("norange") +
          ": bytes [50000, 51000): the server ignored the Range header (HTTP 200) and its body "
          "exceeds 40000 bytes (SourceOptions::max_ignored_range_bytes)");
}

TEST_F(IoHttpFault, ETagChangeBetweenOpenAndReadFails) {
  auto src = Open(Url("etag"), Fast());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  std::vector<ByteRange> ranges = {{40000, 100}};
  bool called = false;
  Status st = (*src)->ReadRanges(
      ranges,
      [&](size_t, ByteSpan) {
        called = true;
        return Status::OK();
      },
      1);
  EXPECT_FALSE(called);  // no bytes of the new object reach the caller
  EXPECT_EQ(st.code(), Code::kIoError);
  EXPECT_EQ(st.message(),
            Url("etag") +
                " changed on the server since it was opened (ETag \"v1\" at open, now \"v2\"); "
                "open it again");
}

TEST_F(IoHttpFault, WrongContentRangeIsAnError) {
  auto src = Open(Url("badrange", "fail=2"), Fast());  // the open's answer is off by one too
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), Code::kIoError);
  EXPECT_EQ(src.status().message(),
            Url("badrange", "fail=2") +
                ": bytes [0, 32768): the server answered with Content-Range 'bytes 1-32768/67594'");

  auto later = Open(Url("badrange", "fail=0"), Fast());
  ASSERT_TRUE(later.ok());
}

TEST_F(IoHttpFault, ShortBodyIsAnError) {
  auto src = Open(Url("short"), Fast());
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), Code::kIoError);
  EXPECT_EQ(src.status().message(),
            Url("short") + ": bytes [0, 32768): short body: got 32767 of 32768 bytes");
}

TEST_F(IoHttpFault, NotFoundAndForbiddenAreNotRetried) {
  auto nf = Open(Url("status/404"), Fast());
  ASSERT_FALSE(nf.ok());
  EXPECT_EQ(nf.status().code(), Code::kNotFound);
  EXPECT_EQ(nf.status().message(), Url("status/404") + ": HTTP 404 (not found)");
  auto fb = Open(Url("status/403"), Fast());
  ASSERT_FALSE(fb.ok());
  EXPECT_EQ(fb.status().code(), Code::kIoError);
  EXPECT_EQ(fb.status().message(), Url("status/403") + ": access denied (HTTP 403 (forbidden))");
  // One request each: 4xx other than 429 is never retried.
  EXPECT_EQ(ServerCount(Url("status/404")), "1");
  EXPECT_EQ(ServerCount(Url("status/403")), "1");
}

TEST_F(IoHttpFault, ConnectionRefusedIsUnavailable) {
  SourceOptions o = Fast();
  o.retry.max_retries = 1;
  const int port = test::FreePort();  // nothing listens there
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/x.tif";
  auto src = Open(url, o);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), Code::kUnavailable);
  EXPECT_EQ(src.status().message().rfind(url + ": bytes [0, 32768): ", 0), 0u)
      << src.status().message();
}

TEST_F(IoHttpFault, SignHookSeesAndChangesEveryAttempt) {
  SourceOptions o = Fast();
  int calls = 0;
  o.sign = [&](HttpRequest& req) {
    ++calls;
    EXPECT_EQ(req.method, "GET");
    EXPECT_EQ(req.headers.back(), "Range: bytes=0-32767");
    req.headers.push_back("X-Signed: yes");
    return Status::OK();
  };
  auto src = Open(Url("s500", "fail=1"), o);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ(calls, 2);  // first attempt and the retry
  o.sign = [](HttpRequest&) { return Status::InvalidArgument("no credentials"); };
  auto unsigned_src = Open(Url("ok"), o);
  ASSERT_FALSE(unsigned_src.ok());
  EXPECT_EQ(unsigned_src.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(unsigned_src.status().message(), Url("ok") + ": no credentials");
}

TEST_F(IoHttpFault, RetryAfterAboveTheCapGivesUpAtOnce) {
  // "Retry-After: 100000": waiting is pointless; one request, no retry, and the message says why.
  SourceOptions o = Fast();  // max_retry_after_ms = 2000
  auto src = Open(Url("s429", "retry_after=100000"), o);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), Code::kUnavailable);
  EXPECT_EQ(
      src.status().message(),
      Url("s429", "retry_after=100000") +
          ": bytes [0, 32768): HTTP 429 (too many requests) (gave up after 0 retries: the server asks to wait "
          "100000 s (Retry-After), more than 2000 ms, RetryOptions::max_retry_after_ms)");
  EXPECT_EQ(ServerCount(Url("s429", "retry_after=100000")), "1");
  EXPECT_EQ(src.status().message().find("\n"), std::string::npos);
}

TEST_F(IoHttpFault, RetryAfterPastTheRetryBudgetGivesUpAtOnce) {
  SourceOptions o = Fast();
  o.retry.max_retry_after_ms = 5000;
  o.retry.max_total_ms = 1500;  // a 3 s wait cannot fit
  auto src = Open(Url("s429", "retry_after=3"), o);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), Code::kUnavailable);
  EXPECT_EQ(
      src.status().message(),
      Url("s429", "retry_after=3") +
          ": bytes [0, 32768): HTTP 429 (too many requests) (gave up after 0 retries: a wait of 3000 ms would "
          "pass the retry time limit of 1500 ms)");
  EXPECT_EQ(ServerCount(Url("s429", "retry_after=3")), "1");
}

TEST_F(IoHttpFault, RedirectLoopSaysTooManyRedirects) {
  SourceOptions o = Fast();
  o.max_redirects = 4;
  auto src = Open(Url("redirect"), o);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), Code::kIoError);  // not transient: no retry
  EXPECT_EQ(src.status().message(),
            Url("redirect") +
                ": bytes [0, 32768): too many redirects (4; SourceOptions::max_redirects is 4)");
  EXPECT_EQ(ServerCount(Url("redirect")), "5");  // the first request and 4 redirects, then stop
  // A finite chain within the cap is followed.
  auto chain = Open(Url("redirect", "hops=3"), o);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  auto head = (*chain)->ReadRange({0, 100});
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head, Local(0, 100));
}

TEST_F(IoHttpFault, DefaultLowSpeedLimitDropsATricklingServer) {
  // 1 byte per 100 ms (10 B/s) is below the default 1024 B/s: the request is aborted once 5 s
  // pass at that rate, not after the ~55 min the 32 KiB would take. No retry here; the bound
  // of 60 s is the test's own (the test harness), not a speed claim.
  SourceOptions o = Fast();
  o.low_speed_bytes_per_s = SourceOptions{}.low_speed_bytes_per_s;
  o.low_speed_time_ms = SourceOptions{}.low_speed_time_ms;
  EXPECT_EQ(o.low_speed_bytes_per_s, 1024u);
  EXPECT_EQ(o.low_speed_time_ms, 5000u);
  o.retry.max_retries = 0;
  const std::string url = Url("slow", "chunk=1&interval_ms=100");
  auto f = std::async(std::launch::async, [&] { return Open(url, o); });
  ASSERT_EQ(f.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "the low-speed limit never fired";
  auto src = f.get();
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), Code::kUnavailable);
  const std::string& m = src.status().message();
  EXPECT_EQ(
      m.rfind(
          url +
              ": bytes [0, 32768): Operation too slow. Less than 1024 bytes/sec transferred the last 5 "
              "seconds",
          0),
      0u)
      << m;
}

TEST_F(IoHttpFault, HeldConnectionEndsAtTheLowSpeedLimit) {
  // Content-Length promises 32 KiB, half comes, then silence on an open connection.
  SourceOptions o = Fast();
  o.retry.max_retries = 0;
  o.low_speed_bytes_per_s = 1024;
  o.low_speed_time_ms = 1000;
  const std::string url = Url("hold", "hold_ms=60000");
  auto f = std::async(std::launch::async, [&] { return Open(url, o); });
  ASSERT_EQ(f.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "the low-speed limit never fired";
  auto src = f.get();
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), Code::kUnavailable);
  EXPECT_EQ(src.status().message().rfind(
                url + ": bytes [0, 32768): Operation too slow. Less than 1024 bytes/sec "
                      "transferred the last 1 seconds",
                0),
            0u)
      << src.status().message();
}

}  // namespace
}  // namespace cogr::io
