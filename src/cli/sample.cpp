// `cogr sample PATH... --points FILE -o OUT.csv`: values at points across scenes
// (cogr::Stack::Sample).
#include <algorithm>
#include <cctype>
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
#include "output_file.hpp"
#include "report.hpp"
#include "subcommand.hpp"

namespace cogr::cli {
namespace {

constexpr std::string_view kSampleUsage =
    "usage: cogr sample (PATH... | --catalog F.gpkg [--where EXPR] [--bounds L,B,R,T [--bounds-crs CRS]]\n"
    "                   [--intersects F.geojson [--intersects-crs CRS]]) --points FILE [--crs CRS]\n"
    "                   [--bands 1,2] [--fill-failed]\n"
    "                   [--timeout SECONDS] -o OUT.csv\n"
    "\n"
    "Values of the bands at each point in every scene (rasterio's sample(): the pixel holding\n"
    "the point; a point outside a scene gets its nodata, else 0). The scenes are sampled at once.\n"
    "\n"
    "Points: a .csv file with a header naming columns x and y (others are ignored), or a\n"
    ".geojson/.json file of Point and MultiPoint geometries (Features or a FeatureCollection).\n"
    "\n"
    "OUT.csv: a header 'scene,x,y,b<i>...' (one column per band, named by its 1-based index),\n"
    "then one row per scene and point, scenes in the order given and points in file order; scene\n"
    "is the path as given, x and y the point as given (shortest round-trip decimal), values as\n"
    "integers or as floats (nan, inf). Fields with a comma or a quote are quoted (RFC 4180).\n"
    "\n"
    "options:\n"
    "  --points FILE       the points (required)\n"
    "  --catalog F.gpkg    the scenes of a catalog (cogr catalog build) matching --where, --bounds\n"
    "                      and --intersects, in the catalog's order, each opened from its stored\n"
    "                      header (no header request)\n"
    "  --where EXPR        SQL filter over the catalog's columns (see cogr catalog query --help)\n"
    "  --bounds L,B,R,T    with --catalog: only scenes whose footprint envelope meets this box\n"
    "  --bounds-crs CRS    CRS of --bounds (default EPSG:4326)\n"
    "  --intersects FILE   with --catalog: only scenes whose footprint meets these GeoJSON polygons\n"
    "  --intersects-crs CRS  CRS of --intersects (default: its \"crs\" member, else EPSG:4326)\n"
    "  --crs CRS           CRS of the points (default: the GeoJSON's \"crs\" member, else the\n"
    "                      first scene's CRS); they are transformed to the scenes' CRS\n"
    "  --bands LIST        1-based band indexes (default: all bands of the first scene)\n"
    "  --fill-failed       a scene that fails gets nodata values and a warning on stderr\n"
    "  -o, --output OUT    the .csv file to write\n"
    "  --timeout SECONDS   give up after this long (0 = no limit; default: env COGR_TIMEOUT)\n"
    "  -h, --help          show this help and exit\n";

constexpr SubOption kSampleOptions[] = {
    {"--points", "", true},       {"--crs", "", true},        {"--bands", "", true},
    {"--fill-failed", "", false}, {"--output", "-o", true},   {"--timeout", "", true},
    {"--catalog", "", true},      {"--where", "", true},      {"--bounds", "", true},
    {"--bounds-crs", "", true},   {"--intersects", "", true}, {"--intersects-crs", "", true}};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(Trim(cur));
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

struct Points {
  std::vector<std::pair<double, double>> xy;
  std::optional<std::string> crs;  // the GeoJSON's "crs" member
};

void AddPoints(const mask::Geometry& g, std::vector<std::pair<double, double>>& out, bool& other) {
  if (const auto* p = std::get_if<mask::Point>(&g.value)) {
    out.emplace_back(p->x, p->y);
  } else if (const auto* mp = std::get_if<mask::MultiPoint>(&g.value)) {
    for (const auto& q : mp->points) out.emplace_back(q.x, q.y);
  } else if (const auto* gc = std::get_if<std::vector<mask::Geometry>>(&g.value)) {
    for (const auto& child : *gc) AddPoints(child, out, other);
  } else {
    other = true;
  }
}

Result<Points> ReadPoints(const std::string& path) {
  COGR_ASSIGN_OR_RETURN(const std::string text, ReadInputFile(path, "points"));
  Points points;
  const std::string lower = Lower(path);
  const bool json = lower.size() >= 5 && (lower.ends_with(".json") || lower.ends_with(".geojson"));
  if (json) {
    auto doc = mask::ParseGeoJsonDocument(text);
    if (!doc.ok()) return Status(doc.status().code(), path + ": " + doc.status().message());
    bool other = false;
    for (const auto& g : doc->geometries) AddPoints(g, points.xy, other);
    if (other)
      return Status::InvalidArgument(path +
                                     ": only Point and MultiPoint geometries can be sampled");
    points.crs = doc->crs;
    return points;
  }
  std::istringstream lines(text);
  std::string line;
  size_t line_no = 0;
  int xcol = -1, ycol = -1;
  while (std::getline(lines, line)) {
    ++line_no;
    if (Trim(line).empty()) continue;
    const std::vector<std::string> fields = SplitCsv(line);
    if (xcol < 0) {
      for (size_t i = 0; i < fields.size(); ++i) {
        const std::string f = Lower(fields[i]);
        if (f == "x") xcol = static_cast<int>(i);
        if (f == "y") ycol = static_cast<int>(i);
      }
      if (xcol < 0 || ycol < 0)
        return Status::InvalidArgument(path + ": line 1: the header must name columns x and y");
      continue;
    }
    const auto need = static_cast<size_t>(std::max(xcol, ycol));
    if (fields.size() <= need) {
      return Status::InvalidArgument(path + ": line " + std::to_string(line_no) + ": " +
                                     std::to_string(fields.size()) + " fields, x and y need " +
                                     std::to_string(need + 1));
    }
    auto x = ParseDouble(fields[static_cast<size_t>(xcol)]);
    auto y = ParseDouble(fields[static_cast<size_t>(ycol)]);
    if (!x.ok() || !y.ok()) {
      return Status::InvalidArgument(
          path + ": line " + std::to_string(line_no) + ": " +
          (!x.ok() ? "x: " + x.status().message() : "y: " + y.status().message()));
    }
    points.xy.emplace_back(*x, *y);
  }
  if (xcol < 0)
    return Status::InvalidArgument(path + ": empty points file (expected a header naming x and y)");
  return points;
}

std::string FormatSample(DataType dtype, const uint8_t* p) {
  switch (dtype) {
    case DataType::kUInt8: return std::to_string(*p);
    case DataType::kInt8: return std::to_string(*reinterpret_cast<const int8_t*>(p));
    case DataType::kUInt16: return std::to_string(*reinterpret_cast<const uint16_t*>(p));
    case DataType::kInt16: return std::to_string(*reinterpret_cast<const int16_t*>(p));
    case DataType::kUInt32: return std::to_string(*reinterpret_cast<const uint32_t*>(p));
    case DataType::kInt32: return std::to_string(*reinterpret_cast<const int32_t*>(p));
    case DataType::kUInt64: return std::to_string(*reinterpret_cast<const uint64_t*>(p));
    case DataType::kInt64: return std::to_string(*reinterpret_cast<const int64_t*>(p));
    case DataType::kFloat32:
      return FormatDouble(static_cast<double>(*reinterpret_cast<const float*>(p)));
    case DataType::kFloat64: return FormatDouble(*reinterpret_cast<const double*>(p));
    default: return "";
  }
}

}  // namespace

int RunSample(std::span<const std::string> argv) {
  SubArgs args;
  if (auto done = ParseOrFinish("sample", argv, kSampleOptions, kSampleUsage, args)) return *done;
  auto usage = [](const std::string& message) {
    PrintError("sample: " + message);
    return kExitUsage;
  };
  std::string points_path, crs_text, output;
  CatalogSelection selection;
  StackSampleOptions options;
  CommandBounds bounds;
  for (const auto& [name, value] : args.options) {
    auto taken = selection.ApplyOption(name, value);
    if (!taken.ok()) return usage(taken.status().message());
    if (*taken) continue;
    if (IsBoundsOption(name)) {
      if (Status st = bounds.ApplyOption(name, value); !st.ok()) return usage(st.message());
    } else if (name == "--bounds") {
      auto b = ParseDoubleList(value, 4);
      if (!b.ok()) return usage("--bounds: " + b.status().message());
      selection.query.bounds = geo::Bounds{(*b)[0], (*b)[1], (*b)[2], (*b)[3]};
    } else if (name == "--bounds-crs") {
      if (value.empty()) return usage("--bounds-crs: empty CRS");
      selection.query.bounds_crs = value;
    } else if (name == "--points") {
      if (value.empty()) return usage("--points: empty file name");
      points_path = value;
    } else if (name == "--crs") {
      if (value.empty()) return usage("--crs: empty CRS");
      crs_text = value;
    } else if (name == "--bands") {
      auto b = ParseBands(value);
      if (!b.ok()) return usage("--bands: " + b.status().message());
      options.bands = std::move(b).value();
    } else if (name == "--fill-failed") {
      options.on_error = StackOnError::kFill;
    } else if (name == "--output") {
      if (value.empty()) return usage("--output: empty file name");
      output = value;
    }
  }
  if (!selection.path.empty() && !args.positional.empty())
    return usage("give PATHs or --catalog, not both");
  if (Status st = selection.Check(); !st.ok()) return usage(st.message());
  if (selection.path.empty() && selection.query.bounds) return usage("--bounds needs --catalog");
  if (!selection.query.bounds && !selection.query.bounds_crs.empty())
    return usage("--bounds-crs needs --bounds");
  if (selection.path.empty() && args.positional.empty())
    return usage("missing PATH (see 'cogr sample --help')");
  if (points_path.empty()) return usage("missing --points FILE");
  if (output.empty()) return usage("missing output file (-o OUT.csv)");
  std::optional<geo::Crs> crs;
  if (!crs_text.empty()) {
    auto c = geo::Crs::FromUserInput(crs_text);
    if (!c.ok()) return usage("--crs: " + c.status().message());
    crs = *c;
  }
  if (Status st = bounds.ApplyEnvironment(); !st.ok()) return usage(st.message());
  bounds.Start();

  int exit_code = kExitFailure;
  const std::unique_ptr<OutputFile> out = CreateCommandOutput(output, exit_code);
  if (!out) return exit_code;
  if (Status st = selection.Load(); !st.ok()) {
    PrintError(st.message());
    return kExitFailure;
  }
  auto points = ReadPoints(points_path);
  if (!points.ok()) {
    PrintError(points.status().message());
    return kExitFailure;
  }
  if (!crs && points->crs) {
    auto c = geo::Crs::FromUserInput(*points->crs);
    if (!c.ok()) {
      PrintError("\"crs\": " + c.status().message(), points_path);
      return kExitFailure;
    }
    crs = *c;
  }
  options.crs = crs;

  // The stack's grid does not matter for sampling: scenes on different grids are fine.
  StackOptions stack_options;
  stack_options.open.block_cache_bytes = 0;
  stack_options.bands = options.bands;
  stack_options.on_error = options.on_error;
  bounds.ApplyTo(stack_options.open);
  std::vector<std::string> uris = args.positional;
  if (!selection.path.empty()) {
    auto scenes = selection.Scenes(stack_options);
    if (!scenes.ok()) {
      PrintError(scenes.status().message());
      return kExitFailure;
    }
    uris = std::move(scenes).value();
  }
  // Lazy: no pixel is read; scenes on other grids than the first are fine (the stack's grid
  // does not matter for sampling), scenes in other CRSs are not.
  auto stack = Stack::Open(uris, stack_options);
  if (!stack.ok()) {
    PrintError(bounds.Explain(stack.status()));
    return kExitFailure;
  }
  ReadOptions deadline;
  bounds.ApplyTo(deadline);
  options.deadline = deadline.deadline;
  auto sampled = stack->Sample(points->xy, options);
  if (!sampled.ok()) {
    PrintError(bounds.Explain(sampled.status()));
    return kExitFailure;
  }
  const std::vector<int>& bands = options.bands.empty() ? stack->bands() : options.bands;
  std::string csv = "scene,x,y";
  for (int b : bands) csv += ",b" + std::to_string(b);
  csv += "\n";
  const Array& data = sampled->data;
  const size_t sb = DataTypeSize(data.dtype);
  for (size_t t = 0; t < stack->count(); ++t) {
    const std::string scene = CsvField(uris[t]);
    for (size_t p = 0; p < points->xy.size(); ++p) {
      csv += scene + "," + FormatDouble(points->xy[p].first) + "," +
             FormatDouble(points->xy[p].second);
      for (size_t b = 0; b < bands.size(); ++b) {
        csv += "," + FormatSample(
                         data.dtype,
                         data.data.data() + ((t * points->xy.size() + p) * bands.size() + b) * sb);
      }
      csv += "\n";
    }
  }
  Status st;
  {
    std::FILE* f = std::fopen(out->temp_path().c_str(), "wb");
    if (f == nullptr || std::fwrite(csv.data(), 1, csv.size(), f) != csv.size() ||
        std::fclose(f) != 0) {
      st = Status::IoError(output + ": cannot write");
    }
  }
  if (st.ok()) st = out->Commit();
  if (!st.ok()) {
    PrintError(st.message());
    return kExitFailure;
  }
  for (size_t i = 0; i < sampled->failed.size(); ++i) {
    PrintWarning("filled failed scene " + std::to_string(sampled->failed[i]) + ": " +
                 sampled->failed_messages[i]);
  }
  return 0;
}

CommandSpec SampleCommand() { return {"sample", kSampleOptions, kSampleUsage, RunSample}; }

}  // namespace cogr::cli
