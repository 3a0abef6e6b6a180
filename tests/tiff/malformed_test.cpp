// Hand-made broken files (tests/data/malformed/, written by tests/data/make_malformed.py):
// each must give a clean error with the right code and the numbers that explain it.
#include <gtest/gtest.h>

#include <string>

#include "cogr/tiff.hpp"
#include "test_util.hpp"
#include "tiff/ifd_parse.hpp"
#include "tiff/tiff_test_util.hpp"

namespace cogr::tiff {
namespace {

using cogr::test::DataPath;
using cogr::test::OpenData;
using cogr::test::ReadFileBytes;

struct Case {
  const char* file;
  Code code;
  const char* message;
};

class TiffMalformed : public ::testing::TestWithParam<Case> {};

TEST_P(TiffMalformed, CleanError) {
  const Case& c = GetParam();
  const std::string name = std::string("malformed/") + c.file;
  ASSERT_FALSE(ReadFileBytes(DataPath(name)).empty()) << "run tests/data/make_malformed.py";
  auto tf = OpenData(name);
  ASSERT_FALSE(tf.ok()) << c.file << " opened";
  EXPECT_EQ(c.code, tf.status().code()) << tf.status().ToString();
  EXPECT_EQ(c.message, tf.status().message());
  // Tiny prefixes take the NeedBytes path: same verdict.
  auto small = OpenData(name, Limits(), 16);
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(tf.status().message(), small.status().message());
}

INSTANTIATE_TEST_SUITE_P(
    Tiff, TiffMalformed,
    ::testing::Values(
        Case{"truncated_header.tif", Code::kInvalidFile,
             "truncated header (6 bytes, classic TIFF needs 8)"},
        Case{"bad_magic.tif", Code::kInvalidFile, "not a TIFF file (bad magic 47 49 46 38)"},
        Case{"first_ifd_past_eof.tif", Code::kInvalidFile,
             "first IFD offset 100000 past end of file (size 64)"},
        Case{"entry_count_ffff.tif", Code::kInvalidFile,
             "IFD at offset 8: 65535 entries need bytes [8, 786430) past end of file (size 64)"},
        Case{"bigtiff_tag_count_overflow.tif", Code::kInvalidFile,
             "IFD at offset 16: tag 324 count 2305843009213693953 x 8 bytes overflows"},
        Case{"tile_offsets_short.tif", Code::kInvalidFile,
             "IFD at offset 8: tag 324 has 3 tile offsets, 4 blocks need one each"},
        Case{"width_zero.tif", Code::kInvalidFile, "IFD at offset 8: image size 0x16"},
        Case{"tile_width_zero.tif", Code::kInvalidFile, "IFD at offset 8: tile size 0x16"},
        Case{"value_offset_past_eof.tif", Code::kInvalidFile,
             "IFD at offset 8: tag 324 value [5000, 5016) past end of file (size 103)"},
        Case{"bigtiff_bad_bytesize.tif", Code::kInvalidFile,
             "BigTIFF header: offset byte size 4 (expected 8)"}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      std::string name = param_info.param.file;
      name = name.substr(0, name.rfind('.'));
      return name;
    });

TEST(TiffMalformedChain, SelfCyclingTwoIfds) {
  auto tf = OpenData("malformed/self_cycling_2ifds.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  EXPECT_TRUE(tf->ifd_loop);
  ASSERT_EQ(2u, tf->ifds.size());
  EXPECT_EQ(8u, tf->ifds[0].offset());
  EXPECT_EQ(8u, tf->ifds[1].next_ifd_offset());  // points back at the first
}

TEST(TiffMalformedChain, RealSelfCyclingFile) {
  // libertiff's self_cycling.tif: the only IFD names itself as next; GDAL reads 1 IFD.
  auto tf = OpenData("libertiff__self_cycling.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  EXPECT_TRUE(tf->ifd_loop);
  EXPECT_EQ(1u, tf->ifds.size());
}

TEST(TiffMalformedChain, NextIfdPastEofEndsTheChain) {
  auto tf = OpenData("malformed/next_ifd_past_eof.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  ASSERT_EQ(1u, tf->ifds.size());
  EXPECT_EQ(99999u, tf->ifds[0].next_ifd_offset());
  EXPECT_FALSE(tf->ifd_loop);
}

TEST(TiffMalformedChain, ChainLongerThanMaxIfds) {
  Limits limits;
  limits.max_ifds = 64;
  auto tf = OpenData("malformed/chain_70_ifds.tif", limits);
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(Code::kLimitExceeded, tf.status().code());
  EXPECT_EQ("more than 64 IFDs (limit 64)", tf.status().message());
  // With the default limit all 70 are read.
  tf = OpenData("malformed/chain_70_ifds.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  EXPECT_EQ(70u, tf->ifds.size());
}

TEST(TiffMalformedChain, TightTagLimitRejectsBigDescription) {
  auto tf = OpenData("malformed/big_description.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  ASSERT_TRUE(tf->ifds[0].image_description().has_value());
  EXPECT_EQ(std::string(2999, 'x'), *tf->ifds[0].image_description());

  Limits limits;
  limits.max_tag_bytes = 1024;
  tf = OpenData("malformed/big_description.tif", limits);
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(Code::kLimitExceeded, tf.status().code());
  EXPECT_EQ("IFD at offset 8: tag 270 count 3000 x 1 bytes = 3000 > limit 1024",
            tf.status().message());
}

}  // namespace
}  // namespace cogr::tiff
