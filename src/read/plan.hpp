// read::plan — which blocks a window touches and which part of each it needs.
#pragma once

#include <cstdint>
#include <vector>

#include "cogr/status.hpp"
#include "cogr/tiff.hpp"

namespace cogr::internal {

/// A rectangle of pixels in image coordinates: [x0, x1) x [y0, y1).
struct PixelRect {
  uint64_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  uint64_t width() const { return x1 - x0; }
  uint64_t height() const { return y1 - y0; }
  bool empty() const { return x1 <= x0 || y1 <= y0; }
};

/// One block to fetch+decode, and where its samples go.
struct BlockJob {
  uint64_t block_index = 0;  ///< index into the block tables (Ifd::block_offsets or lazy_offsets)
  uint64_t block_col = 0, block_row = 0;
  uint32_t rows = 0;  ///< rows stored in the block (a last strip may be short)
  PixelRect rect;     ///< the part of the block the read needs (image coordinates)
  /// (sample index inside the decoded block, output band index) pairs.
  std::vector<std::pair<uint16_t, uint32_t>> band_map;
  /// Above 1: the block is decoded from `parts` stored blocks, part p at table index
  /// part0 + p * part_stride: every plane at this position (band-interleaved images libtiff
  /// converts to RGBA, see PlanBlocks' `joined_planes`), or with `strip_parts` the strips
  /// 0..k of an old-style JPEG, the job then covering `rows` rows from block_row's strip on.
  uint32_t parts = 1;
  uint64_t part0 = 0;
  uint64_t part_stride = 0;
  bool strip_parts = false;
};

/// Lists the blocks of `ifd` that `rect` (inside the image) touches for the 0-based `bands`,
/// in block order. Planar-separate files get one job per (band, block); contiguous files one
/// job per block carrying every requested band. With `joined_planes` (a planar-separate image
/// whose planes decode together, e.g. CMYK converted to RGBA), one job per block position
/// carries every requested band of the decoded block and names every plane's block.
/// Fails if the block tables are too short.
Result<std::vector<BlockJob>> PlanBlocks(const tiff::Ifd& ifd, const std::vector<int>& bands,
                                         const PixelRect& rect, bool joined_planes = false);

}  // namespace cogr::internal
