// Deflate (codes 8 and 32946): round trips through libdeflate's zlib compressor, strict sizes.
#include <gtest/gtest.h>
#include <libdeflate.h>

#include <cstring>
#include <vector>

#include "cogr/codec.hpp"

namespace cogr::codec {
namespace {

std::vector<uint8_t> ZlibCompress(const std::vector<uint8_t>& data, int level = 6) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(level);
  std::vector<uint8_t> out(libdeflate_zlib_compress_bound(c, data.size()));
  out.resize(libdeflate_zlib_compress(c, data.data(), data.size(), out.data(), out.size()));
  libdeflate_free_compressor(c);
  return out;
}

std::vector<uint8_t> Pattern(size_t n) {
  std::vector<uint8_t> v(n);
  uint32_t x = 12345;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    v[i] = static_cast<uint8_t>((i / 7) ^ (x >> 28));
  }
  return v;
}

BlockInfo Info(uint16_t compression, uint32_t width, uint32_t height, uint16_t bits = 8) {
  BlockInfo info;
  info.compression = compression;
  info.width = width;
  info.height = height;
  info.bits_per_sample = bits;
  return info;
}

TEST(CodecDeflate, RoundTripBothCodes) {
  const std::vector<uint8_t> data = Pattern(128 * 128);
  const std::vector<uint8_t> z = ZlibCompress(data);
  for (uint16_t code : {uint16_t{kAdobeDeflate}, uint16_t{kDeflate}}) {
    std::vector<uint8_t> out(data.size(), 0xEE);
    ASSERT_TRUE(Decode(z, out, Info(code, 128, 128)).ok()) << code;
    EXPECT_EQ(out, data) << code;
  }
}

TEST(CodecDeflate, RoundTripLevels) {
  const std::vector<uint8_t> data = Pattern(64 * 32 * 2);
  for (int level : {0, 1, 9, 12}) {
    std::vector<uint8_t> out(data.size());
    ASSERT_TRUE(Decode(ZlibCompress(data, level), out, Info(kDeflate, 64, 32, 16)).ok()) << level;
    // 16-bit little-endian samples on a little-endian host: the bytes are the samples.
    EXPECT_EQ(out, data) << level;
  }
}

TEST(CodecDeflate, ShortOutputIsInvalidFile) {
  const std::vector<uint8_t> data = Pattern(1000);
  std::vector<uint8_t> out(16384);
  Status st = Decode(ZlibCompress(data), out, Info(kDeflate, 128, 128));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "deflate: block decoded to 1000 bytes, expected 16384");
}

// A stream holding more than the block: libtiff (with libdeflate, as GDAL reads it) accepts it
// and keeps what libdeflate wrote; for these streams that is the whole block.
TEST(CodecDeflate, LongerStreamFillsTheBlock) {
  for (size_t extra : {size_t{1}, size_t{700}, size_t{100000}}) {
    const std::vector<uint8_t> data = Pattern(16384 + extra);
    std::vector<uint8_t> out(16384);
    Status st = Decode(ZlibCompress(data), out, Info(kDeflate, 128, 128));
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_TRUE(std::equal(out.begin(), out.end(), data.begin())) << extra;
  }
}

// ... but a longer stream that breaks before the block is full is still corrupt.
TEST(CodecDeflate, LongerStreamCutBeforeTheBlockEndsIsInvalidFile) {
  const std::vector<uint8_t> data = Pattern(40000);
  std::vector<uint8_t> z = ZlibCompress(data);
  z.resize(z.size() / 4);
  std::vector<uint8_t> out(16384);
  Status st = Decode(z, out, Info(kDeflate, 128, 128));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
}

TEST(CodecDeflate, TruncatedStreamIsInvalidFile) {
  const std::vector<uint8_t> data = Pattern(128 * 128);
  std::vector<uint8_t> z = ZlibCompress(data);
  for (size_t keep : {z.size() / 2, z.size() - 5, size_t{2}, size_t{0}}) {
    std::vector<uint8_t> cut(z.begin(), z.begin() + static_cast<std::ptrdiff_t>(keep));
    std::vector<uint8_t> out(data.size());
    Status st = Decode(cut, out, Info(kDeflate, 128, 128));
    EXPECT_EQ(st.code(), Code::kInvalidFile) << keep;
  }
}

TEST(CodecDeflate, GarbageIsInvalidFile) {
  std::vector<uint8_t> garbage(300);
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<uint8_t>(i * 37 + 11);
  std::vector<uint8_t> out(256);
  Status st = Decode(garbage, out, Info(kDeflate, 16, 16));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "deflate: corrupt or truncated stream (300 bytes)");
}

}  // namespace
}  // namespace cogr::codec
