// The `cogr` tool: reads GeoTIFF/COG metadata and pixels through the public API only.
#include <signal.h>

#include <cstdio>
#include <exception>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "args.hpp"
#include "cogr/codec.hpp"
#include "cogr/version.hpp"
#include "commands.hpp"
#include "npy_writer.hpp"

namespace cogr::cli {

namespace {

void PrintLine(std::string_view kind, std::string_view message, std::string_view path) {
  std::string line = "cogr: ";
  line += kind;
  line += ": ";
  if (!path.empty() && message.find(path) == std::string_view::npos) {
    line += path;
    line += ": ";
  }
  line += message;
  // Scripts read exactly one line: fold any line breaks a message may carry (e.g. from PROJ).
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  line += '\n';
  std::fflush(stdout);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace

void PrintError(std::string_view message, std::string_view path) { PrintLine("error", message, path); }

void PrintWarning(std::string_view message, std::string_view path) { PrintLine("warning", message, path); }

bool FinishStdout() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    PrintError("cannot write to standard output");
    return false;
  }
  return true;
}

/// `cogr translate` (translate.cpp): 0, or kExitFailure/kExitUsage after printing the error.
int RunTranslate(std::span<const std::string> args);
/// `cogr xy`, `cogr index`, `cogr clip` (xy.cpp, index.cpp, clip.cpp): likewise.
int RunXy(std::span<const std::string> args);
int RunIndex(std::span<const std::string> args);
int RunClip(std::span<const std::string> args);
/// `cogr bench` (bench.cpp): likewise.
int RunBench(std::span<const std::string> args);

namespace {

int PrintVersion() {
  std::string codecs;
  for (const std::string& name : codec::SupportedCodecs()) {
    if (!codecs.empty()) codecs += ", ";
    codecs += name;
  }
  std::printf("cogr %s\ncodecs: %s\n", COGR_VERSION_STRING, codecs.c_str());
  return FinishStdout() ? 0 : kExitFailure;
}

int Run(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  // `translate` parses its own options (src/cli/translate.cpp).
  if (!args.empty() && args[0] == "translate") {
    return RunTranslate(std::span<const std::string>(args).subspan(1));
  }
  if (!args.empty() && args[0] == "bench") return RunBench(std::span<const std::string>(args).subspan(1));
  // So do `xy`, `index` and `clip`.
  if (!args.empty() && (args[0] == "xy" || args[0] == "index" || args[0] == "clip")) {
    const auto rest = std::span<const std::string>(args).subspan(1);
    if (args[0] == "xy") return RunXy(rest);
    if (args[0] == "index") return RunIndex(rest);
    return RunClip(rest);
  }
  auto invocation = ParseArgs(args);
  if (!invocation.ok()) {
    PrintError(invocation.status().message());
    return kExitUsage;
  }
  Invocation& inv = *invocation;
  if (inv.help) {
    std::fputs(std::string(CommandUsage(inv.command)).c_str(), stdout);
    return FinishStdout() ? 0 : kExitFailure;
  }
  if (inv.version) return PrintVersion();
  // The environment fills what the flags left unset; the command's clock starts now.
  CommandBounds& bounds = inv.command == Command::kInfo ? inv.info.bounds : inv.read.bounds;
  if (Status env = bounds.ApplyEnvironment(); !env.ok()) {
    PrintError(env.message());
    return kExitUsage;
  }
  bounds.Start();
  switch (inv.command) {
    case Command::kInfo: return RunInfo(inv.info);
    case Command::kRead: return RunRead(inv.read);
    case Command::kNone: break;
  }
  PrintError("missing command (see 'cogr --help')");
  return kExitUsage;
}

}  // namespace
}  // namespace cogr::cli

int main(int argc, char** argv) {
  // A closed pipe becomes a write error reported on stderr, not a death by SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  try {
    return cogr::cli::Run(argc, argv);
  } catch (const std::bad_alloc&) {
    cogr::cli::PrintError("out of memory");
  } catch (const std::exception& e) {
    cogr::cli::PrintError(std::string("internal error: ") + e.what());
  } catch (...) {
    cogr::cli::PrintError("internal error: unknown exception");
  }
  return cogr::cli::kExitFailure;
}
