// io: where bytes come from. Knows nothing of TIFF.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cogr/status.hpp"
#include "cogr/types.hpp"

namespace cogr::io {

/// What a source's reads have cost: the numbers `cogr --stats` prints. Counters only grow;
/// subtract two snapshots (operator-) for the cost of the reads between them.
struct IoStats {
  uint64_t requests = 0;       ///< HTTP requests sent, retries included (local files: reads)
  uint64_t bytes_fetched = 0;  ///< body bytes received, including bytes discarded (holes, 200-for-206)
  uint64_t bytes_used = 0;     ///< bytes handed to callers (ReadAt results, ReadRanges ranges)
  uint64_t retries = 0;        ///< requests repeated after a transient failure
  uint64_t wait_us = 0;        ///< wall time callers spent blocked on I/O, per call (not per request)
  uint64_t cache_hits = 0;     ///< reads served from memory (cached header prefix), no request
  uint64_t full_body_responses = 0;  ///< servers that ignored Range and answered 200
};
IoStats operator-(const IoStats& a, const IoStats& b);
IoStats& operator+=(IoStats& a, const IoStats& b);

/// Retries of transient failures (connection errors, timeouts, HTTP 429 and 5xx): exponential
/// backoff with jitter, bounded by count and by total time. Other 4xx are never retried.
struct RetryOptions {
  uint32_t max_retries = 5;            ///< retries after the first attempt (0 = none)
  uint32_t initial_backoff_ms = 200;   ///< first delay; doubles per retry, +-50% jitter
  uint32_t max_backoff_ms = 10000;     ///< cap of one delay
  uint32_t max_retry_after_ms = 30000; ///< cap on an honoured Retry-After header
  uint32_t max_total_ms = 60000;       ///< no retry starts after this much time in one request
};

/// One HTTP request about to be sent; a SignFn may rewrite it (S3 SigV4, GCS bearer token,
/// Azure SAS/shared key). Called before every attempt, so time-stamped signatures stay fresh.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value" lines, Range included
};
using SignFn = std::function<Status(HttpRequest& request)>;

/// Options of remote sources (http/https; s3/gs/az build on them). Defaults were measured
/// against local nginx with the fixtures of tests/data (see src/io/http_source.hpp).
struct SourceOptions {
  /// Bytes of the speculative first GET (Range: bytes=0-N-1) that learns the object's size and
  /// ETag; later reads inside it are served from memory. 0 = take COGR_HEADER_PREFIX_BYTES or
  /// the default (32 KiB: covers every GDAL COG header of the test fixtures many times over).
  uint64_t prefix_bytes = 0;
  /// Merge two ranges of one ReadRanges call into one request when the gap between them is at
  /// most this many bytes (the gap is fetched and discarded).
  uint64_t hole_size_limit = 1 << 20;
  /// Stop growing a merged request past this size (a single larger range stays whole).
  uint64_t range_size_limit = 16 << 20;
  /// Requests of one ReadRanges call in flight at once; bounds memory to about
  /// max_concurrent_requests * range_size_limit.
  uint32_t max_concurrent_requests = 8;
  /// A server that ignores Range (200 + whole body): read at most this many bytes of it before
  /// failing; the bytes up to the end of the wanted range are kept, the rest is not read.
  uint64_t max_ignored_range_bytes = 64ull << 20;
  uint32_t connect_timeout_ms = 10000;
  /// Abort a transfer slower than low_speed_bytes_per_s for low_speed_time_ms (0 = never).
  uint32_t low_speed_bytes_per_s = 1;
  uint32_t low_speed_time_ms = 30000;
  /// Whole-request cap (0 = none).
  uint32_t request_timeout_ms = 0;
  uint32_t max_redirects = 8;
  RetryOptions retry;
  /// CA bundle file; empty = CURL_CA_BUNDLE or SSL_CERT_FILE or libcurl's default.
  std::string ca_bundle;
  /// Proxy URL; empty = libcurl's reading of http_proxy/HTTPS_PROXY/ALL_PROXY/NO_PROXY.
  std::string proxy;
  bool verify_tls = true;
  /// Extra request headers ("Name: value").
  std::vector<std::string> headers;
  /// Request signing hook (see HttpRequest); empty = none.
  SignFn sign;
  /// Shares header prefixes between opens of the same URI in this process.
  bool memory_header_cache = true;
  /// Persisted header cache directory; empty = env COGR_HEADER_CACHE_DIR (unset = none).
  std::string header_cache_dir;
  /// Use the persisted header cache at all (false ignores COGR_HEADER_CACHE_DIR too).
  bool persisted_header_cache = true;
};

/// A random-access byte source. One primitive: a positional, const, thread-safe read.
/// Implementations: local file (pread), memory; remote ones come with the remote issue.
class Source {
 public:
  virtual ~Source() = default;

  /// Reads up to out.size() bytes at `offset` into `out`. Returns how many were read:
  /// out.size() unless the object ends first (then fewer; 0 at or past the end).
  /// Thread-safe: may be called concurrently from many threads.
  virtual Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const = 0;

  /// Total size of the object in bytes.
  virtual uint64_t size() const = 0;

  /// The path or URI the source was opened from (used in error messages).
  virtual const std::string& uri() const = 0;

  /// Reads exactly `range`, or fails with kInvalidFile naming the range if the object is
  /// shorter ("needs bytes [a, b) but file has n bytes").
  Result<std::vector<uint8_t>> ReadRange(ByteRange range) const;

  /// Receives one range's bytes (valid only during the call). May run on several threads at once.
  using RangeCallback = std::function<Status(size_t index, ByteSpan bytes)>;

  /// Reads every range of `ranges` and hands each, exactly once, to `on_range(index, bytes)`.
  /// Implementations may coalesce nearby ranges into one request and run up to `max_threads`
  /// reads and callbacks concurrently. A range past the end of the object is kInvalidFile.
  /// Returns the first error of a read or a callback; after it no new range starts.
  /// The default reads the ranges with pread-style ReadAt on cogr's thread pool.
  virtual Status ReadRanges(std::span<const ByteRange> ranges, const RangeCallback& on_range,
                            size_t max_threads) const;

  /// What reads through this source have cost so far (see IoStats). Thread-safe; a snapshot.
  /// The default returns zeros; sources made by Open() count (local files: every pread).
  virtual IoStats stats() const;
};

/// Opens a local file for positional reads. kNotFound if it does not exist.
Result<std::shared_ptr<Source>> OpenFile(const std::string& path);

/// A source over bytes held in memory (tests, fuzzing, embedding).
std::shared_ptr<Source> MemorySource(std::vector<uint8_t> bytes, std::string name = "<memory>");

/// Opens a path, file:// or http(s):// URI with default options (see the overload below).
Result<std::shared_ptr<Source>> Open(const std::string& uri);

/// Opens a path or URI with options for remote sources: local paths and file:// (counted,
/// see stats()), http:// and https:// (libcurl; kUnsupported when built without it).
/// A remote open makes at most one request (the prefix GET), none when the header cache has
/// the URI. kNotFound for 404, kIoError for 401/403 ("access denied"), kUnavailable when
/// transient failures outlast the retries.
Result<std::shared_ptr<Source>> Open(const std::string& uri, const SourceOptions& options);

}  // namespace cogr::io
