// read: helpers the Dataset's entry points share (synchronous and asynchronous): allocation
// guard, file naming of errors, the deadline/cancel context of an open or a read.
#pragma once

#include <chrono>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "cogr/dataset.hpp"
#include "io/read_context.hpp"

namespace cogr::internal {

/// The bytes of the allocation a read is making on this thread, for the message of a bad_alloc.
inline thread_local uint64_t g_allocating = 0;

/// Catches allocation failure at a public entry point (or an asynchronous stage). The message
/// names the bytes asked for when known (the output and chunk buffers record them) and the
/// read limit.
template <class F>
auto Guard(const std::string& uri, F&& f, uint64_t max_read_bytes = 0) -> decltype(f()) {
  g_allocating = 0;
  const std::string limit = max_read_bytes > 0 ? " (max_read_bytes " + std::to_string(max_read_bytes) + ")" : "";
  try {
    return f();
  } catch (const std::bad_alloc&) {
    const uint64_t asked = std::exchange(g_allocating, 0);
    return Status::LimitExceeded(uri + ": out of memory" +
                                 (asked > 0 ? " allocating " + std::to_string(asked) + " bytes" : std::string()) + limit);
  } catch (const std::length_error&) {
    return Status::LimitExceeded(uri + ": allocation too large" + limit);
  }
}

/// Sizes `buffer` to `bytes` (not zero-filled), recording the size for Guard's message.
inline void Allocate(Buffer& buffer, uint64_t bytes) {
  g_allocating = bytes;
  buffer.resize(static_cast<size_t>(bytes));
  g_allocating = 0;
}

/// `st` with "<uri>: " in front unless it already starts with the file's name.
inline Status NameFile(const Status& st, const std::string& uri) {
  if (st.ok() || st.message().compare(0, uri.size(), uri) == 0) return st;
  return st.WithContext(uri);
}

/// A read's or an open's deadline (the earlier of deadline and now + timeout_ms) and cancel token.
template <class Options>
ReadContext ContextOf(const Options& options, const char* what) {
  ReadContext context;
  context.what = what;
  context.cancel = options.cancel;
  context.deadline = options.deadline;
  if (options.timeout_ms > 0) {
    const auto due = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
    if (!context.deadline || due < *context.deadline) {
      context.deadline = due;
      context.timeout_ms = options.timeout_ms;
    }
  }
  return context;
}

}  // namespace cogr::internal
