// GeoJSON parsing into cogr::mask geometries: every type, Features, errors with exact messages.
#include <gtest/gtest.h>

#include "cogr/mask.hpp"

namespace cogr::mask {
namespace {

TEST(MaskGeoJson, ParsesEveryGeometryType) {
  auto r = ParseGeoJson(R"({"type":"GeometryCollection","geometries":[
    {"type":"Point","coordinates":[1,2]},
    {"type":"MultiPoint","coordinates":[[1,2],[3,4]]},
    {"type":"LineString","coordinates":[[0,0],[5,-1]]},
    {"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3],[4,4]]]},
    {"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],
                                     [[1,1],[2,1],[2,2],[1,1]]]},
    {"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],
                                          [[[5,5],[6,5],[6,7],[5,5]]]]}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  const auto* parts = std::get_if<std::vector<Geometry>>(&(*r)[0].value);
  ASSERT_NE(parts, nullptr);
  ASSERT_EQ(parts->size(), 6u);
  EXPECT_EQ(std::get<Point>((*parts)[0].value), (Point{1, 2}));
  EXPECT_EQ(std::get<MultiPoint>((*parts)[1].value).points.size(), 2u);
  EXPECT_EQ(std::get<LineString>((*parts)[2].value).points[1], (Point{5, -1}));
  EXPECT_EQ(std::get<MultiLineString>((*parts)[3].value).lines[1].points.size(), 3u);
  const auto& poly = std::get<Polygon>((*parts)[4].value);
  EXPECT_EQ(poly.exterior.size(), 5u);
  ASSERT_EQ(poly.holes.size(), 1u);
  EXPECT_EQ(poly.holes[0][1], (Point{2, 1}));
  EXPECT_EQ(std::get<MultiPolygon>((*parts)[5].value).polygons.size(), 2u);
  auto b = (*r)[0].Bounds();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*b, (geo::Bounds{0, -1, 6, 7}));
}

TEST(MaskGeoJson, FeatureAndFeatureCollection) {
  auto f = ParseGeoJson(R"({"type":"Feature","properties":{"a":1},
      "geometry":{"type":"Point","coordinates":[10.5,-3]}})");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->size(), 1u);
  EXPECT_EQ(std::get<Point>((*f)[0].value), (Point{10.5, -3}));

  auto fc = ParseGeoJson(R"({"type":"FeatureCollection","features":[
      {"type":"Feature","properties":null,"geometry":null},
      {"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}},
      {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}
  ]})");
  ASSERT_TRUE(fc.ok()) << fc.status().ToString();
  ASSERT_EQ(fc->size(), 2u);  // the null geometry is skipped
  EXPECT_TRUE(std::holds_alternative<LineString>((*fc)[0].value));
  EXPECT_TRUE(std::holds_alternative<Polygon>((*fc)[1].value));
}

void ExpectError(std::string_view text, const std::string& message) {
  auto r = ParseGeoJson(text);
  ASSERT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), message);
}

TEST(MaskGeoJson, Errors) {
  ExpectError("{\"type\": ", "GeoJSON: invalid JSON");
  ExpectError("[1,2]", "GeoJSON: top level must be an object");
  ExpectError(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})",
              "GeoJSON: Polygon ring 0 has 3 positions, needs at least 4");
  ExpectError(R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],
                 [[[0,0],[1,0],[1,1],[0,0]],[[0,0],[1,1]]]]})",
              "GeoJSON: MultiPolygon polygon 1 ring 1 has 2 positions, needs at least 4");
  ExpectError(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]})",
              "GeoJSON: Polygon ring 0 is not closed (first != last)");
  ExpectError(R"({"type":"Circle","coordinates":[0,0]})",
              "GeoJSON: unknown geometry type \"Circle\"");
  ExpectError(R"({"type":"Point","coordinates":[0,"a"]})",
              "GeoJSON: Point: position values must be numbers");
  ExpectError(R"({"type":"Point"})", "GeoJSON: Point has no \"coordinates\"");
  ExpectError(R"({"type":"LineString","coordinates":[[0,0]]})",
              "GeoJSON: LineString has 1 positions, needs at least 2");
  ExpectError(R"({"type":"Feature"})", "GeoJSON: Feature has no \"geometry\"");
  ExpectError(R"({"type":"FeatureCollection","features":{}})",
              "GeoJSON: FeatureCollection has no \"features\" array");
}

TEST(MaskGeoJson, DeepNestingIsAnErrorNotACrash) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += R"({"type":"GeometryCollection","geometries":[)";
  text += R"({"type":"Point","coordinates":[0,0]})";
  for (int i = 0; i < 100; ++i) text += "]}";
  ExpectError(text, "GeoJSON: GeometryCollection nested deeper than 64");
}

}  // namespace
}  // namespace cogr::mask
