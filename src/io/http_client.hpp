// Process-wide libcurl multi loop: one thread owns one multi handle, so every HTTP source of
// the process shares its connection cache (keep-alive), DNS cache and HTTP/2 connections
// (transfers to the same host multiplex on one connection when the server offers h2).
#pragma once

#ifdef COGR_HAVE_CURL

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cogr/io.hpp"

typedef void CURL;  // NOLINT: libcurl's own spelling of the easy handle type
struct curl_slist;

namespace cogr::io::internal {

/// When a transfer's phases happened (filled only for a transfer submitted with `timing`: a
/// trace is recording). Offsets are libcurl's, in microseconds from `added`; -1 = not reached.
struct TransferTimes {
  std::chrono::steady_clock::time_point submitted;  ///< Submit() called
  std::chrono::steady_clock::time_point added;      ///< handed to libcurl by the loop thread
  std::chrono::steady_clock::time_point finished;   ///< ended (before on_done)
  int64_t namelookup_us = -1, connect_us = -1, appconnect_us = -1, starttransfer_us = -1;
  long num_connects = 0;  ///< connections this transfer opened (0: it reused one)
  long local_port = 0;
  long primary_port = 0;
  std::string primary_ip;
};

/// One GET of a byte range. The submitter owns it and keeps it alive until on_done has run.
struct Transfer {
  // ---- set by the submitter ----
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value", the Range header included
  const SourceOptions* options = nullptr;
  /// Two or more object ranges: a multi-range request ("Range: bytes=a-b,c-d"), whose 206
  /// answer must be multipart/byteranges; `buffer` holds the parts back to back, in this
  /// order, and want_offset/want_length are unused. Empty or one range: a single range.
  std::vector<ByteRange> parts;
  uint64_t want_offset = 0;  ///< object offset of the bytes wanted
  uint64_t want_length = 0;  ///< bytes wanted (> 0); `buffer` holds this many
  uint8_t* buffer = nullptr;
  /// For a 200 answer (Range ignored): the transfer may stop once the wanted bytes are in, if
  /// the object size is known (from an earlier answer or Content-Length). Else it reads to the end.
  bool size_known = false;
  /// Runs on the client thread when the transfer ends for any reason; must be quick.
  std::function<void(Transfer&)> on_done;
  /// Optional: runs on the client thread after body bytes of a 206 answer were placed into
  /// `buffer` (`written` counts them); must be quick. Bytes below `written` are final.
  std::function<void(Transfer&)> on_body;
  /// Fill `times` (costs a clock read and a few curl_easy_getinfo per transfer).
  bool timing = false;

  // ---- filled by the client ----
  uint64_t id = 0;
  long status = 0;  ///< HTTP status of the last response (0: none)
  int curl_code = 0;
  std::string curl_error;
  std::string content_range, etag, last_modified, retry_after, content_encoding, content_type;
  std::string bucket_region;  ///< S3's x-amz-bucket-region (sent with region redirects)
  std::optional<uint64_t> content_length;
  uint64_t body_bytes = 0;     ///< body bytes received, all of them
  uint64_t written = 0;        ///< wanted bytes placed into `buffer`
  bool overflow = false;       ///< a 206 body longer than the range asked for
  bool stopped_early = false;  ///< 200 body cut once the wanted bytes were in (not an error)
  bool over_cap = false;       ///< 200 body past options->max_ignored_range_bytes
  bool cancelled = false;
  bool too_many_redirects = false;  ///< curl stopped after options->max_redirects redirects
  long redirects = 0;               ///< redirects followed
  std::string error_body;           ///< start of a non-2xx body (for messages)
  // Multi-range answers (parts.size() >= 2).
  bool multipart_refused = false;  ///< answered 200 or a single range: aborted at the first byte
  std::string multipart_error;     ///< a malformed multipart body (the transfer was aborted)
  std::vector<uint64_t> part_received;      ///< bytes of each part in, from its start
  std::optional<uint64_t> multipart_total;  ///< object size the parts' Content-Range gave
  int mp_state = 0;
  size_t mp_part = 0;
  uint64_t mp_remaining = 0;
  std::string mp_boundary, mp_line, mp_part_range;
  TransferTimes times;  ///< only when `timing`

  // ---- private to the client ----
  CURL* easy = nullptr;
  curl_slist* slist = nullptr;
  char errbuf[256] = {};
};

/// The process's client. Thread-safe.
class HttpClient {
 public:
  static HttpClient& Global();

  /// Queues `t` (its fields reset) and returns its id. on_done will run exactly once.
  uint64_t Submit(Transfer* t);
  /// Stops transfer `id` if it is still running: on_done runs with cancelled = true.
  /// Unknown or finished ids are ignored.
  void Cancel(uint64_t id);

  /// Runs `fn` once on the client thread at `when` (or just after): retry pauses and
  /// deadlines wait here, not on a sleeping thread. Returns an id for CancelTimer. `fn` must
  /// be quick.
  uint64_t AddTimer(std::chrono::steady_clock::time_point when, std::function<void()> fn);
  /// Drops timer `id` unless it has run or is running. Unknown ids are ignored.
  void CancelTimer(uint64_t id);

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

 private:
  HttpClient();
  struct Impl;
  Impl* impl_;  // never destroyed: the loop thread runs until the process exits
};

}  // namespace cogr::io::internal

#endif  // COGR_HAVE_CURL
