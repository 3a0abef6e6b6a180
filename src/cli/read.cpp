// `cogr read`: bands and a window of a file into a NumPy .npy file.
#include <string>
#include <utility>

#include "cogr/dataset.hpp"
#include "commands.hpp"
#include "npy_writer.hpp"
#include "stats.hpp"

namespace cogr::cli {

int RunRead(const ReadArgs& args) {
  ReadOptions options;
  options.bands = args.bands;
  if (args.window) {
    const auto& w = *args.window;
    // Exact: the parser bounds every value to 2^53.
    options.window = geo::Window{static_cast<double>(w[0]), static_cast<double>(w[1]),
                                 static_cast<double>(w[2]), static_cast<double>(w[3])};
  }
  options.boundless = args.boundless;
  options.fill = args.fill;
  options.overview = args.overview;
  if (args.out_shape) options.out_shape = std::make_pair((*args.out_shape)[0], (*args.out_shape)[1]);
  // Without --out-shape the read is at the window's own size and resampling has no effect
  // (as in rasterio).
  if (args.resampling) options.resampling = *args.resampling;
  args.bounds.ApplyTo(options);

  OpenOptions open_options;
  open_options.block_cache_bytes = 0;  // one read per process: caching decoded blocks only costs
  args.bounds.ApplyTo(open_options);
  auto opened = Dataset::Open(args.path, open_options);
  if (!opened.ok()) {
    PrintError(args.bounds.Explain(opened.status()), args.path);
    return kExitFailure;
  }
  const Dataset& ds = **opened;
  // The shape first (bands, window and limits checked), then the output file at its final
  // size, then the decode straight into its mapped pages.
  auto shape = ds.ReadShape(options);
  if (!shape.ok()) {
    PrintError(args.bounds.Explain(shape.status()), args.path);
    return kExitFailure;
  }
  if (NpyOutput::InPlace(shape->dtype)) {
    auto output = NpyOutput::Create(args.output, shape->dtype, shape->bands, shape->height, shape->width);
    if (!output.ok()) {
      PrintError(output.status().message());
      return kExitFailure;
    }
    Status read = ds.ReadInto(options, (*output)->view());
    if (!read.ok()) {
      PrintError(args.bounds.Explain(read), args.path);
      return kExitFailure;  // the temporary file goes with *output
    }
    Status written = (*output)->Commit();
    if (!written.ok()) {
      PrintError(written.message());
      return kExitFailure;
    }
  } else {
    // Complex integers are widened for numpy: read, then write. The output file first, so a
    // bad -o fails before the read.
    auto output = OutputFile::Create(args.output);
    if (!output.ok()) {
      PrintError(output.status().message());
      return kExitFailure;
    }
    auto array = ds.Read(options);
    if (!array.ok()) {
      PrintError(args.bounds.Explain(array.status()), args.path);
      return kExitFailure;
    }
    Status written = WriteNpy(**output, *array);
    if (written.ok()) written = (*output)->Commit();
    if (!written.ok()) {
      PrintError(written.message());
      return kExitFailure;
    }
  }
  if (args.stats) PrintIoStats((*opened)->io_stats());
  return 0;
}

}  // namespace cogr::cli
