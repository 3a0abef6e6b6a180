// cli: command-line parsing of the `cogr` tool. Pure functions (no I/O), so every rule of the
// command-line contract is unit-tested without running the binary.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bounds.hpp"
#include "cogr/dataset.hpp"
#include "cogr/status.hpp"
#include "subcommand.hpp"

namespace cogr::cli {

/// Exit statuses of the tool: 1 for a failure while running, 2 for a bad command line.
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

enum class Command { kNone, kInfo, kRead };

/// `cogr info PATH [--json] [--stats] [--timeout S]`.
struct InfoArgs {
  std::string path;
  bool json = false;
  bool stats = false;    ///< --stats: one JSON line of I/O cost on stderr (see stats.hpp)
  std::string trace;     ///< --trace FILE: the open's request timeline (see trace_output.hpp)
  CommandBounds bounds;  ///< --timeout (main adds the environment and starts the clock)
};

/// `cogr read PATH [--bands ..] [--window ..] [--overview N] [--boundless] [--fill V]
/// [--out-shape H,W] [--resampling NAME] [--timeout S] [--max-memory BYTES] -o OUT`.
struct ReadArgs {
  std::string path;
  std::vector<int> bands;  ///< 1-based; empty = all bands
  /// col_off, row_off, width, height; offsets may be negative only with `boundless`.
  std::optional<std::array<int64_t, 4>> window;
  std::optional<int> overview;  ///< 0-based
  bool boundless = false;
  std::optional<double> fill;
  std::optional<std::array<uint64_t, 2>> out_shape;  ///< height, width
  std::optional<Resampling> resampling;              ///< used by out_shape reads
  std::string output;
  bool stats = false;    ///< --stats: one JSON line of I/O cost on stderr (see stats.hpp)
  std::string trace;     ///< --trace FILE: the request and decode timeline (see trace_output.hpp)
  CommandBounds bounds;  ///< --timeout, --max-memory (main adds the environment, starts the clock)
};

/// What the command line asks for. `help`/`version` win over everything else that parsed.
struct Invocation {
  Command command = Command::kNone;
  bool help = false;     ///< print the usage of `command` (or the general usage) to stdout
  bool version = false;  ///< `cogr --version`
  InfoArgs info;
  ReadArgs read;
};

/// Parses argv without the program name. Errors are kInvalidArgument with a message meant to
/// follow "cogr: error: " (e.g. "read: --window: expected 4 comma-separated integers, got '1,2'").
Result<Invocation> ParseArgs(std::span<const std::string> args);

/// General usage and per-command usage text (each ends with a newline).
std::string_view GeneralUsage();
std::string_view CommandUsage(Command command);
/// The options of info and read (empty for kNone).
std::span<const SubOption> CommandOptions(Command command);

// Value parsers, exposed for tests. Each rejects empty input, signs where not allowed, trailing
// characters and values out of range, naming the offending text. Lists allow spaces around items.

/// A decimal integer in [min_value, max_value].
Result<int64_t> ParseInt(std::string_view text, int64_t min_value, int64_t max_value);
/// A double as strtod reads it in the C locale, plus "nan", "inf", "-inf" (case-insensitive).
Result<double> ParseDouble(std::string_view text);
/// "A,B,...": exactly `n` finite doubles, comma-separated ("expected N comma-separated numbers,
/// got 'TEXT'" otherwise).
Result<std::vector<double>> ParseDoubleList(std::string_view text, size_t n);
/// "1,2,3": 1-based band indexes (>= 1); duplicates are kept, as rasterio allows them.
Result<std::vector<int>> ParseBands(std::string_view text);
/// "COL_OFF,ROW_OFF,WIDTH,HEIGHT": integers of magnitude <= 2^53 (exact as doubles, which
/// geo::Window holds); offsets >= 0 unless allow_negative_offsets; width and height >= 0.
Result<std::array<int64_t, 4>> ParseWindow(std::string_view text, bool allow_negative_offsets);
/// "H,W": two integers in [1, 2^53].
Result<std::array<uint64_t, 2>> ParseShape(std::string_view text);

}  // namespace cogr::cli
