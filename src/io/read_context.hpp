// The deadline and cancel token of the read running on this thread, for sources to honour.
//
// Dataset::Read installs a ScopedReadContext on its thread; Source::ReadRanges implementations
// look it up (CurrentReadContext) on the calling thread before they fan out, check it between
// ranges, and remote sources abort their transfers when it fires.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "cogr/cancel.hpp"
#include "cogr/status.hpp"

namespace cogr::internal {

struct ReadContext {
  std::shared_ptr<CancelToken> cancel;  ///< may be null
  std::optional<std::chrono::steady_clock::time_point> deadline;
  uint64_t timeout_ms = 0;  ///< the caller's budget, for the message (0: an absolute deadline)
  /// What is bounded, for the messages: "read" (Dataset::Read) or "open" (Dataset::Open).
  const char* what = "read";
};

/// The context installed on this thread, or null.
const ReadContext* CurrentReadContext();

/// kCancelled "<what> cancelled" when the token fired, kCancelled "<what> deadline exceeded ..."
/// when the deadline passed, else OK (also for null).
Status CheckReadContext(const ReadContext* context);

/// kCancelled "<what> deadline exceeded" (with " (timeout N ms)" when the caller gave a
/// timeout), whatever the time: for code that knows the deadline will pass before it is done.
Status DeadlineExceeded(const ReadContext* context);

/// Installs `context` on this thread for its lifetime (restores the previous one after).
class ScopedReadContext {
 public:
  explicit ScopedReadContext(const ReadContext* context);
  ~ScopedReadContext();
  ScopedReadContext(const ScopedReadContext&) = delete;
  ScopedReadContext& operator=(const ScopedReadContext&) = delete;

 private:
  const ReadContext* previous_;
};

}  // namespace cogr::internal
