#include "util/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <memory>

#include "cogr/threads.hpp"

namespace cogr {
namespace {
std::atomic<size_t> g_thread_count{0};  // 0 = hardware threads
}  // namespace

void SetThreadCount(size_t threads) { g_thread_count.store(threads); }

size_t ThreadCount() {
  size_t n = g_thread_count.load();
  if (n == 0) n = std::max<size_t>(1, std::thread::hardware_concurrency());
  return n;
}

namespace internal {

ThreadPool::ThreadPool(size_t threads) {
  workers_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::Submit(std::function<void()> task) {
  if (workers_.empty()) {
    task();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPool::RunUntil(const std::atomic<bool>& done) {
  std::unique_lock<std::mutex> lock(mu_);
  // Bounded by `done`: every pass runs a task or sleeps until Submit or Wake.
  while (!done.load()) {
    if (queue_.empty()) {
      cv_.wait(lock);
      continue;
    }
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

void ThreadPool::Wake() {
  { std::lock_guard<std::mutex> lock(mu_); }
  cv_.notify_all();
}

void ThreadPool::WorkerLoop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stop_ and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

ThreadPool& ThreadPool::Default() {
  // Sized once, at first use: one thread per hardware thread. ParallelFor uses at most
  // max_threads - 1 of them (its caller is the other worker); asynchronous reads, whose caller
  // waits elsewhere, decode on up to ThreadCount() of them. Never destroyed before exit
  // handlers run.
  static ThreadPool* pool =
      new ThreadPool(std::max<size_t>(1, std::thread::hardware_concurrency()));
  return *pool;
}

namespace {
struct ForState {
  const std::function<Status(size_t)>* fn = nullptr;
  size_t n = 0;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::condition_variable cv;
  size_t done = 0;  // guarded by mu
  Status error;     // guarded by mu

  void Run() {
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= n) return;
      // After the first error the remaining indices are only counted, never run: their
      // "result" is that error, which is the one returned. Any error a call returns is kept,
      // kCancelled included (a read past its deadline must never come back OK).
      Status st = failed.load() ? Status::OK() : (*fn)(i);
      std::lock_guard<std::mutex> lock(mu);
      if (!st.ok() && error.ok()) error = std::move(st);
      if (!error.ok()) failed.store(true);
      if (++done == n) cv.notify_all();
    }
  }
};
}  // namespace

Status ParallelFor(size_t n, const std::function<Status(size_t)>& fn, ThreadPool& pool,
                   size_t max_threads) {
  if (n == 0) return Status::OK();
  const size_t helpers =
      std::min({n - 1, pool.size(), max_threads > 0 ? max_threads - 1 : size_t{0}});
  if (helpers == 0) {
    for (size_t i = 0; i < n; ++i) COGR_RETURN_IF_ERROR(fn(i));
    return Status::OK();
  }
  auto state = std::make_shared<ForState>();
  state->fn = &fn;
  state->n = n;
  for (size_t h = 0; h < helpers; ++h) pool.Submit([state] { state->Run(); });
  state->Run();
  std::unique_lock<std::mutex> lock(state->mu);
  state->cv.wait(lock, [&] { return state->done == n; });
  return state->error;
}

}  // namespace internal
}  // namespace cogr
