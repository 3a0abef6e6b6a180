// Internals of cogr::Stack shared by its stages: stack.cpp (open, grid, select) and
// stack_read.cpp (reads and samples).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cogr/cancel.hpp"
#include "cogr/stack.hpp"
#include "read/assemble.hpp"

namespace cogr::internal::stack_detail {

// Grid arithmetic tolerance (pixels): from_bounds of the scene's own grid gives offsets such as
// 9.999999999 that are meant to be 10.
inline constexpr double kSnap = 1e-6;

inline double Snap(double v) {
  const double r = std::round(v);
  return std::fabs(v - r) < kSnap ? r : v;
}

inline geo::Window SnapWindow(const geo::Window& w) {
  return {Snap(w.col_off), Snap(w.row_off), Snap(w.width), Snap(w.height)};
}

inline bool Integral(double v) { return v == std::round(v); }

inline std::string SceneName(size_t i, const std::string& uri) {
  return "scene " + std::to_string(i) + " (" + uri + ")";
}

inline Status NameScene(const Status& st, size_t i, const std::string& uri) {
  std::string message = st.message();
  // Dataset errors usually start with the URI already: keep one copy of it.
  if (message.rfind(uri + ": ", 0) == 0) message = message.substr(uri.size() + 2);
  return Status(st.code(), SceneName(i, uri) + ": " + message);
}

// Whether `st` ended a scene because the whole call's bound fired: its cancel token, or its
// absolute deadline (asked after the scene ended, so a deadline that cut it has passed). Such a
// scene is not a failed scene that kFill (or a catalog's skip_errors) may leave out: the call
// fails, rather than return fill where pixels were not read. A per-scene timeout_ms is the
// scene's own budget and is not asked about.
inline bool StoppedByCallBound(const Status& st, const std::shared_ptr<CancelToken>& cancel,
                               std::optional<std::chrono::steady_clock::time_point> deadline) {
  if (st.code() != Code::kCancelled) return false;
  return (cancel && cancel->cancelled()) ||
         (deadline && std::chrono::steady_clock::now() >= *deadline);
}

// The options scene i opens with: its own (StackOptions::scene_open) or the shared ones.
inline const OpenOptions& SceneOpen(const StackOptions& options, size_t i) {
  return options.scene_open.empty() ? options.open : options.scene_open[i];
}

inline Status CheckSceneOpen(const std::vector<std::string>& uris, const StackOptions& options) {
  if (options.scene_open.empty() || options.scene_open.size() == uris.size()) return Status::OK();
  return Status::InvalidArgument("stack: " + std::to_string(options.scene_open.size()) +
                                 " scene open options for " + std::to_string(uris.size()) +
                                 " scenes");
}

inline std::string CrsLabel(const geo::Crs& crs) {
  if (auto epsg = crs.ToEpsg()) return "EPSG:" + std::to_string(*epsg);
  return "\"" + crs.Name() + "\"";
}

inline std::string AffineText(const geo::Affine& t) {
  char buf[192];
  std::snprintf(buf, sizeof(buf), "Affine(%.17g, %.17g, %.17g, %.17g, %.17g, %.17g)", t.a, t.b, t.c,
                t.d, t.e, t.f);
  return buf;
}

// A sub-view of `v`: bands [b0, b0 + nb), rows [r0, r0 + nr), columns [c0, c0 + nc).
inline ArrayView SubView(const ArrayView& v, uint64_t b0, uint64_t nb, uint64_t r0, uint64_t nr,
                         uint64_t c0, uint64_t nc) {
  ArrayView s = v;
  s.data = v.At(b0, r0, c0);
  s.bands = nb;
  s.height = nr;
  s.width = nc;
  return s;
}

inline void FillRect(const ArrayView& v, uint64_t r0, uint64_t nr, uint64_t c0, uint64_t nc,
                     double value) {
  if (nr == 0 || nc == 0) return;
  FillArray(SubView(v, 0, v.bands, r0, nr, c0, nc), value);
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

}  // namespace cogr::internal::stack_detail
