#ifdef COGR_HAVE_CURL

#include "io/http_client.hpp"

#include "io/curl_api.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace cogr::io::internal {
namespace {

constexpr size_t kMaxErrorBody = 1024;           // kept for messages
constexpr uint64_t kMaxDiscardedBody = 1 << 20;  // error bodies past this are cut off
// Transfers of at least kLargeTransferBytes get a kLargeTransferBuffer receive buffer
// (libcurl's default is 16 KiB; 512 KiB is its largest in curl 7.88).
constexpr uint64_t kLargeTransferBytes = 4 << 20;
constexpr long kLargeTransferBuffer = 512 << 10;

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

size_t HeaderCallback(char* data, size_t size, size_t nitems, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nitems;
  std::string_view line(data, n);
  if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
    // A new response (after a redirect or a 100 Continue): forget the previous one's headers.
    t->content_range.clear();
    t->etag.clear();
    t->last_modified.clear();
    t->retry_after.clear();
    t->content_encoding.clear();
    t->content_type.clear();
    t->content_length.reset();
    const size_t sp = line.find(' ');
    t->status = sp == std::string_view::npos
                    ? 0
                    : std::strtol(std::string(line.substr(sp + 1, 3)).c_str(), nullptr, 10);
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  const std::string_view name = Trim(line.substr(0, colon));
  const std::string_view value = Trim(line.substr(colon + 1));
  if (IEquals(name, "content-range")) {
    t->content_range = value;
  } else if (IEquals(name, "etag")) {
    t->etag = value;
  } else if (IEquals(name, "last-modified")) {
    t->last_modified = value;
  } else if (IEquals(name, "retry-after")) {
    t->retry_after = value;
  } else if (IEquals(name, "content-type")) {
    t->content_type = value;
  } else if (IEquals(name, "content-encoding")) {
    t->content_encoding = value;
  } else if (IEquals(name, "x-amz-bucket-region")) {
    t->bucket_region = value;
  } else if (IEquals(name, "content-length")) {
    const std::string v(value);
    char* end = nullptr;
    errno = 0;
    unsigned long long len = std::strtoull(v.c_str(), &end, 10);
    if (!v.empty() && end && *end == '\0' && errno == 0 && v[0] != '-') t->content_length = len;
  }
  return n;
}

// "multipart/byteranges; boundary=XYZ" (boundary possibly quoted) -> XYZ; empty if not that.
std::string Boundary(std::string_view type) {
  constexpr std::string_view kType = "multipart/byteranges";
  if (type.size() < kType.size() || !IEquals(type.substr(0, kType.size()), kType)) return {};
  size_t at = std::string_view::npos;
  for (size_t i = 0; i + 9 <= type.size(); ++i) {
    if (IEquals(type.substr(i, 9), "boundary=")) {
      at = i + 9;
      break;
    }
  }
  if (at == std::string_view::npos) return {};
  std::string_view b = type.substr(at);
  if (!b.empty() && b.front() == '"') {
    b.remove_prefix(1);
    b = b.substr(0, b.find('"'));
  } else {
    b = b.substr(0, b.find_first_of("; \t"));
  }
  return b.size() >= 1 && b.size() <= 70 ? std::string(b) : std::string();  // RFC 2046: 1-70 chars
}

bool ParsePartRange(std::string_view v, uint64_t* first, uint64_t* last, uint64_t* total) {
  if (v.size() < 6 || !IEquals(v.substr(0, 6), "bytes ")) return false;
  v.remove_prefix(6);
  const size_t dash = v.find('-'), slash = v.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash)
    return false;
  auto num = [](std::string_view s, uint64_t* out) {
    if (s.empty() || s.size() > 19) return false;
    uint64_t x = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      x = x * 10 + static_cast<uint64_t>(c - '0');
    }
    *out = x;
    return true;
  };
  return num(v.substr(0, dash), first) && num(v.substr(dash + 1, slash - dash - 1), last) &&
         num(v.substr(slash + 1), total) && *first <= *last;
}

// A multipart/byteranges body, parsed as it streams: part headers go through a bounded line
// buffer, part bodies straight into the part's place in `buffer`. Every part must be one that
// was asked for, each at most once. Returns false to abort (multipart_error says why).
bool MultipartWrite(Transfer* t, const char* data, size_t n) {
  enum { kSeek = 0, kHeaders = 1, kBody = 2, kEnd = 3 };
  auto fail = [t](std::string why) {
    t->multipart_error = std::move(why);
    return false;
  };
  size_t i = 0;
  while (i < n) {
    if (t->mp_state == kBody) {
      const size_t take = static_cast<size_t>(std::min<uint64_t>(t->mp_remaining, n - i));
      uint64_t at = 0;
      for (size_t k = 0; k < t->mp_part; ++k) at += t->parts[k].length;
      std::memcpy(t->buffer + at + t->part_received[t->mp_part], data + i, take);
      t->part_received[t->mp_part] += take;
      t->written += take;
      t->mp_remaining -= take;
      i += take;
      if (t->mp_remaining == 0) t->mp_state = kSeek;
      continue;
    }
    if (t->mp_state == kEnd) return true;  // the epilogue is ignored (curl ends at Content-Length)
    const char c = data[i++];
    if (c != '\n') {
      if (t->mp_line.size() >= 1024) return fail("a multipart header line longer than 1024 bytes");
      t->mp_line.push_back(c);
      continue;
    }
    std::string_view line(t->mp_line);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string delimiter = "--" + t->mp_boundary;
    if (t->mp_state == kSeek) {
      if (line == delimiter) {
        t->mp_state = kHeaders;
        t->mp_part_range.clear();
      } else if (line == delimiter + "--") {
        t->mp_state = kEnd;
      } else if (!line.empty()) {
        return fail("unexpected text between multipart parts");
      }
    } else if (!line.empty()) {  // kHeaders
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos &&
          IEquals(Trim(line.substr(0, colon)), "content-range")) {
        t->mp_part_range = Trim(line.substr(colon + 1));
      }
    } else {  // end of the part's headers
      uint64_t first = 0, last = 0, total = 0;
      if (!ParsePartRange(t->mp_part_range, &first, &last, &total)) {
        return fail("a multipart part with Content-Range '" + t->mp_part_range + "'");
      }
      size_t k = 0;
      while (k < t->parts.size() && !(t->parts[k].offset == first && t->parts[k].end() == last + 1))
        ++k;
      if (k == t->parts.size() || t->part_received[k] != 0) {
        return fail("a multipart part with Content-Range '" + t->mp_part_range +
                    "' that was not asked for");
      }
      if (t->multipart_total && *t->multipart_total != total)
        return fail("multipart parts of different object sizes");
      t->multipart_total = total;
      t->mp_part = k;
      t->mp_remaining = last - first + 1;
      t->mp_state = kBody;
    }
    t->mp_line.clear();
  }
  return true;
}

size_t WriteCallback(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  const uint64_t pos = t->body_bytes;  // body offset of data[0]
  t->body_bytes += n;
  if (t->parts.size() >= 2 && (t->status == 200 || t->status == 206)) {
    if (pos == 0) {
      t->mp_boundary = t->status == 206 ? Boundary(t->content_type) : std::string();
      if (t->mp_boundary.empty()) {
        // 200 (Range ignored) or one range for all: the caller asks again with single ranges.
        t->multipart_refused = true;
        return 0;
      }
      t->part_received.assign(t->parts.size(), 0);
    }
    uint64_t wanted = 0;
    for (const ByteRange& r : t->parts) wanted += r.length;
    if (t->body_bytes > wanted + 4096 * (t->parts.size() + 1)) {
      t->multipart_error = "a multipart body longer than its parts allow";
      return 0;
    }
    if (!MultipartWrite(t, data, n)) return 0;
    if (t->on_body) t->on_body(*t);
    return n;
  }
  if (t->status == 206) {
    // The body is the range asked for; never write past the buffer.
    const uint64_t room = t->want_length - t->written;
    const size_t take = static_cast<size_t>(std::min<uint64_t>(room, n));
    std::memcpy(t->buffer + t->written, data, take);
    t->written += take;
    if (take < n) {
      t->overflow = true;
      return 0;  // aborts the transfer
    }
    if (t->on_body) t->on_body(*t);
    return n;
  }
  if (t->status == 200) {
    // Range ignored: the body is the whole object. Keep the wanted slice, bound the rest.
    const uint64_t want_end = t->want_offset + t->want_length;
    const uint64_t lo = std::max(pos, t->want_offset);
    const uint64_t hi = std::min(pos + n, want_end);
    if (lo < hi) {
      std::memcpy(t->buffer + (lo - t->want_offset), data + (lo - pos),
                  static_cast<size_t>(hi - lo));
      t->written = hi - t->want_offset;
    }
    if (t->written == t->want_length && (t->size_known || t->content_length)) {
      t->stopped_early = pos + n < (t->content_length ? *t->content_length : UINT64_MAX);
      return t->stopped_early ? 0 : n;
    }
    if (t->body_bytes > t->options->max_ignored_range_bytes) {
      t->over_cap = true;
      return 0;
    }
    return n;
  }
  // An error page: keep its start for the message, drop the rest.
  if (t->error_body.size() < kMaxErrorBody) {
    t->error_body.append(data, std::min(n, kMaxErrorBody - t->error_body.size()));
  }
  return t->body_bytes > kMaxDiscardedBody ? 0 : n;
}

std::string EnvOr(const char* a, const char* b) {
  if (const char* v = std::getenv(a); v && *v) return v;
  if (const char* v = std::getenv(b); v && *v) return v;
  return {};
}

}  // namespace

struct HttpClient::Impl {
  std::mutex mu;
  std::deque<Transfer*> to_add;
  std::vector<uint64_t> to_cancel;
  uint64_t next_id = 1;
  struct Timer {
    std::chrono::steady_clock::time_point when;
    std::function<void()> fn;
  };
  std::map<uint64_t, Timer> timers;  // by id; few at a time, scanned per pass

  // Owned by the loop thread.
  CURLM* multi = nullptr;
  std::unordered_map<uint64_t, Transfer*> active;
  std::vector<CURL*> idle_easy;  // reused: curl_easy_reset keeps their TLS session caches
  std::string env_ca_bundle;

  void Configure(Transfer* t) {
    CURL* e;
    if (!idle_easy.empty()) {
      e = idle_easy.back();
      idle_easy.pop_back();
      curl_easy_reset(e);
    } else {
      e = curl_easy_init();
    }
    t->easy = e;
    const SourceOptions& o = *t->options;
    curl_easy_setopt(e, CURLOPT_URL, t->url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, o.max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(o.max_redirects));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout_ms));
    if (o.low_speed_time_ms > 0 && o.low_speed_bytes_per_s > 0) {
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(o.low_speed_bytes_per_s));
      curl_easy_setopt(
          e, CURLOPT_LOW_SPEED_TIME,
          static_cast<long>(std::max<uint32_t>(1, (o.low_speed_time_ms + 999) / 1000)));
    }
    if (o.request_timeout_ms > 0)
      curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(o.request_timeout_ms));
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    // Large ranges are received in larger pieces: fewer recv calls and write callbacks.
    uint64_t wanted = t->want_length;
    for (const ByteRange& r : t->parts) wanted += r.length;
    if (wanted >= kLargeTransferBytes)
      curl_easy_setopt(e, CURLOPT_BUFFERSIZE, kLargeTransferBuffer);
    // HTTP/2 over TLS when the server offers it; wait for a multiplexed connection rather
    // than opening a new one per transfer.
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    if (t->url.compare(0, 8, "https://") == 0) curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "cogr/0.1");
    const std::string& ca = o.ca_bundle.empty() ? env_ca_bundle : o.ca_bundle;
    if (!ca.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, ca.c_str());
    if (!o.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, o.proxy.c_str());
    if (!o.verify_tls) {
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    t->slist = nullptr;
    for (const std::string& h : t->headers) t->slist = curl_slist_append(t->slist, h.c_str());
    if (t->slist) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->slist);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, HeaderCallback);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, WriteCallback);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    t->errbuf[0] = '\0';
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
  }

  // The phases of a finished transfer (a trace is recording): libcurl's timers, and which
  // connection carried it.
  static void RecordTimes(Transfer* t) {
    TransferTimes& times = t->times;
    times.finished = std::chrono::steady_clock::now();
    auto phase = [t](CURLINFO info) -> int64_t {
      curl_off_t us = 0;
      if (curl_easy_getinfo(t->easy, info, &us) != CURLE_OK || us <= 0) return -1;
      return static_cast<int64_t>(us);
    };
    times.namelookup_us = phase(CURLINFO_NAMELOOKUP_TIME_T);
    times.connect_us = phase(CURLINFO_CONNECT_TIME_T);
    times.appconnect_us = phase(CURLINFO_APPCONNECT_TIME_T);
    times.starttransfer_us = phase(CURLINFO_STARTTRANSFER_TIME_T);
    long value = 0;
    if (curl_easy_getinfo(t->easy, CURLINFO_NUM_CONNECTS, &value) == CURLE_OK)
      times.num_connects = value;
    if (curl_easy_getinfo(t->easy, CURLINFO_LOCAL_PORT, &value) == CURLE_OK)
      times.local_port = value;
    if (curl_easy_getinfo(t->easy, CURLINFO_PRIMARY_PORT, &value) == CURLE_OK)
      times.primary_port = value;
    char* ip = nullptr;
    if (curl_easy_getinfo(t->easy, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr)
      times.primary_ip = ip;
  }

  void Finish(Transfer* t, CURLcode code) {
    t->curl_code = static_cast<int>(code);
    if (code != CURLE_OK) t->curl_error = t->errbuf[0] ? t->errbuf : curl_easy_strerror(code);
    long status = 0;
    if (curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status != 0)
      t->status = status;
    t->too_many_redirects = code == CURLE_TOO_MANY_REDIRECTS;
    long redirects = 0;
    if (curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_COUNT, &redirects) == CURLE_OK)
      t->redirects = redirects;
    if (t->timing) RecordTimes(t);
    curl_multi_remove_handle(multi, t->easy);
    idle_easy.push_back(t->easy);
    t->easy = nullptr;
    curl_slist_free_all(t->slist);
    t->slist = nullptr;
    if (idle_easy.size() > 64) {
      curl_easy_cleanup(idle_easy.front());
      idle_easy.erase(idle_easy.begin());
    }
    // on_done may free t (its owner wakes up): nothing touches t after it.
    auto done = std::move(t->on_done);
    done(*t);
  }

  void Loop() {
    for (;;) {
      std::deque<Transfer*> adds;
      std::vector<uint64_t> cancels;
      {
        std::lock_guard<std::mutex> lock(mu);
        adds.swap(to_add);
        cancels.swap(to_cancel);
      }
      for (Transfer* t : adds) {
        if (t->timing) t->times.added = std::chrono::steady_clock::now();
        Configure(t);
        active.emplace(t->id, t);
        curl_multi_add_handle(multi, t->easy);
      }
      for (uint64_t id : cancels) {
        auto it = active.find(id);
        if (it == active.end()) continue;
        Transfer* t = it->second;
        active.erase(it);
        t->cancelled = true;
        Finish(t, CURLE_ABORTED_BY_CALLBACK);
      }
      int running = 0;
      curl_multi_perform(multi, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
        const CURLcode code = msg->data.result;
        active.erase(t->id);
        Finish(t, code);
      }
      // Due timers run now; the next one bounds the wait.
      int wait_ms = 1000;
      std::vector<std::function<void()>> due;
      {
        std::lock_guard<std::mutex> lock(mu);
        const auto now = std::chrono::steady_clock::now();
        for (auto it = timers.begin(); it != timers.end();) {
          if (it->second.when <= now) {
            due.push_back(std::move(it->second.fn));
            it = timers.erase(it);
          } else {
            const auto ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(it->second.when - now)
                    .count() +
                1;
            wait_ms = static_cast<int>(std::min<long long>(wait_ms, ms));
            ++it;
          }
        }
      }
      for (auto& fn : due) fn();
      if (!due.empty()) continue;  // a timer may have queued transfers
      curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
    }
  }
};

HttpClient::HttpClient() : impl_(new Impl()) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  impl_->multi = curl_multi_init();
  curl_multi_setopt(impl_->multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, 64L);
  impl_->env_ca_bundle = EnvOr("CURL_CA_BUNDLE", "SSL_CERT_FILE");
  std::thread([impl = impl_] { impl->Loop(); }).detach();
}

HttpClient& HttpClient::Global() {
  static HttpClient* client = new HttpClient();  // never destroyed: its thread runs until exit
  return *client;
}

uint64_t HttpClient::Submit(Transfer* t) {
  t->status = 0;
  t->curl_code = 0;
  t->curl_error.clear();
  t->content_range.clear();
  t->etag.clear();
  t->last_modified.clear();
  t->retry_after.clear();
  t->content_encoding.clear();
  t->content_type.clear();
  t->content_length.reset();
  t->multipart_refused = false;
  t->multipart_error.clear();
  t->part_received.assign(t->parts.size(), 0);
  t->multipart_total.reset();
  t->mp_state = 0;
  t->mp_part = 0;
  t->mp_remaining = 0;
  t->mp_boundary.clear();
  t->mp_line.clear();
  t->mp_part_range.clear();
  t->body_bytes = 0;
  t->written = 0;
  t->overflow = t->stopped_early = t->over_cap = t->cancelled = t->too_many_redirects = false;
  t->redirects = 0;
  t->error_body.clear();
  if (t->timing) {
    t->times = TransferTimes{};
    t->times.submitted = std::chrono::steady_clock::now();
  }
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    id = t->id = impl_->next_id++;
    impl_->to_add.push_back(t);
  }
  curl_multi_wakeup(impl_->multi);
  return id;
}

void HttpClient::Cancel(uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->to_cancel.push_back(id);
  }
  curl_multi_wakeup(impl_->multi);
}

uint64_t HttpClient::AddTimer(std::chrono::steady_clock::time_point when,
                              std::function<void()> fn) {
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    id = impl_->next_id++;
    impl_->timers.emplace(id, Impl::Timer{when, std::move(fn)});
  }
  curl_multi_wakeup(impl_->multi);
  return id;
}

void HttpClient::CancelTimer(uint64_t id) {
  std::function<void()> drop;  // destroyed outside the lock
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->timers.find(id);
  if (it == impl_->timers.end()) return;
  drop = std::move(it->second.fn);
  impl_->timers.erase(it);
}

}  // namespace cogr::io::internal

#endif  // COGR_HAVE_CURL
