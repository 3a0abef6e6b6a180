// ReadAsync: nested reads from callbacks never deadlock; the caller may bring its executor.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cogr/dataset.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

const char* kFile = "fixtures/b7_u16_band_deflate_t128.tif";

ReadOptions Window(int i) {
  ReadOptions o;
  o.window = geo::Window{static_cast<double>(i % 7) * 10, static_cast<double>(i % 5) * 12, 64, 48};
  return o;
}

TEST(AsyncNested, CallbacksWaitingOnNestedReadsDoNotDeadlock) {
  auto ds = Dataset::Open(test::DataPath(kFile));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const std::shared_ptr<Dataset> d = *ds;
  // Three times as many waiting callbacks as executor threads, each waiting on two levels of
  // nested reads: with a queued nested read, every executor thread would wait forever.
  const size_t n = 3 * Dataset::AsyncReadThreads();
  std::vector<std::promise<Status>> outcomes(n);
  std::vector<std::future<Status>> futures;
  for (auto& p : outcomes) futures.push_back(p.get_future());
  for (size_t i = 0; i < n; ++i) {
    d->ReadAsync(Window(static_cast<int>(i)), [d, i, &outcomes](Result<Array> outer) {
      if (!outer.ok()) {
        outcomes[i].set_value(outer.status());
        return;
      }
      // Blocks this executor thread on a nested read, which itself waits on another.
      auto nested = d->ReadAsync(Window(static_cast<int>(i + 1)), Dataset::ReadExecutor());
      auto inner = nested.get();
      if (!inner.ok()) {
        outcomes[i].set_value(inner.status());
        return;
      }
      std::promise<Result<Array>> deeper;
      auto deeper_future = deeper.get_future();
      d->ReadAsync(Window(static_cast<int>(i + 2)),
                   [&deeper](Result<Array> r) { deeper.set_value(std::move(r)); });
      auto third = deeper_future.get();
      auto want_outer = d->Read(Window(static_cast<int>(i)));
      auto want_inner = d->Read(Window(static_cast<int>(i + 1)));
      auto want_third = d->Read(Window(static_cast<int>(i + 2)));
      if (!third.ok() || !want_outer.ok() || !want_inner.ok() || !want_third.ok()) {
        outcomes[i].set_value(Status::IoError("a read failed"));
      } else if (outer->data != want_outer->data || inner->data != want_inner->data ||
                 third->data != want_third->data) {
        outcomes[i].set_value(Status::IoError("pixels differ from the synchronous read"));
      } else {
        outcomes[i].set_value(Status::OK());
      }
    });
  }
  for (size_t i = 0; i < n; ++i) {
    // A bound, not a timing assertion: a deadlock never ends.
    ASSERT_EQ(futures[i].wait_for(std::chrono::seconds(60)), std::future_status::ready)
        << "callback " << i << " deadlocked";
    Status st = futures[i].get();
    EXPECT_TRUE(st.ok()) << i << ": " << st.ToString();
  }
}

TEST(AsyncNested, CallerExecutorRunsTheReads) {
  auto ds = Dataset::Open(test::DataPath(kFile));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  std::mutex mu;
  std::vector<std::thread> threads;
  std::atomic<int> tasks{0};
  Dataset::ReadExecutor executor = [&](std::function<void()> task) {
    ++tasks;
    std::lock_guard<std::mutex> lock(mu);
    threads.emplace_back(std::move(task));
  };
  std::vector<std::future<Result<Array>>> futures;
  for (int i = 0; i < 5; ++i) futures.push_back((*ds)->ReadAsync(Window(i), executor));
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(futures[static_cast<size_t>(i)].wait_for(std::chrono::seconds(60)),
              std::future_status::ready);
    auto got = futures[static_cast<size_t>(i)].get();
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    auto want = (*ds)->Read(Window(i));
    ASSERT_TRUE(want.ok());
    EXPECT_EQ(got->data, want->data) << i;
    EXPECT_EQ(got->width, 64u);
    EXPECT_EQ(got->height, 48u);
  }
  // The callback form on the same executor.
  std::promise<Result<Array>> p;
  auto f = p.get_future();
  (*ds)->ReadAsync(
      Window(9), [&p](Result<Array> r) { p.set_value(std::move(r)); }, executor);
  ASSERT_EQ(f.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  auto cb = f.get();
  ASSERT_TRUE(cb.ok()) << cb.status().ToString();
  EXPECT_EQ(cb->data, (*ds)->Read(Window(9))->data);
  EXPECT_EQ(tasks.load(), 6) << "every read ran on the caller's executor";
  std::lock_guard<std::mutex> lock(mu);
  for (auto& t : threads) t.join();
}

}  // namespace
}  // namespace cogr
