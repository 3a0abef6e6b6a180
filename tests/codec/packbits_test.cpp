// PackBits (code 32773): the TIFF 6.0 section 9 example and malformed runs.
#include <gtest/gtest.h>

#include <vector>

#include "cogr/codec.hpp"

namespace cogr::codec {
namespace {

BlockInfo Info(uint32_t width, uint32_t height) {
  BlockInfo info;
  info.compression = kPackBits;
  info.width = width;
  info.height = height;
  return info;
}

// TIFF 6.0, section 9: "an example of packed data".
const std::vector<uint8_t> kPacked = {0xFE, 0xAA, 0x02, 0x80, 0x00, 0x2A, 0xFD, 0xAA,
                                      0x03, 0x80, 0x00, 0x2A, 0x22, 0xF7, 0xAA};
const std::vector<uint8_t> kUnpacked = {0xAA, 0xAA, 0xAA, 0x80, 0x00, 0x2A, 0xAA, 0xAA,
                                        0xAA, 0xAA, 0x80, 0x00, 0x2A, 0x22, 0xAA, 0xAA,
                                        0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};

TEST(CodecPackBits, SpecExample) {
  std::vector<uint8_t> out(kUnpacked.size());
  ASSERT_TRUE(Decode(kPacked, out, Info(24, 1)).ok());
  EXPECT_EQ(out, kUnpacked);
  // The same bytes as 2 rows of 12: PackBits runs may cross rows in a strip.
  ASSERT_TRUE(Decode(kPacked, out, Info(12, 2)).ok());
  EXPECT_EQ(out, kUnpacked);
}

TEST(CodecPackBits, NoOpHeaderAndTrailingBytes) {
  // 0x80 (-128) is skipped; bytes after the block is full are ignored, as libtiff does.
  std::vector<uint8_t> in = {0x80, 0x01, 0x10, 0x20, 0xFF, 0x30, 0x80, 0x00};
  std::vector<uint8_t> out(4);
  ASSERT_TRUE(Decode(in, out, Info(4, 1)).ok());
  EXPECT_EQ(out, (std::vector<uint8_t>{0x10, 0x20, 0x30, 0x30}));
}

TEST(CodecPackBits, ShortStreamIsInvalidFile) {
  std::vector<uint8_t> out(kUnpacked.size() + 1);
  Status st = Decode(kPacked, out, Info(25, 1));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "packbits: block decoded to 24 bytes, expected 25");
}

TEST(CodecPackBits, RunPastTheBlockIsInvalidFile) {
  std::vector<uint8_t> out(23);
  Status st = Decode(kPacked, out, Info(23, 1));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "packbits: block decodes to more than 23 bytes");
  std::vector<uint8_t> literal = {0x05, 1, 2, 3, 4, 5, 6};
  out.resize(4);
  EXPECT_EQ(Decode(literal, out, Info(4, 1)).message(),
            "packbits: block decodes to more than 4 bytes");
}

TEST(CodecPackBits, RunPastTheInputIsInvalidFile) {
  std::vector<uint8_t> out(8);
  std::vector<uint8_t> literal = {0x07, 1, 2, 3};
  Status st = Decode(literal, out, Info(8, 1));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "packbits: literal run of 8 bytes past end of stream");
  std::vector<uint8_t> repeat = {0xF9};
  EXPECT_EQ(Decode(repeat, out, Info(8, 1)).message(), "packbits: repeat run past end of stream");
}

}  // namespace
}  // namespace cogr::codec
