// WebP (code 50001): GDAL's lossless RGB tiles, libtiff-written RGBA and lossy tiles.
#include <gtest/gtest.h>

#include <string>

#include "codec/codec_test_util.hpp"
#include "cogr/codec.hpp"

namespace cogr::codec {
namespace {

TEST(CodecWebp, LosslessRgbFixture) {
  if (!IsSupported(kWebp)) GTEST_SKIP() << "webp not built";
  const std::string path = test::DataPath("webp_rgb_lossless_t128.tif");
  const uint32_t blocks = test::CountBlocks(path);
  ASSERT_EQ(blocks, 4u);
  for (uint32_t i = 0; i < blocks; ++i) {
    test::TiffBlock b;
    ASSERT_TRUE(test::ReadTiffBlock(path, &b, i));
    const std::vector<uint8_t> decoded = test::CogrDecode(b);
    ASSERT_EQ(decoded.size(), 128u * 128u * 3u);
    const auto [x0, y0] = test::BlockOrigin(b, i);
    EXPECT_GT(
        test::ExpectBlockMatchesNpy(decoded, b, "webp_rgb_lossless_t128.full_b1.npy", 0, 0, x0, y0),
        0u);
    EXPECT_EQ(decoded, b.libtiff) << "block " << i;
  }
}

std::vector<uint8_t> Gradient(uint32_t width, uint32_t height, uint16_t samples) {
  std::vector<uint8_t> v(size_t{width} * height * samples);
  for (size_t i = 0; i < v.size(); ++i) {
    const size_t px = i / samples, s = i % samples;
    // Alpha never 0: WebP need not keep the colour of fully transparent pixels.
    v[i] = s == 3 ? static_cast<uint8_t>(128 + px % 127)
                  : static_cast<uint8_t>((px % width) * 4 + (px / width) * 3 + s * 50);
  }
  return v;
}

TEST(CodecWebp, LosslessRgbaRoundTrip) {
  if (!IsSupported(kWebp)) GTEST_SKIP() << "webp not built";
  test::TiffSpec spec;
  spec.width = 48;
  spec.height = 48;
  spec.tile = 48;
  spec.samples = 4;
  spec.photometric = PHOTOMETRIC_RGB;
  spec.compression = COMPRESSION_WEBP;
  spec.webp_lossless = 1;
  const std::vector<uint8_t> pixels = Gradient(48, 48, 4);
  const std::string path = test::WriteTiff(spec, pixels, "webp_rgba");
  ASSERT_FALSE(path.empty());
  test::TiffBlock b;
  ASSERT_TRUE(test::ReadTiffBlock(path, &b));
  const std::vector<uint8_t> decoded = test::CogrDecode(b);
  EXPECT_EQ(decoded, pixels);
  EXPECT_EQ(decoded, b.libtiff);
}

TEST(CodecWebp, LossyRgbMatchesLibtiff) {
  if (!IsSupported(kWebp)) GTEST_SKIP() << "webp not built";
  test::TiffSpec spec;
  spec.width = 32;
  spec.height = 32;
  spec.tile = 32;
  spec.samples = 3;
  spec.photometric = PHOTOMETRIC_RGB;
  spec.compression = COMPRESSION_WEBP;
  const std::vector<uint8_t> pixels = Gradient(32, 32, 3);
  const std::string path = test::WriteTiff(spec, pixels, "webp_lossy");
  ASSERT_FALSE(path.empty());
  test::TiffBlock b;
  ASSERT_TRUE(test::ReadTiffBlock(path, &b));
  const std::vector<uint8_t> decoded = test::CogrDecode(b);
  EXPECT_EQ(decoded, b.libtiff);
  EXPECT_NE(decoded, pixels);  // lossy indeed, so the comparison above is not trivial
}

TEST(CodecWebp, Errors) {
  if (!IsSupported(kWebp)) GTEST_SKIP() << "webp not built";
  test::TiffBlock b;
  ASSERT_TRUE(test::ReadTiffBlock(test::DataPath("webp_rgb_lossless_t128.tif"), &b));
  BlockInfo info = b.info;
  info.height = 64;
  std::vector<uint8_t> out(128 * 64 * 3);
  Status st = Decode(b.raw, out, info);
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "webp: image is 128 x 128, block is 128 x 64");

  out.resize(128 * 128 * 3);
  std::vector<uint8_t> cut(b.raw.begin(),
                           b.raw.begin() + static_cast<std::ptrdiff_t>(b.raw.size() / 2));
  EXPECT_EQ(Decode(cut, out, b.info).code(), Code::kInvalidFile);
  std::vector<uint8_t> garbage(100, 1);
  st = Decode(garbage, out, b.info);
  EXPECT_EQ(st.message(), "webp: not a WebP image (100 bytes)");

  info = b.info;
  info.samples = 1;
  out.resize(128 * 128);
  EXPECT_EQ(Decode(b.raw, out, info).code(), Code::kUnsupported);
}

}  // namespace
}  // namespace cogr::codec
