// Dataset::ReadImpl for out_shape reads: the dataset's levels, implicit JPEG overviews, masks
// and color table handed to the resampler (read/resample.cpp), which reads its source chunks
// through the block reader (ReadBlocks).
#include <cstdint>
#include <string>
#include <vector>

#include "cogr/codec.hpp"
#include "cogr/dataset.hpp"
#include "io/read_context.hpp"
#include "read/plan.hpp"
#include "read/read_util.hpp"
#include "read/resample.hpp"
#include "tiff/ifd_fields.hpp"
#include "util/checked.hpp"

namespace cogr {

using internal::Allocate;
using internal::CheckView;
using internal::CopyToView;

Status Dataset::ReadOutShapeImpl(const ReadOptions& options, bool mask, Array* array,
                                 const ArrayView* view, bool shape_only) const {
  // Resampled read (read/resample.cpp): GDAL 3.6's overview choice and kernels.
  if (mask) return ReadMaskOutShape(options, *array);  // src/read/dataset_helpers.cpp
  const uint64_t out_bands =
      options.bands.empty() ? static_cast<uint64_t>(count_) : options.bands.size();
  {
    auto bytes = internal::CheckedMul(out_bands, options.out_shape->first);
    if (bytes) bytes = internal::CheckedMul(*bytes, options.out_shape->second);
    if (bytes) bytes = internal::CheckedMul(*bytes, DataTypeSize(dtype_));
    // The resampler's buffers come on top of the output (measured: 1.75x the output at
    // peak), so an out_shape read is charged twice its output.
    const auto charged = bytes ? internal::CheckedMul(*bytes, 2) : std::nullopt;
    if (!charged || *charged > options_.limits.max_read_bytes) {
      return Status::LimitExceeded(
          "out_shape read of " + std::to_string(out_bands) + " x " +
          std::to_string(options.out_shape->first) + " x " +
          std::to_string(options.out_shape->second) + " samples (" +
          (charged ? std::to_string(*bytes) + " bytes, " + std::to_string(*charged) +
                         " with the resampler's buffers"
                   : std::string("over 2^64 bytes")) +
          ") exceeds max_read_bytes " + std::to_string(options_.limits.max_read_bytes));
    }
  }
  if (!shape_only) COGR_RETURN_IF_ERROR(CheckReadable(0));
  if (view) {
    COGR_RETURN_IF_ERROR(
        CheckView(*view, dtype_, out_bands, options.out_shape->first, options.out_shape->second));
  }
  if (shape_only) {
    // The shape and georeferencing of the result (ReadOutShape validates the rest).
    for (int b : options.bands) {
      if (b < 1 || b > count_) {
        return Status::OutOfRange("band " + std::to_string(b) + " out of range (file has " +
                                  std::to_string(count_) + " bands; bands are 1-based)");
      }
    }
    size_t base = 0;
    if (options.overview) {
      if (*options.overview < 0 || static_cast<size_t>(*options.overview) + 1 >= levels_.size()) {
        return Status::OutOfRange("overview level " + std::to_string(*options.overview) +
                                  " out of range (file has " + std::to_string(levels_.size() - 1) +
                                  " overviews)");
      }
      base = static_cast<size_t>(*options.overview) + 1;
    }
    const Level& level = levels_[base];
    const auto [out_h, out_w] = *options.out_shape;
    if (out_h == 0 || out_w == 0) return Status::InvalidArgument("out_shape must be positive");
    const geo::Window requested = options.window
                                      ? *options.window
                                      : geo::Window{0, 0, static_cast<double>(level.width),
                                                    static_cast<double>(level.height)};
    const geo::Affine level_transform =
        transform_ *
        geo::Affine::Scale(static_cast<double>(width()) / static_cast<double>(level.width),
                           static_cast<double>(height()) / static_cast<double>(level.height));
    array->dtype = dtype_;
    array->bands = out_bands;
    array->height = out_h;
    array->width = out_w;
    array->transform = geo::WindowTransform(requested, level_transform) *
                       geo::Affine::Scale(requested.width / static_cast<double>(out_w),
                                          requested.height / static_cast<double>(out_h));
    array->data.clear();
    return Status::OK();
  }
  internal::OutShapeDataset ds;
  for (const Level& l : levels_) {
    ds.levels.push_back({static_cast<int64_t>(l.width), static_cast<int64_t>(l.height)});
    ds.block_widths.push_back(
        static_cast<int64_t>(tiff_.ifds[static_cast<size_t>(l.ifd_index)].block_width()));
    ds.level_has_mask.push_back(l.mask_ifd_index >= 0);
    ds.jpeg_scale.push_back(0);
  }
  const tiff::Ifd& first_ifd = tiff_.ifds[0];
  // GDAL reads JPEG files without overviews through DCT-scaled decodes at 1/2, 1/4, 1/8.
  for (int scale : internal::ImplicitJpegOverviewScales(first_ifd, levels_.size() > 1)) {
    const uint64_t sc = static_cast<uint64_t>(scale);
    ds.levels.push_back({static_cast<int64_t>(internal::CeilDiv(first_ifd.width(), sc)),
                         static_cast<int64_t>(internal::CeilDiv(first_ifd.height(), sc))});
    ds.block_widths.push_back(static_cast<int64_t>(internal::CeilDiv(first_ifd.block_width(), sc)));
    ds.level_has_mask.push_back(false);
    ds.jpeg_scale.push_back(scale);
  }
  const uint16_t bits =
      first_ifd.bits_per_sample().empty() ? uint16_t{1} : first_ifd.bits_per_sample()[0];
  ds.count = count_;
  ds.dtype = dtype_;
  if (!IsComplex(dtype_) && bits < DataTypeSize(dtype_) * 8) ds.nbits = bits;  // GDAL's NBITS
  ds.nodata = nodata_;
  // GDAL's alpha band: an extra sample marked associated (1) or unassociated (2) alpha.
  const size_t extra = first_ifd.extra_samples().size();
  if (extra <= static_cast<size_t>(count_)) {
    for (size_t i = 0; i < extra; ++i) {
      if (first_ifd.extra_samples()[i] == 1 || first_ifd.extra_samples()[i] == 2) {
        ds.alpha_band = count_ - static_cast<int>(extra) + static_cast<int>(i);
        break;
      }
    }
  }
  // Paletted bands resample through their color table as GDAL's do: a ColorMap, or the
  // table GDAL gives min-is-white and 1-bit gray bands (colormap(), dataset_helpers.cpp).
  if (Result<Colormap> table = colormap(1); table.ok()) {
    ds.palette = true;
    ds.color_table.assign(static_cast<size_t>(table->rbegin()->first) + 1, {0, 0, 0, 255});
    for (const auto& [index, rgba] : *table) ds.color_table[static_cast<size_t>(index)] = rgba;
  } else if (table.status().code() != Code::kNotFound) {
    return table.status();
  } else if (first_ifd.photometric() == 3) {
    ds.palette = true;  // a palette without a usable ColorMap: GDAL has no table either
  }
  ds.transform = transform_;
  ds.limits = options_.limits;
  ds.fetch = [this](int level, const std::vector<int>& b, int64_t x0, int64_t y0, int64_t x1,
                    int64_t y1, Array& chunk) -> Status {
    const int explicit_levels = static_cast<int>(levels_.size());
    if (level >= explicit_levels) {
      const int scale = 2 << (level - explicit_levels);  // implicit JPEG overview
      const internal::ReadContext* context = internal::CurrentReadContext();
      auto read = [this, context](ByteRange r) -> Result<std::vector<uint8_t>> {
        COGR_RETURN_IF_ERROR(internal::CheckReadContext(context));  // per block
        return source_->ReadRange(r);
      };
      if (tiff_.ifds[0].has_lazy_tables()) {
        // This rare path walks the block tables itself: hand it a copy with the tables
        // loaded (from the cached pages; each entry is still checked where it is used).
        tiff::Ifd loaded = tiff_.ifds[0];
        internal::IfdFields& fields = internal::MutableFields(loaded);
        std::vector<uint64_t> all(static_cast<size_t>(loaded.block_count()));
        for (size_t i = 0; i < all.size(); ++i) all[i] = i;
        COGR_RETURN_IF_ERROR(
            BlockEntries(loaded, all, fields.block_offsets, fields.block_byte_counts));
        fields.lazy_offsets.reset();
        fields.lazy_byte_counts.reset();
        return internal::ReadJpegOverviewRegion(loaded, scale, b, x0, y0, x1, y1, read,
                                                source_->size(), options_.limits, chunk);
      }
      return internal::ReadJpegOverviewRegion(tiff_.ifds[0], scale, b, x0, y0, x1, y1, read,
                                              source_->size(), options_.limits, chunk);
    }
    const Level& l = levels_[static_cast<size_t>(level)];
    chunk.dtype = dtype_;
    chunk.bands = b.size();
    chunk.width = static_cast<uint64_t>(x1 - x0);
    chunk.height = static_cast<uint64_t>(y1 - y0);
    auto n = internal::CheckedMul(chunk.bands * DataTypeSize(dtype_), chunk.width);
    if (n) n = internal::CheckedMul(*n, chunk.height);
    if (!n || *n > options_.limits.max_read_bytes) {
      return Status::LimitExceeded("source chunk exceeds max_read_bytes " +
                                   std::to_string(options_.limits.max_read_bytes));
    }
    Allocate(chunk.data, *n);  // every byte is written by ReadBlocks
    return ReadBlocks(l.ifd_index, b, x0, y0, static_cast<uint64_t>(x0), static_cast<uint64_t>(y0),
                      static_cast<uint64_t>(x1), static_cast<uint64_t>(y1), nodata_.value_or(0.0),
                      ArrayView::Of(chunk));
  };
  ds.sparse = [this](int level, const std::vector<int>& b, int64_t x0, int64_t y0, int64_t x1,
                     int64_t y1) -> Result<bool> {
    if (level < 0 || level >= static_cast<int>(levels_.size()) || x1 <= x0 || y1 <= y0)
      return false;
    const int ifd_index = levels_[static_cast<size_t>(level)].ifd_index;
    const tiff::Ifd& ifd = tiff_.ifds[static_cast<size_t>(ifd_index)];
    // Layouts libtiff decodes from several blocks at once (RGBA-converted planes, old-style
    // JPEG strips) are left to the block reader.
    const uint16_t ph = ifd.photometric();
    if (ifd.compression() == codec::kOldJpeg || ph == 5 || ph == 8 ||
        (ph == 6 && ifd.compression() != codec::kJpeg)) {
      return false;
    }
    COGR_ASSIGN_OR_RETURN(
        std::vector<internal::BlockJob> jobs,
        internal::PlanBlocks(
            ifd, b,
            internal::PixelRect{static_cast<uint64_t>(x0), static_cast<uint64_t>(y0),
                                static_cast<uint64_t>(x1), static_cast<uint64_t>(y1)}));
    std::vector<uint64_t> blocks, offsets, lengths;
    blocks.reserve(jobs.size());
    for (const internal::BlockJob& job : jobs) blocks.push_back(job.block_index);
    COGR_RETURN_IF_ERROR(BlockEntries(ifd, blocks, offsets, lengths));
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (offsets[i] != 0 && lengths[i] != 0) return false;
    }
    return true;
  };
  ds.fetch_mask = [this](int level, int64_t x0, int64_t y0, int64_t x1, int64_t y1,
                         std::vector<uint8_t>& mask_bytes) -> Status {
    const Level& l = levels_[static_cast<size_t>(level)];
    Array m;
    m.dtype = DataType::kUInt8;
    m.bands = 1;
    m.width = static_cast<uint64_t>(x1 - x0);
    m.height = static_cast<uint64_t>(y1 - y0);
    Allocate(m.data, m.width * m.height);  // every byte is written by ReadBlocks
    COGR_RETURN_IF_ERROR(ReadBlocks(l.mask_ifd_index, {0}, x0, y0, static_cast<uint64_t>(x0),
                                    static_cast<uint64_t>(y0), static_cast<uint64_t>(x1),
                                    static_cast<uint64_t>(y1), 0, ArrayView::Of(m)));
    mask_bytes.resize(m.data.size());
    for (size_t i = 0; i < m.data.size(); ++i)
      mask_bytes[i] = m.data[i] ? 255 : 0;  // 1-bit masks decode to 0/1
    return Status::OK();
  };
  COGR_ASSIGN_OR_RETURN(Array result, internal::ReadOutShape(ds, options));
  if (view) {
    CopyToView(result, *view);
  } else {
    *array = std::move(result);
  }
  return Status::OK();
}

}  // namespace cogr
