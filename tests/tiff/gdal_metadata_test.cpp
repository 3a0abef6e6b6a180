// ParseGdalMetadata: GDAL's GDAL_METADATA XML (tag 42112).
#include <gtest/gtest.h>

#include <string>

#include "cogr/tiff.hpp"
#include "test_util.hpp"
#include "tiff/tiff_test_util.hpp"

namespace cogr::tiff {
namespace {

using cogr::test::OpenData;

TEST(TiffGdalMetadata, ScalesOffsetsDescriptions) {
  const std::string xml =
      "<GDALMetadata>\n"
      "  <Item name=\"AREA_OR_POINT\">Point</Item>\n"
      "  <Item name=\"SCALE\" sample=\"0\" role=\"scale\">2</Item>\n"
      "  <Item name=\"OFFSET\" sample=\"0\" role=\"offset\">-10.5</Item>\n"
      "  <Item name=\"SCALE\" sample=\"2\" role=\"scale\">1e-3</Item>\n"
      "  <Item name=\"DESCRIPTION\" sample=\"1\" role=\"description\">a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</Item>\n"
      "  <Item name=\"COLORINTERP\" sample=\"1\" role=\"colorinterp\">Green</Item>\n"
      "  <Item name=\"OFFSET\" sample=\"3\">7</Item>\n"
      "  <Item name=\"NAME\" domain=\"TILING_SCHEME\">NZTM2000</Item>\n"
      "  <Item name='EMPTY'/>\n"
      "  <!-- a comment -->\n"
      "</GDALMetadata>\n";
  auto md = ParseGdalMetadata(xml);
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ("Point", md->dataset_items.at("AREA_OR_POINT"));
  EXPECT_EQ("NZTM2000", md->dataset_items.at("TILING_SCHEME:NAME"));
  EXPECT_EQ("", md->dataset_items.at("EMPTY"));
  EXPECT_EQ(3u, md->dataset_items.size());
  ASSERT_EQ(2u, md->scales.size());
  EXPECT_DOUBLE_EQ(2.0, md->scales.at(0));
  EXPECT_DOUBLE_EQ(0.001, md->scales.at(2));
  ASSERT_EQ(2u, md->offsets.size());
  EXPECT_DOUBLE_EQ(-10.5, md->offsets.at(0));
  EXPECT_DOUBLE_EQ(7.0, md->offsets.at(3));  // by name when there is no role
  ASSERT_EQ(1u, md->descriptions.size());
  EXPECT_EQ("a & b <c> \"d\" 'e'", md->descriptions.at(1));
  // Items with a role GDAL consumes are not band metadata (rasterio's tags(bidx) omits them);
  // an item without a role attribute is, even when named OFFSET.
  EXPECT_EQ(0u, md->band_items.count(0));
  EXPECT_EQ(0u, md->band_items.count(1));
  EXPECT_EQ(0u, md->band_items.count(2));
  EXPECT_EQ("7", md->band_items.at(3).at("OFFSET"));
  EXPECT_EQ(1u, md->band_items.size());
}

TEST(TiffGdalMetadata, RealFileDescriptions) {
  // 64 bands named A00..A63 (rasterio reports them as descriptions).
  auto tf = OpenData("cogeotiff__model_transformation.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  ASSERT_TRUE(tf->ifds[0].gdal_metadata().has_value());
  auto md = ParseGdalMetadata(*tf->ifds[0].gdal_metadata());
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  ASSERT_EQ(64u, md->descriptions.size());
  EXPECT_EQ("A00", md->descriptions.at(0));
  EXPECT_EQ("A37", md->descriptions.at(37));
  EXPECT_EQ("A63", md->descriptions.at(63));
  EXPECT_TRUE(md->scales.empty());

  // rasterio's all-nodata.tif: descriptions blue, green, red, nir.
  tf = OpenData("rasterio__all-nodata.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  ASSERT_TRUE(tf->ifds[0].gdal_metadata().has_value());
  md = ParseGdalMetadata(*tf->ifds[0].gdal_metadata());
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  ASSERT_EQ(4u, md->descriptions.size());
  EXPECT_EQ("blue", md->descriptions.at(0));
  EXPECT_EQ("green", md->descriptions.at(1));
  EXPECT_EQ("red", md->descriptions.at(2));
  EXPECT_EQ("nir", md->descriptions.at(3));
}

TEST(TiffGdalMetadata, NestedXmlItemKeptRaw) {
  auto md = ParseGdalMetadata(
      "<?xml version=\"1.0\"?><GDALMetadata><Item name=\"x\" domain=\"xml:ESRI\" format=\"xml\">"
      "<GeodataXform a=\"1\"><B>&amp;</B></GeodataXform></Item></GDALMetadata>");
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ("<GeodataXform a=\"1\"><B>&amp;</B></GeodataXform>",
            md->dataset_items.at("xml:ESRI:x"));
}

TEST(TiffGdalMetadata, NumericEntitiesAndEmptyRoot) {
  auto md = ParseGdalMetadata(
      "<GDALMetadata><Item name=\"d\" sample=\"0\" role=\"description\">"
      "&#65;&#x42;&#xe9;&bogus;</Item></GDALMetadata>");
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ("AB\xC3\xA9&bogus;", md->descriptions.at(0));

  md = ParseGdalMetadata("<GDALMetadata />");
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_TRUE(md->dataset_items.empty());
}

TEST(TiffGdalMetadata, BadSampleOrNumberIsIgnoredNotFatal) {
  auto md = ParseGdalMetadata(
      "<GDALMetadata><Item name=\"SCALE\" sample=\"-1\" role=\"scale\">2</Item>"
      "<Item name=\"SCALE\" sample=\"x\" role=\"scale\">2</Item>"
      "<Item name=\"SCALE\" sample=\"1\" role=\"scale\">abc</Item></GDALMetadata>");
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_TRUE(md->scales.empty());
  EXPECT_TRUE(md->band_items.empty());  // role="scale": not a metadata item
}

TEST(TiffGdalMetadata, MalformedIsInvalidFile) {
  const char* bad[] = {
      "",
      "not xml",
      "<GDALMetadata>",
      "<GDALMetadata><Item name=\"a\">1</GDALMetadata>",
      "<GDALMetadata><Item name=\"a>1</Item></GDALMetadata>",
      "<GDALMetadata><Item name=a>1</Item></GDALMetadata>",
      "<GDALMetadata><Other/></GDALMetadata>",
      "<GDALMetadata></GDALMetadata>trailing",
      "<GDALMetadataX></GDALMetadataX>",
      "<GDALMetadata><!-- unterminated </GDALMetadata>",
  };
  for (const char* xml : bad) {
    auto md = ParseGdalMetadata(xml);
    ASSERT_FALSE(md.ok()) << xml;
    EXPECT_EQ(Code::kInvalidFile, md.status().code()) << xml;
    EXPECT_EQ(0u, md.status().message().find("GDAL_METADATA: ")) << md.status().message();
  }
  auto md = ParseGdalMetadata("<GDALMetadata><Other/></GDALMetadata>");
  EXPECT_EQ("GDAL_METADATA: expected <Item> or </GDALMetadata> at offset 14",
            md.status().message());
}

TEST(TiffGdalMetadata, DeepOrLongInputIsLinear) {
  // Many items and a deep nesting inside one item: bounded work, no recursion.
  std::string xml = "<GDALMetadata>";
  for (int i = 0; i < 20000; ++i) {
    xml += "<Item name=\"k" + std::to_string(i) + "\" sample=\"" + std::to_string(i % 7) +
           "\" role=\"offset\">" + std::to_string(i) + "</Item>";
  }
  xml += "<Item name=\"deep\">" + std::string(100000, '<') + "</Item></GDALMetadata>";
  auto md = ParseGdalMetadata(xml);
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(7u, md->offsets.size());
  EXPECT_DOUBLE_EQ(19999.0, md->offsets.at(19999 % 7));
  EXPECT_EQ(100000u, md->dataset_items.at("deep").size());
}

}  // namespace
}  // namespace cogr::tiff
