// read::assemble: decoded blocks copied into (bands, h, w) arrays, in particular the one-pass
// split of pixel-interleaved uint8 RGB/RGBA blocks into planes (SIMD on x86 with a scalar tail).
#include "read/assemble.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace cogr::internal {
namespace {

// A block_w x block_h block of `samples` interleaved uint8 samples, value = f(x, y, s).
std::vector<uint8_t> MakeBlock(uint64_t block_w, uint64_t block_h, uint32_t samples) {
  std::vector<uint8_t> b(block_w * block_h * samples);
  for (uint64_t y = 0; y < block_h; ++y) {
    for (uint64_t x = 0; x < block_w; ++x) {
      for (uint32_t s = 0; s < samples; ++s)
        b[(y * block_w + x) * samples + s] = static_cast<uint8_t>(x * 7 + y * 13 + s * 101);
    }
  }
  return b;
}

TEST(Assemble, InterleavedUint8SplitsIntoPlanesForEveryWidth) {
  constexpr uint64_t kBlock = 64;
  for (uint32_t samples : {3u, 4u}) {
    const std::vector<uint8_t> block = MakeBlock(kBlock, kBlock, samples);
    // Widths around the 16-pixel SIMD step, at unaligned offsets, and band orders.
    for (uint64_t x0 : {0u, 1u, 5u, 17u}) {
      for (uint64_t width : {1u, 15u, 16u, 17u, 31u, 32u, 33u, 47u}) {
        if (x0 + width > kBlock) continue;
        BlockJob job;
        job.block_col = 1;  // block at image x 64, y 0
        job.rows = kBlock;
        job.rect = PixelRect{kBlock + x0, 2, kBlock + x0 + width, 5};
        for (uint32_t s = 0; s < samples; ++s)
          job.band_map.emplace_back(static_cast<uint16_t>(s), samples - 1 - s);
        Array out;
        out.dtype = DataType::kUInt8;
        out.bands = samples;
        out.height = 3;
        out.width = width;
        out.data.assign(samples * 3 * width, 0xEE);
        AssembleBlock(job, block, kBlock, kBlock, samples, ArrayView::Of(out),
                      OutputPlace{static_cast<int64_t>(kBlock + x0), 2});
        size_t wrong = 0;
        for (uint32_t s = 0; s < samples; ++s) {
          const uint32_t band = samples - 1 - s;
          for (uint64_t y = 0; y < 3; ++y) {
            for (uint64_t x = 0; x < width; ++x) {
              const uint8_t want = static_cast<uint8_t>((x0 + x) * 7 + (y + 2) * 13 + s * 101);
              wrong += out.data[(band * 3 + y) * width + x] != want;
            }
          }
        }
        EXPECT_EQ(wrong, 0u) << samples << " samples, x0 " << x0 << ", width " << width;
      }
    }
  }
}

TEST(Assemble, RowsOfABandLandOnlyWhereTheWindowIs) {
  // AssembleRows with rows 16..31 of a block: only window rows among them are written.
  constexpr uint64_t kBlock = 64;
  const std::vector<uint8_t> block = MakeBlock(kBlock, kBlock, 3);
  BlockJob job;
  job.rows = kBlock;
  job.rect = PixelRect{0, 20, 40, 50};
  for (uint16_t s = 0; s < 3; ++s) job.band_map.emplace_back(s, s);
  Array out;
  out.dtype = DataType::kUInt8;
  out.bands = 3;
  out.height = 30;
  out.width = 40;
  out.data.assign(3 * 30 * 40, 0xEE);
  const ByteSpan band(block.data() + 16 * kBlock * 3, 16 * kBlock * 3);
  AssembleRows(job, band, 16, 16, kBlock, kBlock, 3, ArrayView::Of(out), OutputPlace{0, 20});
  for (uint64_t y = 0; y < 30; ++y) {
    const bool written = y + 20 < 32;
    EXPECT_EQ(out.data[(1 * 30 + y) * 40 + 3],
              written ? static_cast<uint8_t>(3 * 7 + (y + 20) * 13 + 101) : 0xEE)
        << "row " << y;
  }
}

TEST(Assemble, FillBlockWritesTheValueOnlyInsideTheRect) {
  // A sparse block's part of a window, for values whose bytes differ (and one that memsets), at
  // widths that are not powers of two, in an array larger than the rect.
  struct Case {
    DataType dtype;
    double value;
  };
  for (const Case c : {Case{DataType::kFloat32, -9999.5}, Case{DataType::kUInt16, 300},
                       Case{DataType::kFloat64, 1e300}, Case{DataType::kInt32, 0}}) {
    for (uint64_t width : {uint64_t{1}, uint64_t{3}, uint64_t{37}, uint64_t{64}}) {
      const uint64_t sb = DataTypeSize(c.dtype);
      Array out;
      out.dtype = c.dtype;
      out.bands = 2;
      out.height = 12;
      out.width = 70;
      out.data.assign(2 * 12 * 70 * sb, 0xEE);
      BlockJob job;
      job.rect = PixelRect{105, 203, 105 + width, 210};
      job.band_map.emplace_back(0, 1);  // only band 1 of the array
      FillBlock(job, c.value, ArrayView::Of(out), OutputPlace{100, 200});
      Array one;
      one.dtype = c.dtype;
      one.bands = one.height = one.width = 1;
      one.data.assign(sb, 0);
      FillArray(ArrayView::Of(one), c.value);
      for (uint64_t b = 0; b < 2; ++b) {
        for (uint64_t y = 0; y < 12; ++y) {
          for (uint64_t x = 0; x < 70; ++x) {
            const bool inside = b == 1 && y >= 3 && y < 10 && x >= 5 && x < 5 + width;
            const uint8_t* at = out.data.data() + ((b * 12 + y) * 70 + x) * sb;
            for (uint64_t k = 0; k < sb; ++k) {
              ASSERT_EQ(at[k], inside ? one.data[k] : 0xEE)
                  << DataTypeName(c.dtype) << " width " << width << " band " << b << " row " << y
                  << " col " << x;
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace cogr::internal
