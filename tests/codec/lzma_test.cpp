// LZMA (code 34925): round trips through liblzma's .xz encoder, strict sizes.
#include <gtest/gtest.h>

#include <vector>

#include "cogr/codec.hpp"

#ifdef COGR_TEST_HAVE_LZMA
#include <lzma.h>
#endif

namespace cogr::codec {
namespace {

#ifdef COGR_TEST_HAVE_LZMA

std::vector<uint8_t> XzCompress(const std::vector<uint8_t>& data, uint32_t preset = 6) {
  std::vector<uint8_t> out(lzma_stream_buffer_bound(data.size()));
  size_t pos = 0;
  EXPECT_EQ(lzma_easy_buffer_encode(preset, LZMA_CHECK_CRC32, nullptr, data.data(), data.size(),
                                    out.data(), &pos, out.size()),
            LZMA_OK);
  out.resize(pos);
  return out;
}

BlockInfo Info(uint32_t width, uint32_t height) {
  BlockInfo info;
  info.compression = kLzma;
  info.width = width;
  info.height = height;
  return info;
}

TEST(CodecLzma, RoundTrip) {
  std::vector<uint8_t> data(96 * 80);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>((i % 96) * 3 + (i / 96));
  for (uint32_t preset : {0u, 6u}) {
    std::vector<uint8_t> out(data.size());
    ASSERT_TRUE(Decode(XzCompress(data, preset), out, Info(96, 80)).ok());
    EXPECT_EQ(out, data);
    // Twice on the same thread: the decoder state is reused.
    std::fill(out.begin(), out.end(), 0);
    ASSERT_TRUE(Decode(XzCompress(data, preset), out, Info(96, 80)).ok());
    EXPECT_EQ(out, data);
  }
}

TEST(CodecLzma, WrongSizesAndTruncationAreInvalidFile) {
  std::vector<uint8_t> out(16384);
  Status st = Decode(XzCompress(std::vector<uint8_t>(1000, 9)), out, Info(128, 128));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "lzma: block decoded to 1000 bytes, expected 16384");
  st = Decode(XzCompress(std::vector<uint8_t>(20000, 9)), out, Info(128, 128));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "lzma: block decodes to more than 16384 bytes");
  std::vector<uint8_t> z = XzCompress(std::vector<uint8_t>(16384, 9));
  z.resize(z.size() - 10);
  EXPECT_EQ(Decode(z, out, Info(128, 128)).code(), Code::kInvalidFile);
  std::vector<uint8_t> garbage(64, 0x33);
  EXPECT_EQ(Decode(garbage, out, Info(128, 128)).code(), Code::kInvalidFile);
}

#else
TEST(CodecLzma, NotBuilt) { GTEST_SKIP() << "tests built without liblzma"; }
#endif

}  // namespace
}  // namespace cogr::codec
