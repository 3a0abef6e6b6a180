// io: where bytes come from. Knows nothing of TIFF.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cogr/cancel.hpp"
#include "cogr/status.hpp"
#include "cogr/types.hpp"

namespace cogr {
class Trace;  // cogr/trace.hpp
}  // namespace cogr

namespace cogr::io {

/// Deadline and cancellation of one open or read, passed explicitly through source calls.
/// A call that sees the token cancelled fails with kCancelled "<what> cancelled"; one that
/// passes the deadline with kCancelled "<what> deadline exceeded" (+ " (timeout N ms)").
struct IoContext {
  std::shared_ptr<CancelToken> cancel;                            ///< may be null
  std::optional<std::chrono::steady_clock::time_point> deadline;  ///< none = no deadline
  uint64_t timeout_ms = 0;    ///< the caller's budget, for messages (0: absolute deadline)
  const char* what = "read";  ///< "read" or "open", for messages
  /// Records every request (and, in reads, every block decode) of the call; null = none.
  std::shared_ptr<Trace> trace;
};

/// What a source's reads have cost: the numbers `cogr --stats` prints. Counters only grow;
/// subtract two snapshots (operator-) for the cost of the reads between them.
struct IoStats {
  uint64_t requests = 0;  ///< HTTP requests sent, retries included (local files: reads)
  uint64_t bytes_fetched =
      0;                    ///< body bytes received, including bytes discarded (holes, 200-for-206)
  uint64_t bytes_used = 0;  ///< bytes handed to callers (ReadAt results, ReadRanges ranges)
  uint64_t retries = 0;     ///< requests repeated after a transient failure
  uint64_t wait_us = 0;     ///< wall time callers spent blocked on I/O, per call (not per request)
  uint64_t cache_hits = 0;  ///< reads served from memory (cached header prefix), no request
  uint64_t full_body_responses = 0;  ///< servers that ignored Range and answered 200
};
COGR_EXPORT IoStats operator-(const IoStats& a, const IoStats& b);
COGR_EXPORT IoStats& operator+=(IoStats& a, const IoStats& b);

/// Retries of transient failures (connection errors, timeouts, HTTP 429 and 5xx): exponential
/// backoff with jitter, bounded by count and by total time. Other 4xx are never retried.
struct RetryOptions {
  uint32_t max_retries = 5;           ///< retries after the first attempt (0 = none)
  uint32_t initial_backoff_ms = 200;  ///< first delay; doubles per retry, +-50% jitter
  uint32_t max_backoff_ms = 10000;    ///< cap of one delay
  /// A Retry-After above this gives up at once; below it, the wait is honoured only if it ends
  /// within max_total_ms and before the caller's deadline (else the request fails at once).
  uint32_t max_retry_after_ms = 30000;
  uint32_t max_total_ms = 60000;  ///< no retry starts after this much time in one request
};

/// One HTTP request about to be sent; a SignFn may rewrite it (S3 SigV4, GCS bearer token,
/// Azure SAS/shared key). Called before every attempt, so time-stamped signatures stay fresh.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value" lines, Range included
};
using SignFn = std::function<Status(HttpRequest& request)>;

/// s3://bucket/key. Every field left empty/unset takes the AWS environment variable named.
struct S3Options {
  std::string access_key_id;      ///< AWS_ACCESS_KEY_ID
  std::string secret_access_key;  ///< AWS_SECRET_ACCESS_KEY
  std::string session_token;      ///< AWS_SESSION_TOKEN (sent as x-amz-security-token)
  std::string region;             ///< AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1
  /// S3-compatible server, e.g. "http://127.0.0.1:9000"; AWS_ENDPOINT_URL_S3, else
  /// AWS_ENDPOINT_URL; empty = AWS (https://BUCKET.s3.REGION.amazonaws.com).
  std::string endpoint_url;
  /// Path-style addressing (ENDPOINT/BUCKET/KEY) instead of virtual-hosted (BUCKET.HOST/KEY).
  /// Unset = AWS_S3_ADDRESSING_STYLE (path|virtual), else path when an endpoint is set.
  std::optional<bool> path_style;
  /// Unsigned requests (public buckets). Unset = AWS_NO_SIGN_REQUEST=YES|TRUE|1, else false.
  /// Without it, an open that finds no credentials fails with kInvalidArgument saying so.
  std::optional<bool> no_sign_request;
  /// Sends "x-amz-request-payer: requester". Unset = AWS_REQUEST_PAYER=requester.
  std::optional<bool> requester_pays;
};

/// gs://bucket/object, read over the XML API: GET ENDPOINT/BUCKET/OBJECT with Range.
struct GcsOptions {
  /// Empty = GCS_ENDPOINT_URL, else https://storage.googleapis.com.
  std::string endpoint_url;
  /// OAuth2 access token sent as "Authorization: Bearer ..."; empty = GOOGLE_OAUTH_ACCESS_TOKEN
  /// (unset = anonymous: public objects only).
  std::string access_token;
};

/// az://container/blob. Empty fields take the environment variable named; explicit fields
/// win over the connection string, which wins over the separate variables.
struct AzureOptions {
  std::string account;     ///< AZURE_STORAGE_ACCOUNT
  std::string access_key;  ///< AZURE_STORAGE_ACCESS_KEY (base64): Shared Key signing
  std::string sas_token;   ///< AZURE_STORAGE_SAS_TOKEN ("sv=...&sig=...", '?' optional)
  /// AZURE_STORAGE_CONNECTION_STRING: AccountName, AccountKey, SharedAccessSignature,
  /// BlobEndpoint, DefaultEndpointsProtocol, EndpointSuffix.
  std::string connection_string;
  /// Blob service endpoint, e.g. "http://127.0.0.1:10000/devstoreaccount1" (azurite);
  /// AZURE_STORAGE_ENDPOINT, else the connection string's BlobEndpoint, else
  /// https://ACCOUNT.blob.core.windows.net.
  std::string endpoint_url;
  /// Anonymous requests (public containers) even when a key or SAS is set. Unset =
  /// AZURE_NO_SIGN_REQUEST=YES|TRUE|1. Without it, an open that finds neither key nor SAS
  /// fails with kInvalidArgument saying so.
  std::optional<bool> no_sign_request;
};

/// An object's header bytes known ahead of its open (a collection's record of a scene, see
/// cogr/catalog.hpp): with SourceOptions::known_header set, an open sends no request. Reads
/// inside `chunks` are served from memory; every other read is checked as after any open: a
/// remote answer whose size or ETag (else Last-Modified) differs from these fails the read with
/// kIoError "<uri> changed on the server since it was opened (...)"; a local file whose size
/// differs fails the open.
struct KnownHeader {
  struct Chunk {
    uint64_t offset = 0;
    std::vector<uint8_t> bytes;
  };
  uint64_t size = 0;          ///< the object's size in bytes
  std::string etag;           ///< as the server sent it (quotes included); may be empty
  std::string last_modified;  ///< may be empty
  /// Sorted by offset, disjoint, inside [0, size); at most 4 MiB in all (kInvalidArgument else).
  std::vector<Chunk> chunks;
};

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
  /// Plain http(s) only (never s3/gs/az, which do not support it): up to this many requests of
  /// one ReadRanges call go out as one multi-range request ("Range: bytes=a-b,c-d"; the answer
  /// is a multipart/byteranges 206, parsed as it streams and checked part by part) when
  /// together they stay within range_size_limit. A cold window of several tile rows then
  /// costs one round trip on the open connection instead of new connections. A server that
  /// answers one with 200 or a single range gets single-range requests from then on (the
  /// answer's body is not read), and so do the other sources of the process on the same
  /// scheme://host:port. 1 = never.
  uint32_t max_ranges_per_request = 16;
  /// When ranges go out as one multi-range request, a gap between two of them only costs its
  /// bytes (a part costs ~100 bytes of multipart header, and no round trip), so gaps wider
  /// than this are left out of the request while it has parts to spare (widest first, up to
  /// max_ranges_per_request); hole_size_limit still decides which ranges share a request.
  /// Single-range requests (s3/gs/az, a server that refused multi-range) use hole_size_limit.
  uint64_t multi_range_hole_limit = 16 << 10;
  /// A server that ignores Range (200 + whole body): read at most this many bytes of it before
  /// failing; the bytes up to the end of the wanted range are kept, the rest is not read.
  uint64_t max_ignored_range_bytes = 64ull << 20;
  uint32_t connect_timeout_ms = 10000;
  /// Abort a request that receives less than low_speed_bytes_per_s on average over
  /// low_speed_time_ms (either 0 = never): a server that trickles or holds the connection
  /// silent is dropped within seconds (libcurl's low-speed limit, checked in whole seconds;
  /// the abort is transient, so it is retried within `retry`). The CLI takes
  /// COGR_LOW_SPEED_LIMIT and COGR_LOW_SPEED_TIME (seconds).
  uint32_t low_speed_bytes_per_s = 1024;
  uint32_t low_speed_time_ms = 5000;
  /// Whole-request cap (0 = none).
  uint32_t request_timeout_ms = 0;
  /// Redirects followed per request; one more is kIoError "too many redirects (N)".
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
  /// Cloud object stores (s3://, gs://, az://); ignored for other schemes. A `sign` hook,
  /// when set, runs after the store's own signing.
  S3Options s3;
  GcsOptions gcs;
  AzureOptions azure;
  /// Header bytes, size and validators recorded earlier (see KnownHeader): the open makes no
  /// request and neither reads nor writes the header caches. Null = probe as usual.
  std::shared_ptr<const KnownHeader> known_header;
};

/// A random-access byte source. One primitive: a positional, const, thread-safe read.
/// Implementations: local file (pread), memory, http(s) and the cloud stores (see Open).
class COGR_EXPORT Source {
 public:
  virtual ~Source() = default;

  /// Reads up to out.size() bytes at `offset` into `out`. Returns how many were read:
  /// out.size() unless the object ends first (then fewer; 0 at or past the end).
  /// Thread-safe: may be called concurrently from many threads.
  virtual Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const = 0;

  /// Total size of the object in bytes.
  virtual uint64_t size() const = 0;

  /// The ETag / Last-Modified the server sent at open (remote sources), else empty.
  virtual std::string etag() const { return {}; }
  virtual std::string last_modified() const { return {}; }

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

  /// Returns at once. on_range(index, bytes) runs once per range (possibly concurrently, on pool
  /// threads; bytes valid during the call only), then on_done(status) exactly once, after every
  /// on_range has returned. The first error (a read, a callback, cancellation, deadline) ends it:
  /// no new range starts. No thread waits for the network. The source must stay alive until
  /// on_done has run. A range past the end of the object is kInvalidFile, as in ReadRanges.
  /// The default runs ReadRanges on cogr's thread pool (right for local files and memory:
  /// pread does not wait on a network); http(s) and the cloud stores run on the I/O loop.
  virtual void ReadRangesAsync(std::vector<ByteRange> ranges, RangeCallback on_range,
                               std::function<void(Status)> on_done, IoContext context) const;

  /// Returns at once; reads [offset, offset + out.size()) into `out` (the caller keeps it alive
  /// until done runs), done(bytes read or error) exactly once. Same rules as ReadAt. The source
  /// must stay alive until done has run. The default runs ReadAt on cogr's thread pool.
  virtual void ReadAtAsync(uint64_t offset, MutableByteSpan out,
                           std::function<void(Result<size_t>)> done, IoContext context) const;

  /// What reads through this source have cost so far (see IoStats). Thread-safe; a snapshot.
  /// The default returns zeros; sources made by Open() count (local files: every pread).
  virtual IoStats stats() const;
};

/// Opens a local file for positional reads. kNotFound if it does not exist.
COGR_EXPORT Result<std::shared_ptr<Source>> OpenFile(const std::string& path);

/// A source over bytes held in memory (tests, fuzzing, embedding).
COGR_EXPORT std::shared_ptr<Source> MemorySource(std::vector<uint8_t> bytes,
                                                 std::string name = "<memory>");

/// The scheme of a path or URI as Open dispatches on it, lower-cased: "file" for a plain path
/// and for file://, else the text before "://" ("http", "https", "s3", "gs", "az", or one Open
/// rejects).
COGR_EXPORT std::string UriScheme(std::string_view uri);

/// Opens a path, file://, http(s)://, s3://, gs:// or az:// URI with default options (see the overload below).
COGR_EXPORT Result<std::shared_ptr<Source>> Open(const std::string& uri);

/// Opens a path or URI with options for remote sources: local paths and file:// (counted,
/// see stats()), http:// and https:// (libcurl; kUnsupported when built without it),
/// s3://bucket/key (SigV4), gs://bucket/object (bearer token) and az://container/blob (Shared
/// Key or SAS); signing needs OpenSSL (kUnsupported naming it when built without). The
/// source's uri() is the URI as given; errors name it.
/// A remote open makes at most one request (the prefix GET), none when the header cache has
/// the URI. kNotFound for 404, kIoError for 401/403 ("access denied"), kUnavailable when
/// transient failures outlast the retries.
COGR_EXPORT Result<std::shared_ptr<Source>> Open(const std::string& uri,
                                                 const SourceOptions& options);

/// Opens a path or URI like Open(uri, options) without blocking: the remote probe runs on the
/// I/O loop; done runs exactly once with the source or the error (on a pool or I/O thread, or
/// on the calling thread when the answer needs no I/O). The context's deadline and cancel
/// token bound the open (kCancelled "open cancelled" / "open deadline exceeded ...").
COGR_EXPORT void OpenAsync(const std::string& uri, const SourceOptions& options, IoContext context,
                           std::function<void(Result<std::shared_ptr<Source>>)> done);

}  // namespace cogr::io
