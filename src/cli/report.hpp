// cli: `cogr bench --report FILE.html`: one self-contained HTML page (inline CSS, JS and SVG;
// no network) drawn from a Trace and the bench table. The data sits in the page as
// <script type="application/json" id="cogr-data">, which the page's script renders.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cogr/io.hpp"
#include "cogr/status.hpp"
#include "cogr/trace.hpp"
#include "json_writer.hpp"

namespace cogr::cli {

/// One row of the bench table (a URI, or "total").
struct BenchRow {
  std::string name;
  uint64_t reads = 0, errors = 0;
  double wall_ms = 0, p50_ms = 0, p95_ms = 0;
  io::IoStats stats;
};

/// The embedded data: {"uris": [{"uri", "requests": [{"kind", "ranges", "start_ms",
/// "first_byte_ms" (null if none), "end_ms", "bytes", "status", "retry", "new_connection",
/// "connection", "error"}...], "decodes", "bytes_fetched", "bytes_used"}...],
/// "latency": {"requests", "ttfb_ms": {"p50", "p90", "p99"}, "total_ms": {...}},
/// "table": [{"name", "reads", "errors", "wall_ms", "p50_ms", "p95_ms", "requests",
/// "bytes_fetched", "bytes_used", "retries"}...]}. Requests are in start order, one per request.
std::string BenchReportJson(const Trace& trace, const std::vector<BenchRow>& rows);

/// The keys "requests", "bytes_fetched", "bytes_used", "retries" of `s`, into an open object
/// (the bench table's, `cogr stack --stats` lines).
void WriteIoCounters(JsonWriter& w, const io::IoStats& s);

/// The page around BenchReportJson, written through OutputFile (whole or not at all).
Status WriteBenchReport(const Trace& trace, const std::vector<BenchRow>& rows,
                        const std::string& path);

}  // namespace cogr::cli
