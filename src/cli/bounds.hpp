// cli: the time and memory bounds of a command that opens or reads: `--timeout SECONDS` (env
// COGR_TIMEOUT), `--max-memory BYTES`, and the low-speed limit of remote requests (env
// COGR_LOW_SPEED_LIMIT, COGR_LOW_SPEED_TIME). One deadline covers the whole command: it starts
// when the command starts and every open and read of the command gets it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cogr/dataset.hpp"
#include "cogr/status.hpp"

namespace cogr::cli {

/// What the command line and the environment say about a command's bounds. A flag wins over
/// the environment variable of the same meaning.
struct CommandBounds {
  /// --timeout, else COGR_TIMEOUT: milliseconds for the whole command. Unset or 0 = no limit.
  std::optional<uint64_t> timeout_ms;
  /// Where the timeout came from, for messages: "--timeout 3" or "COGR_TIMEOUT=3".
  std::string timeout_origin;
  /// --max-memory: Limits::max_read_bytes (and the cap of one decoded block).
  std::optional<uint64_t> max_memory;
  /// COGR_LOW_SPEED_LIMIT (bytes/s, 0 = off) and COGR_LOW_SPEED_TIME (seconds): a remote request
  /// slower than this for that long is aborted. Unset = io::SourceOptions' defaults.
  std::optional<uint32_t> low_speed_bytes_per_s;
  std::optional<uint32_t> low_speed_time_ms;
  /// Set by Start(): the instant the command must be done by.
  std::optional<std::chrono::steady_clock::time_point> deadline;

  /// Applies "--timeout" or "--max-memory" (the names BoundsOption() matches); kInvalidArgument
  /// naming the option and the value otherwise.
  Status ApplyOption(std::string_view name, std::string_view value);
  /// Fills what the flags left unset from COGR_TIMEOUT, COGR_LOW_SPEED_LIMIT and
  /// COGR_LOW_SPEED_TIME. A malformed variable is kInvalidArgument naming it.
  Status ApplyEnvironment();
  /// Starts the command's clock (deadline = now + timeout). Call once, before the first open.
  void Start();

  /// The deadline, the io options (request cap, low-speed limit) and the memory limit of an open.
  void ApplyTo(OpenOptions& options) const;
  /// The deadline of a read.
  void ApplyTo(ReadOptions& options) const;
  /// `status`'s message, with the timeout's origin after "deadline exceeded" when the command's
  /// deadline has passed ("open deadline exceeded (--timeout 3)").
  std::string Explain(const Status& status) const;

  /// Opens `path` for a command that reads it once: no block cache (caching decoded blocks
  /// only costs), bounded by these limits. On failure prints the error naming `path` and
  /// returns null.
  std::shared_ptr<Dataset> OpenDataset(const std::string& path, OpenOptions options = {}) const;
};

/// True for the option names CommandBounds::ApplyOption takes.
bool IsBoundsOption(std::string_view name);

/// "--timeout" value: seconds, a decimal number in [0, 4294967] (0 = no limit), e.g. "2.5".
/// Returns milliseconds (rounded up, so 0.0001 is 1 ms and not "no limit").
Result<uint64_t> ParseTimeoutSeconds(std::string_view text);
/// "--max-memory" value: bytes, an integer >= 1 optionally followed by K, M, G or T (powers of
/// 1024, case-insensitive, an optional "B" or "iB" after the letter): "1048576", "512M", "2G".
Result<uint64_t> ParseByteSize(std::string_view text);

}  // namespace cogr::cli
