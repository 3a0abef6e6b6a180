// `cogr stack URI... -o OUT.npy`: many scenes read as one (T, C, H, W) array (cogr::Stack).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "args.hpp"
#include "bounds.hpp"
#include "catalog_select.hpp"
#include "cogr/catalog.hpp"
#include "cogr/crs.hpp"
#include "cogr/mask.hpp"
#include "cogr/stack.hpp"
#include "commands.hpp"
#include "json_writer.hpp"
#include "npy_writer.hpp"
#include "output_file.hpp"
#include "report.hpp"
#include "stats.hpp"
#include "subcommand.hpp"
#include "trace_output.hpp"

namespace cogr::cli {
namespace {

constexpr std::string_view kStackUsage =
    "usage: cogr stack (URI... | --catalog F.gpkg [--where EXPR] [--intersects F.geojson\n"
    "                  [--intersects-crs CRS]])\n"
    "                  (--window C,R,W,H | --bounds L,B,R,T [--bounds-crs CRS] [--res R])\n"
    "                  [--bands 1,2] [--out-shape H,W] [--resampling NAME] [--concat] [--fill V]\n"
    "                  [--fill-failed] [--stats] [--trace FILE.json] [--timeout SECONDS]\n"
    "                  [--max-memory BYTES] -o OUT.npy\n"
    "\n"
    "Reads the same window of every scene into one array: OUT.npy has shape (T, C, H, W) (T\n"
    "scenes in the order given, C bands), or (T*C, H, W) with --concat, in the scenes' data type.\n"
    "Every open, then every read, is in flight at once. Pixels outside a scene get --fill, else\n"
    "its nodata, else 0. Without --window or --bounds the whole image is read (all scenes must\n"
    "then share one grid). The output appears only when the whole stack was read.\n"
    "\n"
    "options:\n"
    "  --catalog F.gpkg    the scenes of a catalog (cogr catalog build) matching --bounds and\n"
    "                      --where, in the catalog's order; each opens from its stored header (no\n"
    "                      header request). With --catalog, --bounds-crs defaults to EPSG:4326\n"
    "  --where EXPR        SQL filter over the catalog's columns (see cogr catalog query --help)\n"
    "  --intersects FILE   with --catalog: only scenes whose footprint meets the polygons of this\n"
    "                      GeoJSON (Polygon/MultiPolygon geometry, Feature or FeatureCollection);\n"
    "                      without --window or --bounds, --bounds is their bounding box\n"
    "  --intersects-crs CRS  CRS of --intersects (default: its \"crs\" member, else EPSG:4326)\n"
    "  --window C,R,W,H    pixel window of the scenes' common grid (may reach outside: boundless)\n"
    "  --bounds L,B,R,T    a box in --bounds-crs (default: the first scene's CRS); the target grid\n"
    "                      is the box at --res (default: the first scene's pixel size) in the first\n"
    "                      scene's CRS; each scene reads its own window for it, resampled with\n"
    "                      --resampling when its pixel size differs. Scenes in another CRS are an\n"
    "                      error (no reprojection)\n"
    "  --bounds-crs CRS    CRS of --bounds (EPSG:4326, WKT, PROJ string)\n"
    "  --res R | RX,RY     pixel size of the target grid (with --bounds)\n"
    "  --bands LIST        1-based band indexes, comma-separated (default: all bands)\n"
    "  --out-shape H,W     resample each chip to this size\n"
    "  --resampling NAME   nearest (default), bilinear, cubic, average, mode, min, max, med, q1, q3\n"
    "  --concat            write (T*C, H, W) instead of (T, C, H, W)\n"
    "  --fill V            value of pixels outside a scene (and of failed scenes)\n"
    "  --fill-failed       a scene that fails to open or read is filled and reported on stderr\n"
    "                      (one warning per scene) instead of failing the command\n"
    "  --stats             one JSON line per scene on stderr (scene, uri, ok, ms, requests, bytes),\n"
    "                      then one for the whole stack (scenes, failed, open_ms, ms, requests,\n"
    "                      bytes); with --window each read starts at its scene's open (open_ms null)\n"
    "  --trace FILE.json   write the opens' and reads' requests and decodes as a Chrome trace\n"
    "                      (one process per scene; open in https://ui.perfetto.dev)\n"
    "  -o, --output OUT    the .npy file to write\n"
    "  --timeout SECONDS   give up after this long for the whole command (0 = no limit; default:\n"
    "                      env COGR_TIMEOUT, else no limit)\n"
    "  --max-memory BYTES  largest read of one scene: bytes, or with K, M, G, T, e.g. 512M\n"
    "  -h, --help          show this help and exit\n";

constexpr SubOption kStackOptions[] = {
    {"--window", "", true},        {"--bounds", "", true},     {"--bounds-crs", "", true},
    {"--res", "", true},           {"--bands", "", true},      {"--out-shape", "", true},
    {"--resampling", "", true},    {"--concat", "", false},    {"--fill", "", true},
    {"--fill-failed", "", false},  {"--stats", "", false},     {"--output", "-o", true},
    {"--timeout", "", true},       {"--max-memory", "", true}, {"--catalog", "", true},
    {"--where", "", true},         {"--trace", "", true},      {"--intersects", "", true},
    {"--intersects-crs", "", true}};

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void PrintStderrLine(const std::string& line) {
  std::fflush(stdout);
  std::fputs((line + "\n").c_str(), stderr);
  std::fflush(stderr);
}

int RunStackRead(const std::vector<std::string>& uris, const StackOptions& options,
                 const std::string& output, bool stats, const CommandBounds& bounds,
                 const std::shared_ptr<Trace>& trace);

}  // namespace

int RunStack(std::span<const std::string> argv) {
  SubArgs args;
  if (auto done = ParseOrFinish("stack", argv, kStackOptions, kStackUsage, args)) return *done;
  auto usage = [](const std::string& message) {
    PrintError("stack: " + message);
    return kExitUsage;
  };
  StackOptions options;
  options.open.block_cache_bytes = 0;  // one read per scene: caching decoded blocks only costs
  std::string output, bounds_crs, trace_path;
  CatalogSelection selection;
  bool fill_failed = false, stats = false;
  CommandBounds bounds;
  for (const auto& [name, value] : args.options) {
    auto taken = selection.ApplyOption(name, value);
    if (!taken.ok()) return usage(taken.status().message());
    if (*taken) continue;
    if (IsBoundsOption(name)) {
      if (Status st = bounds.ApplyOption(name, value); !st.ok()) return usage(st.message());
    } else if (name == "--trace") {
      if (value.empty()) return usage("--trace: empty file name");
      trace_path = value;
    } else if (name == "--window") {
      auto w = ParseWindow(value, true);
      if (!w.ok()) return usage("--window: " + w.status().message());
      if ((*w)[2] == 0 || (*w)[3] == 0) return usage("--window: width and height must be >= 1");
      options.window = geo::Window{static_cast<double>((*w)[0]), static_cast<double>((*w)[1]),
                                   static_cast<double>((*w)[2]), static_cast<double>((*w)[3])};
    } else if (name == "--bounds") {
      auto b = ParseDoubleList(value, 4);
      if (!b.ok()) return usage("--bounds: " + b.status().message());
      options.bounds = geo::Bounds{(*b)[0], (*b)[1], (*b)[2], (*b)[3]};
    } else if (name == "--bounds-crs") {
      if (value.empty()) return usage("--bounds-crs: empty CRS");
      bounds_crs = value;
    } else if (name == "--res") {
      auto r = ParseDoubleList(value, value.find(',') == std::string::npos ? 1 : 2);
      if (!r.ok()) return usage("--res: " + r.status().message());
      const double rx = (*r)[0], ry = r->size() > 1 ? (*r)[1] : (*r)[0];
      if (!(rx > 0) || !(ry > 0)) return usage("--res: must be positive");
      options.resolution = std::make_pair(rx, ry);
    } else if (name == "--bands") {
      auto b = ParseBands(value);
      if (!b.ok()) return usage("--bands: " + b.status().message());
      options.bands = std::move(b).value();
    } else if (name == "--out-shape") {
      auto s = ParseShape(value);
      if (!s.ok()) return usage("--out-shape: " + s.status().message());
      options.out_shape = std::make_pair((*s)[0], (*s)[1]);
    } else if (name == "--resampling") {
      auto r = ParseResampling(value);
      if (!r.ok()) return usage("--resampling: " + r.status().message());
      options.resampling = *r;
    } else if (name == "--concat") {
      options.stack = false;
    } else if (name == "--fill") {
      auto v = ParseDouble(value);
      if (!v.ok()) return usage("--fill: " + v.status().message());
      options.fill = *v;
    } else if (name == "--fill-failed") {
      fill_failed = true;
    } else if (name == "--stats") {
      stats = true;
    } else if (name == "--output") {
      if (value.empty()) return usage("--output: empty file name");
      output = value;
    }
  }
  if (!selection.path.empty() && !args.positional.empty())
    return usage("give URIs or --catalog, not both");
  if (Status st = selection.Check(); !st.ok()) return usage(st.message());
  if (selection.path.empty() && args.positional.empty())
    return usage("missing URI (see 'cogr stack --help')");
  if (output.empty()) return usage("missing output file (-o OUT.npy)");
  if (options.window && options.bounds)
    return usage("--window and --bounds cannot be used together");
  if (!options.bounds && selection.intersects_path.empty() &&
      (!bounds_crs.empty() || options.resolution)) {
    return usage("--bounds-crs and --res need --bounds");
  }
  if (Status st = selection.Load(); !st.ok()) {
    PrintError(st.message());
    return kExitFailure;
  }
  if (!selection.query.intersects.empty() && !options.window && !options.bounds) {
    // The polygons' bounding box is the area read.
    options.bounds = selection.IntersectsBounds();
    bounds_crs = selection.query.intersects_crs;
  }
  // Through a catalog the scenes' CRS is not known before the query: bounds default to lon/lat.
  if (!selection.path.empty() && options.bounds && bounds_crs.empty()) bounds_crs = "EPSG:4326";
  if (!bounds_crs.empty()) {
    auto crs = geo::Crs::FromUserInput(bounds_crs);
    if (!crs.ok()) return usage("--bounds-crs: " + crs.status().message());
    options.bounds_crs = *crs;
  }
  if (Status st = bounds.ApplyEnvironment(); !st.ok()) return usage(st.message());
  bounds.Start();
  bounds.ApplyTo(options.open);
  options.on_error = fill_failed ? StackOnError::kFill : StackOnError::kFail;
  return RunWithTrace(trace_path, [&](std::shared_ptr<Trace> trace) {
    options.open.trace = trace;
    std::vector<std::string> uris = args.positional;
    if (!selection.path.empty()) {
      selection.query.bounds = options.bounds;
      selection.query.bounds_crs = bounds_crs;
      auto scenes = selection.Scenes(options);
      if (!scenes.ok()) {
        PrintError(scenes.status().message());
        return kExitFailure;
      }
      uris = std::move(scenes).value();
    }
    return RunStackRead(uris, options, output, stats, bounds, trace);
  });
}

namespace {

int RunStackRead(const std::vector<std::string>& uris, const StackOptions& options,
                 const std::string& output, bool stats, const CommandBounds& bounds,
                 const std::shared_ptr<Trace>& trace) {
  StackReadOptions read;
  ReadOptions deadline;
  bounds.ApplyTo(deadline);
  read.deadline = deadline.deadline;
  read.on_error = options.on_error;
  read.trace = trace;
  ProgressBar bar("cogr stack");
  read.progress = [&bar](size_t done, size_t total) {
    bar.Update(static_cast<double>(done) / static_cast<double>(std::max<size_t>(1, total)));
  };
  const auto start = std::chrono::steady_clock::now();
  std::optional<double> open_ms;  // unset: reads started at each scene's open (no phases)
  StackRead result;
  std::unique_ptr<NpyOutput> out;
  if (options.window && !options.out_shape) {
    // Each scene's read starts as soon as its own open completes (Stack::OpenAndRead); the
    // .npy is then written from the result.
    auto r = Stack::OpenAndRead(uris, options, read);
    bar.Finish();
    if (!r.ok()) {
      PrintError(bounds.Explain(r.status()));
      return kExitFailure;
    }
    result = std::move(r).value();
    if (!NpyOutput::InPlace(result.data.dtype)) {
      PrintError("stack: data type " + std::string(DataTypeName(result.data.dtype)) +
                 " is not supported for .npy stacks");
      return kExitFailure;
    }
    auto created = NpyOutput::Create(output, result.data.dtype, result.data.bands,
                                     result.data.height, result.data.width, false, result.shape);
    if (!created.ok()) {
      PrintError(created.status().message());
      return kExitFailure;
    }
    out = std::move(created).value();
    if (!result.data.data.empty())
      std::memcpy(out->view().data, result.data.data.data(), result.data.data.size());
  } else {
    auto stack = Stack::Open(uris, options);
    if (!stack.ok()) {
      PrintError(bounds.Explain(stack.status()));
      return kExitFailure;
    }
    open_ms = Ms(std::chrono::steady_clock::now() - start);
    const Stack& s = *stack;
    if (!NpyOutput::InPlace(s.dtype())) {
      PrintError("stack: data type " + std::string(DataTypeName(s.dtype())) +
                 " is not supported for .npy stacks");
      return kExitFailure;
    }
    // The .npy is written in place: its data area is (T*C, H, W), which is the bytes of
    // (T, C, H, W) too; the header says which shape.
    const std::vector<uint64_t> shape = s.shape();
    auto created = NpyOutput::Create(output, s.dtype(), s.count() * s.band_count(), s.height(),
                                     s.width(), false, shape);
    if (!created.ok()) {
      PrintError(created.status().message());
      return kExitFailure;
    }
    out = std::move(created).value();
    Status st = s.ReadInto(out->view(), read, &result);
    bar.Finish();
    if (!st.ok()) {
      PrintError(bounds.Explain(st));
      return kExitFailure;
    }
  }
  const double total_ms = Ms(std::chrono::steady_clock::now() - start);
  Status written = out->Commit();
  if (!written.ok()) {
    PrintError(written.message());
    return kExitFailure;
  }
  for (size_t i = 0; i < result.failed.size(); ++i) {
    PrintWarning("filled failed scene " + std::to_string(result.failed[i]) + ": " +
                 result.failed_messages[i]);
  }
  if (stats) {
    io::IoStats total;
    for (size_t i = 0; i < result.scenes.size(); ++i) {
      const StackSceneResult& r = result.scenes[i];
      total += r.io;
      JsonWriter w;
      w.BeginObject();
      w.Key("scene").UInt(i);
      w.Key("uri").String(uris[i]);
      w.Key("ok").Bool(r.status.ok());
      w.Key("ms").Double(r.ms);
      WriteIoCounters(w, r.io);
      w.EndObject();
      PrintStderrLine(w.str());
    }
    JsonWriter w;
    w.BeginObject();
    w.Key("scenes").UInt(uris.size());
    w.Key("failed").UInt(result.failed.size());
    if (open_ms) {
      w.Key("open_ms").Double(*open_ms);
    } else {
      w.Key("open_ms").Null();
    }
    w.Key("ms").Double(total_ms);
    WriteIoCounters(w, total);
    w.EndObject();
    PrintStderrLine(w.str());
  }
  return 0;
}

}  // namespace

CommandSpec StackCommand() { return {"stack", kStackOptions, kStackUsage, RunStack}; }

}  // namespace cogr::cli
