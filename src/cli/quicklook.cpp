// `cogr quicklook`: a small PNG or JPEG picture of a file (cogr::Quicklook, cogr::EncodePng,
// cogr::EncodeJpeg), written through the OutputFile guard.
#include <charconv>
#include <span>
#include <string>
#include <vector>

#include "args.hpp"
#include "bounds.hpp"
#include "cogr/dataset.hpp"
#include "cogr/quicklook.hpp"
#include "commands.hpp"
#include "output_file.hpp"
#include "stats.hpp"
#include "subcommand.hpp"

namespace cogr::cli {
namespace {

constexpr std::string_view kQuicklookUsage =
    "usage: cogr quicklook PATH|URL -o OUT.png|OUT.jpg [--size N] [--bands LIST]\n"
    "                      [--stretch minmax|p2-98] [--nodata-transparent] [--stats]\n"
    "                      [--timeout SECONDS] [--max-memory BYTES]\n"
    "\n"
    "Writes a small 8-bit picture of a file: the overview that serves --size read with nearest\n"
    "resampling (one data request for a COG with a small overview), each band stretched to\n"
    "0..255, a paletted band through its color map, one band as grey, three as red, green, blue.\n"
    "An alpha band is the picture's alpha. JPEG has no alpha: transparent pixels are black.\n"
    "See docs/quicklook.md.\n"
    "\n"
    "options:\n"
    "  -o, --output OUT      the .png or .jpg/.jpeg file to write\n"
    "  --size N              longest side in pixels, 1..16384 (default 512); smaller images are\n"
    "                        not enlarged\n"
    "  --bands LIST          1 band (grey or paletted) or 3 (red,green,blue), e.g. 3,2,1 (default:\n"
    "                        1,2,3 when the file has three bands that are not alpha, else 1)\n"
    "  --stretch NAME        minmax (default): each band's min..max of the valid pixels to 0..255;\n"
    "                        p2-98: its 2nd..98th percentiles, clipped\n"
    "  --nodata-transparent  alpha 0 where the file's mask, alpha band or nodata says so (GDAL's\n"
    "                        dataset mask) and where a shown band is NaN\n"
    "  --stats               print what the I/O cost as one JSON line on stderr\n"
    "  --timeout SECONDS     give up after this long for the whole command (decimals allowed;\n"
    "                        0 = no limit; default: env COGR_TIMEOUT, else no limit)\n"
    "  --max-memory BYTES    largest array (and decoded block) the read may allocate\n"
    "  -h, --help            show this help and exit\n";

constexpr SubOption kQuicklookOptions[] = {{"--output", "-o", true},
                                           {"--size", "", true},
                                           {"--bands", "", true},
                                           {"--stretch", "", true},
                                           {"--nodata-transparent", "", false},
                                           {"--stats", "", false},
                                           {"--timeout", "", true},
                                           {"--max-memory", "", true}};

Result<uint32_t> ParseSize(std::string_view text) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1 || v > kMaxQuicklookSize) {
    return Status::InvalidArgument("expected an integer in 1.." +
                                   std::to_string(kMaxQuicklookSize) + ", got '" +
                                   std::string(text) + "'");
  }
  return static_cast<uint32_t>(v);
}

}  // namespace

int RunQuicklook(std::span<const std::string> argv) {
  SubArgs args;
  if (auto done = ParseOrFinish("quicklook", argv, kQuicklookOptions, kQuicklookUsage, args))
    return *done;
  auto usage = [](const std::string& message) { return UsageError("quicklook", message); };
  QuicklookOptions options;
  std::string output;
  bool stats = false;
  CommandBounds bounds;
  for (const auto& [name, value] : args.options) {
    auto shared = TakeSharedOption(name, value, bounds, &output);
    if (!shared.ok()) return usage(shared.status().message());
    if (*shared) continue;
    if (name == "--size") {
      auto size = ParseSize(value);
      if (!size.ok()) return usage("--size: " + size.status().message());
      options.size = *size;
    } else if (name == "--bands") {
      auto bands = ParseBands(value);
      if (!bands.ok()) return usage("--bands: " + bands.status().message());
      if (bands->size() != 1 && bands->size() != 3) {
        return usage("--bands: expected 1 band (grey or paletted) or 3 (red,green,blue), got " +
                     std::to_string(bands->size()));
      }
      options.bands = std::move(bands).value();
    } else if (name == "--stretch") {
      auto stretch = ParseStretch(value);
      if (!stretch.ok()) return usage("--stretch: " + stretch.status().message());
      options.stretch = *stretch;
    } else if (name == "--nodata-transparent") {
      options.nodata_transparent = true;
    } else if (name == "--stats") {
      stats = true;
    }
  }
  auto input = OneInputPath(args);
  if (!input.ok()) return usage(input.status().message());
  const std::string& path = *input;
  if (output.empty()) return usage("missing output file (-o OUT.png or -o OUT.jpg)");
  const bool to_png = EndsWithIgnoringCase(output, ".png");
  const bool to_jpeg =
      EndsWithIgnoringCase(output, ".jpg") || EndsWithIgnoringCase(output, ".jpeg");
  if (!to_png && !to_jpeg)
    return usage("output must end in .png, .jpg or .jpeg, got '" + output + "'");
  if (Status st = bounds.ApplyEnvironment(); !st.ok()) return usage(st.message());
  bounds.Start();

  // The output first: a bad -o (a directory, say) fails before anything is read.
  int exit_code = kExitFailure;
  const std::unique_ptr<OutputFile> out = CreateCommandOutput(output, exit_code);
  if (!out) return exit_code;
  OutputFile& out_file = *out;

  const std::shared_ptr<Dataset> opened = bounds.OpenDataset(path);
  if (!opened) return kExitFailure;
  const Dataset& ds = *opened;
  options.deadline = bounds.deadline;
  auto image = Quicklook(ds, options);
  if (stats) PrintIoStats(ds.io_stats());
  if (!image.ok()) {
    PrintError(bounds.Explain(image.status()), path);
    return image.status().code() == Code::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  auto encoded = to_png ? EncodePng(*image) : EncodeJpeg(*image);
  Status st = encoded.status();
  if (st.ok()) st = out_file.Write(encoded->data(), encoded->size());
  return CommitOutput(out_file, st);
}

CommandSpec QuicklookCommand() {
  return {"quicklook", kQuicklookOptions, kQuicklookUsage, RunQuicklook};
}

}  // namespace cogr::cli
