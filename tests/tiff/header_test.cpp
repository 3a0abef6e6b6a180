// ParseHeader and TagTypeSize.
#include <gtest/gtest.h>

#include <vector>

#include "cogr/tiff.hpp"

namespace cogr::tiff {
namespace {

Result<Header> Parse(const std::vector<uint8_t>& b) { return ParseHeader(ByteSpan(b)); }

TEST(TiffHeader, ClassicBothByteOrders) {
  auto le = Parse({'I', 'I', 42, 0, 0x10, 0x20, 0x30, 0x40});
  ASSERT_TRUE(le.ok()) << le.status().ToString();
  EXPECT_EQ(ByteOrder::kLittle, le->byte_order);
  EXPECT_FALSE(le->bigtiff);
  EXPECT_EQ(0x40302010u, le->first_ifd_offset);
  EXPECT_EQ(8u, le->size_bytes());

  auto be = Parse({'M', 'M', 0, 42, 0x10, 0x20, 0x30, 0x40});
  ASSERT_TRUE(be.ok()) << be.status().ToString();
  EXPECT_EQ(ByteOrder::kBig, be->byte_order);
  EXPECT_EQ(0x10203040u, be->first_ifd_offset);
}

TEST(TiffHeader, BigTiffBothByteOrders) {
  auto le = Parse({'I', 'I', 43, 0, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8});
  ASSERT_TRUE(le.ok()) << le.status().ToString();
  EXPECT_TRUE(le->bigtiff);
  EXPECT_EQ(0x0807060504030201u, le->first_ifd_offset);
  EXPECT_EQ(16u, le->size_bytes());

  auto be = Parse({'M', 'M', 0, 43, 0, 8, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8});
  ASSERT_TRUE(be.ok()) << be.status().ToString();
  EXPECT_TRUE(be->bigtiff);
  EXPECT_EQ(ByteOrder::kBig, be->byte_order);
  EXPECT_EQ(0x0102030405060708u, be->first_ifd_offset);
}

TEST(TiffHeader, Errors) {
  auto r = Parse({'G', 'I', 'F', '8', '9', 'a', 0, 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kInvalidFile, r.status().code());
  EXPECT_EQ("not a TIFF file (bad magic 47 49 46 38)", r.status().message());

  r = Parse({'I', 'I', 41, 0, 8, 0, 0, 0});  // right byte order mark, wrong version
  ASSERT_FALSE(r.ok());
  EXPECT_EQ("not a TIFF file (bad magic 49 49 29 00, version 41)", r.status().message());

  r = Parse({'I', 'M', 42, 0, 8, 0, 0, 0});  // mixed byte order mark
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kInvalidFile, r.status().code());
  EXPECT_NE(std::string::npos, r.status().message().find("bad magic"));

  r = Parse({'I', 'I', 42, 0, 8});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kInvalidFile, r.status().code());
  EXPECT_EQ("truncated header (5 bytes, classic TIFF needs 8)", r.status().message());

  r = Parse({'M', 'M', 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ("truncated header (3 bytes)", r.status().message());

  r = Parse({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ("truncated header (0 bytes)", r.status().message());

  r = Parse({'I', 'I', 43, 0, 8, 0, 0, 0, 16, 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ("truncated header (10 bytes, BigTIFF needs 16)", r.status().message());

  r = Parse({'I', 'I', 43, 0, 4, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kInvalidFile, r.status().code());
  EXPECT_EQ("BigTIFF header: offset byte size 4 (expected 8)", r.status().message());

  r = Parse({'I', 'I', 43, 0, 8, 0, 1, 0, 16, 0, 0, 0, 0, 0, 0, 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ("BigTIFF header: reserved field 1 (expected 0)", r.status().message());
}

TEST(TiffHeader, TagTypeSizes) {
  EXPECT_EQ(1u, TagTypeSize(TagType::kByte));
  EXPECT_EQ(1u, TagTypeSize(TagType::kAscii));
  EXPECT_EQ(2u, TagTypeSize(TagType::kShort));
  EXPECT_EQ(4u, TagTypeSize(TagType::kLong));
  EXPECT_EQ(8u, TagTypeSize(TagType::kRational));
  EXPECT_EQ(1u, TagTypeSize(TagType::kSByte));
  EXPECT_EQ(1u, TagTypeSize(TagType::kUndefined));
  EXPECT_EQ(2u, TagTypeSize(TagType::kSShort));
  EXPECT_EQ(4u, TagTypeSize(TagType::kSLong));
  EXPECT_EQ(8u, TagTypeSize(TagType::kSRational));
  EXPECT_EQ(4u, TagTypeSize(TagType::kFloat));
  EXPECT_EQ(8u, TagTypeSize(TagType::kDouble));
  EXPECT_EQ(4u, TagTypeSize(TagType::kIfd));
  EXPECT_EQ(8u, TagTypeSize(TagType::kLong8));
  EXPECT_EQ(8u, TagTypeSize(TagType::kSLong8));
  EXPECT_EQ(8u, TagTypeSize(TagType::kIfd8));
  EXPECT_EQ(0u, TagTypeSize(static_cast<TagType>(0)));
  EXPECT_EQ(0u, TagTypeSize(static_cast<TagType>(14)));
  EXPECT_EQ(0u, TagTypeSize(static_cast<TagType>(999)));
}

}  // namespace
}  // namespace cogr::tiff
