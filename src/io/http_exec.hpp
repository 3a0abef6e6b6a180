// The range executor of HttpSource: one ReadRanges call as a state machine driven by transfer
// events on the HTTP client's thread (body bytes in, transfer done, retry timer, deadline) and
// by the callbacks it hands to the thread pool. No thread waits for the network.
//
// Each coalesced request is one Transfer into a buffer of its own. For a 206 answer whose
// status, Content-Range, validators and Content-Encoding are right at the first body bytes,
// every piece (caller range) of the request is handed to the pool as soon as its own bytes
// are in. A transfer that fails is retried (after a backoff timer on the client thread) for the
// pieces not yet handed over only, into a fresh buffer: each piece is handed over exactly once
// and no callback reads a buffer that is still being written at its bytes.
#pragma once

#ifdef COGR_HAVE_CURL

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cogr/io.hpp"
#include "io/coalesce.hpp"
#include "io/header_cache.hpp"
#include "io/http_response.hpp"
#include "io/stats.hpp"

namespace cogr::io::internal {

/// What the executor needs of its source. The source outlives the call (until on_done).
struct ExecTarget {
  const std::string* url = nullptr;   ///< requests go here
  const std::string* name = nullptr;  ///< error messages name this
  const SourceOptions* options = nullptr;
  const ObjectInfo* info = nullptr;
  StatsCounters* counters = nullptr;
  std::function<void()> forget;  ///< drops the header-cache entries (object changed)
  /// Set when the server answered a multi-range request with 200 or a single range.
  std::atomic<bool>* multi_range_refused = nullptr;
  std::function<void()> on_multi_range_refused;  ///< runs (client thread) when it is set
};

/// Bytes already in memory, handed to on_range without a request.
struct ReadyRange {
  std::shared_ptr<const void> keep;  ///< owner of the bytes
  const uint8_t* data = nullptr;
  uint64_t length = 0;
  size_t index = 0;
};

/// Starts one ReadRanges call: `ready` ranges go to on_range at once, `requests` (pieces
/// indexed by the caller's range indices; a group of several planned requests goes out as one
/// multi-range request) are fetched with at most
/// options->max_concurrent_requests in flight. Callbacks run on at most `max_parallel` pool
/// tasks at once. on_done runs exactly once, after every on_range has returned; never on the
/// client thread (it is posted to the pool from there).
void StartRangeExec(ExecTarget target, std::vector<ReadyRange> ready,
                    std::vector<std::vector<PlannedRequest>> requests,
                    Source::RangeCallback on_range, std::function<void(Status)> on_done,
                    IoContext context, size_t max_parallel);

/// The speculative first GET of an open: size, validators and the first prefix bytes, with
/// retries on timers and the context's deadline and cancellation. done runs exactly once (not
/// on the client thread) with the entry or the error and the S3 region an error answer named.
void StartProbe(
    std::string url, std::string name, const SourceOptions& options,
    std::shared_ptr<StatsCounters> counters, IoContext context,
    std::function<void(Result<std::shared_ptr<const HeaderEntry>>, std::string bucket_region)>
        done);

/// Runs `start(callback)` and waits for the callback's value, running pool tasks meanwhile
/// (ThreadPool::RunUntil), so that a synchronous call over an asynchronous one cannot stall a
/// busy pool or a pool thread.
template <class T>
T WaitFor(const std::function<void(std::function<void(T)>)>& start);

}  // namespace cogr::io::internal

#include "util/thread_pool.hpp"

#include <atomic>
#include <optional>

namespace cogr::io::internal {

template <class T>
T WaitFor(const std::function<void(std::function<void(T)>)>& start) {
  struct State {
    std::atomic<bool> done{false};
    std::optional<T> value;
  };
  auto state = std::make_shared<State>();
  start([state](T v) {
    state->value.emplace(std::move(v));
    state->done.store(true);
    cogr::internal::ThreadPool::Default().Wake();
  });
  cogr::internal::ThreadPool::Default().RunUntil(state->done);
  return std::move(*state->value);
}

}  // namespace cogr::io::internal

#endif  // COGR_HAVE_CURL
