// Lock-free counters behind io::IoStats, shared by the sources of this module.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "cogr/io.hpp"

namespace cogr::io::internal {

/// Thread-safe counters; Snapshot() gives the public struct.
class StatsCounters {
 public:
  void AddRequest() { requests_.fetch_add(1, std::memory_order_relaxed); }
  void AddFetched(uint64_t n) { bytes_fetched_.fetch_add(n, std::memory_order_relaxed); }
  void AddUsed(uint64_t n) { bytes_used_.fetch_add(n, std::memory_order_relaxed); }
  void AddRetry() { retries_.fetch_add(1, std::memory_order_relaxed); }
  void AddWaitUs(uint64_t us) { wait_us_.fetch_add(us, std::memory_order_relaxed); }
  void AddCacheHit() { cache_hits_.fetch_add(1, std::memory_order_relaxed); }
  void AddFullBody() { full_body_.fetch_add(1, std::memory_order_relaxed); }

  IoStats Snapshot() const {
    IoStats s;
    s.requests = requests_.load(std::memory_order_relaxed);
    s.bytes_fetched = bytes_fetched_.load(std::memory_order_relaxed);
    s.bytes_used = bytes_used_.load(std::memory_order_relaxed);
    s.retries = retries_.load(std::memory_order_relaxed);
    s.wait_us = wait_us_.load(std::memory_order_relaxed);
    s.cache_hits = cache_hits_.load(std::memory_order_relaxed);
    s.full_body_responses = full_body_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  std::atomic<uint64_t> requests_{0}, bytes_fetched_{0}, bytes_used_{0}, retries_{0}, wait_us_{0},
      cache_hits_{0}, full_body_{0};
};

/// Adds the wall time of its scope to a StatsCounters' wait_us.
class WaitTimer {
 public:
  explicit WaitTimer(StatsCounters& counters)
      : counters_(counters), start_(std::chrono::steady_clock::now()) {}
  ~WaitTimer() {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start_);
    counters_.AddWaitUs(static_cast<uint64_t>(us.count()));
  }
  WaitTimer(const WaitTimer&) = delete;
  WaitTimer& operator=(const WaitTimer&) = delete;

 private:
  StatsCounters& counters_;
  std::chrono::steady_clock::time_point start_;
};

/// Wraps a source and counts its reads (local files opened through io::Open). ReadRanges is
/// the base class's, which reads through this wrapper's ReadAt, so every pread is counted.
std::shared_ptr<Source> CountingSource(std::shared_ptr<Source> inner);

}  // namespace cogr::io::internal
