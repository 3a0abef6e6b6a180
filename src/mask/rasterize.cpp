// Rasterization of geometries onto a pixel grid (GDAL's scanline rule) and geometry_mask.
#include <algorithm>
#include <cmath>
#include <string>

#include "cogr/mask.hpp"
#include "util/checked.hpp"

namespace cogr::mask {

namespace {

// Pixel-space coordinates are clamped to this before conversion to integers so that shapes far
// off the grid cannot overflow int64.
constexpr double kCoordClamp = 1e15;

struct Grid {
  int64_t width = 0, height = 0;
  std::vector<uint8_t>* out = nullptr;
  geo::Affine inv;

  void BurnSpan(int64_t row, int64_t col0, int64_t col1) const {
    if (row < 0 || row >= height) return;
    col0 = std::max<int64_t>(col0, 0);
    col1 = std::min<int64_t>(col1, width - 1);
    for (int64_t c = col0; c <= col1; ++c) (*out)[static_cast<size_t>(row * width + c)] = 1;
  }
  Point ToPixel(const Point& p) const {
    auto [col, row] = inv.Apply(p.x, p.y);
    // NaN would make the integer conversions undefined; send it off the grid instead.
    if (std::isnan(col) || std::isnan(row)) return {-kCoordClamp, -kCoordClamp};
    return {std::clamp(col, -kCoordClamp, kCoordClamp), std::clamp(row, -kCoordClamp, kCoordClamp)};
  }
};

int64_t FloorI(double v) { return static_cast<int64_t>(std::floor(v)); }

// Last index of the half-open cells [i, i+1) that the closed range [lo, hi] meets: a range
// ending exactly on a cell boundary only touches the previous cell, unless it is a point.
int64_t LastCell(double lo, double hi) {
  const double f = std::floor(hi);
  if (f == hi && hi > lo) return static_cast<int64_t>(f) - 1;
  return static_cast<int64_t>(f);
}

// Burns every pixel that the pixel-space segment a-b touches. Pixels are half-open squares
// [c, c+1) x [r, r+1), or with `open` open squares (c, c+1) x (r, r+1): polygon boundaries use
// open squares so that an edge lying on a grid line does not burn the pixel beyond it.
void BurnSegment(const Grid& g, Point a, Point b, bool open) {
  if (a.y > b.y) std::swap(a, b);
  if (open && a.y == b.y && std::floor(a.y) == a.y) return;
  const int64_t row0 = std::max<int64_t>(FloorI(a.y), 0);
  const int64_t row1 = std::min<int64_t>(LastCell(a.y, b.y), g.height - 1);
  for (int64_t r = row0; r <= row1; ++r) {
    double xa = a.x, xb = b.x;
    if (b.y > a.y) {
      // Part of the segment inside the row band [r, r+1].
      const double ylo = std::max(a.y, static_cast<double>(r));
      const double yhi = std::min(b.y, static_cast<double>(r + 1));
      const double slope = (b.x - a.x) / (b.y - a.y);
      xa = a.x + (ylo - a.y) * slope;
      xb = a.x + (yhi - a.y) * slope;
    }
    if (xa > xb) std::swap(xa, xb);
    if (open && xa == xb && std::floor(xa) == xa) continue;
    g.BurnSpan(r, FloorI(xa), LastCell(xa, xb));
  }
}

void BurnPath(const Grid& g, const std::vector<Point>& pts, bool open = false) {
  if (pts.size() == 1) {
    const Point p = g.ToPixel(pts[0]);
    g.BurnSpan(FloorI(p.y), FloorI(p.x), FloorI(p.x));
    return;
  }
  for (size_t i = 1; i < pts.size(); ++i) BurnSegment(g, g.ToPixel(pts[i - 1]), g.ToPixel(pts[i]), open);
}

// GDAL's scanline fill (llrasterize.cpp): on each row the line through the pixel centres
// (row + 0.5) is cut by the non-horizontal edges whose span [y_top, y_bottom) holds it; each
// cut x is rounded to floor(x + 0.5) and pixels [x_i, x_{i+1} - 1] of each pair are filled.
// So a centre on a left edge is out and on a right edge in; even-odd over all rings.
void FillPolygon(const Grid& g, const Polygon& poly) {
  std::vector<std::pair<Point, Point>> edges;
  double ymin = kCoordClamp, ymax = -kCoordClamp;
  auto add_ring = [&](const std::vector<Point>& ring) {
    for (size_t i = 1; i < ring.size(); ++i) {
      Point a = g.ToPixel(ring[i - 1]), b = g.ToPixel(ring[i]);
      if (a.y == b.y) continue;
      if (a.y > b.y) std::swap(a, b);
      edges.emplace_back(a, b);
      ymin = std::min(ymin, a.y);
      ymax = std::max(ymax, b.y);
    }
  };
  add_ring(poly.exterior);
  for (const auto& hole : poly.holes) add_ring(hole);
  if (edges.empty()) return;
  const int64_t row0 = std::max<int64_t>(FloorI(ymin) - 1, 0);
  const int64_t row1 = std::min<int64_t>(FloorI(ymax) + 1, g.height - 1);
  std::vector<int64_t> cuts;
  for (int64_t r = row0; r <= row1; ++r) {
    const double y = static_cast<double>(r) + 0.5;
    cuts.clear();
    for (const auto& [a, b] : edges) {
      if (y >= a.y && y < b.y) {
        const double x = a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y);
        cuts.push_back(FloorI(x + 0.5));
      }
    }
    std::sort(cuts.begin(), cuts.end());
    for (size_t i = 0; i + 1 < cuts.size(); i += 2) g.BurnSpan(r, cuts[i], cuts[i + 1] - 1);
  }
}

void BurnPolygon(const Grid& g, const Polygon& poly, bool all_touched) {
  FillPolygon(g, poly);
  if (!all_touched) return;
  BurnPath(g, poly.exterior, /*open=*/true);
  for (const auto& hole : poly.holes) BurnPath(g, hole, /*open=*/true);
}

void Burn(const Grid& g, const Geometry& geom, bool all_touched) {
  if (const auto* p = std::get_if<Point>(&geom.value)) {
    BurnPath(g, {*p});
  } else if (const auto* l = std::get_if<LineString>(&geom.value)) {
    BurnPath(g, l->points);
  } else if (const auto* poly = std::get_if<Polygon>(&geom.value)) {
    BurnPolygon(g, *poly, all_touched);
  } else if (const auto* mp = std::get_if<MultiPoint>(&geom.value)) {
    for (const Point& pt : mp->points) BurnPath(g, {pt});
  } else if (const auto* ml = std::get_if<MultiLineString>(&geom.value)) {
    for (const auto& line : ml->lines) BurnPath(g, line.points);
  } else if (const auto* mpoly = std::get_if<MultiPolygon>(&geom.value)) {
    for (const auto& part : mpoly->polygons) BurnPolygon(g, part, all_touched);
  } else if (const auto* parts = std::get_if<std::vector<Geometry>>(&geom.value)) {
    for (const auto& part : *parts) Burn(g, part, all_touched);
  }
}

}  // namespace

Result<std::vector<uint8_t>> Rasterize(const std::vector<Geometry>& shapes, uint64_t width,
                                       uint64_t height, const geo::Affine& transform,
                                       bool all_touched) {
  const auto cells = internal::CheckedMul(width, height);
  // Same cap as Limits::max_read_bytes: a mask never exceeds the read it belongs to.
  if (!cells || *cells > Limits().max_read_bytes) {
    return Status::LimitExceeded("Rasterize: grid " + std::to_string(width) + "x" +
                                 std::to_string(height) + " is too large");
  }
  COGR_ASSIGN_OR_RETURN(geo::Affine inv, transform.Inverse());
  std::vector<uint8_t> out(static_cast<size_t>(*cells), 0);
  Grid g{static_cast<int64_t>(width), static_cast<int64_t>(height), &out, inv};
  for (const Geometry& shape : shapes) Burn(g, shape, all_touched);
  return out;
}

Result<std::vector<uint8_t>> GeometryMask(const std::vector<Geometry>& shapes, uint64_t width,
                                          uint64_t height, const geo::Affine& transform,
                                          bool all_touched, bool invert) {
  COGR_ASSIGN_OR_RETURN(std::vector<uint8_t> burned,
                        Rasterize(shapes, width, height, transform, all_touched));
  if (!invert) {
    for (uint8_t& v : burned) v = static_cast<uint8_t>(v ^ 1);
  }
  return burned;
}

}  // namespace cogr::mask
