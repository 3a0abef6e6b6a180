#include "io/coalesce.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace cogr::io::internal {
namespace {

TEST(IoCoalesce, MergesSmallGapsAndKeepsPieceOffsets) {
  // Out of order on purpose; gaps of 10 and 1000 bytes.
  std::vector<ByteRange> ranges = {{1130, 100}, {0, 100}, {110, 20}};
  auto reqs = CoalesceRanges(ranges, 10, 1 << 20);
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].range, (ByteRange{0, 130}));
  ASSERT_EQ(reqs[0].pieces.size(), 2u);
  EXPECT_EQ(reqs[0].pieces[0].index, 1u);
  EXPECT_EQ(reqs[0].pieces[0].offset, 0u);
  EXPECT_EQ(reqs[0].pieces[1].index, 2u);
  EXPECT_EQ(reqs[0].pieces[1].offset, 110u);
  EXPECT_EQ(reqs[1].range, (ByteRange{1130, 100}));
  EXPECT_EQ(reqs[1].pieces[0].index, 0u);
  EXPECT_EQ(reqs[1].pieces[0].offset, 0u);
}

TEST(IoCoalesce, HoleLimitZeroMergesOnlyTouchingRanges) {
  std::vector<ByteRange> ranges = {{0, 10}, {10, 10}, {21, 5}};
  auto reqs = CoalesceRanges(ranges, 0, 1 << 20);
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].range, (ByteRange{0, 20}));
  EXPECT_EQ(reqs[1].range, (ByteRange{21, 5}));
}

TEST(IoCoalesce, SizeLimitSplitsButNeverSplitsARange) {
  std::vector<ByteRange> ranges = {{0, 60}, {60, 60}, {120, 500}, {620, 10}};
  auto reqs = CoalesceRanges(ranges, 100, 128);
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].range, (ByteRange{0, 120}));
  EXPECT_EQ(reqs[1].range, (ByteRange{120, 500}));  // longer than the limit: kept whole
  EXPECT_EQ(reqs[2].range, (ByteRange{620, 10}));
}

TEST(IoCoalesce, OverlapsAndDuplicatesShareBytes) {
  std::vector<ByteRange> ranges = {{100, 50}, {100, 50}, {120, 10}, {140, 40}};
  auto reqs = CoalesceRanges(ranges, 0, 1 << 20);
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].range, (ByteRange{100, 80}));
  ASSERT_EQ(reqs[0].pieces.size(), 4u);
  std::vector<uint64_t> offsets(4);
  for (const Piece& p : reqs[0].pieces) offsets[p.index] = p.offset;
  EXPECT_EQ(offsets, (std::vector<uint64_t>{0, 0, 20, 40}));
}

TEST(IoCoalesce, ZeroLengthRangesNeedNoRequest) {
  std::vector<ByteRange> ranges = {{5, 0}, {0, 0}};
  EXPECT_TRUE(CoalesceRanges(ranges, 10, 100).empty());
}

}  // namespace
}  // namespace cogr::io::internal
