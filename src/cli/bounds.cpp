#include "bounds.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <system_error>

#include "args.hpp"

namespace cogr::cli {
namespace {

// The largest timeout: io::SourceOptions holds milliseconds in a uint32_t.
constexpr double kMaxTimeoutSeconds = 4294967;
// COGR_LOW_SPEED_TIME's bound (a day): anything longer is "off" in practice.
constexpr int64_t kMaxLowSpeedSeconds = 86400;

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

}  // namespace

Result<uint64_t> ParseTimeoutSeconds(std::string_view text) {
  auto seconds = ParseDouble(text);
  if (!seconds.ok() || !std::isfinite(*seconds) || *seconds < 0 || *seconds > kMaxTimeoutSeconds) {
    return Status::InvalidArgument("expected seconds in [0, 4294967] (0 = no limit), got " +
                                   Quote(text));
  }
  return static_cast<uint64_t>(std::ceil(*seconds * 1000.0));
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  const auto bad = [&] {
    return Status::InvalidArgument(
        "expected bytes (an integer >= 1, optionally with K, M, G or T), got " + Quote(text));
  };
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return bad();
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (ec != std::errc() || ptr != text.data() + digits) return bad();
  std::string suffix;
  for (char c : text.substr(digits))
    suffix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int shift = 0;
  if (!suffix.empty()) {
    const std::string_view units = "KMGT";
    const size_t unit = units.find(suffix[0]);
    const std::string_view rest = std::string_view(suffix).substr(1);
    if (unit == std::string_view::npos || !(rest.empty() || rest == "B" || rest == "IB"))
      return bad();
    shift = 10 * static_cast<int>(unit + 1);
  }
  if (value == 0) return bad();
  if (value > (std::numeric_limits<uint64_t>::max() >> shift)) {
    return Status::InvalidArgument(Quote(text) + " is out of range");
  }
  return value << shift;
}

bool IsBoundsOption(std::string_view name) { return name == "--timeout" || name == "--max-memory"; }

Status CommandBounds::ApplyOption(std::string_view name, std::string_view value) {
  if (name == "--timeout") {
    auto ms = ParseTimeoutSeconds(value);
    if (!ms.ok()) return Status::InvalidArgument("--timeout: " + ms.status().message());
    timeout_ms = *ms;
    timeout_origin = "--timeout " + std::string(value);
    return Status::OK();
  }
  if (name == "--max-memory") {
    auto bytes = ParseByteSize(value);
    if (!bytes.ok()) return Status::InvalidArgument("--max-memory: " + bytes.status().message());
    max_memory = *bytes;
    return Status::OK();
  }
  return Status::InvalidArgument("unknown option " + Quote(name));
}

Status CommandBounds::ApplyEnvironment() {
  if (!timeout_ms) {
    if (const char* v = Env("COGR_TIMEOUT")) {
      auto ms = ParseTimeoutSeconds(v);
      if (!ms.ok()) return Status::InvalidArgument("COGR_TIMEOUT: " + ms.status().message());
      timeout_ms = *ms;
      timeout_origin = std::string("COGR_TIMEOUT=") + v;
    }
  }
  if (const char* v = Env("COGR_LOW_SPEED_LIMIT")) {
    auto n = ParseInt(v, 0, std::numeric_limits<uint32_t>::max());
    if (!n.ok())
      return Status::InvalidArgument("COGR_LOW_SPEED_LIMIT (bytes per second): " +
                                     n.status().message());
    low_speed_bytes_per_s = static_cast<uint32_t>(*n);
  }
  if (const char* v = Env("COGR_LOW_SPEED_TIME")) {
    auto n = ParseInt(v, 1, kMaxLowSpeedSeconds);
    if (!n.ok())
      return Status::InvalidArgument("COGR_LOW_SPEED_TIME (seconds): " + n.status().message());
    low_speed_time_ms = static_cast<uint32_t>(*n * 1000);
  }
  return Status::OK();
}

void CommandBounds::Start() {
  if (timeout_ms && *timeout_ms > 0) {
    deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(*timeout_ms);
  }
}

void CommandBounds::ApplyTo(OpenOptions& options) const {
  if (deadline) {
    options.deadline = *deadline;
    // A backstop per request: no single request outlives the command (the deadline, checked by
    // the waits of the open and the reads, normally ends it first).
    const uint32_t cap = static_cast<uint32_t>(
        std::min<uint64_t>(*timeout_ms, std::numeric_limits<uint32_t>::max()));
    if (options.io.request_timeout_ms == 0 || options.io.request_timeout_ms > cap)
      options.io.request_timeout_ms = cap;
  }
  if (low_speed_bytes_per_s) options.io.low_speed_bytes_per_s = *low_speed_bytes_per_s;
  if (low_speed_time_ms) options.io.low_speed_time_ms = *low_speed_time_ms;
  if (max_memory) {
    options.limits.max_read_bytes = *max_memory;
    // A block larger than the whole budget cannot be decoded within it either.
    options.limits.max_block_bytes = std::min(options.limits.max_block_bytes, *max_memory);
  }
}

void CommandBounds::ApplyTo(ReadOptions& options) const {
  if (deadline) options.deadline = *deadline;
}

std::string CommandBounds::Explain(const Status& status) const {
  std::string message = status.message();
  if (status.code() != Code::kCancelled || !deadline || timeout_origin.empty()) return message;
  constexpr std::string_view kExceeded = "deadline exceeded";
  const size_t at = message.find(kExceeded);
  if (at == std::string::npos) return message;
  message.insert(at + kExceeded.size(), " (" + timeout_origin + ")");
  return message;
}

}  // namespace cogr::cli
