// Checking one HTTP answer against what was asked and what the open saw (status, Content-Range,
// validators, body length), the retry bookkeeping of one request, and the request headers.
// Shared by the range executor (http_exec.*) and the source (http_source.cpp).
#pragma once

#ifdef COGR_HAVE_CURL

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cogr/io.hpp"
#include "io/http_client.hpp"

namespace cogr::io::internal {

using Clock = std::chrono::steady_clock;

/// "bytes [a, b)".
std::string RangeText(ByteRange r);

/// "bytes a-b/total" or "bytes */total"; total may be "*".
struct ContentRange {
  bool unsatisfied = false;  ///< "*/total"
  uint64_t first = 0, last = 0;
  std::optional<uint64_t> total;
};
std::optional<ContentRange> ParseContentRange(std::string_view s);

/// What a source knows about its object; every answer is checked against it.
struct ObjectInfo {
  uint64_t size = 0;
  std::string etag;
  std::string last_modified;
};

/// How one finished transfer turned out.
struct Outcome {
  Status status;
  bool retry = false;
  std::optional<uint64_t> retry_after_ms;
  /// Probe only: what the answer told about the object, and how many prefix bytes are valid.
  ObjectInfo info;
  uint64_t prefix_bytes = 0;
};

/// "HTTP 503 (service unavailable)".
std::string StatusText(long status);

/// kIoError "<url> changed on the server since it was opened (<what>); open it again".
Status Changed(const std::string& url, const std::string& what);
/// True for the statuses Changed makes.
bool IsChanged(const Status& st);

/// Compares an answer's validators with what the open saw. ETag first (strong or weak, as
/// sent), Last-Modified only when neither side has an ETag.
Status CheckValidators(const std::string& url, const ObjectInfo& known, const Transfer& t);

/// Judges a finished transfer for `want` (bytes of the object). `known` is null for the probe
/// (size still unknown).
Outcome Judge(const std::string& url, const ObjectInfo* known, const Transfer& t, ByteRange want);

/// Judges a finished multi-range transfer (t.parts): a multipart/byteranges 206 with every
/// part complete, or the error of any other answer (as Judge gives it). A refused multi-range
/// request (t.multipart_refused) is the caller's to handle before this.
Outcome JudgeMultipart(const std::string& url, const ObjectInfo& known, const Transfer& t);

/// True when the headers of a 206 answer in progress (status, Content-Range, validators,
/// Content-Encoding) are those of `want` of the known object, so the body bytes already
/// written may be used before the transfer ends. False says nothing: Judge decides at the end.
bool HeadersAccepted(const ObjectInfo& known, const Transfer& t, ByteRange want);

/// What a transfer stopped by the caller's deadline or cancellation had got by then, for the
/// message: "waiting for bytes [0, 32768): HTTP 206, 31 body bytes received".
std::string Unfinished(const Transfer& t, ByteRange want);

/// Retry bookkeeping of one logical request.
struct Attempts {
  uint32_t retries = 0;
  Clock::time_point first_start;

  /// nullopt: give up (`give_up` says why). A wait is never started that would end past the
  /// retry time budget or the caller's deadline (`context`): the server's Retry-After is
  /// honoured only within them, and one above max_retry_after_ms gives up at once.
  std::optional<uint64_t> NextDelayMs(const RetryOptions& o, const Outcome& out, Status* give_up,
                                      const IoContext* context);
};

/// Applies the signing hook and fills url/headers of a transfer for one attempt at `r`.
Status PrepareTransfer(const std::string& url, const SourceOptions& o, ByteRange r, Transfer& t);
/// The same for a multi-range request ("Range: bytes=a-b,c-d,..."; one range: as above).
Status PrepareTransfer(const std::string& url, const SourceOptions& o,
                       const std::vector<ByteRange>& parts, Transfer& t);

}  // namespace cogr::io::internal

#endif  // COGR_HAVE_CURL
