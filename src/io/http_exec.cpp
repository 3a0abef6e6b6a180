#ifdef COGR_HAVE_CURL

#include "io/http_exec.hpp"

#include <algorithm>
#include <deque>
#include <mutex>

#include "cogr/trace.hpp"
#include "io/http_client.hpp"
#include "io/http_source.hpp"
#include "io/read_context.hpp"
#include "util/thread_pool.hpp"

namespace cogr::io::internal {
namespace {

using cogr::internal::ThreadPool;

// on_done runs on the pool: never on the client thread, never inside the call that started
// the work (a caller may hold a lock there that its on_done takes).
void PostDone(std::function<void()> fn) { ThreadPool::Default().Submit(std::move(fn)); }

uint64_t ElapsedUs(Clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
}

// A finished attempt as a trace event (the transfer was submitted with timing on).
void TraceTransfer(Trace& trace, const std::string& uri, const char* kind, const Transfer& t,
                   std::vector<ByteRange> ranges, uint32_t retry,
                   std::vector<Trace::Piece> pieces) {
  const TransferTimes& times = t.times;
  Trace::Request e;
  e.uri = uri;
  e.kind = kind;
  e.ranges = std::move(ranges);
  e.pieces = std::move(pieces);
  e.start_us = trace.Us(times.submitted);
  e.end_us = std::max(e.start_us, trace.Us(times.finished));
  const int64_t added_us = trace.Us(times.added);
  // libcurl's phases, clamped into [start, end]: its clock starts after `added`.
  auto at = [&](int64_t phase_us) -> int64_t {
    if (phase_us < 0) return -1;
    return std::clamp<int64_t>(added_us + phase_us, e.start_us, e.end_us);
  };
  e.new_connection = times.num_connects > 0;
  if (e.new_connection) {
    e.dns_us = at(times.namelookup_us);
    e.connect_us = at(times.connect_us);
    e.tls_us = at(times.appconnect_us);
  }
  if (t.body_bytes > 0 || t.status != 0) e.first_byte_us = at(times.starttransfer_us);
  e.bytes = t.body_bytes;
  e.status = static_cast<int>(t.status);
  e.retry = retry;
  if (!times.primary_ip.empty()) {
    const bool v6 = times.primary_ip.find(':') != std::string::npos;
    e.remote = (v6 ? "[" + times.primary_ip + "]" : times.primary_ip) + ":" +
               std::to_string(times.primary_port);
  }
  e.local_port = static_cast<uint32_t>(times.local_port);
  if (t.cancelled) {
    e.error = "cancelled";
  } else if (t.multipart_refused) {
    e.error =
        "multi-range request refused (" + StatusText(t.status) + "); sent again as single ranges";
  } else if (t.curl_code != 0) {
    e.error = t.curl_error;
  } else if (t.status >= 400) {
    e.error = StatusText(t.status);
  }
  trace.Add(std::move(e));
}

class RangeExec : public std::enable_shared_from_this<RangeExec> {
 public:
  struct Item {
    std::shared_ptr<const void> keep;  // owner of the bytes
    const uint8_t* data = nullptr;
    uint64_t length = 0;
    size_t index = 0;
    size_t request = SIZE_MAX;  // the request whose buffer holds the bytes; SIZE_MAX: none
  };
  struct Request {
    // One planned request, or several sent as one multi-range request. Pieces of each plan
    // are sorted by offset (CoalesceRanges sorts the ranges).
    std::vector<PlannedRequest> plans;
    std::vector<size_t> delivered;  // per plan: pieces handed over (a prefix of its pieces)
    Transfer transfer;
    // The current attempt: its ranges (one per plan with pieces left), the plan of each and
    // where each starts in `buffer`.
    std::vector<ByteRange> attempt;
    std::vector<size_t> attempt_plan;
    std::vector<uint64_t> attempt_at;
    std::shared_ptr<uint8_t[]> buffer;
    std::vector<Trace::Piece> traced;  // pieces of the current attempt handed over (tracing)
    Attempts attempts;
    uint64_t retry_timer = 0;
    size_t items_out = 0;  // handed over, callback not returned yet
    bool started = false;
    bool in_flight = false;
    bool retry_pending = false;
    bool headers_checked = false;
    bool headers_ok = false;
    bool retired = false;

    bool AllDelivered() const {
      for (size_t k = 0; k < plans.size(); ++k) {
        if (delivered[k] < plans[k].pieces.size()) return false;
      }
      return true;
    }
  };

  RangeExec(ExecTarget target, Source::RangeCallback on_range, std::function<void(Status)> on_done,
            IoContext context, size_t max_parallel)
      : target_(std::move(target)),
        on_range_(std::move(on_range)),
        on_done_(std::move(on_done)),
        context_(std::move(context)),
        max_helpers_(std::max<size_t>(1, max_parallel)),
        start_(Clock::now()) {}

  void Start(std::vector<ReadyRange> ready, std::vector<std::vector<PlannedRequest>> requests) {
    auto self = shared_from_this();
    std::unique_lock<std::mutex> lock(mu_);
    for (ReadyRange& r : ready)
      work_.push_back(Item{std::move(r.keep), r.data, r.length, r.index, SIZE_MAX});
    for (auto& plans : requests) AddRequest(std::move(plans));
    if (Status st = cogr::internal::CheckReadContext(&context_); !st.ok()) {
      Fail(st);
    } else {
      if (context_.cancel) {
        // The callback owns the executor: it may run after Unsubscribe returned.
        cancel_subscription_ =
            context_.cancel->Subscribe([self] { self->Stop(/*deadline=*/false); });
      }
      if (context_.deadline) {
        deadline_timer_ = HttpClient::Global().AddTimer(*context_.deadline,
                                                        [self] { self->Stop(/*deadline=*/true); });
      }
      StartMore();
      SpawnHelpers();
    }
    MaybeFinish(lock);
  }

 private:
  // ---- state changes (mu_ held) ----

  void Fail(const Status& st) {
    if (failed_) return;
    failed_ = true;
    error_ = st;
    work_.clear();
    HttpClient& client = HttpClient::Global();
    for (Request& r : requests_) {
      if (r.in_flight) client.Cancel(r.transfer.id);
      if (r.retry_pending) client.CancelTimer(r.retry_timer);
      // A transfer in flight writes into its buffer until the client hands it back.
      if (r.items_out == 0 && !r.in_flight) r.buffer.reset();
    }
  }

  // Deadline or cancellation: fail, remembering what the transfers in flight had got.
  void Stop(bool deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    if (failed_ || finished_) return;
    Status st = deadline ? cogr::internal::DeadlineExceeded(&context_)
                         : cogr::internal::CheckReadContext(&context_);
    if (st.ok()) return;
    for (size_t ri = 0; ri < requests_.size(); ++ri) {
      if (requests_[ri].in_flight) stalled_.push_back(ri);
    }
    Fail(st);
    MaybeFinish(lock);
  }

  // Starts requests up to the cap of requests whose bytes are not all handed over.
  void StartMore() {
    const size_t cap = std::max<uint32_t>(1, target_.options->max_concurrent_requests);
    while (!failed_ && next_ < requests_.size() && live_ < cap) {
      Request& r = requests_[next_];
      r.started = true;
      r.attempts.first_start = Clock::now();
      ++live_;
      Submit(next_++);
    }
  }

  void AddRequest(std::vector<PlannedRequest> plans) {
    Request& r = requests_.emplace_back();
    r.delivered.assign(plans.size(), 0);
    r.plans = std::move(plans);
  }

  // One attempt at the pieces of request `ri` not handed over yet, into a fresh buffer.
  void Submit(size_t ri) {
    Request& r = requests_[ri];
    r.attempt.clear();
    r.attempt_plan.clear();
    r.attempt_at.clear();
    uint64_t total = 0;
    for (size_t k = 0; k < r.plans.size(); ++k) {
      const PlannedRequest& plan = r.plans[k];
      if (r.delivered[k] == plan.pieces.size()) continue;
      uint64_t first = UINT64_MAX, last = 0;
      for (size_t p = r.delivered[k]; p < plan.pieces.size(); ++p) {
        first = std::min(first, plan.range.offset + plan.pieces[p].offset);
        last = std::max(last, plan.range.offset + plan.pieces[p].offset + plan.pieces[p].length);
      }
      r.attempt.push_back(ByteRange{first, last - first});
      r.attempt_plan.push_back(k);
      r.attempt_at.push_back(total);
      total += last - first;
    }
    Transfer& t = r.transfer;
    Status st = PrepareTransfer(*target_.url, *target_.options, r.attempt, t);
    if (!st.ok()) {
      Fail(st.WithContext(*target_.name));
      Retire(r);
      return;
    }
    r.buffer = std::shared_ptr<uint8_t[]>(new uint8_t[static_cast<size_t>(total)]);
    r.headers_checked = r.headers_ok = false;
    t.options = target_.options;
    if (r.attempt.size() >= 2) {
      t.parts = r.attempt;
      t.want_offset = 0;
      t.want_length = total;
    } else {
      t.parts.clear();
      t.want_offset = r.attempt[0].offset;
      t.want_length = r.attempt[0].length;
    }
    t.buffer = r.buffer.get();
    t.size_known = true;
    auto self = shared_from_this();
    t.on_done = [self, ri](Transfer&) { self->OnTransferDone(ri); };
    t.on_body = [self, ri](Transfer&) { self->OnBody(ri); };
    t.timing = context_.trace != nullptr;
    r.traced.clear();
    r.in_flight = true;
    ++in_flight_;
    target_.counters->AddRequest();
    HttpClient::Global().Submit(&t);
  }

  // Bytes of attempt part j of request `ri` that are in (from the part's start).
  uint64_t Received(const Request& r, size_t j, bool complete) const {
    if (complete) return r.attempt[j].length;
    if (r.attempt.size() == 1) return r.transfer.written;
    return j < r.transfer.part_received.size() ? r.transfer.part_received[j] : 0;
  }

  // Hands over the pieces whose bytes are in (all of them when `complete`).
  void Deliver(size_t ri, bool complete) {
    Request& r = requests_[ri];
    bool any = false;
    for (size_t j = 0; j < r.attempt.size(); ++j) {
      const size_t k = r.attempt_plan[j];
      const PlannedRequest& plan = r.plans[k];
      const uint64_t have_end = r.attempt[j].offset + Received(r, j, complete);
      while (r.delivered[k] < plan.pieces.size()) {
        const Piece& p = plan.pieces[r.delivered[k]];
        const uint64_t begin = plan.range.offset + p.offset, end = begin + p.length;
        if (end > have_end) break;
        std::shared_ptr<const void> keep(r.buffer, r.buffer.get());
        const uint8_t* data = r.buffer.get() + r.attempt_at[j] + (begin - r.attempt[j].offset);
        work_.push_back(Item{std::move(keep), data, p.length, p.index, ri});
        if (context_.trace)
          r.traced.push_back(Trace::Piece{begin, p.length, context_.trace->NowUs()});
        target_.counters->AddUsed(p.length);
        ++r.delivered[k];
        ++r.items_out;
        any = true;
      }
    }
    if (any) SpawnHelpers();
  }

  void Retire(Request& r) {
    if (r.retired) return;
    r.retired = true;
    r.buffer.reset();
    --live_;
  }

  void MaybeRetire(Request& r) {
    if (r.AllDelivered() && r.items_out == 0 && !r.in_flight && !r.retry_pending) Retire(r);
  }

  void SpawnHelpers() {
    size_t spawn = 0;
    while (helpers_alive_ < max_helpers_ && helpers_alive_ < work_.size()) {
      ++helpers_alive_;
      ++spawn;
    }
    auto self = shared_from_this();
    for (size_t i = 0; i < spawn; ++i) ThreadPool::Default().Submit([self] { self->Helper(); });
  }

  // Ends the call once nothing runs any more: on_done after every callback has returned.
  void MaybeFinish(std::unique_lock<std::mutex>& lock) {
    if (finished_ || in_flight_ > 0 || items_running_ > 0) return;
    if (!failed_ && (next_ < requests_.size() || live_ > 0 || !work_.empty())) return;
    finished_ = true;
    Status st = error_;
    if (!stalled_.empty()) {
      // Every transfer has ended: say what the first stopped one had got.
      const Request& r = requests_[stalled_.front()];
      const ByteRange span{r.attempt.front().offset,
                           r.attempt.back().end() - r.attempt.front().offset};
      std::string detail = "; " + Unfinished(r.transfer, span);
      if (stalled_.size() > 1)
        detail += " (and " + std::to_string(stalled_.size() - 1) + " more requests)";
      st = Status(error_.code(), error_.message() + detail);
    }
    auto done = std::move(on_done_);
    on_range_ = nullptr;
    const uint64_t subscription = cancel_subscription_;
    const uint64_t deadline_timer = deadline_timer_;
    target_.counters->AddWaitUs(ElapsedUs(start_));
    lock.unlock();
    if (subscription != 0) context_.cancel->Unsubscribe(subscription);
    if (deadline_timer != 0) HttpClient::Global().CancelTimer(deadline_timer);
    PostDone([done = std::move(done), st = std::move(st)]() mutable { done(std::move(st)); });
  }

  // ---- events ----

  // Client thread: body bytes of request `ri` arrived.
  void OnBody(size_t ri) {
    std::unique_lock<std::mutex> lock(mu_);
    Request& r = requests_[ri];
    if (failed_) return;
    if (!r.headers_checked) {
      r.headers_checked = true;
      r.headers_ok = HeadersAccepted(*target_.info, r.transfer, r.attempt.front());
    }
    if (r.headers_ok) Deliver(ri, false);
  }

  // Client thread: the transfer of request `ri` ended.
  void OnTransferDone(size_t ri) {
    std::unique_lock<std::mutex> lock(mu_);
    Request& r = requests_[ri];
    r.in_flight = false;
    --in_flight_;
    r.transfer.on_body = nullptr;  // it holds this executor
    const Transfer& t = r.transfer;
    target_.counters->AddFetched(t.body_bytes);
    if (t.status == 200 && !t.cancelled) target_.counters->AddFullBody();
    // The attempt's trace event, once the pieces it delivers are known.
    auto trace = [this, &r] {
      if (!context_.trace) return;
      TraceTransfer(*context_.trace, *target_.name, "data", r.transfer, r.attempt,
                    r.attempts.retries, std::move(r.traced));
      r.traced.clear();
    };
    if (failed_) {
      trace();
      MaybeRetire(r);
      if (r.items_out == 0) Retire(r);
      MaybeFinish(lock);
      return;
    }
    if (t.multipart_refused) {
      // 200 or one range for a multi-range request: this server gets single ranges from now
      // on; the plans go out as requests of their own (no retry: nothing failed).
      // Gaps left out for the multi-range request are fetched again where single requests
      // would have been merged (hole_size_limit), so a refusal costs one request, not more.
      trace();
      if (target_.multi_range_refused) target_.multi_range_refused->store(true);
      if (target_.on_multi_range_refused) target_.on_multi_range_refused();
      if (std::all_of(r.delivered.begin(), r.delivered.end(), [](size_t d) { return d == 0; })) {
        r.plans = MergeRequests(std::move(r.plans), target_.options->hole_size_limit,
                                target_.options->range_size_limit);
        r.delivered.assign(r.plans.size(), 0);
      }
      for (size_t k = 1; k < r.plans.size(); ++k) {
        std::vector<PlannedRequest> one;
        one.push_back(std::move(r.plans[k]));
        AddRequest(std::move(one));
      }
      Request& again = requests_[ri];  // a deque: references stay valid
      again.plans.resize(1);
      again.delivered.resize(1);
      Submit(ri);
      StartMore();
      MaybeFinish(lock);
      return;
    }
    Outcome out = r.attempt.size() >= 2 ? JudgeMultipart(*target_.name, *target_.info, t)
                                        : Judge(*target_.name, target_.info, t, r.attempt.front());
    if (out.status.ok()) {
      Deliver(ri, true);
      trace();
      MaybeRetire(r);
    } else {
      trace();
      std::optional<uint64_t> delay;
      Status give_up = out.status;
      if (out.retry)
        delay = r.attempts.NextDelayMs(target_.options->retry, out, &give_up, &context_);
      if (delay) {
        r.retry_pending = true;
        auto self = shared_from_this();
        r.retry_timer =
            HttpClient::Global().AddTimer(Clock::now() + std::chrono::milliseconds(*delay),
                                          [self, ri] { self->OnRetryTimer(ri); });
      } else {
        if (IsChanged(out.status) && target_.forget) target_.forget();
        Fail(give_up);
        if (r.items_out == 0) Retire(r);
      }
    }
    StartMore();
    MaybeFinish(lock);
  }

  // Client thread: the backoff of request `ri` is over.
  void OnRetryTimer(size_t ri) {
    std::unique_lock<std::mutex> lock(mu_);
    Request& r = requests_[ri];
    if (!r.retry_pending) return;
    r.retry_pending = false;
    if (failed_) {
      if (r.items_out == 0) Retire(r);
      MaybeFinish(lock);
      return;
    }
    ++r.attempts.retries;
    target_.counters->AddRetry();
    Submit(ri);
    MaybeFinish(lock);
  }

  // Pool: runs handed-over pieces until none is left.
  void Helper() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!finished_ && !failed_ && !work_.empty()) {
      Item item = std::move(work_.front());
      work_.pop_front();
      ++items_running_;
      lock.unlock();
      Status st = on_range_(item.index, ByteSpan(item.data, static_cast<size_t>(item.length)));
      item.keep.reset();
      lock.lock();
      --items_running_;
      if (!st.ok()) Fail(st);
      if (item.request != SIZE_MAX) {
        Request& r = requests_[item.request];
        --r.items_out;
        if (failed_ && r.items_out == 0 && !r.in_flight) Retire(r);
        MaybeRetire(r);
      }
      StartMore();
    }
    --helpers_alive_;
    MaybeFinish(lock);
  }

  const ExecTarget target_;
  Source::RangeCallback on_range_;
  std::function<void(Status)> on_done_;
  const IoContext context_;
  const size_t max_helpers_;
  const Clock::time_point start_;

  std::mutex mu_;
  std::deque<Item> work_;
  std::deque<Request> requests_;  // grows at the back only: transfers live in it
  size_t next_ = 0;               // next request to start
  size_t live_ = 0;               // started, not retired
  size_t in_flight_ = 0;
  size_t items_running_ = 0;
  size_t helpers_alive_ = 0;
  bool failed_ = false;
  bool finished_ = false;
  Status error_;
  std::vector<size_t> stalled_;
  uint64_t cancel_subscription_ = 0;
  uint64_t deadline_timer_ = 0;
};

// ---- the probe of an open ----

class ProbeExec : public std::enable_shared_from_this<ProbeExec> {
 public:
  using Done = std::function<void(Result<std::shared_ptr<const HeaderEntry>>, std::string)>;

  ProbeExec(std::string url, std::string name, const SourceOptions& options,
            std::shared_ptr<StatsCounters> counters, IoContext context, Done done)
      : url_(std::move(url)),
        name_(std::move(name)),
        options_(options),
        counters_(std::move(counters)),
        context_(std::move(context)),
        done_(std::move(done)),
        start_(Clock::now()) {
    prefix_ = options_.prefix_bytes > 0 ? options_.prefix_bytes : DefaultPrefixBytes();
  }

  void Start() {
    auto self = shared_from_this();
    std::unique_lock<std::mutex> lock(mu_);
    attempts_.first_start = Clock::now();
    if (Status st = cogr::internal::CheckReadContext(&context_); !st.ok()) return Finish(lock, st);
    if (context_.cancel) {
      cancel_subscription_ = context_.cancel->Subscribe([self] { self->Stop(false); });
    }
    if (context_.deadline) {
      deadline_timer_ =
          HttpClient::Global().AddTimer(*context_.deadline, [self] { self->Stop(true); });
    }
    Submit(lock);
  }

 private:
  void Submit(std::unique_lock<std::mutex>& lock) {
    if (Status st = cogr::internal::CheckReadContext(&context_); !st.ok()) return Finish(lock, st);
    const ByteRange want{0, prefix_};
    if (Status st = PrepareTransfer(url_, options_, want, t_); !st.ok())
      return Finish(lock, st.WithContext(name_));
    buffer_.resize(static_cast<size_t>(prefix_));
    t_.options = &options_;
    t_.want_offset = 0;
    t_.want_length = prefix_;
    t_.buffer = buffer_.data();
    t_.size_known = false;
    auto self = shared_from_this();
    t_.on_done = [self](Transfer&) { self->OnTransferDone(); };
    t_.on_body = nullptr;
    t_.timing = context_.trace != nullptr;
    in_flight_ = true;
    counters_->AddRequest();
    HttpClient::Global().Submit(&t_);
  }

  void Stop(bool deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    if (finished_ || stopped_) return;
    Status st = deadline ? cogr::internal::DeadlineExceeded(&context_)
                         : cogr::internal::CheckReadContext(&context_);
    if (st.ok()) return;
    stopped_ = true;
    stop_status_ = st;
    if (in_flight_) {
      HttpClient::Global().Cancel(t_.id);  // OnTransferDone finishes
    } else {
      if (retry_timer_ != 0) HttpClient::Global().CancelTimer(retry_timer_);
      Finish(lock, st);
    }
  }

  void OnTransferDone() {
    std::unique_lock<std::mutex> lock(mu_);
    in_flight_ = false;
    counters_->AddFetched(t_.body_bytes);
    if (t_.status == 200 && !t_.cancelled) counters_->AddFullBody();
    if (context_.trace) {
      // The prefix is the open's only piece; it is in when the transfer ends.
      std::vector<Trace::Piece> pieces;
      if (t_.status == 206 || t_.status == 200)
        pieces.push_back(Trace::Piece{0, t_.written, context_.trace->NowUs()});
      TraceTransfer(*context_.trace, name_, "header", t_, {ByteRange{0, prefix_}},
                    attempts_.retries, std::move(pieces));
    }
    if (stopped_) {
      return Finish(lock, Status(stop_status_.code(),
                                 stop_status_.message() + "; " + Unfinished(t_, {0, prefix_})));
    }
    Outcome out = Judge(name_, nullptr, t_, ByteRange{0, prefix_});
    if (out.status.ok()) {
      auto entry = std::make_shared<HeaderEntry>();
      entry->uri = url_;
      entry->size = out.info.size;
      entry->etag = out.info.etag;
      entry->last_modified = out.info.last_modified;
      if (out.prefix_bytes > 0) {
        buffer_.resize(static_cast<size_t>(out.prefix_bytes));
        entry->chunks.push_back(HeaderEntry::Chunk{0, std::move(buffer_)});
      }
      return Finish(lock, std::shared_ptr<const HeaderEntry>(std::move(entry)));
    }
    region_ = t_.bucket_region;
    if (!out.retry) return Finish(lock, out.status);
    Status give_up;
    auto delay = attempts_.NextDelayMs(options_.retry, out, &give_up, &context_);
    if (!delay) return Finish(lock, give_up);
    auto self = shared_from_this();
    retry_timer_ =
        HttpClient::Global().AddTimer(Clock::now() + std::chrono::milliseconds(*delay), [self] {
          std::unique_lock<std::mutex> timer_lock(self->mu_);
          if (self->finished_) return;
          self->retry_timer_ = 0;
          ++self->attempts_.retries;
          self->counters_->AddRetry();
          self->Submit(timer_lock);
        });
  }

  void Finish(std::unique_lock<std::mutex>& lock,
              Result<std::shared_ptr<const HeaderEntry>> result) {
    if (finished_) return;
    finished_ = true;
    auto done = std::move(done_);
    std::string region = region_;
    const uint64_t subscription = cancel_subscription_;
    const uint64_t deadline_timer = deadline_timer_;
    counters_->AddWaitUs(ElapsedUs(start_));
    lock.unlock();
    if (subscription != 0) context_.cancel->Unsubscribe(subscription);
    if (deadline_timer != 0) HttpClient::Global().CancelTimer(deadline_timer);
    PostDone(
        [done = std::move(done), result = std::move(result), region = std::move(region)]() mutable {
          done(std::move(result), std::move(region));
        });
  }

  const std::string url_, name_;
  const SourceOptions options_;
  const std::shared_ptr<StatsCounters> counters_;
  const IoContext context_;
  Done done_;
  const Clock::time_point start_;
  uint64_t prefix_ = 0;

  std::mutex mu_;
  Transfer t_;
  std::vector<uint8_t> buffer_;
  Attempts attempts_;
  uint64_t retry_timer_ = 0;
  uint64_t cancel_subscription_ = 0;
  uint64_t deadline_timer_ = 0;
  bool in_flight_ = false;
  bool stopped_ = false;
  bool finished_ = false;
  Status stop_status_;
  std::string region_;
};

}  // namespace

void StartRangeExec(ExecTarget target, std::vector<ReadyRange> ready,
                    std::vector<std::vector<PlannedRequest>> requests,
                    Source::RangeCallback on_range, std::function<void(Status)> on_done,
                    IoContext context, size_t max_parallel) {
  auto exec = std::make_shared<RangeExec>(std::move(target), std::move(on_range),
                                          std::move(on_done), std::move(context), max_parallel);
  exec->Start(std::move(ready), std::move(requests));
}

void StartProbe(
    std::string url, std::string name, const SourceOptions& options,
    std::shared_ptr<StatsCounters> counters, IoContext context,
    std::function<void(Result<std::shared_ptr<const HeaderEntry>>, std::string bucket_region)>
        done) {
  auto probe =
      std::make_shared<ProbeExec>(std::move(url), std::move(name), options, std::move(counters),
                                  std::move(context), std::move(done));
  probe->Start();
}

}  // namespace cogr::io::internal

#endif  // COGR_HAVE_CURL
