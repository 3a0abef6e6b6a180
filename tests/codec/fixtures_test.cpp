// Real blocks written by GDAL (tests/data, copied from the shared fixtures): every block of each
// file decoded by cogr must match rasterio's expected array and, where libtiff returns the same
// layout, libtiff's own decode of that block.
#include <gtest/gtest.h>

#include <string>

#include "codec/codec_test_util.hpp"
#include "cogr/codec.hpp"

namespace cogr::codec {
namespace {

struct FixtureCase {
  const char* name;
  bool compare_libtiff;  // false when libtiff returns another layout (packed 12-bit samples)
};

void CheckAllBlocks(const FixtureCase& c) {
  const std::string path = test::DataPath(std::string(c.name) + ".tif");
  const uint32_t blocks = test::CountBlocks(path);
  ASSERT_GT(blocks, 0u) << path;
  for (uint32_t i = 0; i < blocks; ++i) {
    test::TiffBlock b;
    ASSERT_TRUE(test::ReadTiffBlock(path, &b, i));
    if (!IsSupported(b.info.compression, b.info.lerc_parameters)) GTEST_SKIP() << "codec not built";
    const std::vector<uint8_t> decoded = test::CogrDecode(b);
    ASSERT_FALSE(decoded.empty()) << c.name << " block " << i;
    const auto [x0, y0] = test::BlockOrigin(b, i);
    EXPECT_GT(
        test::ExpectBlockMatchesNpy(decoded, b, std::string(c.name) + ".full_b1.npy", 0, 0, x0, y0),
        0u);
    if (c.compare_libtiff) {
      ASSERT_FALSE(b.libtiff.empty()) << "libtiff could not decode " << c.name << " block " << i;
      EXPECT_EQ(decoded, b.libtiff) << c.name << " block " << i;
    }
  }
}

TEST(CodecFixtures, Lzw16Bit) { CheckAllBlocks({"cmp_lzw_u16_t128", true}); }
TEST(CodecFixtures, Lzw12BitUnpacked) { CheckAllBlocks({"nbits12_u16_lzw_t128", false}); }
TEST(CodecFixtures, ZstdPredictor2Rgb16Bit) {
  CheckAllBlocks({"pred2_u16_rgb_pixel_zstd_t128", true});
}
TEST(CodecFixtures, PackBits) { CheckAllBlocks({"cmp_packbits_u8_t64", true}); }
TEST(CodecFixtures, DeflatePredictor3Float32) { CheckAllBlocks({"pred3_f32_deflate_t128", true}); }
// GDAL 3.6 wrote this file's byte planes reversed, so its floats look like noise; the expected
// values are what the TIFF floating point predictor spec reads from it (MSB plane first,
// whatever the byte order), which libtiff's reader also returns.
TEST(CodecFixtures, BigEndianDeflatePredictor3Float32) {
  CheckAllBlocks({"be_f32_deflate_pred3_t128", true});
}
TEST(CodecFixtures, UncompressedCInt16Strips) { CheckAllBlocks({"dt_cint16_none_strip16", true}); }

}  // namespace
}  // namespace cogr::codec
