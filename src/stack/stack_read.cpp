// stack: reading a Stack — every scene's read in flight at once, each decoding straight into
// its slice of one array (Read, ReadInto; OpenAndRead starts each read as its scene's open
// completes) — and sampling it at points.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "cogr/event_queue.hpp"
#include "cogr/stack.hpp"
#include "stack/stack_internal.hpp"
#include "util/checked.hpp"

namespace cogr {

using namespace internal::stack_detail;  // NOLINT(google-build-using-namespace)

namespace {

using Clock = std::chrono::steady_clock;

// The deadline of a whole stack call: `deadline`, or `timeout_ms` after the call's start (the
// earlier wins). Every scene's read gets it as its deadline, so a read started late (after its
// open, or again) has no budget of its own.
struct CallBudget {
  std::optional<Clock::time_point> deadline;
  uint32_t timeout_ms = 0;  // non-zero when the deadline is the timeout's: errors name it
};

CallBudget BudgetOf(std::optional<Clock::time_point> deadline, uint32_t timeout_ms,
                    Clock::time_point start) {
  if (timeout_ms == 0) return {deadline, 0};
  const Clock::time_point end = start + std::chrono::milliseconds(timeout_ms);
  if (deadline && *deadline < end) return {deadline, 0};
  return {end, timeout_ms};
}

// A scene's "read deadline exceeded" names the call's timeout, as a read's own would.
Status NameTimeout(Status st, const CallBudget& budget) {
  if (st.ok() || st.code() != Code::kCancelled || budget.timeout_ms == 0) return st;
  constexpr std::string_view kExceeded = "deadline exceeded";
  std::string message = st.message();
  const size_t at = message.find(kExceeded);
  if (at == std::string::npos || message.find("(timeout", at) != std::string::npos) return st;
  message.insert(at + kExceeded.size(), " (timeout " + std::to_string(budget.timeout_ms) + " ms)");
  return Status(st.code(), std::move(message));
}

}  // namespace

Result<StackRead> Stack::OpenAndRead(const std::vector<std::string>& uris,
                                     const StackOptions& options,
                                     const StackReadOptions& read_options,
                                     std::optional<Stack>* opened_stack) {
  if (uris.empty() || !options.window || options.bounds || options.out_shape) {
    COGR_ASSIGN_OR_RETURN(Stack s, Open(uris, options));
    if (opened_stack) *opened_stack = s;
    return s.Read(read_options);
  }
  COGR_RETURN_IF_ERROR(CheckSceneOpen(uris, options));
  const geo::Window& given = *options.window;
  if (!std::isfinite(given.col_off) || !std::isfinite(given.row_off) || !(given.width > 0) ||
      !(given.height > 0) || !std::isfinite(given.width) || !std::isfinite(given.height)) {
    return Status::InvalidArgument("stack: window must have a positive, finite size");
  }
  const auto ints = given.ToInts();
  const geo::Window window{static_cast<double>(ints[0]), static_cast<double>(ints[1]),
                           static_cast<double>(ints[2]), static_cast<double>(ints[3])};
  const uint64_t h = static_cast<uint64_t>(ints[3]), w = static_cast<uint64_t>(ints[2]);
  const size_t n = uris.size();

  // One thread (this one) starts the reads: callbacks only post what finished, so each read is
  // started outside any callback and runs asynchronously.
  struct Event {
    size_t scene = 0;
    bool is_open = false;
    Result<std::shared_ptr<Dataset>> ds = Status::Unavailable("");
    Status read;
  };
  EventQueue<Event> events;
  auto post = [&events](Event e) { events.Post(std::move(e)); };
  std::shared_ptr<CancelToken> cancel =
      read_options.cancel ? read_options.cancel : CancelToken::Create();
  std::vector<Result<std::shared_ptr<Dataset>>> opened(n, Status::Unavailable("not opened"));
  std::vector<std::optional<Status>> read_status(n);
  std::vector<double> read_ms(n, 0);
  std::shared_ptr<Dataset> ref;
  bool speculate = true;  // false once the output turned out too large to allocate here
  std::vector<int> bands;
  StackRead result;
  size_t opens_left = n, reads_left = 0;
  const auto start = Clock::now();
  const CallBudget budget = BudgetOf(read_options.deadline, read_options.timeout_ms, start);
  const std::optional<Clock::time_point>& deadline = budget.deadline;
  for (size_t i = 0; i < n; ++i) {
    Dataset::OpenAsync(uris[i], SceneOpen(options, i),
                       [&post, i](Result<std::shared_ptr<Dataset>> ds) {
                         Event e;
                         e.scene = i;
                         e.is_open = true;
                         e.ds = std::move(ds);
                         post(std::move(e));
                       });
  }
  while (opens_left > 0 || reads_left > 0) {
    for (Event& e : events.Wait()) {
      if (!e.is_open) {
        read_status[e.scene] = std::move(e.read);
        read_ms[e.scene] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        if (!read_status[e.scene]->ok() && read_options.on_error == StackOnError::kFail &&
            !read_options.cancel) {
          cancel->Cancel();
        }
        --reads_left;
        continue;
      }
      --opens_left;
      opened[e.scene] = std::move(e.ds);
      if (!opened[e.scene].ok()) {
        if (options.on_error == StackOnError::kFail && !read_options.cancel) cancel->Cancel();
        continue;
      }
      const std::shared_ptr<Dataset>& ds = *opened[e.scene];
      if (!speculate) continue;
      if (!ref) {
        // The first scene open sets the output's shape; Open's checks (against scene 0's
        // grid) run once all are open, and a scene that does not fit is not read here.
        ref = ds;
        bands = options.bands;
        if (bands.empty()) {
          for (int b = 1; b <= ref->count(); ++b) bands.push_back(b);
        }
        result.data.dtype = ref->dtype();
        result.data.bands = n * bands.size();
        result.data.height = h;
        result.data.width = w;
        auto bytes = internal::CheckedMul(result.data.bands, h);
        if (bytes) bytes = internal::CheckedMul(*bytes, w);
        if (bytes) bytes = internal::CheckedMul(*bytes, DataTypeSize(ref->dtype()));
        if (!bytes ||
            *bytes > internal::CheckedMul(ref->limits().max_read_bytes, n).value_or(UINT64_MAX)) {
          ref = nullptr;  // too large for the speculative path: Open + Read say why
          speculate = false;
          continue;
        }
        try {
          result.data.data.resize(static_cast<size_t>(*bytes));
        } catch (const std::bad_alloc&) {
          ref = nullptr;  // Open + Read report it
          speculate = false;
          continue;
        }
      }
      if (cancel->cancelled() || ds->dtype() != ref->dtype() ||
          !(ds->transform() == ref->transform()) ||
          std::any_of(bands.begin(), bands.end(),
                      [&](int b) { return b < 1 || b > ds->count(); })) {
        continue;
      }
      ReadOptions read;
      read.bands = bands;
      read.window = window;
      read.boundless = true;
      read.fill = options.fill.value_or(ds->nodata().value_or(0.0));
      read.deadline = deadline;
      read.cancel = cancel;
      read.trace = read_options.trace;
      const uint64_t nb = bands.size();
      const ArrayView slice = SubView(ArrayView::Of(result.data), e.scene * nb, nb, 0, h, 0, w);
      ++reads_left;
      const size_t i = e.scene;
      ds->ReadIntoAsync(std::move(read), slice, [&post, i](Status st) {
        Event r;
        r.scene = i;
        r.read = std::move(st);
        post(std::move(r));
      });
    }
    if (read_options.progress) read_options.progress(n - opens_left, n);
  }

  // Open's checks and errors, in scene order.
  COGR_ASSIGN_OR_RETURN(Stack s, FromOpened(uris, opened, options));
  if (opened_stack) *opened_stack = s;
  bool all_read = ref != nullptr && s.bands_ == bands && s.dtype_ == result.data.dtype &&
                  s.height_ == h && s.width_ == w;
  for (size_t i = 0; i < n && all_read; ++i) {
    if (s.scenes_[i].dataset && (!read_status[i] || read_status[i]->code() == Code::kCancelled) &&
        !read_options.cancel && read_options.on_error == StackOnError::kFill &&
        !(deadline && Clock::now() >= *deadline)) {
      all_read = false;  // cancelled by a failure that kFill forgives: read again
    }
    if (s.scenes_[i].dataset && !read_status[i] && read_options.on_error == StackOnError::kFail) {
      // Not started: only after a failure, which decides the outcome below.
      bool any_failed = false;
      for (const auto& r : read_status) any_failed = any_failed || (r && !r->ok());
      if (!any_failed) all_read = false;
    }
  }
  if (!all_read) {
    StackReadOptions again = read_options;
    again.deadline = deadline;
    again.timeout_ms = 0;
    auto read = s.Read(again);
    if (!read.ok()) return NameTimeout(read.status(), budget);
    return read;
  }

  const uint64_t nb = bands.size();
  Status first_error;
  result.scenes.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Status st = !s.scenes_[i].dataset
                    ? Status::IoError(s.scenes_[i].error)
                    : (read_status[i] ? *read_status[i] : Status::Cancelled("read not started"));
    if (s.scenes_[i].dataset && !st.ok()) st = NameScene(st, i, uris[i]);
    result.scenes[i].status = st;
    result.scenes[i].ms = read_ms[i];
    if (s.scenes_[i].dataset) result.scenes[i].io = s.scenes_[i].dataset->io_stats();
    if (st.ok()) continue;
    if (read_options.on_error == StackOnError::kFill &&
        !StoppedByCallBound(st, read_options.cancel, deadline)) {
      internal::FillArray(SubView(ArrayView::Of(result.data), i * nb, nb, 0, h, 0, w),
                          s.scenes_[i].fill);
      result.failed.push_back(i);
      result.failed_messages.push_back(st.message());
    } else if (first_error.ok() ||
               (first_error.code() == Code::kCancelled && st.code() != Code::kCancelled)) {
      first_error = st;
    }
  }
  if (!first_error.ok()) return NameTimeout(first_error, budget);
  result.data.transform = s.transform_;
  result.shape = s.shape();
  return result;
}

Result<StackRead> Stack::Read(const StackReadOptions& options) const {
  StackRead result;
  result.data.dtype = dtype_;
  result.data.bands = scenes_.size() * bands_.size();
  result.data.height = height_;
  result.data.width = width_;
  result.data.transform = transform_;
  auto bytes = internal::CheckedMul(result.data.bands, height_);
  if (bytes) bytes = internal::CheckedMul(*bytes, width_);
  if (bytes) bytes = internal::CheckedMul(*bytes, DataTypeSize(dtype_));
  if (!bytes) {
    return Status::LimitExceeded("stack: read of " + std::to_string(result.data.bands) + " x " +
                                 std::to_string(height_) + " x " + std::to_string(width_) +
                                 " samples is over 2^64 bytes");
  }
  try {
    result.data.data.resize(static_cast<size_t>(*bytes));
  } catch (const std::bad_alloc&) {
    return Status::LimitExceeded("stack: cannot allocate " + std::to_string(*bytes) + " bytes");
  }
  COGR_RETURN_IF_ERROR(ReadInto(ArrayView::Of(result.data), options, &result));
  result.shape = shape();
  return result;
}

Status Stack::ReadInto(const ArrayView& out, const StackReadOptions& options,
                       StackRead* result) const {
  const uint64_t nb = bands_.size();
  if (out.dtype != dtype_ || out.bands != scenes_.size() * nb || out.height != height_ ||
      out.width != width_ || out.col_stride != DataTypeSize(dtype_)) {
    return Status::InvalidArgument("stack: destination is " + std::string(DataTypeName(out.dtype)) +
                                   " (" + std::to_string(out.bands) + ", " +
                                   std::to_string(out.height) + ", " + std::to_string(out.width) +
                                   "), the read is " + std::string(DataTypeName(dtype_)) + " (" +
                                   std::to_string(scenes_.size() * nb) + ", " +
                                   std::to_string(height_) + ", " + std::to_string(width_) + ")");
  }
  const size_t n = scenes_.size();
  std::vector<StackSceneResult> scene_results(n);
  // kFail stops the other scenes at the first failure, through a token of our own (a caller's
  // token is kept as given).
  std::shared_ptr<CancelToken> cancel = options.cancel ? options.cancel : CancelToken::Create();
  std::mutex mu;
  std::condition_variable cv;
  size_t done = 0;
  const auto start = Clock::now();
  const CallBudget budget = BudgetOf(options.deadline, options.timeout_ms, start);
  const std::optional<Clock::time_point>& deadline = budget.deadline;
  auto finish_scene = [&](size_t i, Status st) {
    std::lock_guard<std::mutex> lock(mu);
    scene_results[i].status = std::move(st);
    scene_results[i].ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (scenes_[i].dataset) scene_results[i].io = scenes_[i].dataset->io_stats();
    if (!scene_results[i].status.ok() && options.on_error == StackOnError::kFail && !options.cancel)
      cancel->Cancel();
    ++done;
    cv.notify_all();
  };

  for (size_t i = 0; i < n; ++i) {
    const StackScene& scene = scenes_[i];
    const ArrayView slice = SubView(out, i * nb, nb, 0, height_, 0, width_);
    if (!scene.dataset) {
      internal::FillArray(slice, scene.fill);
      finish_scene(i, Status::IoError(scene.error.empty() ? SceneName(i, scene.uri) + ": not open"
                                                          : scene.error));
      continue;
    }
    ReadOptions read;
    read.bands = bands_;
    read.fill = scene.fill;
    read.deadline = deadline;
    read.cancel = cancel;
    read.trace = options.trace;
    read.resampling = resampling_;
    const geo::Window& w = scene.window;
    const double sx = w.width / static_cast<double>(width_),
                 sy = w.height / static_cast<double>(height_);
    ArrayView dst = slice;
    if (sx == 1 && sy == 1 && Integral(w.col_off) && Integral(w.row_off)) {
      // Same pixel size: a boundless window read, straight into the slice.
      read.window = w;
      read.boundless = true;
    } else {
      // Another pixel size: the part of the grid the image covers is read with out_shape (a
      // resampled read cannot be boundless); the rest is fill.
      const double iw = static_cast<double>(scene.dataset->width()),
                   ih = static_cast<double>(scene.dataset->height());
      auto out_lo = [](double off, double scale) {
        return std::max(0.0, std::ceil((0 - off) / scale - kSnap));
      };
      auto out_hi = [](double off, double scale, double size, double n_out) {
        return std::min(n_out, std::floor((size - off) / scale + kSnap));
      };
      const double c0 = out_lo(w.col_off, sx), r0 = out_lo(w.row_off, sy);
      const double c1 = out_hi(w.col_off, sx, iw, static_cast<double>(width_));
      const double r1 = out_hi(w.row_off, sy, ih, static_cast<double>(height_));
      if (!(c1 > c0) || !(r1 > r0)) {
        internal::FillArray(slice, scene.fill);
        finish_scene(i, Status::OK());
        continue;
      }
      const auto uc0 = static_cast<uint64_t>(c0), uc1 = static_cast<uint64_t>(c1);
      const auto ur0 = static_cast<uint64_t>(r0), ur1 = static_cast<uint64_t>(r1);
      FillRect(slice, 0, ur0, 0, width_, scene.fill);
      FillRect(slice, ur1, height_ - ur1, 0, width_, scene.fill);
      FillRect(slice, ur0, ur1 - ur0, 0, uc0, scene.fill);
      FillRect(slice, ur0, ur1 - ur0, uc1, width_ - uc1, scene.fill);
      geo::Window inner = SnapWindow(
          geo::Window{w.col_off + c0 * sx, w.row_off + r0 * sy, (c1 - c0) * sx, (r1 - r0) * sy});
      inner.col_off = std::clamp(inner.col_off, 0.0, iw);
      inner.row_off = std::clamp(inner.row_off, 0.0, ih);
      inner.width = std::min(inner.width, iw - inner.col_off);
      inner.height = std::min(inner.height, ih - inner.row_off);
      read.window = inner;
      dst = SubView(slice, 0, nb, ur0, ur1 - ur0, uc0, uc1 - uc0);
      const bool same_size = Integral(inner.col_off) && Integral(inner.row_off) &&
                             inner.width == static_cast<double>(uc1 - uc0) &&
                             inner.height == static_cast<double>(ur1 - ur0);
      if (!same_size) read.out_shape = std::make_pair(ur1 - ur0, uc1 - uc0);
    }
    // Started from this thread, not from a callback, so every read is in flight at once.
    scene.dataset->ReadIntoAsync(std::move(read), dst,
                                 [&finish_scene, i](Status st) { finish_scene(i, std::move(st)); });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    size_t reported = 0;
    while (done < n) {
      cv.wait_for(lock, std::chrono::milliseconds(100),
                  [&] { return done == n || done != reported; });
      if (done != reported) {
        reported = done;
        if (options.progress) {
          lock.unlock();
          options.progress(reported, n);
          lock.lock();
        }
      }
    }
  }
  if (options.progress) options.progress(n, n);

  Status first_error;
  for (size_t i = 0; i < n; ++i) {
    Status& st = scene_results[i].status;
    if (st.ok()) continue;
    const std::string& uri = scenes_[i].uri;
    if (scenes_[i].dataset) st = NameScene(st, i, uri);
    if (options.on_error == StackOnError::kFill &&
        !StoppedByCallBound(st, options.cancel, deadline)) {
      internal::FillArray(SubView(out, i * nb, nb, 0, height_, 0, width_), scenes_[i].fill);
      if (result) {
        result->failed.push_back(i);
        result->failed_messages.push_back(st.message());
      }
    } else if (first_error.ok() ||
               (first_error.code() == Code::kCancelled && st.code() != Code::kCancelled)) {
      // The scene that failed first, not those our token then cancelled.
      first_error = st;
    }
  }
  if (!first_error.ok()) return NameTimeout(first_error, budget);
  if (result) result->scenes = std::move(scene_results);
  return Status::OK();
}

Result<StackSample> Stack::Sample(const std::vector<std::pair<double, double>>& points,
                                  const StackSampleOptions& options) const {
  std::vector<std::pair<double, double>> xy = points;
  if (options.crs) {
    if (!crs_)
      return Status::InvalidArgument("stack: points given in a CRS but the scenes have none");
    if (!geo::SameCrs(*options.crs, *crs_)) {
      auto moved = geo::TransformPoints(*options.crs, *crs_, points);
      if (!moved.ok())
        return Status(moved.status().code(), "stack: points: " + moved.status().message());
      xy = std::move(moved).value();
    }
  }
  const std::vector<int>& bands = options.bands.empty() ? bands_ : options.bands;
  const size_t n = scenes_.size(), nb = bands.size(), sb = DataTypeSize(dtype_);
  StackSample out;
  out.data.dtype = dtype_;
  out.data.bands = n;
  out.data.height = xy.size();
  out.data.width = nb;
  out.data.transform = transform_;
  auto bytes = internal::CheckedMul(n, xy.size());
  if (bytes) bytes = internal::CheckedMul(*bytes, nb);
  if (bytes) bytes = internal::CheckedMul(*bytes, sb);
  if (!bytes || *bytes > Limits{}.max_read_bytes) {
    return Status::LimitExceeded("stack: sample of " + std::to_string(n) + " scenes x " +
                                 std::to_string(xy.size()) + " points x " + std::to_string(nb) +
                                 " bands exceeds max_read_bytes");
  }
  try {
    out.data.data.resize(static_cast<size_t>(*bytes));
  } catch (const std::bad_alloc&) {
    return Status::LimitExceeded("stack: cannot allocate " + std::to_string(*bytes) +
                                 " bytes for the samples");
  }
  SampleOptions sample;
  sample.bands = bands;
  const CallBudget budget = BudgetOf(options.deadline, options.timeout_ms, Clock::now());
  const std::optional<Clock::time_point>& deadline = budget.deadline;
  sample.deadline = deadline;
  sample.cancel = options.cancel;
  // Dataset::Sample waits for its blocks: the scenes run on threads of their own, a bounded
  // number at a time.
  constexpr size_t kAtOnce = 32;
  std::vector<Result<Array>> results(n, Status::Unavailable("not sampled"));
  for (size_t first = 0; first < n; first += kAtOnce) {
    std::vector<std::future<void>> running;
    for (size_t i = first; i < std::min(n, first + kAtOnce); ++i) {
      if (!scenes_[i].dataset) {
        results[i] =
            Status::IoError(scenes_[i].error.empty() ? SceneName(i, scenes_[i].uri) + ": not open"
                                                     : scenes_[i].error);
        continue;
      }
      try {
        running.push_back(std::async(
            std::launch::async, [&, i] { results[i] = scenes_[i].dataset->Sample(xy, sample); }));
      } catch (const std::system_error&) {
        results[i] = scenes_[i].dataset->Sample(xy, sample);  // no thread to spare: here
      }
    }
    for (auto& f : running) f.get();
  }
  const size_t scene_bytes = xy.size() * nb * sb;
  for (size_t i = 0; i < n; ++i) {
    uint8_t* dst = out.data.data.data() + i * scene_bytes;
    if (results[i].ok()) {
      if (scene_bytes > 0) std::memcpy(dst, results[i]->data.data(), scene_bytes);
      continue;
    }
    Status st = results[i].status();
    if (scenes_[i].dataset) st = NameScene(st, i, scenes_[i].uri);
    if (options.on_error == StackOnError::kFail ||
        !!StoppedByCallBound(st, options.cancel, deadline))
      return NameTimeout(st, budget);
    for (size_t k = 0; k < xy.size() * nb; ++k)
      internal::StoreScalar(dtype_, scenes_[i].fill, dst + k * sb);
    out.failed.push_back(i);
    out.failed_messages.push_back(st.message());
  }
  return out;
}

}  // namespace cogr
