// Windows and bounds with rasterio 1.3's semantics (rasterio/windows.py, DatasetBase.bounds).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "cogr/geo.hpp"

namespace cogr::geo {

namespace {

// Python's min()/max() keep the first of equal items and only replace on a strict
// comparison; std::min/std::max do the same for two arguments, these do it for four.
double Min4(double v0, double v1, double v2, double v3) {
  double m = v0;
  if (v1 < m) m = v1;
  if (v2 < m) m = v2;
  if (v3 < m) m = v3;
  return m;
}
double Max4(double v0, double v1, double v2, double v3) {
  double m = v0;
  if (v1 > m) m = v1;
  if (v2 > m) m = v2;
  if (v3 > m) m = v3;
  return m;
}

// Window offsets and lengths are rounded after snapping to 1/1000 of a pixel (rasterio 1.2's
// pixel_precision=3), so 9.9999999997 counts as 10 and float noise does not add a pixel.
// rasterio 1.3 dropped the snap; the header contract keeps it (see RoundOffsets).
double Snap(double v) { return std::round(v * 1000.0) / 1000.0; }

// Saturating double → int64_t: a window is caller data, never UB.
int64_t ToInt64(double v) {
  if (std::isnan(v)) return 0;
  constexpr double kLimit = 9223372036854775808.0;  // 2^63
  if (v >= kLimit) return INT64_MAX;
  if (v < -kLimit) return INT64_MIN;
  return static_cast<int64_t>(v);
}

}  // namespace

Window Window::FromSlices(std::pair<double, double> rows, std::pair<double, double> cols) {
  // Window.from_slices(..., boundless=True): negative starts are kept as offsets, not
  // counted from the end (there is no height/width to count from).
  const double height = std::max(rows.second - rows.first, 0.0);
  const double width = std::max(cols.second - cols.first, 0.0);
  return Window{cols.first, rows.first, width, height};
}

Result<Window> Window::FromBounds(const Bounds& bounds, const Affine& transform) {
  // rasterio raises on these sign checks; a zero a or e would divide by zero in Python.
  if (transform.a == 0 || transform.e == 0 || (bounds.right - bounds.left) / transform.a < 0 ||
      (bounds.bottom - bounds.top) / transform.e < 0) {
    return Status::InvalidArgument(
        "from_bounds: bounds (" + std::to_string(bounds.left) + ", " +
        std::to_string(bounds.bottom) + ", " + std::to_string(bounds.right) + ", " +
        std::to_string(bounds.top) + ") and transform (a=" + std::to_string(transform.a) +
        ", e=" + std::to_string(transform.e) + ") are inconsistent");
  }
  auto inverse = transform.Inverse();
  if (!inverse.ok()) return inverse.status();
  // rowcol(transform, [left, right, right, left], [top, top, bottom, bottom], op=float)
  const auto [c0, r0] = inverse->Apply(bounds.left, bounds.top);
  const auto [c1, r1] = inverse->Apply(bounds.right, bounds.top);
  const auto [c2, r2] = inverse->Apply(bounds.right, bounds.bottom);
  const auto [c3, r3] = inverse->Apply(bounds.left, bounds.bottom);
  const double row_start = Min4(r0, r1, r2, r3), row_stop = Max4(r0, r1, r2, r3);
  const double col_start = Min4(c0, c1, c2, c3), col_stop = Max4(c0, c1, c2, c3);
  return Window{col_start, row_start, std::max(col_stop - col_start, 0.0),
                std::max(row_stop - row_start, 0.0)};
}

Window Window::RoundOffsets() const {
  return Window{std::floor(Snap(col_off)), std::floor(Snap(row_off)), width, height};
}

Window Window::RoundLengths() const {
  return Window{col_off, row_off, std::ceil(Snap(width)), std::ceil(Snap(height))};
}

std::array<int64_t, 4> Window::ToInts() const {
  const Window w = RoundOffsets().RoundLengths();
  return {ToInt64(w.col_off), ToInt64(w.row_off), ToInt64(w.width), ToInt64(w.height)};
}

Result<Window> Intersection(const Window& a, const Window& b) {
  // windows.intersect: ranges touching at an edge do not intersect.
  const double a_row_stop = a.row_off + a.height, b_row_stop = b.row_off + b.height;
  const double a_col_stop = a.col_off + a.width, b_col_stop = b.col_off + b.width;
  const bool rows_meet = !(a.row_off >= b_row_stop || a_row_stop <= b.row_off);
  const bool cols_meet = !(a.col_off >= b_col_stop || a_col_stop <= b.col_off);
  if (!rows_meet || !cols_meet) return Status::OutOfRange("windows do not intersect");
  const double row_start = std::max(a.row_off, b.row_off);
  const double row_stop = std::min(a_row_stop, b_row_stop);
  const double col_start = std::max(a.col_off, b.col_off);
  const double col_stop = std::min(a_col_stop, b_col_stop);
  return Window{col_start, row_start, col_stop - col_start, row_stop - row_start};
}

Window Union(const Window& a, const Window& b) {
  const double row_start = std::min(a.row_off, b.row_off);
  const double row_stop = std::max(a.row_off + a.height, b.row_off + b.height);
  const double col_start = std::min(a.col_off, b.col_off);
  const double col_stop = std::max(a.col_off + a.width, b.col_off + b.width);
  return Window{col_start, row_start, col_stop - col_start, row_stop - row_start};
}

Affine WindowTransform(const Window& window, const Affine& transform) {
  const auto [x, y] = transform.Apply(window.col_off, window.row_off);
  return Affine::Translation(x - transform.c, y - transform.f) * transform;
}

Bounds WindowBounds(const Window& window, const Affine& transform) {
  const double row_min = window.row_off;
  const double row_max = row_min + window.height;
  const double col_min = window.col_off;
  const double col_max = col_min + window.width;
  const auto [left, bottom] = transform.Apply(col_min, row_max);
  const auto [right, top] = transform.Apply(col_max, row_min);
  return Bounds{left, bottom, right, top};
}

Bounds ImageBounds(const Affine& t, double width, double height) {
  if (t.b == 0 && t.d == 0) {
    // A south-up raster (e > 0) gets bottom > top, as in rasterio.
    return Bounds{t.c, t.f + t.e * height, t.c + t.a * width, t.f};
  }
  const double c0x = t.c, c0y = t.f;
  const auto [c1x, c1y] = t.Apply(0, height);
  const auto [c2x, c2y] = t.Apply(width, height);
  const auto [c3x, c3y] = t.Apply(width, 0);
  return Bounds{Min4(c0x, c1x, c2x, c3x), Min4(c0y, c1y, c2y, c3y), Max4(c0x, c1x, c2x, c3x),
                Max4(c0y, c1y, c2y, c3y)};
}

}  // namespace cogr::geo
