// `cogr translate`: read bands/a window of a file (optionally resampled) and write it as a tiled,
// compressed GeoTIFF in COG layout, with internal overviews on request.

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "args.hpp"
#include "bounds.hpp"
#include "cogr/dataset.hpp"
#include "cogr/write.hpp"
#include "commands.hpp"
#include "output_file.hpp"
#include "subcommand.hpp"

namespace cogr::cli {
namespace {

constexpr std::string_view kTranslateUsage =
    "usage: cogr translate PATH -o OUT.tif [--bands 1,2] [--window COL_OFF,ROW_OFF,WIDTH,HEIGHT]\n"
    "                      [--out-shape H,W [--resampling NAME]] [--compress NAME]\n"
    "                      [--predictor N] [--blocksize N] [--interleave pixel|band]\n"
    "                      [--overviews] [--bigtiff auto|yes|no] [--read-rows N]\n"
    "                      [--timeout SECONDS] [--max-memory BYTES]\n"
    "\n"
    "Writes bands and a window of a file as a tiled GeoTIFF in Cloud-Optimized layout, with the\n"
    "source's CRS, nodata, scales, offsets and descriptions and the window's transform. The\n"
    "output appears only when the whole write succeeded.\n"
    "\n"
    "options:\n"
    "  --bands LIST        1-based band indexes, comma-separated (default: all bands)\n"
    "  --window C,R,W,H    pixel window: column offset, row offset, width, height\n"
    "  --out-shape H,W     output height and width (resampled)\n"
    "  --resampling NAME   resampling of --out-shape: nearest, bilinear, cubic, average, mode\n"
    "  --compress NAME     none, deflate, zstd or lzw (default: deflate)\n"
    "  --predictor N       1 none, 2 horizontal (integers), 3 floating point (default: 1)\n"
    "  --blocksize N       tile width and height, a multiple of 16 (default: 512)\n"
    "  --interleave NAME   pixel or band (default: pixel)\n"
    "  --overviews         add internal overviews 2, 4, 8, ... (average) until the smallest\n"
    "                      fits one tile\n"
    "  --bigtiff NAME      auto, yes or no (default: auto)\n"
    "  --read-rows N       rows read and written at a time without --out-shape (default: about\n"
    "                      64 MiB of pixels; memory use follows it)\n"
    "  -o, --output OUT    the GeoTIFF to write\n"
    "  --timeout SECONDS   give up after this long for the whole command (decimals allowed;\n"
    "                      0 = no limit; default: env COGR_TIMEOUT, else no limit)\n"
    "  --max-memory BYTES  largest array (and decoded block) one read may allocate: bytes,\n"
    "                      or with K, M, G, T (powers of 1024), e.g. 512M; also bounds the\n"
    "                      rows read at a time\n"
    "  -h, --help          show this help and exit\n";

struct TranslateArgs {
  std::string path;
  std::string output;
  std::vector<int> bands;
  std::optional<std::array<int64_t, 4>> window;
  std::optional<std::array<uint64_t, 2>> out_shape;
  std::optional<Resampling> resampling;
  write::Compression compress = write::Compression::kDeflate;
  int predictor = 1;
  uint32_t blocksize = 512;
  write::Interleave interleave = write::Interleave::kPixel;
  bool overviews = false;
  write::BigTiff bigtiff = write::BigTiff::kAuto;
  std::optional<uint64_t> read_rows;
  CommandBounds bounds;
  bool help = false;
};

Status Usage(std::string message) {
  return Status::InvalidArgument("translate: " + std::move(message));
}

Status ApplyOption(std::string_view name, std::string_view value, TranslateArgs& a) {
  auto fail = [&](const Status& st) { return Usage(std::string(name) + ": " + st.message()); };
  if (IsBoundsOption(name)) {
    Status applied = a.bounds.ApplyOption(name, value);
    return applied.ok() ? applied : Usage(applied.message());
  }
  if (name == "--bands") {
    auto bands = ParseBands(value);
    if (!bands.ok()) return fail(bands.status());
    a.bands = std::move(bands).value();
  } else if (name == "--window") {
    auto window = ParseWindow(value, false);
    if (!window.ok()) return fail(window.status());
    a.window = *window;
  } else if (name == "--out-shape") {
    auto shape = ParseShape(value);
    if (!shape.ok()) return fail(shape.status());
    a.out_shape = *shape;
  } else if (name == "--resampling") {
    auto r = ParseResampling(value);
    if (!r.ok()) return fail(r.status());
    a.resampling = *r;
  } else if (name == "--compress") {
    auto c = write::ParseCompression(value);
    if (!c.ok()) return fail(c.status());
    a.compress = *c;
  } else if (name == "--predictor") {
    auto n = ParseInt(value, 1, 3);
    if (!n.ok()) return fail(n.status());
    a.predictor = static_cast<int>(*n);
  } else if (name == "--blocksize") {
    auto n = ParseInt(value, 16, 1 << 16);
    if (!n.ok()) return fail(n.status());
    if (*n % 16 != 0)
      return Usage("--blocksize: must be a multiple of 16, got '" + std::string(value) + "'");
    a.blocksize = static_cast<uint32_t>(*n);
  } else if (name == "--interleave") {
    if (value == "pixel") {
      a.interleave = write::Interleave::kPixel;
    } else if (value == "band") {
      a.interleave = write::Interleave::kBand;
    } else {
      return Usage("--interleave: expected pixel or band, got '" + std::string(value) + "'");
    }
  } else if (name == "--bigtiff") {
    if (value == "auto") {
      a.bigtiff = write::BigTiff::kAuto;
    } else if (value == "yes") {
      a.bigtiff = write::BigTiff::kYes;
    } else if (value == "no") {
      a.bigtiff = write::BigTiff::kNo;
    } else {
      return Usage("--bigtiff: expected auto, yes or no, got '" + std::string(value) + "'");
    }
  } else if (name == "--read-rows") {
    auto n = ParseInt(value, 1, int64_t{1} << 31);
    if (!n.ok()) return fail(n.status());
    a.read_rows = static_cast<uint64_t>(*n);
  } else if (name == "--overviews") {
    a.overviews = true;
  } else if (name == "--output") {
    if (value.empty()) return Usage("--output: empty file name");
    a.output = std::string(value);
  }
  return Status::OK();
}

constexpr SubOption kTranslateOptions[] = {
    {"--bands", "", true},      {"--window", "", true},     {"--out-shape", "", true},
    {"--resampling", "", true}, {"--compress", "", true},   {"--predictor", "", true},
    {"--blocksize", "", true},  {"--interleave", "", true}, {"--overviews", "", false},
    {"--bigtiff", "", true},    {"--read-rows", "", true},  {"--output", "-o", true},
    {"--timeout", "", true},    {"--max-memory", "", true}};

Result<TranslateArgs> ParseTranslateArgs(std::span<const std::string> args) {
  TranslateArgs a;
  COGR_ASSIGN_OR_RETURN(SubArgs parsed, ParseSubArgs("translate", args, kTranslateOptions));
  if (parsed.help) {
    a.help = true;
    return a;
  }
  for (const auto& [name, value] : parsed.options)
    COGR_RETURN_IF_ERROR(ApplyOption(name, value, a));
  if (parsed.positional.size() > 1)
    return Usage("unexpected argument '" + parsed.positional[1] + "'");
  if (parsed.positional.empty()) return Usage("missing input PATH");
  a.path = parsed.positional[0];
  if (a.output.empty()) return Usage("missing output file (-o OUT.tif)");
  if (a.resampling && !a.out_shape) return Usage("--resampling needs --out-shape");
  COGR_RETURN_IF_ERROR(a.bounds.ApplyEnvironment());
  return a;
}

// Overview factors 2, 4, 8, ... until the smallest overview fits one tile (GDAL's COG rule).
std::vector<int> AutoOverviews(uint64_t width, uint64_t height, uint32_t blocksize) {
  std::vector<int> factors;
  for (uint64_t f = 2; width > blocksize || height > blocksize; f *= 2) {
    factors.push_back(static_cast<int>(f));
    const uint64_t w = (width + f - 1) / f, h = (height + f - 1) / f;
    if ((w <= blocksize && h <= blocksize) || w <= 1 || h <= 1 || f >= (uint64_t{1} << 30)) break;
  }
  return factors;
}

}  // namespace

int RunTranslate(std::span<const std::string> argv) {
  auto parsed = ParseTranslateArgs(argv);
  if (!parsed.ok()) {
    PrintError(parsed.status().message());
    return kExitUsage;
  }
  const TranslateArgs& a = *parsed;
  if (a.help) {
    std::fputs(std::string(kTranslateUsage).c_str(), stdout);
    return FinishStdout() ? 0 : kExitFailure;
  }

  CommandBounds bounds = a.bounds;
  bounds.Start();
  // The output first: a bad -o (a directory, say) fails before anything is read.
  int exit_code = kExitFailure;
  const std::unique_ptr<OutputFile> out = CreateCommandOutput(a.output, exit_code);
  if (!out) return exit_code;
  OutputFile& out_file = *out;
  const std::shared_ptr<Dataset> opened = bounds.OpenDataset(a.path);
  if (!opened) return kExitFailure;
  const Dataset& ds = *opened;
  ProgressBar bar("cogr translate");
  auto fail = [&](const Status& st, std::string_view path, int code) {
    out_file.Discard();
    bar.Finish();
    PrintError(out_file.Rename(bounds.Explain(st)), path);
    return code;
  };

  // The output window in source pixels (integers: ParseWindow says so).
  int64_t col0 = 0, row0 = 0;
  int64_t out_w = static_cast<int64_t>(ds.width()), out_h = static_cast<int64_t>(ds.height());
  if (a.window) {
    const auto& w = *a.window;
    col0 = w[0];
    row0 = w[1];
    out_w = w[2];
    out_h = w[3];
    if (out_w == 0 || out_h == 0) {
      return fail(Status::InvalidArgument("--window: width and height must be > 0"), {},
                  kExitUsage);
    }
    if (col0 + out_w > static_cast<int64_t>(ds.width()) ||
        row0 + out_h > static_cast<int64_t>(ds.height())) {
      return fail(
          Status::OutOfRange("window (" + std::to_string(col0) + ", " + std::to_string(row0) +
                             ", " + std::to_string(out_w) + ", " + std::to_string(out_h) +
                             ") is outside the image (" + std::to_string(ds.width()) + " x " +
                             std::to_string(ds.height()) + ")"),
          a.path, kExitFailure);
    }
  }
  ReadOptions options;
  bounds.ApplyTo(options);
  options.bands = a.bands;
  options.window = geo::Window{static_cast<double>(col0), static_cast<double>(row0),
                               static_cast<double>(out_w), static_cast<double>(out_h)};
  // Without resampling the rows are read and written a slab at a time, so memory stays bounded
  // whatever the image size; a resampled read is made whole.
  uint64_t slab_rows = static_cast<uint64_t>(out_h);
  if (a.out_shape) {
    options.out_shape = std::make_pair((*a.out_shape)[0], (*a.out_shape)[1]);
    if (a.resampling) options.resampling = *a.resampling;
  } else {
    const uint64_t count = a.bands.empty() ? static_cast<uint64_t>(ds.count()) : a.bands.size();
    const uint64_t row_bytes =
        std::max<uint64_t>(1, static_cast<uint64_t>(out_w) * count * DataTypeSize(ds.dtype()));
    // About 64 MiB of pixels at a time, less under --max-memory (at least one tile row high).
    const uint64_t slab_bytes = std::min<uint64_t>(64 << 20, ds.limits().max_read_bytes);
    slab_rows = a.read_rows ? *a.read_rows
                            : std::max<uint64_t>(
                                  a.blocksize, slab_bytes / row_bytes / a.blocksize * a.blocksize);
    slab_rows = std::min<uint64_t>(slab_rows, static_cast<uint64_t>(out_h));
    options.window->height = static_cast<double>(slab_rows);
  }
  auto first = ds.Read(options);
  if (!first.ok()) return fail(first.status(), a.path, kExitFailure);

  write::Profile profile;
  profile.width = first->width;
  profile.height = a.out_shape ? first->height : static_cast<uint64_t>(out_h);
  profile.count = static_cast<int>(first->bands);
  profile.dtype = first->dtype;
  profile.transform = first->transform;
  profile.crs_epsg = ds.crs_epsg();
  if (!profile.crs_epsg) profile.crs_wkt = ds.crs_wkt();
  profile.nodata = ds.nodata();
  profile.blockxsize = profile.blockysize = a.blocksize;
  profile.compress = a.compress;
  profile.predictor = a.predictor;
  profile.interleave = a.interleave;
  profile.bigtiff = a.bigtiff;
  std::vector<int> bands = a.bands;
  if (bands.empty()) {
    for (int b = 1; b <= ds.count(); ++b) bands.push_back(b);
  }
  for (int b : bands) {
    const size_t i = static_cast<size_t>(b - 1);  // Read succeeded: every band is in range
    profile.descriptions.push_back(i < ds.descriptions().size() ? ds.descriptions()[i] : "");
    profile.scales.push_back(i < ds.scales().size() ? ds.scales()[i] : 1.0);
    profile.offsets.push_back(i < ds.offsets().size() ? ds.offsets()[i] : 0.0);
  }
  // Keep an RGBA source's alpha meaning when its four bands are copied in order.
  const auto& extra = ds.tiff().ifds[0].extra_samples();
  if (bands == std::vector<int>{1, 2, 3, 4} && ds.photometric() == 2 && !extra.empty() &&
      extra[0] <= 2) {
    profile.alpha = static_cast<write::Alpha>(extra[0]);
  }
  if (a.overviews) {
    profile.overviews = AutoOverviews(profile.width, profile.height, a.blocksize);
    profile.overview_resampling = write::OverviewResampling::kAverage;
  }

  write::WriteOptions write_options;
  write_options.progress = [&bar](double fraction) { return bar.Update(fraction); };
  auto usage_or_failure = [](const Status& st) {
    return st.code() == Code::kInvalidArgument ? kExitUsage : kExitFailure;
  };
  // The writer creates the file at the name it is given: hand it the temporary file's.
  if (Status closed = out_file.CloseFd(); !closed.ok()) return fail(closed, {}, kExitFailure);
  auto writer = write::StreamWriter::Create(out_file.temp_path(), profile, write_options);
  if (!writer.ok()) return fail(writer.status(), {}, usage_or_failure(writer.status()));
  Status st = (*writer)->WriteRows(*first);
  first->data.clear();  // written: free it (Buffer::clear releases) before reading the next slab
  while (st.ok() && (*writer)->rows_written() < profile.height) {
    const uint64_t done = (*writer)->rows_written();
    options.window->row_off = static_cast<double>(row0) + static_cast<double>(done);
    options.window->height =
        static_cast<double>(std::min<uint64_t>(slab_rows, profile.height - done));
    auto slab = ds.Read(options);
    if (!slab.ok()) return fail(slab.status(), a.path, kExitFailure);
    st = (*writer)->WriteRows(*slab);
  }
  if (st.ok()) st = (*writer)->Close();
  if (st.ok()) st = out_file.Commit();
  if (!st.ok()) return fail(st, {}, usage_or_failure(st));
  bar.Finish();
  return 0;
}

CommandSpec TranslateCommand() {
  return {"translate", kTranslateOptions, kTranslateUsage, RunTranslate};
}

}  // namespace cogr::cli
