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

void PrintError(std::string_view message, std::string_view path) {
  PrintLine("error", message, path);
}

void PrintWarning(std::string_view message, std::string_view path) {
  PrintLine("warning", message, path);
}

bool FinishStdout() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    PrintError("cannot write to standard output");
    return false;
  }
  return true;
}

/// The commands' entry points (translate.cpp, xy.cpp, index.cpp, clip.cpp, quicklook.cpp,
/// bench.cpp): 0, or kExitFailure/kExitUsage after printing the error.
int RunTranslate(std::span<const std::string> args);
int RunXy(std::span<const std::string> args);
int RunIndex(std::span<const std::string> args);
int RunClip(std::span<const std::string> args);
int RunQuicklook(std::span<const std::string> args);
int RunBench(std::span<const std::string> args);
int RunCatalog(std::span<const std::string> args);

std::span<const CommandSpec> Commands() {
  static const CommandSpec kCommands[] = {InfoCommand(),      ReadCommand(),   TranslateCommand(),
                                          XyCommand(),        IndexCommand(),  ClipCommand(),
                                          QuicklookCommand(), BenchCommand(),  StackCommand(),
                                          SampleCommand(),    CatalogCommand()};
  return kCommands;
}

CommandSpec InfoCommand() {
  return {"info", CommandOptions(Command::kInfo), CommandUsage(Command::kInfo), RunInfoCommand};
}
CommandSpec ReadCommand() {
  return {"read", CommandOptions(Command::kRead), CommandUsage(Command::kRead), RunReadCommand};
}

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

// The whole command line as ParseArgs reads it: --help, --version, info, read, errors.
int RunInvocation(std::span<const std::string> args) {
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

// info and read: the command line as ParseArgs reads it (name included), then the run.
int RunParsed(std::string_view name, std::span<const std::string> rest) {
  std::vector<std::string> args = {std::string(name)};
  args.insert(args.end(), rest.begin(), rest.end());
  return RunInvocation(args);
}

int Run(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  if (!args.empty()) {
    for (const CommandSpec& command : Commands()) {
      if (args[0] == command.name)
        return command.run(std::span<const std::string>(args).subspan(1));
    }
  }
  // No command: --help, --version, or the error for an unknown command or option.
  return RunInvocation(args);
}

}  // namespace

int RunInfoCommand(std::span<const std::string> args) { return RunParsed("info", args); }
int RunReadCommand(std::span<const std::string> args) { return RunParsed("read", args); }

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
