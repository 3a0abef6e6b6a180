// CommandBounds::OpenDataset: the open of a command that reads a file once (its own file, as
// tests/cli/bounds_test.cpp compiles bounds.cpp without the CLI's error printing).
#include "bounds.hpp"
#include "commands.hpp"

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

}  // namespace cogr::cli
