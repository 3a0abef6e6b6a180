#ifdef COGR_HAVE_CURL

#include "io/http_response.hpp"

#include <algorithm>

#include "io/read_context.hpp"
#include "io/retry.hpp"

namespace cogr::io::internal {

std::string RangeText(ByteRange r) {
  return "bytes [" + std::to_string(r.offset) + ", " + std::to_string(r.end()) + ")";
}

namespace {

std::optional<uint64_t> ParseU64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

std::optional<ContentRange> ParseContentRange(std::string_view s) {
  if (s.size() < 6 || s.substr(0, 6) != "bytes ") return std::nullopt;
  s.remove_prefix(6);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  ContentRange cr;
  const std::string_view span = s.substr(0, slash), total = s.substr(slash + 1);
  if (total != "*") {
    cr.total = ParseU64(total);
    if (!cr.total) return std::nullopt;
  }
  if (span == "*") {
    cr.unsatisfied = true;
    return cr;
  }
  const size_t dash = span.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto first = ParseU64(span.substr(0, dash)), last = ParseU64(span.substr(dash + 1));
  if (!first || !last || *last < *first) return std::nullopt;
  cr.first = *first;
  cr.last = *last;
  return cr;
}

namespace {

// S3 names the bucket's region on wrong-region answers: worth saying in the error.
std::string RegionDetail(const Transfer& t) {
  return t.bucket_region.empty() ? std::string()
                                 : " (the bucket is in region " + t.bucket_region + ")";
}

std::string HttpReason(long status) {
  switch (status) {
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not found";
    case 410: return "gone";
    case 416: return "range not satisfiable";
    case 429: return "too many requests";
    case 500: return "internal server error";
    case 502: return "bad gateway";
    case 503: return "service unavailable";
    case 504: return "gateway timeout";
    default: return "";
  }
}

}  // namespace

std::string StatusText(long status) {
  std::string r = HttpReason(status);
  return "HTTP " + std::to_string(status) + (r.empty() ? "" : " (" + r + ")");
}

Status Changed(const std::string& url, const std::string& what) {
  return Status::IoError(url + " changed on the server since it was opened (" + what +
                         "); open it again");
}

bool IsChanged(const Status& st) {
  return st.code() == Code::kIoError &&
         st.message().find(" changed on the server since it was opened") != std::string::npos;
}

// Compares an answer's validators with what the open saw. ETag first (strong or weak, as
// sent), Last-Modified only when neither side has an ETag.
Status CheckValidators(const std::string& url, const ObjectInfo& known, const Transfer& t) {
  if (!known.etag.empty() && !t.etag.empty() && known.etag != t.etag) {
    return Changed(url, "ETag " + known.etag + " at open, now " + t.etag);
  }
  if (known.etag.empty() && t.etag.empty() && !known.last_modified.empty() &&
      !t.last_modified.empty() && known.last_modified != t.last_modified) {
    return Changed(url,
                   "Last-Modified " + known.last_modified + " at open, now " + t.last_modified);
  }
  return Status::OK();
}

namespace {

// "<Code>X</Code>" and the first line of "<Message>Y</Message>" of an S3, GCS or Azure XML
// error body, as " [X: Y]"; empty when the body has neither. Bounded: the body is at most
// kMaxErrorBody bytes and the message is cut at 200 characters.
std::string ErrorDetail(const std::string& body) {
  auto element = [&body](const std::string& name) -> std::string {
    const std::string open = "<" + name + ">", close = "</" + name + ">";
    const size_t a = body.find(open);
    if (a == std::string::npos) return {};
    const size_t b = body.find(close, a + open.size());
    if (b == std::string::npos) return {};
    std::string v = body.substr(a + open.size(), std::min<size_t>(b - a - open.size(), 200));
    if (const size_t nl = v.find_first_of("\r\n"); nl != std::string::npos) v.resize(nl);
    for (char& c : v) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    return v;
  };
  const std::string code = element("Code"), message = element("Message");
  if (code.empty() && message.empty()) return {};
  if (message.empty()) return " [" + code + "]";
  if (code.empty()) return " [" + message + "]";
  return " [" + code + ": " + message + "]";
}

}  // namespace

// Judges a finished transfer for `want` (bytes of the object). `known` is null for the probe
// (size still unknown).
Outcome Judge(const std::string& url, const ObjectInfo* known, const Transfer& t, ByteRange want) {
  Outcome out;
  const std::string where = url + ": " + RangeText(want) + ": ";
  if (t.cancelled) {
    out.status = Status::Cancelled(where + "cancelled after an earlier error");
    return out;
  }
  if (t.overflow) {
    out.status = Status::IoError(where + "the server sent more bytes than the range asked for");
    return out;
  }
  if (t.over_cap) {
    out.status = Status::IoError(
        where + "the server ignored the Range header (HTTP 200) and its body exceeds " +
        std::to_string(t.options->max_ignored_range_bytes) +
        " bytes (SourceOptions::max_ignored_range_bytes)");
    return out;
  }
  if (t.too_many_redirects) {
    // The last answer was a redirect too: say so rather than "unexpected HTTP 302".
    out.status = Status::IoError(where + "too many redirects (" + std::to_string(t.redirects) +
                                 "; SourceOptions::max_redirects is " +
                                 std::to_string(t.options->max_redirects) + ")");
    return out;
  }
  if (t.curl_code != 0 && !t.stopped_early) {
    const bool got_response = t.status != 0 && t.status != 200 && t.status != 206;
    if (!got_response) {
      out.status = Status::Unavailable(where + t.curl_error);
      out.retry = IsTransientCurlCode(t.curl_code);
      if (!out.retry) out.status = Status::IoError(where + t.curl_error);
      return out;
    }
    // An error page cut short (we stop reading long ones): judge by its status below.
  }
  if (known) {
    out.status = CheckValidators(url, *known, t);
    if (!out.status.ok()) return out;
  }
  const long st = t.status;
  if (st == 206 || st == 200) {
    if (!t.content_encoding.empty() && t.content_encoding != "identity") {
      out.status =
          Status::IoError(where + "the server applied Content-Encoding '" + t.content_encoding +
                          "', so byte ranges do not match the object");
      return out;
    }
  }
  if (st == 206) {
    auto cr = ParseContentRange(t.content_range);
    if (!cr || cr->unsatisfied) {
      out.status = Status::IoError(where + "HTTP 206 with an invalid Content-Range '" +
                                   t.content_range + "'");
      return out;
    }
    if (known) {
      if (cr->total && *cr->total != known->size) {
        out.status = Changed(url, "size " + std::to_string(known->size) + " at open, now " +
                                      std::to_string(*cr->total));
        return out;
      }
      if (cr->first != want.offset || cr->last != want.end() - 1) {
        out.status = Status::IoError(where + "the server answered with Content-Range '" +
                                     t.content_range + "'");
        return out;
      }
    } else {
      if (!cr->total) {
        out.status =
            Status::IoError(where + "the server did not give the object size (Content-Range '" +
                            t.content_range + "')");
        return out;
      }
      const uint64_t expect_last = std::min(want.end(), *cr->total) - 1;
      if (*cr->total == 0 || cr->first != 0 || cr->last != expect_last) {
        out.status = Status::IoError(where + "the server answered with Content-Range '" +
                                     t.content_range + "'");
        return out;
      }
      out.info.size = *cr->total;
      out.prefix_bytes = expect_last + 1;
    }
    const uint64_t expect = cr->last - cr->first + 1;
    if (t.written != expect || t.body_bytes != expect) {
      out.status = Status::IoError(where + "short body: got " + std::to_string(t.body_bytes) +
                                   " of " + std::to_string(expect) + " bytes");
      return out;
    }
  } else if (st == 200) {
    // Range ignored: the body is the whole object.
    uint64_t total;
    if (t.content_length) {
      total = *t.content_length;
    } else if (!t.stopped_early) {
      total = t.body_bytes;
    } else {
      total = known ? known->size : 0;
    }
    if (known && total != known->size) {
      out.status = Changed(
          url, "size " + std::to_string(known->size) + " at open, now " + std::to_string(total));
      return out;
    }
    const uint64_t expect = std::min(want.end(), total) - std::min(want.offset, total);
    if (t.written != expect || (!t.stopped_early && t.body_bytes != total) ||
        (known && expect != want.length)) {
      out.status =
          Status::IoError(where + "short body: the server ignored Range (HTTP 200) and sent " +
                          std::to_string(t.body_bytes) + " bytes of " + std::to_string(total));
      return out;
    }
    if (!known) {
      out.info.size = total;
      out.prefix_bytes = expect;
    }
  } else if (st == 416 && !known) {
    // Probe of an empty object: "bytes */0".
    auto cr = ParseContentRange(t.content_range);
    if (cr && cr->unsatisfied && cr->total == uint64_t{0}) {
      out.info.size = 0;
      out.prefix_bytes = 0;
    } else {
      out.status =
          Status::IoError(where + StatusText(st) + " with Content-Range '" + t.content_range + "'");
      return out;
    }
  } else if (st == 404 || st == 410) {
    out.status = Status::NotFound(url + ": " + StatusText(st) + ErrorDetail(t.error_body));
    return out;
  } else if (st == 401 || st == 403) {
    out.status = Status::IoError(url + ": access denied (" + StatusText(st) + ")" +
                                 ErrorDetail(t.error_body) + RegionDetail(t));
    return out;
  } else if (IsTransientHttpStatus(st)) {
    out.status = Status::Unavailable(where + StatusText(st));
    out.retry = true;
    if (!t.retry_after.empty()) out.retry_after_ms = ParseRetryAfterMs(t.retry_after);
    return out;
  } else if (st == 416) {
    out.status = Status::IoError(where + StatusText(st) +
                                 "; the object may have changed on the server (it had " +
                                 std::to_string(known->size) + " bytes at open)");
    return out;
  } else {
    out.status = Status::IoError(where + "unexpected " + StatusText(st) +
                                 ErrorDetail(t.error_body) + RegionDetail(t));
    return out;
  }
  if (!known) {
    out.info.etag = t.etag;
    out.info.last_modified = t.last_modified;
  }
  return out;
}

// What a transfer stopped by the caller's deadline or cancellation had got by then, for the
// message: "waiting for bytes [0, 32768): HTTP 206, 31 body bytes received".
Outcome JudgeMultipart(const std::string& url, const ObjectInfo& known, const Transfer& t) {
  const ByteRange span{t.parts.front().offset, t.parts.back().end() - t.parts.front().offset};
  if (t.multipart_error.empty() &&
      (t.status != 206 || t.cancelled || t.overflow || t.curl_code != 0)) {
    return Judge(url, &known, t, span);  // errors of any answer, as for a single range
  }
  Outcome out;
  const std::string where = url + ": " + RangeText(t.parts.front()) + " and " +
                            std::to_string(t.parts.size() - 1) + " more ranges: ";
  if (!t.multipart_error.empty()) {
    out.status = Status::IoError(where + "the server sent " + t.multipart_error);
    return out;
  }
  out.status = CheckValidators(url, known, t);
  if (!out.status.ok()) return out;
  if (!t.content_encoding.empty() && t.content_encoding != "identity") {
    out.status = Status::IoError(where + "the server applied Content-Encoding '" +
                                 t.content_encoding + "', so byte ranges do not match the object");
    return out;
  }
  if (t.multipart_total && *t.multipart_total != known.size) {
    out.status = Changed(url, "size " + std::to_string(known.size) + " at open, now " +
                                  std::to_string(*t.multipart_total));
    return out;
  }
  uint64_t got = 0, want = 0;
  for (size_t i = 0; i < t.parts.size(); ++i) {
    got += i < t.part_received.size() ? t.part_received[i] : 0;
    want += t.parts[i].length;
  }
  if (got != want) {
    out.status = Status::IoError(where + "short multipart body: got " + std::to_string(got) +
                                 " of " + std::to_string(want) + " bytes of its parts");
  }
  return out;
}

bool HeadersAccepted(const ObjectInfo& known, const Transfer& t, ByteRange want) {
  if (t.status != 206 || t.cancelled || t.overflow) return false;
  if (!t.content_encoding.empty() && t.content_encoding != "identity") return false;
  if (!CheckValidators(std::string(), known, t).ok()) return false;
  if (t.parts.size() >= 2) {
    // Each part's Content-Range was matched to a part asked for as it came in.
    return !t.mp_boundary.empty() && !t.multipart_refused && t.multipart_error.empty() &&
           (!t.multipart_total || *t.multipart_total == known.size);
  }
  auto cr = ParseContentRange(t.content_range);
  if (!cr || cr->unsatisfied || (cr->total && *cr->total != known.size)) return false;
  return cr->first == want.offset && cr->last == want.end() - 1;
}

std::string Unfinished(const Transfer& t, ByteRange want) {
  std::string s = "waiting for " + RangeText(want) + ": ";
  if (t.status == 0) return s + "no answer yet";
  return s + "HTTP " + std::to_string(t.status) + ", " + std::to_string(t.body_bytes) +
         " body bytes received";
}

std::optional<uint64_t> Attempts::NextDelayMs(const RetryOptions& o, const Outcome& out,
                                              Status* give_up, const IoContext* context) {
  const auto now = Clock::now();
  const auto elapsed_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now - first_start).count());
  const std::string after =
      " (gave up after " + std::to_string(retries) + (retries == 1 ? " retry" : " retries");
  if (retries >= o.max_retries) {
    *give_up = Status::Unavailable(out.status.message() + after + ")");
    return std::nullopt;
  }
  if (out.retry_after_ms && *out.retry_after_ms > o.max_retry_after_ms) {
    *give_up = Status::Unavailable(
        out.status.message() + after + ": the server asks to wait " +
        std::to_string(*out.retry_after_ms / 1000) + " s (Retry-After), more than " +
        std::to_string(o.max_retry_after_ms) + " ms, RetryOptions::max_retry_after_ms)");
    return std::nullopt;
  }
  const uint64_t delay = BackoffMs(o, retries + 1, out.retry_after_ms);
  if (elapsed_ms + delay > o.max_total_ms) {
    *give_up = Status::Unavailable(
        out.status.message() + after + ": a wait of " + std::to_string(delay) +
        " ms would pass the retry time limit of " + std::to_string(o.max_total_ms) + " ms)");
    return std::nullopt;
  }
  if (context != nullptr && context->deadline &&
      now + std::chrono::milliseconds(delay) >= *context->deadline) {
    // The deadline would end the wait: fail now, as the deadline would, and say why.
    const std::string retry_after =
        out.retry_after_ms ? ", Retry-After " + std::to_string(*out.retry_after_ms / 1000) + " s"
                           : "";
    *give_up = Status::Cancelled(out.status.message() + ": " +
                                 cogr::internal::DeadlineExceeded(context).message() +
                                 " before retry " + std::to_string(retries + 1) + " (a wait of " +
                                 std::to_string(delay) + " ms" + retry_after + ")");
    return std::nullopt;
  }
  return delay;
}

namespace {

std::vector<std::string> RequestHeaders(const SourceOptions& o,
                                        const std::vector<ByteRange>& parts) {
  std::vector<std::string> h = o.headers;
  std::string range = "Range: bytes=";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) range += ",";
    range += std::to_string(parts[i].offset) + "-" + std::to_string(parts[i].end() - 1);
  }
  h.push_back(std::move(range));
  return h;
}

}  // namespace

Status PrepareTransfer(const std::string& url, const SourceOptions& o, ByteRange r, Transfer& t) {
  return PrepareTransfer(url, o, std::vector<ByteRange>{r}, t);
}

Status PrepareTransfer(const std::string& url, const SourceOptions& o,
                       const std::vector<ByteRange>& parts, Transfer& t) {
  HttpRequest req;
  req.url = url;
  req.headers = RequestHeaders(o, parts);
  if (o.sign) COGR_RETURN_IF_ERROR(o.sign(req));
  t.url = std::move(req.url);
  t.headers = std::move(req.headers);
  return Status::OK();
}

}  // namespace cogr::io::internal

#endif  // COGR_HAVE_CURL
