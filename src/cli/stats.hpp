// cli: the `--stats` line of `cogr info|read` and the cost columns of `cogr bench`.
#pragma once

#include <string>

#include "cogr/io.hpp"

namespace cogr::cli {

/// One JSON object on one line (no newline) with the fields of io::IoStats, snake_case:
/// {"requests": N, "bytes_fetched": N, "bytes_used": N, "retries": N, "wait_ms": X,
///  "cache_hits": N, "full_body_responses": N}. wait_ms has microsecond precision (3 decimals).
std::string IoStatsJson(const io::IoStats& stats);

/// Prints IoStatsJson(stats) and a newline on stderr.
void PrintIoStats(const io::IoStats& stats);

}  // namespace cogr::cli
