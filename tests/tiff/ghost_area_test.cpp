// ParseGhostArea: GDAL's COG structural metadata after the header.
#include <gtest/gtest.h>

#include <string>

#include "cogr/tiff.hpp"
#include "test_util.hpp"
#include "tiff/tiff_test_util.hpp"

namespace cogr::tiff {
namespace {

using cogr::test::OpenData;

GhostArea FromText(const std::string& s) {
  return ParseGhostArea(ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

TEST(TiffGhostArea, GdalCogFixture) {
  auto tf = OpenData("cog_u8_rgb_jpeg_mask_bs256.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  const GhostArea& g = tf->ghost;
  EXPECT_TRUE(g.present);
  EXPECT_EQ(174u, g.text.size());
  EXPECT_EQ(0u, g.text.find("LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\n"));
  EXPECT_TRUE(g.layout_cog);
  EXPECT_TRUE(g.block_order_row_major);
  EXPECT_TRUE(g.block_leader_size_as_uint4);
  EXPECT_TRUE(g.block_trailer_last_4_bytes_repeated);
  EXPECT_FALSE(g.known_incompatible_edition);
  // GDAL pads this line with a leading space.
  EXPECT_TRUE(g.mask_interleaved_with_imagery);
}

TEST(TiffGhostArea, RasterioCogeoHasNone) {
  // rasterio's cogeo.tif predates the ghost area: IFD right after the header.
  auto tf = OpenData("rasterio__cogeo.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  EXPECT_FALSE(tf->ghost.present);
  EXPECT_TRUE(tf->ghost.text.empty());
  EXPECT_FALSE(tf->ghost.layout_cog);
}

TEST(TiffGhostArea, AbsentInPlainGeoTiff) {
  auto tf = OpenData("dt_uint8_deflate_t128.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  EXPECT_FALSE(tf->ghost.present);
}

TEST(TiffGhostArea, OtherCogWriters) {
  // A BigTIFF COG without a mask: 140 bytes, no MASK_INTERLEAVED_WITH_IMAGERY line.
  auto tf = OpenData("cogeotiff__rgba8_cog_big.tiff");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  ASSERT_TRUE(tf->header.bigtiff);
  const GhostArea& g = tf->ghost;
  EXPECT_TRUE(g.present);
  EXPECT_EQ(140u, g.text.size());
  EXPECT_TRUE(g.layout_cog);
  EXPECT_TRUE(g.block_order_row_major);
  EXPECT_TRUE(g.block_leader_size_as_uint4);
  EXPECT_TRUE(g.block_trailer_last_4_bytes_repeated);
  EXPECT_FALSE(g.known_incompatible_edition);
  EXPECT_FALSE(g.mask_interleaved_with_imagery);
}

TEST(TiffGhostArea, HandWritten) {
  GhostArea g = FromText(
      "GDAL_STRUCTURAL_METADATA_SIZE=000060 bytes\n"
      "LAYOUT=IFDS_BEFORE_DATA\nKNOWN_INCOMPATIBLE_EDITION=YES\n  \nEXTRA");
  EXPECT_TRUE(g.present);
  EXPECT_EQ(60u, g.text.size());
  EXPECT_EQ("LAYOUT=IFDS_BEFORE_DATA\nKNOWN_INCOMPATIBLE_EDITION=YES\n  \n", g.text.substr(0, 58));
  EXPECT_TRUE(g.layout_cog);
  EXPECT_TRUE(g.known_incompatible_edition);
  EXPECT_FALSE(g.block_order_row_major);

  // Declared size larger than what is there: parse what is there.
  g = FromText("GDAL_STRUCTURAL_METADATA_SIZE=001000 bytes\nBLOCK_ORDER=ROW_MAJOR\n");
  EXPECT_TRUE(g.present);
  EXPECT_TRUE(g.block_order_row_major);

  // Not a ghost area / untrusted size.
  EXPECT_FALSE(FromText("").present);
  EXPECT_FALSE(FromText("GDAL_STRUCTURAL_METADATA_SIZE=").present);
  EXPECT_FALSE(FromText("GDAL_STRUCTURAL_METADATA_SIZE=abc bytes\n").present);
  EXPECT_FALSE(
      FromText("GDAL_STRUCTURAL_METADATA_SIZE=999999999 bytes\nLAYOUT=IFDS_BEFORE_DATA\n").present);
  EXPECT_FALSE(FromText("GDAL_STRUCTURAL_METADATA_SIZE=000010 bytes").present);  // no newline
  EXPECT_FALSE(FromText("gdal_structural_metadata_size=000010 bytes\n").present);
}

}  // namespace
}  // namespace cogr::tiff
