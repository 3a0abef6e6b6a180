// Retry policy of remote reads: which failures are transient and how long to wait.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "cogr/io.hpp"

namespace cogr::io::internal {

/// Delay before retry number `retry` (1 = first retry): initial_backoff_ms * 2^(retry-1), capped
/// at max_backoff_ms, times a jitter factor drawn uniformly from [0.5, 1.5) (capped again), so
/// clients that failed together do not come back together. `retry_after_ms` (the server's
/// Retry-After) raises the delay up to max_retry_after_ms.
uint64_t BackoffMs(const RetryOptions& options, uint32_t retry,
                   std::optional<uint64_t> retry_after_ms);

/// Parses a Retry-After value: delay-seconds ("120") or an HTTP-date (relative to now).
/// nullopt when absent or unparsable; a date in the past gives 0.
std::optional<uint64_t> ParseRetryAfterMs(std::string_view value);

/// True for HTTP statuses that are retried: 429 and every 5xx.
bool IsTransientHttpStatus(long status);

/// True for libcurl result codes of transient failures: connection refused/reset, timeouts,
/// truncated transfers, HTTP/2 stream errors, TLS handshake failures.
bool IsTransientCurlCode(int curl_code);

}  // namespace cogr::io::internal
