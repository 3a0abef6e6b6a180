// cli: `--trace FILE.json` of the commands that read (info, read, bench; stack can take it the
// same way): run the command with a cogr::Trace attached, then write the trace.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "cogr/status.hpp"
#include "cogr/trace.hpp"

namespace cogr::cli {

/// Writes trace.ToChromeJson() to `path` through OutputFile: the file appears whole or not at
/// all. Errors name `path`.
Status WriteTraceFile(const Trace& trace, const std::string& path);

/// Runs `run` with a fresh Trace when `path` is non-empty (else with null), then writes the
/// trace to `path`, whatever `run` returned (a failed read's timeline is the interesting one).
/// Returns run's exit code, or kExitFailure after "cogr: error: ..." when the trace cannot be
/// written. Call it once the command's own output file is committed or gone: one OutputFile
/// at a time.
int RunWithTrace(const std::string& path, const std::function<int(std::shared_ptr<Trace>)>& run);

}  // namespace cogr::cli
