// `cogr clip`: rasterio.mask.mask of a file by GeoJSON shapes, written as a tiled GeoTIFF or a
// NumPy .npy file.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "args.hpp"
#include "bounds.hpp"
#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"
#include "cogr/mask.hpp"
#include "cogr/write.hpp"
#include "commands.hpp"
#include "npy_writer.hpp"
#include "output_file.hpp"
#include "subcommand.hpp"

namespace cogr::cli {
namespace {

constexpr std::string_view kClipUsage =
    "usage: cogr clip PATH --geojson AOI.geojson -o OUT.tif|OUT.npy [--crop] [--all-touched]\n"
    "                 [--invert] [--nodata V] [--geojson-crs CRS] [--bands 1,2]\n"
    "                 [--compress NAME] [--timeout SECONDS] [--max-memory BYTES]\n"
    "\n"
    "Masks the pixels outside the shapes of a GeoJSON geometry, Feature or FeatureCollection\n"
    "(rasterio.mask.mask): they get --nodata, else the file's nodata, else 0. A .tif output is a\n"
    "tiled, compressed GeoTIFF with the clipped transform, the file's CRS and that nodata; a\n"
    ".npy output is (bands, height, width) as 'cogr read' writes it. The output appears only\n"
    "when the whole clip succeeded.\n"
    "\n"
    "options:\n"
    "  --geojson FILE      the shapes (required)\n"
    "  --geojson-crs CRS   the CRS of the shapes' coordinates (EPSG:4326, WKT, ...); they are\n"
    "                      reprojected to the file's CRS. Default: the document's \"crs\" member,\n"
    "                      else the file's own CRS (as rasterio and rio mask assume)\n"
    "  --crop              keep only the window of the shapes' bounds\n"
    "  --all-touched       mask out only pixels the shapes do not touch at all (default: pixels\n"
    "                      whose centre is outside)\n"
    "  --invert            mask the inside of the shapes instead (not with --crop)\n"
    "  --nodata V          value of masked pixels (number or nan)\n"
    "  --bands LIST        1-based band indexes, comma-separated (default: all bands)\n"
    "  --compress NAME     .tif only: none, deflate, zstd or lzw (default: deflate)\n"
    "  -o, --output OUT    the .tif/.tiff or .npy file to write\n"
    "  --timeout SECONDS   give up after this long for the whole command (decimals allowed;\n"
    "                      0 = no limit; default: env COGR_TIMEOUT, else no limit)\n"
    "  --max-memory BYTES  largest array (and decoded block) the read may allocate: bytes, or\n"
    "                      with K, M, G, T (powers of 1024), e.g. 512M\n"
    "  -h, --help          show this help and exit\n";

constexpr SubOption kClipOptions[] = {
    {"--geojson", "", true},      {"--geojson-crs", "", true}, {"--crop", "", false},
    {"--all-touched", "", false}, {"--invert", "", false},     {"--nodata", "", true},
    {"--bands", "", true},        {"--compress", "", true},    {"--output", "-o", true},
    {"--timeout", "", true},      {"--max-memory", "", true}};

// GeoJSON documents larger than this are refused before they are read.
constexpr std::uintmax_t kMaxGeoJsonBytes = 256u << 20;

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open the GeoJSON file");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return Status::IoError(path + ": cannot read the GeoJSON file");
  if (static_cast<std::uintmax_t>(size) > kMaxGeoJsonBytes) {
    return Status::LimitExceeded(path + ": GeoJSON file of " + std::to_string(size) +
                                 " bytes > limit " + std::to_string(kMaxGeoJsonBytes));
  }
  in.seekg(0);
  std::string text(static_cast<size_t>(size), '\0');
  if (!in.read(text.data(), size)) return Status::IoError(path + ": cannot read the GeoJSON file");
  return text;
}

}  // namespace

int RunClip(std::span<const std::string> argv) {
  SubArgs args;
  if (auto done = ParseOrFinish("clip", argv, kClipOptions, kClipUsage, args)) return *done;
  auto usage = [](const std::string& message) { return UsageError("clip", message); };
  std::string geojson_path, geojson_crs, output;
  mask::MaskOptions options;
  write::Compression compress = write::Compression::kDeflate;
  bool compress_given = false;
  CommandBounds bounds;
  for (const auto& [name, value] : args.options) {
    auto shared = TakeSharedOption(name, value, bounds, &output);
    if (!shared.ok()) return usage(shared.status().message());
    if (*shared) continue;
    if (name == "--geojson") {
      if (value.empty()) return usage("--geojson: empty file name");
      geojson_path = value;
    } else if (name == "--geojson-crs") {
      if (value.empty()) return usage("--geojson-crs: empty CRS");
      geojson_crs = value;
    } else if (name == "--crop") {
      options.crop = true;
    } else if (name == "--all-touched") {
      options.all_touched = true;
    } else if (name == "--invert") {
      options.invert = true;
    } else if (name == "--nodata") {
      auto v = ParseDouble(value);
      if (!v.ok()) return usage("--nodata: " + v.status().message());
      options.nodata = *v;
    } else if (name == "--bands") {
      auto bands = ParseBands(value);
      if (!bands.ok()) return usage("--bands: " + bands.status().message());
      options.indexes = std::move(bands).value();
    } else if (name == "--compress") {
      auto c = write::ParseCompression(value);
      if (!c.ok()) return usage("--compress: " + c.status().message());
      compress = *c;
      compress_given = true;
    }
  }
  auto input = OneInputPath(args);
  if (!input.ok()) return usage(input.status().message());
  const std::string& path = *input;
  if (geojson_path.empty()) return usage("missing --geojson AOI.geojson");
  if (output.empty()) return usage("missing output file (-o OUT.tif or -o OUT.npy)");
  const bool to_tif = EndsWithIgnoringCase(output, ".tif") || EndsWithIgnoringCase(output, ".tiff");
  const bool to_npy = EndsWithIgnoringCase(output, ".npy");
  if (!to_tif && !to_npy)
    return usage("output must end in .tif, .tiff or .npy, got '" + output + "'");
  if (to_npy && compress_given) return usage("--compress applies to .tif output only");
  if (options.crop && options.invert) return usage("--crop and --invert cannot be used together");
  if (Status st = bounds.ApplyEnvironment(); !st.ok()) return usage(st.message());
  bounds.Start();

  // The output first: a bad -o (a directory, say) fails before anything is read.
  int exit_code = kExitFailure;
  const std::unique_ptr<OutputFile> out = CreateCommandOutput(output, exit_code);
  if (!out) return exit_code;
  OutputFile& out_file = *out;

  // The shapes and their CRS.
  auto text = ReadText(geojson_path);
  if (!text.ok()) {
    PrintError(text.status().message());
    return kExitFailure;
  }
  auto doc = mask::ParseGeoJsonDocument(*text);
  if (!doc.ok()) {
    PrintError(doc.status().message(), geojson_path);
    return kExitFailure;
  }
  if (doc->geometries.empty()) {
    // Features with a null geometry are skipped: nothing may be left.
    PrintError("no geometries to clip with (no features, or only null geometries)", geojson_path);
    return kExitFailure;
  }
  const std::string crs_text = !geojson_crs.empty() ? geojson_crs : doc->crs.value_or("");
  if (!crs_text.empty()) {
    auto crs = geo::Crs::FromUserInput(crs_text);
    if (!crs.ok()) {
      if (!geojson_crs.empty()) return usage("--geojson-crs: " + crs.status().message());
      PrintError("\"crs\": " + crs.status().message(), geojson_path);
      return kExitFailure;
    }
    options.shapes_crs = *crs;
  }

  const std::shared_ptr<Dataset> opened = bounds.OpenDataset(path);
  if (!opened) return kExitFailure;
  const Dataset& ds = *opened;
  options.deadline = bounds.deadline;
  auto masked = mask::Mask(ds, doc->geometries, options);
  if (!masked.ok()) {
    PrintError(bounds.Explain(masked.status()), path);
    return kExitFailure;
  }
  if (!masked->warning.empty()) PrintWarning(masked->warning, path);
  if (to_npy) {
    Status written = WriteNpy(out_file, masked->data);
    if (written.ok()) written = out_file.Commit();
    if (!written.ok()) {
      PrintError(written.message());
      return kExitFailure;
    }
    return 0;
  }
  // The GeoTIFF writer creates the file at the name it is given: hand it the temporary file's.
  Status closed = out_file.CloseFd();
  if (!closed.ok()) {
    PrintError(closed.message());
    return kExitFailure;
  }

  const Array& data = masked->data;
  write::Profile profile;
  profile.width = data.width;
  profile.height = data.height;
  profile.count = static_cast<int>(data.bands);
  profile.dtype = data.dtype;
  profile.transform = masked->transform;
  profile.crs_epsg = ds.crs_epsg();
  if (!profile.crs_epsg) profile.crs_wkt = ds.crs_wkt();
  // Mask's fill value, so that the masked pixels read back as nodata.
  profile.nodata = options.nodata ? *options.nodata : ds.nodata().value_or(0.0);
  profile.compress = compress;
  profile.blockxsize = profile.blockysize = 512;
  std::vector<int> bands = options.indexes;
  if (bands.empty()) {
    for (int b = 1; b <= ds.count(); ++b) bands.push_back(b);
  }
  for (int b : bands) {
    const size_t i = static_cast<size_t>(b - 1);  // Mask read these bands: they are in range
    profile.descriptions.push_back(i < ds.descriptions().size() ? ds.descriptions()[i] : "");
    profile.scales.push_back(i < ds.scales().size() ? ds.scales()[i] : 1.0);
    profile.offsets.push_back(i < ds.offsets().size() ? ds.offsets()[i] : 0.0);
  }
  ProgressBar bar("cogr clip");
  write::WriteOptions write_options;
  write_options.progress = [&bar](double fraction) { return bar.Update(fraction); };
  Status st = write::WriteGeoTiff(out_file.temp_path(), profile, data, write_options);
  bar.Finish();
  return CommitOutput(out_file, st);
}

CommandSpec ClipCommand() { return {"clip", kClipOptions, kClipUsage, RunClip}; }

}  // namespace cogr::cli
