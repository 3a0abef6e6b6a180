// stack: Stack — many scenes on one grid, opened and read with every scene in flight at once.
// Opens go through Dataset::OpenAsync, reads through Dataset::ReadIntoAsync into the scenes'
// slices of one array; the calling thread only starts them and waits for the last callback.
#include "cogr/stack.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <functional>
#include <future>
#include <mutex>
#include <new>
#include <string>
#include <system_error>
#include <utility>

#include "read/assemble.hpp"
#include "util/checked.hpp"

namespace cogr {
namespace {

// Grid arithmetic tolerance (pixels): from_bounds of the scene's own grid gives offsets such as
// 9.999999999 that are meant to be 10.
constexpr double kSnap = 1e-6;

double Snap(double v) {
  const double r = std::round(v);
  return std::fabs(v - r) < kSnap ? r : v;
}

geo::Window SnapWindow(const geo::Window& w) {
  return {Snap(w.col_off), Snap(w.row_off), Snap(w.width), Snap(w.height)};
}

bool Integral(double v) { return v == std::round(v); }

std::string SceneName(size_t i, const std::string& uri) {
  return "scene " + std::to_string(i) + " (" + uri + ")";
}

Status NameScene(const Status& st, size_t i, const std::string& uri) {
  std::string message = st.message();
  // Dataset errors usually start with the URI already: keep one copy of it.
  if (message.rfind(uri + ": ", 0) == 0) message = message.substr(uri.size() + 2);
  return Status(st.code(), SceneName(i, uri) + ": " + message);
}

// The options scene i opens with: its own (StackOptions::scene_open) or the shared ones.
const OpenOptions& SceneOpen(const StackOptions& options, size_t i) {
  return options.scene_open.empty() ? options.open : options.scene_open[i];
}

Status CheckSceneOpen(const std::vector<std::string>& uris, const StackOptions& options) {
  if (options.scene_open.empty() || options.scene_open.size() == uris.size()) return Status::OK();
  return Status::InvalidArgument("stack: " + std::to_string(options.scene_open.size()) + " scene open options for " +
                                 std::to_string(uris.size()) + " scenes");
}

std::string CrsLabel(const geo::Crs& crs) {
  if (auto epsg = crs.ToEpsg()) return "EPSG:" + std::to_string(*epsg);
  return "\"" + crs.Name() + "\"";
}

std::string AffineText(const geo::Affine& t) {
  char buf[192];
  std::snprintf(buf, sizeof(buf), "Affine(%.17g, %.17g, %.17g, %.17g, %.17g, %.17g)", t.a, t.b, t.c, t.d, t.e, t.f);
  return buf;
}

// A sub-view of `v`: bands [b0, b0 + nb), rows [r0, r0 + nr), columns [c0, c0 + nc).
ArrayView SubView(const ArrayView& v, uint64_t b0, uint64_t nb, uint64_t r0, uint64_t nr, uint64_t c0, uint64_t nc) {
  ArrayView s = v;
  s.data = v.At(b0, r0, c0);
  s.bands = nb;
  s.height = nr;
  s.width = nc;
  return s;
}

void FillRect(const ArrayView& v, uint64_t r0, uint64_t nr, uint64_t c0, uint64_t nc, double value) {
  if (nr == 0 || nc == 0) return;
  internal::FillArray(SubView(v, 0, v.bands, r0, nr, c0, nc), value);
}

// Waits for a number of callbacks; the callbacks may run on any thread.
class Latch {
 public:
  explicit Latch(size_t n) : left_(n) {}
  void CountDown() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--left_ == 0) cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return left_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t left_;
};

}  // namespace

std::vector<uint64_t> Stack::shape() const {
  if (stack_) return {scenes_.size(), bands_.size(), height_, width_};
  return {scenes_.size() * bands_.size(), height_, width_};
}

Result<Stack> Stack::Open(const std::vector<std::string>& uris, const StackOptions& options) {
  if (uris.empty()) return Status::InvalidArgument("stack: no scenes given");
  COGR_RETURN_IF_ERROR(CheckSceneOpen(uris, options));
  // Every open in flight at once; the callbacks only store their result.
  std::vector<Result<std::shared_ptr<Dataset>>> opened(uris.size(), Status::Unavailable("not opened"));
  Latch latch(uris.size());
  for (size_t i = 0; i < uris.size(); ++i) {
    Dataset::OpenAsync(uris[i], SceneOpen(options, i), [&opened, &latch, i](Result<std::shared_ptr<Dataset>> ds) {
      opened[i] = std::move(ds);
      latch.CountDown();
    });
  }
  latch.Wait();
  return FromOpened(uris, opened, options);
}

Result<Stack> Stack::FromOpened(const std::vector<std::string>& uris,
                                std::vector<Result<std::shared_ptr<Dataset>>>& opened, const StackOptions& options) {
  std::vector<std::shared_ptr<Dataset>> datasets(uris.size());
  std::vector<std::string> errors(uris.size());
  for (size_t i = 0; i < uris.size(); ++i) {
    if (opened[i].ok()) {
      datasets[i] = *opened[i];
      continue;
    }
    const Status named = NameScene(opened[i].status(), i, uris[i]);
    if (options.on_error == StackOnError::kFail) return named;
    errors[i] = named.message();
  }
  if (std::none_of(datasets.begin(), datasets.end(), [](const auto& d) { return d != nullptr; })) {
    return Status(opened[0].status().code(), "stack: every scene failed to open; " + errors[0]);
  }
  COGR_ASSIGN_OR_RETURN(Stack stack, FromDatasets(datasets, options));
  for (size_t i = 0; i < uris.size(); ++i) {
    stack.scenes_[i].uri = uris[i];
    stack.scenes_[i].error = errors[i];
  }
  return stack;
}

Result<StackRead> Stack::OpenAndRead(const std::vector<std::string>& uris, const StackOptions& options,
                                     const StackReadOptions& read_options) {
  if (uris.empty() || !options.window || options.bounds || options.out_shape) {
    COGR_ASSIGN_OR_RETURN(Stack s, Open(uris, options));
    return s.Read(read_options);
  }
  COGR_RETURN_IF_ERROR(CheckSceneOpen(uris, options));
  const geo::Window& given = *options.window;
  if (!std::isfinite(given.col_off) || !std::isfinite(given.row_off) || !(given.width > 0) || !(given.height > 0) ||
      !std::isfinite(given.width) || !std::isfinite(given.height)) {
    return Status::InvalidArgument("stack: window must have a positive, finite size");
  }
  const auto ints = given.ToInts();
  const geo::Window window{static_cast<double>(ints[0]), static_cast<double>(ints[1]), static_cast<double>(ints[2]),
                           static_cast<double>(ints[3])};
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
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Event> events;
  auto post = [&](Event e) {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(std::move(e));
    cv.notify_all();
  };
  std::shared_ptr<CancelToken> cancel = read_options.cancel ? read_options.cancel : CancelToken::Create();
  std::vector<Result<std::shared_ptr<Dataset>>> opened(n, Status::Unavailable("not opened"));
  std::vector<std::optional<Status>> read_status(n);
  std::vector<double> read_ms(n, 0);
  std::shared_ptr<Dataset> ref;
  bool speculate = true;  // false once the output turned out too large to allocate here
  std::vector<int> bands;
  StackRead result;
  size_t opens_left = n, reads_left = 0;
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < n; ++i) {
    Dataset::OpenAsync(uris[i], SceneOpen(options, i), [&post, i](Result<std::shared_ptr<Dataset>> ds) {
      Event e;
      e.scene = i;
      e.is_open = true;
      e.ds = std::move(ds);
      post(std::move(e));
    });
  }
  std::vector<Event> batch;
  while (opens_left > 0 || reads_left > 0) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !events.empty(); });
      batch.swap(events);
    }
    for (Event& e : batch) {
      if (!e.is_open) {
        read_status[e.scene] = std::move(e.read);
        read_ms[e.scene] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (!read_status[e.scene]->ok() && read_options.on_error == StackOnError::kFail && !read_options.cancel) {
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
        if (!bytes || *bytes > internal::CheckedMul(ref->limits().max_read_bytes, n).value_or(UINT64_MAX)) {
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
      if (cancel->cancelled() || ds->dtype() != ref->dtype() || !(ds->transform() == ref->transform()) ||
          std::any_of(bands.begin(), bands.end(), [&](int b) { return b < 1 || b > ds->count(); })) {
        continue;
      }
      ReadOptions read;
      read.bands = bands;
      read.window = window;
      read.boundless = true;
      read.fill = options.fill.value_or(ds->nodata().value_or(0.0));
      read.deadline = read_options.deadline;
      read.timeout_ms = read_options.timeout_ms;
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
    batch.clear();
    if (read_options.progress) read_options.progress(n - opens_left, n);
  }

  // Open's checks and errors, in scene order.
  COGR_ASSIGN_OR_RETURN(Stack s, FromOpened(uris, opened, options));
  bool all_read = ref != nullptr && s.bands_ == bands && s.dtype_ == result.data.dtype && s.height_ == h && s.width_ == w;
  for (size_t i = 0; i < n && all_read; ++i) {
    if (s.scenes_[i].dataset && (!read_status[i] || read_status[i]->code() == Code::kCancelled) && !read_options.cancel &&
        read_options.on_error == StackOnError::kFill) {
      all_read = false;  // cancelled by a failure that kFill forgives: read again
    }
    if (s.scenes_[i].dataset && !read_status[i] && read_options.on_error == StackOnError::kFail) {
      // Not started: only after a failure, which decides the outcome below.
      bool any_failed = false;
      for (const auto& r : read_status) any_failed = any_failed || (r && !r->ok());
      if (!any_failed) all_read = false;
    }
  }
  if (!all_read) return s.Read(read_options);

  const uint64_t nb = bands.size();
  Status first_error;
  result.scenes.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Status st = !s.scenes_[i].dataset ? Status::IoError(s.scenes_[i].error)
                             : (read_status[i] ? *read_status[i] : Status::Cancelled("read not started"));
    if (s.scenes_[i].dataset && !st.ok()) st = NameScene(st, i, uris[i]);
    result.scenes[i].status = st;
    result.scenes[i].ms = read_ms[i];
    if (s.scenes_[i].dataset) result.scenes[i].io = s.scenes_[i].dataset->io_stats();
    if (st.ok()) continue;
    if (read_options.on_error == StackOnError::kFill) {
      internal::FillArray(SubView(ArrayView::Of(result.data), i * nb, nb, 0, h, 0, w), s.scenes_[i].fill);
      result.failed.push_back(i);
      result.failed_messages.push_back(st.message());
    } else if (first_error.ok() || (first_error.code() == Code::kCancelled && st.code() != Code::kCancelled)) {
      first_error = st;
    }
  }
  if (!first_error.ok()) return first_error;
  result.data.transform = s.transform_;
  result.shape = s.shape();
  return result;
}

Result<Stack> Stack::FromDatasets(const std::vector<std::shared_ptr<Dataset>>& datasets, const StackOptions& options) {
  if (datasets.empty()) return Status::InvalidArgument("stack: no scenes given");
  size_t ref_index = datasets.size();
  for (size_t i = 0; i < datasets.size(); ++i) {
    if (datasets[i]) {
      ref_index = i;
      break;
    }
  }
  if (ref_index == datasets.size()) return Status::InvalidArgument("stack: no open scene");
  const Dataset& ref = *datasets[ref_index];

  Stack s;
  s.stack_ = options.stack;
  s.resampling_ = options.resampling;
  s.dtype_ = ref.dtype();
  s.bands_ = options.bands;
  if (s.bands_.empty()) {
    for (int b = 1; b <= ref.count(); ++b) s.bands_.push_back(b);
  }

  // The target CRS: given, else the reference scene's (none when it has none, or without PROJ).
  if (options.crs) {
    s.crs_ = options.crs;
  } else if (auto crs = ref.crs(); crs.ok()) {
    s.crs_ = *crs;
  } else if (crs.status().code() != Code::kNotFound && crs.status().code() != Code::kUnsupported) {
    return NameScene(crs.status(), ref_index, ref.uri());
  }

  for (size_t i = 0; i < datasets.size(); ++i) {
    if (!datasets[i]) continue;
    const Dataset& ds = *datasets[i];
    if (ds.dtype() != s.dtype_) {
      return Status::InvalidArgument(SceneName(i, ds.uri()) + ": data type " + std::string(DataTypeName(ds.dtype())) +
                                     " differs from the stack's " + std::string(DataTypeName(s.dtype_)));
    }
    for (int b : s.bands_) {
      if (b < 1 || b > ds.count()) {
        return Status::OutOfRange(SceneName(i, ds.uri()) + ": band " + std::to_string(b) + " out of range (file has " +
                                  std::to_string(ds.count()) + " bands; bands are 1-based)");
      }
    }
    if (s.crs_) {
      auto crs = ds.crs();
      if (!crs.ok()) {
        return Status::InvalidArgument(SceneName(i, ds.uri()) + ": no CRS to compare with the stack's " +
                                       CrsLabel(*s.crs_) + " (" + crs.status().message() + ")");
      }
      if (!geo::SameCrs(*crs, *s.crs_)) {
        return Status::InvalidArgument(SceneName(i, ds.uri()) + ": CRS " + CrsLabel(*crs) +
                                       " differs from the stack's " + CrsLabel(*s.crs_) +
                                       " (a stack does not reproject)");
      }
    }
  }

  // The grid: size and transform of the stack, and its bounds (for the scenes' windows).
  // Without window or bounds, scenes on other grids than the reference's are laid on its grid
  // (its bounds at its pixel size), as if those bounds had been given.
  bool same_grid = true;
  for (const auto& ds : datasets) {
    if (ds && (!(ds->transform() == ref.transform()) || ds->width() != ref.width() || ds->height() != ref.height())) {
      same_grid = false;
    }
  }
  std::optional<geo::Bounds> target_bounds = options.bounds;
  if (!options.bounds && !options.window && !same_grid) {
    if (!ref.transform().IsRectilinear()) {
      return Status::InvalidArgument(SceneName(ref_index, ref.uri()) +
                                     ": a rotated grid cannot be the target of scenes on other grids; give bounds");
    }
    target_bounds = ref.bounds();
  }
  if (target_bounds) {
    if (options.window) return Status::InvalidArgument("stack: give a window or bounds, not both");
    geo::Bounds box = *target_bounds;
    if (options.bounds && options.bounds_crs && s.crs_ && !geo::SameCrs(*options.bounds_crs, *s.crs_)) {
      COGR_ASSIGN_OR_RETURN(box, geo::TransformBounds(*options.bounds_crs, *s.crs_, box));
    } else if (options.bounds && options.bounds_crs && !s.crs_) {
      return Status::InvalidArgument("stack: bounds given in a CRS but the scenes have none");
    }
    if (!(box.right > box.left) || !(box.top > box.bottom) || !std::isfinite(box.left) || !std::isfinite(box.right) ||
        !std::isfinite(box.top) || !std::isfinite(box.bottom)) {
      return Status::InvalidArgument("stack: empty or invalid bounds (left must be < right, bottom < top)");
    }
    const auto [rx, ry] = options.resolution.value_or(ref.res());
    if (!(rx > 0) || !(ry > 0) || !std::isfinite(rx) || !std::isfinite(ry)) {
      return Status::InvalidArgument("stack: resolution must be positive");
    }
    if (options.out_shape) {
      s.height_ = options.out_shape->first;
      s.width_ = options.out_shape->second;
    } else {
      const double w = std::ceil((box.right - box.left) / rx - kSnap), h = std::ceil((box.top - box.bottom) / ry - kSnap);
      if (!(w >= 1 && h >= 1 && w < 1e9 && h < 1e9)) {
        return Status::InvalidArgument("stack: bounds / resolution give no pixels or too many");
      }
      s.width_ = static_cast<uint64_t>(w);
      s.height_ = static_cast<uint64_t>(h);
    }
    if (s.width_ == 0 || s.height_ == 0) return Status::InvalidArgument("stack: out_shape must be positive");
    const double px = options.out_shape ? (box.right - box.left) / static_cast<double>(s.width_) : rx;
    const double py = options.out_shape ? (box.top - box.bottom) / static_cast<double>(s.height_) : ry;
    s.transform_ = geo::Affine{px, 0, box.left, 0, -py, box.top};
  } else {
    // One pixel grid for all: with a pixel window every scene must have the reference's
    // transform.
    for (size_t i = 0; i < datasets.size(); ++i) {
      if (!datasets[i]) continue;
      const Dataset& ds = *datasets[i];
      const bool same_size = ds.width() == ref.width() && ds.height() == ref.height();
      if (!(ds.transform() == ref.transform()) || (!options.window && !same_size)) {
        return Status::InvalidArgument(
            SceneName(i, ds.uri()) + ": grid " + AffineText(ds.transform()) + " " + std::to_string(ds.width()) + " x " +
            std::to_string(ds.height()) + " differs from scene " + std::to_string(ref_index) + "'s " +
            AffineText(ref.transform()) + " " + std::to_string(ref.width()) + " x " + std::to_string(ref.height()) +
            "; give bounds (and a resolution) to stack scenes on different grids");
      }
    }
    geo::Window win{0, 0, static_cast<double>(ref.width()), static_cast<double>(ref.height())};
    if (options.window) {
      const geo::Window& w = *options.window;
      if (!std::isfinite(w.col_off) || !std::isfinite(w.row_off) || !(w.width > 0) || !(w.height > 0) ||
          !std::isfinite(w.width) || !std::isfinite(w.height)) {
        return Status::InvalidArgument("stack: window must have a positive, finite size");
      }
      const auto ints = w.ToInts();
      win = geo::Window{static_cast<double>(ints[0]), static_cast<double>(ints[1]), static_cast<double>(ints[2]),
                        static_cast<double>(ints[3])};
    }
    s.width_ = static_cast<uint64_t>(win.width);
    s.height_ = static_cast<uint64_t>(win.height);
    s.transform_ = geo::WindowTransform(win, ref.transform());
    if (options.out_shape) {
      if (options.out_shape->first == 0 || options.out_shape->second == 0) {
        return Status::InvalidArgument("stack: out_shape must be positive");
      }
      s.transform_ = s.transform_ * geo::Affine::Scale(win.width / static_cast<double>(options.out_shape->second),
                                                       win.height / static_cast<double>(options.out_shape->first));
      s.height_ = options.out_shape->first;
      s.width_ = options.out_shape->second;
    }
  }

  // Every scene's own window over the grid.
  const geo::Bounds grid = s.bounds();
  const double fallback_fill = options.fill.value_or(ref.nodata().value_or(0.0));
  s.scenes_.resize(datasets.size());
  for (size_t i = 0; i < datasets.size(); ++i) {
    StackScene& scene = s.scenes_[i];
    scene.dataset = datasets[i];
    if (!datasets[i]) {
      scene.fill = fallback_fill;
      continue;
    }
    const Dataset& ds = *datasets[i];
    scene.uri = ds.uri();
    scene.fill = options.fill.value_or(ds.nodata().value_or(0.0));
    auto win = geo::Window::FromBounds(grid, ds.transform());
    if (!win.ok()) return NameScene(win.status(), i, ds.uri());
    scene.window = SnapWindow(*win);
  }
  return s;
}

Result<Stack> Stack::Select(const std::vector<size_t>& scenes, const std::vector<size_t>& bands,
                            const std::optional<geo::Window>& window) const {
  Stack out = *this;
  if (!scenes.empty()) {
    out.scenes_.clear();
    for (size_t i : scenes) {
      if (i >= scenes_.size()) {
        return Status::OutOfRange("stack: scene " + std::to_string(i) + " out of range (stack has " +
                                  std::to_string(scenes_.size()) + " scenes; positions are 0-based)");
      }
      out.scenes_.push_back(scenes_[i]);
    }
  }
  if (!bands.empty()) {
    out.bands_.clear();
    for (size_t b : bands) {
      if (b >= bands_.size()) {
        return Status::OutOfRange("stack: band position " + std::to_string(b) + " out of range (stack has " +
                                  std::to_string(bands_.size()) + " bands; positions are 0-based)");
      }
      out.bands_.push_back(bands_[b]);
    }
  }
  if (window) {
    const geo::Window& w = *window;
    if (!Integral(w.col_off) || !Integral(w.row_off) || !Integral(w.width) || !Integral(w.height) || !(w.width > 0) ||
        !(w.height > 0) || std::fabs(w.col_off) > 1e12 || std::fabs(w.row_off) > 1e12 || w.width > 1e9 ||
        w.height > 1e9) {
        return Status::InvalidArgument("stack: a selected window must have integral offsets and a positive integral size");
    }
    for (StackScene& scene : out.scenes_) {
      const double sx = scene.window.width / static_cast<double>(width_);
      const double sy = scene.window.height / static_cast<double>(height_);
      scene.window = SnapWindow(geo::Window{scene.window.col_off + w.col_off * sx, scene.window.row_off + w.row_off * sy,
                                            w.width * sx, w.height * sy});
    }
    out.width_ = static_cast<uint64_t>(w.width);
    out.height_ = static_cast<uint64_t>(w.height);
    out.transform_ = geo::WindowTransform(w, transform_);
  }
  return out;
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
    return Status::LimitExceeded("stack: read of " + std::to_string(result.data.bands) + " x " + std::to_string(height_) +
                                 " x " + std::to_string(width_) + " samples is over 2^64 bytes");
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

Status Stack::ReadInto(const ArrayView& out, const StackReadOptions& options, StackRead* result) const {
  const uint64_t nb = bands_.size();
  if (out.dtype != dtype_ || out.bands != scenes_.size() * nb || out.height != height_ || out.width != width_ ||
      out.col_stride != DataTypeSize(dtype_)) {
    return Status::InvalidArgument("stack: destination is " + std::string(DataTypeName(out.dtype)) + " (" +
                                   std::to_string(out.bands) + ", " + std::to_string(out.height) + ", " +
                                   std::to_string(out.width) + "), the read is " + std::string(DataTypeName(dtype_)) +
                                   " (" + std::to_string(scenes_.size() * nb) + ", " + std::to_string(height_) + ", " +
                                   std::to_string(width_) + ")");
  }
  const size_t n = scenes_.size();
  std::vector<StackSceneResult> scene_results(n);
  // kFail stops the other scenes at the first failure, through a token of our own (a caller's
  // token is kept as given).
  std::shared_ptr<CancelToken> cancel = options.cancel ? options.cancel : CancelToken::Create();
  std::mutex mu;
  std::condition_variable cv;
  size_t done = 0;
  const auto start = std::chrono::steady_clock::now();
  auto finish_scene = [&](size_t i, Status st) {
    std::lock_guard<std::mutex> lock(mu);
    scene_results[i].status = std::move(st);
    scene_results[i].ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (scenes_[i].dataset) scene_results[i].io = scenes_[i].dataset->io_stats();
    if (!scene_results[i].status.ok() && options.on_error == StackOnError::kFail && !options.cancel) cancel->Cancel();
    ++done;
    cv.notify_all();
  };

  for (size_t i = 0; i < n; ++i) {
    const StackScene& scene = scenes_[i];
    const ArrayView slice = SubView(out, i * nb, nb, 0, height_, 0, width_);
    if (!scene.dataset) {
      internal::FillArray(slice, scene.fill);
      finish_scene(i, Status::IoError(scene.error.empty() ? SceneName(i, scene.uri) + ": not open" : scene.error));
      continue;
    }
    ReadOptions read;
    read.bands = bands_;
    read.fill = scene.fill;
    read.deadline = options.deadline;
    read.timeout_ms = options.timeout_ms;
    read.cancel = cancel;
    read.trace = options.trace;
    read.resampling = resampling_;
    const geo::Window& w = scene.window;
    const double sx = w.width / static_cast<double>(width_), sy = w.height / static_cast<double>(height_);
    ArrayView dst = slice;
    if (sx == 1 && sy == 1 && Integral(w.col_off) && Integral(w.row_off)) {
      // Same pixel size: a boundless window read, straight into the slice.
      read.window = w;
      read.boundless = true;
    } else {
      // Another pixel size: the part of the grid the image covers is read with out_shape (a
      // resampled read cannot be boundless); the rest is fill.
      const double iw = static_cast<double>(scene.dataset->width()), ih = static_cast<double>(scene.dataset->height());
      auto out_lo = [](double off, double scale) { return std::max(0.0, std::ceil((0 - off) / scale - kSnap)); };
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
      geo::Window inner = SnapWindow(geo::Window{w.col_off + c0 * sx, w.row_off + r0 * sy, (c1 - c0) * sx, (r1 - r0) * sy});
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
    scene.dataset->ReadIntoAsync(std::move(read), dst, [&finish_scene, i](Status st) { finish_scene(i, std::move(st)); });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    size_t reported = 0;
    while (done < n) {
      cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return done == n || done != reported; });
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
    if (options.on_error == StackOnError::kFill) {
      internal::FillArray(SubView(out, i * nb, nb, 0, height_, 0, width_), scenes_[i].fill);
      if (result) {
        result->failed.push_back(i);
        result->failed_messages.push_back(st.message());
      }
    } else if (first_error.ok() || (first_error.code() == Code::kCancelled && st.code() != Code::kCancelled)) {
      // The scene that failed first, not those our token then cancelled.
      first_error = st;
    }
  }
  if (!first_error.ok()) return first_error;
  if (result) result->scenes = std::move(scene_results);
  return Status::OK();
}

Result<StackSample> Stack::Sample(const std::vector<std::pair<double, double>>& points,
                                  const StackSampleOptions& options) const {
  std::vector<std::pair<double, double>> xy = points;
  if (options.crs) {
    if (!crs_) return Status::InvalidArgument("stack: points given in a CRS but the scenes have none");
    if (!geo::SameCrs(*options.crs, *crs_)) {
      auto moved = geo::TransformPoints(*options.crs, *crs_, points);
      if (!moved.ok()) return Status(moved.status().code(), "stack: points: " + moved.status().message());
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
    return Status::LimitExceeded("stack: sample of " + std::to_string(n) + " scenes x " + std::to_string(xy.size()) +
                                 " points x " + std::to_string(nb) + " bands exceeds max_read_bytes");
  }
  try {
    out.data.data.resize(static_cast<size_t>(*bytes));
  } catch (const std::bad_alloc&) {
    return Status::LimitExceeded("stack: cannot allocate " + std::to_string(*bytes) + " bytes for the samples");
  }
  SampleOptions sample;
  sample.bands = bands;
  sample.deadline = options.deadline;
  sample.timeout_ms = options.timeout_ms;
  sample.cancel = options.cancel;
  // Dataset::Sample waits for its blocks: the scenes run on threads of their own, a bounded
  // number at a time.
  constexpr size_t kAtOnce = 32;
  std::vector<Result<Array>> results(n, Status::Unavailable("not sampled"));
  for (size_t first = 0; first < n; first += kAtOnce) {
    std::vector<std::future<void>> running;
    for (size_t i = first; i < std::min(n, first + kAtOnce); ++i) {
      if (!scenes_[i].dataset) {
        results[i] = Status::IoError(scenes_[i].error.empty() ? SceneName(i, scenes_[i].uri) + ": not open"
                                                              : scenes_[i].error);
        continue;
      }
      try {
        running.push_back(
            std::async(std::launch::async, [&, i] { results[i] = scenes_[i].dataset->Sample(xy, sample); }));
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
    if (options.on_error == StackOnError::kFail) return st;
    for (size_t k = 0; k < xy.size() * nb; ++k) internal::StoreScalar(dtype_, scenes_[i].fill, dst + k * sb);
    out.failed.push_back(i);
    out.failed_messages.push_back(st.message());
  }
  return out;
}

}  // namespace cogr
