// Event-driven OpenAsync/ReadAsync: reads waiting on the network hold no thread, so hundreds
// are in flight with a bounded number of threads; the asynchronous open parses the header in
// callbacks and gives the Dataset the synchronous open gives.
#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
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
    "fixtures/b7_u16_band_deflate_t128.tif";  // 169 x 130, 7 bands, 128² tiles, band-separate

// Threads of this process now (/proc/self/task).
size_t ThreadCount() {
  size_t n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') ++n;
    }
    closedir(d);
  }
  return n;
}

OpenOptions RemoteOptions() {
  OpenOptions o;
  o.io.memory_header_cache = false;
  o.io.persisted_header_cache = false;
  o.io.retry.max_retries = 0;
  o.block_cache_bytes = 0;  // every read really fetches
  return o;
}

template <class T>
Result<T> Await(std::future<Result<T>>& f) {
  // A bound, not a timing assertion: a lost callback never ends.
  if (f.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    return Status::IoError("the call did not end within 60 s");
  }
  return f.get();
}

ReadOptions Window(int i) {
  ReadOptions o;
  o.window = geo::Window{double((i * 37) % 120), double((i * 53) % 90), double(20 + i % 40),
                         double(10 + i % 30)};
  o.bands = {1 + i % 7};
  if (i % 3 == 0) o.bands.push_back(1 + (i + 2) % 7);
  if (i % 10 == 0) {  // boundless, reaching past the right and bottom edges
    o.window = geo::Window{150, 120, 40, 30};
    o.boundless = true;
    o.fill = 7;
  }
  return o;
}

Result<std::shared_ptr<Dataset>> OpenAsyncAndWait(const std::string& uri,
                                                  const OpenOptions& options) {
  std::promise<Result<std::shared_ptr<Dataset>>> p;
  auto f = p.get_future();
  Dataset::OpenAsync(uri, options,
                     [&p](Result<std::shared_ptr<Dataset>> r) { p.set_value(std::move(r)); });
  return Await(f);
}

TEST(AsyncPipeline, TwoHundredRemoteReadsAtOnceMatchSyncReadsWithBoundedThreads) {
  if (!test::HaveHttp()) GTEST_SKIP() << "cogr built without http support";
  test::NginxServer nginx;
  ASSERT_TRUE(nginx.Start()) << nginx.error();
  auto ds = Dataset::Open(nginx.Url(kFile), RemoteOptions());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const size_t threads_before = ThreadCount();
  constexpr int kReads = 200;
  std::vector<std::promise<Result<Array>>> promises(kReads);
  std::vector<std::future<Result<Array>>> futures;
  for (auto& p : promises) futures.push_back(p.get_future());
  std::atomic<size_t> max_threads{threads_before};
  for (int i = 0; i < kReads; ++i) {
    (*ds)->ReadAsync(Window(i), [&promises, &max_threads, i](Result<Array> r) {
      size_t now = ThreadCount(), seen = max_threads.load();
      while (now > seen && !max_threads.compare_exchange_weak(seen, now)) {
      }
      promises[static_cast<size_t>(i)].set_value(std::move(r));
    });
  }
  for (int i = 0; i < kReads; ++i) {
    auto got = Await(futures[static_cast<size_t>(i)]);
    ASSERT_TRUE(got.ok()) << "read " << i << ": " << got.status().ToString();
    auto want = (*ds)->Read(Window(i));
    ASSERT_TRUE(want.ok()) << want.status().ToString();
    EXPECT_EQ(got->data, want->data) << "read " << i;
    EXPECT_EQ(got->bands, want->bands);
    EXPECT_EQ(got->height, want->height);
    EXPECT_EQ(got->width, want->width);
    EXPECT_EQ(got->transform, want->transform);
  }
  // No thread per read: the executor, the decode pool and the I/O loop are fixed in size.
  EXPECT_LT(max_threads.load(), threads_before + 2 * Dataset::AsyncReadThreads() + 16)
      << "before " << threads_before << ", at most " << max_threads.load() << " during 200 reads";
}

// More reads wait on the network at once than the async executor has threads, and the thread
// count stays bounded; one token cancels them all.
TEST(AsyncPipeline, ReadsWaitingOnTheNetworkHoldNoThread) {
  if (!test::HaveHttp()) GTEST_SKIP() << "cogr built without http support";
  test::FaultServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  // Requests of an open (the slow URL serves that many normally, then trickles every body).
  uint64_t open_requests = 0;
  {
    auto probe =
        Dataset::Open(server.Url(std::string("ok/") + kFile + "?t=pipeline_open"), RemoteOptions());
    ASSERT_TRUE(probe.ok()) << probe.status().ToString();
    open_requests = (*probe)->io_stats().requests;
  }
  const std::string target = std::string("/slow/") + kFile +
                             "?t=pipeline&skip=" + std::to_string(open_requests) +
                             "&chunk=16&interval_ms=200";
  auto ds = Dataset::Open(server.Url(target.substr(1)), RemoteOptions());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const size_t threads_before = ThreadCount();
  const size_t in_flight =
      std::min<size_t>(12, 3 * Dataset::AsyncReadThreads());  // 12 distinct tiles
  auto token = CancelToken::Create();
  std::vector<std::future<Result<Array>>> futures;
  for (size_t i = 0; i < in_flight; ++i) {
    ReadOptions o;
    // One tile of one band each (bands 2-7, bottom row: none inside the open's first GET,
    // which would serve it from memory): one request each.
    o.bands = {2 + static_cast<int>(i % 6)};
    o.window = geo::Window{double((i / 6) % 2) * 128, 128, 2, 2};
    o.cancel = token;
    futures.push_back((*ds)->ReadAsync(o));
  }
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
  // Bounded wait for every request to reach the server.
  uint64_t seen = 0;
  for (int i = 0; i < 1000 && seen < open_requests + in_flight; ++i) {
    const std::string answer = test::RawGet(server.port(), "/__count?target=" + encoded);
    const size_t body = answer.find("\r\n\r\n");
    seen = body == std::string::npos ? 0 : std::strtoull(answer.c_str() + body + 4, nullptr, 10);
    if (seen < open_requests + in_flight)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const size_t threads_during = ThreadCount();
  EXPECT_EQ(seen, open_requests + in_flight) << "every read has its request in flight at once";
  EXPECT_LT(threads_during, threads_before + in_flight / 2)
      << "before " << threads_before << ", " << threads_during << " with " << in_flight
      << " reads waiting";
  token->Cancel();
  for (size_t i = 0; i < futures.size(); ++i) {
    auto r = Await(futures[i]);
    ASSERT_FALSE(r.ok()) << "read " << i;
    EXPECT_EQ(r.status().code(), Code::kCancelled) << r.status().ToString();
    EXPECT_EQ(r.status().message().rfind((*ds)->uri() + ": read cancelled", 0), 0u)
        << r.status().ToString();
  }
}

TEST(AsyncPipeline, RemoteOpenAsyncIsOneRequestAndEqualsTheSyncOpen) {
  if (!test::HaveHttp()) GTEST_SKIP() << "cogr built without http support";
  test::NginxServer nginx;
  ASSERT_TRUE(nginx.Start()) << nginx.error();
  auto sync = Dataset::Open(nginx.Url(kFile), RemoteOptions());
  ASSERT_TRUE(sync.ok()) << sync.status().ToString();
  auto async = OpenAsyncAndWait(nginx.Url(kFile), RemoteOptions());
  ASSERT_TRUE(async.ok()) << async.status().ToString();
  EXPECT_EQ((*async)->io_stats().requests, 1u) << "the header is in the first GET";
  EXPECT_EQ((*async)->io_stats().requests, (*sync)->io_stats().requests);
  EXPECT_EQ((*async)->tiff().ifds.size(), (*sync)->tiff().ifds.size());
  EXPECT_EQ((*async)->width(), 169u);
  EXPECT_EQ((*async)->height(), 130u);
  EXPECT_EQ((*async)->count(), 7);
  EXPECT_EQ((*async)->transform(), (*sync)->transform());
  auto a = (*async)->Read();
  auto s = (*sync)->Read();
  ASSERT_TRUE(a.ok() && s.ok());
  EXPECT_EQ(a->data, s->data);
}

// A header larger than the first read: the asynchronous parse fetches what the parser asks for,
// round after round, and ends with the same IFDs, fetches and pixels as the synchronous open.
TEST(AsyncPipeline, HeaderPastTheFirstReadIsFetchedInRounds) {
  for (const char* name :
       {"fixtures/cogeotiff__DEM_BS28_2016_1000_1141.tif", "fixtures/bigtiff_u8_deflate_t128.tif",
        "fixtures/cogeotiff__rgba8_strip.tiff", kFile}) {
    OpenOptions o;
    o.header_read_bytes = 16;  // the parser asks for everything past the header itself
    auto sync = Dataset::Open(test::DataPath(name), o);
    ASSERT_TRUE(sync.ok()) << name << ": " << sync.status().ToString();
    auto async = OpenAsyncAndWait(test::DataPath(name), o);
    ASSERT_TRUE(async.ok()) << name << ": " << async.status().ToString();
    EXPECT_GT((*sync)->tiff().fetches, 1u) << name;
    EXPECT_EQ((*async)->tiff().fetches, (*sync)->tiff().fetches) << name;
    EXPECT_EQ((*async)->tiff().header_bytes_fetched, (*sync)->tiff().header_bytes_fetched) << name;
    EXPECT_EQ((*async)->tiff().ifds.size(), (*sync)->tiff().ifds.size()) << name;
    EXPECT_EQ((*async)->overviews(), (*sync)->overviews()) << name;
    auto a = (*async)->Read();
    auto s = (*sync)->Read();
    ASSERT_TRUE(a.ok() && s.ok()) << name;
    EXPECT_EQ(a->data, s->data) << name;
  }
}

TEST(AsyncPipeline, OpenAsyncErrorsAreTheSyncOpensErrors) {
  // A cancelled token: refused before any I/O, naming the file.
  OpenOptions cancelled;
  cancelled.cancel = CancelToken::Create();
  cancelled.cancel->Cancel();
  const std::string path = test::DataPath(kFile);
  auto r = OpenAsyncAndWait(path, cancelled);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "cancelled: " + path + ": open cancelled");
  // Files that are not TIFFs, or are broken: the same status as the synchronous open.
  const std::string empty = ::testing::TempDir() + "/async_pipeline_empty.tif";
  std::fclose(std::fopen(empty.c_str(), "wb"));
  for (const std::string& uri : {empty, test::DataPath("no_such_file.tif"),
                                 test::DataPath("fixtures/corrupt_truncated_half_deflate.tif"),
                                 test::DataPath("fixtures/README.md")}) {
    auto sync = Dataset::Open(uri);
    auto async = OpenAsyncAndWait(uri, {});
    EXPECT_EQ(async.ok(), sync.ok()) << uri;
    if (!sync.ok()) {
      EXPECT_EQ(async.status().ToString(), sync.status().ToString()) << uri;
    }
  }
  std::remove(empty.c_str());
}

}  // namespace
}  // namespace cogr
