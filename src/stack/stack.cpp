// stack: Stack — many scenes on one grid, opened and read with every scene in flight at once.
// This file: opening the scenes and laying them on one grid (Open, FromDatasets, Select);
// stack_read.cpp reads and samples them.
#include "cogr/stack.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

#include "stack/stack_internal.hpp"
#include "util/checked.hpp"

namespace cogr {

using namespace internal::stack_detail;  // NOLINT(google-build-using-namespace)

std::vector<uint64_t> Stack::shape() const {
  if (stack_) return {scenes_.size(), bands_.size(), height_, width_};
  return {scenes_.size() * bands_.size(), height_, width_};
}

Result<Stack> Stack::Open(const std::vector<std::string>& uris, const StackOptions& options) {
  if (uris.empty()) return Status::InvalidArgument("stack: no scenes given");
  COGR_RETURN_IF_ERROR(CheckSceneOpen(uris, options));
  // Every open in flight at once; the callbacks only store their result.
  std::vector<Result<std::shared_ptr<Dataset>>> opened(uris.size(),
                                                       Status::Unavailable("not opened"));
  Latch latch(uris.size());
  for (size_t i = 0; i < uris.size(); ++i) {
    Dataset::OpenAsync(uris[i], SceneOpen(options, i),
                       [&opened, &latch, i](Result<std::shared_ptr<Dataset>> ds) {
                         opened[i] = std::move(ds);
                         latch.CountDown();
                       });
  }
  latch.Wait();
  return FromOpened(uris, opened, options);
}

Result<Stack> Stack::FromOpened(const std::vector<std::string>& uris,
                                std::vector<Result<std::shared_ptr<Dataset>>>& opened,
                                const StackOptions& options) {
  std::vector<std::shared_ptr<Dataset>> datasets(uris.size());
  std::vector<std::string> errors(uris.size());
  for (size_t i = 0; i < uris.size(); ++i) {
    if (opened[i].ok()) {
      datasets[i] = *opened[i];
      continue;
    }
    const Status named = NameScene(opened[i].status(), i, uris[i]);
    const OpenOptions& open = SceneOpen(options, i);
    if (options.on_error == StackOnError::kFail ||
        StoppedByCallBound(opened[i].status(), open.cancel, open.deadline))
      return named;
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

Result<Stack> Stack::FromDatasets(const std::vector<std::shared_ptr<Dataset>>& datasets,
                                  const StackOptions& options) {
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
      return Status::InvalidArgument(
          SceneName(i, ds.uri()) + ": data type " + std::string(DataTypeName(ds.dtype())) +
          " differs from the stack's " + std::string(DataTypeName(s.dtype_)));
    }
    for (int b : s.bands_) {
      if (b < 1 || b > ds.count()) {
        return Status::OutOfRange(SceneName(i, ds.uri()) + ": band " + std::to_string(b) +
                                  " out of range (file has " + std::to_string(ds.count()) +
                                  " bands; bands are 1-based)");
      }
    }
    if (s.crs_) {
      auto crs = ds.crs();
      if (!crs.ok()) {
        return Status::InvalidArgument(SceneName(i, ds.uri()) +
                                       ": no CRS to compare with the stack's " + CrsLabel(*s.crs_) +
                                       " (" + crs.status().message() + ")");
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
    if (ds && (!(ds->transform() == ref.transform()) || ds->width() != ref.width() ||
               ds->height() != ref.height())) {
      same_grid = false;
    }
  }
  std::optional<geo::Bounds> target_bounds = options.bounds;
  if (!options.bounds && !options.window && !same_grid) {
    if (!ref.transform().IsRectilinear()) {
      return Status::InvalidArgument(
          SceneName(ref_index, ref.uri()) +
          ": a rotated grid cannot be the target of scenes on other grids; give bounds");
    }
    target_bounds = ref.bounds();
  }
  if (target_bounds) {
    if (options.window) return Status::InvalidArgument("stack: give a window or bounds, not both");
    geo::Bounds box = *target_bounds;
    if (options.bounds && options.bounds_crs && s.crs_ &&
        !geo::SameCrs(*options.bounds_crs, *s.crs_)) {
      COGR_ASSIGN_OR_RETURN(box, geo::TransformBounds(*options.bounds_crs, *s.crs_, box));
    } else if (options.bounds && options.bounds_crs && !s.crs_) {
      return Status::InvalidArgument("stack: bounds given in a CRS but the scenes have none");
    }
    if (!(box.right > box.left) || !(box.top > box.bottom) || !std::isfinite(box.left) ||
        !std::isfinite(box.right) || !std::isfinite(box.top) || !std::isfinite(box.bottom)) {
      return Status::InvalidArgument(
          "stack: empty or invalid bounds (left must be < right, bottom < top)");
    }
    const auto [rx, ry] = options.resolution.value_or(ref.res());
    if (!(rx > 0) || !(ry > 0) || !std::isfinite(rx) || !std::isfinite(ry)) {
      return Status::InvalidArgument("stack: resolution must be positive");
    }
    if (options.out_shape) {
      s.height_ = options.out_shape->first;
      s.width_ = options.out_shape->second;
    } else {
      const double w = std::ceil((box.right - box.left) / rx - kSnap),
                   h = std::ceil((box.top - box.bottom) / ry - kSnap);
      if (!(w >= 1 && h >= 1 && w < 1e9 && h < 1e9)) {
        return Status::InvalidArgument("stack: bounds / resolution give no pixels or too many");
      }
      s.width_ = static_cast<uint64_t>(w);
      s.height_ = static_cast<uint64_t>(h);
    }
    if (s.width_ == 0 || s.height_ == 0)
      return Status::InvalidArgument("stack: out_shape must be positive");
    const double px =
        options.out_shape ? (box.right - box.left) / static_cast<double>(s.width_) : rx;
    const double py =
        options.out_shape ? (box.top - box.bottom) / static_cast<double>(s.height_) : ry;
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
            SceneName(i, ds.uri()) + ": grid " + AffineText(ds.transform()) + " " +
            std::to_string(ds.width()) + " x " + std::to_string(ds.height()) +
            " differs from scene " + std::to_string(ref_index) + "'s " +
            AffineText(ref.transform()) + " " + std::to_string(ref.width()) + " x " +
            std::to_string(ref.height()) +
            "; give bounds (and a resolution) to stack scenes on different grids");
      }
    }
    geo::Window win{0, 0, static_cast<double>(ref.width()), static_cast<double>(ref.height())};
    if (options.window) {
      const geo::Window& w = *options.window;
      if (!std::isfinite(w.col_off) || !std::isfinite(w.row_off) || !(w.width > 0) ||
          !(w.height > 0) || !std::isfinite(w.width) || !std::isfinite(w.height)) {
        return Status::InvalidArgument("stack: window must have a positive, finite size");
      }
      const auto ints = w.ToInts();
      win = geo::Window{static_cast<double>(ints[0]), static_cast<double>(ints[1]),
                        static_cast<double>(ints[2]), static_cast<double>(ints[3])};
    }
    s.width_ = static_cast<uint64_t>(win.width);
    s.height_ = static_cast<uint64_t>(win.height);
    s.transform_ = geo::WindowTransform(win, ref.transform());
    if (options.out_shape) {
      if (options.out_shape->first == 0 || options.out_shape->second == 0) {
        return Status::InvalidArgument("stack: out_shape must be positive");
      }
      s.transform_ = s.transform_ *
                     geo::Affine::Scale(win.width / static_cast<double>(options.out_shape->second),
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
        return Status::OutOfRange("stack: scene " + std::to_string(i) +
                                  " out of range (stack has " + std::to_string(scenes_.size()) +
                                  " scenes; positions are 0-based)");
      }
      out.scenes_.push_back(scenes_[i]);
    }
  }
  if (!bands.empty()) {
    out.bands_.clear();
    for (size_t b : bands) {
      if (b >= bands_.size()) {
        return Status::OutOfRange("stack: band position " + std::to_string(b) +
                                  " out of range (stack has " + std::to_string(bands_.size()) +
                                  " bands; positions are 0-based)");
      }
      out.bands_.push_back(bands_[b]);
    }
  }
  if (window) {
    const geo::Window& w = *window;
    if (!Integral(w.col_off) || !Integral(w.row_off) || !Integral(w.width) || !Integral(w.height) ||
        !(w.width > 0) || !(w.height > 0) || std::fabs(w.col_off) > 1e12 ||
        std::fabs(w.row_off) > 1e12 || w.width > 1e9 || w.height > 1e9) {
      return Status::InvalidArgument(
          "stack: a selected window must have integral offsets and a positive integral size");
    }
    for (StackScene& scene : out.scenes_) {
      const double sx = scene.window.width / static_cast<double>(width_);
      const double sy = scene.window.height / static_cast<double>(height_);
      scene.window = SnapWindow(geo::Window{scene.window.col_off + w.col_off * sx,
                                            scene.window.row_off + w.row_off * sy, w.width * sx,
                                            w.height * sy});
    }
    out.width_ = static_cast<uint64_t>(w.width);
    out.height_ = static_cast<uint64_t>(w.height);
    out.transform_ = geo::WindowTransform(w, transform_);
  }
  return out;
}

}  // namespace cogr
