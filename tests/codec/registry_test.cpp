// The registry's public surface: names, sizes, support queries and argument errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "cogr/codec.hpp"

namespace cogr::codec {
namespace {

BlockInfo Info(uint16_t bits, uint16_t sample_format, uint32_t width = 16, uint32_t height = 16,
               uint16_t samples = 1) {
  BlockInfo info;
  info.bits_per_sample = bits;
  info.sample_format = sample_format;
  info.width = width;
  info.height = height;
  info.samples = samples;
  return info;
}

TEST(CodecRegistry, CompressionNames) {
  EXPECT_EQ(CompressionName(kNone), "none");
  EXPECT_EQ(CompressionName(kAdobeDeflate), "deflate");
  EXPECT_EQ(CompressionName(kDeflate), "deflate");
  EXPECT_EQ(CompressionName(kZstd), "zstd");
  EXPECT_EQ(CompressionName(kLzw), "lzw");
  EXPECT_EQ(CompressionName(kPackBits), "packbits");
  EXPECT_EQ(CompressionName(kJpeg), "jpeg");
  EXPECT_EQ(CompressionName(kWebp), "webp");
  EXPECT_EQ(CompressionName(kLzma), "lzma");
  EXPECT_EQ(CompressionName(kLerc), "lerc");
  EXPECT_EQ(CompressionName(kLerc, {4, 0}), "lerc");
  EXPECT_EQ(CompressionName(kLerc, {4, 1}), "lerc_deflate");
  EXPECT_EQ(CompressionName(kLerc, {4, 2}), "lerc_zstd");
  EXPECT_EQ(CompressionName(kOldJpeg), "ojpeg");
  EXPECT_EQ(CompressionName(kCcittRle), "ccittrle");
  EXPECT_EQ(CompressionName(kCcittFax3), "ccittfax3");
  EXPECT_EQ(CompressionName(kCcittFax4), "ccittfax4");
  EXPECT_EQ(CompressionName(kSgiLog), "sgilog");
  EXPECT_EQ(CompressionName(kSgiLog24), "sgilog24");
  EXPECT_EQ(CompressionName(34661), "unknown(34661)");  // JBIG: GDAL has no decoder either
}

TEST(CodecRegistry, DecodedSampleBytes) {
  EXPECT_EQ(DecodedSampleBytes(Info(1, 1)), 1u);
  EXPECT_EQ(DecodedSampleBytes(Info(7, 1)), 1u);
  EXPECT_EQ(DecodedSampleBytes(Info(8, 2)), 1u);
  EXPECT_EQ(DecodedSampleBytes(Info(12, 1)), 2u);
  EXPECT_EQ(DecodedSampleBytes(Info(16, 2)), 2u);
  EXPECT_EQ(DecodedSampleBytes(Info(24, 1)), 4u);
  EXPECT_EQ(DecodedSampleBytes(Info(31, 1)), 4u);
  EXPECT_EQ(DecodedSampleBytes(Info(40, 1)), 8u);
  EXPECT_EQ(DecodedSampleBytes(Info(64, 1)), 8u);
  EXPECT_EQ(DecodedSampleBytes(Info(65, 1)), 0u);
  EXPECT_EQ(DecodedSampleBytes(Info(0, 1)), 0u);
  EXPECT_EQ(DecodedSampleBytes(Info(16, 3)), 4u);  // half → float32
  EXPECT_EQ(DecodedSampleBytes(Info(24, 3)), 4u);
  EXPECT_EQ(DecodedSampleBytes(Info(32, 3)), 4u);
  EXPECT_EQ(DecodedSampleBytes(Info(64, 3)), 8u);
  EXPECT_EQ(DecodedSampleBytes(Info(8, 3)), 0u);
  EXPECT_EQ(DecodedSampleBytes(Info(32, 5)), 4u);    // CInt16
  EXPECT_EQ(DecodedSampleBytes(Info(64, 5)), 8u);    // CInt32
  EXPECT_EQ(DecodedSampleBytes(Info(64, 6)), 8u);    // CFloat32
  EXPECT_EQ(DecodedSampleBytes(Info(128, 6)), 16u);  // CFloat64
  EXPECT_EQ(DecodedSampleBytes(Info(16, 5)), 0u);
}

TEST(CodecRegistry, DecodedSize) {
  Result<uint64_t> r = DecodedSize(Info(16, 1, 256, 128, 3));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 256u * 128u * 3u * 2u);
  r = DecodedSize(Info(12, 1, 5, 3));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 5u * 3u * 2u);

  BlockInfo big = Info(64, 1, 65536, 65536, 4);
  r = DecodedSize(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kLimitExceeded);
  EXPECT_EQ(r.status().message(),
            "block decodes to 137438953472 bytes > max_block_bytes 1073741824");

  BlockInfo overflow = Info(64, 1, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFF);
  overflow.max_block_bytes = UINT64_MAX;
  r = DecodedSize(overflow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidFile);

  r = DecodedSize(Info(65, 1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnsupported);
}

TEST(CodecRegistry, WrongOutputSizeIsInvalidArgument) {
  BlockInfo info = Info(8, 1, 4, 4);
  std::vector<uint8_t> in(16, 7);
  std::vector<uint8_t> out(15);
  Status st = Decode(in, out, info);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.message(), "output buffer has 15 bytes, block decodes to 16 bytes");
  out.resize(17);
  EXPECT_EQ(Decode(in, out, info).code(), Code::kInvalidArgument);
  out.resize(16);
  EXPECT_TRUE(Decode(in, out, info).ok());
  EXPECT_EQ(out, in);
}

TEST(CodecRegistry, EmptyBlockIsInvalidArgument) {
  std::vector<uint8_t> out;
  EXPECT_EQ(Decode({}, out, Info(8, 1, 0, 4)).code(), Code::kInvalidArgument);
  EXPECT_EQ(Decode({}, out, Info(8, 1, 4, 4, 0)).code(), Code::kInvalidArgument);
}

TEST(CodecRegistry, UnknownCodeIsUnsupported) {
  BlockInfo info = Info(8, 1, 4, 4);
  info.compression = 34661;
  std::vector<uint8_t> in(16), out(16);
  Status st = Decode(in, out, info);
  EXPECT_EQ(st.code(), Code::kUnsupported);
  EXPECT_EQ(st.message(), "unsupported compression code 34661");
  EXPECT_FALSE(IsSupported(34661));
}

// Old-style JPEG is read only through libtiff's RGBA interface, as GDAL reads it: a block that
// asks for its samples as stored is refused, naming why.
TEST(CodecRegistry, OldJpegOutsideRgbaIsUnsupported) {
  BlockInfo info = Info(8, 1, 4, 4);
  info.compression = kOldJpeg;
  std::vector<uint8_t> in(16), out(16);
  const Status st = Decode(in, out, info);
  EXPECT_EQ(st.code(), Code::kUnsupported);
  EXPECT_EQ(
      st.message().rfind(
          "old-style JPEG (compression 6) of photometric 1 is read only through libtiff's RGBA", 0),
      0u)
      << st.message();
}

TEST(CodecRegistry, LercWithUnknownAdditionalCompressionIsUnsupported) {
  BlockInfo info = Info(32, 3, 4, 4);
  info.compression = kLerc;
  info.lerc_parameters = {4, 3};
  std::vector<uint8_t> in(16), out(64);
  Status st = Decode(in, out, info);
  EXPECT_EQ(st.code(), Code::kUnsupported);
  EXPECT_EQ(st.message(), "lerc with additional compression 3 is not supported");
  EXPECT_FALSE(IsSupported(kLerc, {4, 3}));
}

TEST(CodecRegistry, SupportedCodecsMatchIsSupported) {
  const std::vector<std::string> names = SupportedCodecs();
  auto has = [&](const char* n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  // Always built: they need nothing beyond libdeflate.
  EXPECT_TRUE(has("none"));
  EXPECT_TRUE(has("deflate"));
  EXPECT_TRUE(has("lzw"));
  EXPECT_TRUE(has("packbits"));
  EXPECT_TRUE(IsSupported(kNone));
  EXPECT_TRUE(IsSupported(kAdobeDeflate));
  EXPECT_TRUE(IsSupported(kDeflate));
  EXPECT_TRUE(IsSupported(kLzw));
  EXPECT_TRUE(IsSupported(kPackBits));
  EXPECT_EQ(has("zstd"), IsSupported(kZstd));
  EXPECT_EQ(has("jpeg"), IsSupported(kJpeg));
  EXPECT_EQ(has("webp"), IsSupported(kWebp));
  EXPECT_EQ(has("lzma"), IsSupported(kLzma));
  EXPECT_EQ(has("lerc"), IsSupported(kLerc));
  EXPECT_EQ(has("lerc_deflate"), IsSupported(kLerc, {4, 1}));
  EXPECT_EQ(has("lerc_zstd"), IsSupported(kLerc, {4, 2}));
  // libtiff decodes the long tail (a build without it lists none of them).
  for (const char* n : {"ccittrle", "ccittfax3", "ccittfax4", "ojpeg", "sgilog", "sgilog24"}) {
    EXPECT_TRUE(has(n)) << n;
  }
  EXPECT_TRUE(IsSupported(kOldJpeg));
  EXPECT_TRUE(IsSupported(kCcittFax4));
}

TEST(CodecRegistry, NotBuiltCodecNamesItself) {
  // Only meaningful in a build without some codec; in a full build every codec decodes.
  for (uint16_t code :
       {uint16_t{kZstd}, uint16_t{kJpeg}, uint16_t{kWebp}, uint16_t{kLerc}, uint16_t{kLzma}}) {
    if (IsSupported(code)) continue;
    BlockInfo info = Info(8, 1, 4, 4);
    info.compression = code;
    std::vector<uint8_t> in(16), out(16);
    Status st = Decode(in, out, info);
    EXPECT_EQ(st.code(), Code::kUnsupported);
    EXPECT_EQ(st.message(), "compression " + CompressionName(code) + " (" + std::to_string(code) +
                                ") is not supported by this build");
  }
}

}  // namespace
}  // namespace cogr::codec
