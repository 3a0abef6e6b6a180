// `cogr read`: bands and a window of a file into a NumPy .npy file.
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "cogr/dataset.hpp"
#include "cogr/io.hpp"
#include "commands.hpp"
#include "npy_writer.hpp"
#include "stats.hpp"
#include "trace_output.hpp"

namespace cogr::cli {

namespace {

// Strips of at least this many bytes: few enough that the hand-over between reader and writer
// costs nothing, small enough that two of them stay in the caches' reach.
constexpr uint64_t kMinStripBytes = uint64_t{8} << 20;

// Reads the window strip by strip into two reused buffers while a writer thread appends the
// previous strip to `output` (streamed .npy on tmpfs): the pages of the output are written once,
// by write(2), and the read never faults in memory for the whole array. Strips follow the
// file's block rows, so no block is decoded twice.
Status ReadInStrips(const Dataset& ds, const ReadOptions& options, const Array& shape,
                    NpyOutput& output) {
  const uint64_t block_rows = std::max<uint64_t>(1, ds.block_shape()[0]);
  const uint64_t row_bytes = shape.bands * shape.width * shape.sample_bytes();
  const uint64_t blocks_per_strip =
      std::max<uint64_t>(1, kMinStripBytes / std::max<uint64_t>(1, row_bytes * block_rows));
  const geo::Window window = options.window.value_or(
      geo::Window{0, 0, static_cast<double>(ds.width()), static_cast<double>(ds.height())});
  // Strip boundaries in the output's rows: where the file's block rows start.
  const auto first_row = static_cast<int64_t>(window.row_off);
  std::vector<uint64_t> cuts{0};
  const uint64_t step = block_rows * blocks_per_strip;
  const int64_t first_cut =
      (first_row >= 0 ? (first_row / static_cast<int64_t>(step) + 1) * static_cast<int64_t>(step)
                      : 0) -
      first_row;
  for (int64_t c = std::max<int64_t>(first_cut, 1); static_cast<uint64_t>(c) < shape.height;
       c += static_cast<int64_t>(step)) {
    cuts.push_back(static_cast<uint64_t>(c));
  }
  cuts.push_back(shape.height);
  const uint64_t max_rows = [&] {
    uint64_t m = 0;
    for (size_t i = 0; i + 1 < cuts.size(); ++i) m = std::max(m, cuts[i + 1] - cuts[i]);
    return m;
  }();

  // One strip needs one buffer; the second is for the strip read while the first is written.
  const size_t strip_bytes = static_cast<size_t>(max_rows * row_bytes);
  Buffer buffers[2] = {Buffer(strip_bytes), Buffer(cuts.size() > 2 ? strip_bytes : 0)};
  std::mutex mu;
  std::condition_variable cv;
  struct Job {
    int buffer = 0;
    uint64_t row0 = 0, rows = 0;
  };
  std::optional<Job> pending;  // handed to the writer, not yet written
  bool finished = false;
  Status write_status;
  std::thread writer([&] {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return pending.has_value() || finished; });
      if (!pending) return;
      const Job job = *pending;
      lock.unlock();
      Status st = write_status.ok()
                      ? output.WriteRows(
                            job.row0, ArrayView::Contiguous(buffers[job.buffer].data(), shape.dtype,
                                                            shape.bands, job.rows, shape.width))
                      : Status::OK();
      lock.lock();
      if (!st.ok() && write_status.ok()) write_status = st;
      pending.reset();
      cv.notify_all();
    }
  });
  Status read_status;
  for (size_t i = 0; i + 1 < cuts.size() && read_status.ok(); ++i) {
    const int b = static_cast<int>(i % 2);
    const uint64_t rows = cuts[i + 1] - cuts[i];
    ReadOptions strip = options;
    strip.window = geo::Window{window.col_off, window.row_off + static_cast<double>(cuts[i]),
                               window.width, static_cast<double>(rows)};
    // Buffer b was handed over two strips ago; the writer is done with it once `pending` is
    // empty (it takes one job at a time).
    read_status = ds.ReadInto(strip, ArrayView::Contiguous(buffers[b].data(), shape.dtype,
                                                           shape.bands, rows, shape.width));
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return !pending.has_value(); });
    if (!write_status.ok()) break;
    if (read_status.ok()) {
      pending = Job{b, cuts[i], rows};
      cv.notify_all();
    }
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return !pending.has_value(); });
    finished = true;
    cv.notify_all();
  }
  writer.join();
  COGR_RETURN_IF_ERROR(read_status);
  return write_status;
}

}  // namespace

namespace {

int RunReadTraced(const ReadArgs& args, const std::shared_ptr<Trace>& trace) {
  ReadOptions options;
  options.trace = trace;
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
  if (args.out_shape)
    options.out_shape = std::make_pair((*args.out_shape)[0], (*args.out_shape)[1]);
  // Without --out-shape the read is at the window's own size and resampling has no effect
  // (as in rasterio).
  if (args.resampling) options.resampling = *args.resampling;
  args.bounds.ApplyTo(options);

  OpenOptions open_options;
  open_options.trace = trace;
  const std::shared_ptr<Dataset> opened = args.bounds.OpenDataset(args.path, open_options);
  if (!opened) return kExitFailure;
  const Dataset& ds = *opened;
  // The shape first (bands, window and limits checked), then the output file at its final
  // size, then the decode straight into its mapped pages.
  auto shape = ds.ReadShape(options);
  if (!shape.ok()) {
    PrintError(args.bounds.Explain(shape.status()), args.path);
    return kExitFailure;
  }
  if (NpyOutput::InPlace(shape->dtype)) {
    // Strips need a plain read (no resampling, full resolution) of a local file: remote reads
    // go whole, so that all their requests are in flight at once.
    const bool rows_ok =
        io::UriScheme(args.path) == "file" && !options.out_shape && !options.overview;
    auto output = NpyOutput::Create(args.output, shape->dtype, shape->bands, shape->height,
                                    shape->width, rows_ok);
    if (!output.ok()) {
      PrintError(output.status().message());
      return kExitFailure;
    }
    Status read = (*output)->streamed() ? ReadInStrips(ds, options, *shape, **output)
                                        : ds.ReadInto(options, (*output)->view());
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
  if (args.stats) PrintIoStats(opened->io_stats());
  return 0;
}

}  // namespace

int RunRead(const ReadArgs& args) {
  return RunWithTrace(args.trace,
                      [&args](std::shared_ptr<Trace> trace) { return RunReadTraced(args, trace); });
}

}  // namespace cogr::cli
