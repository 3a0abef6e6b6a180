// ZSTD (code 50000): round trips through libzstd, strict sizes and decompression bombs.
#include <gtest/gtest.h>

#include <vector>

#include "cogr/codec.hpp"

#ifdef COGR_TEST_HAVE_ZSTD
#include <zstd.h>
#endif

namespace cogr::codec {
namespace {

#ifdef COGR_TEST_HAVE_ZSTD

std::vector<uint8_t> ZstdCompress(const std::vector<uint8_t>& data, int level = 3) {
  std::vector<uint8_t> out(ZSTD_compressBound(data.size()));
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level));
  return out;
}

// A frame of `total` zero bytes built in 1 MiB pieces, so the test never holds `total` bytes.
// With `pledge` the frame header declares its size; without, the size is unknown.
std::vector<uint8_t> ZeroFrame(size_t total, bool pledge) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  if (pledge) ZSTD_CCtx_setPledgedSrcSize(c, total);
  std::vector<uint8_t> chunk(1 << 20, 0);
  std::vector<uint8_t> frame;
  std::vector<uint8_t> buf(ZSTD_CStreamOutSize());
  size_t fed = 0;
  while (true) {
    const size_t n = std::min(chunk.size(), total - fed);
    const bool last = fed + n == total;
    ZSTD_inBuffer in{chunk.data(), n, 0};
    size_t remaining;
    do {
      ZSTD_outBuffer out{buf.data(), buf.size(), 0};
      remaining = ZSTD_compressStream2(c, &out, &in, last ? ZSTD_e_end : ZSTD_e_continue);
      frame.insert(frame.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(out.pos));
    } while (last ? remaining != 0 : in.pos < in.size);
    fed += n;
    if (last) break;
  }
  ZSTD_freeCCtx(c);
  return frame;
}

BlockInfo Info(uint32_t width, uint32_t height, uint16_t bits = 8) {
  BlockInfo info;
  info.compression = kZstd;
  info.width = width;
  info.height = height;
  info.bits_per_sample = bits;
  return info;
}

TEST(CodecZstd, RoundTrip) {
  std::vector<uint8_t> data(128 * 128);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>((i * i) >> 5);
  for (int level : {1, 3, 19}) {
    std::vector<uint8_t> out(data.size());
    ASSERT_TRUE(Decode(ZstdCompress(data, level), out, Info(128, 128)).ok());
    EXPECT_EQ(out, data);
  }
}

TEST(CodecZstd, ShortAndLongFramesAreInvalidFile) {
  std::vector<uint8_t> out(16384);
  Status st = Decode(ZstdCompress(std::vector<uint8_t>(1000, 3)), out, Info(128, 128));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "zstd: block decoded to 1000 bytes, expected 16384");
  st = Decode(ZstdCompress(std::vector<uint8_t>(16385, 3)), out, Info(128, 128));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "zstd: frame declares 16385 bytes, block holds 16384");
}

TEST(CodecZstd, BombWithDeclaredSizeIsRejectedUpFront) {
  const std::vector<uint8_t> bomb = ZeroFrame(100u << 20, /*pledge=*/true);
  ASSERT_LT(bomb.size(), 64u * 1024u);  // 100 MiB of zeros compress to a few KiB
  std::vector<uint8_t> out(16384);
  Status st = Decode(bomb, out, Info(128, 128));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "zstd: frame declares 104857600 bytes, block holds 16384");
}

TEST(CodecZstd, BombWithoutDeclaredSizeStopsAtTheBlock) {
  const std::vector<uint8_t> bomb = ZeroFrame(100u << 20, /*pledge=*/false);
  ASSERT_EQ(ZSTD_getFrameContentSize(bomb.data(), bomb.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  std::vector<uint8_t> out(16384);
  Status st = Decode(bomb, out, Info(128, 128));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "zstd: block decodes to more than 16384 bytes");
}

TEST(CodecZstd, TruncatedAndCorruptFramesAreInvalidFile) {
  std::vector<uint8_t> data(4096);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 ^ (i >> 3));
  std::vector<uint8_t> z = ZstdCompress(data);
  std::vector<uint8_t> out(data.size());
  std::vector<uint8_t> cut(z.begin(), z.end() - 3);
  EXPECT_EQ(Decode(cut, out, Info(64, 64)).code(), Code::kInvalidFile);
  std::vector<uint8_t> garbage(100, 0x5A);
  EXPECT_EQ(Decode(garbage, out, Info(64, 64)).code(), Code::kInvalidFile);
  EXPECT_EQ(Decode({}, out, Info(64, 64)).code(), Code::kInvalidFile);
}

#else
TEST(CodecZstd, NotBuilt) { GTEST_SKIP() << "tests built without libzstd"; }
#endif

}  // namespace
}  // namespace cogr::codec
