// `cogr bench URI... [--window C,R,W,H] [--out-shape H,W] [--concurrency N] [--repeat N]
// [--header-cache DIR] [--json]`: the same read of every URI, run concurrently in one process,
// with wall time, latency percentiles and what the I/O cost (requests, bytes, retries).
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "args.hpp"
#include "bounds.hpp"
#include "cogr/dataset.hpp"
#include "cogr/event_queue.hpp"
#include "commands.hpp"
#include "json_writer.hpp"
#include "report.hpp"
#include "stats.hpp"
#include "subcommand.hpp"
#include "trace_output.hpp"

namespace cogr::cli {
namespace {

constexpr std::string_view kBenchUsage =
    "usage: cogr bench URI... [--window COL_OFF,ROW_OFF,WIDTH,HEIGHT] [--out-shape H,W]\n"
    "                  [--concurrency N] [--repeat N] [--header-cache DIR] [--json]\n"
    "                  [--timeout SECONDS] [--max-memory BYTES]\n"
    "                  [--trace FILE.json] [--report FILE.html]\n"
    "\n"
    "Opens every URI (path, http(s)://, s3://, gs://, az://) and reads the same window from\n"
    "each, all at once (or up to N at once), REPEAT times, in one process: opens and reads are\n"
    "asynchronous, so no thread waits for the network. Each open+read is timed; the I/O\n"
    "cost comes from the datasets' counters. Prints a table (or one JSON object with --json)\n"
    "per URI and in total: reads, errors, wall time, p50/p95 latency, requests, bytes fetched\n"
    "and used, retries. A progress bar is drawn on stderr when it is a terminal.\n"
    "\n"
    "options:\n"
    "  --window C,R,W,H    pixel window (default: the whole image)\n"
    "  --out-shape H,W     resample the window to H x W (nearest; reads the overview GDAL\n"
    "                      would pick)\n"
    "  --concurrency N     open+reads in flight at once (default: all of them)\n"
    "  --repeat N          reads per URI (default: 1); each one opens the URI again\n"
    "  --header-cache DIR  persisted header cache: warm opens make no request (default: no\n"
    "                      header cache, every open is cold)\n"
    "  --json              print one JSON object on stdout (keys: see README 'cogr bench')\n"
    "  --trace FILE.json   write every request and block decode as a Chrome trace (open it\n"
    "                      in Perfetto or chrome://tracing; see docs/trace.md)\n"
    "  --report FILE.html  write one self-contained HTML page: a waterfall of the requests\n"
    "                      per URI, latency histogram and percentiles, bytes fetched vs\n"
    "                      used, and the table above\n"
    "  --timeout SECONDS   give up after this long for the whole command: reads still\n"
    "                      running then fail (decimals allowed; 0 = no limit; default: env\n"
    "                      COGR_TIMEOUT, else no limit)\n"
    "  --max-memory BYTES  largest array (and decoded block) one read may allocate: bytes, or\n"
    "                      with K, M, G, T (powers of 1024), e.g. 512M\n"
    "  -h, --help          show this help and exit\n";

constexpr SubOption kBenchOptions[] = {{"--window", "", true},       {"--out-shape", "", true},
                                       {"--concurrency", "", true},  {"--repeat", "", true},
                                       {"--header-cache", "", true}, {"--json", "", false},
                                       {"--timeout", "", true},      {"--max-memory", "", true},
                                       {"--trace", "", true},        {"--report", "", true}};

constexpr int64_t kMaxConcurrency = 1024;
constexpr int64_t kMaxRepeat = 1000000;

// What one open+read of one URI cost.
struct Sample {
  double ms = 0;
  bool ok = false;
  std::string error;
  io::IoStats stats;
};

struct UriResult {
  std::string uri;
  std::vector<Sample> samples;
  std::chrono::steady_clock::time_point first_start = std::chrono::steady_clock::time_point::max();
  std::chrono::steady_clock::time_point last_end = std::chrono::steady_clock::time_point::min();
};

struct Summary {
  uint64_t reads = 0, errors = 0;
  double wall_ms = 0;
  double p50 = 0, p95 = 0, min = 0, max = 0, mean = 0;
  io::IoStats stats;
  std::string first_error;
};

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const size_t i = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(i, sorted.size() - 1)];
}

Summary Summarize(const std::vector<const Sample*>& samples, double wall_ms) {
  Summary s;
  s.wall_ms = wall_ms;
  std::vector<double> ms;
  for (const Sample* x : samples) {
    ++s.reads;
    if (!x->ok) {
      ++s.errors;
      if (s.first_error.empty()) s.first_error = x->error;
    }
    ms.push_back(x->ms);
    s.stats += x->stats;
  }
  std::sort(ms.begin(), ms.end());
  if (!ms.empty()) {
    s.p50 = Percentile(ms, 50);
    s.p95 = Percentile(ms, 95);
    s.min = ms.front();
    s.max = ms.back();
    double sum = 0;
    for (double v : ms) sum += v;
    s.mean = sum / static_cast<double>(ms.size());
  }
  return s;
}

double Ms(std::chrono::steady_clock::duration d) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) /
         1000.0;
}

// Milliseconds with microsecond precision.
double Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

void WriteSummary(JsonWriter& w, const Summary& s) {
  w.Key("reads").UInt(s.reads);
  w.Key("errors").UInt(s.errors);
  w.Key("wall_ms").Double(Round3(s.wall_ms));
  w.Key("latency_ms").BeginObject();
  w.Key("p50").Double(Round3(s.p50));
  w.Key("p95").Double(Round3(s.p95));
  w.Key("min").Double(Round3(s.min));
  w.Key("max").Double(Round3(s.max));
  w.Key("mean").Double(Round3(s.mean));
  w.EndObject();
  WriteIoCounters(w, s.stats);
  w.Key("wait_ms").Double(Round3(static_cast<double>(s.stats.wait_us) / 1000.0));
  w.Key("cache_hits").UInt(s.stats.cache_hits);
}

std::string Bytes(uint64_t n) {
  char buf[32];
  if (n < 1024) {
    std::snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(n));
  } else if (n < (1u << 20)) {
    std::snprintf(buf, sizeof(buf), "%.1f KiB", static_cast<double>(n) / 1024.0);
  } else if (n < (1ull << 30)) {
    std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(n) / 1048576.0);
  } else {
    std::snprintf(buf, sizeof(buf), "%.2f GiB", static_cast<double>(n) / 1073741824.0);
  }
  return buf;
}

void PrintRow(int uri_width, const std::string& name, const Summary& s) {
  std::printf("%-*s %6llu %6llu %9.2f %9.2f %9.2f %9llu %11s %11s %7llu\n", uri_width, name.c_str(),
              static_cast<unsigned long long>(s.reads), static_cast<unsigned long long>(s.errors),
              s.wall_ms, s.p50, s.p95, static_cast<unsigned long long>(s.stats.requests),
              Bytes(s.stats.bytes_fetched).c_str(), Bytes(s.stats.bytes_used).c_str(),
              static_cast<unsigned long long>(s.stats.retries));
}

BenchRow RowOf(const std::string& name, const Summary& s) {
  BenchRow row;
  row.name = name;
  row.reads = s.reads;
  row.errors = s.errors;
  row.wall_ms = s.wall_ms;
  row.p50_ms = s.p50;
  row.p95_ms = s.p95;
  row.stats = s.stats;
  return row;
}

}  // namespace

int RunBench(std::span<const std::string> argv) {
  auto parsed = ParseSubArgs("bench", argv, kBenchOptions);
  if (!parsed.ok()) {
    PrintError(parsed.status().message());
    return kExitUsage;
  }
  if (parsed->help) {
    std::fputs(std::string(kBenchUsage).c_str(), stdout);
    return FinishStdout() ? 0 : kExitFailure;
  }
  ReadOptions read;
  OpenOptions open;
  open.io.memory_header_cache = false;  // every open is cold unless --header-cache
  open.io.persisted_header_cache = false;
  open.block_cache_bytes = 0;  // each task opens its own Dataset: cached blocks are never reused
  int64_t concurrency = 0, repeat = 1;  // 0: every task in flight at once
  bool json = false;
  std::string trace_path, report_path;
  std::optional<std::array<int64_t, 4>> window;
  CommandBounds bounds;
  for (const auto& [name, value] : parsed->options) {
    Status st;
    if (IsBoundsOption(name)) {
      if (Status applied = bounds.ApplyOption(name, value); !applied.ok()) {
        PrintError("bench: " + applied.message());
        return kExitUsage;
      }
    } else if (name == "--window") {
      auto w = ParseWindow(value, false);
      if (w.ok()) window = *w;
      st = w.status();
    } else if (name == "--out-shape") {
      auto shape = ParseShape(value);
      if (shape.ok()) read.out_shape = std::make_pair((*shape)[0], (*shape)[1]);
      st = shape.status();
    } else if (name == "--concurrency") {
      auto n = ParseInt(value, 1, kMaxConcurrency);
      if (n.ok()) concurrency = *n;
      st = n.status();
    } else if (name == "--repeat") {
      auto n = ParseInt(value, 1, kMaxRepeat);
      if (n.ok()) repeat = *n;
      st = n.status();
    } else if (name == "--header-cache") {
      if (value.empty()) st = Status::InvalidArgument("empty directory name");
      open.io.persisted_header_cache = true;
      open.io.header_cache_dir = value;
    } else if (name == "--json") {
      json = true;
    } else if (name == "--trace" || name == "--report") {
      if (value.empty()) st = Status::InvalidArgument("empty file name");
      (name == "--trace" ? trace_path : report_path) = value;
    }
    if (!st.ok()) {
      PrintError("bench: " + name + ": " + st.message());
      return kExitUsage;
    }
  }
  if (window) {
    const auto& w = *window;
    read.window = geo::Window{static_cast<double>(w[0]), static_cast<double>(w[1]),
                              static_cast<double>(w[2]), static_cast<double>(w[3])};
  }
  const std::vector<std::string>& uris = parsed->positional;
  if (uris.empty()) {
    PrintError("bench: missing URI (see 'cogr bench --help')");
    return kExitUsage;
  }
  if (Status env = bounds.ApplyEnvironment(); !env.ok()) {
    PrintError("bench: " + env.message());
    return kExitUsage;
  }
  bounds.Start();
  bounds.ApplyTo(open);
  bounds.ApplyTo(read);
  std::shared_ptr<Trace> trace;
  if (!trace_path.empty() || !report_path.empty()) {
    trace = std::make_shared<Trace>();
    open.trace = trace;
    read.trace = trace;
  }

  // Tasks in repeat-major order, so that every URI is read at the same time.
  std::vector<UriResult> results(uris.size());
  for (size_t i = 0; i < uris.size(); ++i) {
    results[i].uri = uris[i];
    results[i].samples.resize(static_cast<size_t>(repeat));
  }
  const size_t total_tasks = uris.size() * static_cast<size_t>(repeat);
  const size_t in_flight_cap = concurrency > 0
                                   ? std::min<size_t>(static_cast<size_t>(concurrency), total_tasks)
                                   : total_tasks;
  // One thread drives everything: it starts opens (OpenAsync), starts the read of each opened
  // Dataset (ReadAsync) and records what finished. No thread waits for bytes, so every task can
  // be in flight at once; the cap bounds open+reads in flight (and so connections).
  struct Event {
    size_t task = 0;
    std::shared_ptr<Dataset> ds;  // set: the open succeeded, start the read
    Status status;                // open error, or the read's outcome (ds null)
    bool read_done = false;
  };
  EventQueue<Event> events;
  auto post = [&events](Event e) { events.Post(std::move(e)); };
  std::vector<std::chrono::steady_clock::time_point> task_start(total_tasks);
  size_t next = 0, in_flight = 0, done = 0;
  const auto start = std::chrono::steady_clock::now();
  auto start_task = [&](size_t task) {
    const size_t u = task % uris.size();
    task_start[task] = std::chrono::steady_clock::now();
    Dataset::OpenAsync(uris[u], open, [&post, task](Result<std::shared_ptr<Dataset>> ds) {
      Event e;
      e.task = task;
      if (ds.ok()) {
        e.ds = std::move(ds).value();
      } else {
        e.status = ds.status();
      }
      post(std::move(e));
    });
  };
  auto finish_task = [&](size_t task, const Status& st, const Dataset* ds) {
    const size_t u = task % uris.size();
    Sample& sample = results[u].samples[task / uris.size()];
    const auto t1 = std::chrono::steady_clock::now();
    sample.ok = st.ok();
    if (!st.ok()) sample.error = bounds.Explain(st);
    if (ds != nullptr) sample.stats = ds->io_stats();
    sample.ms = Ms(t1 - task_start[task]);
    results[u].first_start = std::min(results[u].first_start, task_start[task]);
    results[u].last_end = std::max(results[u].last_end, t1);
    --in_flight;
    ++done;
  };
  {
    ProgressBar bar("bench");
    while (done < total_tasks) {
      while (next < total_tasks && in_flight < in_flight_cap) {
        ++in_flight;
        start_task(next++);
      }
      for (Event& e : events.WaitFor(std::chrono::milliseconds(100))) {
        if (e.read_done || !e.ds) {
          finish_task(e.task, e.status, e.ds.get());
          continue;
        }
        // Issued from this thread (not from a callback), so the read runs asynchronously too.
        std::shared_ptr<Dataset> ds = e.ds;
        const size_t task = e.task;
        ds->ReadAsync(read, [&post, ds, task](Result<Array> array) {
          Event r;
          r.task = task;
          r.ds = ds;
          r.read_done = true;
          r.status = array.status();
          post(std::move(r));
        });
      }
      bar.Update(static_cast<double>(done) / static_cast<double>(total_tasks));
    }
  }
  const double wall_ms = Ms(std::chrono::steady_clock::now() - start);

  std::vector<Summary> per_uri;
  std::vector<const Sample*> all;
  for (const UriResult& r : results) {
    std::vector<const Sample*> mine;
    for (const Sample& s : r.samples) {
      mine.push_back(&s);
      all.push_back(&s);
    }
    per_uri.push_back(Summarize(mine, Ms(r.last_end - r.first_start)));
  }
  const Summary total = Summarize(all, wall_ms);

  if (json) {
    JsonWriter w;
    w.BeginObject();
    w.Key("concurrency").UInt(in_flight_cap);
    w.Key("repeat").UInt(static_cast<uint64_t>(repeat));
    if (window) {
      w.Key("window").BeginArray();
      for (int64_t v : *window) w.Int(v);
      w.EndArray();
    } else {
      w.Key("window").Null();
    }
    if (read.out_shape) {
      w.Key("out_shape")
          .BeginArray()
          .UInt(read.out_shape->first)
          .UInt(read.out_shape->second)
          .EndArray();
    } else {
      w.Key("out_shape").Null();
    }
    w.Key("uris").BeginArray();
    for (size_t i = 0; i < results.size(); ++i) {
      w.BeginObject();
      w.Key("uri").String(results[i].uri);
      WriteSummary(w, per_uri[i]);
      if (per_uri[i].first_error.empty()) {
        w.Key("error").Null();
      } else {
        w.Key("error").String(per_uri[i].first_error);
      }
      w.EndObject();
    }
    w.EndArray();
    w.Key("total").BeginObject();
    w.Key("uris").UInt(results.size());
    WriteSummary(w, total);
    w.EndObject();
    w.EndObject();
    const std::string line = w.str() + "\n";
    std::fputs(line.c_str(), stdout);
  } else {
    int width = 5;
    for (const UriResult& r : results)
      width = std::max(width, static_cast<int>(std::min<size_t>(r.uri.size(), 80)));
    std::printf("%-*s %6s %6s %9s %9s %9s %9s %11s %11s %7s\n", width, "uri", "reads", "errors",
                "wall ms", "p50 ms", "p95 ms", "requests", "fetched", "used", "retries");
    for (size_t i = 0; i < results.size(); ++i) PrintRow(width, results[i].uri, per_uri[i]);
    PrintRow(width, "total", total);
  }
  if (!FinishStdout()) return kExitFailure;
  if (!trace_path.empty()) {
    if (Status st = WriteTraceFile(*trace, trace_path); !st.ok()) {
      PrintError(st.message());
      return kExitFailure;
    }
  }
  if (!report_path.empty()) {
    std::vector<BenchRow> rows;
    for (size_t i = 0; i < results.size(); ++i) rows.push_back(RowOf(results[i].uri, per_uri[i]));
    rows.push_back(RowOf("total", total));
    if (Status st = WriteBenchReport(*trace, rows, report_path); !st.ok()) {
      PrintError(st.message());
      return kExitFailure;
    }
  }
  if (total.errors > 0) {
    for (size_t i = 0; i < results.size(); ++i) {
      if (!per_uri[i].first_error.empty()) {
        PrintError(results[i].uri + ": " + std::to_string(per_uri[i].errors) + " of " +
                   std::to_string(per_uri[i].reads) +
                   " reads failed; first error: " + per_uri[i].first_error);
      }
    }
    return kExitFailure;
  }
  return 0;
}

CommandSpec BenchCommand() { return {"bench", kBenchOptions, kBenchUsage, RunBench}; }

}  // namespace cogr::cli
