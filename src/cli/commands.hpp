// cli: the subcommands of `cogr`, one .cpp each. Each returns the process exit status and has
// printed its output (stdout) or its one error line (stderr) when it returns.
#pragma once

#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "args.hpp"
#include "bounds.hpp"
#include "output_file.hpp"
#include "subcommand.hpp"

namespace cogr::cli {

/// One `cogr` command: its name, its options, its usage text (`cogr NAME --help`) and its entry
/// point, which gets argv after the name and returns the exit status once it has printed its
/// output or its one error line.
struct CommandSpec {
  std::string_view name;
  std::span<const SubOption> options;
  std::string_view usage;
  int (*run)(std::span<const std::string> args);
};

/// Every command, in the order `cogr --help` lists them (main.cpp dispatches through it).
std::span<const CommandSpec> Commands();

/// The spec of each command, defined beside it (args.cpp: info and read; translate.cpp, xy.cpp,
/// index.cpp, clip.cpp, quicklook.cpp, bench.cpp).
CommandSpec InfoCommand();
CommandSpec ReadCommand();
CommandSpec TranslateCommand();
CommandSpec XyCommand();
CommandSpec IndexCommand();
CommandSpec ClipCommand();
CommandSpec QuicklookCommand();
CommandSpec BenchCommand();
CommandSpec StackCommand();  // stack.cpp: `cogr stack` and `cogr sample`
CommandSpec SampleCommand();
CommandSpec CatalogCommand();

/// `cogr info` / `cogr read` after ParseArgs (main.cpp): usage, environment, the run.
int RunInfoCommand(std::span<const std::string> args);
int RunReadCommand(std::span<const std::string> args);

/// `cogr info`: 0, or kExitFailure after printing the error.
int RunInfo(const InfoArgs& args);
/// `cogr read`: 0, or kExitFailure/kExitUsage after printing the error.
int RunRead(const ReadArgs& args);

/// Prints "cogr: error: <message>" as exactly one line on stderr (newlines in the message become
/// spaces). If `path` is not empty and the message does not name it, "<path>: " goes first.
void PrintError(std::string_view message, std::string_view path = {});

/// Prints "cogr: warning: <message>" as one line on stderr (as PrintError, without failing):
/// what rasterio says with a UserWarning.
void PrintWarning(std::string_view message, std::string_view path = {});

/// Flushes stdout; false (after printing the error) if the output could not be written, e.g.
/// to a full disk or a closed pipe.
bool FinishStdout();

/// Prints "<command>: <message>" as the error line; returns kExitUsage.
int UsageError(std::string_view command, const std::string& message);

/// Prints `line` and a newline on stdout; returns 0, or kExitFailure if stdout fails.
int PrintLine(std::string line);

/// Finishes a command's output file: commits it when `written` is OK. Returns 0, or prints the
/// error (naming the user's file, not the temporary one) and returns kExitFailure.
int CommitOutput(OutputFile& out, Status written);

/// Takes an option every file-reading command shares: its bounds (--timeout, --max-memory) and,
/// when `output` is not null, -o/--output (a non-empty file name). Returns false for the
/// command's own options. A bad value: kInvalidArgument with what to print after "<command>: ".
Result<bool> TakeSharedOption(const std::string& name, const std::string& value,
                              CommandBounds& bounds, std::string* output);

/// The one positional PATH of a command that reads one file (clip, quicklook): kInvalidArgument
/// "missing input PATH" or "unexpected argument 'x'" otherwise.
Result<std::string> OneInputPath(const SubArgs& args);

/// The positional "PATH A B" of a command that takes a point (index: PATH X Y, xy: PATH ROW COL),
/// A and B as numbers into `a` and `b`. Otherwise prints the usage error ("<command>: expected
/// PATH A B (see 'cogr <command> --help')", "<command>: A: <why>") and returns false.
bool ParsePointArgs(std::string_view command, const SubArgs& args, const std::string& a_name,
                    const std::string& b_name, double& a, double& b);

/// The start of a command that parses with ParseSubArgs: on a bad command line prints the error
/// and returns kExitUsage; on -h/--help prints `usage` to stdout and returns 0 (kExitFailure if
/// stdout fails); otherwise returns nullopt with the command line in `out`.
inline std::optional<int> ParseOrFinish(std::string_view name, std::span<const std::string> argv,
                                        std::span<const SubOption> options, std::string_view usage,
                                        SubArgs& out) {
  auto parsed = ParseSubArgs(name, argv, options);
  if (!parsed.ok()) {
    PrintError(parsed.status().message());
    return kExitUsage;
  }
  if (parsed->help) {
    std::fputs(std::string(usage).c_str(), stdout);
    return FinishStdout() ? 0 : kExitFailure;
  }
  out = std::move(parsed).value();
  return std::nullopt;
}

}  // namespace cogr::cli
