// `cogr index PATH X Y [--crs CRS] [--op floor|round|ceil] [--json]`: rasterio's dataset.index.
#include <cmath>
#include <memory>
#include <span>
#include <string>

#include "args.hpp"
#include "bounds.hpp"
#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"
#include "commands.hpp"
#include "json_writer.hpp"
#include "subcommand.hpp"

namespace cogr::cli {
namespace {

constexpr std::string_view kIndexUsage =
    "usage: cogr index PATH X Y [--crs CRS] [--op floor|round|ceil] [--json]\n"
    "                  [--timeout SECONDS]\n"
    "\n"
    "Prints \"row col\": the 0-based pixel holding the point (X, Y) (rasterio's\n"
    "dataset.index). Points outside the image give rows/columns < 0 or >= the size.\n"
    "\n"
    "options:\n"
    "  --crs CRS    the CRS of X and Y (EPSG:4326, WKT, PROJ string, ...); the point is\n"
    "               transformed to the file's CRS first (X = longitude/easting). Default: the\n"
    "               file's CRS\n"
    "  --op NAME    rounding of the fractional pixel: floor (default), round or ceil\n"
    "  --json       print {\"row\": R, \"col\": C} on one line\n"
    "  --timeout SECONDS\n"
    "               give up after this long (decimals allowed; 0 = no limit; default: env\n"
    "               COGR_TIMEOUT, else no limit)\n"
    "  -h, --help   show this help and exit\n";

constexpr SubOption kIndexOptions[] = {
    {"--crs", "", true}, {"--op", "", true}, {"--json", "", false}, {"--timeout", "", true}};

}  // namespace

int RunIndex(std::span<const std::string> argv) {
  SubArgs args;
  if (auto done = ParseOrFinish("index", argv, kIndexOptions, kIndexUsage, args)) return *done;
  geo::RoundOp op = geo::RoundOp::kFloor;
  std::string crs_text;
  bool json = false;
  CommandBounds bounds;
  for (const auto& [name, value] : args.options) {
    auto shared = TakeSharedOption(name, value, bounds, nullptr);
    if (!shared.ok()) return UsageError("index", shared.status().message());
    if (*shared) continue;
    if (name == "--op") {
      auto o = geo::ParseRoundOp(value);
      if (!o.ok()) return UsageError("index", "--op: " + o.status().message());
      op = *o;
    } else if (name == "--crs") {
      if (value.empty()) return UsageError("index", "--crs: empty CRS");
      crs_text = value;
    } else if (name == "--json") {
      json = true;
    }
  }
  double x = 0, y = 0;
  if (!ParsePointArgs("index", args, "X", "Y", x, y)) return kExitUsage;
  if (!std::isfinite(x) || !std::isfinite(y)) return UsageError("index", "X and Y must be finite");
  std::optional<geo::Crs> from;
  if (!crs_text.empty()) {
    auto crs = geo::Crs::FromUserInput(crs_text);
    if (!crs.ok()) return UsageError("index", "--crs: " + crs.status().message());
    from = *crs;
  }
  if (Status st = bounds.ApplyEnvironment(); !st.ok()) return UsageError("index", st.message());
  bounds.Start();
  const std::string& path = args.positional[0];
  const std::shared_ptr<Dataset> opened = bounds.OpenDataset(path);
  if (!opened) return kExitFailure;
  const Dataset& ds = *opened;
  double px = x, py = y;
  if (from) {
    if (!ds.crs_wkt() && !ds.crs_epsg()) {
      PrintError("the file has no CRS to transform --crs coordinates to", path);
      return kExitFailure;
    }
    auto to =
        ds.crs_wkt() ? geo::Crs::FromUserInput(*ds.crs_wkt()) : geo::Crs::FromEpsg(*ds.crs_epsg());
    if (!to.ok()) {
      PrintError(to.status().message(), path);
      return kExitFailure;
    }
    auto pts = geo::TransformPoints(*from, *to, {{px, py}});
    if (!pts.ok()) {
      PrintError(pts.status().message(), path);
      return kExitFailure;
    }
    px = (*pts)[0].first;
    py = (*pts)[0].second;
    if (!std::isfinite(px) || !std::isfinite(py)) {
      PrintError("point (" + FormatDouble(x) + ", " + FormatDouble(y) +
                     ") cannot be transformed from \"" + from->Name() + "\" to \"" + to->Name() +
                     "\"",
                 path);
      return kExitFailure;
    }
  }
  auto rc = ds.index(px, py, op);
  if (!rc.ok()) {
    PrintError(rc.status().message(), path);
    return kExitFailure;
  }
  if (json) {
    JsonWriter w;
    w.BeginObject().Key("row").Int(rc->first).Key("col").Int(rc->second).EndObject();
    return PrintLine(w.str());
  }
  return PrintLine(std::to_string(rc->first) + " " + std::to_string(rc->second));
}

CommandSpec IndexCommand() { return {"index", kIndexOptions, kIndexUsage, RunIndex}; }

}  // namespace cogr::cli
