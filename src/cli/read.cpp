// `cogr read`: bands and a window of a file into a NumPy .npy file.
#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cogr/cancel.hpp"
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

// Where the strips of a streamed read start, in the output's rows (the last entry is the
// height): at the file's block rows, each strip at least kMinStripBytes, so that no block is
// decoded twice.
std::vector<uint64_t> StripCuts(const Dataset& ds, const geo::Window& window, const Array& shape) {
  const uint64_t block_rows = std::max<uint64_t>(1, ds.block_shape()[0]);
  const uint64_t row_bytes = shape.bands * shape.width * shape.sample_bytes();
  const uint64_t blocks_per_strip =
      std::max<uint64_t>(1, kMinStripBytes / std::max<uint64_t>(1, row_bytes * block_rows));
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
  return cuts;
}

// How a strip-by-strip read ended: `read` failed (a strip could not be read; the input's error),
// or else `write` did (the output could not take a strip: its own error, naming the output).
struct StripsResult {
  Status read;
  Status write;
};

geo::Window WindowOf(const Dataset& ds, const ReadOptions& options) {
  return options.window.value_or(
      geo::Window{0, 0, static_cast<double>(ds.width()), static_cast<double>(ds.height())});
}

uint64_t MaxStripRows(const std::vector<uint64_t>& cuts) {
  uint64_t m = 0;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) m = std::max(m, cuts[i + 1] - cuts[i]);
  return m;
}

// Reads the window strip by strip into two reused buffers while a writer thread appends the
// previous strip to `output` (streamed .npy on tmpfs): the pages of the output are written once,
// by write(2), and the read never faults in memory for the whole array.
StripsResult ReadInStrips(const Dataset& ds, const ReadOptions& options, const Array& shape,
                          NpyOutput& output) {
  const geo::Window window = WindowOf(ds, options);
  const std::vector<uint64_t> cuts = StripCuts(ds, window, shape);
  const uint64_t row_bytes = shape.bands * shape.width * shape.sample_bytes();
  const uint64_t max_rows = MaxStripRows(cuts);

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
  if (!read_status.ok()) return {std::move(read_status), Status::OK()};
  return {Status::OK(), std::move(write_status)};
}

// A remote read to a streamed output: up to kStripsInFlight strips are read at once with
// ReadIntoAsync (their requests all in flight, each block decoded as its bytes arrive) into
// reused buffers, and this thread writes each finished strip in order while the next ones
// arrive. The whole array is never in memory (a 10240² uint16 image: 200 MB of fresh pages to
// fault in, then a copy into the file, after the last decode).
constexpr size_t kStripsInFlight = 8;

StripsResult ReadInStripsInFlight(const Dataset& ds, const ReadOptions& options, const Array& shape,
                                  NpyOutput& output) {
  const geo::Window window = WindowOf(ds, options);
  const std::vector<uint64_t> cuts = StripCuts(ds, window, shape);
  const size_t strips = cuts.size() - 1;
  const uint64_t row_bytes = shape.bands * shape.width * shape.sample_bytes();
  const size_t strip_bytes = static_cast<size_t>(MaxStripRows(cuts) * row_bytes);
  const size_t slots = std::min(kStripsInFlight, strips);
  std::vector<Buffer> buffers(slots);
  for (Buffer& b : buffers) b.resize(strip_bytes);

  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::optional<Status>> result;  // per strip, once its read ended
    size_t outstanding = 0;                     // reads started, `done` not run yet
    Status first_error;                         // the first read to fail, in time
    // Stops the other strips once one failed (and when the caller's token fires).
    std::shared_ptr<CancelToken> cancel = std::make_shared<CancelToken>();
  };
  auto shared = std::make_shared<Shared>();
  shared->result.resize(strips);
  uint64_t subscription = 0;
  if (options.cancel) {
    subscription = options.cancel->Subscribe([cancel = shared->cancel] { cancel->Cancel(); });
  }
  std::vector<size_t> slot_of(strips);
  std::vector<size_t> free_slots;
  for (size_t i = 0; i < slots; ++i) free_slots.push_back(slots - 1 - i);

  Status status;
  bool strip_failed = false;  // else status is the output's error
  size_t next_start = 0;
  for (size_t next_write = 0; next_write < strips; ++next_write) {
    // Start strips while a buffer is free (none is handed out twice: a strip keeps its buffer
    // until it is written).
    while (status.ok() && next_start < strips && !free_slots.empty()) {
      const size_t i = next_start++;
      slot_of[i] = free_slots.back();
      free_slots.pop_back();
      const uint64_t rows = cuts[i + 1] - cuts[i];
      ReadOptions strip = options;
      strip.window = geo::Window{window.col_off, window.row_off + static_cast<double>(cuts[i]),
                                 window.width, static_cast<double>(rows)};
      strip.cancel = shared->cancel;
      {
        std::lock_guard<std::mutex> lock(shared->mu);
        ++shared->outstanding;
      }
      ds.ReadIntoAsync(strip,
                       ArrayView::Contiguous(buffers[slot_of[i]].data(), shape.dtype, shape.bands,
                                             rows, shape.width),
                       [shared, i](Status st) {
                         bool stop_others = false;
                         {
                           std::lock_guard<std::mutex> lock(shared->mu);
                           if (!st.ok() && shared->first_error.ok()) {
                             shared->first_error = st;
                             stop_others = true;
                           }
                           shared->result[i] = std::move(st);
                           --shared->outstanding;
                           shared->cv.notify_all();
                         }
                         if (stop_others) shared->cancel->Cancel();
                       });
    }
    if (!status.ok() || next_write >= next_start) break;
    Status strip_status;
    {
      std::unique_lock<std::mutex> lock(shared->mu);
      shared->cv.wait(lock, [&] { return shared->result[next_write].has_value(); });
      strip_status = *shared->result[next_write];
    }
    if (!strip_status.ok()) {
      status = std::move(strip_status);
      strip_failed = true;
      break;
    }
    const uint64_t rows = cuts[next_write + 1] - cuts[next_write];
    status = output.WriteRows(
        cuts[next_write], ArrayView::Contiguous(buffers[slot_of[next_write]].data(), shape.dtype,
                                                shape.bands, rows, shape.width));
    if (!status.ok()) break;
    free_slots.push_back(slot_of[next_write]);
  }
  if (!status.ok()) shared->cancel->Cancel();
  if (options.cancel) options.cancel->Unsubscribe(subscription);
  // Reads still running write into the buffers: wait for them before the buffers go.
  std::unique_lock<std::mutex> lock(shared->mu);
  shared->cv.wait(lock, [&] { return shared->outstanding == 0; });
  // The strip that failed first says why (the others were cancelled because of it).
  if (!strip_failed) return {Status::OK(), std::move(status)};
  return {shared->first_error.ok() ? std::move(status) : shared->first_error, Status::OK()};
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
    // Strips need a plain read (no resampling, full resolution). A local file is read strip
    // after strip, a remote one with several strips in flight at once.
    const bool local = io::UriScheme(args.path) == "file";
    const bool rows_ok = !options.out_shape && !options.overview;
    auto output = NpyOutput::Create(args.output, shape->dtype, shape->bands, shape->height,
                                    shape->width, rows_ok);
    if (!output.ok()) {
      PrintError(output.status().message());
      return kExitFailure;
    }
    StripsResult read = !(*output)->streamed()
                            ? StripsResult{ds.ReadInto(options, (*output)->view()), Status::OK()}
                        : local ? ReadInStrips(ds, options, *shape, **output)
                                : ReadInStripsInFlight(ds, options, *shape, **output);
    // The temporary file goes with *output.
    if (!read.read.ok()) {
      PrintError(args.bounds.Explain(read.read), args.path);
      return kExitFailure;
    }
    if (!read.write.ok()) {
      PrintError(read.write.message());  // names the output, not the input
      return kExitFailure;
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
