// `cogr catalog build|info|query`: scene catalogs (GeoPackage files of parsed headers, see
// docs/catalog.md and include/cogr/catalog.hpp).
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "args.hpp"
#include "bounds.hpp"
#include "catalog_select.hpp"
#include "cogr/catalog.hpp"
#include "commands.hpp"
#include "json_writer.hpp"
#include "output_file.hpp"
#include "subcommand.hpp"

namespace cogr::cli {
namespace {

constexpr std::string_view kCatalogUsage =
    "usage: cogr catalog build URI... [--from-file LIST] -o CATALOG.gpkg [--concurrency N]\n"
    "                          [--batch N] [--header-bytes N] [--skip-errors]\n"
    "                          [--timeout SECONDS]\n"
    "       cogr catalog info CATALOG.gpkg\n"
    "       cogr catalog query CATALOG.gpkg [--bounds L,B,R,T] [--bounds-crs CRS]\n"
    "                          [--intersects F.geojson [--crs CRS]] [--where EXPR]\n"
    "                          [--limit N] [-o HITS.txt]\n"
    "\n"
    "build: opens every scene once (all opens in flight, up to --concurrency) and writes a\n"
    "GeoPackage of their footprints (EPSG:4326 polygons, R-tree indexed) with the parsed\n"
    "header of each, so that opening a scene through the catalog sends no header request.\n"
    "info: scene count, extent, CRSs and dtypes. query: the URIs of the scenes whose\n"
    "footprint envelope intersects --bounds, whose footprint meets the --intersects polygons\n"
    "and for which --where holds, one per line.\n"
    "\n"
    "options:\n"
    "  --from-file LIST  read URIs from LIST too, one per line ('-' = stdin; blank lines\n"
    "                    and lines starting with '#' are skipped)\n"
    "  -o, --output PATH the catalog (build) or the list of URIs (query; default stdout)\n"
    "  --concurrency N   opens in flight at once (default 64)\n"
    "  --batch N         rows per transaction (default 500)\n"
    "  --header-bytes N  first read of each header (default 16384); the stored header is\n"
    "                    cut to what the parse needs\n"
    "  --skip-errors     leave out scenes that cannot be opened (a warning line each)\n"
    "                    instead of failing the build\n"
    "  --timeout SECONDS deadline for the whole build (env COGR_TIMEOUT; 0 = none): past it\n"
    "                    the build fails, --skip-errors or not\n"
    "  --bounds L,B,R,T  left,bottom,right,top in --bounds-crs (default EPSG:4326)\n"
    "  --bounds-crs CRS  the CRS of --bounds (EPSG:3857, WKT, PROJ string, ...)\n"
    "  --intersects FILE GeoJSON Polygon/MultiPolygon (geometry, Feature or FeatureCollection):\n"
    "                    scenes whose footprint polygon shares a point with it (holes excluded)\n"
    "  --crs CRS         the CRS of --intersects (default: its \"crs\" member, else EPSG:4326)\n"
    "  --where EXPR      SQL expression over the catalog's columns (\"count >= 4 AND\n"
    "                    dtype = 'uint16'\"); read-only, the scenes table only\n"
    "  --limit N         at most N hits\n"
    "  -h, --help        show this help and exit\n";

constexpr SubOption kCatalogOptions[] = {
    {"--from-file", "", true},    {"--output", "-o", true},     {"--concurrency", "", true},
    {"--batch", "", true},        {"--header-bytes", "", true}, {"--bounds", "", true},
    {"--bounds-crs", "", true},   {"--where", "", true},        {"--limit", "", true},
    {"--skip-errors", "", false}, {"--intersects", "", true},   {"--crs", "", true},
    {"--timeout", "", true}};

Status ReadList(const std::string& path, std::vector<std::string>& uris) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return Status::NotFound(path + ": cannot open the URI list");
    in = &file;
  }
  for (std::string line; std::getline(*in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    uris.push_back(line.substr(start));
  }
  return Status::OK();
}

Status WriteAll(int fd, const std::string& text, const std::string& path) {
  size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0) return Status::IoError(path + ": write failed");
    off += static_cast<size_t>(n);
  }
  return Status::OK();
}

int Build(const SubArgs& args) {
  std::vector<std::string> uris(args.positional.begin() + 1, args.positional.end());
  std::string output;
  CatalogBuildOptions options;
  options.open.header_read_bytes = 16 * 1024;
  CommandBounds bounds;
  for (const auto& [name, value] : args.options) {
    if (name == "--timeout") {
      if (Status st = bounds.ApplyOption(name, value); !st.ok()) {
        PrintError("catalog build: " + st.message());
        return kExitUsage;
      }
    } else if (name == "--from-file") {
      if (Status st = ReadList(value, uris); !st.ok()) {
        PrintError(st.message());
        return kExitFailure;
      }
    } else if (name == "--output") {
      output = value;
    } else if (name == "--skip-errors") {
      options.skip_errors = true;
    } else if (name == "--concurrency" || name == "--batch" || name == "--header-bytes") {
      auto n = ParseInt(value, name == "--header-bytes" ? 512 : 1,
                        name == "--header-bytes" ? (64 << 20) : 1000000);
      if (!n.ok()) {
        PrintError("catalog: " + name + ": " + n.status().message());
        return kExitUsage;
      }
      if (name == "--concurrency") options.concurrency = static_cast<size_t>(*n);
      if (name == "--batch") options.batch_rows = static_cast<size_t>(*n);
      if (name == "--header-bytes") options.open.header_read_bytes = static_cast<uint64_t>(*n);
    } else {
      PrintError("catalog build: " + name + " applies to query only");
      return kExitUsage;
    }
  }
  if (output.empty()) {
    PrintError("catalog build: -o CATALOG.gpkg is required");
    return kExitUsage;
  }
  if (uris.empty()) {
    PrintError("catalog build: no URIs (give them as arguments or with --from-file)");
    return kExitUsage;
  }
  if (Status st = bounds.ApplyEnvironment(); !st.ok()) {
    PrintError("catalog build: " + st.message());
    return kExitUsage;
  }
  bounds.Start();
  bounds.ApplyTo(options.open);
  auto out = OutputFile::Create(output);
  if (!out.ok()) {
    PrintError(out.status().message());
    return kExitFailure;
  }
  if (Status st = (*out)->CloseFd(); !st.ok()) {
    PrintError(st.message());
    return kExitFailure;
  }
  Result<CatalogBuildSummary> summary = [&] {
    ProgressBar bar("catalog");
    options.progress = [&bar](size_t done, size_t total) {
      bar.Update(static_cast<double>(done) / static_cast<double>(total));
    };
    return Catalog::Build(uris, (*out)->temp_path(), options);
  }();
  if (!summary.ok()) {
    PrintError((*out)->Rename(bounds.Explain(summary.status())));
    return kExitFailure;
  }
  if (Status st = (*out)->Commit(); !st.ok()) {
    PrintError(st.message());
    return kExitFailure;
  }
  for (const Status& st : summary->errors) PrintWarning("skipped: " + st.message());
  if (summary->skipped > summary->errors.size()) {
    PrintWarning("skipped " + std::to_string(summary->skipped - summary->errors.size()) +
                 " more scenes");
  }
  std::printf("%s: %llu scenes, %llu header bytes stored", output.c_str(),
              static_cast<unsigned long long>(summary->scenes),
              static_cast<unsigned long long>(summary->header_bytes));
  if (summary->skipped)
    std::printf(", %llu skipped", static_cast<unsigned long long>(summary->skipped));
  if (summary->without_crs) {
    std::printf(" (%llu without a CRS: no footprint)",
                static_cast<unsigned long long>(summary->without_crs));
  }
  std::printf("\n");
  return FinishStdout() ? 0 : kExitFailure;
}

int Info(const SubArgs& args) {
  if (!args.options.empty()) {
    PrintError("catalog info: " + args.options[0].first + " applies to build or query only");
    return kExitUsage;
  }
  if (args.positional.size() != 2) {
    PrintError("catalog info: expected one CATALOG.gpkg");
    return kExitUsage;
  }
  const std::string& path = args.positional[1];
  auto catalog = Catalog::Open(path);
  if (!catalog.ok()) {
    PrintError(catalog.status().message(), path);
    return kExitFailure;
  }
  auto info = (*catalog)->Info();
  if (!info.ok()) {
    PrintError(info.status().message(), path);
    return kExitFailure;
  }
  std::string text = "scenes: " + std::to_string(info->scenes) + "\n";
  if (info->extent_4326) {
    const geo::Bounds& e = *info->extent_4326;
    text += "extent (EPSG:4326): " + FormatDouble(e.left) + " " + FormatDouble(e.bottom) + " " +
            FormatDouble(e.right) + " " + FormatDouble(e.top) + "\n";
  } else {
    text += "extent (EPSG:4326): none\n";
  }
  text += "crs:";
  for (const auto& [k, n] : info->crs) text += " " + k + " (" + std::to_string(n) + ")";
  text += "\ndtypes:";
  for (const auto& [k, n] : info->dtypes) text += " " + k + " (" + std::to_string(n) + ")";
  text += "\n";
  std::fputs(text.c_str(), stdout);
  return FinishStdout() ? 0 : kExitFailure;
}

int Query(const SubArgs& args) {
  if (args.positional.size() != 2) {
    PrintError("catalog query: expected one CATALOG.gpkg");
    return kExitUsage;
  }
  const std::string& path = args.positional[1];
  CatalogSelection selection;
  CatalogQuery& query = selection.query;
  std::string output;
  for (const auto& [name, value] : args.options) {
    auto taken = selection.ApplyOption(name, value, "--crs");
    if (!taken.ok()) {
      PrintError("catalog query: " + taken.status().message());
      return kExitUsage;
    }
    if (*taken) continue;
    if (name == "--bounds") {
      std::vector<double> v;
      size_t start = 0;
      bool ok = true;
      while (ok && start <= value.size()) {
        const size_t comma = value.find(',', start);
        auto d = ParseDouble(
            value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        ok = d.ok() && std::isfinite(*d);
        if (ok) v.push_back(*d);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      if (!ok || v.size() != 4 || v[0] > v[2] || v[1] > v[3]) {
        PrintError("catalog query: --bounds: expected L,B,R,T with L <= R and B <= T, got '" +
                   value + "'");
        return kExitUsage;
      }
      query.bounds = geo::Bounds{v[0], v[1], v[2], v[3]};
    } else if (name == "--bounds-crs") {
      query.bounds_crs = value;
    } else if (name == "--limit") {
      auto n = ParseInt(value, 1, INT64_MAX);
      if (!n.ok()) {
        PrintError("catalog query: --limit: " + n.status().message());
        return kExitUsage;
      }
      query.limit = static_cast<uint64_t>(*n);
    } else if (name == "--output") {
      output = value;
    } else {
      PrintError("catalog query: " + name + " applies to build only");
      return kExitUsage;
    }
  }
  if (Status st = selection.Check(true); !st.ok()) {
    PrintError("catalog query: " + st.message());
    return kExitUsage;
  }
  if (Status st = selection.Load(); !st.ok()) {
    PrintError(st.message());
    return kExitFailure;
  }
  std::unique_ptr<OutputFile> out;
  if (!output.empty()) {
    auto created = OutputFile::Create(output);
    if (!created.ok()) {
      PrintError(created.status().message());
      return kExitFailure;
    }
    out = std::move(created).value();
  }
  auto catalog = Catalog::Open(path);
  if (!catalog.ok()) {
    PrintError(catalog.status().message(), path);
    return kExitFailure;
  }
  auto hits = (*catalog)->Query(query);
  if (!hits.ok()) {
    PrintError(hits.status().message(), hits.status().code() == Code::kInvalidArgument ? "" : path);
    return hits.status().code() == Code::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  std::string text;
  for (const SceneRecord& r : *hits) text += r.uri + "\n";
  if (!out) {
    std::fputs(text.c_str(), stdout);
    return FinishStdout() ? 0 : kExitFailure;
  }
  if (Status st = WriteAll(out->fd(), text, output); !st.ok()) {
    PrintError(st.message());
    return kExitFailure;
  }
  if (Status st = out->Commit(); !st.ok()) {
    PrintError(st.message());
    return kExitFailure;
  }
  return 0;
}

}  // namespace

int RunCatalog(std::span<const std::string> argv) {
  SubArgs args;
  if (auto done = ParseOrFinish("catalog", argv, kCatalogOptions, kCatalogUsage, args))
    return *done;
  const std::string action = args.positional.empty() ? std::string() : args.positional[0];
  if (action == "build") return Build(args);
  if (action == "info") return Info(args);
  if (action == "query") return Query(args);
  PrintError(action.empty() ? "catalog: expected build, info or query (see 'cogr catalog --help')"
                            : "catalog: unknown action '" + action + "' (build, info or query)");
  return kExitUsage;
}

CommandSpec CatalogCommand() { return {"catalog", kCatalogOptions, kCatalogUsage, RunCatalog}; }

}  // namespace cogr::cli
