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

TEST(IoCoalesce, SplitAtGapsLeavesOutTheWidestGapsWithinThePartBudget) {
  // Two requests as a 1 MiB hole limit plans them: tiles of two rows of a window, and one more.
  std::vector<ByteRange> ranges = {{1000, 100}, {1100, 100}, {1300, 100},
                                   {5000, 100}, {5100, 50},  {90000, 10}};
  auto reqs = CoalesceRanges(ranges, 1 << 20, 1 << 20);
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].range, (ByteRange{1000, 89010}));

  // Gaps: 100 (1200..1300), 3600 (1400..5000), 84850 (5150..90000). Budget 3 parts: the two
  // widest gaps are left out, the 100-byte one stays.
  auto three = SplitAtGaps(reqs, 50, 3);
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[0].range, (ByteRange{1000, 400}));
  EXPECT_EQ(three[1].range, (ByteRange{5000, 150}));
  EXPECT_EQ(three[2].range, (ByteRange{90000, 10}));
  ASSERT_EQ(three[0].pieces.size(), 3u);
  EXPECT_EQ(three[0].pieces[2].index, 2u);
  EXPECT_EQ(three[0].pieces[2].offset, 300u);
  ASSERT_EQ(three[1].pieces.size(), 2u);
  EXPECT_EQ(three[1].pieces[0].index, 3u);
  EXPECT_EQ(three[1].pieces[0].offset, 0u);
  EXPECT_EQ(three[1].pieces[1].index, 4u);
  EXPECT_EQ(three[1].pieces[1].offset, 100u);
  EXPECT_EQ(three[2].pieces[0].index, 5u);
  EXPECT_EQ(three[2].pieces[0].offset, 0u);

  // Budget 2: only the widest gap; gaps at or under min_gap never split; no budget: unchanged.
  auto two = SplitAtGaps(reqs, 50, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].range, (ByteRange{1000, 4150}));
  EXPECT_EQ(two[1].range, (ByteRange{90000, 10}));
  auto wide = SplitAtGaps(reqs, 3600, 16);
  ASSERT_EQ(wide.size(), 2u);
  EXPECT_EQ(wide[0].range, (ByteRange{1000, 4150}));
  EXPECT_EQ(SplitAtGaps(reqs, 50, 1).size(), 1u);

  // Merging back as single requests would plan them gives the original request.
  auto merged = MergeRequests(three, 1 << 20, 1 << 20);
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].range, reqs[0].range);
  ASSERT_EQ(merged[0].pieces.size(), reqs[0].pieces.size());
  for (size_t k = 0; k < merged[0].pieces.size(); ++k) {
    EXPECT_EQ(merged[0].pieces[k].index, reqs[0].pieces[k].index);
    EXPECT_EQ(merged[0].pieces[k].offset, reqs[0].pieces[k].offset);
    EXPECT_EQ(merged[0].pieces[k].length, reqs[0].pieces[k].length);
  }
  // The limits of a single request still apply when merging.
  EXPECT_EQ(MergeRequests(three, 3600, 1 << 20).size(), 2u);
  EXPECT_EQ(MergeRequests(three, 1 << 20, 4200).size(), 2u);
}

TEST(IoCoalesce, SplitAtGapsKeepsOverlappingPiecesTogether) {
  // A piece reaching past the next one: the gap is measured from the furthest end so far.
  std::vector<ByteRange> ranges = {{0, 500}, {100, 10}, {600, 10}};
  auto reqs = SplitAtGaps(CoalesceRanges(ranges, 1000, 1 << 20), 50, 16);
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].range, (ByteRange{0, 500}));
  EXPECT_EQ(reqs[1].range, (ByteRange{600, 10}));
}

}  // namespace
}  // namespace cogr::io::internal
