// Per-read deadlines, cancellation and asynchronous reads.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "cogr/cancel.hpp"
#include "cogr/dataset.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

const char* kFile =
    "fixtures/b7_u16_band_deflate_t128.tif";  // 280 KiB, tiles past the 32 KiB prefix

OpenOptions RemoteOptions() {
  OpenOptions o;
  o.io.memory_header_cache = false;
  o.io.persisted_header_cache = false;
  o.io.retry.max_retries = 0;
  o.block_cache_bytes = 0;  // every read really fetches
  return o;
}

// Requests an open of kFile over the fault server costs (the slow URLs skip that many).
uint64_t OpenRequests(const test::FaultServer& server) {
  auto ds = Dataset::Open(server.Url(std::string("ok/") + kFile + "?t=open_cost"), RemoteOptions());
  EXPECT_TRUE(ds.ok()) << ds.status().ToString();
  return ds.ok() ? (*ds)->io_stats().requests : 0;
}

// Waits at most 60 s (a bound, not a timing assertion) for a read or open that must end.
template <class T>
Result<T> Await(std::future<Result<T>>& f) {
  if (f.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    return Status::IoError("the call did not end within 60 s");
  }
  return f.get();
}

class ReadControl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::HaveHttp()) GTEST_SKIP() << "cogr built without http support";
    ASSERT_TRUE(server_.Start()) << server_.error();
    auto local = Dataset::Open(test::DataPath(kFile));
    ASSERT_TRUE(local.ok()) << local.status().ToString();
    auto whole = (*local)->Read();
    ASSERT_TRUE(whole.ok()) << whole.status().ToString();
    expected_ = std::move(whole).value();
  }
  // A dataset whose first data request after the open trickles 16 bytes per 100 ms (the
  // whole read would take ~30 min); later requests are served normally.
  std::shared_ptr<Dataset> OpenSlow(const std::string& name) {
    const uint64_t n = OpenRequests(server_);
    const std::string url =
        server_.Url(std::string("slow/") + kFile + "?t=" + name + "&skip=" + std::to_string(n) +
                    "&fail=" + std::to_string(n + 1) + "&chunk=16&interval_ms=100");
    auto ds = Dataset::Open(url, RemoteOptions());
    EXPECT_TRUE(ds.ok()) << ds.status().ToString();
    return ds.ok() ? *ds : nullptr;
  }

  test::FaultServer server_;
  Array expected_;
};

TEST_F(ReadControl, DeadlineEndsASlowReadAndTheDatasetStaysUsable) {
  auto ds = OpenSlow("deadline");
  ASSERT_TRUE(ds);
  const io::IoStats before = ds->io_stats();
  ReadOptions o;
  o.timeout_ms = 200;
  auto future = ds->ReadAsync(o);
  auto r = Await(future);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCancelled) << r.status().ToString();
  EXPECT_NE(r.status().message().find("read deadline exceeded (timeout 200 ms)"), std::string::npos)
      << r.status().ToString();
  EXPECT_EQ(r.status().message().rfind(ds->uri(), 0), 0u)
      << "names the file: " << r.status().ToString();
  EXPECT_EQ((ds->io_stats() - before).requests, 1u) << "the whole image is one coalesced request";

  // An absolute deadline already past fails before any request.
  ReadOptions past;
  past.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
  const io::IoStats before_past = ds->io_stats();
  auto p = ds->Read(past);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kCancelled);
  EXPECT_NE(p.status().message().find("read deadline exceeded"), std::string::npos)
      << p.status().ToString();
  EXPECT_EQ((ds->io_stats() - before_past).requests, 0u);

  // The same Dataset reads normally afterwards (the server is fast again).
  auto again = ds->Read();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->data, expected_.data);
}

TEST_F(ReadControl, CancelFromAnotherThreadStopsTheTransfer) {
  auto ds = OpenSlow("cancel");
  ASSERT_TRUE(ds);
  auto token = CancelToken::Create();
  ReadOptions o;
  o.cancel = token;
  const io::IoStats before = ds->io_stats();
  auto future = ds->ReadAsync(o);
  // Cancel once the transfer is running (bounded wait), from this thread.
  for (int i = 0; i < 500 && (ds->io_stats() - before).requests == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ((ds->io_stats() - before).requests, 1u);
  // ... and the server has it (a request the client counts may not be sent yet; cancelled
  // before it reaches the server, the next read would be the one the server trickles).
  const std::string target = ds->uri().substr(ds->uri().find('/', std::strlen("http://")));
  std::string encoded;
  for (char c : target) {
    if (c == '?')
      encoded += "%3F";
    else if (c == '&')
      encoded += "%26";
    else if (c == '=')
      encoded += "%3D";
    else
      encoded += c;
  }
  const uint64_t want = ds->io_stats().requests;  // the open's requests + this read's
  for (int i = 0; i < 500; ++i) {
    const std::string answer = test::RawGet(server_.port(), "/__count?target=" + encoded);
    const size_t body = answer.find("\r\n\r\n");
    if (body != std::string::npos && std::strtoull(answer.c_str() + body + 4, nullptr, 10) >= want)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::thread canceller([token] { token->Cancel(); });
  canceller.join();
  auto r = Await(future);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCancelled) << r.status().ToString();
  EXPECT_NE(r.status().message().find("read cancelled"), std::string::npos)
      << r.status().ToString();
  EXPECT_TRUE(token->cancelled());

  // A cancelled token stays cancelled: a read given it fails at once, without a request.
  const io::IoStats before_again = ds->io_stats();
  auto refused = ds->Read(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kCancelled);
  EXPECT_EQ((ds->io_stats() - before_again).requests, 0u);

  auto again = ds->Read();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->data, expected_.data);
}

// Runs Dataset::Open on another thread and waits at most 60 s for it (a bound, not a timing
// assertion): an open that ignored its deadline would trickle for minutes.
Result<std::shared_ptr<Dataset>> OpenBounded(const std::string& url, const OpenOptions& o) {
  auto f = std::async(std::launch::async, [url, o] { return Dataset::Open(url, o); });
  if (f.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    return Status::IoError("the open did not end within 60 s");
  }
  return f.get();
}

TEST_F(ReadControl, OpenDeadlineEndsASlowFirstRequest) {
  // The first request (the open's prefix GET) trickles 16 bytes per 100 ms: ~3 min for 32 KiB.
  const std::string url = server_.Url(std::string("slow/") + kFile +
                                      "?t=open_deadline&fail=1&chunk=16&interval_ms=100");
  OpenOptions o = RemoteOptions();
  o.timeout_ms = 300;
  auto r = OpenBounded(url, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCancelled) << r.status().ToString();
  EXPECT_NE(r.status().message().find("open deadline exceeded (timeout 300 ms)"), std::string::npos)
      << r.status().ToString();
  EXPECT_EQ(r.status().message().rfind(url, 0), 0u) << "names the file: " << r.status().ToString();

  // A deadline already past fails before any request; the bounds do not outlive the open.
  OpenOptions past = RemoteOptions();
  past.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
  auto p = OpenBounded(url, past);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("open deadline exceeded"), std::string::npos)
      << p.status().ToString();
  OpenOptions later = RemoteOptions();
  later.timeout_ms = 60000;  // the server is fast from the second request on
  auto ok = OpenBounded(url, later);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  auto whole = (*ok)->Read();
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->data, expected_.data);
}

TEST_F(ReadControl, OpenCancelEndsARetryPause) {
  // The first answer is a 429 asking to come back in 30 s; the cancel must not wait for that.
  const std::string url =
      server_.Url(std::string("s429/") + kFile + "?t=open_cancel&fail=1&retry_after=30");
  OpenOptions o = RemoteOptions();
  o.io.retry.max_retries = 3;
  o.cancel = CancelToken::Create();
  std::thread canceller([token = o.cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    token->Cancel();
  });
  auto r = OpenBounded(url, o);
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCancelled) << r.status().ToString();
  EXPECT_NE(r.status().message().find("open cancelled"), std::string::npos)
      << r.status().ToString();
}

TEST(ReadControlLocal, OpenBoundsApplyToPathsAndSources) {
  // A cancelled token or a past deadline stops an open before it reads anything, by path
  // and by source; the same options without them open.
  OpenOptions cancelled;
  cancelled.cancel = CancelToken::Create();
  cancelled.cancel->Cancel();
  auto by_path = Dataset::Open(test::DataPath(kFile), cancelled);
  ASSERT_FALSE(by_path.ok());
  EXPECT_EQ(by_path.status().code(), Code::kCancelled);
  EXPECT_EQ(by_path.status().message(), test::DataPath(kFile) + ": open cancelled");
  auto source = io::OpenFile(test::DataPath(kFile));
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  OpenOptions late;
  late.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
  auto by_source = Dataset::Open(*source, late);
  ASSERT_FALSE(by_source.ok());
  EXPECT_EQ(by_source.status().code(), Code::kCancelled);
  EXPECT_NE(by_source.status().message().find("open deadline exceeded"), std::string::npos)
      << by_source.status().ToString();
  late.deadline.reset();
  late.timeout_ms = 60000;
  auto fine = Dataset::Open(*source, late);
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
}

TEST(ReadControlLocal, CancelledTokenAndCallbacks) {
  auto ds = Dataset::Open(test::DataPath(kFile));
  ASSERT_TRUE(ds.ok());
  auto token = CancelToken::Create();
  int calls = 0;
  const uint64_t id = token->Subscribe([&calls] { ++calls; });
  const uint64_t dropped = token->Subscribe([&calls] { calls += 100; });
  token->Unsubscribe(dropped);
  token->Cancel();
  token->Cancel();  // sticky, callbacks run once
  EXPECT_EQ(calls, 1);
  token->Subscribe([&calls] { ++calls; });  // already cancelled: runs at once
  EXPECT_EQ(calls, 2);
  token->Unsubscribe(id);
  ReadOptions o;
  o.cancel = token;
  for (bool mask : {false, true}) {
    auto r = mask ? (*ds)->ReadMask(o) : (*ds)->Read(o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().ToString(), "cancelled: " + (*ds)->uri() + ": read cancelled");
  }
  // A generous deadline does not get in the way.
  ReadOptions relaxed;
  relaxed.timeout_ms = 600000;
  EXPECT_TRUE((*ds)->Read(relaxed).ok());
}

// 32 reads in flight at once, from one thread, equal the synchronous reads.
void CheckAsyncReads(const Dataset& ds) {
  std::vector<ReadOptions> reads;
  for (int i = 0; i < 32; ++i) {
    ReadOptions o;
    o.window = geo::Window{double((i * 37) % 90), double((i * 53) % 90), double(40 + i),
                           double(30 + i % 7)};  // inside 169 x 130
    o.bands = {1 + i % 7};
    if (i % 4 == 0) o.bands.push_back(1 + (i + 3) % 7);
    reads.push_back(o);
  }
  std::vector<std::future<Result<Array>>> futures;
  for (const ReadOptions& o : reads) futures.push_back(ds.ReadAsync(o));
  for (size_t i = 0; i < reads.size(); ++i) {
    auto got = Await(futures[i]);
    ASSERT_TRUE(got.ok()) << "read " << i << ": " << got.status().ToString();
    auto want = ds.Read(reads[i]);
    ASSERT_TRUE(want.ok()) << want.status().ToString();
    EXPECT_EQ(got->data, want->data) << "read " << i;
    EXPECT_EQ(got->bands, want->bands);
    EXPECT_EQ(got->width, want->width);
  }
  // The callback form.
  std::promise<Result<Array>> p;
  auto f = p.get_future();
  ds.ReadAsync(reads[5], [&p](Result<Array> r) { p.set_value(std::move(r)); });
  auto cb = Await(f);
  ASSERT_TRUE(cb.ok()) << cb.status().ToString();
  EXPECT_EQ(cb->data, ds.Read(reads[5])->data);
}

TEST(AsyncRead, ThirtyTwoConcurrentLocalReadsMatchSyncReads) {
  auto ds = Dataset::Open(test::DataPath(kFile));
  ASSERT_TRUE(ds.ok());
  CheckAsyncReads(**ds);
}

TEST(AsyncRead, ThirtyTwoConcurrentRemoteReadsMatchSyncReads) {
  if (!test::HaveHttp()) GTEST_SKIP() << "cogr built without http support";
  test::NginxServer nginx;
  if (!nginx.Start()) FAIL() << nginx.error();
  auto ds = Dataset::Open(nginx.Url(kFile), RemoteOptions());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  CheckAsyncReads(**ds);
}

TEST(AsyncRead, OpenAsyncGivesTheDatasetOrTheError) {
  std::promise<Result<std::shared_ptr<Dataset>>> p1, p2;
  auto f1 = p1.get_future();
  auto f2 = p2.get_future();
  Dataset::OpenAsync(test::DataPath(kFile), {},
                     [&p1](Result<std::shared_ptr<Dataset>> r) { p1.set_value(std::move(r)); });
  Dataset::OpenAsync(test::DataPath("no_such_file.tif"), {},
                     [&p2](Result<std::shared_ptr<Dataset>> r) { p2.set_value(std::move(r)); });
  auto ds = Await(f1);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->width(), 169u);
  CheckAsyncReads(**ds);  // a Dataset from OpenAsync is shared: ReadAsync works on it
  auto missing = Await(f2);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("no_such_file.tif"), std::string::npos);
}

}  // namespace
}  // namespace cogr
