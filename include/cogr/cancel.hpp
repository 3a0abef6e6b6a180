// Cancellation of reads: a token the caller keeps and may trigger from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "cogr/export.hpp"

namespace cogr {

/// Cancels the reads it is passed to (ReadOptions::cancel). Thread-safe; Cancel() is sticky
/// (a cancelled token stays cancelled: make a new one per request). A cancelled read stops its
/// transfers and returns kCancelled "read cancelled" promptly; the Dataset stays usable.
class COGR_EXPORT CancelToken {
 public:
  /// A new token, not cancelled.
  static std::shared_ptr<CancelToken> Create() { return std::make_shared<CancelToken>(); }

  /// Cancels every read holding this token, now and later. Runs the subscribed callbacks.
  void Cancel();
  /// True once Cancel() was called (by any thread).
  bool cancelled() const;

  /// Runs `fn` once when Cancel() is called (at once, on this thread, if it already was).
  /// Returns an id for Unsubscribe. `fn` must be quick and must not call into this token; it
  /// may still run once while Unsubscribe is returning, so it must own what it touches.
  uint64_t Subscribe(std::function<void()> fn);
  /// Drops a subscription (unknown ids are ignored).
  void Unsubscribe(uint64_t id);

 private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
  uint64_t next_id_ = 1;
  std::vector<std::pair<uint64_t, std::function<void()>>> callbacks_;
};

}  // namespace cogr
