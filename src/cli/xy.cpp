// `cogr xy PATH ROW COL [--offset center|ul|ur|ll|lr] [--json]`: rasterio's dataset.xy.
#include <memory>
#include <span>
#include <string>

#include "args.hpp"
#include "bounds.hpp"
#include "cogr/dataset.hpp"
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

constexpr SubOption kXyOptions[] = {
    {"--offset", "", true}, {"--json", "", false}, {"--timeout", "", true}};

}  // namespace

int RunXy(std::span<const std::string> argv) {
  SubArgs args;
  if (auto done = ParseOrFinish("xy", argv, kXyOptions, kXyUsage, args)) return *done;
  geo::PixelOffset offset = geo::PixelOffset::kCenter;
  bool json = false;
  CommandBounds bounds;
  for (const auto& [name, value] : args.options) {
    auto shared = TakeSharedOption(name, value, bounds, nullptr);
    if (!shared.ok()) return UsageError("xy", shared.status().message());
    if (*shared) continue;
    if (name == "--offset") {
      auto o = geo::ParsePixelOffset(value);
      if (!o.ok()) return UsageError("xy", "--offset: " + o.status().message());
      offset = *o;
    } else if (name == "--json") {
      json = true;
    }
  }
  double row = 0, col = 0;
  if (!ParsePointArgs("xy", args, "ROW", "COL", row, col)) return kExitUsage;
  if (Status st = bounds.ApplyEnvironment(); !st.ok()) return UsageError("xy", st.message());
  bounds.Start();
  const std::shared_ptr<Dataset> opened = bounds.OpenDataset(args.positional[0]);
  if (!opened) return kExitFailure;
  const auto [x, y] = opened->xy(row, col, offset);
  if (json) {
    JsonWriter w;
    w.BeginObject().Key("x").Double(x).Key("y").Double(y).EndObject();
    return PrintLine(w.str());
  }
  return PrintLine(FormatDouble(x) + " " + FormatDouble(y));
}

CommandSpec XyCommand() { return {"xy", kXyOptions, kXyUsage, RunXy}; }

}  // namespace cogr::cli
