// `cogr xy PATH ROW COL [--offset center|ul|ur|ll|lr] [--json]`: rasterio's dataset.xy.
#include <cstdio>
#include <span>
#include <string>

#include "args.hpp"
#include "cogr/dataset.hpp"
#include "bounds.hpp"
#include "commands.hpp"
#include "json_writer.hpp"
#include "subcommand.hpp"

namespace cogr::cli {
namespace {

constexpr std::string_view kXyUsage =
    "usage: cogr xy PATH ROW COL [--offset center|ul|ur|ll|lr] [--json] [--timeout SECONDS]\n"
    "\n"
    "Prints \"x y\": the coordinates, in the file's CRS, of a point of pixel (ROW, COL)\n"
    "(rasterio's dataset.xy). ROW and COL are 0-based and may be fractional or outside the\n"
    "image.\n"
    "\n"
    "options:\n"
    "  --offset NAME   the point of the pixel: center (default), ul, ur, ll or lr (upper/lower,\n"
    "                  left/right corner)\n"
    "  --json          print {\"x\": X, \"y\": Y} on one line\n"
    "  --timeout SECONDS\n"
    "                  give up after this long (decimals allowed; 0 = no limit; default: env\n"
    "                  COGR_TIMEOUT, else no limit)\n"
    "  -h, --help      show this help and exit\n";

constexpr SubOption kXyOptions[] = {{"--offset", "", true}, {"--json", "", false}, {"--timeout", "", true}};

}  // namespace

int RunXy(std::span<const std::string> argv) {
  SubArgs args;
  if (auto done = ParseOrFinish("xy", argv, kXyOptions, kXyUsage, args)) return *done;
  geo::PixelOffset offset = geo::PixelOffset::kCenter;
  bool json = false;
  CommandBounds bounds;
  for (const auto& [name, value] : args.options) {
    if (IsBoundsOption(name)) {
      if (Status st = bounds.ApplyOption(name, value); !st.ok()) {
        PrintError("xy: " + st.message());
        return kExitUsage;
      }
    } else if (name == "--offset") {
      auto o = geo::ParsePixelOffset(value);
      if (!o.ok()) {
        PrintError("xy: --offset: " + o.status().message());
        return kExitUsage;
      }
      offset = *o;
    } else if (name == "--json") {
      json = true;
    }
  }
  const auto& pos = args.positional;
  if (pos.size() != 3) {
    PrintError(pos.size() < 3 ? "xy: expected PATH ROW COL (see 'cogr xy --help')"
                              : "xy: unexpected argument '" + pos[3] + "'");
    return kExitUsage;
  }
  auto row = ParseDouble(pos[1]);
  auto col = ParseDouble(pos[2]);
  if (!row.ok() || !col.ok()) {
    PrintError("xy: " + (!row.ok() ? "ROW: " + row.status().message()
                                   : "COL: " + col.status().message()));
    return kExitUsage;
  }
  if (Status st = bounds.ApplyEnvironment(); !st.ok()) {
    PrintError("xy: " + st.message());
    return kExitUsage;
  }
  bounds.Start();
  OpenOptions open_options;
  bounds.ApplyTo(open_options);
  auto opened = Dataset::Open(pos[0], open_options);
  if (!opened.ok()) {
    PrintError(bounds.Explain(opened.status()), pos[0]);
    return kExitFailure;
  }
  const auto [x, y] = (*opened)->xy(*row, *col, offset);
  std::string line;
  if (json) {
    JsonWriter w;
    w.BeginObject().Key("x").Double(x).Key("y").Double(y).EndObject();
    line = w.str();
  } else {
    line = FormatDouble(x) + " " + FormatDouble(y);
  }
  line += '\n';
  std::fputs(line.c_str(), stdout);
  return FinishStdout() ? 0 : kExitFailure;
}

CommandSpec XyCommand() { return {"xy", kXyOptions, kXyUsage, RunXy}; }

}  // namespace cogr::cli
