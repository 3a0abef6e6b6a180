#include "stats.hpp"

#include <cstdio>

#include "json_writer.hpp"

namespace cogr::cli {

std::string IoStatsJson(const io::IoStats& s) {
  JsonWriter w;
  w.BeginObject();
  w.Key("requests").UInt(s.requests);
  w.Key("bytes_fetched").UInt(s.bytes_fetched);
  w.Key("bytes_used").UInt(s.bytes_used);
  w.Key("retries").UInt(s.retries);
  w.Key("wait_ms").Double(static_cast<double>(s.wait_us / 1000) +
                          static_cast<double>(s.wait_us % 1000) / 1000.0);
  w.Key("cache_hits").UInt(s.cache_hits);
  w.Key("full_body_responses").UInt(s.full_body_responses);
  w.EndObject();
  return w.str();
}

void PrintIoStats(const io::IoStats& stats) {
  const std::string line = IoStatsJson(stats) + "\n";
  std::fflush(stdout);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace cogr::cli
