#include "io/http_source.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "io/coalesce.hpp"
#include "io/header_cache.hpp"
#include "io/http_client.hpp"
#include "io/read_context.hpp"
#include "io/retry.hpp"
#include "io/stats.hpp"
#include "util/checked.hpp"
#include "util/thread_pool.hpp"

namespace cogr::io::internal {

uint64_t DefaultPrefixBytes() {
  if (const char* v = std::getenv("COGR_HEADER_PREFIX_BYTES"); v && *v) {
    char* end = nullptr;
    unsigned long long n = std::strtoull(v, &end, 10);
    if (end && *end == '\0') return std::clamp<uint64_t>(n, 1024, 64ull << 20);
  }
  return 32 * 1024;
}

std::string HeaderCacheDir(const SourceOptions& options) {
  if (!options.persisted_header_cache) return {};
  if (!options.header_cache_dir.empty()) return options.header_cache_dir;
  if (const char* v = std::getenv("COGR_HEADER_CACHE_DIR"); v && *v) return v;
  return {};
}

#ifndef COGR_HAVE_CURL

Result<std::shared_ptr<Source>> OpenHttp(const std::string& url, const SourceOptions&, const std::string& name) {
  return Status::Unsupported((name.empty() ? url : name) + ": remote reads need libcurl, and cogr was built without it");
}

Result<std::shared_ptr<Source>> OpenHttp(const std::string& url, const SourceOptions& options, const std::string& name,
                                         std::string*, StatsCounters*) {
  return OpenHttp(url, options, name);
}

#else

namespace {

using Clock = std::chrono::steady_clock;

std::string RangeText(ByteRange r) {
  return "bytes [" + std::to_string(r.offset) + ", " + std::to_string(r.end()) + ")";
}

// "bytes a-b/total" or "bytes */total"; total may be "*".
struct ContentRange {
  bool unsatisfied = false;  // "*/total"
  uint64_t first = 0, last = 0;
  std::optional<uint64_t> total;
};

std::optional<uint64_t> ParseU64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

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

// What a source knows about its object; every answer is checked against it.
struct ObjectInfo {
  uint64_t size = 0;
  std::string etag;
  std::string last_modified;
};

// How one finished transfer turned out.
struct Outcome {
  Status status;
  bool retry = false;
  std::optional<uint64_t> retry_after_ms;
  // Probe only: what the answer told about the object, and how many prefix bytes are valid.
  ObjectInfo info;
  uint64_t prefix_bytes = 0;
};

// S3 names the bucket's region on wrong-region answers: worth saying in the error.
std::string RegionDetail(const Transfer& t) {
  return t.bucket_region.empty() ? std::string() : " (the bucket is in region " + t.bucket_region + ")";
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

std::string StatusText(long status) {
  std::string r = HttpReason(status);
  return "HTTP " + std::to_string(status) + (r.empty() ? "" : " (" + r + ")");
}

Status Changed(const std::string& url, const std::string& what) {
  return Status::IoError(url + " changed on the server since it was opened (" + what + "); open it again");
}

bool IsChanged(const Status& st) {
  return st.code() == Code::kIoError && st.message().find(" changed on the server since it was opened") != std::string::npos;
}

// Compares an answer's validators with what the open saw. ETag first (strong or weak, as
// sent), Last-Modified only when neither side has an ETag.
Status CheckValidators(const std::string& url, const ObjectInfo& known, const Transfer& t) {
  if (!known.etag.empty() && !t.etag.empty() && known.etag != t.etag) {
    return Changed(url, "ETag " + known.etag + " at open, now " + t.etag);
  }
  if (known.etag.empty() && t.etag.empty() && !known.last_modified.empty() && !t.last_modified.empty() &&
      known.last_modified != t.last_modified) {
    return Changed(url, "Last-Modified " + known.last_modified + " at open, now " + t.last_modified);
  }
  return Status::OK();
}

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
    out.status = Status::IoError(where + "the server ignored the Range header (HTTP 200) and its body exceeds " +
                                 std::to_string(t.options->max_ignored_range_bytes) +
                                 " bytes (SourceOptions::max_ignored_range_bytes)");
    return out;
  }
  if (t.too_many_redirects) {
    // The last answer was a redirect too: say so rather than "unexpected HTTP 302".
    out.status = Status::IoError(where + "too many redirects (" + std::to_string(t.redirects) +
                                 "; SourceOptions::max_redirects is " + std::to_string(t.options->max_redirects) + ")");
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
      out.status = Status::IoError(where + "the server applied Content-Encoding '" + t.content_encoding +
                                   "', so byte ranges do not match the object");
      return out;
    }
  }
  if (st == 206) {
    auto cr = ParseContentRange(t.content_range);
    if (!cr || cr->unsatisfied) {
      out.status = Status::IoError(where + "HTTP 206 with an invalid Content-Range '" + t.content_range + "'");
      return out;
    }
    if (known) {
      if (cr->total && *cr->total != known->size) {
        out.status = Changed(url,
                             "size " + std::to_string(known->size) + " at open, now " + std::to_string(*cr->total));
        return out;
      }
      if (cr->first != want.offset || cr->last != want.end() - 1) {
        out.status = Status::IoError(where + "the server answered with Content-Range '" + t.content_range + "'");
        return out;
      }
    } else {
      if (!cr->total) {
        out.status = Status::IoError(where + "the server did not give the object size (Content-Range '" +
                                     t.content_range + "')");
        return out;
      }
      const uint64_t expect_last = std::min(want.end(), *cr->total) - 1;
      if (*cr->total == 0 || cr->first != 0 || cr->last != expect_last) {
        out.status = Status::IoError(where + "the server answered with Content-Range '" + t.content_range + "'");
        return out;
      }
      out.info.size = *cr->total;
      out.prefix_bytes = expect_last + 1;
    }
    const uint64_t expect = cr->last - cr->first + 1;
    if (t.written != expect || t.body_bytes != expect) {
      out.status = Status::IoError(where + "short body: got " + std::to_string(t.body_bytes) + " of " +
                                   std::to_string(expect) + " bytes");
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
      out.status = Changed(url, "size " + std::to_string(known->size) + " at open, now " + std::to_string(total));
      return out;
    }
    const uint64_t expect = std::min(want.end(), total) - std::min(want.offset, total);
    if (t.written != expect || (!t.stopped_early && t.body_bytes != total) || (known && expect != want.length)) {
      out.status = Status::IoError(where + "short body: the server ignored Range (HTTP 200) and sent " +
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
      out.status = Status::IoError(where + StatusText(st) + " with Content-Range '" + t.content_range + "'");
      return out;
    }
  } else if (st == 404 || st == 410) {
    out.status = Status::NotFound(url + ": " + StatusText(st) + ErrorDetail(t.error_body));
    return out;
  } else if (st == 401 || st == 403) {
    out.status = Status::IoError(url + ": access denied (" + StatusText(st) + ")" + ErrorDetail(t.error_body) +
                                 RegionDetail(t));
    return out;
  } else if (IsTransientHttpStatus(st)) {
    out.status = Status::Unavailable(where + StatusText(st));
    out.retry = true;
    if (!t.retry_after.empty()) out.retry_after_ms = ParseRetryAfterMs(t.retry_after);
    return out;
  } else if (st == 416) {
    out.status = Status::IoError(where + StatusText(st) + "; the object may have changed on the server (it had " +
                                 std::to_string(known->size) + " bytes at open)");
    return out;
  } else {
    out.status = Status::IoError(where + "unexpected " + StatusText(st) + ErrorDetail(t.error_body) + RegionDetail(t));
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
std::string Unfinished(const Transfer& t, ByteRange want) {
  std::string s = "waiting for " + RangeText(want) + ": ";
  if (t.status == 0) return s + "no answer yet";
  return s + "HTTP " + std::to_string(t.status) + ", " + std::to_string(t.body_bytes) + " body bytes received";
}

// Retry bookkeeping of one logical request.
struct Attempts {
  uint32_t retries = 0;
  Clock::time_point first_start;

  // nullopt: give up (the returned status says why). A wait is never started that would end
  // past the retry time budget or the caller's deadline (`context`): the server's Retry-After
  // is honoured only within them, and one above max_retry_after_ms gives up at once.
  std::optional<uint64_t> NextDelayMs(const RetryOptions& o, const Outcome& out, Status* give_up,
                                      const cogr::internal::ReadContext* context) {
    const auto now = Clock::now();
    const auto elapsed_ms =
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now - first_start).count());
    const std::string after = " (gave up after " + std::to_string(retries) + (retries == 1 ? " retry" : " retries");
    if (retries >= o.max_retries) {
      *give_up = Status::Unavailable(out.status.message() + after + ")");
      return std::nullopt;
    }
    if (out.retry_after_ms && *out.retry_after_ms > o.max_retry_after_ms) {
      *give_up = Status::Unavailable(out.status.message() + after + ": the server asks to wait " +
                                     std::to_string(*out.retry_after_ms / 1000) + " s (Retry-After), more than " +
                                     std::to_string(o.max_retry_after_ms) + " ms, RetryOptions::max_retry_after_ms)");
      return std::nullopt;
    }
    const uint64_t delay = BackoffMs(o, retries + 1, out.retry_after_ms);
    if (elapsed_ms + delay > o.max_total_ms) {
      *give_up = Status::Unavailable(out.status.message() + after + ": a wait of " + std::to_string(delay) +
                                     " ms would pass the retry time limit of " + std::to_string(o.max_total_ms) +
                                     " ms)");
      return std::nullopt;
    }
    if (context != nullptr && context->deadline && now + std::chrono::milliseconds(delay) >= *context->deadline) {
      // The deadline would end the wait: fail now, as the deadline would, and say why.
      const std::string retry_after =
          out.retry_after_ms ? ", Retry-After " + std::to_string(*out.retry_after_ms / 1000) + " s" : "";
      *give_up = Status::Cancelled(out.status.message() + ": " + cogr::internal::DeadlineExceeded(context).message() +
                                   " before retry " + std::to_string(retries + 1) + " (a wait of " +
                                   std::to_string(delay) + " ms" + retry_after + ")");
      return std::nullopt;
    }
    return delay;
  }
};

std::vector<std::string> RequestHeaders(const SourceOptions& o, ByteRange r) {
  std::vector<std::string> h = o.headers;
  h.push_back("Range: bytes=" + std::to_string(r.offset) + "-" + std::to_string(r.end() - 1));
  return h;
}

// Applies the signing hook and fills url/headers of a transfer for one attempt.
Status PrepareTransfer(const std::string& url, const SourceOptions& o, ByteRange r, Transfer& t) {
  HttpRequest req;
  req.url = url;
  req.headers = RequestHeaders(o, r);
  if (o.sign) COGR_RETURN_IF_ERROR(o.sign(req));
  t.url = std::move(req.url);
  t.headers = std::move(req.headers);
  return Status::OK();
}

// ---- one ReadRanges call: requests in flight, retries, callbacks on the pool ----

struct Exec {
  struct Item {
    std::shared_ptr<const void> keep;  // owner of the bytes
    const uint8_t* data = nullptr;
    uint64_t length = 0;
    size_t index = 0;
    size_t request = SIZE_MAX;  // the request whose buffer holds the bytes, SIZE_MAX: none
  };
  struct Request {
    PlannedRequest plan;
    Transfer transfer;
    std::shared_ptr<std::vector<uint8_t>> buffer;
    Attempts attempts;
    Clock::time_point retry_at;
    size_t pending_items = 0;
    bool in_flight = false;
    bool retry_pending = false;
  };

  std::mutex mu;
  std::condition_variable cv;
  std::deque<Item> work;
  std::deque<size_t> completed;  // requests whose transfer ended
  std::vector<Request> requests;
  size_t live = 0;          // requests submitted whose bytes are not all handed over yet
  size_t in_flight = 0;     // transfers running
  size_t items_running = 0;
  size_t helpers_alive = 0;
  bool done = false;        // the call returned: helpers must not start items
  bool failed = false;
  Status error;
  const Source::RangeCallback* on_range = nullptr;
  StatsCounters* counters = nullptr;

  void Fail(const Status& st) {  // mu held
    if (!failed) {
      failed = true;
      error = st;
    }
  }

  // Runs one popped item (mu not held) and accounts for it (takes mu).
  void RunItem(Item& item, std::unique_lock<std::mutex>& lock) {
    const bool skip = failed;
    lock.unlock();
    Status st = skip ? Status::OK() : (*on_range)(item.index, ByteSpan(item.data, static_cast<size_t>(item.length)));
    item.keep.reset();
    lock.lock();
    --items_running;
    if (!st.ok()) Fail(st);
    if (item.request != SIZE_MAX) {
      Request& r = requests[item.request];
      if (--r.pending_items == 0) {
        r.buffer.reset();
        --live;
      }
    }
    cv.notify_all();
  }

  static void Helper(const std::shared_ptr<Exec>& self) {
    std::unique_lock<std::mutex> lock(self->mu);
    while (!self->done && !self->work.empty()) {
      Item item = std::move(self->work.front());
      self->work.pop_front();
      ++self->items_running;
      self->RunItem(item, lock);
    }
    --self->helpers_alive;
    self->cv.notify_all();
  }
};

class HttpSource final : public Source {
 public:
  HttpSource(std::string url, std::string name, SourceOptions options, std::shared_ptr<const HeaderEntry> entry,
             std::string cache_dir)
      : url_(std::move(url)),
        name_(std::move(name)),
        options_(std::move(options)),
        cache_dir_(std::move(cache_dir)),
        entry_(std::move(entry)) {
    info_.size = entry_->size;
    info_.etag = entry_->etag;
    info_.last_modified = entry_->last_modified;
  }

  uint64_t size() const override { return info_.size; }
  const std::string& uri() const override { return name_; }
  IoStats stats() const override { return counters_.Snapshot(); }
  StatsCounters& counters() const { return counters_; }

  Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const override {
    if (offset >= info_.size || out.empty()) return size_t{0};
    const uint64_t len = std::min<uint64_t>(out.size(), info_.size - offset);
    auto entry = Entry();
    if (const uint8_t* p = entry->Find(offset, len)) {
      std::memcpy(out.data(), p, static_cast<size_t>(len));
      counters_.AddCacheHit();
      counters_.AddUsed(len);
      return static_cast<size_t>(len);
    }
    // Serve the head from a cached chunk if the read starts inside one; fetch the rest.
    uint64_t have = 0;
    if (const HeaderEntry::Chunk* c = entry->ChunkAt(offset)) {
      have = c->offset + c->bytes.size() - offset;
      std::memcpy(out.data(), c->bytes.data() + (offset - c->offset), static_cast<size_t>(have));
      counters_.AddUsed(have);
    }
    const ByteRange rest{offset + have, len - have};
    uint8_t* dst = out.data() + have;
    Status st = Fetch(std::span<const ByteRange>(&rest, 1),
                      [dst](size_t, ByteSpan bytes) {
                        std::memcpy(dst, bytes.data(), bytes.size());
                        return Status::OK();
                      },
                      1);
    COGR_RETURN_IF_ERROR(st);
    // Reads outside ReadRanges are header reads (tiff::Open): remember them so that the next
    // open of this URI needs no request either.
    Remember(rest.offset, ByteSpan(dst, static_cast<size_t>(rest.length)));
    return static_cast<size_t>(len);
  }

  Status ReadRanges(std::span<const ByteRange> ranges, const RangeCallback& on_range,
                    size_t max_threads) const override {
    for (const ByteRange& r : ranges) {
      if (!cogr::internal::RangeInside(r.offset, r.length, info_.size)) {
        return Status::InvalidFile("needs bytes [" + std::to_string(r.offset) + ", " + std::to_string(r.offset + r.length) +
                                   ") but the file has " + std::to_string(info_.size) + " bytes");
      }
    }
    return Fetch(ranges, on_range, max_threads);
  }

 private:
  std::shared_ptr<const HeaderEntry> Entry() const {
    std::lock_guard<std::mutex> lock(entry_mu_);
    return entry_;
  }

  void Remember(uint64_t offset, ByteSpan bytes) const {
    std::shared_ptr<const HeaderEntry> updated;
    {
      std::lock_guard<std::mutex> lock(entry_mu_);
      if (entry_->cached_bytes() + bytes.size() > kMaxHeaderEntryBytes) return;
      updated = std::make_shared<const HeaderEntry>(entry_->With(offset, bytes));
      entry_ = updated;
    }
    if (options_.memory_header_cache) HeaderCache::Global().Put(updated);
    if (!cache_dir_.empty() && (!updated->etag.empty() || !updated->last_modified.empty())) {
      (void)StorePersisted(cache_dir_, *updated);  // a cache that cannot be written is no error
    }
  }

  void Forget() const {
    HeaderCache::Global().Erase(url_);
    if (!cache_dir_.empty()) ErasePersisted(cache_dir_, url_);
  }

  // Reads `ranges` (inside the object): cached bytes from memory, the rest coalesced into
  // requests, at most max_concurrent_requests in flight, callbacks on up to max_threads threads.
  Status Fetch(std::span<const ByteRange> ranges, const RangeCallback& on_range, size_t max_threads) const {
    WaitTimer timer(counters_);
    auto exec = std::make_shared<Exec>();
    exec->on_range = &on_range;
    exec->counters = &counters_;

    // Ranges held by the cached header bytes, and empty ones, need no request.
    auto entry = Entry();
    std::vector<ByteRange> remote;
    std::vector<size_t> remote_index;
    for (size_t i = 0; i < ranges.size(); ++i) {
      const ByteRange r = ranges[i];
      const uint8_t* p = r.length == 0 ? nullptr : entry->Find(r.offset, r.length);
      if (r.length == 0 || p) {
        exec->work.push_back(Exec::Item{entry, p, r.length, i, SIZE_MAX});
        if (r.length) counters_.AddCacheHit();
        counters_.AddUsed(r.length);
      } else {
        remote.push_back(r);
        remote_index.push_back(i);
      }
    }
    for (PlannedRequest& p : CoalesceRanges(remote, options_.hole_size_limit, options_.range_size_limit)) {
      for (Piece& piece : p.pieces) piece.index = remote_index[piece.index];
      exec->requests.emplace_back();
      exec->requests.back().plan = std::move(p);
    }

    cogr::internal::ThreadPool& pool = cogr::internal::ThreadPool::Default();
    const size_t max_helpers = std::min(pool.size(), max_threads > 1 ? max_threads - 1 : size_t{0});
    const size_t cap = std::max<uint32_t>(1, options_.max_concurrent_requests);
    HttpClient& client = HttpClient::Global();
    size_t next = 0;
    size_t waiting_retry = 0;
    bool cancel_sent = false;

    auto spawn_helpers = [&](std::unique_lock<std::mutex>& lock) {
      size_t spawn = 0;
      while (exec->helpers_alive < max_helpers && exec->helpers_alive < exec->work.size()) {
        ++exec->helpers_alive;
        ++spawn;
      }
      if (spawn == 0) return;
      lock.unlock();
      for (size_t i = 0; i < spawn; ++i) pool.Submit([exec] { Exec::Helper(exec); });
      lock.lock();
    };

    auto submit = [&](size_t ri) {  // mu held
      Exec::Request& r = exec->requests[ri];
      Transfer& t = r.transfer;
      Status st = PrepareTransfer(url_, options_, r.plan.range, t);
      if (!st.ok()) {
        exec->Fail(st.WithContext(name_));
        return false;
      }
      t.options = &options_;
      t.want_offset = r.plan.range.offset;
      t.want_length = r.plan.range.length;
      t.buffer = r.buffer->data();
      t.size_known = true;
      t.on_done = [exec, ri](Transfer&) {
        std::lock_guard<std::mutex> lock(exec->mu);
        exec->completed.push_back(ri);
        exec->cv.notify_all();
      };
      r.in_flight = true;
      ++exec->in_flight;
      counters_.AddRequest();
      client.Submit(&t);
      return true;
    };

    // The caller's deadline and cancel token (io/read_context.hpp): Cancel() wakes this loop and
    // the deadline bounds its waits; either fails the call, which aborts the transfers in flight.
    const cogr::internal::ReadContext* context = cogr::internal::CurrentReadContext();
    const bool has_deadline = context != nullptr && context->deadline.has_value();
    uint64_t cancel_subscription = 0;
    if (context != nullptr && context->cancel) {
      cancel_subscription = context->cancel->Subscribe([exec] {
        { std::lock_guard<std::mutex> wake_lock(exec->mu); }
        exec->cv.notify_all();
      });
    }

    std::vector<size_t> stalled;  // requests in flight when the deadline or cancellation hit
    std::unique_lock<std::mutex> lock(exec->mu);
    spawn_helpers(lock);
    for (;;) {
      if (context != nullptr && !exec->failed) {
        if (Status st = cogr::internal::CheckReadContext(context); !st.ok()) {
          exec->Fail(st);
          for (size_t ri = 0; ri < next; ++ri) {
            if (exec->requests[ri].in_flight) stalled.push_back(ri);
          }
        }
      }
      // Start requests: retries that are due first, then new ones, up to the cap.
      if (!exec->failed) {
        const auto now = Clock::now();
        for (size_t ri = 0; ri < next && waiting_retry > 0; ++ri) {
          Exec::Request& r = exec->requests[ri];
          if (r.retry_pending && r.retry_at <= now) {
            r.retry_pending = false;
            --waiting_retry;
            ++r.attempts.retries;
            counters_.AddRetry();
            if (!submit(ri)) break;
          }
        }
        while (!exec->failed && next < exec->requests.size() && exec->live < cap) {
          Exec::Request& r = exec->requests[next];
          r.buffer = std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(r.plan.range.length));
          r.attempts.first_start = Clock::now();
          ++exec->live;
          if (!submit(next++)) break;
        }
      }
      if (exec->failed && !cancel_sent) {
        cancel_sent = true;
        for (size_t ri = 0; ri < next; ++ri) {
          if (exec->requests[ri].in_flight) client.Cancel(exec->requests[ri].transfer.id);
        }
      }
      // A finished transfer: judge it, hand its ranges over or schedule a retry.
      if (!exec->completed.empty()) {
        const size_t ri = exec->completed.front();
        exec->completed.pop_front();
        Exec::Request& r = exec->requests[ri];
        r.in_flight = false;
        --exec->in_flight;
        const Transfer& t = r.transfer;
        counters_.AddFetched(t.body_bytes);
        if (t.status == 200 && !t.cancelled) counters_.AddFullBody();
        Outcome out = Judge(name_, &info_, t, r.plan.range);
        if (out.status.ok()) {
          std::shared_ptr<const std::vector<uint8_t>> keep = r.buffer;
          r.pending_items = r.plan.pieces.size();
          for (const Piece& piece : r.plan.pieces) {
            exec->work.push_back(Exec::Item{keep, keep->data() + piece.offset, piece.length, piece.index, ri});
            counters_.AddUsed(piece.length);
          }
          spawn_helpers(lock);
        } else {
          std::optional<uint64_t> delay;
          Status give_up = out.status;
          if (out.retry && !exec->failed) delay = r.attempts.NextDelayMs(options_.retry, out, &give_up, context);
          if (delay) {
            r.retry_at = Clock::now() + std::chrono::milliseconds(*delay);
            r.retry_pending = true;
            ++waiting_retry;
          } else {
            if (IsChanged(out.status)) Forget();
            exec->Fail(give_up);
            r.buffer.reset();
            --exec->live;
          }
        }
        continue;
      }
      // Decode while waiting for the network: the calling thread is a worker too (so a busy
      // or empty pool cannot stall the call).
      if (!exec->work.empty()) {
        Exec::Item item = std::move(exec->work.front());
        exec->work.pop_front();
        ++exec->items_running;
        exec->RunItem(item, lock);
        continue;
      }
      const bool all_started = exec->failed || next == exec->requests.size();
      if (all_started && exec->in_flight == 0 && (waiting_retry == 0 || exec->failed) && exec->items_running == 0) {
        break;
      }
      if (waiting_retry > 0 && !exec->failed) {
        Clock::time_point wake = Clock::time_point::max();
        for (size_t ri = 0; ri < next; ++ri) {
          const Exec::Request& r = exec->requests[ri];
          if (r.retry_pending) wake = std::min(wake, r.retry_at);
        }
        if (has_deadline) wake = std::min(wake, *context->deadline);
        exec->cv.wait_until(lock, wake);
      } else if (has_deadline && !exec->failed) {
        exec->cv.wait_until(lock, *context->deadline);
      } else {
        exec->cv.wait(lock);
      }
    }
    if (cancel_subscription != 0) context->cancel->Unsubscribe(cancel_subscription);
    exec->done = true;
    exec->work.clear();
    if (!stalled.empty()) {
      // Every transfer has ended (the loop waited for them): say what the first had got.
      const Exec::Request& r = exec->requests[stalled.front()];
      std::string detail = "; " + Unfinished(r.transfer, r.plan.range);
      if (stalled.size() > 1) detail += " (and " + std::to_string(stalled.size() - 1) + " more requests)";
      return Status(exec->error.code(), exec->error.message() + detail);
    }
    return exec->error;
  }

  std::string url_;   // requests go here (no credentials: SAS tokens are added by the signer)
  std::string name_;  // uri() and error messages: the URI as the caller gave it
  SourceOptions options_;
  std::string cache_dir_;
  ObjectInfo info_;
  mutable std::mutex entry_mu_;
  mutable std::shared_ptr<const HeaderEntry> entry_;
  mutable StatsCounters counters_;
};

// The speculative first GET: size, validators and the first prefix_bytes of the object.
Result<std::shared_ptr<const HeaderEntry>> Probe(const std::string& url, const std::string& name,
                                                 const SourceOptions& options, StatsCounters& counters,
                                                 std::string* bucket_region) {
  WaitTimer timer(counters);
  const uint64_t prefix = options.prefix_bytes > 0 ? options.prefix_bytes : DefaultPrefixBytes();
  const ByteRange want{0, prefix};
  std::vector<uint8_t> buffer(static_cast<size_t>(prefix));
  Transfer t;
  Attempts attempts;
  attempts.first_start = Clock::now();
  // Shared with the cancel callback, which CancelToken::Cancel may run after we unsubscribed.
  struct Sync {
    std::mutex mu;
    std::condition_variable cv;
  };
  const auto sync = std::make_shared<Sync>();
  std::mutex& mu = sync->mu;
  std::condition_variable& cv = sync->cv;
  // The open's deadline and cancel token (Dataset::Open installs them): Cancel() wakes the
  // wait below, the deadline bounds it and the retry pauses; either aborts the transfer.
  const cogr::internal::ReadContext* context = cogr::internal::CurrentReadContext();
  uint64_t cancel_subscription = 0;
  if (context != nullptr && context->cancel) {
    cancel_subscription = context->cancel->Subscribe([sync] {
      { std::lock_guard<std::mutex> wake_lock(sync->mu); }
      sync->cv.notify_all();
    });
  }
  struct Unsubscribe {
    const cogr::internal::ReadContext* context;
    uint64_t id;
    ~Unsubscribe() {
      if (context != nullptr && context->cancel) context->cancel->Unsubscribe(id);
    }
  } unsubscribe{context, cancel_subscription};
  for (;;) {
    COGR_RETURN_IF_ERROR(cogr::internal::CheckReadContext(context));
    COGR_RETURN_IF_ERROR(PrepareTransfer(url, options, want, t).WithContext(name));
    t.options = &options;
    t.want_offset = 0;
    t.want_length = prefix;
    t.buffer = buffer.data();
    t.size_known = false;
    bool finished = false;
    t.on_done = [&](Transfer&) {
      std::lock_guard<std::mutex> lock(mu);
      finished = true;
      cv.notify_all();
    };
    counters.AddRequest();
    const uint64_t id = HttpClient::Global().Submit(&t);
    Status stopped;
    {
      std::unique_lock<std::mutex> lock(mu);
      while (!finished && (stopped = cogr::internal::CheckReadContext(context)).ok()) {
        if (context != nullptr && context->deadline) {
          cv.wait_until(lock, *context->deadline);
        } else {
          cv.wait(lock);
        }
      }
    }
    if (!stopped.ok()) {
      // Abort the transfer and wait for the client to hand it back (it owns `t` until then).
      HttpClient::Global().Cancel(id);
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return finished; });
      return Status(stopped.code(), stopped.message() + "; " + Unfinished(t, want));
    }
    counters.AddFetched(t.body_bytes);
    if (t.status == 200) counters.AddFullBody();
    Outcome out = Judge(name, nullptr, t, want);
    if (!out.status.ok() && bucket_region != nullptr) *bucket_region = t.bucket_region;
    if (out.status.ok()) {
      auto entry = std::make_shared<HeaderEntry>();
      entry->uri = url;
      entry->size = out.info.size;
      entry->etag = out.info.etag;
      entry->last_modified = out.info.last_modified;
      if (out.prefix_bytes > 0) {
        buffer.resize(static_cast<size_t>(out.prefix_bytes));
        entry->chunks.push_back(HeaderEntry::Chunk{0, std::move(buffer)});
      }
      return std::shared_ptr<const HeaderEntry>(std::move(entry));
    }
    if (!out.retry) return out.status;
    Status give_up;
    auto delay = attempts.NextDelayMs(options.retry, out, &give_up, context);
    if (!delay) return give_up;
    {
      // The pause ends early on cancellation or at the deadline (checked at the loop's top).
      auto wake = Clock::now() + std::chrono::milliseconds(*delay);
      if (context != nullptr && context->deadline) wake = std::min(wake, *context->deadline);
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_until(lock, wake, [&] { return context != nullptr && context->cancel && context->cancel->cancelled(); });
    }
    ++attempts.retries;
    counters.AddRetry();
  }
}

}  // namespace

Result<std::shared_ptr<Source>> OpenHttp(const std::string& url, const SourceOptions& options,
                                         const std::string& name) {
  return OpenHttp(url, options, name, nullptr, nullptr);
}

Result<std::shared_ptr<Source>> OpenHttp(const std::string& url, const SourceOptions& options,
                                         const std::string& name, std::string* bucket_region,
                                         StatsCounters* open_counters) {
  const std::string& display = name.empty() ? url : name;
  const std::string dir = HeaderCacheDir(options);
  std::shared_ptr<const HeaderEntry> entry;
  bool from_cache = false;
  if (options.memory_header_cache) entry = HeaderCache::Global().Get(url);
  if (!entry && !dir.empty()) {
    entry = LoadPersisted(dir, url);
    if (entry && options.memory_header_cache) HeaderCache::Global().Put(entry);
  }
  from_cache = entry != nullptr;
  StatsCounters local_counters;
  StatsCounters& probe_counters = open_counters != nullptr ? *open_counters : local_counters;
  if (!entry) {
    COGR_ASSIGN_OR_RETURN(entry, Probe(url, display, options, probe_counters, bucket_region));
    if (options.memory_header_cache) HeaderCache::Global().Put(entry);
    if (!dir.empty() && (!entry->etag.empty() || !entry->last_modified.empty())) {
      (void)StorePersisted(dir, *entry);  // a cache that cannot be written is no error
    }
  }
  auto source = std::make_shared<HttpSource>(url, display, options, entry, dir);
  // The open's cost belongs to the source.
  const IoStats s = probe_counters.Snapshot();
  StatsCounters& c = source->counters();
  for (uint64_t i = 0; i < s.requests; ++i) c.AddRequest();
  for (uint64_t i = 0; i < s.retries; ++i) c.AddRetry();
  for (uint64_t i = 0; i < s.full_body_responses; ++i) c.AddFullBody();
  c.AddFetched(s.bytes_fetched);
  c.AddWaitUs(s.wait_us);
  if (from_cache) c.AddCacheHit();
  return std::shared_ptr<Source>(std::move(source));
}

#endif  // COGR_HAVE_CURL

}  // namespace cogr::io::internal
