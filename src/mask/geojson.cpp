// GeoJSON (RFC 7946) geometries, Features and FeatureCollections → cogr::mask::Geometry.
#include <algorithm>
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "cogr/mask.hpp"

namespace cogr::mask {

namespace {

using Json = nlohmann::json;

// GeometryCollections may nest; bound the depth so hostile input cannot exhaust the stack.
constexpr int kMaxDepth = 64;

Status Bad(const std::string& msg) { return Status::InvalidArgument("GeoJSON: " + msg); }

Result<Point> ParsePosition(const Json& j, const std::string& where) {
  if (!j.is_array() || j.size() < 2) return Bad(where + ": a position needs at least 2 numbers");
  if (!j[0].is_number() || !j[1].is_number())
    return Bad(where + ": position values must be numbers");
  Point p{j[0].get<double>(), j[1].get<double>()};
  if (!std::isfinite(p.x) || !std::isfinite(p.y)) return Bad(where + ": position is not finite");
  return p;
}

Result<std::vector<Point>> ParsePositions(const Json& j, const std::string& where) {
  if (!j.is_array()) return Bad(where + ": coordinates must be an array");
  std::vector<Point> out;
  out.reserve(j.size());
  for (const Json& pos : j) {
    COGR_ASSIGN_OR_RETURN(Point p, ParsePosition(pos, where));
    out.push_back(p);
  }
  return out;
}

Result<Polygon> ParsePolygon(const Json& j, const std::string& type) {
  if (!j.is_array() || j.empty()) return Bad(type + " needs at least one ring");
  Polygon poly;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string where = type + " ring " + std::to_string(i);
    COGR_ASSIGN_OR_RETURN(std::vector<Point> ring, ParsePositions(j[i], where));
    if (ring.size() < 4) {
      return Bad(where + " has " + std::to_string(ring.size()) + " positions, needs at least 4");
    }
    if (!(ring.front() == ring.back())) return Bad(where + " is not closed (first != last)");
    if (i == 0) {
      poly.exterior = std::move(ring);
    } else {
      poly.holes.push_back(std::move(ring));
    }
  }
  return poly;
}

Result<LineString> ParseLine(const Json& j, const std::string& type) {
  COGR_ASSIGN_OR_RETURN(std::vector<Point> pts, ParsePositions(j, type));
  if (pts.size() < 2) {
    return Bad(type + " has " + std::to_string(pts.size()) + " positions, needs at least 2");
  }
  return LineString{std::move(pts)};
}

// The parts of a Multi* geometry: `parse` of each element of `coords`, named
// "<type> <part> <i>" in messages.
template <class Part>
Result<std::vector<Part>> ParseParts(const Json& coords, const std::string& type, const char* part,
                                     Result<Part> (*parse)(const Json&, const std::string&)) {
  if (!coords.is_array()) return Bad(type + ": coordinates must be an array");
  std::vector<Part> parts;
  for (size_t i = 0; i < coords.size(); ++i) {
    COGR_ASSIGN_OR_RETURN(Part p, parse(coords[i], type + " " + part + " " + std::to_string(i)));
    parts.push_back(std::move(p));
  }
  return parts;
}

Result<Geometry> ParseGeometry(const Json& j, int depth) {
  if (depth > kMaxDepth) return Bad("GeometryCollection nested deeper than 64");
  if (!j.is_object()) return Bad("a geometry must be an object");
  auto type_it = j.find("type");
  if (type_it == j.end() || !type_it->is_string()) return Bad("geometry has no \"type\" string");
  const std::string type = type_it->get<std::string>();
  if (type == "GeometryCollection") {
    auto g = j.find("geometries");
    if (g == j.end() || !g->is_array())
      return Bad("GeometryCollection has no \"geometries\" array");
    std::vector<Geometry> parts;
    for (const Json& part : *g) {
      COGR_ASSIGN_OR_RETURN(Geometry geom, ParseGeometry(part, depth + 1));
      parts.push_back(std::move(geom));
    }
    return Geometry{std::move(parts)};
  }
  auto c = j.find("coordinates");
  if (c == j.end()) return Bad(type + " has no \"coordinates\"");
  const Json& coords = *c;
  if (type == "Point") {
    COGR_ASSIGN_OR_RETURN(Point p, ParsePosition(coords, type));
    return Geometry{p};
  }
  if (type == "MultiPoint") {
    COGR_ASSIGN_OR_RETURN(std::vector<Point> pts, ParsePositions(coords, type));
    return Geometry{MultiPoint{std::move(pts)}};
  }
  if (type == "LineString") {
    COGR_ASSIGN_OR_RETURN(LineString line, ParseLine(coords, type));
    return Geometry{std::move(line)};
  }
  if (type == "MultiLineString") {
    COGR_ASSIGN_OR_RETURN(std::vector<LineString> lines,
                          ParseParts(coords, type, "line", ParseLine));
    return Geometry{MultiLineString{std::move(lines)}};
  }
  if (type == "Polygon") {
    COGR_ASSIGN_OR_RETURN(Polygon poly, ParsePolygon(coords, type));
    return Geometry{std::move(poly)};
  }
  if (type == "MultiPolygon") {
    COGR_ASSIGN_OR_RETURN(std::vector<Polygon> polygons,
                          ParseParts(coords, type, "polygon", ParsePolygon));
    return Geometry{MultiPolygon{std::move(polygons)}};
  }
  return Bad("unknown geometry type \"" + type + "\"");
}

// Appends the geometry of one Feature (none when its geometry is null).
Status ParseFeature(const Json& j, std::vector<Geometry>& out) {
  auto g = j.find("geometry");
  if (g == j.end()) return Bad("Feature has no \"geometry\"");
  if (g->is_null()) return Status::OK();
  COGR_ASSIGN_OR_RETURN(Geometry geom, ParseGeometry(*g, 0));
  out.push_back(std::move(geom));
  return Status::OK();
}

Result<std::vector<Geometry>> ParseDocument(const Json& doc) {
  if (!doc.is_object()) return Bad("top level must be an object");
  auto type_it = doc.find("type");
  if (type_it == doc.end() || !type_it->is_string()) return Bad("object has no \"type\" string");
  const std::string type = type_it->get<std::string>();
  std::vector<Geometry> out;
  if (type == "FeatureCollection") {
    auto f = doc.find("features");
    if (f == doc.end() || !f->is_array()) return Bad("FeatureCollection has no \"features\" array");
    for (const Json& feature : *f) {
      if (!feature.is_object()) return Bad("a feature must be an object");
      COGR_RETURN_IF_ERROR(ParseFeature(feature, out));
    }
    return out;
  }
  if (type == "Feature") {
    COGR_RETURN_IF_ERROR(ParseFeature(doc, out));
    return out;
  }
  COGR_ASSIGN_OR_RETURN(Geometry geom, ParseGeometry(doc, 0));
  out.push_back(std::move(geom));
  return out;
}

void Extend(std::optional<geo::Bounds>& b, const Point& p) {
  if (!b) {
    b = geo::Bounds{p.x, p.y, p.x, p.y};
    return;
  }
  b->left = std::min(b->left, p.x);
  b->right = std::max(b->right, p.x);
  b->bottom = std::min(b->bottom, p.y);
  b->top = std::max(b->top, p.y);
}

void ExtendAll(std::optional<geo::Bounds>& b, const std::vector<Point>& pts) {
  for (const Point& p : pts) Extend(b, p);
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

std::optional<geo::Bounds> Geometry::Bounds() const {
  std::optional<geo::Bounds> b;
  std::visit(Overloaded{
                 [&](const Point& p) { Extend(b, p); },
                 [&](const LineString& l) { ExtendAll(b, l.points); },
                 [&](const Polygon& p) { ExtendAll(b, p.exterior); },
                 [&](const MultiPoint& m) { ExtendAll(b, m.points); },
                 [&](const MultiLineString& m) {
                   for (const auto& l : m.lines) ExtendAll(b, l.points);
                 },
                 [&](const MultiPolygon& m) {
                   for (const auto& p : m.polygons) ExtendAll(b, p.exterior);
                 },
                 [&](const std::vector<Geometry>& parts) {
                   for (const auto& g : parts) {
                     if (auto pb = g.Bounds()) {
                       Extend(b, {pb->left, pb->bottom});
                       Extend(b, {pb->right, pb->top});
                     }
                   }
                 },
             },
             value);
  return b;
}

Result<GeoJsonDocument> ParseGeoJsonDocument(std::string_view text, const GeoJsonOptions& options) {
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Bad("invalid JSON");
  try {
    GeoJsonDocument out;
    COGR_ASSIGN_OR_RETURN(out.geometries, ParseDocument(doc));
    // ParseDocument checked that doc is an object.
    auto crs = doc.find("crs");
    if (crs != doc.end() && !crs->is_null()) {
      // GeoJSON 2008's named CRS; the "link" form would need a fetch and is refused.
      auto type = crs->is_object() ? crs->find("type") : crs->end();
      if (!crs->is_object() || type == crs->end() || !type->is_string() ||
          type->get<std::string>() != "name") {
        return Bad("\"crs\" must be {\"type\": \"name\", \"properties\": {\"name\": ...}}");
      }
      auto props = crs->find("properties");
      if (props == crs->end() || !props->is_object())
        return Bad("\"crs\" has no \"properties\" object");
      auto name = props->find("name");
      if (name == props->end() || !name->is_string() || name->get<std::string>().empty()) {
        return Bad("\"crs\" properties have no \"name\" string");
      }
      out.crs = name->get<std::string>();
    } else if (options.default_to_wgs84) {
      out.crs = "OGC:CRS84";
    }
    return out;
  } catch (const std::exception& e) {
    return Bad(std::string("invalid document: ") + e.what());
  }
}

Result<std::vector<Geometry>> ParseGeoJson(std::string_view text) {
  // nlohmann throws on malformed text; its exceptions must not cross the API.
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Bad("invalid JSON");
  try {
    return ParseDocument(doc);
  } catch (const std::exception& e) {
    return Bad(std::string("invalid document: ") + e.what());
  }
}

}  // namespace cogr::mask
