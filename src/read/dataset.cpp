#include "cogr/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <new>
#include <optional>

#include "cogr/codec.hpp"
#include "cogr/threads.hpp"
#include "io/read_context.hpp"
#include "read/assemble.hpp"
#include "read/block_table.hpp"
#include "read/block_cache.hpp"
#include "read/plan.hpp"
#include "read/resample.hpp"
#include "tiff/byte_order.hpp"
#include "tiff/ghost_area.hpp"
#include "util/checked.hpp"
#include "util/thread_pool.hpp"


namespace cogr {
namespace {

constexpr uint64_t kSubfileReduced = 1;
constexpr uint64_t kSubfileMask = 4;
constexpr uint16_t kPhotometricMask = 4;

bool IsMaskIfd(const tiff::Ifd& ifd) {
  return (ifd.subfile_type & kSubfileMask) != 0 && ifd.photometric == kPhotometricMask;
}

// The numpy dtype rasterio reports for (bits per sample, SampleFormat).
Result<DataType> DataTypeFor(uint16_t bits, uint16_t sample_format) {
  switch (sample_format) {
    case 1:
    case 4:  // "void": GDAL reads as unsigned
      if (bits >= 1 && bits <= 8) return DataType::kUInt8;
      if (bits <= 16) return DataType::kUInt16;
      if (bits <= 32) return DataType::kUInt32;
      if (bits <= 64) return DataType::kUInt64;
      break;
    case 2:
      if (bits == 8) return DataType::kInt8;
      if (bits == 16) return DataType::kInt16;
      if (bits == 32) return DataType::kInt32;
      if (bits == 64) return DataType::kInt64;
      break;
    case 3:
      if (bits == 16 || bits == 24 || bits == 32) return DataType::kFloat32;
      if (bits == 64) return DataType::kFloat64;
      break;
    case 5:
      if (bits == 32) return DataType::kCInt16;
      if (bits == 64) return DataType::kCInt32;
      break;
    case 6:
      if (bits == 64) return DataType::kCFloat32;
      if (bits == 128) return DataType::kCFloat64;
      break;
    default:
      break;
  }
  return Status::Unsupported("unsupported sample layout: " + std::to_string(bits) +
                             " bits per sample with SampleFormat " + std::to_string(sample_format));
}

std::optional<double> ParseNodata(const std::string& text, DataType dtype) {
  std::string s = text;
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0' || s.back() == '\n')) s.pop_back();
  size_t start = s.find_first_not_of(' ');
  if (start == std::string::npos) return std::nullopt;
  s = s.substr(start);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str()) return std::nullopt;
  // GDAL stores float32 nodata at float precision (beyond its range: infinity).
  if (dtype == DataType::kFloat32 && std::isfinite(v)) {
    constexpr double kMax = std::numeric_limits<float>::max();
    v = v > kMax ? HUGE_VAL : v < -kMax ? -HUGE_VAL : static_cast<double>(static_cast<float>(v));
  }
  // rasterio's rule: an integer band has no nodata unless the value lies in its dtype's range
  // (NaN does not); a fraction inside the range stays as it is.
  double lo = 0, hi = 0;
  switch (dtype) {
    case DataType::kUInt8: hi = 255; break;
    case DataType::kInt8: lo = -128, hi = 127; break;
    case DataType::kUInt16: hi = 65535; break;
    case DataType::kInt16: lo = -32768, hi = 32767; break;
    case DataType::kUInt32: hi = 4294967295.0; break;
    case DataType::kInt32: lo = -2147483648.0, hi = 2147483647.0; break;
    case DataType::kUInt64: hi = 18446744073709551615.0; break;
    case DataType::kInt64: lo = -9223372036854775808.0, hi = 9223372036854775807.0; break;
    default: return v;
  }
  if (!(v >= lo && v <= hi)) return std::nullopt;
  return v;
}

std::optional<uint16_t> ShortKey(const std::map<uint16_t, tiff::GeoKeyValue>& keys, uint16_t id) {
  auto it = keys.find(id);
  if (it == keys.end()) return std::nullopt;
  if (const auto* v = std::get_if<uint16_t>(&it->second)) return *v;
  return std::nullopt;
}

// The bytes of the allocation a read is making on this thread, for the message of a bad_alloc.
thread_local uint64_t g_allocating = 0;

// Catches allocation failure at a public entry point. The message names the bytes asked for
// when known (the output and chunk buffers record them) and the read limit.
template <class F>
auto Guard(const std::string& uri, F&& f, uint64_t max_read_bytes = 0) -> decltype(f()) {
  g_allocating = 0;
  const std::string limit = max_read_bytes > 0 ? " (max_read_bytes " + std::to_string(max_read_bytes) + ")" : "";
  try {
    return f();
  } catch (const std::bad_alloc&) {
    const uint64_t asked = std::exchange(g_allocating, 0);
    return Status::LimitExceeded(uri + ": out of memory" +
                                 (asked > 0 ? " allocating " + std::to_string(asked) + " bytes" : std::string()) + limit);
  } catch (const std::length_error&) {
    return Status::LimitExceeded(uri + ": allocation too large" + limit);
  }
}

// Sizes `buffer` to `bytes` (not zero-filled), recording the size for Guard's message.
void Allocate(Buffer& buffer, uint64_t bytes) {
  g_allocating = bytes;
  buffer.resize(static_cast<size_t>(bytes));
  g_allocating = 0;
}

bool HasPrefix(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

Status NameFile(const Status& st, const std::string& uri) {
  if (st.ok() || HasPrefix(st.message(), uri)) return st;
  return st.WithContext(uri);
}

// A read's or an open's deadline (the earlier of deadline and now + timeout_ms) and cancel token.
template <class Options>
internal::ReadContext ContextOf(const Options& options, const char* what) {
  internal::ReadContext context;
  context.what = what;
  context.cancel = options.cancel;
  context.deadline = options.deadline;
  if (options.timeout_ms > 0) {
    const auto due = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
    if (!context.deadline || due < *context.deadline) {
      context.deadline = due;
      context.timeout_ms = options.timeout_ms;
    }
  }
  return context;
}

internal::ReadContext ReadContextOf(const ReadOptions& options) { return ContextOf(options, "read"); }

}  // namespace

std::string_view ResamplingName(Resampling r) {
  switch (r) {
    case Resampling::kNearest: return "nearest";
    case Resampling::kBilinear: return "bilinear";
    case Resampling::kCubic: return "cubic";
    case Resampling::kAverage: return "average";
    case Resampling::kMode: return "mode";
    case Resampling::kMin: return "min";
    case Resampling::kMax: return "max";
    case Resampling::kMed: return "med";
    case Resampling::kQ1: return "q1";
    case Resampling::kQ3: return "q3";
  }
  return "nearest";
}

Result<Resampling> ParseResampling(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Resampling::kQ3); ++i) {
    auto r = static_cast<Resampling>(i);
    if (ResamplingName(r) == name) return r;
  }
  return Status::InvalidArgument("unknown resampling '" + std::string(name) +
                                 "' (expected nearest, bilinear, cubic, average, mode, min, max, med, q1 or q3)");
}

Dataset::Dataset(OpenKey, std::shared_ptr<io::Source> source, OpenOptions options)
    : source_(std::move(source)), options_(std::move(options)) {
  // The rule of OpenOptions::block_cache / block_cache_bytes.
  if (options_.block_cache) {
    cache_ = options_.block_cache;
  } else if (!options_.block_cache_bytes) {
    cache_ = BlockCache::Default();
  } else if (*options_.block_cache_bytes > 0) {
    cache_ = BlockCache::Create(*options_.block_cache_bytes);
  }
  if (cache_) cache_id_ = internal::BlockCacheImpl::NewSourceId();
}

Dataset::~Dataset() {
  if (cache_) cache_->impl().EraseSource(cache_id_);
}

Result<std::shared_ptr<Dataset>> Dataset::Open(const std::string& uri, const OpenOptions& options) {
  // The open's deadline and cancel token reach the sources through the thread's context.
  const internal::ReadContext context = ContextOf(options, "open");
  const internal::ScopedReadContext scope(&context);
  COGR_RETURN_IF_ERROR(NameFile(internal::CheckReadContext(&context), uri));
  io::SourceOptions io_options = options.io;
  if (io_options.prefix_bytes == 0) io_options.prefix_bytes = options.header_read_bytes;
  auto source = io::Open(uri, io_options);
  if (!source.ok()) return NameFile(source.status(), uri);
  return OpenSource(std::move(source).value(), options);
}

Result<std::shared_ptr<Dataset>> Dataset::Open(std::shared_ptr<io::Source> source,
                                               const OpenOptions& options) {
  const internal::ReadContext context = ContextOf(options, "open");
  const internal::ScopedReadContext scope(&context);
  return OpenSource(std::move(source), options);
}

Result<std::shared_ptr<Dataset>> Dataset::OpenSource(std::shared_ptr<io::Source> source,
                                                     const OpenOptions& options) {
  const std::string uri = source->uri();
  COGR_RETURN_IF_ERROR(NameFile(internal::CheckReadContext(internal::CurrentReadContext()), uri));
  return Guard(uri, [&]() -> Result<std::shared_ptr<Dataset>> {
    auto ds = std::make_shared<Dataset>(OpenKey{}, std::move(source), options);
    Status st = ds->Init();
    if (!st.ok()) return NameFile(st, uri);
    return ds;
  });
}

Status Dataset::Init() {
  const io::Source& src = *source_;
  if (src.size() == 0) return Status::InvalidFile("empty file (0 bytes), not a TIFF file");
  tiff::FetchFn fetch = [&src](ByteRange r) { return src.ReadRange(r); };
  COGR_ASSIGN_OR_RETURN(tiff_, tiff::Open(fetch, src.size(), options_.limits, options_.header_read_bytes));
  if (tiff_.ifds.empty()) return Status::InvalidFile("no image in file");

  // The first IFD is the full-resolution image (as GDAL opens it).
  const tiff::Ifd& main = tiff_.ifds[0];
  if (IsMaskIfd(main)) return Status::Unsupported("first IFD is a mask, not an image");
  count_ = main.samples_per_pixel;
  if (count_ < 1) return Status::InvalidFile("SamplesPerPixel is 0");
  const uint16_t bits = main.bits_per_sample.empty() ? 1 : main.bits_per_sample[0];
  const uint16_t sf = main.sample_format.empty() ? 1 : main.sample_format[0];
  for (size_t i = 1; i < main.bits_per_sample.size(); ++i) {
    if (main.bits_per_sample[i] != bits) {
      return Status::Unsupported("bands with different BitsPerSample (" + std::to_string(bits) + " and " +
                                 std::to_string(main.bits_per_sample[i]) + ")");
    }
  }
  COGR_ASSIGN_OR_RETURN(dtype_, DataTypeFor(bits, sf));
  if (!codec::IsSupported(main.compression, main.lerc_parameters)) {
    // Metadata stays readable; reads will fail naming the codec.
  }
  // Images GDAL reads through libtiff's RGBA interface (YCbCr outside JPEG, CMYK, CIELAB):
  // 3 or 4 bands of uint8.
  if (const int rgba = codec::RgbaBands(main, tiff_.header.byte_order == tiff::ByteOrder::kBig); rgba != 0) {
    count_ = rgba;
    dtype_ = DataType::kUInt8;
  }

  // Levels: the main image, then reduced-resolution images of the same layout in GDAL's order,
  // unsorted: each IFD of the main chain followed by the IFDs its SubIFDs tag lists (not the
  // chains those continue). One as large as the image is an overview of factor 1.
  levels_.push_back(Level{0, -1, main.width, main.height});
  std::vector<size_t> gdal_order;
  for (size_t i = 0; i < tiff_.ifds.size(); ++i) {
    if (tiff_.parent[i] != -1) continue;
    gdal_order.push_back(i);
    if (tiff_.ifds[i].sub_ifd_offsets.empty()) continue;
    std::map<uint64_t, size_t> children;  // offset -> index of this IFD's SubIFDs
    for (size_t j = i + 1; j < tiff_.ifds.size(); ++j) {
      if (tiff_.parent[j] == static_cast<int>(i)) children.emplace(tiff_.ifds[j].offset, j);
    }
    for (uint64_t offset : tiff_.ifds[i].sub_ifd_offsets) {
      if (auto it = children.find(offset); it != children.end()) gdal_order.push_back(it->second);
    }
  }
  for (size_t i : gdal_order) {
    const tiff::Ifd& ifd = tiff_.ifds[i];
    if (i == 0 || IsMaskIfd(ifd)) continue;
    if ((ifd.subfile_type & kSubfileReduced) == 0) continue;
    if (ifd.samples_per_pixel != main.samples_per_pixel) continue;
    if (ifd.bits_per_sample != main.bits_per_sample) continue;
    if (ifd.width > main.width || ifd.height > main.height) continue;
    levels_.push_back(Level{static_cast<int>(i), -1, ifd.width, ifd.height});
  }
  // Each level takes the first mask IFD of its size (one pass: a file may have thousands of IFDs).
  std::map<std::pair<uint64_t, uint64_t>, int> first_mask;
  for (size_t i = 0; i < tiff_.ifds.size(); ++i) {
    const tiff::Ifd& ifd = tiff_.ifds[i];
    if (IsMaskIfd(ifd)) first_mask.emplace(std::pair{ifd.width, ifd.height}, static_cast<int>(i));
  }
  for (Level& level : levels_) {
    if (auto it = first_mask.find({level.width, level.height}); it != first_mask.end()) {
      level.mask_ifd_index = it->second;
    }
  }

  if (main.gdal_nodata) nodata_ = ParseNodata(*main.gdal_nodata, dtype_);

  // GeoKeys and the geotransform.
  if (!main.geokey_directory.empty()) {
    auto keys = tiff::ParseGeoKeys(main);
    if (keys.ok()) geokeys_ = std::move(keys).value();  // bad keys: no CRS, pixels still readable
  }
  pixel_is_point_ = ShortKey(geokeys_, tiff::kGTRasterType) == uint16_t{2};
  // Several tiepoints without a pixel scale are GCPs: no geotransform and, as rasterio reports
  // it, no dataset CRS (the CRS belongs to the GCPs).
  const bool has_gcps = main.model_transformation.size() < 16 && main.model_tiepoint.size() >= 6 &&
                        (main.model_pixel_scale.size() < 2 || main.model_tiepoint.size() >= 12);
  if (main.model_transformation.size() >= 16) {
    const auto& m = main.model_transformation;
    transform_ = geo::Affine{m[0], m[1], m[3], m[4], m[5], m[7]};
  } else if (main.model_pixel_scale.size() >= 2 && main.model_tiepoint.size() >= 6 &&
             main.model_tiepoint.size() < 12) {
    const auto& s = main.model_pixel_scale;
    const auto& t = main.model_tiepoint;
    transform_ = geo::Affine{s[0], 0, t[3] - t[0] * s[0], 0, -s[1], t[4] + t[1] * s[1]};
  }
  if (pixel_is_point_ && !(transform_ == geo::Affine::Identity())) {
    // GDAL's default (GTIFF_POINT_GEO_IGNORE=NO): move the origin to the pixel corner.
    transform_.c -= 0.5 * transform_.a + 0.5 * transform_.b;
    transform_.f -= 0.5 * transform_.d + 0.5 * transform_.e;
  }
  // The CRS itself is built on first use (ComputeCrs): an open never touches PROJ.
  has_gcps_ = has_gcps;
  if (has_gcps) {
    // No dataset CRS.
  } else if (auto proj = ShortKey(geokeys_, tiff::kProjectedCSType); proj && *proj != 0 && *proj != 32767) {
    geokeys_epsg_ = *proj;
  } else if (auto geog = ShortKey(geokeys_, tiff::kGeographicType); geog && *geog != 0 && *geog != 32767 &&
                                                   ShortKey(geokeys_, tiff::kGTModelType) != uint16_t{1}) {
    geokeys_epsg_ = *geog;
  }

  // GDAL_METADATA: scales, offsets, descriptions.
  scales_.assign(static_cast<size_t>(count_), 1.0);
  offsets_.assign(static_cast<size_t>(count_), 0.0);
  descriptions_.assign(static_cast<size_t>(count_), std::string());
  if (main.gdal_metadata) {
    auto md = tiff::ParseGdalMetadata(*main.gdal_metadata);
    if (md.ok()) {
      for (auto& [band, v] : md->scales) if (band >= 0 && band < count_) scales_[static_cast<size_t>(band)] = v;
      for (auto& [band, v] : md->offsets) if (band >= 0 && band < count_) offsets_[static_cast<size_t>(band)] = v;
      for (auto& [band, v] : md->descriptions) if (band >= 0 && band < count_) descriptions_[static_cast<size_t>(band)] = v;
    }
  }

  // COG layout: tiled, and either GDAL's ghost area says so or every IFD precedes the data.
  if (main.tiled) {
    if (tiff_.ghost.present) {
      is_cog_ = tiff_.ghost.layout_cog;
    } else {
      uint64_t last_ifd = 0, first_data = UINT64_MAX;
      for (const auto& ifd : tiff_.ifds) {
        last_ifd = std::max(last_ifd, ifd.offset);
        // Lazy tables are not fetched for this: their blocks do not count.
        for (size_t i = 0; i < ifd.block_offsets.size(); ++i) {
          const bool empty = !ifd.lazy_byte_counts && ifd.block_byte_counts[i] == 0;
          if (ifd.block_offsets[i] != 0 && !empty) first_data = std::min(first_data, ifd.block_offsets[i]);
        }
      }
      is_cog_ = last_ifd < first_data;
    }
  }
  for (const auto& ifd : tiff_.ifds) {
    if (ifd.has_lazy_tables()) tables_ = std::make_shared<internal::BlockTableCache>();
  }
  return Status::OK();
}

std::array<uint64_t, 2> Dataset::block_shape() const {
  const tiff::Ifd& main = tiff_.ifds[0];
  return {main.block_height, main.block_width};
}

std::string Dataset::compression() const {
  const tiff::Ifd& main = tiff_.ifds[0];
  return codec::CompressionName(main.compression, main.lerc_parameters);
}

std::string Dataset::interleave() const {
  const tiff::Ifd& main = tiff_.ifds[0];
  return (main.planar_config == 2 || main.samples_per_pixel == 1) ? "band" : "pixel";
}

uint16_t Dataset::photometric() const { return tiff_.ifds[0].photometric; }

geo::Bounds Dataset::bounds() const {
  return geo::ImageBounds(transform_, static_cast<double>(width()), static_cast<double>(height()));
}

std::pair<double, double> Dataset::res() const {
  return {std::hypot(transform_.a, transform_.d), std::hypot(transform_.b, transform_.e)};
}

std::vector<int> Dataset::overviews() const {
  std::vector<int> out;
  for (size_t i = 1; i < levels_.size(); ++i) {
    out.push_back(static_cast<int>(std::lround(static_cast<double>(width()) / static_cast<double>(levels_[i].width))));
  }
  return out;
}

Result<Array> Dataset::Read(const ReadOptions& options) const {
  Array out;
  COGR_RETURN_IF_ERROR(ReadInto(options, out));
  return out;
}

Status Dataset::ReadInto(const ReadOptions& options, Array& out) const {
  // The deadline and cancel token reach the sources through the thread's read context.
  const internal::ReadContext context = ReadContextOf(options);
  const internal::ScopedReadContext scope(&context);
  COGR_RETURN_IF_ERROR(NameFile(internal::CheckReadContext(&context), uri()));
  return Guard(
      uri(), [&]() -> Status { return NameFile(ReadImpl(options, false, &out, nullptr), uri()); },
      options_.limits.max_read_bytes);
}

Status Dataset::ReadInto(const ReadOptions& options, const ArrayView& out) const {
  const internal::ReadContext context = ReadContextOf(options);
  const internal::ScopedReadContext scope(&context);
  COGR_RETURN_IF_ERROR(NameFile(internal::CheckReadContext(&context), uri()));
  return Guard(
      uri(), [&]() -> Status { return NameFile(ReadImpl(options, false, nullptr, &out), uri()); },
      options_.limits.max_read_bytes);
}

Result<Array> Dataset::ReadShape(const ReadOptions& options) const {
  Array out;
  Status st = Guard(uri(), [&]() -> Status { return NameFile(ReadImpl(options, false, &out, nullptr, true), uri()); });
  if (!st.ok()) return st;
  return out;
}

Result<Array> Dataset::ReadMask(const ReadOptions& options) const {
  const internal::ReadContext context = ReadContextOf(options);
  const internal::ScopedReadContext scope(&context);
  COGR_RETURN_IF_ERROR(NameFile(internal::CheckReadContext(&context), uri()));
  return Guard(
      uri(),
      [&]() -> Result<Array> {
        Array out;
        COGR_RETURN_IF_ERROR(NameFile(ReadImpl(options, true, &out, nullptr), uri()));
        return out;
      },
      options_.limits.max_read_bytes);
}

namespace {

std::string ShapeText(DataType dtype, uint64_t bands, uint64_t height, uint64_t width) {
  return std::to_string(bands) + " x " + std::to_string(height) + " x " + std::to_string(width) + " " +
         std::string(DataTypeName(dtype));
}

// A caller's view must be exactly the read's shape and dtype, rows of contiguous samples,
// rows and bands not overlapping.
Status CheckView(const ArrayView& view, DataType dtype, uint64_t bands, uint64_t height, uint64_t width) {
  if (view.dtype != dtype || view.bands != bands || view.height != height || view.width != width) {
    return Status::InvalidArgument("destination is " + ShapeText(view.dtype, view.bands, view.height, view.width) +
                                   " but the read gives " + ShapeText(dtype, bands, height, width));
  }
  const uint64_t sb = DataTypeSize(dtype);
  const auto row_bytes = internal::CheckedMul(width, sb);
  const auto band_bytes = internal::CheckedMul(height, view.row_stride);
  if (view.col_stride != sb || !row_bytes || (height > 1 && view.row_stride < *row_bytes) || !band_bytes ||
      (bands > 1 && view.band_stride < *band_bytes)) {
    return Status::InvalidArgument("destination strides (band " + std::to_string(view.band_stride) + ", row " +
                                   std::to_string(view.row_stride) + ", column " + std::to_string(view.col_stride) +
                                   " bytes) do not fit " + ShapeText(dtype, bands, height, width) +
                                   " (the samples of a row must be contiguous, rows and bands must not overlap)");
  }
  if (view.data == nullptr && bands > 0 && height > 0 && width > 0) {
    return Status::InvalidArgument("destination has no memory (null data)");
  }
  return Status::OK();
}

// Copies a read's array into the caller's view (same shape, checked).
void CopyToView(const Array& a, const ArrayView& view) {
  const size_t row_bytes = static_cast<size_t>(a.width) * a.sample_bytes();
  for (uint64_t b = 0; b < a.bands; ++b) {
    for (uint64_t y = 0; y < a.height; ++y) {
      std::memcpy(view.At(b, y, 0), a.data.data() + ((b * a.height + y) * a.width) * a.sample_bytes(), row_bytes);
    }
  }
}

}  // namespace

Status Dataset::ReadImpl(const ReadOptions& options, bool mask, Array* array, const ArrayView* view,
                         bool shape_only) const {
  if (options.out_shape) {
    // Resampled read (read/resample.cpp): GDAL 3.6's overview choice and kernels.
    if (mask) return ReadMaskOutShape(options, *array);  // src/read/dataset_helpers.cpp
    const uint64_t out_bands = options.bands.empty() ? static_cast<uint64_t>(count_) : options.bands.size();
    {
      auto bytes = internal::CheckedMul(out_bands, options.out_shape->first);
      if (bytes) bytes = internal::CheckedMul(*bytes, options.out_shape->second);
      if (bytes) bytes = internal::CheckedMul(*bytes, DataTypeSize(dtype_));
      // The resampler's buffers come on top of the output (measured: 1.75x the output at
      // peak), so an out_shape read is charged twice its output.
      const auto charged = bytes ? internal::CheckedMul(*bytes, 2) : std::nullopt;
      if (!charged || *charged > options_.limits.max_read_bytes) {
        return Status::LimitExceeded(
            "out_shape read of " + std::to_string(out_bands) + " x " + std::to_string(options.out_shape->first) +
            " x " + std::to_string(options.out_shape->second) + " samples (" +
            (charged ? std::to_string(*bytes) + " bytes, " + std::to_string(*charged) + " with the resampler's buffers"
                     : std::string("over 2^64 bytes")) +
            ") exceeds max_read_bytes " + std::to_string(options_.limits.max_read_bytes));
      }
    }
    if (!shape_only) COGR_RETURN_IF_ERROR(CheckReadable(0));
    if (view) {
      COGR_RETURN_IF_ERROR(CheckView(*view, dtype_, out_bands, options.out_shape->first, options.out_shape->second));
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
          return Status::OutOfRange("overview level " + std::to_string(*options.overview) + " out of range (file has " +
                                    std::to_string(levels_.size() - 1) + " overviews)");
        }
        base = static_cast<size_t>(*options.overview) + 1;
      }
      const Level& level = levels_[base];
      const auto [out_h, out_w] = *options.out_shape;
      if (out_h == 0 || out_w == 0) return Status::InvalidArgument("out_shape must be positive");
      const geo::Window requested =
          options.window ? *options.window
                         : geo::Window{0, 0, static_cast<double>(level.width), static_cast<double>(level.height)};
      const geo::Affine level_transform =
          transform_ * geo::Affine::Scale(static_cast<double>(width()) / static_cast<double>(level.width),
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
      ds.block_widths.push_back(static_cast<int64_t>(tiff_.ifds[static_cast<size_t>(l.ifd_index)].block_width));
      ds.level_has_mask.push_back(l.mask_ifd_index >= 0);
      ds.jpeg_scale.push_back(0);
    }
    const tiff::Ifd& first_ifd = tiff_.ifds[0];
    // GDAL reads JPEG files without overviews through DCT-scaled decodes at 1/2, 1/4, 1/8.
    for (int scale : internal::ImplicitJpegOverviewScales(first_ifd, levels_.size() > 1)) {
      const uint64_t sc = static_cast<uint64_t>(scale);
      ds.levels.push_back({static_cast<int64_t>(internal::CeilDiv(first_ifd.width, sc)),
                           static_cast<int64_t>(internal::CeilDiv(first_ifd.height, sc))});
      ds.block_widths.push_back(static_cast<int64_t>(internal::CeilDiv(first_ifd.block_width, sc)));
      ds.level_has_mask.push_back(false);
      ds.jpeg_scale.push_back(scale);
    }
    const uint16_t bits = first_ifd.bits_per_sample.empty() ? uint16_t{1} : first_ifd.bits_per_sample[0];
    ds.count = count_;
    ds.dtype = dtype_;
    if (!IsComplex(dtype_) && bits < DataTypeSize(dtype_) * 8) ds.nbits = bits;  // GDAL's NBITS
    ds.nodata = nodata_;
    // GDAL's alpha band: an extra sample marked associated (1) or unassociated (2) alpha.
    const size_t extra = first_ifd.extra_samples.size();
    if (extra <= static_cast<size_t>(count_)) {
      for (size_t i = 0; i < extra; ++i) {
        if (first_ifd.extra_samples[i] == 1 || first_ifd.extra_samples[i] == 2) {
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
    } else if (first_ifd.photometric == 3) {
      ds.palette = true;  // a palette without a usable ColorMap: GDAL has no table either
    }
    ds.transform = transform_;
    ds.limits = options_.limits;
    ds.fetch = [this](int level, const std::vector<int>& b, int64_t x0, int64_t y0, int64_t x1, int64_t y1,
                      Array& chunk) -> Status {
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
          std::vector<uint64_t> all(static_cast<size_t>(loaded.block_count()));
          for (size_t i = 0; i < all.size(); ++i) all[i] = i;
          COGR_RETURN_IF_ERROR(BlockEntries(loaded, all, loaded.block_offsets, loaded.block_byte_counts));
          loaded.lazy_offsets.reset();
          loaded.lazy_byte_counts.reset();
          return internal::ReadJpegOverviewRegion(loaded, scale, b, x0, y0, x1, y1, read, source_->size(),
                                                  options_.limits, chunk);
        }
        return internal::ReadJpegOverviewRegion(tiff_.ifds[0], scale, b, x0, y0, x1, y1, read, source_->size(),
                                                options_.limits, chunk);
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
      for (size_t i = 0; i < m.data.size(); ++i) mask_bytes[i] = m.data[i] ? 255 : 0;  // 1-bit masks decode to 0/1
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
  int level_index = 0;
  if (options.overview) {
    const int n = static_cast<int>(levels_.size()) - 1;
    if (*options.overview < 0 || *options.overview >= n) {
      return Status::OutOfRange("overview level " + std::to_string(*options.overview) +
                                " out of range (file has " + std::to_string(n) + " overviews)");
    }
    level_index = *options.overview + 1;
  }
  const Level& level = levels_[static_cast<size_t>(level_index)];

  std::vector<int> bands;  // 0-based
  if (options.bands.empty()) {
    for (int b = 0; b < count_; ++b) bands.push_back(b);
  } else {
    for (int b : options.bands) {
      if (b < 1 || b > count_) {
        return Status::OutOfRange("band " + std::to_string(b) + " out of range (file has " +
                                  std::to_string(count_) + " bands; bands are 1-based)");
      }
      bands.push_back(b - 1);
    }
  }

  int64_t col0 = 0, row0 = 0, w = static_cast<int64_t>(level.width), h = static_cast<int64_t>(level.height);
  if (options.window) {
    const geo::Window& win = *options.window;
    if (!std::isfinite(win.col_off) || !std::isfinite(win.row_off) || !std::isfinite(win.width) ||
        !std::isfinite(win.height) || win.width < 0 || win.height < 0 ||
        std::fabs(win.col_off) > 9e15 || std::fabs(win.row_off) > 9e15 || win.width > 9e15 || win.height > 9e15) {
      return Status::InvalidArgument("invalid window");
    }
    auto ints = win.ToInts();
    col0 = ints[0];
    row0 = ints[1];
    w = ints[2];
    h = ints[3];
  }
  const bool inside = col0 >= 0 && row0 >= 0 && col0 + w <= static_cast<int64_t>(level.width) &&
                      row0 + h <= static_cast<int64_t>(level.height);
  if (!inside && !options.boundless) {
    return Status::OutOfRange("window (" + std::to_string(col0) + ", " + std::to_string(row0) + ", " +
                              std::to_string(w) + ", " + std::to_string(h) + ") is outside the image (" +
                              std::to_string(level.width) + " x " + std::to_string(level.height) +
                              "); use a boundless read");
  }

  const DataType out_dtype = mask ? DataType::kUInt8 : dtype_;
  const uint64_t out_bands = mask ? 1 : bands.size();
  // Level pixels are (width / level.width) full-resolution pixels wide.
  const geo::Affine level_transform =
      transform_ * geo::Affine::Scale(static_cast<double>(width()) / static_cast<double>(level.width),
                                      static_cast<double>(height()) / static_cast<double>(level.height));
  const geo::Affine out_transform =
      level_transform * geo::Affine::Translation(static_cast<double>(col0), static_cast<double>(row0));
  auto bytes = internal::CheckedMul(out_bands, static_cast<uint64_t>(w));
  if (bytes) bytes = internal::CheckedMul(*bytes, static_cast<uint64_t>(h));
  if (bytes) bytes = internal::CheckedMul(*bytes, DataTypeSize(out_dtype));
  if (!bytes || *bytes > options_.limits.max_read_bytes) {
    return Status::LimitExceeded("read of " + std::to_string(out_bands) + " x " + std::to_string(h) + " x " +
                                 std::to_string(w) + " samples (" +
                                 (bytes ? std::to_string(*bytes) + " bytes" : std::string("over 2^64 bytes")) +
                                 ") exceeds max_read_bytes " + std::to_string(options_.limits.max_read_bytes));
  }
  // What the header promises is checked before any output memory is touched.
  if (!shape_only) COGR_RETURN_IF_ERROR(CheckReadable(mask ? level.mask_ifd_index : level.ifd_index));
  ArrayView dst;
  if (view) {
    COGR_RETURN_IF_ERROR(CheckView(*view, out_dtype, out_bands, static_cast<uint64_t>(h), static_cast<uint64_t>(w)));
    dst = *view;
  } else {
    Array& out = *array;
    out.dtype = out_dtype;
    out.bands = out_bands;
    out.width = static_cast<uint64_t>(w);
    out.height = static_cast<uint64_t>(h);
    out.transform = out_transform;
    if (shape_only) {
      out.data.clear();
      return Status::OK();
    }
    // Memory of an earlier read of the same size is reused as it is, and new memory is not
    // zero-filled: every byte below is written (blocks, sparse blocks, fill).
    if (out.data.size() != *bytes) {
      out.data.clear();
      Allocate(out.data, *bytes);
    }
    dst = ArrayView::Of(out);
  }

  // Clip the window to the image; everything else is fill.
  const uint64_t x0 = static_cast<uint64_t>(std::max<int64_t>(col0, 0));
  const uint64_t y0 = static_cast<uint64_t>(std::max<int64_t>(row0, 0));
  const uint64_t x1 = static_cast<uint64_t>(std::clamp<int64_t>(col0 + w, 0, static_cast<int64_t>(level.width)));
  const uint64_t y1 = static_cast<uint64_t>(std::clamp<int64_t>(row0 + h, 0, static_cast<int64_t>(level.height)));

  if (mask) {
    if (level.mask_ifd_index >= 0) {
      if (!inside) internal::FillArray(dst, 0);  // outside the image: invalid
      COGR_RETURN_IF_ERROR(ReadBlocks(level.mask_ifd_index, {0}, col0, row0, x0, y0, x1, y1, 0, dst));
      // 1-bit masks decode to 0/1; GDAL reports 0/255.
      for (uint64_t y = 0; y < dst.height; ++y) {
        uint8_t* row = dst.At(0, y, 0);
        for (uint64_t x = 0; x < dst.width; ++x) row[x] = row[x] ? 255 : 0;
      }
      return Status::OK();
    }
    internal::FillArray(dst, 0);
    if (x1 <= x0 || y1 <= y0) return Status::OK();
    if (!nodata_) {
      for (uint64_t y = y0; y < y1; ++y) {
        std::memset(dst.At(0, y - static_cast<uint64_t>(row0), x0 - static_cast<uint64_t>(col0)), 255, x1 - x0);
      }
      return Status::OK();
    }
    // Nodata mask: a pixel is valid if any band differs from nodata.
    ReadOptions data_options = options;
    data_options.bands.clear();
    data_options.boundless = true;
    data_options.fill = nodata_;
    Array data;
    COGR_RETURN_IF_ERROR(ReadImpl(data_options, false, &data, nullptr));
    if (dst.contiguous()) {
      NodataMask(data, dst.data);  // dst was zeroed above
    } else {
      std::vector<uint8_t> valid(static_cast<size_t>(data.width * data.height), 0);
      NodataMask(data, valid.data());
      for (uint64_t y = 0; y < dst.height; ++y) {
        std::memcpy(dst.At(0, y, 0), valid.data() + y * dst.width, static_cast<size_t>(dst.width));
      }
    }
    return Status::OK();
  }

  const double fill = options.fill ? *options.fill : nodata_.value_or(0.0);
  if (!inside) internal::FillArray(dst, fill);
  if (x1 > x0 && y1 > y0) {
    COGR_RETURN_IF_ERROR(ReadBlocks(level.ifd_index, bands, col0, row0, x0, y0, x1, y1, nodata_.value_or(0.0), dst));
  }
  return Status::OK();
}

Status Dataset::CheckReadable(int ifd_index) const {
  if (ifd_index < 0) return Status::OK();
  const tiff::Ifd& ifd = tiff_.ifds[static_cast<size_t>(ifd_index)];
  const std::string where = "IFD " + std::to_string(ifd_index) + ": ";
  if (!codec::IsSupported(ifd.compression, ifd.lerc_parameters)) {
    return Status::Unsupported("compression " + codec::CompressionName(ifd.compression, ifd.lerc_parameters) +
                               " (" + std::to_string(ifd.compression) + ") is not supported by this build");
  }
  const uint32_t components = ifd.planar_config == 2 ? 1u : ifd.samples_per_pixel;
  // JPEG and WebP streams hold at most 4 components.
  if ((ifd.compression == codec::kJpeg || ifd.compression == codec::kWebp) && components > 4) {
    return Status::InvalidFile(where + std::to_string(components) + " samples per pixel in one " +
                               codec::CompressionName(ifd.compression, ifd.lerc_parameters) +
                               " block (the codec holds at most 4)");
  }
  if (ifd.block_width > UINT32_MAX || ifd.block_height > UINT32_MAX) {
    return Status::LimitExceeded(where + "block size " + std::to_string(ifd.block_width) + " x " +
                                 std::to_string(ifd.block_height) + " too large");
  }
  // A whole block must fit max_block_bytes once decoded.
  auto bytes = internal::CheckedMul(ifd.block_width, ifd.block_height);
  if (bytes) bytes = internal::CheckedMul(*bytes, components);
  if (bytes) bytes = internal::CheckedMul(*bytes, DataTypeSize(dtype_) == 0 ? 1 : DataTypeSize(dtype_));
  if (!bytes || *bytes > options_.limits.max_block_bytes) {
    return Status::LimitExceeded(where + "a " + std::to_string(ifd.block_width) + " x " +
                                 std::to_string(ifd.block_height) + " block of " + std::to_string(components) +
                                 " samples per pixel decodes to " +
                                 (bytes ? std::to_string(*bytes) : std::string("over 2^64")) +
                                 " bytes > max_block_bytes " + std::to_string(options_.limits.max_block_bytes));
  }
  return Status::OK();
}

Status Dataset::ReadBlocks(int ifd_index, const std::vector<int>& bands, int64_t col0, int64_t row0,
                           uint64_t x0, uint64_t y0, uint64_t x1, uint64_t y1, double sparse_fill,
                           const ArrayView& out) const {
  // Each stage (a boundless fill, an out_shape chunk, a mask's data read) starts here: a read
  // past its deadline or cancelled stops before fetching more, and ReadRanges checks per block.
  const internal::ReadContext* context = internal::CurrentReadContext();
  COGR_RETURN_IF_ERROR(internal::CheckReadContext(context));
  const tiff::Ifd& ifd = tiff_.ifds[static_cast<size_t>(ifd_index)];
  if (!codec::IsSupported(ifd.compression, ifd.lerc_parameters)) {
    return Status::Unsupported("compression " + codec::CompressionName(ifd.compression, ifd.lerc_parameters) +
                               " (" + std::to_string(ifd.compression) + ") is not supported by this build");
  }
  internal::PixelRect rect{x0, y0, x1, y1};
  COGR_ASSIGN_OR_RETURN(std::vector<internal::BlockJob> jobs, internal::PlanBlocks(ifd, bands, rect));

  codec::BlockInfo info;
  info.compression = ifd.compression;
  info.predictor = ifd.predictor;
  info.width = static_cast<uint32_t>(ifd.block_width);
  info.samples = (ifd.planar_config == 2) ? uint16_t{1} : ifd.samples_per_pixel;
  info.bits_per_sample = ifd.bits_per_sample.empty() ? uint16_t{1} : ifd.bits_per_sample[0];
  info.sample_format = ifd.sample_format.empty() ? uint16_t{1} : ifd.sample_format[0];
  info.big_endian = tiff_.header.byte_order == tiff::ByteOrder::kBig;
  info.photometric = ifd.photometric;
  info.ycbcr_subsampling = ifd.ycbcr_subsampling;
  info.jpeg_tables = ByteSpan(ifd.jpeg_tables.data(), ifd.jpeg_tables.size());
  info.lerc_parameters = ifd.lerc_parameters;
  info.max_block_bytes = options_.limits.max_block_bytes;
  COGR_RETURN_IF_ERROR(codec::SetBlockIfd(ifd, info));  // libtiff's tags; RGBA output layout
  if (ifd.block_width > UINT32_MAX || ifd.block_height > UINT32_MAX) {
    return Status::LimitExceeded("block size " + std::to_string(ifd.block_width) + " x " +
                                 std::to_string(ifd.block_height) + " too large");
  }
  if (codec::DecodedSampleBytes(info) != DataTypeSize(out.dtype)) {
    return Status::Unsupported(std::to_string(info.bits_per_sample) + "-bit samples of format " +
                               std::to_string(info.sample_format) + " do not decode to " +
                               std::string(DataTypeName(out.dtype)));
  }

  const internal::OutputPlace place{col0, row0};
  const uint64_t file_size = source_->size();
  internal::BlockCacheImpl* cache = cache_ ? &cache_->impl() : nullptr;
  auto key_of = [&](const internal::BlockJob& job) {
    return internal::BlockKey{cache_id_, static_cast<uint64_t>(ifd_index), job.block_index};
  };
  auto decoded_size_of = [&](const internal::BlockJob& job) -> Result<uint64_t> {
    codec::BlockInfo block_info = info;
    block_info.height = job.rows;
    return codec::DecodedSize(block_info);
  };
  // Sparse blocks are filled now and cached blocks copied; the others are fetched
  // (coalesced/concurrent as the source can) and each decoded straight into `out` as its
  // bytes arrive, in parallel.
  std::vector<const internal::BlockJob*> fetch_jobs;
  std::vector<ByteRange> ranges;
  std::vector<std::pair<const internal::BlockJob*, internal::CachedBlock>> hits;
  uint64_t miss_bytes = 0;
  // Table entries of the blocks (lazy tables: only the pages these blocks need are fetched).
  // With GDAL block leaders and lazy byte counts, job_leader[j] = 1 marks a span holding the
  // leader, the block and its trailer (see BlockEntries).
  std::vector<uint64_t> job_blocks, job_offsets, job_lengths;
  std::vector<uint8_t> job_leader;
  for (const internal::BlockJob& job : jobs) job_blocks.push_back(job.block_index);
  COGR_RETURN_IF_ERROR(BlockEntries(ifd, job_blocks, job_offsets, job_lengths, &job_leader));
  std::mutex leader_mu;
  std::vector<const internal::BlockJob*> leader_failed;
  // Every block is checked before any is filled, fetched or decoded.
  std::vector<const internal::BlockJob*> sparse_jobs;
  for (size_t j = 0; j < jobs.size(); ++j) {
    const internal::BlockJob& job = jobs[j];
    const uint64_t offset = job_offsets[j];
    const uint64_t length = job_lengths[j];
    if (offset == 0 || length == 0) {
      sparse_jobs.push_back(&job);
      continue;
    }
    if (!internal::RangeInside(offset, length, file_size)) {
      return Status::InvalidFile("block " + std::to_string(job.block_index) + " of IFD " + std::to_string(ifd_index) +
                                 ": bytes [" + std::to_string(offset) + ", " + std::to_string(offset + length) +
                                 ") past end of file (size " + std::to_string(file_size) + ")");
    }
    if (length > options_.limits.max_block_bytes) {
      return Status::LimitExceeded("block " + std::to_string(job.block_index) + " has " + std::to_string(length) +
                                   " bytes > max_block_bytes " + std::to_string(options_.limits.max_block_bytes));
    }
    if (cache != nullptr) {
      COGR_ASSIGN_OR_RETURN(uint64_t decoded_size, decoded_size_of(job));
      if (internal::CachedBlock hit = cache->Lookup(key_of(job)); hit && hit.size == decoded_size) {
        hits.emplace_back(&job, std::move(hit));
        continue;
      }
      miss_bytes = internal::CheckedAdd(miss_bytes, decoded_size).value_or(UINT64_MAX);
    }
    if (!job_leader[j]) {
      // No codec of a bounded kind makes a stream of more than twice its block plus a little
      // (deflate, LZW, PackBits, zstd and raw at worst expand by a fraction).
      // A whole block (a last strip may be stored at full height).
      codec::BlockInfo full_info = info;
      full_info.height = static_cast<uint32_t>(ifd.block_height);
      COGR_ASSIGN_OR_RETURN(uint64_t decoded_size, codec::DecodedSize(full_info));
      const bool bounded = info.compression == codec::kNone || info.compression == codec::kLzw ||
                           info.compression == codec::kAdobeDeflate || info.compression == codec::kDeflate ||
                           info.compression == codec::kPackBits || info.compression == codec::kZstd;
      const uint64_t bound = internal::CheckedAdd(internal::CheckedMul(decoded_size, 2).value_or(UINT64_MAX), 65536)
                                 .value_or(UINT64_MAX);
      if (bounded && length > bound) {
        return Status::InvalidFile("block " + std::to_string(job.block_index) + " of IFD " +
                                   std::to_string(ifd_index) + ": " + std::to_string(length) +
                                   " bytes for a block that decodes to " + std::to_string(decoded_size) +
                                   " bytes (at most " + std::to_string(bound) + " with " +
                                   codec::CompressionName(info.compression, info.lerc_parameters) + ")");
      }
    }
    fetch_jobs.push_back(&job);
    ranges.push_back({offset, length});
  }
  for (const internal::BlockJob* job : sparse_jobs) internal::FillBlock(*job, sparse_fill, out, place);
  if (!hits.empty()) {
    COGR_RETURN_IF_ERROR(internal::ParallelFor(
        hits.size(),
        [&](size_t i) -> Status {
          if (Status st = internal::CheckReadContext(context); !st.ok()) return st;
          const auto& [job, block] = hits[i];
          internal::AssembleBlock(*job, block.bytes(), ifd.block_width, ifd.block_height, info.samples, out, place);
          return Status::OK();
        },
        internal::ThreadPool::Default(), ThreadCount()));
  }
  if (ranges.empty()) return Status::OK();
  // A read whose blocks would fill more than half the cache does not store them.
  const bool store = cache != nullptr && miss_bytes <= cache->capacity() / 2;
  auto decode_one = [&](size_t i, ByteSpan raw) -> Status {
    const internal::BlockJob& job = *fetch_jobs[i];
    if (job_leader[static_cast<size_t>(&job - jobs.data())]) {
      // Leader and trailer must agree; if not, the block is fetched again by its byte count.
      std::optional<ByteSpan> block = internal::BlockFromLeader(raw);
      if (!block) {
        std::lock_guard<std::mutex> lock(leader_mu);
        leader_failed.push_back(&job);
        return Status::OK();
      }
      raw = *block;
    }
    codec::BlockInfo block_info = info;
    block_info.height = job.rows;
    if (!store && codec::DecodesByRows(block_info)) {
      // JPEG: a band of rows at a time, each copied into `out` while in cache, and no row
      // below the window decoded.
      const uint64_t block_top = job.block_row * ifd.block_height;
      const auto row_begin = static_cast<uint32_t>(job.rect.y0 - block_top);
      const auto row_end = static_cast<uint32_t>(job.rect.y1 - block_top);
      Status st = codec::DecodeRows(raw, block_info, row_begin, row_end,
                                    [&](uint32_t first_row, uint32_t rows, ByteSpan data) {
                                      internal::AssembleRows(job, data, first_row, rows, ifd.block_width,
                                                             ifd.block_height, block_info.samples, out, place);
                                    });
      if (!st.ok()) {
        return st.WithContext("block " + std::to_string(job.block_index) + " of IFD " + std::to_string(ifd_index));
      }
      return Status::OK();
    }
    COGR_ASSIGN_OR_RETURN(uint64_t decoded_size, codec::DecodedSize(block_info));
    MutableByteSpan decoded;
    std::shared_ptr<uint8_t[]> owned;
    if (store) {
      // A block to keep gets its own buffer (no zero fill: the codec writes every byte).
      owned = std::make_shared_for_overwrite<uint8_t[]>(static_cast<size_t>(decoded_size));
      decoded = MutableByteSpan(owned.get(), static_cast<size_t>(decoded_size));
    } else {
      // One scratch block per thread, reused across blocks and reads; not zero-filled (the
      // codec writes every byte), which was ~10% of a short-lived `cogr read`.
      thread_local std::unique_ptr<uint8_t[]> scratch;
      thread_local uint64_t scratch_size = 0;
      if (scratch_size < decoded_size) {
        scratch = std::make_unique_for_overwrite<uint8_t[]>(static_cast<size_t>(decoded_size));
        scratch_size = decoded_size;
      }
      decoded = MutableByteSpan(scratch.get(), static_cast<size_t>(decoded_size));
    }
    Status st = codec::Decode(raw, decoded, block_info);
    if (!st.ok()) {
      return st.WithContext("block " + std::to_string(job.block_index) + " of IFD " + std::to_string(ifd_index));
    }
    internal::AssembleBlock(job, decoded, ifd.block_width, ifd.block_height, block_info.samples, out, place);
    if (store) cache->Insert(key_of(job), internal::CachedBlock{std::move(owned), decoded.size()});
    return Status::OK();
  };
  COGR_RETURN_IF_ERROR(source_->ReadRanges(ranges, decode_one, ThreadCount()));
  if (!leader_failed.empty()) {
    // Spans whose leader or trailer did not check out: those blocks by their byte counts.
    std::vector<uint64_t> retry_blocks, retry_offsets, retry_lengths;
    for (const internal::BlockJob* job : leader_failed) retry_blocks.push_back(job->block_index);
    COGR_RETURN_IF_ERROR(BlockEntries(ifd, retry_blocks, retry_offsets, retry_lengths));
    std::vector<const internal::BlockJob*> retry_jobs = std::move(leader_failed);
    fetch_jobs.clear();
    ranges.clear();
    for (size_t k = 0; k < retry_jobs.size(); ++k) {
      const internal::BlockJob& job = *retry_jobs[k];
      job_leader[static_cast<size_t>(&job - jobs.data())] = 0;
      const uint64_t offset = retry_offsets[k], length = retry_lengths[k];
      if (offset == 0 || length == 0) {
        internal::FillBlock(job, sparse_fill, out, place);
        continue;
      }
      if (!internal::RangeInside(offset, length, file_size) || length > options_.limits.max_block_bytes) {
        return Status::InvalidFile("block " + std::to_string(job.block_index) + " of IFD " + std::to_string(ifd_index) +
                                   ": bytes at " + std::to_string(offset) + " (" + std::to_string(length) +
                                   " bytes) past end of file (size " + std::to_string(file_size) +
                                   ") or over max_block_bytes");
      }
      fetch_jobs.push_back(&job);
      ranges.push_back({offset, length});
    }
    leader_failed.clear();
    COGR_RETURN_IF_ERROR(source_->ReadRanges(ranges, decode_one, ThreadCount()));
  }
  return Status::OK();
}

}  // namespace cogr
