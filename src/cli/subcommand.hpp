// cli: shared pieces of the subcommands that parse their own options (translate, xy, index,
// clip): a small option parser and a progress bar for long writes (output files: see
// output_file.hpp).
#pragma once

#include <chrono>
#include <cstdio>
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

/// Parses argv after the subcommand name. "--name=value" and "--name value" both work; "--"
/// ends the options; an argument that looks like a negative number ("-75.5", "-1e3") is
/// positional. Errors are kInvalidArgument "<command>: ..." (unknown option, missing value).
Result<SubArgs> ParseSubArgs(std::string_view command, std::span<const std::string> args,
                             std::span<const SubOption> specs);

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
