// A small fixed-size thread pool and a ParallelFor on top of it. Shared by io (concurrent
// fetches of a local file) and read (parallel decode).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "cogr/status.hpp"

namespace cogr::internal {

class ThreadPool {
 public:
  /// Starts `threads` workers (0 → none: Submit runs tasks inline).
  explicit ThreadPool(size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Queues `task`. Tasks must not throw.
  void Submit(std::function<void()> task);
  size_t size() const { return workers_.size(); }

  /// Runs queued tasks on the calling thread until `done` is true, then returns: a thread that
  /// waits for asynchronous work (a synchronous call over an asynchronous one) helps instead of
  /// parking, so a busy pool, or a wait on one of its own threads, cannot stall. Whoever sets
  /// `done` must call Wake() afterwards.
  void RunUntil(const std::atomic<bool>& done);
  /// Wakes the threads in RunUntil to check their flags.
  void Wake();

  /// The process-wide pool used for decoding (see cogr::SetThreadCount).
  static ThreadPool& Default();

 private:
  void WorkerLoop();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

/// Runs fn(i) for every i in [0, n) using up to `max_threads` threads of `pool` plus the calling
/// thread (so nested use cannot deadlock). After the first error no new indices start; returns
/// that error, whatever its code (kCancelled too: a stage result is never turned into OK).
/// Returns when every started call has finished.
Status ParallelFor(size_t n, const std::function<Status(size_t)>& fn, ThreadPool& pool,
                   size_t max_threads);

}  // namespace cogr::internal
