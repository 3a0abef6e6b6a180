// Footprints of catalog scenes: decoding the stored GeoPackage polygon blobs (untrusted input)
// and the exact test of a polygon query (CatalogQuery::intersects): does a footprint ring meet
// an area of polygons with holes?
#include <algorithm>
#include <cstring>
#include <variant>

#include "stack/catalog_internal.hpp"

namespace cogr::internal {
namespace {

using Xy = std::pair<double, double>;

// Sign of the turn a -> b -> c (1 left, -1 right, 0 collinear).
int Orient(const Xy& a, const Xy& b, const Xy& c) {
  const double v =
      (b.first - a.first) * (c.second - a.second) - (b.second - a.second) * (c.first - a.first);
  return (v > 0) - (v < 0);
}

// c is collinear with a-b: is it on the segment?
bool Within(const Xy& a, const Xy& b, const Xy& c) {
  return std::min(a.first, b.first) <= c.first && c.first <= std::max(a.first, b.first) &&
         std::min(a.second, b.second) <= c.second && c.second <= std::max(a.second, b.second);
}

// Do segments a-b and c-d share a point (touching counts)?
bool SegmentsMeet(const Xy& a, const Xy& b, const Xy& c, const Xy& d) {
  const int o1 = Orient(a, b, c), o2 = Orient(a, b, d), o3 = Orient(c, d, a), o4 = Orient(c, d, b);
  if (o1 != o2 && o3 != o4) return true;
  return (o1 == 0 && Within(a, b, c)) || (o2 == 0 && Within(a, b, d)) ||
         (o3 == 0 && Within(c, d, a)) || (o4 == 0 && Within(c, d, b));
}

// Even-odd test of a point against a closed or open ring (the closing edge is implied).
bool InRing(const std::vector<Xy>& ring, const Xy& p) {
  bool in = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const Xy& a = ring[i];
    const Xy& b = ring[j];
    if ((a.second > p.second) != (b.second > p.second) &&
        p.first < (b.first - a.first) * (p.second - a.second) / (b.second - a.second) + a.first) {
      in = !in;
    }
  }
  return in;
}

geo::Bounds RingBounds(const std::vector<Xy>& ring) {
  geo::Bounds b{ring[0].first, ring[0].second, ring[0].first, ring[0].second};
  for (const auto& [x, y] : ring) {
    b.left = std::min(b.left, x);
    b.right = std::max(b.right, x);
    b.bottom = std::min(b.bottom, y);
    b.top = std::max(b.top, y);
  }
  return b;
}

bool BoxesMeet(const geo::Bounds& a, const geo::Bounds& b) {
  return a.left <= b.right && b.left <= a.right && a.bottom <= b.top && b.bottom <= a.top;
}

// Any edge of `a` meets any edge of `b` (both rings, closing edges included)?
bool EdgesMeet(const std::vector<Xy>& a, const std::vector<Xy>& b) {
  for (size_t i = 0, pi = a.size() - 1; i < a.size(); pi = i++) {
    const geo::Bounds ea{std::min(a[pi].first, a[i].first), std::min(a[pi].second, a[i].second),
                         std::max(a[pi].first, a[i].first), std::max(a[pi].second, a[i].second)};
    for (size_t j = 0, pj = b.size() - 1; j < b.size(); pj = j++) {
      if (std::max(b[pj].first, b[j].first) < ea.left ||
          std::min(b[pj].first, b[j].first) > ea.right ||
          std::max(b[pj].second, b[j].second) < ea.bottom ||
          std::min(b[pj].second, b[j].second) > ea.top) {
        continue;
      }
      if (SegmentsMeet(a[pi], a[i], b[pj], b[j])) return true;
    }
  }
  return false;
}

std::vector<Xy> ToXy(const std::vector<mask::Point>& ring) {
  std::vector<Xy> out;
  out.reserve(ring.size());
  for (const auto& p : ring) out.emplace_back(p.x, p.y);
  return out;
}

Status AddPolygons(const mask::Geometry& g, QueryArea& area) {
  auto add = [&area](const mask::Polygon& p) {
    if (p.exterior.size() < 3) return;
    QueryArea::Part part;
    part.exterior = ToXy(p.exterior);
    for (const auto& h : p.holes) {
      if (h.size() >= 3) part.holes.push_back(ToXy(h));
    }
    part.bounds = RingBounds(part.exterior);
    area.parts.push_back(std::move(part));
  };
  if (const auto* p = std::get_if<mask::Polygon>(&g.value)) {
    add(*p);
  } else if (const auto* mp = std::get_if<mask::MultiPolygon>(&g.value)) {
    for (const auto& q : mp->polygons) add(q);
  } else if (const auto* gc = std::get_if<std::vector<mask::Geometry>>(&g.value)) {
    for (const auto& child : *gc) COGR_RETURN_IF_ERROR(AddPolygons(child, area));
  } else {
    return Status::InvalidArgument(
        "intersects: only Polygon and MultiPolygon geometries are supported (got a " +
        std::string(std::holds_alternative<mask::Point>(g.value)        ? "Point"
                    : std::holds_alternative<mask::MultiPoint>(g.value) ? "MultiPoint"
                    : std::holds_alternative<mask::LineString>(g.value) ? "LineString"
                                                                        : "MultiLineString") +
        ")");
  }
  return Status::OK();
}

uint32_t U32(const uint8_t* p, bool le) {
  uint32_t v = 0;
  std::memcpy(&v, p, 4);
  return le ? v : __builtin_bswap32(v);
}

double F64(const uint8_t* p, bool le) {
  uint64_t v = 0;
  std::memcpy(&v, p, 8);
  if (!le) v = __builtin_bswap64(v);
  double d = 0;
  std::memcpy(&d, &v, 8);
  return d;
}

}  // namespace

// The scene's corners in its CRS (rotated transforms included), edges densified by n points.
std::vector<std::pair<double, double>> OutlineRing(const geo::Affine& t, double w, double h,
                                                   int n) {
  std::vector<std::pair<double, double>> ring;
  const double corners[4][2] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  for (int k = 0; k < 4; ++k) {
    const double* a = corners[k];
    const double* b = corners[(k + 1) % 4];
    for (int i = 0; i <= n; ++i) {
      const double f = static_cast<double>(i) / (n + 1);
      const double col = a[0] + (b[0] - a[0]) * f, row = a[1] + (b[1] - a[1]) * f;
      ring.emplace_back(t.a * col + t.b * row + t.c, t.d * col + t.e * row + t.f);
    }
  }
  return ring;
}

Result<QueryArea> MakeQueryArea(const std::vector<mask::Geometry>& shapes) {
  QueryArea area;
  for (const auto& g : shapes) COGR_RETURN_IF_ERROR(AddPolygons(g, area));
  if (area.parts.empty())
    return Status::InvalidArgument("intersects: no polygon with at least 3 positions");
  area.bounds = area.parts[0].bounds;
  for (const auto& part : area.parts) {
    area.bounds.left = std::min(area.bounds.left, part.bounds.left);
    area.bounds.bottom = std::min(area.bounds.bottom, part.bounds.bottom);
    area.bounds.right = std::max(area.bounds.right, part.bounds.right);
    area.bounds.top = std::max(area.bounds.top, part.bounds.top);
  }
  return area;
}

bool Intersects(const QueryArea& area, const std::vector<std::pair<double, double>>& ring) {
  if (ring.size() < 3) return false;
  const geo::Bounds rb = RingBounds(ring);
  for (const auto& part : area.parts) {
    if (!BoxesMeet(rb, part.bounds)) continue;
    // Boundaries that meet share a point of both areas (a hole's edge belongs to the polygon).
    if (EdgesMeet(ring, part.exterior)) return true;
    bool hole_edges = false;
    for (const auto& h : part.holes) hole_edges = hole_edges || EdgesMeet(ring, h);
    if (hole_edges) return true;
    // Boundaries apart: one area holds the other whole, or they are disjoint (the ring may lie
    // in a hole: then its first point is in that hole).
    const Xy& p = ring[0];
    if (InRing(part.exterior, p) &&
        std::none_of(part.holes.begin(), part.holes.end(),
                     [&p](const std::vector<Xy>& h) { return InRing(h, p); })) {
      return true;
    }
    if (InRing(ring, part.exterior[0])) return true;
  }
  return false;
}

Result<std::vector<std::pair<double, double>>> ParseGpkgPolygon(const uint8_t* data, size_t n,
                                                                const std::string& where) {
  auto bad = [&where](const std::string& what) {
    return Status::InvalidFile(where + ": footprint geometry " + what);
  };
  if (data == nullptr || n < 8 || data[0] != 'G' || data[1] != 'P')
    return bad("is not a GeoPackage blob (" + std::to_string(n) + " bytes)");
  const uint8_t flags = data[3];
  if (flags & 0x10) return std::vector<Xy>{};  // empty geometry
  static constexpr size_t kEnvelopeBytes[8] = {0, 32, 48, 48, 64, 0, 0, 0};
  const unsigned envelope = (flags >> 1) & 7u;
  if (envelope > 4) return bad("has envelope code " + std::to_string(envelope));
  size_t at = 8 + kEnvelopeBytes[envelope];
  if (n < at + 9) return bad("is truncated (" + std::to_string(n) + " bytes)");
  const bool le = data[at] == 1;
  if (data[at] > 1) return bad("has WKB byte order " + std::to_string(data[at]));
  const uint32_t type = U32(data + at + 1, le);
  if (type != 3) return bad("is WKB type " + std::to_string(type) + ", not a Polygon (3)");
  const uint32_t rings = U32(data + at + 5, le);
  at += 9;
  if (rings == 0) return std::vector<Xy>{};
  if (n - at < 4) return bad("is truncated in ring 0");
  const uint32_t points = U32(data + at, le);
  at += 4;
  if (points > (n - at) / 16) {
    return bad("ring 0 has " + std::to_string(points) + " points but " + std::to_string(n - at) +
               " bytes remain");
  }
  std::vector<Xy> ring;
  ring.reserve(points);
  for (uint32_t i = 0; i < points; ++i, at += 16) {
    ring.emplace_back(F64(data + at, le), F64(data + at + 8, le));
  }
  // Holes (a footprint has none) are ignored.
  return ring;
}

}  // namespace cogr::internal
