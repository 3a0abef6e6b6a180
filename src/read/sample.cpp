// read: Dataset::Sample — rasterio's sample() at many points, batched per block: the points
// are grouped by the block that holds them and each touched block is read once.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <new>
#include <vector>

#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"
#include "read/assemble.hpp"
#include "util/alloc_guard.hpp"
#include "util/checked.hpp"

namespace cogr {

Result<Array> Dataset::Sample(const std::vector<std::pair<double, double>>& points,
                              const SampleOptions& options) const {
  if (options.crs) {
    COGR_ASSIGN_OR_RETURN(geo::Crs own, crs());
    if (!geo::SameCrs(*options.crs, own)) {
      auto moved = geo::TransformPoints(*options.crs, own, points);
      if (!moved.ok())
        return Status(moved.status().code(), uri() + ": points: " + moved.status().message());
      SampleOptions rest = options;
      rest.crs.reset();
      return Sample(*moved, rest);
    }
  }
  std::vector<int> bands = options.bands;
  if (bands.empty()) {
    for (int b = 1; b <= count_; ++b) bands.push_back(b);
  }
  for (int b : bands) {
    if (b < 1 || b > count_) {
      return Status::OutOfRange(uri() + ": band " + std::to_string(b) + " out of range (file has " +
                                std::to_string(count_) + " bands; bands are 1-based)");
    }
  }
  const double det = transform_.a * transform_.e - transform_.b * transform_.d;
  if (det == 0 || !std::isfinite(det)) {
    return Status::InvalidArgument(uri() +
                                   ": the transform is not invertible, points cannot be sampled");
  }
  return internal::GuardAlloc(
      [&]() -> Result<Array> {
        Array out;
        out.dtype = dtype_;
        out.bands = 1;
        out.height = points.size();
        out.width = bands.size();
        const size_t sb = DataTypeSize(dtype_);
        auto bytes = internal::CheckedMul(out.height, out.width);
        if (bytes) bytes = internal::CheckedMul(*bytes, sb);
        if (!bytes || *bytes > options_.limits.max_read_bytes) {
          return Status::LimitExceeded(uri() + ": sample of " + std::to_string(points.size()) +
                                       " points x " + std::to_string(bands.size()) +
                                       " bands exceeds max_read_bytes " +
                                       std::to_string(options_.limits.max_read_bytes));
        }
        out.data.resize(static_cast<size_t>(*bytes));
        out.transform = transform_;

        // rasterio yields `dataset.nodata or 0` for points outside the image.
        std::vector<uint8_t> outside(sb);
        internal::StoreScalar(dtype_, nodata_.value_or(0.0), outside.data());

        // Points inside the image, grouped by block (row-major block index).
        const tiff::Ifd& main = tiff_.ifds[0];
        const uint64_t bw = main.block_width(), bh = main.block_height();
        struct Hit {
          size_t point;
          uint64_t row, col;
        };
        std::map<uint64_t, std::vector<Hit>> by_block;
        const uint64_t across = main.blocks_across();
        for (size_t i = 0; i < points.size(); ++i) {
          auto rc =
              geo::RowCol(transform_, points[i].first, points[i].second, geo::RoundOp::kFloor);
          const bool inside = rc.ok() && rc->first >= 0 && rc->second >= 0 &&
                              static_cast<uint64_t>(rc->first) < height() &&
                              static_cast<uint64_t>(rc->second) < width();
          if (!inside) {
            // Out of the image (or too far for an index, or NaN): nodata, as rasterio.
            for (size_t b = 0; b < bands.size(); ++b)
              std::memcpy(out.data.data() + (i * bands.size() + b) * sb, outside.data(), sb);
            continue;
          }
          const auto row = static_cast<uint64_t>(rc->first),
                     col = static_cast<uint64_t>(rc->second);
          by_block[(row / bh) * across + col / bw].push_back(Hit{i, row, col});
        }

        // One read per touched block: its window, clipped to the image, all requested bands.
        ReadOptions read;
        read.bands = bands;
        read.cancel = options.cancel;
        read.deadline = options.deadline;
        if (options.timeout_ms > 0) {
          const auto due =
              std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
          if (!read.deadline || due < *read.deadline) read.deadline = due;
        }
        Array block;
        for (const auto& [index, hits] : by_block) {
          const uint64_t x0 = (index % across) * bw, y0 = (index / across) * bh;
          const uint64_t w = std::min(bw, width() - x0), h = std::min(bh, height() - y0);
          read.window = geo::Window{static_cast<double>(x0), static_cast<double>(y0),
                                    static_cast<double>(w), static_cast<double>(h)};
          COGR_RETURN_IF_ERROR(ReadInto(read, block));
          const uint64_t plane = block.width * block.height;
          for (const Hit& hit : hits) {
            const uint64_t pixel = (hit.row - y0) * block.width + (hit.col - x0);
            for (size_t b = 0; b < bands.size(); ++b) {
              std::memcpy(out.data.data() + (hit.point * bands.size() + b) * sb,
                          block.data.data() + (b * plane + pixel) * sb, sb);
            }
          }
        }
        return out;
      },
      [&] { return uri() + ": out of memory"; });
}

}  // namespace cogr
