// mask::ParseGeoJsonFile: a GeoJSON file from disk, errors naming the path.
#include <gtest/gtest.h>

#include <fstream>

#include "cogr/mask.hpp"
#include "write/write_test_util.hpp"

namespace cogr::mask {
namespace {

TEST(MaskGeoJsonFile, ParsesAFeatureCollectionFile) {
  test::ScratchDir dir("geojson_file");
  const std::string path = dir.File("aoi.geojson");
  std::ofstream(path) << R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,0]]]}},
    {"type":"Feature","properties":{},"geometry":null},
    {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1.5,2.5]}}]})";
  auto shapes = ParseGeoJsonFile(path);
  ASSERT_TRUE(shapes.ok()) << shapes.status().ToString();
  ASSERT_EQ(2u, shapes->size());
  EXPECT_EQ(4u, std::get<Polygon>((*shapes)[0].value).exterior.size());
  EXPECT_EQ((Point{1.5, 2.5}), std::get<Point>((*shapes)[1].value));
}

TEST(MaskGeoJsonFile, ErrorsNameThePath) {
  test::ScratchDir dir("geojson_file_errors");
  auto missing = ParseGeoJsonFile(dir.File("nope.geojson"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(Code::kNotFound, missing.status().code());
  EXPECT_EQ(dir.File("nope.geojson") + ": No such file or directory", missing.status().message());

  const std::string bad = dir.File("bad.geojson");
  std::ofstream(bad) << R"({"type":"Polygon"})";
  auto parsed = ParseGeoJsonFile(bad);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(Code::kInvalidArgument, parsed.status().code());
  EXPECT_EQ(0u, parsed.status().message().rfind(bad + ": GeoJSON: ", 0))
      << parsed.status().message();

  const std::string big = dir.File("big.geojson");
  std::ofstream(big) << std::string(100, ' ') << R"({"type":"Point","coordinates":[0,0]})";
  auto limited = ParseGeoJsonFile(big, 64);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(Code::kLimitExceeded, limited.status().code());
  EXPECT_EQ(big + ": 136 bytes > limit 64 for a GeoJSON file", limited.status().message());
  EXPECT_TRUE(ParseGeoJsonFile(big).ok());

  auto directory = ParseGeoJsonFile(dir.path().string());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(dir.path().string() + ": not a regular file", directory.status().message());
}

}  // namespace
}  // namespace cogr::mask
