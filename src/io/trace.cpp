// cogr::Trace (cogr/trace.hpp): the event store and its Chrome trace-event export.
#include "cogr/trace.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <tuple>
#include <utility>

namespace cogr {

Trace::Trace() : start_(Clock::now()) {}

Trace::Clock::time_point Trace::start() const {
  std::lock_guard<std::mutex> lock(mu_);
  return start_;
}

int64_t Trace::Us(Clock::time_point t) const {
  Clock::time_point start;
  {
    std::lock_guard<std::mutex> lock(mu_);
    start = start_;
  }
  return std::chrono::duration_cast<std::chrono::microseconds>(t - start).count();
}

void Trace::Add(Request request) {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back(std::move(request));
}

void Trace::Add(Decode decode) {
  std::lock_guard<std::mutex> lock(mu_);
  decodes_.push_back(std::move(decode));
}

std::vector<Trace::Request> Trace::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<Trace::Decode> Trace::decodes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return decodes_;
}

void Trace::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
  decodes_.clear();
  start_ = Clock::now();
}

uint32_t Trace::ThreadNumber() {
  static std::atomic<uint32_t> next{1};
  thread_local const uint32_t number = next.fetch_add(1, std::memory_order_relaxed);
  return number;
}

namespace {

// Track ids: decode threads keep their number; connections and local readers sit above them.
constexpr int64_t kConnectionTid = 100000;
constexpr int64_t kNoConnectionTid = 99999;  // HTTP attempts that never got a connection
constexpr int64_t kFileTid = 200000;

void AppendQuoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out += buf;
    } else if (u >= 0x80) {
      // Event text is URIs and messages; bytes past ASCII are written as Latin-1 code points,
      // so the output stays valid JSON whatever the input's encoding.
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

// HTTP's inclusive form: "0-32767,40000-49999".
std::string RangesText(const std::vector<ByteRange>& ranges) {
  std::string s;
  for (const ByteRange& r : ranges) {
    if (!s.empty()) s += ',';
    s += std::to_string(r.offset) + "-" + std::to_string(r.length == 0 ? r.offset : r.end() - 1);
  }
  return s;
}

class EventWriter {
 public:
  explicit EventWriter(std::string& out) : out_(out) {}

  // {"name": ..., "cat": ..., "ph": "X", "ts": .., "dur": .., "pid": .., "tid": .., "args": {
  void BeginComplete(std::string_view name, std::string_view cat, int64_t ts, int64_t dur,
                     int64_t pid, int64_t tid) {
    Begin();
    out_ += "{\"name\": ";
    AppendQuoted(out_, name);
    out_ += ", \"cat\": ";
    AppendQuoted(out_, cat);
    out_ += ", \"ph\": \"X\", \"ts\": " + std::to_string(ts) +
            ", \"dur\": " + std::to_string(std::max<int64_t>(dur, 0)) +
            ", \"pid\": " + std::to_string(pid) + ", \"tid\": " + std::to_string(tid) +
            ", \"args\": {";
    first_arg_ = true;
  }
  void Arg(std::string_view key, std::string_view value) {
    ArgKey(key);
    AppendQuoted(out_, value);
  }
  void Arg(std::string_view key, int64_t value) {
    ArgKey(key);
    out_ += std::to_string(value);
  }
  void ArgBool(std::string_view key, bool value) {
    ArgKey(key);
    out_ += value ? "true" : "false";
  }
  void End() { out_ += "}}"; }

  // Metadata: process_name, thread_name, thread_sort_index.
  void Meta(std::string_view what, int64_t pid, int64_t tid, std::string_view name) {
    Begin();
    out_ += "{\"name\": ";
    AppendQuoted(out_, what);
    out_ += ", \"ph\": \"M\", \"pid\": " + std::to_string(pid) +
            ", \"tid\": " + std::to_string(tid) + ", \"args\": {\"name\": ";
    AppendQuoted(out_, name);
    out_ += "}}";
  }
  void SortIndex(int64_t pid, int64_t tid, int64_t index) {
    Begin();
    out_ += "{\"name\": \"thread_sort_index\", \"ph\": \"M\", \"pid\": " + std::to_string(pid) +
            ", \"tid\": " + std::to_string(tid) +
            ", \"args\": {\"sort_index\": " + std::to_string(index) + "}}";
  }

 private:
  void Begin() {
    if (!first_) out_ += ",\n";
    first_ = false;
  }
  void ArgKey(std::string_view key) {
    if (!first_arg_) out_ += ", ";
    first_arg_ = false;
    AppendQuoted(out_, key);
    out_ += ": ";
  }

  std::string& out_;
  bool first_ = true;
  bool first_arg_ = true;
};

}  // namespace

std::string Trace::ToChromeJson() const {
  std::vector<Request> requests = this->requests();
  std::vector<Decode> decodes = this->decodes();
  std::stable_sort(requests.begin(), requests.end(),
                   [](const Request& a, const Request& b) { return a.start_us < b.start_us; });
  std::stable_sort(decodes.begin(), decodes.end(),
                   [](const Decode& a, const Decode& b) { return a.start_us < b.start_us; });

  // One process per URI, in order of first appearance.
  std::map<std::string, int64_t> pids;
  std::vector<std::string> uris;
  auto pid_of = [&](const std::string& uri) {
    auto [it, added] = pids.emplace(uri, static_cast<int64_t>(pids.size()) + 1);
    if (added) uris.push_back(uri);
    return it->second;
  };
  // One track per connection (server address + our port), numbered in order of first use.
  std::map<std::pair<std::string, uint32_t>, int64_t> connections;
  std::map<std::pair<int64_t, int64_t>, std::string> tracks;  // (pid, tid) -> name
  std::map<std::pair<int64_t, int64_t>, int64_t> sort_index;

  std::string out = "{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n";
  EventWriter w(out);
  for (const Request& r : requests) {
    const int64_t pid = pid_of(r.uri);
    int64_t tid;
    if (r.kind == "pread") {
      tid = kFileTid + r.thread;
      tracks[{pid, tid}] = "file reads, thread " + std::to_string(r.thread);
      sort_index[{pid, tid}] = 1000 + r.thread;
    } else if (r.local_port == 0) {
      tid = kNoConnectionTid;
      tracks[{pid, tid}] = "no connection";
      sort_index[{pid, tid}] = 0;
    } else {
      auto [it, added] = connections.emplace(std::make_pair(r.remote, r.local_port),
                                             static_cast<int64_t>(connections.size()) + 1);
      tid = kConnectionTid + it->second;
      tracks[{pid, tid}] = "conn " + std::to_string(it->second) + " (" + r.remote + ")";
      sort_index[{pid, tid}] = it->second;
    }
    const std::string ranges = RangesText(r.ranges);
    const std::string name = (r.kind == "pread"    ? std::string("pread ")
                              : r.kind == "header" ? std::string("GET header ")
                                                   : std::string("GET ")) +
                             ranges;
    w.BeginComplete(name, r.kind == "pread" ? "file" : "http", r.start_us, r.end_us - r.start_us,
                    pid, tid);
    w.Arg("uri", r.uri);
    w.Arg("kind", r.kind);
    w.Arg("ranges", ranges);
    w.Arg("bytes", static_cast<int64_t>(r.bytes));
    if (r.kind != "pread") {
      w.Arg("status", r.status);
      w.Arg("retry", r.retry);
      w.ArgBool("new_connection", r.new_connection);
      w.Arg("remote", r.remote);
      w.Arg("local_port", r.local_port);
      if (r.dns_us >= 0) w.Arg("dns_us", r.dns_us - r.start_us);
      if (r.connect_us >= 0) w.Arg("connect_us", r.connect_us - r.start_us);
      if (r.tls_us >= 0) w.Arg("tls_us", r.tls_us - r.start_us);
      if (r.first_byte_us >= 0) w.Arg("first_byte_us", r.first_byte_us - r.start_us);
    }
    w.Arg("pieces", static_cast<int64_t>(r.pieces.size()));
    if (!r.error.empty()) w.Arg("error", r.error);
    w.End();
    // The wait for the first byte and the download as nested slices: the first-byte point is
    // where one ends and the other starts.
    if (r.kind != "pread" && r.first_byte_us >= 0) {
      w.BeginComplete("waiting", "http", r.start_us, r.first_byte_us - r.start_us, pid, tid);
      w.End();
      w.BeginComplete("receiving", "http", r.first_byte_us, r.end_us - r.first_byte_us, pid, tid);
      w.End();
    }
  }
  for (const Decode& d : decodes) {
    const int64_t pid = pid_of(d.uri);
    const auto tid = static_cast<int64_t>(d.thread);
    tracks[{pid, tid}] = "decode thread " + std::to_string(d.thread);
    sort_index[{pid, tid}] = 500 + d.thread;
    w.BeginComplete("decode " + d.codec, "decode", d.start_us, d.end_us - d.start_us, pid, tid);
    w.Arg("uri", d.uri);
    w.Arg("ifd", d.ifd);
    w.Arg("block", static_cast<int64_t>(d.block));
    w.Arg("codec", d.codec);
    w.Arg("range", RangesText({d.range}));
    w.Arg("bytes_in", static_cast<int64_t>(d.bytes_in));
    w.Arg("bytes_out", static_cast<int64_t>(d.bytes_out));
    if (!d.ok) w.ArgBool("ok", false);
    w.End();
  }
  for (const std::string& uri : uris) w.Meta("process_name", pids[uri], 0, uri);
  for (const auto& [key, name] : tracks) {
    w.Meta("thread_name", key.first, key.second, name);
    w.SortIndex(key.first, key.second, sort_index[key]);
  }
  out += "\n]}\n";
  return out;
}

}  // namespace cogr
