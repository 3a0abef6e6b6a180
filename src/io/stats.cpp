#include "io/stats.hpp"

#include "cogr/trace.hpp"
#include "io/read_context.hpp"

namespace cogr::io {

IoStats Source::stats() const { return IoStats{}; }

IoStats operator-(const IoStats& a, const IoStats& b) {
  IoStats d;
  d.requests = a.requests - b.requests;
  d.bytes_fetched = a.bytes_fetched - b.bytes_fetched;
  d.bytes_used = a.bytes_used - b.bytes_used;
  d.retries = a.retries - b.retries;
  d.wait_us = a.wait_us - b.wait_us;
  d.cache_hits = a.cache_hits - b.cache_hits;
  d.full_body_responses = a.full_body_responses - b.full_body_responses;
  return d;
}

IoStats& operator+=(IoStats& a, const IoStats& b) {
  a.requests += b.requests;
  a.bytes_fetched += b.bytes_fetched;
  a.bytes_used += b.bytes_used;
  a.retries += b.retries;
  a.wait_us += b.wait_us;
  a.cache_hits += b.cache_hits;
  a.full_body_responses += b.full_body_responses;
  return a;
}

namespace internal {
namespace {

class Counting final : public Source {
 public:
  explicit Counting(std::shared_ptr<Source> inner) : inner_(std::move(inner)) {}

  Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const override {
    WaitTimer timer(counters_);
    // The caller's trace (Source::ReadRanges installs the caller's context on its workers).
    const cogr::internal::ReadContext* context = cogr::internal::CurrentReadContext();
    Trace* trace = context != nullptr ? context->trace.get() : nullptr;
    const int64_t start_us = trace != nullptr ? trace->NowUs() : 0;
    auto n = inner_->ReadAt(offset, out);
    counters_.AddRequest();
    if (n.ok()) {
      counters_.AddFetched(*n);
      counters_.AddUsed(*n);
    }
    if (trace != nullptr) TracePread(*trace, offset, out.size(), n, start_us);
    return n;
  }
  uint64_t size() const override { return inner_->size(); }
  const std::string& uri() const override { return inner_->uri(); }
  IoStats stats() const override { return counters_.Snapshot(); }

 private:
  void TracePread(Trace& trace, uint64_t offset, size_t asked, const Result<size_t>& n,
                  int64_t start_us) const {
    Trace::Request e;
    e.uri = inner_->uri();
    e.kind = "pread";
    e.ranges.push_back(ByteRange{offset, asked});
    e.start_us = start_us;
    e.end_us = trace.NowUs();
    e.first_byte_us = e.end_us;
    e.thread = Trace::ThreadNumber();
    if (n.ok()) {
      e.bytes = *n;
      e.pieces.push_back(Trace::Piece{offset, *n, e.end_us});
    } else {
      e.error = n.status().message();
    }
    trace.Add(std::move(e));
  }

  std::shared_ptr<Source> inner_;
  mutable StatsCounters counters_;
};

}  // namespace

std::shared_ptr<Source> CountingSource(std::shared_ptr<Source> inner) {
  return std::make_shared<Counting>(std::move(inner));
}

}  // namespace internal
}  // namespace cogr::io
