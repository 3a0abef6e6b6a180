// StreamWriter: rows in, the same file as WriteGeoTiff out. Each level keeps one block row (a
// "strip") being filled; a full strip is encoded and appended to a nameless spool file. Close
// lays the file out like WriteGeoTiff and copies the blocks from the spool in COG order.
#include <algorithm>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "cogr/threads.hpp"
#include "cogr/write.hpp"
#include "util/alloc_guard.hpp"
#include "util/checked.hpp"
#include "util/thread_pool.hpp"
#include "write/overview.hpp"
#include "write/tiff_layout.hpp"

namespace cogr::write {

namespace {

using internal::LevelPlan;

std::string Num(uint64_t v) { return std::to_string(v); }

Array MakeArray(DataType dtype, uint64_t bands, uint64_t height, uint64_t width) {
  Array a;
  a.dtype = dtype;
  a.bands = bands;
  a.height = height;
  a.width = width;
  a.data.assign(static_cast<size_t>(bands * height * width * DataTypeSize(dtype)),
                0);  // padding rows stay 0
  return a;
}

// One level being written.
struct StreamLevel {
  LevelPlan plan;
  Array strip;  // (count, block_h, width): the block row being filled
  uint64_t rows_in_strip = 0;
  uint64_t rows_done = 0;                      // rows of this level received so far
  std::vector<uint64_t> spool_offsets, sizes;  // per block, TIFF order
  // Overviews: how rows of the full-resolution image become rows of this level.
  int factor = 0;
  Array group;  // average: the full-resolution rows of one overview row
  uint64_t group_rows = 0;
  uint64_t next_row = 0;  // nearest: the next overview row to produce
};

}  // namespace

struct StreamWriter::Impl {
  std::string path;
  Profile profile;
  WriteOptions options;
  size_t threads = 1;
  internal::ProfileTags tags;
  internal::WriteLayout layout;
  std::vector<StreamLevel> levels;
  internal::SpoolFile spool;
  uint64_t rows_written = 0;
  Status failed;
  bool closed = false;

  Status Report(double fraction) const {
    if (options.progress && !options.progress(fraction))
      return Status::Cancelled("write cancelled");
    return Status::OK();
  }

  // Copies one row (`row[b]` = band b's `width` samples) into the level's strip.
  Status PushRow(size_t li, const std::vector<const uint8_t*>& row) {
    StreamLevel& lv = levels[li];
    const size_t sb = DataTypeSize(profile.dtype);
    const uint64_t row_bytes = lv.plan.width * sb;
    for (size_t b = 0; b < row.size(); ++b) {
      uint8_t* dst =
          lv.strip.data.data() + ((b * lv.plan.block_h + lv.rows_in_strip) * lv.plan.width) * sb;
      std::memcpy(dst, row[b], static_cast<size_t>(row_bytes));
    }
    ++lv.rows_in_strip;
    ++lv.rows_done;
    if (lv.rows_in_strip == lv.plan.block_h || lv.rows_done == lv.plan.height)
      return FlushStrip(li);
    return Status::OK();
  }

  // Encodes the blocks of the strip (every plane) and appends them to the spool.
  Status FlushStrip(size_t li) {
    StreamLevel& lv = levels[li];
    const LevelPlan& plan = lv.plan;
    const uint64_t by = (lv.rows_done - 1) / plan.block_h;
    const uint64_t row0 = by * plan.block_h;
    std::vector<uint64_t> indexes;
    for (uint64_t plane = 0; plane < plan.planes; ++plane) {
      for (uint64_t bx = 0; bx < plan.across; ++bx) {
        indexes.push_back(plane * plan.across * plan.down + by * plan.across + bx);
      }
    }
    std::vector<std::vector<uint8_t>> encoded(indexes.size());
    auto encode = [&](size_t k) -> Status {
      thread_local std::vector<uint8_t> raw, scratch;
      return internal::EncodeBlock(layout, plan, lv.strip, row0, indexes[k], raw, scratch,
                                   encoded[k]);
    };
    if (threads > 1 && indexes.size() > 1) {
      COGR_RETURN_IF_ERROR(
          internal::ParallelFor(indexes.size(), encode, internal::ThreadPool::Default(), threads));
    } else {
      for (size_t k = 0; k < indexes.size(); ++k) COGR_RETURN_IF_ERROR(encode(k));
    }
    std::vector<uint8_t> buffer;
    std::vector<uint64_t> at(indexes.size());
    for (size_t k = 0; k < indexes.size(); ++k) {
      at[k] = buffer.size();
      buffer.insert(buffer.end(), encoded[k].begin(), encoded[k].end());
    }
    COGR_ASSIGN_OR_RETURN(const uint64_t base, spool.Append(buffer));
    for (size_t k = 0; k < indexes.size(); ++k) {
      lv.spool_offsets[static_cast<size_t>(indexes[k])] = base + at[k];
      lv.sizes[static_cast<size_t>(indexes[k])] = encoded[k].size();
    }
    lv.rows_in_strip = 0;
    return Status::OK();
  }

  // Feeds full-resolution row `y` to overview level `li`.
  Status FeedOverview(size_t li, uint64_t y, const std::vector<const uint8_t*>& row) {
    StreamLevel& lv = levels[li];
    const uint64_t width = profile.width, height = profile.height;
    const size_t sb = DataTypeSize(profile.dtype);
    if (profile.overview_resampling == OverviewResampling::kAverage) {
      // Rows [k * factor, (k + 1) * factor) make overview row k, as MakeOverview groups them.
      for (size_t b = 0; b < row.size(); ++b) {
        uint8_t* dst = lv.group.data.data() + ((b * lv.group.height + lv.group_rows) * width) * sb;
        std::memcpy(dst, row[b], static_cast<size_t>(width * sb));
      }
      ++lv.group_rows;
      if (lv.group_rows < static_cast<uint64_t>(lv.factor) && y + 1 < height) return Status::OK();
      const Array* group = &lv.group;
      Array partial;
      if (lv.group_rows < lv.group.height) {  // the last, shorter group: its own array
        partial = MakeArray(profile.dtype, lv.group.bands, lv.group_rows, width);
        for (uint64_t b = 0; b < lv.group.bands; ++b) {
          std::memcpy(partial.data.data() + b * lv.group_rows * width * sb,
                      lv.group.data.data() + b * lv.group.height * width * sb,
                      static_cast<size_t>(lv.group_rows * width * sb));
        }
        group = &partial;
      }
      COGR_ASSIGN_OR_RETURN(const Array out,
                            internal::MakeOverview(*group, lv.factor, OverviewResampling::kAverage,
                                                   profile.nodata, 1));
      lv.group_rows = 0;
      std::vector<const uint8_t*> out_row(out.bands);
      for (uint64_t b = 0; b < out.bands; ++b) out_row[b] = out.data.data() + b * out.width * sb;
      return PushRow(li, out_row);
    }
    // Nearest: overview row k takes row floor(0.5 + k * H / h) and columns likewise (the same
    // arithmetic as MakeOverview).
    const double ry = static_cast<double>(height) / static_cast<double>(lv.plan.height);
    const double rx = static_cast<double>(width) / static_cast<double>(lv.plan.width);
    std::vector<uint8_t> picked(static_cast<size_t>(row.size() * lv.plan.width * sb));
    while (lv.next_row < lv.plan.height) {
      const uint64_t sy = std::min<uint64_t>(
          static_cast<uint64_t>(0.5 + static_cast<double>(lv.next_row) * ry), height - 1);
      if (sy != y) break;
      std::vector<const uint8_t*> out_row(row.size());
      for (size_t b = 0; b < row.size(); ++b) {
        uint8_t* dst = picked.data() + b * lv.plan.width * sb;
        for (uint64_t ox = 0; ox < lv.plan.width; ++ox) {
          const uint64_t sx = std::min<uint64_t>(
              static_cast<uint64_t>(0.5 + static_cast<double>(ox) * rx), width - 1);
          std::memcpy(dst + ox * sb, row[b] + sx * sb, sb);
        }
        out_row[b] = dst;
      }
      ++lv.next_row;
      COGR_RETURN_IF_ERROR(PushRow(li, out_row));
    }
    return Status::OK();
  }

  Status WriteRows(const Array& rows) {
    if (closed) return Status::InvalidArgument(path + ": WriteRows after Close");
    if (rows.dtype != profile.dtype) {
      return Status::InvalidArgument(
          path + ": rows of dtype " + std::string(DataTypeName(rows.dtype)) +
          " for a profile of dtype " + std::string(DataTypeName(profile.dtype)));
    }
    if (rows.bands != static_cast<uint64_t>(profile.count) || rows.width != profile.width ||
        rows.height == 0 || rows.height > profile.height ||
        internal::CheckedMul(rows.bands * rows.height, rows.width * DataTypeSize(rows.dtype)) !=
            std::optional<uint64_t>(rows.data.size())) {
      return Status::InvalidArgument(
          path + ": rows of shape (" + Num(rows.bands) + ", " + Num(rows.height) + ", " +
          Num(rows.width) + ") with " + Num(rows.data.size()) + " bytes, expected (" +
          std::to_string(profile.count) + ", n >= 1, " + Num(profile.width) + ")");
    }
    if (rows.height > profile.height - rows_written) {
      return Status::InvalidArgument(path + ": " + Num(rows.height) + " rows given, only " +
                                     Num(profile.height - rows_written) + " of " +
                                     Num(profile.height) + " remain");
    }
    const size_t sb = DataTypeSize(profile.dtype);
    std::vector<const uint8_t*> row(rows.bands);
    for (uint64_t r = 0; r < rows.height; ++r) {
      for (uint64_t b = 0; b < rows.bands; ++b) {
        row[b] = rows.data.data() + ((b * rows.height + r) * rows.width) * sb;
      }
      COGR_RETURN_IF_ERROR(PushRow(0, row));
      for (size_t li = 1; li < levels.size(); ++li)
        COGR_RETURN_IF_ERROR(FeedOverview(li, rows_written, row));
      ++rows_written;
    }
    return Report(0.8 * static_cast<double>(rows_written) / static_cast<double>(profile.height));
  }

  Status Close() {
    if (closed) return Status::InvalidArgument(path + ": Close called twice");
    closed = true;
    if (rows_written != profile.height) {
      return Status::InvalidArgument(path + ": Close after " + Num(rows_written) + " of " +
                                     Num(profile.height) + " rows");
    }
    std::vector<LevelPlan> plans;
    for (const StreamLevel& lv : levels) plans.push_back(lv.plan);
    const uint64_t data_start = internal::PlanFile(layout, plans, tags);
    internal::TempFile file(path);
    COGR_RETURN_IF_ERROR(file.Open());
    uint64_t pos = data_start;
    std::vector<uint8_t> buffer, block;
    constexpr size_t kFlushBytes = 8 << 20;
    uint64_t total_blocks = 0, done_blocks = 0;
    for (const LevelPlan& plan : plans) total_blocks += plan.blocks();
    // Smallest overview first, full resolution last, blocks in TIFF order: WriteGeoTiff's order.
    for (size_t li = plans.size(); li-- > 0;) {
      LevelPlan& plan = plans[li];
      const StreamLevel& lv = levels[li];
      const uint64_t n = plan.blocks();
      plan.offsets.assign(static_cast<size_t>(n), 0);
      plan.counts.assign(static_cast<size_t>(n), 0);
      for (uint64_t i = 0; i < n; ++i) {
        block.resize(static_cast<size_t>(lv.sizes[static_cast<size_t>(i)]));
        COGR_RETURN_IF_ERROR(spool.ReadAt(lv.spool_offsets[static_cast<size_t>(i)], block));
        plan.offsets[static_cast<size_t>(i)] =
            pos + internal::AppendBlock(buffer, block, layout.cog);
        plan.counts[static_cast<size_t>(i)] = block.size();
        ++done_blocks;
        if (buffer.size() >= kFlushBytes || i + 1 == n) {
          if (!layout.big && pos + buffer.size() > internal::kMaxClassicOffset) {
            return Status::LimitExceeded(path +
                                         ": the file would exceed 4 GiB, which classic TIFF " +
                                         "cannot address (use bigtiff yes or auto)");
          }
          COGR_RETURN_IF_ERROR(file.WriteAt(pos, buffer));
          pos += buffer.size();
          buffer.clear();
          COGR_RETURN_IF_ERROR(Report(0.8 + 0.19 * static_cast<double>(done_blocks) /
                                                static_cast<double>(total_blocks)));
        }
      }
      internal::FillOffsets(plan);
    }
    COGR_RETURN_IF_ERROR(file.WriteAt(0, internal::HeaderArea(layout, plans, data_start)));
    COGR_RETURN_IF_ERROR(file.Commit());
    return Report(1.0);
  }
};

namespace {

// Runs `f`, turning allocation failures into kLimitExceeded and naming the path.
template <class F>
Status Guarded(const std::string& path, F&& f) {
  Status st = internal::GuardAlloc([&]() -> Status { return f(); }, [] { return "out of memory"; });
  if (st.ok() || st.message().compare(0, path.size(), path) == 0) return st;
  return st.WithContext(path);
}

}  // namespace

StreamWriter::StreamWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamWriter::~StreamWriter() = default;

Result<std::unique_ptr<StreamWriter>> StreamWriter::Create(const std::string& path,
                                                           const Profile& profile,
                                                           const WriteOptions& options) {
  auto impl = std::make_unique<Impl>();
  Status st = Guarded(path, [&]() -> Status {
    COGR_RETURN_IF_ERROR(ValidateProfile(profile));
    impl->path = path;
    impl->profile = profile;
    impl->options = options;
    impl->threads = options.threads != 0 ? options.threads : ThreadCount();
    COGR_ASSIGN_OR_RETURN(impl->tags, internal::MakeProfileTags(impl->profile));
    // The layout points at the profile copy the writer owns.
    impl->layout = internal::MakeLayout(impl->profile);
    const Profile& p = impl->profile;
    std::vector<std::pair<uint64_t, uint64_t>> sizes = {{p.width, p.height}};
    for (int f : p.overviews)
      sizes.push_back({internal::OverviewSize(p.width, f), internal::OverviewSize(p.height, f)});
    impl->levels.resize(sizes.size());
    for (size_t i = 0; i < sizes.size(); ++i) {
      StreamLevel& lv = impl->levels[i];
      lv.plan = internal::MakeLevel(impl->layout, sizes[i].first, sizes[i].second);
      lv.strip = MakeArray(p.dtype, static_cast<uint64_t>(p.count), lv.plan.block_h, lv.plan.width);
      lv.spool_offsets.assign(static_cast<size_t>(lv.plan.blocks()), 0);
      lv.sizes.assign(static_cast<size_t>(lv.plan.blocks()), 0);
      if (i > 0) {
        lv.factor = p.overviews[i - 1];
        if (p.overview_resampling == OverviewResampling::kAverage) {
          lv.group = MakeArray(p.dtype, static_cast<uint64_t>(p.count),
                               static_cast<uint64_t>(lv.factor), p.width);
        }
      }
    }
    COGR_RETURN_IF_ERROR(impl->spool.Open(path));
    return impl->Report(0.0);
  });
  if (!st.ok()) return st;
  return std::unique_ptr<StreamWriter>(new StreamWriter(std::move(impl)));
}

Status StreamWriter::WriteRows(const Array& rows) {
  if (!impl_->failed.ok()) return impl_->failed;
  Status st = Guarded(impl_->path, [&] { return impl_->WriteRows(rows); });
  // Argument errors leave the writer usable; anything else ends it.
  if (!st.ok() && st.code() != Code::kInvalidArgument) impl_->failed = st;
  return st;
}

uint64_t StreamWriter::rows_written() const { return impl_->rows_written; }

Status StreamWriter::Close() {
  if (!impl_->failed.ok()) return impl_->failed;
  Status st = Guarded(impl_->path, [&] { return impl_->Close(); });
  if (!st.ok()) impl_->failed = st;
  return st;
}

}  // namespace cogr::write
