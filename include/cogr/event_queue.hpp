// A queue of completions for a thread that drives asynchronous calls (Dataset::OpenAsync,
// ReadIntoAsync, ...): callbacks post what finished, from any thread; the driving thread waits,
// takes everything posted so far and starts the next calls outside any callback (so that they
// run asynchronously too). Used by Stack, Catalog::Build and `cogr bench`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>
#include <vector>

namespace cogr {

/// Thread-safe: Post from any thread; Wait/WaitFor from the one driving thread.
template <class T>
class EventQueue {
 public:
  /// Adds an event and wakes the waiting thread.
  void Post(T event) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::move(event));
    cv_.notify_all();
  }
  /// Blocks until at least one event is posted; returns all of them, in posting order.
  std::vector<T> Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !events_.empty(); });
    return std::exchange(events_, {});
  }
  /// As Wait, but returns (possibly nothing) after `timeout`.
  std::vector<T> WaitFor(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !events_.empty(); });
    return std::exchange(events_, {});
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<T> events_;
};

}  // namespace cogr
