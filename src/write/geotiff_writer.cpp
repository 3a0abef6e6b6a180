// WriteGeoTiff: profile checks, overviews from the whole array, parallel block encoding into
// the temporary file that becomes the output only when complete (layout in tiff_layout.cpp).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "cogr/threads.hpp"
#include "cogr/tiff.hpp"
#include "cogr/write.hpp"
#include "util/alloc_guard.hpp"
#include "util/checked.hpp"
#include "util/thread_pool.hpp"
#include "write/encode.hpp"
#include "write/overview.hpp"
#include "write/tiff_layout.hpp"

namespace cogr::write {
namespace {

using internal::kMaxClassicOffset;
constexpr int kMaxOverviews = 30;

std::string Num(uint64_t v) { return std::to_string(v); }

std::string FormatDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

bool IsIntegerType(DataType t) { return !IsFloat(t) && !IsComplex(t) && t != DataType::kUnknown; }

Status TooBigForClassic(const std::string& path) {
  return Status::LimitExceeded(path + ": the file would exceed 4 GiB, which classic TIFF cannot " +
                               "address (use bigtiff yes or auto)");
}

Status CheckArray(const Profile& p, const Array& a) {
  if (a.dtype != p.dtype) {
    return Status::InvalidArgument("array dtype " + std::string(DataTypeName(a.dtype)) +
                                   " != profile dtype " + std::string(DataTypeName(p.dtype)));
  }
  if (a.bands != static_cast<uint64_t>(p.count) || a.height != p.height || a.width != p.width) {
    return Status::InvalidArgument("array shape (" + Num(a.bands) + ", " + Num(a.height) + ", " +
                                   Num(a.width) + ") != profile (count, height, width) (" +
                                   std::to_string(p.count) + ", " + Num(p.height) + ", " +
                                   Num(p.width) + ")");
  }
  const auto expected = internal::CheckedMul(a.bands * a.height, a.width * DataTypeSize(a.dtype));
  if (!expected || a.data.size() != *expected) {
    return Status::InvalidArgument("array holds " + Num(a.data.size()) +
                                   " bytes, its shape needs " +
                                   (expected ? Num(*expected) : std::string("more than 2^64")));
  }
  return Status::OK();
}

Status WriteImpl(const std::string& path, const Profile& p, const Array& data,
                 const WriteOptions& options) {
  COGR_RETURN_IF_ERROR(ValidateProfile(p));
  COGR_RETURN_IF_ERROR(CheckArray(p, data));
  const size_t threads = options.threads != 0 ? options.threads : ThreadCount();
  auto report = [&](double fraction) -> Status {
    if (options.progress && !options.progress(fraction))
      return Status::Cancelled("write cancelled");
    return Status::OK();
  };
  COGR_RETURN_IF_ERROR(report(0.0));
  COGR_ASSIGN_OR_RETURN(const internal::ProfileTags tags, internal::MakeProfileTags(p));
  internal::WriteLayout lay = internal::MakeLayout(p);

  // Overviews, all from the full-resolution array.
  std::vector<Array> overview_arrays;
  overview_arrays.reserve(p.overviews.size());
  for (int factor : p.overviews) {
    COGR_ASSIGN_OR_RETURN(
        Array ovr, internal::MakeOverview(data, factor, p.overview_resampling, p.nodata, threads));
    overview_arrays.push_back(std::move(ovr));
  }
  std::vector<const Array*> arrays = {&data};
  for (const Array& a : overview_arrays) arrays.push_back(&a);
  std::vector<internal::LevelPlan> levels;
  for (const Array* a : arrays) levels.push_back(internal::MakeLevel(lay, a->width, a->height));
  const uint64_t data_start = internal::PlanFile(lay, levels, tags);

  internal::TempFile file(path);
  COGR_RETURN_IF_ERROR(file.Open());
  uint64_t total_blocks = 0;
  for (const internal::LevelPlan& lv : levels) total_blocks += lv.blocks();
  uint64_t done_blocks = 0;
  uint64_t pos = data_start;
  const size_t batch = std::max<size_t>(8, threads * 4);
  std::vector<std::vector<uint8_t>> encoded(batch);
  std::vector<uint8_t> buffer;
  // Smallest overview first, full resolution last (GDAL's COG order), blocks in TIFF order.
  for (size_t li = levels.size(); li-- > 0;) {
    internal::LevelPlan& lv = levels[li];
    const Array& pixels = *arrays[li];
    const uint64_t n = lv.blocks();
    lv.offsets.assign(static_cast<size_t>(n), 0);
    lv.counts.assign(static_cast<size_t>(n), 0);
    for (uint64_t start = 0; start < n; start += batch) {
      const size_t m = static_cast<size_t>(std::min<uint64_t>(batch, n - start));
      auto encode = [&](size_t k) -> Status {
        thread_local std::vector<uint8_t> raw, scratch;
        return internal::EncodeBlock(lay, lv, pixels, 0, start + k, raw, scratch, encoded[k]);
      };
      if (threads > 1 && m > 1) {
        COGR_RETURN_IF_ERROR(
            internal::ParallelFor(m, encode, internal::ThreadPool::Default(), threads));
      } else {
        for (size_t k = 0; k < m; ++k) COGR_RETURN_IF_ERROR(encode(k));
      }
      buffer.clear();
      for (size_t k = 0; k < m; ++k) {
        lv.offsets[static_cast<size_t>(start + k)] =
            pos + internal::AppendBlock(buffer, encoded[k], lay.cog);
        lv.counts[static_cast<size_t>(start + k)] = encoded[k].size();
      }
      if (!lay.big && pos + buffer.size() > kMaxClassicOffset) return TooBigForClassic(path);
      COGR_RETURN_IF_ERROR(file.WriteAt(pos, buffer));
      pos += buffer.size();
      done_blocks += m;
      COGR_RETURN_IF_ERROR(
          report(0.99 * static_cast<double>(done_blocks) / static_cast<double>(total_blocks)));
    }
    internal::FillOffsets(lv);
  }
  COGR_RETURN_IF_ERROR(file.WriteAt(0, internal::HeaderArea(lay, levels, data_start)));
  COGR_RETURN_IF_ERROR(file.Commit());
  return report(1.0);
}

Status Invalid(const std::string& message) { return Status::InvalidArgument(message); }

Status CheckNodata(DataType t, double v) {
  const std::string name(DataTypeName(t));
  if (IsFloat(t)) {
    const bool single = t == DataType::kFloat32 || t == DataType::kCFloat32;
    if (single && std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max()) {
      return Invalid("nodata " + FormatDouble(v) + " is out of range for " + name);
    }
    return Status::OK();
  }
  if (!std::isfinite(v) || v != std::floor(v)) {
    return Invalid("nodata " + FormatDouble(v) + " is not an integer, as " + name + " needs");
  }
  double lo = 0, hi = 0;
  switch (t) {
    case DataType::kUInt8: hi = 255; break;
    case DataType::kInt8:
      lo = -128;
      hi = 127;
      break;
    case DataType::kUInt16: hi = 65535; break;
    case DataType::kInt16:
    case DataType::kCInt16:
      lo = -32768;
      hi = 32767;
      break;
    case DataType::kUInt32: hi = 4294967295.0; break;
    case DataType::kInt32:
    case DataType::kCInt32:
      lo = -2147483648.0;
      hi = 2147483647.0;
      break;
    // Doubles next to 2^64 / 2^63 round up to them: keep strictly below.
    case DataType::kUInt64: hi = 18446744073709549568.0; break;
    case DataType::kInt64:
      lo = -9223372036854775808.0;
      hi = 9223372036854774784.0;
      break;
    default: break;
  }
  if (v < lo || v > hi)
    return Invalid("nodata " + FormatDouble(v) + " is out of range for " + name);
  return Status::OK();
}

}  // namespace

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kDeflate: return "deflate";
    case Compression::kZstd: return "zstd";
    case Compression::kLzw: return "lzw";
  }
  return "none";
}

Result<Compression> ParseCompression(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (Compression c :
       {Compression::kNone, Compression::kDeflate, Compression::kZstd, Compression::kLzw}) {
    if (lower == CompressionName(c)) return c;
  }
  return Status::InvalidArgument("unknown compression '" + std::string(name) +
                                 "' (expected none, deflate, zstd or lzw)");
}

std::string FormatNodata(double value) {
  // GDAL's GTiffFormatGDALNoDataTagValue.
  if (std::isnan(value)) return "nan";
  char buf[64];
  if (value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max() &&
      value == static_cast<double>(static_cast<int>(value))) {
    std::snprintf(buf, sizeof(buf), "%d", static_cast<int>(value));
  } else {
    std::snprintf(buf, sizeof(buf), "%.18g", value);
  }
  return buf;
}

Status ValidateProfile(const Profile& p) {
  if (p.width == 0 || p.height == 0) {
    return Invalid("width and height must be > 0, got " + Num(p.width) + " x " + Num(p.height));
  }
  if (p.width > kMaxClassicOffset || p.height > kMaxClassicOffset) {
    return Invalid("width and height must be < 2^32, got " + Num(p.width) + " x " + Num(p.height));
  }
  if (p.count < 1 || p.count > 65535)
    return Invalid("count must be in [1, 65535], got " + std::to_string(p.count));
  if (p.dtype == DataType::kUnknown) return Invalid("dtype is unknown");
  if (p.tiled) {
    if (p.blockxsize == 0 || p.blockysize == 0 || p.blockxsize % 16 != 0 ||
        p.blockysize % 16 != 0) {
      return Invalid("blockxsize and blockysize must be positive multiples of 16, got " +
                     Num(p.blockxsize) + " x " + Num(p.blockysize));
    }
  } else {
    if (p.blockysize == 0) return Invalid("blockysize (rows per strip) must be > 0");
    if (!p.overviews.empty()) return Invalid("overviews need tiled = true (the COG layout)");
  }
  const uint64_t block_w = p.tiled ? p.blockxsize : p.width;
  const uint64_t block_h = p.tiled ? p.blockysize : std::min<uint64_t>(p.blockysize, p.height);
  const uint64_t samples = p.interleave == Interleave::kBand ? 1 : static_cast<uint64_t>(p.count);
  const uint64_t max_block = Limits{}.max_block_bytes;
  std::optional<uint64_t> block_bytes = internal::CheckedMul(block_w, block_h);
  if (block_bytes)
    block_bytes = internal::CheckedMul(*block_bytes, samples * DataTypeSize(p.dtype));
  if (!block_bytes || *block_bytes > max_block) {
    return Invalid("one block would hold " +
                   (block_bytes ? Num(*block_bytes) : std::string("over 2^64")) +
                   " bytes, more than readers accept (" + Num(max_block) + "): use smaller blocks");
  }
  if (!internal::CanCompress(p.compress)) {
    return Status::Unsupported("compression " + std::string(CompressionName(p.compress)) +
                               " is not built into this cogr");
  }
  if (p.predictor < 1 || p.predictor > 3)
    return Invalid("predictor must be 1, 2 or 3, got " + std::to_string(p.predictor));
  if (p.compress != Compression::kNone) {
    if (p.predictor == 2 && !IsIntegerType(p.dtype)) {
      return Invalid("predictor 2 needs an integer dtype, got " +
                     std::string(DataTypeName(p.dtype)));
    }
    if (p.predictor == 3 && !(p.dtype == DataType::kFloat32 || p.dtype == DataType::kFloat64)) {
      return Invalid("predictor 3 needs dtype float32 or float64, got " +
                     std::string(DataTypeName(p.dtype)));
    }
  }
  if (p.compress == Compression::kDeflate && (p.deflate_level < 1 || p.deflate_level > 12)) {
    return Invalid("deflate_level must be in [1, 12], got " + std::to_string(p.deflate_level));
  }
  if (p.compress == Compression::kZstd && (p.zstd_level < 1 || p.zstd_level > 22)) {
    return Invalid("zstd_level must be in [1, 22], got " + std::to_string(p.zstd_level));
  }
  if (p.overviews.size() > static_cast<size_t>(kMaxOverviews)) {
    return Invalid("at most " + std::to_string(kMaxOverviews) + " overviews, got " +
                   Num(p.overviews.size()));
  }
  for (size_t i = 0; i < p.overviews.size(); ++i) {
    if (p.overviews[i] < 2)
      return Invalid("overview factors must be >= 2, got " + std::to_string(p.overviews[i]));
    if (i > 0 && p.overviews[i] <= p.overviews[i - 1]) {
      return Invalid("overview factors must be strictly increasing, got " +
                     std::to_string(p.overviews[i - 1]) + " then " +
                     std::to_string(p.overviews[i]));
    }
  }
  const size_t count = static_cast<size_t>(p.count);
  auto check_size = [&](size_t n, const char* name) -> Status {
    if (n != 0 && n != count) {
      return Invalid(std::string(name) + " has " + Num(n) + " entries, expected 0 or count (" +
                     Num(count) + ")");
    }
    return Status::OK();
  };
  COGR_RETURN_IF_ERROR(check_size(p.descriptions.size(), "descriptions"));
  COGR_RETURN_IF_ERROR(check_size(p.scales.size(), "scales"));
  COGR_RETURN_IF_ERROR(check_size(p.offsets.size(), "offsets"));
  for (double v : p.scales)
    if (!std::isfinite(v)) return Invalid("scales must be finite, got " + FormatDouble(v));
  for (double v : p.offsets)
    if (!std::isfinite(v)) return Invalid("offsets must be finite, got " + FormatDouble(v));
  if (p.nodata) COGR_RETURN_IF_ERROR(CheckNodata(p.dtype, *p.nodata));
  for (double v : p.transform.ToArray()) {
    if (!std::isfinite(v)) return Invalid("transform must be finite, got " + FormatDouble(v));
  }
  if (p.crs_epsg && (*p.crs_epsg <= 0 || *p.crs_epsg >= 32767)) {
    return Invalid("crs_epsg must be in [1, 32766], got " + std::to_string(*p.crs_epsg));
  }
  return Status::OK();
}

Status WriteGeoTiff(const std::string& path, const Profile& profile, const Array& data,
                    const WriteOptions& options) {
  Status st = internal::GuardAlloc([&] { return WriteImpl(path, profile, data, options); },
                                   [] { return "out of memory"; });
  if (st.ok() || st.message().compare(0, path.size(), path) == 0) return st;
  return st.WithContext(path);
}

}  // namespace cogr::write
