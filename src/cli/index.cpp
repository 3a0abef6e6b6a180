// `cogr index PATH X Y [--crs CRS] [--op floor|round|ceil] [--json]`: rasterio's dataset.index.
#include <cmath>
#include <cstdio>
#include <span>
#include <string>

#include "args.hpp"
#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"
#include "bounds.hpp"
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
    if (IsBoundsOption(name)) {
      if (Status st = bounds.ApplyOption(name, value); !st.ok()) {
        PrintError("index: " + st.message());
        return kExitUsage;
      }
    } else if (name == "--op") {
      auto o = geo::ParseRoundOp(value);
      if (!o.ok()) {
        PrintError("index: --op: " + o.status().message());
        return kExitUsage;
      }
      op = *o;
    } else if (name == "--crs") {
      if (value.empty()) {
        PrintError("index: --crs: empty CRS");
        return kExitUsage;
      }
      crs_text = value;
    } else if (name == "--json") {
      json = true;
    }
  }
  const auto& pos = args.positional;
  if (pos.size() != 3) {
    PrintError(pos.size() < 3 ? "index: expected PATH X Y (see 'cogr index --help')"
                              : "index: unexpected argument '" + pos[3] + "'");
    return kExitUsage;
  }
  auto x = ParseDouble(pos[1]);
  auto y = ParseDouble(pos[2]);
  if (!x.ok() || !y.ok()) {
    PrintError("index: " + (!x.ok() ? "X: " + x.status().message() : "Y: " + y.status().message()));
    return kExitUsage;
  }
  if (!std::isfinite(*x) || !std::isfinite(*y)) {
    PrintError("index: X and Y must be finite");
    return kExitUsage;
  }
  std::optional<geo::Crs> from;
  if (!crs_text.empty()) {
    auto crs = geo::Crs::FromUserInput(crs_text);
    if (!crs.ok()) {
      PrintError("index: --crs: " + crs.status().message());
      return kExitUsage;
    }
    from = *crs;
  }
  if (Status st = bounds.ApplyEnvironment(); !st.ok()) {
    PrintError("index: " + st.message());
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
  const Dataset& ds = **opened;
  double px = *x, py = *y;
  if (from) {
    if (!ds.crs_wkt() && !ds.crs_epsg()) {
      PrintError("the file has no CRS to transform --crs coordinates to", pos[0]);
      return kExitFailure;
    }
    auto to = ds.crs_wkt() ? geo::Crs::FromUserInput(*ds.crs_wkt()) : geo::Crs::FromEpsg(*ds.crs_epsg());
    if (!to.ok()) {
      PrintError(to.status().message(), pos[0]);
      return kExitFailure;
    }
    auto pts = geo::TransformPoints(*from, *to, {{px, py}});
    if (!pts.ok()) {
      PrintError(pts.status().message(), pos[0]);
      return kExitFailure;
    }
    px = (*pts)[0].first;
    py = (*pts)[0].second;
    if (!std::isfinite(px) || !std::isfinite(py)) {
      PrintError("point (" + FormatDouble(*x) + ", " + FormatDouble(*y) + ") cannot be transformed from \"" +
                     from->Name() + "\" to \"" + to->Name() + "\"",
                 pos[0]);
      return kExitFailure;
    }
  }
  auto rc = ds.index(px, py, op);
  if (!rc.ok()) {
    PrintError(rc.status().message(), pos[0]);
    return kExitFailure;
  }
  std::string line;
  if (json) {
    JsonWriter w;
    w.BeginObject().Key("row").Int(rc->first).Key("col").Int(rc->second).EndObject();
    line = w.str();
  } else {
    line = std::to_string(rc->first) + " " + std::to_string(rc->second);
  }
  line += '\n';
  std::fputs(line.c_str(), stdout);
  return FinishStdout() ? 0 : kExitFailure;
}

CommandSpec IndexCommand() { return {"index", kIndexOptions, kIndexUsage, RunIndex}; }

}  // namespace cogr::cli
