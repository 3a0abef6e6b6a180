#include "read/plan.hpp"

#include <gtest/gtest.h>

#include "tiff/ifd_fields.hpp"

namespace cogr::internal {
namespace {

tiff::Ifd TiledIfd(uint64_t w, uint64_t h, uint64_t bw, uint64_t bh, uint16_t spp,
                   uint16_t planar) {
  tiff::Ifd ifd;
  internal::IfdFields& f = internal::MutableFields(ifd);
  f.width = w;
  f.height = h;
  f.block_width = bw;
  f.block_height = bh;
  f.tiled = true;
  f.samples_per_pixel = spp;
  f.planar_config = planar;
  uint64_t n = ((w + bw - 1) / bw) * ((h + bh - 1) / bh) * (planar == 2 ? spp : 1);
  f.block_offsets.assign(n, 1000);
  f.block_byte_counts.assign(n, 10);
  return ifd;
}

TEST(ReadPlanTest, WindowAcrossFourTiles) {
  // 200x169 image, 128x128 tiles: 2x2 grid. Window cols [100,150) rows [120,140).
  auto ifd = TiledIfd(200, 169, 128, 128, 1, 1);
  auto jobs = PlanBlocks(ifd, {0}, PixelRect{100, 120, 150, 140});
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 4u);
  EXPECT_EQ((*jobs)[0].block_index, 0u);
  EXPECT_EQ((*jobs)[0].rect.x0, 100u);
  EXPECT_EQ((*jobs)[0].rect.x1, 128u);
  EXPECT_EQ((*jobs)[0].rect.y1, 128u);
  EXPECT_EQ((*jobs)[3].block_index, 3u);
  EXPECT_EQ((*jobs)[3].rect.x0, 128u);
  EXPECT_EQ((*jobs)[3].rect.y0, 128u);
  EXPECT_EQ((*jobs)[3].rows, 128u);  // tiles are stored whole
}

TEST(ReadPlanTest, SeparatePlanesGetOneJobPerBand) {
  auto ifd = TiledIfd(256, 256, 128, 128, 3, 2);
  auto jobs = PlanBlocks(ifd, {2, 0}, PixelRect{0, 0, 10, 10});
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].block_index, 8u);  // plane 2 starts at 2 * 4 blocks
  EXPECT_EQ((*jobs)[0].band_map[0], (std::pair<uint16_t, uint32_t>{0, 0}));
  EXPECT_EQ((*jobs)[1].block_index, 0u);
  EXPECT_EQ((*jobs)[1].band_map[0], (std::pair<uint16_t, uint32_t>{0, 1}));
}

TEST(ReadPlanTest, JoinedPlanesGetOneJobPerPositionNamingEveryPlane) {
  // 4 planes of a 2x2 tile grid: plane p of position k is table entry p * 4 + k.
  auto ifd = TiledIfd(256, 256, 128, 128, 4, 2);
  internal::IfdFields& f = internal::MutableFields(ifd);
  auto jobs = PlanBlocks(ifd, {3, 0}, PixelRect{100, 130, 200, 140}, /*joined_planes=*/true);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 2u);  // positions 2 and 3 (second tile row)
  EXPECT_EQ((*jobs)[0].block_index, 2u);
  EXPECT_EQ((*jobs)[1].block_index, 3u);
  for (const BlockJob& job : *jobs) {
    EXPECT_EQ(job.parts, 4u);
    EXPECT_EQ(job.part_stride, 4u);
    // Bands index the decoded (RGBA) block like a pixel-interleaved one.
    EXPECT_EQ(job.band_map, (std::vector<std::pair<uint16_t, uint32_t>>{{3, 0}, {0, 1}}));
  }
  // The last plane's entries must exist too.
  f.block_offsets.resize(15);
  f.block_byte_counts.resize(15);
  jobs = PlanBlocks(ifd, {0}, PixelRect{200, 200, 210, 210}, true);
  ASSERT_FALSE(jobs.ok());
  EXPECT_NE(jobs.status().message().find("block 15 has no offset/byte count"), std::string::npos)
      << jobs.status().message();
  // Without joined planes (or pixel-interleaved) nothing changes.
  EXPECT_EQ(PlanBlocks(TiledIfd(256, 256, 128, 128, 4, 1), {0}, PixelRect{0, 0, 10, 10}, true)
                ->at(0)
                .parts,
            1u);
}

TEST(ReadPlanTest, LastStripIsShort) {
  tiff::Ifd ifd = TiledIfd(10, 30, 10, 13, 1, 1);
  internal::IfdFields& f = internal::MutableFields(ifd);
  f.tiled = false;
  // Strips are rows [0,13), [13,26), [26,30).
  auto jobs = PlanBlocks(ifd, {0}, PixelRect{0, 14, 10, 26});
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].block_index, 1u);
  EXPECT_EQ((*jobs)[0].rows, 13u);
  jobs = PlanBlocks(ifd, {0}, PixelRect{0, 25, 10, 30});
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[1].block_index, 2u);
  EXPECT_EQ((*jobs)[1].rows, 4u);  // 30 - 26
  jobs = PlanBlocks(ifd, {0}, PixelRect{0, 29, 10, 30});
  EXPECT_EQ((*jobs)[0].block_index, 2u);
  EXPECT_EQ((*jobs)[0].rows, 4u);  // 30 - 26
}

TEST(ReadPlanTest, MissingBlockTableEntryIsAnError) {
  auto ifd = TiledIfd(256, 256, 128, 128, 1, 1);
  internal::IfdFields& f = internal::MutableFields(ifd);
  f.block_offsets.resize(2);
  auto jobs = PlanBlocks(ifd, {0}, PixelRect{0, 200, 10, 210});
  ASSERT_FALSE(jobs.ok());
  EXPECT_EQ(jobs.status().code(), Code::kInvalidFile);
  EXPECT_NE(jobs.status().message().find("block 2 has no offset"), std::string::npos);
}

}  // namespace
}  // namespace cogr::internal
