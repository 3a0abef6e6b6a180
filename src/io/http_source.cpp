#include "io/http_source.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>

#include "cogr/threads.hpp"

#include "io/coalesce.hpp"
#include "io/header_cache.hpp"
#include "io/http_exec.hpp"
#include "io/http_response.hpp"
#include "io/known_header.hpp"
#include "io/read_context.hpp"
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

bool SingleRangeCloudHost(const std::string& url) {
  const size_t scheme_end = url.find("://");
  const size_t start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const size_t end = url.find_first_of(":/?#", start);
  std::string host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (const size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto ends_with = [&](std::string_view suffix) {
    return host.size() >= suffix.size() &&
           host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".amazonaws.com") || host == "storage.googleapis.com" ||
         ends_with(".storage.googleapis.com") || ends_with(".blob.core.windows.net");
}

#ifndef COGR_HAVE_CURL

void ForgetMultiRangeRefusals() {}

Result<std::shared_ptr<Source>> OpenHttp(const std::string& url, const SourceOptions&,
                                         const std::string& name) {
  return Status::Unsupported((name.empty() ? url : name) +
                             ": remote reads need libcurl, and cogr was built without it");
}

Result<std::shared_ptr<Source>> OpenHttp(const std::string& url, const SourceOptions& options,
                                         const std::string& name, std::string*, StatsCounters*) {
  return OpenHttp(url, options, name);
}

void OpenHttpAsync(const std::string& url, const SourceOptions& options, const std::string& name,
                   IoContext, StatsCounters*,
                   std::function<void(Result<std::shared_ptr<Source>>, std::string)> done) {
  done(OpenHttp(url, options, name), std::string());
}

#else

namespace {

// The open's cost belongs to the source.
void AddStats(StatsCounters& c, const IoStats& s) {
  for (uint64_t i = 0; i < s.requests; ++i) c.AddRequest();
  for (uint64_t i = 0; i < s.retries; ++i) c.AddRetry();
  for (uint64_t i = 0; i < s.full_body_responses; ++i) c.AddFullBody();
  for (uint64_t i = 0; i < s.cache_hits; ++i) c.AddCacheHit();
  c.AddFetched(s.bytes_fetched);
  c.AddUsed(s.bytes_used);
  c.AddWaitUs(s.wait_us);
}

Status OutsideObject(ByteRange r, uint64_t size) {
  return Status::InvalidFile("needs bytes [" + std::to_string(r.offset) + ", " +
                             std::to_string(r.offset + r.length) + ") but the file has " +
                             std::to_string(size) + " bytes");
}

void Post(std::function<void()> fn) { cogr::internal::ThreadPool::Default().Submit(std::move(fn)); }

// "scheme://host:port" of a URL: the sources of one server share what it does with multi-range
// requests.
std::string ServerOf(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  return url.substr(0, url.find_first_of("/?#", scheme_end + 3));
}

// Servers of the process that answered a multi-range request with 200 or a single range.
class MultiRangeRefusals {
 public:
  static MultiRangeRefusals& Global() {
    static MultiRangeRefusals* refusals = new MultiRangeRefusals();  // never destroyed
    return *refusals;
  }
  bool Refused(const std::string& server) const {
    if (count_.load(std::memory_order_acquire) == 0) return false;
    std::lock_guard<std::mutex> lock(mu_);
    return std::find(servers_.begin(), servers_.end(), server) != servers_.end();
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    servers_.clear();
    count_.store(0, std::memory_order_release);
  }
  void Add(const std::string& server) {
    std::lock_guard<std::mutex> lock(mu_);
    if (std::find(servers_.begin(), servers_.end(), server) != servers_.end()) return;
    servers_.push_back(server);
    count_.store(servers_.size(), std::memory_order_release);
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> servers_;
  std::atomic<size_t> count_{0};
};

class HttpSource final : public Source {
 public:
  HttpSource(std::string url, std::string name, SourceOptions options,
             std::shared_ptr<const HeaderEntry> entry, std::string cache_dir)
      : url_(std::move(url)),
        name_(std::move(name)),
        options_(std::move(options)),
        cache_dir_(std::move(cache_dir)),
        entry_(std::move(entry)) {
    info_.size = entry_->size;
    info_.etag = entry_->etag;
    info_.last_modified = entry_->last_modified;
    const std::string scheme = name_.substr(0, name_.find("://"));
    multi_range_ok_ =
        (scheme == "http" || scheme == "https" || scheme == "HTTP" || scheme == "HTTPS") &&
        !SingleRangeCloudHost(url_);
    server_ = ServerOf(url_);
  }

  uint64_t size() const override { return info_.size; }
  const std::string& uri() const override { return name_; }
  std::string etag() const override { return info_.etag; }
  std::string last_modified() const override { return info_.last_modified; }
  IoStats stats() const override { return counters_.Snapshot(); }
  StatsCounters& counters() const { return counters_; }

  Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const override {
    if (offset >= info_.size || out.empty()) return size_t{0};
    const uint64_t len = std::min<uint64_t>(out.size(), info_.size - offset);
    // Hold the entry while copying from it: another thread may replace it (and free its bytes).
    const std::shared_ptr<const HeaderEntry> entry = Entry();
    if (const uint8_t* p = entry->Find(offset, len)) {  // no wait for cached header bytes
      std::memcpy(out.data(), p, static_cast<size_t>(len));
      counters_.AddCacheHit();
      counters_.AddUsed(len);
      return static_cast<size_t>(len);
    }
    const IoContext context = cogr::internal::CurrentIoContext();
    return WaitFor<Result<size_t>>([&](std::function<void(Result<size_t>)> done) {
      ReadAtAsync(offset, out, std::move(done), context);
    });
  }

  void ReadAtAsync(uint64_t offset, MutableByteSpan out, std::function<void(Result<size_t>)> done,
                   IoContext context) const override {
    if (offset >= info_.size || out.empty()) {
      Post([done = std::move(done)] { done(size_t{0}); });
      return;
    }
    const uint64_t len = std::min<uint64_t>(out.size(), info_.size - offset);
    auto entry = Entry();
    if (const uint8_t* p = entry->Find(offset, len)) {
      std::memcpy(out.data(), p, static_cast<size_t>(len));
      counters_.AddCacheHit();
      counters_.AddUsed(len);
      Post([done = std::move(done), len] { done(static_cast<size_t>(len)); });
      return;
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
    PlannedRequest request;
    request.range = rest;
    request.pieces.push_back(Piece{0, 0, rest.length});
    std::vector<std::vector<PlannedRequest>> requests(1);
    requests[0].push_back(std::move(request));
    StartRangeExec(
        Target(), {}, std::move(requests),
        [dst](size_t, ByteSpan bytes) {
          std::memcpy(dst, bytes.data(), bytes.size());
          return Status::OK();
        },
        [this, rest, dst, len, done = std::move(done)](Status st) {
          if (!st.ok()) return done(std::move(st));
          // Reads outside ReadRanges are header reads (tiff::Open): remember them so that the
          // next open of this URI needs no request either.
          Remember(rest.offset, ByteSpan(dst, static_cast<size_t>(rest.length)));
          done(static_cast<size_t>(len));
        },
        std::move(context), 1);
  }

  Status ReadRanges(std::span<const ByteRange> ranges, const RangeCallback& on_range,
                    size_t max_threads) const override {
    for (const ByteRange& r : ranges) {
      if (!cogr::internal::RangeInside(r.offset, r.length, info_.size))
        return OutsideObject(r, info_.size);
    }
    const IoContext context = cogr::internal::CurrentIoContext();
    return WaitFor<Status>([&](std::function<void(Status)> done) {
      Fetch(ranges, on_range, std::move(done), context, max_threads);
    });
  }

  void ReadRangesAsync(std::vector<ByteRange> ranges, RangeCallback on_range,
                       std::function<void(Status)> on_done, IoContext context) const override {
    for (const ByteRange& r : ranges) {
      if (!cogr::internal::RangeInside(r.offset, r.length, info_.size)) {
        Post([on_done = std::move(on_done), st = OutsideObject(r, info_.size)] { on_done(st); });
        return;
      }
    }
    // Decodes run on the pool as bytes arrive: as many at once as cogr::ThreadCount() allows.
    Fetch(
        ranges, std::move(on_range), std::move(on_done), std::move(context),
        std::max<size_t>(1, std::min(ThreadCount(), cogr::internal::ThreadPool::Default().size())));
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

  ExecTarget Target() const {
    ExecTarget t;
    t.url = &url_;
    t.name = &name_;
    t.options = &options_;
    t.info = &info_;
    t.counters = &counters_;
    t.forget = [this] { Forget(); };
    t.multi_range_refused = &multi_range_refused_;
    t.on_multi_range_refused = [this] { MultiRangeRefusals::Global().Add(server_); };
    return t;
  }

  // Reads `ranges` (inside the object): cached bytes from memory, the rest coalesced into
  // requests, at most max_concurrent_requests in flight, callbacks on up to max_parallel pool
  // tasks at once (see http_exec.hpp).
  void Fetch(std::span<const ByteRange> ranges, RangeCallback on_range,
             std::function<void(Status)> on_done, IoContext context, size_t max_parallel) const {
    // Ranges held by the cached header bytes, and empty ones, need no request.
    auto entry = Entry();
    std::vector<ReadyRange> ready;
    std::vector<ByteRange> remote;
    std::vector<size_t> remote_index;
    for (size_t i = 0; i < ranges.size(); ++i) {
      const ByteRange r = ranges[i];
      const uint8_t* p = r.length == 0 ? nullptr : entry->Find(r.offset, r.length);
      if (r.length == 0 || p) {
        ready.push_back(ReadyRange{entry, p, r.length, i});
        if (r.length) counters_.AddCacheHit();
        counters_.AddUsed(r.length);
      } else {
        remote.push_back(r);
        remote_index.push_back(i);
      }
    }
    std::vector<PlannedRequest> planned =
        CoalesceRanges(remote, options_.hole_size_limit, options_.range_size_limit);
    for (PlannedRequest& p : planned) {
      for (Piece& piece : p.pieces) piece.index = remote_index[piece.index];
    }
    // Neighbouring requests that together stay within range_size_limit go out as one
    // multi-range request where the server takes them (see SourceOptions).
    const bool multi = multi_range_ok_ && options_.max_ranges_per_request > 1 &&
                       !multi_range_refused_.load() &&
                       !MultiRangeRefusals::Global().Refused(server_);
    std::vector<std::vector<PlannedRequest>> requests;
    uint64_t group_bytes = 0;
    for (PlannedRequest& p : planned) {
      if (requests.empty() || !multi || requests.back().size() >= options_.max_ranges_per_request ||
          group_bytes + p.range.length > options_.range_size_limit) {
        requests.emplace_back();
        group_bytes = 0;
      }
      group_bytes += p.range.length;
      requests.back().push_back(std::move(p));
    }
    if (multi && options_.multi_range_hole_limit < options_.hole_size_limit) {
      // Gaps inside one request cost bytes only: leave the wide ones out (same requests).
      for (std::vector<PlannedRequest>& group : requests) {
        group = SplitAtGaps(std::move(group), options_.multi_range_hole_limit,
                            options_.max_ranges_per_request);
      }
    }
    StartRangeExec(Target(), std::move(ready), std::move(requests), std::move(on_range),
                   std::move(on_done), std::move(context), max_parallel);
  }

  std::string url_;   // requests go here (no credentials: SAS tokens are added by the signer)
  std::string name_;  // uri() and error messages: the URI as the caller gave it
  SourceOptions options_;
  std::string cache_dir_;
  ObjectInfo info_;
  mutable std::mutex entry_mu_;
  mutable std::shared_ptr<const HeaderEntry> entry_;
  mutable StatsCounters counters_;
  bool multi_range_ok_ = false;  // plain http(s): the cloud stores take single ranges only
  std::string server_;           // scheme://host:port of url_
  mutable std::atomic<bool> multi_range_refused_{false};
};

std::shared_ptr<Source> MakeSource(const std::string& url, const std::string& display,
                                   const SourceOptions& options,
                                   std::shared_ptr<const HeaderEntry> entry, const std::string& dir,
                                   const IoStats& open_cost) {
  auto source = std::make_shared<HttpSource>(url, display, options, std::move(entry), dir);
  AddStats(source->counters(), open_cost);
  return source;
}

}  // namespace

void ForgetMultiRangeRefusals() { MultiRangeRefusals::Global().Clear(); }

void OpenHttpAsync(const std::string& url, const SourceOptions& options, const std::string& name,
                   IoContext context, StatsCounters* open_counters,
                   std::function<void(Result<std::shared_ptr<Source>>, std::string)> done) {
  const std::string display = name.empty() ? url : name;
  if (options.known_header) {
    // Recorded earlier (a catalog): no probe, and the header caches stay as they are.
    if (Status st = CheckKnownHeader(*options.known_header, display); !st.ok()) {
      Post([done = std::move(done), st]() mutable { done(st, std::string()); });
      return;
    }
    SourceOptions own = options;
    own.memory_header_cache = false;
    auto source = MakeSource(url, display, own, EntryOf(*options.known_header, url), std::string(),
                             IoStats{});
    Post([done = std::move(done), source = std::move(source)]() mutable {
      done(std::move(source), std::string());
    });
    return;
  }
  const std::string dir = HeaderCacheDir(options);
  std::shared_ptr<const HeaderEntry> entry;
  if (options.memory_header_cache) entry = HeaderCache::Global().Get(url);
  if (!entry && !dir.empty()) {
    entry = LoadPersisted(dir, url);
    if (entry && options.memory_header_cache) HeaderCache::Global().Put(entry);
  }
  if (entry) {
    IoStats cost = open_counters != nullptr ? open_counters->Snapshot() : IoStats{};
    cost.cache_hits += 1;
    auto source = MakeSource(url, display, options, std::move(entry), dir, cost);
    Post([done = std::move(done), source = std::move(source)]() mutable {
      done(std::move(source), std::string());
    });
    return;
  }
  auto probe_counters = std::make_shared<StatsCounters>();
  StartProbe(url, display, options, probe_counters, std::move(context),
             [url, display, options, dir, probe_counters, open_counters, done = std::move(done)](
                 Result<std::shared_ptr<const HeaderEntry>> result, std::string region) {
               IoStats cost = probe_counters->Snapshot();
               if (open_counters != nullptr) {
                 AddStats(*open_counters, cost);  // the caller's (synchronous) counters live on
                 cost = open_counters->Snapshot();
               }
               if (!result.ok()) return done(result.status(), std::move(region));
               std::shared_ptr<const HeaderEntry> got = std::move(result).value();
               if (options.memory_header_cache) HeaderCache::Global().Put(got);
               if (!dir.empty() && (!got->etag.empty() || !got->last_modified.empty())) {
                 (void)StorePersisted(dir, *got);  // a cache that cannot be written is no error
               }
               done(MakeSource(url, display, options, std::move(got), dir, cost), std::string());
             });
}

Result<std::shared_ptr<Source>> OpenHttp(const std::string& url, const SourceOptions& options,
                                         const std::string& name) {
  return OpenHttp(url, options, name, nullptr, nullptr);
}

Result<std::shared_ptr<Source>> OpenHttp(const std::string& url, const SourceOptions& options,
                                         const std::string& name, std::string* bucket_region,
                                         StatsCounters* open_counters) {
  using Answer = std::pair<Result<std::shared_ptr<Source>>, std::string>;
  const IoContext context = cogr::internal::CurrentIoContext();
  Answer answer = WaitFor<Answer>([&](std::function<void(Answer)> cb) {
    OpenHttpAsync(url, options, name, context, open_counters,
                  [cb = std::move(cb)](Result<std::shared_ptr<Source>> r, std::string region) {
                    cb(Answer(std::move(r), std::move(region)));
                  });
  });
  if (!answer.first.ok() && bucket_region != nullptr) *bucket_region = answer.second;
  return std::move(answer.first);
}

#endif  // COGR_HAVE_CURL

}  // namespace cogr::io::internal
