// Deadline and cancellation checks of an io::IoContext, and the thread-local bridge of the
// synchronous API: Dataset::Read installs a ScopedReadContext on its thread, and the
// synchronous Source calls (ReadRanges, ReadAt, Open) pass CurrentReadContext() on to the
// asynchronous ones, which take the context explicitly.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "cogr/cancel.hpp"
#include "cogr/io.hpp"
#include "cogr/status.hpp"

namespace cogr::internal {

/// The public io::IoContext; the old name stays for the code that installs it on a thread.
using ReadContext = io::IoContext;

/// The context installed on this thread, or an empty one (no deadline, no token).
io::IoContext CurrentIoContext();

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
