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

constexpr size_t kMaxErrorBody = 1024;          // kept for messages
constexpr uint64_t kMaxDiscardedBody = 1 << 20;  // error bodies past this are cut off

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
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
    t->content_length.reset();
    const size_t sp = line.find(' ');
    t->status = sp == std::string_view::npos ? 0 : std::strtol(std::string(line.substr(sp + 1, 3)).c_str(), nullptr, 10);
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

size_t WriteCallback(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  const uint64_t pos = t->body_bytes;  // body offset of data[0]
  t->body_bytes += n;
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
      std::memcpy(t->buffer + (lo - t->want_offset), data + (lo - pos), static_cast<size_t>(hi - lo));
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
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max<uint32_t>(1, (o.low_speed_time_ms + 999) / 1000)));
    }
    if (o.request_timeout_ms > 0) curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(o.request_timeout_ms));
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
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

  void Finish(Transfer* t, CURLcode code) {
    t->curl_code = static_cast<int>(code);
    if (code != CURLE_OK) t->curl_error = t->errbuf[0] ? t->errbuf : curl_easy_strerror(code);
    long status = 0;
    if (curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status != 0) t->status = status;
    t->too_many_redirects = code == CURLE_TOO_MANY_REDIRECTS;
    long redirects = 0;
    if (curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_COUNT, &redirects) == CURLE_OK) t->redirects = redirects;
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
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(it->second.when - now).count() + 1;
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
  t->content_length.reset();
  t->body_bytes = 0;
  t->written = 0;
  t->overflow = t->stopped_early = t->over_cap = t->cancelled = t->too_many_redirects = false;
  t->redirects = 0;
  t->error_body.clear();
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

uint64_t HttpClient::AddTimer(std::chrono::steady_clock::time_point when, std::function<void()> fn) {
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
