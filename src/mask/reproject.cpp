// Reprojection of geometries between CRSs (through geo::TransformPoints), with adaptive
// densification of edges so that a straight edge in the source CRS keeps its shape.
//
// Every pass transforms all the points it needs in one TransformPoints call: that call builds
// a PROJ transformation (milliseconds), so the cost is one call for the vertices plus at most
// kMaxDepth calls for the midpoints, whatever the number of geometries.
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cogr/mask.hpp"

namespace cogr::mask {

namespace {

// Split an edge at most this many times in depth: 2^12 = 4096 pieces per edge at most.
constexpr int kMaxDepth = 12;
// Vertices the result may hold in total.
constexpr size_t kMaxVertices = size_t{1} << 24;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// The vertex lists of a geometry: `paths` (lines and rings, densified) and `points` (not).
void Collect(Geometry& g, std::vector<std::vector<Point>*>& paths, std::vector<Point*>& points) {
  std::visit(Overloaded{
                 [&](Point& p) { points.push_back(&p); },
                 [&](LineString& l) { paths.push_back(&l.points); },
                 [&](Polygon& p) {
                   paths.push_back(&p.exterior);
                   for (auto& h : p.holes) paths.push_back(&h);
                 },
                 [&](MultiPoint& m) {
                   for (auto& p : m.points) points.push_back(&p);
                 },
                 [&](MultiLineString& m) {
                   for (auto& l : m.lines) paths.push_back(&l.points);
                 },
                 [&](MultiPolygon& m) {
                   for (auto& p : m.polygons) {
                     paths.push_back(&p.exterior);
                     for (auto& h : p.holes) paths.push_back(&h);
                   }
                 },
                 [&](std::vector<Geometry>& parts) {
                   for (auto& part : parts) Collect(part, paths, points);
                 },
             },
             g.value);
}

std::string PointText(double x, double y) {
  return "(" + std::to_string(x) + ", " + std::to_string(y) + ")";
}

// Transforms `in` (source coordinates); a point PROJ cannot transform is an error naming it.
Result<std::vector<std::pair<double, double>>> TransformAll(
    const geo::Crs& from, const geo::Crs& to, const std::vector<std::pair<double, double>>& in) {
  COGR_ASSIGN_OR_RETURN(auto out, geo::TransformPoints(from, to, in));
  for (size_t i = 0; i < out.size(); ++i) {
    if (!std::isfinite(out[i].first) || !std::isfinite(out[i].second)) {
      return Status::InvalidArgument("shape vertex " + PointText(in[i].first, in[i].second) +
                                     " cannot be transformed from \"" + from.Name() + "\" to \"" +
                                     to.Name() + "\"");
    }
  }
  return out;
}

// One line or ring during densification: source and target vertices, and for each edge
// (i, i+1) whether its midpoint still has to be checked.
struct Work {
  std::vector<Point>* target = nullptr;
  std::vector<Point> src, dst;
  std::vector<uint8_t> pending;
};

}  // namespace

Result<std::vector<Geometry>> ReprojectGeometries(const std::vector<Geometry>& shapes,
                                                  const geo::Crs& from, const geo::Crs& to,
                                                  double tolerance) {
  if (!(tolerance > 0)) {
    return Status::InvalidArgument("reproject: tolerance must be > 0, got " +
                                   std::to_string(tolerance));
  }
  std::vector<Geometry> out = shapes;
  std::vector<std::vector<Point>*> paths;
  std::vector<Point*> points;
  for (Geometry& g : out) Collect(g, paths, points);

  // Pass 0: every vertex.
  std::vector<std::pair<double, double>> in;
  size_t total = points.size();
  for (const auto* path : paths) total += path->size();
  if (total > kMaxVertices) {
    return Status::LimitExceeded("reproject: " + std::to_string(total) + " vertices > limit " +
                                 std::to_string(kMaxVertices));
  }
  in.reserve(total);
  for (const Point* p : points) in.emplace_back(p->x, p->y);
  for (const auto* path : paths) {
    for (const Point& p : *path) in.emplace_back(p.x, p.y);
  }
  COGR_ASSIGN_OR_RETURN(auto transformed, TransformAll(from, to, in));
  size_t k = 0;
  for (Point* p : points) {
    *p = Point{transformed[k].first, transformed[k].second};
    ++k;
  }
  std::vector<Work> work;
  work.reserve(paths.size());
  for (auto* path : paths) {
    Work w;
    w.target = path;
    w.src = *path;
    w.dst.reserve(path->size());
    for (size_t i = 0; i < path->size(); ++i, ++k) {
      w.dst.push_back(Point{transformed[k].first, transformed[k].second});
    }
    w.pending.assign(path->size() > 1 ? path->size() - 1 : 0, 1);
    work.push_back(std::move(w));
  }

  // Densify: check the midpoint of every pending edge, split the edges whose transformed
  // midpoint strays more than `tolerance` from the chord's midpoint.
  for (int depth = 0; depth < kMaxDepth; ++depth) {
    std::vector<std::pair<double, double>> mids;
    for (const Work& w : work) {
      for (size_t i = 0; i < w.pending.size(); ++i) {
        if (w.pending[i]) {
          mids.emplace_back((w.src[i].x + w.src[i + 1].x) / 2, (w.src[i].y + w.src[i + 1].y) / 2);
        }
      }
    }
    if (mids.empty()) break;
    COGR_ASSIGN_OR_RETURN(auto tmids, TransformAll(from, to, mids));
    size_t m = 0;
    size_t vertices = points.size();
    for (Work& w : work) {
      std::vector<Point> src, dst;
      std::vector<uint8_t> pending;
      src.reserve(w.src.size());
      dst.reserve(w.src.size());
      for (size_t i = 0; i < w.src.size(); ++i) {
        src.push_back(w.src[i]);
        dst.push_back(w.dst[i]);
        if (i + 1 == w.src.size()) break;
        if (!w.pending[i]) {
          pending.push_back(0);
          continue;
        }
        const Point tm{tmids[m].first, tmids[m].second};
        const Point sm{mids[m].first, mids[m].second};
        ++m;
        const double cx = (w.dst[i].x + w.dst[i + 1].x) / 2, cy = (w.dst[i].y + w.dst[i + 1].y) / 2;
        if (std::hypot(tm.x - cx, tm.y - cy) > tolerance) {
          src.push_back(sm);
          dst.push_back(tm);
          pending.push_back(1);
          pending.push_back(1);
        } else {
          pending.push_back(0);
        }
      }
      vertices += src.size();
      if (vertices > kMaxVertices) {
        return Status::LimitExceeded("reproject: densified shapes exceed " +
                                     std::to_string(kMaxVertices) + " vertices");
      }
      w.src = std::move(src);
      w.dst = std::move(dst);
      w.pending = std::move(pending);
    }
  }
  for (Work& w : work) *w.target = std::move(w.dst);
  return out;
}

}  // namespace cogr::mask
