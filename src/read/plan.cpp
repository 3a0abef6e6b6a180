#include "read/plan.hpp"

#include <algorithm>
#include <string>

namespace cogr::internal {

Result<std::vector<BlockJob>> PlanBlocks(const tiff::Ifd& ifd, const std::vector<int>& bands,
                                         const PixelRect& rect, bool joined_planes) {
  std::vector<BlockJob> jobs;
  if (rect.empty()) return jobs;
  if (ifd.block_width() == 0 || ifd.block_height() == 0) {
    return Status::InvalidFile("IFD at offset " + std::to_string(ifd.offset()) +
                               ": block size is 0");
  }
  const uint64_t across = ifd.blocks_across();
  const uint64_t down = ifd.blocks_down();
  const uint64_t per_plane = across * down;  // bounded: the parser checked block_count()
  const bool planar = ifd.planar_config() == 2 && ifd.samples_per_pixel() > 1;
  const bool separate = planar && !joined_planes;
  const uint16_t planes = planar && joined_planes ? ifd.samples_per_pixel() : uint16_t{1};
  const uint64_t bx0 = rect.x0 / ifd.block_width(), bx1 = (rect.x1 - 1) / ifd.block_width();
  const uint64_t by0 = rect.y0 / ifd.block_height(), by1 = (rect.y1 - 1) / ifd.block_height();

  auto make_job = [&](uint64_t bx, uint64_t by, uint64_t plane) -> Result<BlockJob> {
    BlockJob job;
    job.block_col = bx;
    job.block_row = by;
    job.block_index = plane * per_plane + by * across + bx;
    job.parts = planes;
    job.part0 = job.block_index;
    job.part_stride = per_plane;
    const uint64_t offsets =
        ifd.lazy_offsets() ? ifd.lazy_offsets()->count : ifd.block_offsets().size();
    const uint64_t counts =
        ifd.lazy_byte_counts() ? ifd.lazy_byte_counts()->count : ifd.block_byte_counts().size();
    const uint64_t last = job.block_index + (planes - 1u) * per_plane;
    if (last >= offsets || last >= counts) {
      return Status::InvalidFile("IFD at offset " + std::to_string(ifd.offset()) + ": block " +
                                 std::to_string(last) + " has no offset/byte count");
    }
    const uint64_t bx_start = bx * ifd.block_width(), by_start = by * ifd.block_height();
    job.rect.x0 = std::max(rect.x0, bx_start);
    job.rect.x1 = std::min(rect.x1, bx_start + ifd.block_width());
    job.rect.y0 = std::max(rect.y0, by_start);
    job.rect.y1 = std::min(rect.y1, by_start + ifd.block_height());
    // Tiles are always stored whole; strips stop at the image's last row.
    job.rows = static_cast<uint32_t>(
        ifd.tiled() ? ifd.block_height()
                    : std::min<uint64_t>(ifd.block_height(), ifd.height() - by_start));
    return job;
  };

  if (separate) {
    for (uint32_t out = 0; out < bands.size(); ++out) {
      for (uint64_t by = by0; by <= by1; ++by) {
        for (uint64_t bx = bx0; bx <= bx1; ++bx) {
          COGR_ASSIGN_OR_RETURN(BlockJob job, make_job(bx, by, static_cast<uint64_t>(bands[out])));
          job.band_map.emplace_back(uint16_t{0}, out);
          jobs.push_back(std::move(job));
        }
      }
    }
  } else {
    for (uint64_t by = by0; by <= by1; ++by) {
      for (uint64_t bx = bx0; bx <= bx1; ++bx) {
        COGR_ASSIGN_OR_RETURN(BlockJob job, make_job(bx, by, 0));
        for (uint32_t out = 0; out < bands.size(); ++out) {
          job.band_map.emplace_back(static_cast<uint16_t>(bands[out]), out);
        }
        jobs.push_back(std::move(job));
      }
    }
  }
  return jobs;
}

}  // namespace cogr::internal
