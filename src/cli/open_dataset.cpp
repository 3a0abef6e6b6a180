// The CLI commands' input and output: CommandBounds::OpenDataset (the open of a command that
// reads a file once), CreateCommandOutput and the option and argument helpers the commands
// share, in their own file because they print errors and tests/cli/*_test.cpp compile bounds.cpp
// and output_file.cpp without the CLI's PrintError.
#include <cstdio>
#include <string>

#include "bounds.hpp"
#include "commands.hpp"
#include "output_file.hpp"

namespace cogr::cli {

std::shared_ptr<Dataset> CommandBounds::OpenDataset(const std::string& path,
                                                    OpenOptions options) const {
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

int CommitOutput(OutputFile& out, Status written) {
  if (written.ok()) written = out.Commit();
  if (!written.ok()) {
    PrintError(out.Rename(written.message()));
    return kExitFailure;
  }
  return 0;
}

int UsageError(std::string_view command, const std::string& message) {
  PrintError(std::string(command) + ": " + message);
  return kExitUsage;
}

int PrintLine(std::string line) {
  line += '\n';
  std::fputs(line.c_str(), stdout);
  return FinishStdout() ? 0 : kExitFailure;
}

Result<bool> TakeSharedOption(const std::string& name, const std::string& value,
                              CommandBounds& bounds, std::string* output) {
  if (IsBoundsOption(name)) {
    COGR_RETURN_IF_ERROR(bounds.ApplyOption(name, value));
    return true;
  }
  if (output && name == "--output") {
    if (value.empty()) return Status::InvalidArgument("--output: empty file name");
    *output = value;
    return true;
  }
  return false;
}

Result<std::string> OneInputPath(const SubArgs& args) {
  const auto& pos = args.positional;
  if (pos.empty()) return Status::InvalidArgument("missing input PATH");
  if (pos.size() > 1) return Status::InvalidArgument("unexpected argument '" + pos[1] + "'");
  return pos[0];
}

bool ParsePointArgs(std::string_view command, const SubArgs& args, const std::string& a_name,
                    const std::string& b_name, double& a, double& b) {
  const auto& pos = args.positional;
  if (pos.size() != 3) {
    UsageError(command, pos.size() < 3 ? "expected PATH " + a_name + " " + b_name + " (see 'cogr " +
                                             std::string(command) + " --help')"
                                       : "unexpected argument '" + pos[3] + "'");
    return false;
  }
  auto pa = ParseDouble(pos[1]);
  auto pb = ParseDouble(pos[2]);
  if (!pa.ok() || !pb.ok()) {
    UsageError(command, !pa.ok() ? a_name + ": " + pa.status().message()
                                 : b_name + ": " + pb.status().message());
    return false;
  }
  a = *pa;
  b = *pb;
  return true;
}

}  // namespace cogr::cli
