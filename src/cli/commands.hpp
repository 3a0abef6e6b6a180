// cli: the subcommands of `cogr`, one .cpp each. Each returns the process exit status and has
// printed its output (stdout) or its one error line (stderr) when it returns.
#pragma once

#include <string>
#include <string_view>

#include "args.hpp"

namespace cogr::cli {

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

}  // namespace cogr::cli
