// Rasterization of geometries onto a pixel grid (GDAL's scanline rule) and geometry_mask.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

#include "cogr/mask.hpp"
#include "util/checked.hpp"

namespace cogr::mask {

namespace {

// GDAL 3.6.2's rasterizer (alg/llrasterize.cpp and gdalrasterize.cpp) as rasterio 1.3.5 calls
// it through GDALRasterizeGeometries, reproduced operation by operation: the answers must be
// the same bit for bit, including on the ties (a pixel centre exactly on an edge, a vertex on
// a pixel boundary) where floating-point rounding decides. The arithmetic keeps GDAL's operand
// order; x86-64 without FMA, like Debian's GDAL build.

// A double converted to int as x86's cvttsd2si does (GDAL's static_cast<int>): truncation,
// and INT_MIN for NaN or a value out of int's range.
int GdalInt(double v) {
  if (!(v >= -2147483648.0 && v < 2147483648.0)) return std::numeric_limits<int>::min();
  return static_cast<int>(v);
}

// GDALInvGeoTransform of the geotransform (c, a, b, f, d, e), as 6 GDAL coefficients.
struct InvGt {
  double t[6];
};
std::optional<InvGt> GdalInverse(const geo::Affine& a) {
  const double gt[6] = {a.c, a.a, a.b, a.f, a.d, a.e};
  InvGt inv{};
  if (gt[2] == 0.0 && gt[4] == 0.0 && gt[1] != 0.0 && gt[5] != 0.0) {
    inv.t[0] = -gt[0] / gt[1];
    inv.t[1] = 1.0 / gt[1];
    inv.t[2] = 0.0;
    inv.t[3] = -gt[3] / gt[5];
    inv.t[4] = 0.0;
    inv.t[5] = 1.0 / gt[5];
    return inv;
  }
  const double det = gt[1] * gt[5] - gt[2] * gt[4];
  const double magnitude = std::max(std::max(std::fabs(gt[1]), std::fabs(gt[2])),
                                    std::max(std::fabs(gt[4]), std::fabs(gt[5])));
  if (!(std::fabs(det) > 1e-10 * magnitude * magnitude)) return std::nullopt;
  const double inv_det = 1.0 / det;
  inv.t[1] = gt[5] * inv_det;
  inv.t[4] = -gt[4] * inv_det;
  inv.t[2] = -gt[2] * inv_det;
  inv.t[5] = gt[1] * inv_det;
  inv.t[0] = (gt[2] * gt[3] - gt[0] * gt[5]) * inv_det;
  inv.t[3] = (-gt[1] * gt[3] + gt[0] * gt[4]) * inv_det;
  return inv;
}

struct Grid {
  int width = 0, height = 0;
  std::vector<uint8_t>* out = nullptr;
  InvGt inv;

  // GDALGenImgProjTransform's destination step: world → pixel/line.
  Point ToPixel(const Point& p) const {
    const double* T = inv.t;
    return {T[0] + p.x * T[1] + p.y * T[2], T[3] + p.x * T[4] + p.y * T[5]};
  }
  // gvBurnPoint: callers keep (row, col) inside the grid.
  void BurnPoint(int row, int col) const {
    (*out)[static_cast<size_t>(row) * static_cast<size_t>(width) + static_cast<size_t>(col)] = 1;
  }
  // gvBurnScanline: clamps the span to the grid.
  void BurnScanline(int row, int x0, int x1) const {
    if (x0 > x1) return;
    if (row < 0 || row >= height) return;
    x0 = std::max(x0, 0);
    x1 = std::min(x1, width - 1);
    for (int c = x0; c <= x1; ++c) BurnPoint(row, c);
  }
};

// A ring or path in pixel space, GDAL's "part".
using Part = std::vector<Point>;

// OGRLinearRing::isClockwise (GDAL 3.6) on world coordinates.
bool IsClockwise(const std::vector<Point>& p) {
  const size_t n = p.size();
  if (n < 2) return true;
  bool fallback = false;
  size_t v = 0;
  for (size_t i = 1; i + 1 < n; ++i) {
    if (p[i].y < p[v].y || (p[i].y == p[v].y && p[i].x > p[v].x)) {
      v = i;
      fallback = false;
    } else if (p[i].y == p[v].y && p[i].x == p[v].x) {
      fallback = true;
    }
  }
  constexpr double kEps = 1.0e-5;
  auto near = [](double a, double b) { return std::fabs(a - b) < kEps; };
  size_t next = v == 0 ? n - 2 : v - 1;
  if (near(p[next].x, p[v].x) && near(p[next].y, p[v].y)) fallback = true;
  const double dx0 = p[next].x - p[v].x, dy0 = p[next].y - p[v].y;
  next = v + 1;
  if (next >= n - 1) next = 0;
  if (near(p[next].x, p[v].x) && near(p[next].y, p[v].y)) fallback = true;
  const double dx1 = p[next].x - p[v].x, dy1 = p[next].y - p[v].y;
  const double cross = dx1 * dy0 - dx0 * dy1;
  if (!fallback) {
    if (cross > 0) return false;
    if (cross < 0) return true;
  }
  // Green's formula, as OGR's fallback.
  double sum = p[0].x * (p[1].y - p[n - 1].y);
  for (size_t i = 1; i + 1 < n; ++i) sum += p[i].x * (p[i + 1].y - p[i - 1].y);
  sum += p[n - 1].x * (p[0].y - p[n - 2].y);
  return sum < 0;
}

// GDALdllImageFilledPolygon: on each row the line through the pixel centres (row + 0.5) is
// cut by the edges whose span [y_top, y_bottom) holds it; each cut x is rounded to
// floor(x + 0.5) and pixels [x_i, x_{i+1} - 1] of each pair are filled (even-odd over all
// rings). A horizontal edge lying exactly on a centre line is filled on its own when it runs
// right to left.
void FilledPolygon(const Grid& g, const std::vector<Part>& parts) {
  size_t n = 0;
  for (const Part& part : parts) n += part.size();
  if (n == 0) return;
  double dminy = parts.front().front().y, dmaxy = dminy;
  for (const Part& part : parts) {
    for (const Point& p : part) {
      if (p.y < dminy) dminy = p.y;
      if (p.y > dmaxy) dmaxy = p.y;
    }
  }
  int miny = GdalInt(dminy), maxy = GdalInt(dmaxy);
  if (miny < 0) miny = 0;
  if (maxy >= g.height) maxy = g.height - 1;
  const int minx = 0, maxx = g.width - 1;
  std::vector<int> ints;
  ints.reserve(n);
  for (int y = miny; y <= maxy; ++y) {
    const double dy = y + 0.5;
    ints.clear();
    for (const Part& part : parts) {
      for (size_t i = 0; i < part.size(); ++i) {
        const Point& p1 = part[i == 0 ? part.size() - 1 : i - 1];
        const Point& p2 = part[i];
        double dy1 = p1.y, dy2 = p2.y, dx1 = 0, dx2 = 0;
        if ((dy1 < dy && dy2 < dy) || (dy1 > dy && dy2 > dy)) continue;
        if (dy1 < dy2) {
          dx1 = p1.x;
          dx2 = p2.x;
        } else if (dy1 > dy2) {
          dy2 = p1.y;
          dy1 = p2.y;
          dx2 = p1.x;
          dx1 = p2.x;
        } else {
          if (p1.x > p2.x) {
            const int hx1 = GdalInt(std::floor(p2.x + 0.5));
            const int hx2 = GdalInt(std::floor(p1.x + 0.5));
            if (hx1 > maxx || hx2 <= minx) continue;
            g.BurnScanline(y, hx1, hx2 - 1);
          }
          continue;
        }
        if (dy < dy2 && dy >= dy1) {
          const double intersect = (dy - dy1) * (dx2 - dx1) / (dy2 - dy1) + dx1;
          ints.push_back(GdalInt(std::floor(intersect + 0.5)));
        }
      }
    }
    std::sort(ints.begin(), ints.end());
    for (size_t i = 0; i + 1 < ints.size(); i += 2) {
      if (ints[i] <= maxx && ints[i + 1] > minx) g.BurnScanline(y, ints[i], ints[i + 1] - 1);
    }
  }
}

// std::round (half away from zero), as GDAL's intersect-only test uses it.
double RoundHalfAway(double v) { return std::round(v); }

// GDALdllImageLineAllTouched of GDAL 3.6.2: every pixel each segment passes through. Segments
// within one column (or one row, or 0.01 pixel of vertical/horizontal) burn that column (row);
// with `intersect_only` (polygon outlines) such a segment whose two ends lie within 0.01 of a
// pixel boundary burns nothing (GDAL 3.6.0-3.6.3's tolerance).
void LineAllTouched(const Grid& g, const std::vector<Part>& parts, bool intersect_only) {
  constexpr double kIntersectEps = 0.01;
  const int W = g.width, H = g.height;
  for (const Part& part : parts) {
    for (size_t j = 1; j < part.size(); ++j) {
      double x = part[j - 1].x, y = part[j - 1].y;
      double x_end = part[j].x, y_end = part[j].y;
      if ((y < 0.0 && y_end < 0.0) || (y > H && y_end > H) || (x < 0.0 && x_end < 0.0) ||
          (x > W && x_end > W)) {
        continue;
      }
      if (x > x_end) {
        std::swap(x, x_end);
        std::swap(y, y_end);
      }
      if (std::floor(x) == std::floor(x_end) || std::fabs(x - x_end) < .01) {
        if (intersect_only && std::fabs(x - RoundHalfAway(x)) < kIntersectEps &&
            std::fabs(x_end - RoundHalfAway(x_end)) < kIntersectEps) {
          continue;
        }
        if (y_end < y) std::swap(y, y_end);
        const int ix = GdalInt(std::floor(x_end));
        int iy = GdalInt(std::floor(y));
        int iy_end = GdalInt(std::floor(y_end));
        if (ix < 0 || ix >= W) continue;
        if (iy < 0) iy = 0;
        if (iy_end >= H) iy_end = H - 1;
        for (; iy <= iy_end; ++iy) g.BurnPoint(iy, ix);
        continue;
      }
      if (std::floor(y) == std::floor(y_end) || std::fabs(y - y_end) < .01) {
        if (intersect_only && std::fabs(y - RoundHalfAway(y)) < kIntersectEps &&
            std::fabs(y_end - RoundHalfAway(y_end)) < kIntersectEps) {
          continue;
        }
        if (x_end < x) std::swap(x, x_end);
        int ix = GdalInt(std::floor(x));
        const int iy = GdalInt(std::floor(y));
        int ix_end = GdalInt(std::floor(x_end));
        if (iy < 0 || iy >= H) continue;
        if (ix < 0) ix = 0;
        if (ix_end >= W) ix_end = W - 1;
        for (; ix <= ix_end; ++ix) g.BurnPoint(iy, ix);
        continue;
      }
      // General case, left to right, clipped to the grid.
      const double slope = (y_end - y) / (x_end - x);
      if (x_end > W) {
        y_end -= (x_end - W) * slope;
        x_end = W;
      }
      if (x < 0.0) {
        y += (0.0 - x) * slope;
        x = 0.0;
      }
      if (y_end > y) {
        if (y < 0.0) {
          x += (0.0 - y) / slope;
          y = 0.0;
        }
        if (y_end >= H) {
          x_end += (y_end - H) / slope;
          if (x_end > W) x_end = W;
        }
      } else {
        if (y >= H) {
          x += (H - y) / slope;
          y = H;
        }
        if (y_end < 0.0) x_end -= (y_end - 0) / slope;
      }
      // Every step crosses a column or a row boundary of the grid (or moves 1e-9 of a row
      // past one); the bound only guards against pathological rounding.
      int64_t steps_left = 4 * (static_cast<int64_t>(W) + H) + 64;
      while (x >= 0.0 && x < x_end && steps_left-- > 0) {
        const int ix = GdalInt(std::floor(x));
        const int iy = GdalInt(std::floor(y));
        if (iy >= 0 && iy < H && ix >= 0) {
          // The Y clipping can leave x one column past the grid; GDAL then writes the flat
          // buffer position, the next row's first pixel (its buffer covers the whole grid for
          // rasterio's rasterize). Reproduced, inside the grid only.
          const uint64_t flat =
              static_cast<uint64_t>(iy) * static_cast<uint64_t>(W) + static_cast<uint64_t>(ix);
          if (flat < g.out->size()) (*g.out)[static_cast<size_t>(flat)] = 1;
        }
        double step_x = std::floor(x + 1.0) - x;
        double step_y = step_x * slope;
        if (GdalInt(std::floor(y + step_y)) == iy) {
          x += step_x;
          y += step_y;
        } else if (slope < 0) {
          step_y = iy - y;
          if (step_y > -0.000000001) step_y = -0.000000001;
          step_x = step_y / slope;
          x += step_x;
          y += step_y;
        } else {
          step_y = (iy + 1) - y;
          if (step_y < 0.000000001) step_y = 0.000000001;
          step_x = step_y / slope;
          x += step_x;
          y += step_y;
        }
      }
    }
  }
}

// GDALdllImageLine: Bresenham between the pixels holding the vertices (the end point of a
// segment is left to the next one, except for the last). The walk outside the grid is skipped
// arithmetically, so a far-off vertex costs nothing.
void Line(const Grid& g, const std::vector<Part>& parts) {
  for (const Part& part : parts) {
    for (size_t j = 1; j < part.size(); ++j) {
      int64_t ix = GdalInt(std::floor(part[j - 1].x)), iy = GdalInt(std::floor(part[j - 1].y));
      const int64_t ix1 = GdalInt(std::floor(part[j].x)), iy1 = GdalInt(std::floor(part[j].y));
      int64_t dx = std::llabs(ix1 - ix), dy = std::llabs(iy1 - iy);
      const int64_t xstep = ix > ix1 ? -1 : 1, ystep = iy > iy1 ? -1 : 1;
      const bool last = j + 1 == part.size();
      // Major axis a (one pixel per step), minor axis b.
      const bool x_major = dx >= dy;
      int64_t& a = x_major ? ix : iy;
      int64_t& b = x_major ? iy : ix;
      const int64_t da = x_major ? dx : dy, db = x_major ? dy : dx;
      const int64_t astep = x_major ? xstep : ystep, bstep = x_major ? ystep : xstep;
      const int64_t a_error = db * 2, b_error = a_error - da * 2;
      int64_t error = a_error - da;
      int64_t count = last ? da : da - 1;
      const int64_t a_lim = x_major ? g.width : g.height;
      for (int64_t guard = 0; count-- >= 0; ++guard) {
        if (guard > 2 * (static_cast<int64_t>(g.width) + g.height) + 8) {
          // Still walking after crossing the whole grid: the rest is outside it.
          break;
        }
        // Jump over the part of the walk before the grid along the major axis.
        if ((astep > 0 && a < 0) || (astep < 0 && a >= a_lim)) {
          const int64_t skip = std::min<int64_t>(astep > 0 ? -a : a - (a_lim - 1), count + 1);
          if (skip > 1) {
            // error after k steps: error + k * a_error - m * 2 * da, m = minor steps taken.
            // Step one at a time is exact; the closed form below matches it for db <= da.
            const int64_t k = skip - 1;
            // Minor steps among the next k: #{i < k : error + i * a_error - 2 * da * m_i >= 0}
            // = floor((error + (k - 1) * a_error) / (2 * da)) + 1, clamped to [0, k].
            // k (< 2^31) times a_error (< 2^34) passes int64: 128-bit intermediates.
            __extension__ typedef __int128 Wide;
            const Wide num = Wide{error} + Wide{k - 1} * a_error, den = Wide{2} * da;
            Wide q = num / den;
            if (num % den != 0 && num < 0) --q;  // floor division
            const int64_t m = static_cast<int64_t>(std::clamp<Wide>(q + 1, 0, k));
            a += astep * k;
            b += bstep * m;
            error = static_cast<int64_t>(Wide{error} + Wide{k} * a_error - Wide{m} * 2 * da);
            count -= k;
            guard = 0;
          }
        }
        if (ix >= 0 && ix < g.width && iy >= 0 && iy < g.height) {
          g.BurnPoint(static_cast<int>(iy), static_cast<int>(ix));
        }
        a += astep;
        if (error >= 0) {
          b += bstep;
          error += b_error;
        } else {
          error += a_error;
        }
      }
    }
  }
}

std::vector<Part> ToParts(const Grid& g, const std::vector<std::vector<Point>>& rings) {
  std::vector<Part> parts;
  parts.reserve(rings.size());
  for (const auto& ring : rings) {
    Part part;
    part.reserve(ring.size());
    for (const Point& p : ring) part.push_back(g.ToPixel(p));
    parts.push_back(std::move(part));
  }
  return parts;
}

void BurnPolygon(const Grid& g, const Polygon& poly, bool all_touched) {
  // Every ring clockwise in world coordinates before rasterization (what rasterio 1.3.5 /
  // GDAL 3.6.2 produce; it decides which horizontal edges on a centre line fill).
  std::vector<std::vector<Point>> rings;
  rings.reserve(1 + poly.holes.size());
  auto add = [&](const std::vector<Point>& ring) {
    if (ring.empty()) return;
    rings.push_back(ring);
    if (!IsClockwise(rings.back())) std::reverse(rings.back().begin(), rings.back().end());
  };
  add(poly.exterior);
  for (const auto& hole : poly.holes) add(hole);
  if (rings.empty()) return;
  const std::vector<Part> parts = ToParts(g, rings);
  FilledPolygon(g, parts);
  if (all_touched) LineAllTouched(g, parts, /*intersect_only=*/true);
}

void BurnLine(const Grid& g, const std::vector<Point>& points, bool all_touched) {
  if (points.empty()) return;
  const std::vector<Part> parts = ToParts(g, {points});
  if (all_touched) {
    LineAllTouched(g, parts, /*intersect_only=*/false);
  } else {
    Line(g, parts);
  }
}

// GDALdllImagePoint: the pixel holding the point.
void BurnPointGeom(const Grid& g, const Point& p) {
  const Point q = g.ToPixel(p);
  const int x = GdalInt(std::floor(q.x)), y = GdalInt(std::floor(q.y));
  if (x >= 0 && x < g.width && y >= 0 && y < g.height) g.BurnPoint(y, x);
}

void Burn(const Grid& g, const Geometry& geom, bool all_touched, int depth = 0) {
  if (depth > 64) return;  // GeoJSON parsing bounds nesting; this only guards recursion
  if (const auto* p = std::get_if<Point>(&geom.value)) {
    BurnPointGeom(g, *p);
  } else if (const auto* l = std::get_if<LineString>(&geom.value)) {
    BurnLine(g, l->points, all_touched);
  } else if (const auto* poly = std::get_if<Polygon>(&geom.value)) {
    BurnPolygon(g, *poly, all_touched);
  } else if (const auto* mp = std::get_if<MultiPoint>(&geom.value)) {
    for (const Point& pt : mp->points) BurnPointGeom(g, pt);
  } else if (const auto* ml = std::get_if<MultiLineString>(&geom.value)) {
    for (const auto& line : ml->lines) BurnLine(g, line.points, all_touched);
  } else if (const auto* mpoly = std::get_if<MultiPolygon>(&geom.value)) {
    for (const auto& part : mpoly->polygons) BurnPolygon(g, part, all_touched);
  } else if (const auto* parts = std::get_if<std::vector<Geometry>>(&geom.value)) {
    for (const auto& part : *parts) Burn(g, part, all_touched, depth + 1);
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
  if (width > static_cast<uint64_t>(std::numeric_limits<int>::max()) ||
      height > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
    return Status::LimitExceeded("Rasterize: grid " + std::to_string(width) + "x" +
                                 std::to_string(height) + " is too large");
  }
  const std::optional<InvGt> inv = GdalInverse(transform);
  if (!inv) return Status::InvalidArgument("Rasterize: transform is not invertible");
  std::vector<uint8_t> out(static_cast<size_t>(*cells), 0);
  Grid g{static_cast<int>(width), static_cast<int>(height), &out, *inv};
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
