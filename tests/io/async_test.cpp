// The asynchronous Source calls' defaults (memory and local files) and io::OpenAsync.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>
#include <thread>

#include "cogr/io.hpp"

namespace cogr::io {
namespace {

std::vector<uint8_t> Pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 7 + i / 251) & 0xff);
  return v;
}

// Waits (bounded) for a callback to report; returns false on timeout.
template <class T>
struct Waiter {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<T> value;
  int calls = 0;
  void Set(T v) {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    value = std::move(v);
    cv.notify_all();
  }
  bool Wait(int timeout_ms = 10000) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                       [&] { return value.has_value(); });
  }
};

TEST(IoAsync, ReadRangesAsyncDeliversEveryRangeOnceThenDone) {
  const auto bytes = Pattern(100000);
  auto src = MemorySource(bytes, "mem");
  std::vector<ByteRange> ranges;
  for (uint64_t i = 0; i < 40; ++i) ranges.push_back({i * 2400 + 13, 1000 + i});
  std::vector<std::atomic<int>> seen(ranges.size());
  std::atomic<int> running{0};
  std::atomic<bool> range_after_done{false};
  std::atomic<bool> done_flag{false};
  std::vector<std::vector<uint8_t>> got(ranges.size());
  Waiter<Status> w;
  src->ReadRangesAsync(
      ranges,
      [&](size_t i, ByteSpan b) {
        if (done_flag.load()) range_after_done = true;
        ++running;
        seen[i].fetch_add(1);
        got[i].assign(b.begin(), b.end());
        --running;
        return Status::OK();
      },
      [&](Status st) {
        // Every on_range has returned before on_done runs.
        EXPECT_EQ(running.load(), 0);
        done_flag = true;
        w.Set(std::move(st));
      },
      IoContext{});
  ASSERT_TRUE(w.Wait());
  EXPECT_TRUE(w.value->ok()) << w.value->ToString();
  EXPECT_EQ(w.calls, 1);
  EXPECT_FALSE(range_after_done.load());
  for (size_t i = 0; i < ranges.size(); ++i) {
    EXPECT_EQ(seen[i].load(), 1) << i;
    const std::vector<uint8_t> want(bytes.begin() + static_cast<long>(ranges[i].offset),
                                    bytes.begin() + static_cast<long>(ranges[i].end()));
    EXPECT_EQ(got[i], want) << i;
  }
}

TEST(IoAsync, ReadRangesAsyncFirstCallbackErrorEndsIt) {
  auto src = MemorySource(Pattern(10000), "mem");
  std::vector<ByteRange> ranges(50, ByteRange{0, 10});
  std::atomic<int> calls{0};
  Waiter<Status> w;
  src->ReadRangesAsync(
      ranges,
      [&](size_t i, ByteSpan) {
        ++calls;
        return i == 0 ? Status::InvalidFile("block 0 is bad") : Status::OK();
      },
      [&](Status st) { w.Set(std::move(st)); }, IoContext{});
  ASSERT_TRUE(w.Wait());
  EXPECT_EQ(w.value->code(), Code::kInvalidFile);
  EXPECT_EQ(w.value->message(), "block 0 is bad");
  EXPECT_LE(calls.load(), 50);
}

TEST(IoAsync, ReadRangesAsyncPastTheEndIsInvalidFile) {
  auto src = MemorySource(Pattern(100), "mem");
  Waiter<Status> w;
  std::atomic<int> calls{0};
  src->ReadRangesAsync(
      {ByteRange{90, 20}},
      [&](size_t, ByteSpan) {
        ++calls;
        return Status::OK();
      },
      [&](Status st) { w.Set(std::move(st)); }, IoContext{});
  ASSERT_TRUE(w.Wait());
  EXPECT_EQ(w.value->code(), Code::kInvalidFile);
  EXPECT_EQ(w.value->message(), "needs bytes [90, 110) but the file has 100 bytes");
  EXPECT_EQ(calls.load(), 0);
}

TEST(IoAsync, ReadRangesAsyncCancelledAndPastDeadline) {
  auto src = MemorySource(Pattern(1000), "mem");
  std::atomic<int> calls{0};
  auto count = [&](size_t, ByteSpan) {
    ++calls;
    return Status::OK();
  };
  {
    IoContext ctx;
    ctx.cancel = CancelToken::Create();
    ctx.cancel->Cancel();
    Waiter<Status> w;
    src->ReadRangesAsync(
        {ByteRange{0, 10}}, count, [&](Status st) { w.Set(std::move(st)); }, ctx);
    ASSERT_TRUE(w.Wait());
    EXPECT_EQ(w.value->code(), Code::kCancelled);
    EXPECT_EQ(w.value->message(), "read cancelled");
  }
  {
    IoContext ctx;
    ctx.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
    ctx.timeout_ms = 5;
    ctx.what = "open";
    Waiter<Status> w;
    src->ReadRangesAsync(
        {ByteRange{0, 10}}, count, [&](Status st) { w.Set(std::move(st)); }, ctx);
    ASSERT_TRUE(w.Wait());
    EXPECT_EQ(w.value->code(), Code::kCancelled);
    EXPECT_EQ(w.value->message(), "open deadline exceeded (timeout 5 ms)");
  }
  EXPECT_EQ(calls.load(), 0);
}

TEST(IoAsync, ReadAtAsyncReadsIntoTheCallersBuffer) {
  const auto bytes = Pattern(5000);
  auto src = MemorySource(bytes, "mem");
  std::vector<uint8_t> out(300, 0xAB);
  Waiter<Result<size_t>> w;
  src->ReadAtAsync(
      4800, out, [&](Result<size_t> r) { w.Set(std::move(r)); }, IoContext{});
  ASSERT_TRUE(w.Wait());
  ASSERT_TRUE(w.value->ok());
  EXPECT_EQ(**w.value, 200u);  // the object ends first
  EXPECT_TRUE(std::equal(out.begin(), out.begin() + 200, bytes.begin() + 4800));
  EXPECT_EQ(out[200], 0xAB);  // nothing written past what was read

  IoContext ctx;
  ctx.cancel = CancelToken::Create();
  ctx.cancel->Cancel();
  Waiter<Result<size_t>> c;
  src->ReadAtAsync(
      0, out, [&](Result<size_t> r) { c.Set(std::move(r)); }, ctx);
  ASSERT_TRUE(c.Wait());
  EXPECT_EQ(c.value->status().code(), Code::kCancelled);
  EXPECT_EQ(c.value->status().message(), "read cancelled");
}

TEST(IoAsync, OpenAsyncLocalFileAndMissingFile) {
  const auto bytes = Pattern(70000);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("cogr_async_" + std::to_string(::getpid()) + ".bin"))
                               .string();
  {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  }
  Waiter<Result<std::shared_ptr<Source>>> w;
  OpenAsync(path, SourceOptions{}, IoContext{},
            [&](Result<std::shared_ptr<Source>> r) { w.Set(std::move(r)); });
  ASSERT_TRUE(w.Wait());
  ASSERT_TRUE(w.value->ok()) << w.value->status().ToString();
  std::shared_ptr<Source> src = **w.value;
  EXPECT_EQ(src->size(), bytes.size());
  EXPECT_EQ(src->uri(), path);
  // A file source read asynchronously: every range, counted in stats.
  std::vector<ByteRange> ranges{{0, 100}, {69900, 100}, {30000, 5000}};
  std::vector<std::vector<uint8_t>> got(3);
  Waiter<Status> r;
  src->ReadRangesAsync(
      ranges,
      [&](size_t i, ByteSpan b) {
        got[i].assign(b.begin(), b.end());
        return Status::OK();
      },
      [&](Status st) { r.Set(std::move(st)); }, IoContext{});
  ASSERT_TRUE(r.Wait());
  ASSERT_TRUE(r.value->ok()) << r.value->ToString();
  for (size_t i = 0; i < ranges.size(); ++i) {
    EXPECT_TRUE(std::equal(got[i].begin(), got[i].end(),
                           bytes.begin() + static_cast<long>(ranges[i].offset)));
    EXPECT_EQ(got[i].size(), ranges[i].length);
  }
  EXPECT_EQ(src->stats().bytes_used, 5200u);
  std::filesystem::remove(path);

  Waiter<Result<std::shared_ptr<Source>>> m;
  OpenAsync(path, SourceOptions{}, IoContext{},
            [&](Result<std::shared_ptr<Source>> res) { m.Set(std::move(res)); });
  ASSERT_TRUE(m.Wait());
  EXPECT_EQ(m.value->status().code(), Code::kNotFound);
  EXPECT_EQ(m.value->status().message(), path + ": No such file or directory");

  IoContext ctx;
  ctx.cancel = CancelToken::Create();
  ctx.cancel->Cancel();
  ctx.what = "open";
  Waiter<Result<std::shared_ptr<Source>>> c;
  OpenAsync(path, SourceOptions{}, ctx,
            [&](Result<std::shared_ptr<Source>> res) { c.Set(std::move(res)); });
  ASSERT_TRUE(c.Wait());
  EXPECT_EQ(c.value->status().code(), Code::kCancelled);
  EXPECT_EQ(c.value->status().message(), "open cancelled");
}

// Many async reads at once from threads that then wait: none stalls (the pool is small).
TEST(IoAsync, ManyConcurrentCallsAllFinish) {
  auto src = MemorySource(Pattern(1 << 16), "mem");
  constexpr int kCalls = 200;
  std::atomic<int> done{0}, ok{0};
  std::mutex mu;
  std::condition_variable cv;
  for (int c = 0; c < kCalls; ++c) {
    std::vector<ByteRange> ranges;
    for (uint64_t i = 0; i < 8; ++i)
      ranges.push_back({static_cast<uint64_t>(c) * 100 + i * 1000, 500});
    src->ReadRangesAsync(
        std::move(ranges),
        [](size_t, ByteSpan b) { return b.size() == 500 ? Status::OK() : Status::IoError("size"); },
        [&](Status st) {
          if (st.ok()) ++ok;
          std::lock_guard<std::mutex> lock(mu);
          ++done;
          cv.notify_all();
        },
        IoContext{});
  }
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return done.load() == kCalls; }));
  EXPECT_EQ(ok.load(), kCalls);
}

}  // namespace
}  // namespace cogr::io
