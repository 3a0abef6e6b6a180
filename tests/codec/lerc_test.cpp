// LERC (code 34887): GDAL's float32 tiles (lossy, and with NaN nodata), libtiff-written blobs
// with deflate/zstd wrappers, masks, and malformed blobs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "codec/codec_test_util.hpp"
#include "cogr/codec.hpp"

namespace cogr::codec {
namespace {

void CheckLercFixture(const std::string& name, double max_z_error, bool expect_nan) {
  if (!IsSupported(kLerc)) GTEST_SKIP() << "lerc not built";
  const std::string path = test::DataPath(name + ".tif");
  const uint32_t blocks = test::CountBlocks(path);
  ASSERT_GT(blocks, 0u);
  size_t nans = 0;
  for (uint32_t i = 0; i < blocks; ++i) {
    test::TiffBlock b;
    ASSERT_TRUE(test::ReadTiffBlock(path, &b, i));
    if (!IsSupported(kLerc, b.info.lerc_parameters)) GTEST_SKIP() << "lerc wrapper not built";
    const std::vector<uint8_t> decoded = test::CogrDecode(b);
    ASSERT_EQ(decoded.size(), 128u * 128u * 4u);
    const auto [x0, y0] = test::BlockOrigin(b, i);
    EXPECT_GT(test::ExpectBlockMatchesNpy(decoded, b, name + ".full_b1.npy", max_z_error,
                                          max_z_error, x0, y0),
              0u);
    // libtiff turns masked pixels into the same quiet NaN: byte-identical.
    ASSERT_EQ(b.libtiff.size(), decoded.size());
    EXPECT_EQ(decoded, b.libtiff) << name << " block " << i;
    for (size_t k = 0; k < decoded.size(); k += 4) {
      float f;
      std::memcpy(&f, decoded.data() + k, 4);
      nans += std::isnan(f);
    }
  }
  EXPECT_EQ(nans > 0, expect_nan);
}

TEST(CodecLerc, LossyFloat32Fixture) { CheckLercFixture("cmp_lerc_f32_z0.01_t128", 0.01, false); }
TEST(CodecLerc, MaskedPixelsBecomeNan) {
  CheckLercFixture("cog_f32_lerc_nan_nodata_bs128", 0.001, true);
}

std::string WriteLerc(uint16_t bits, uint16_t sample_format, uint16_t samples, int additional,
                      const std::vector<uint8_t>& pixels, uint32_t size) {
  test::TiffSpec spec;
  spec.width = size;
  spec.height = size;
  spec.tile = size;
  spec.samples = samples;
  spec.bits = bits;
  spec.sample_format = sample_format;
  spec.photometric = samples == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
  spec.compression = COMPRESSION_LERC;
  spec.lerc_additional = additional;
  return test::WriteTiff(spec, pixels, "lerc");
}

TEST(CodecLerc, LosslessWrappersRoundTrip) {
  if (!IsSupported(kLerc)) GTEST_SKIP() << "lerc not built";
  constexpr uint32_t kSize = 32;
  std::vector<float> values(kSize * kSize);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<float>(std::sin(double(i) * 0.1) * 50.0);
  values[5] = std::numeric_limits<float>::quiet_NaN();  // written as a masked pixel
  std::vector<uint8_t> pixels(values.size() * 4);
  std::memcpy(pixels.data(), values.data(), pixels.size());
  for (int additional : {0, 1, 2}) {
    if (!IsSupported(kLerc, {4, static_cast<uint32_t>(additional)})) continue;
    const std::string path = WriteLerc(32, SAMPLEFORMAT_IEEEFP, 1, additional, pixels, kSize);
    ASSERT_FALSE(path.empty());
    test::TiffBlock b;
    ASSERT_TRUE(test::ReadTiffBlock(path, &b));
    ASSERT_EQ(b.info.lerc_parameters.size(), 2u);
    EXPECT_EQ(b.info.lerc_parameters[1], static_cast<uint32_t>(additional));
    EXPECT_EQ(test::CogrDecode(b), pixels) << "additional " << additional;
  }
}

TEST(CodecLerc, IntegerTypesRoundTrip) {
  if (!IsSupported(kLerc)) GTEST_SKIP() << "lerc not built";
  constexpr uint32_t kSize = 16;
  // uint8 RGB (depth 3), int16, uint32, float64.
  struct Case {
    uint16_t bits, format, samples;
  };
  for (Case c : {Case{8, SAMPLEFORMAT_UINT, 3}, Case{16, SAMPLEFORMAT_INT, 1},
                 Case{32, SAMPLEFORMAT_UINT, 1}, Case{64, SAMPLEFORMAT_IEEEFP, 1}}) {
    std::vector<uint8_t> pixels(size_t{kSize} * kSize * c.samples * c.bits / 8);
    for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 13 + i / 7);
    if (c.bits == 64) {  // keep the doubles finite
      for (size_t i = 0; i < pixels.size() / 8; ++i) {
        const double d = double(i) * 0.25 - 3.0;
        std::memcpy(pixels.data() + 8 * i, &d, 8);
      }
    }
    const std::string path = WriteLerc(c.bits, c.format, c.samples, 1, pixels, kSize);
    ASSERT_FALSE(path.empty());
    test::TiffBlock b;
    ASSERT_TRUE(test::ReadTiffBlock(path, &b));
    EXPECT_EQ(test::CogrDecode(b), pixels) << c.bits << " bits, " << c.samples << " samples";
  }
}

TEST(CodecLerc, Errors) {
  if (!IsSupported(kLerc)) GTEST_SKIP() << "lerc not built";
  test::TiffBlock b;
  ASSERT_TRUE(test::ReadTiffBlock(test::DataPath("cmp_lerc_f32_z0.01_t128.tif"), &b));
  std::vector<uint8_t> out(128 * 128 * 4);

  BlockInfo info = b.info;
  info.width = 64;
  out.resize(64 * 128 * 4);
  Status st = Decode(b.raw, out, info);
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "lerc: blob is 128 x 128, block is 64 x 128");

  info = b.info;
  info.sample_format = 1;  // uint32 expected, blob holds floats
  out.resize(128 * 128 * 4);
  st = Decode(b.raw, out, info);
  EXPECT_EQ(st.message(), "lerc: blob has data type 6, block needs 5");

  std::vector<uint8_t> cut(b.raw.begin(),
                           b.raw.begin() + static_cast<std::ptrdiff_t>(b.raw.size() / 2));
  EXPECT_EQ(Decode(cut, out, b.info).code(), Code::kInvalidFile);
  std::vector<uint8_t> garbage(64, 7);
  EXPECT_EQ(Decode(garbage, out, b.info).message(), "lerc: not a LERC blob (64 bytes)");

  // Claimed deflate wrapper around a bare blob.
  info = b.info;
  info.lerc_parameters = {4, 1};
  EXPECT_EQ(Decode(b.raw, out, info).code(), Code::kInvalidFile);

  info = b.info;
  info.bits_per_sample = 12;
  info.sample_format = 1;
  out.resize(128 * 128 * 2);
  EXPECT_EQ(Decode(b.raw, out, info).code(), Code::kUnsupported);
}

}  // namespace
}  // namespace cogr::codec
