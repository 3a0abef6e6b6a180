// The CLI commands' input and output: CommandBounds::OpenDataset (the open of a command that
// reads a file once) and CreateCommandOutput, in their own file because they print errors and
// tests/cli/*_test.cpp compile bounds.cpp and output_file.cpp without the CLI's PrintError.
#include "bounds.hpp"
#include "commands.hpp"
#include "output_file.hpp"

namespace cogr::cli {

std::shared_ptr<Dataset> CommandBounds::OpenDataset(const std::string& path, OpenOptions options) const {
  options.block_cache_bytes = 0;
  ApplyTo(options);
  auto opened = Dataset::Open(path, options);
  if (!opened.ok()) {
    PrintError(Explain(opened.status()), path);
    return nullptr;
  }
  return *std::move(opened);
}

std::unique_ptr<OutputFile> CreateCommandOutput(const std::string& path, int& exit_code) {
  auto out = OutputFile::Create(path);
  if (!out.ok()) {
    PrintError(out.status().message());
    exit_code = out.status().code() == Code::kInvalidArgument ? kExitUsage : kExitFailure;
    return nullptr;
  }
  return std::move(out).value();
}

}  // namespace cogr::cli
