// JPEG (code 7): GDAL-written tiles with JPEGTables, YCbCr (2x2 subsampled) and RGB, compared
// with rasterio's arrays and libtiff's decode; libtiff-written gray tiles; malformed streams.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "codec/codec_test_util.hpp"
#include "cogr/codec.hpp"

namespace cogr::codec {
namespace {

void CheckJpegFixture(const std::string& name, uint16_t photometric) {
  if (!IsSupported(kJpeg)) GTEST_SKIP() << "jpeg not built";
  const std::string path = test::DataPath(name + ".tif");
  const uint32_t blocks = test::CountBlocks(path);
  ASSERT_EQ(blocks, 4u);
  for (uint32_t i = 0; i < blocks; ++i) {
    test::TiffBlock b;
    ASSERT_TRUE(test::ReadTiffBlock(path, &b, i));
    EXPECT_EQ(b.info.compression, kJpeg);
    EXPECT_EQ(b.info.photometric, photometric);
    EXPECT_FALSE(b.jpeg_tables.empty());
    const std::vector<uint8_t> decoded = test::CogrDecode(b);
    ASSERT_EQ(decoded.size(), 128u * 128u * 3u);
    const auto [x0, y0] = test::BlockOrigin(b, i);
    // Tolerance from expected/<name>.json: lossy codec, |diff| <= 16, mean <= 1.5.
    EXPECT_GT(test::ExpectBlockMatchesNpy(decoded, b, name + ".full_b1.npy", 16, 1.5, x0, y0), 0u);
    // Same libjpeg, same settings as libtiff in JPEGCOLORMODE_RGB: identical bytes.
    ASSERT_EQ(b.libtiff.size(), decoded.size());
    EXPECT_EQ(decoded, b.libtiff) << name << " block " << i;
  }
}

TEST(CodecJpeg, YCbCrTilesBecomeRgb) { CheckJpegFixture("jpeg_rgb_ycbcr_t128", PHOTOMETRIC_YCBCR); }
TEST(CodecJpeg, RgbTiles) { CheckJpegFixture("jpeg_rgb_noycbcr_t128", PHOTOMETRIC_RGB); }

TEST(CodecJpeg, GrayTilesWrittenByLibtiff) {
  if (!IsSupported(kJpeg)) GTEST_SKIP() << "jpeg not built";
  test::TiffSpec spec;
  spec.width = 32;
  spec.height = 32;
  spec.tile = 32;
  spec.compression = COMPRESSION_JPEG;
  std::vector<uint8_t> pixels(32 * 32);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = static_cast<uint8_t>((i % 32) * 6 + (i / 32) * 2);
  const std::string path = test::WriteTiff(spec, pixels, "jpeg_gray");
  ASSERT_FALSE(path.empty());
  test::TiffBlock b;
  ASSERT_TRUE(test::ReadTiffBlock(path, &b));
  const std::vector<uint8_t> decoded = test::CogrDecode(b);
  ASSERT_EQ(decoded.size(), pixels.size());
  EXPECT_EQ(decoded, b.libtiff);
  int worst = 0;
  for (size_t i = 0; i < pixels.size(); ++i)
    worst = std::max(worst, std::abs(int(decoded[i]) - int(pixels[i])));
  EXPECT_LE(worst, 16);
}

class CodecJpegErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!IsSupported(kJpeg)) GTEST_SKIP() << "jpeg not built";
    ASSERT_TRUE(test::ReadTiffBlock(test::DataPath("jpeg_rgb_ycbcr_t128.tif"), &b_));
    out_.resize(128 * 128 * 3);
  }
  test::TiffBlock b_;
  std::vector<uint8_t> out_;
};

TEST_F(CodecJpegErrors, MissingTablesIsInvalidFile) {
  BlockInfo info = b_.info;
  info.jpeg_tables = {};
  Status st = Decode(b_.raw, out_, info);
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message().rfind("jpeg: ", 0), 0u) << st.message();
}

TEST_F(CodecJpegErrors, SizeMismatchIsInvalidFile) {
  BlockInfo info = b_.info;
  info.width = 64;
  out_.resize(64 * 128 * 3);
  Status st = Decode(b_.raw, out_, info);
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "jpeg: image is 128 x 128, block is 64 x 128");
}

TEST_F(CodecJpegErrors, ComponentMismatchIsInvalidFile) {
  BlockInfo info = b_.info;
  info.samples = 1;
  out_.resize(128 * 128);
  Status st = Decode(b_.raw, out_, info);
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "jpeg: 3 components, block has 1 samples per pixel");
}

TEST_F(CodecJpegErrors, TruncatedIsInvalidFile) {
  for (size_t keep : {b_.raw.size() / 2, size_t{20}, size_t{2}, size_t{0}}) {
    std::vector<uint8_t> cut(b_.raw.begin(), b_.raw.begin() + static_cast<std::ptrdiff_t>(keep));
    Status st = Decode(cut, out_, b_.info);
    EXPECT_EQ(st.code(), Code::kInvalidFile) << keep;
  }
}

// libjpeg makes pixels up after some warnings (gray for what is missing) and returns them;
// cogr fails instead, in both decode paths.
TEST_F(CodecJpegErrors, MadeUpPixelsAreInvalidFile) {
  auto ignore = [](uint32_t, uint32_t, ByteSpan) {};
  // The scan cut in half and closed with EOI: the decoder meets a marker mid-scan.
  std::vector<uint8_t> ended(b_.raw.begin(),
                             b_.raw.begin() + static_cast<std::ptrdiff_t>(b_.raw.size() / 2));
  ended.insert(ended.end(), {0xFF, 0xD9});
  // A run of stuffed 0xFF bytes in the scan: all-ones bits are no Huffman code.
  std::vector<uint8_t> bad = b_.raw;
  for (size_t i = 0; i < 24; i += 2) {
    bad[bad.size() / 2 + i] = 0xFF;
    bad[bad.size() / 2 + i + 1] = 0x00;
  }
  const std::pair<const std::vector<uint8_t>*, const char*> cases[] = {
      {&ended, "jpeg: Corrupt JPEG data: premature end of data segment"},
      {&bad, "jpeg: Corrupt JPEG data: bad Huffman code"}};
  for (const auto& [block, message] : cases) {
    Status st = Decode(*block, out_, b_.info);
    EXPECT_EQ(st.code(), Code::kInvalidFile) << message;
    EXPECT_EQ(st.message(), message);
    Status rows = DecodeRows(*block, b_.info, 0, 128, ignore);
    EXPECT_EQ(rows.code(), Code::kInvalidFile) << message;
    EXPECT_EQ(rows.message(), message);
  }
}

TEST_F(CodecJpegErrors, GarbageIsInvalidFile) {
  std::vector<uint8_t> garbage(500, 0x42);
  EXPECT_EQ(Decode(garbage, out_, b_.info).code(), Code::kInvalidFile);
  // Tables that are a whole image are refused, not decoded as the block.
  BlockInfo info = b_.info;
  std::vector<uint8_t> tables = b_.raw;
  info.jpeg_tables = tables;
  Status st = Decode(b_.raw, out_, info);
  EXPECT_EQ(st.code(), Code::kInvalidFile);
}

TEST_F(CodecJpegErrors, TwelveBitIsUnsupported) {
  BlockInfo info = b_.info;
  info.bits_per_sample = 12;
  out_.resize(128 * 128 * 3 * 2);
  EXPECT_EQ(Decode(b_.raw, out_, info).message(), "jpeg: 12-bit samples are not supported");
}

// DecodeRows hands over exactly Decode's rows, in order, in bands, and only those asked for.
TEST_F(CodecJpegErrors, DecodeRowsEqualsDecodeRowByRow) {
  ASSERT_TRUE(DecodesByRows(b_.info));
  ASSERT_TRUE(Decode(b_.raw, out_, b_.info).ok());
  const size_t stride = 128 * 3;
  for (auto [begin, end] :
       {std::pair<uint32_t, uint32_t>{0, 128}, {5, 37}, {16, 32}, {127, 128}, {0, 1}}) {
    SCOPED_TRACE(std::to_string(begin) + ".." + std::to_string(end));
    uint32_t next = begin, calls = 0;
    Status st =
        DecodeRows(b_.raw, b_.info, begin, end, [&](uint32_t first, uint32_t rows, ByteSpan data) {
          ++calls;
          EXPECT_EQ(first, next);
          EXPECT_LE(rows, 16u);
          ASSERT_EQ(data.size(), rows * stride);
          EXPECT_EQ(std::memcmp(data.data(), out_.data() + first * stride, data.size()), 0)
              << "rows at " << first;
          next = first + rows;
        });
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(next, end);
    EXPECT_GE(calls, (end - begin + 15) / 16);
  }
}

TEST_F(CodecJpegErrors, DecodeRowsErrors) {
  auto ignore = [](uint32_t, uint32_t, ByteSpan) {};
  EXPECT_EQ(DecodeRows(b_.raw, b_.info, 10, 10, ignore).code(), Code::kInvalidArgument);
  EXPECT_EQ(DecodeRows(b_.raw, b_.info, 0, 129, ignore).code(), Code::kInvalidArgument);
  // A block cut in half: the rows it still holds may be handed over, then the error.
  std::vector<uint8_t> cut(b_.raw.begin(),
                           b_.raw.begin() + static_cast<std::ptrdiff_t>(b_.raw.size() / 2));
  Status st = DecodeRows(cut, b_.info, 0, 128, ignore);
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "jpeg: premature end of data");
  BlockInfo deflate = b_.info;
  deflate.compression = kDeflate;
  EXPECT_FALSE(DecodesByRows(deflate));
  EXPECT_EQ(DecodeRows(b_.raw, deflate, 0, 1, ignore).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace cogr::codec
