// cli: shared pieces of the subcommands that parse their own options (translate, xy, index,
// clip): a small option parser and a progress bar for long writes (output files: see
// output_file.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cogr/status.hpp"

namespace cogr::cli {

/// One option of a subcommand: "--name" and an optional short alias ("-o").
struct SubOption {
  std::string_view name;
  std::string_view alias;
  bool takes_value;
};

/// The command line of a subcommand: positional arguments and options in order (value empty
/// for flags). `help` is true (and parsing stopped) when -h/--help was seen.
struct SubArgs {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  ///< canonical name, value
  bool help = false;
};

/// How a command's parser words and orders its errors. The defaults are those of translate,
/// xy, index, clip and bench; info and read keep the wording of their first release (see
/// kInfoReadRules in args.cpp), which scripts already match.
struct ParseRules {
  /// An argument that looks like a negative number ("-75.5", "-1e3") is positional; otherwise
  /// it is an (unknown) option.
  bool numbers_are_positional = true;
  /// "<command>: --x: missing value" / "takes no value"; false: "--x: missing value".
  bool prefix_value_errors = true;
  /// "--help=x" (or "-h=x") asks for help; false: "--help: takes no value" (with
  /// prefix_value_errors false).
  bool help_ignores_value = true;
  /// More positional arguments than this: "<command>: unexpected argument 'x'" at that point.
  size_t max_positional = std::numeric_limits<size_t>::max();
  /// When set, called for each option in command-line order (value empty for flags) instead
  /// of collecting it in SubArgs::options; an error stops parsing and is returned.
  std::function<Status(std::string_view name, std::string_view value)> on_option;
};

/// Parses argv after the subcommand name. "--name=value" and "--name value" both work; "--"
/// ends the options; -h/--help stops parsing. Errors are kInvalidArgument "<command>: ..."
/// (unknown option, missing value), worded as `rules` say.
Result<SubArgs> ParseSubArgs(std::string_view command, std::span<const std::string> args,
                             std::span<const SubOption> specs, const ParseRules& rules = {});

/// True when `path` ends in `suffix`, ignoring ASCII case (".tif" matches "A.TIF").
bool EndsWithIgnoringCase(std::string_view path, std::string_view suffix);

/// A one-line progress bar on stderr, drawn only when stderr is a terminal and only once the
/// work has lasted half a second (short runs stay silent).
class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  /// The same on `out`, drawn when `enabled`, once `delay` has passed (for tests).
  ProgressBar(std::string label, std::FILE* out, bool enabled, std::chrono::milliseconds delay);
  ~ProgressBar() { Finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  /// Draws `fraction` (0..1). Always returns true (never cancels).
  bool Update(double fraction);
  /// Ends the line if anything was drawn.
  void Finish();

 private:
  std::string label_;
  std::FILE* out_;
  bool enabled_;
  std::chrono::milliseconds delay_;
  std::chrono::steady_clock::time_point start_;
  bool drawn_ = false;
  int last_percent_ = -1;
};

}  // namespace cogr::cli
