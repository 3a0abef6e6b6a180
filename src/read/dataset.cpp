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
#include "read/block_cache.hpp"
#include "read/block_table.hpp"
#include "read/plan.hpp"
#include "read/read_request.hpp"
#include "read/read_util.hpp"
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
  return (ifd.subfile_type() & kSubfileMask) != 0 && ifd.photometric() == kPhotometricMask;
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
    default: break;
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

using internal::Allocate;
using internal::CheckView;
using internal::ContextOf;
using internal::Guard;
using internal::NameFile;

internal::ReadContext ReadContextOf(const ReadOptions& options) {
  return ContextOf(options, "read");
}

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
  return Status::InvalidArgument(
      "unknown resampling '" + std::string(name) +
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
  COGR_ASSIGN_OR_RETURN(tiff_,
                        tiff::Open(fetch, src.size(), options_.limits, options_.header_read_bytes));
  return InitFromTiff();
}

Status Dataset::InitFromTiff() {
  if (tiff_.ifds.empty()) return Status::InvalidFile("no image in file");

  // The first IFD is the full-resolution image (as GDAL opens it).
  const tiff::Ifd& main = tiff_.ifds[0];
  if (IsMaskIfd(main)) return Status::Unsupported("first IFD is a mask, not an image");
  count_ = main.samples_per_pixel();
  if (count_ < 1) return Status::InvalidFile("SamplesPerPixel is 0");
  const uint16_t bits = main.bits_per_sample().empty() ? 1 : main.bits_per_sample()[0];
  const uint16_t sf = main.sample_format().empty() ? 1 : main.sample_format()[0];
  for (size_t i = 1; i < main.bits_per_sample().size(); ++i) {
    if (main.bits_per_sample()[i] != bits) {
      return Status::Unsupported("bands with different BitsPerSample (" + std::to_string(bits) +
                                 " and " + std::to_string(main.bits_per_sample()[i]) + ")");
    }
  }
  COGR_ASSIGN_OR_RETURN(dtype_, DataTypeFor(bits, sf));
  if (!codec::IsSupported(main.compression(), main.lerc_parameters())) {
    // Metadata stays readable; reads will fail naming the codec.
  }
  // Images GDAL reads through libtiff's RGBA interface (YCbCr outside JPEG, CMYK, CIELAB):
  // 3 or 4 bands of uint8.
  if (const int rgba = codec::RgbaBands(main, tiff_.header.byte_order == tiff::ByteOrder::kBig);
      rgba != 0) {
    count_ = rgba;
    dtype_ = DataType::kUInt8;
  }

  // Levels: the main image, then reduced-resolution images of the same layout in GDAL's order,
  // unsorted: each IFD of the main chain followed by the IFDs its SubIFDs tag lists (not the
  // chains those continue). One as large as the image is an overview of factor 1.
  levels_.push_back(Level{0, -1, main.width(), main.height()});
  std::vector<size_t> gdal_order;
  for (size_t i = 0; i < tiff_.ifds.size(); ++i) {
    if (tiff_.parent[i] != -1) continue;
    gdal_order.push_back(i);
    if (tiff_.ifds[i].sub_ifd_offsets().empty()) continue;
    std::map<uint64_t, size_t> children;  // offset -> index of this IFD's SubIFDs
    for (size_t j = i + 1; j < tiff_.ifds.size(); ++j) {
      if (tiff_.parent[j] == static_cast<int>(i)) children.emplace(tiff_.ifds[j].offset(), j);
    }
    for (uint64_t offset : tiff_.ifds[i].sub_ifd_offsets()) {
      if (auto it = children.find(offset); it != children.end()) gdal_order.push_back(it->second);
    }
  }
  for (size_t i : gdal_order) {
    const tiff::Ifd& ifd = tiff_.ifds[i];
    if (i == 0 || IsMaskIfd(ifd)) continue;
    if ((ifd.subfile_type() & kSubfileReduced) == 0) continue;
    if (ifd.samples_per_pixel() != main.samples_per_pixel()) continue;
    if (ifd.bits_per_sample() != main.bits_per_sample()) continue;
    if (ifd.width() > main.width() || ifd.height() > main.height()) continue;
    levels_.push_back(Level{static_cast<int>(i), -1, ifd.width(), ifd.height()});
  }
  // Each level takes the first mask IFD of its size (one pass: a file may have thousands of IFDs).
  std::map<std::pair<uint64_t, uint64_t>, int> first_mask;
  for (size_t i = 0; i < tiff_.ifds.size(); ++i) {
    const tiff::Ifd& ifd = tiff_.ifds[i];
    if (IsMaskIfd(ifd))
      first_mask.emplace(std::pair{ifd.width(), ifd.height()}, static_cast<int>(i));
  }
  for (Level& level : levels_) {
    if (auto it = first_mask.find({level.width, level.height}); it != first_mask.end()) {
      level.mask_ifd_index = it->second;
    }
  }

  if (main.gdal_nodata()) nodata_ = ParseNodata(*main.gdal_nodata(), dtype_);

  // GeoKeys and the geotransform.
  if (!main.geokey_directory().empty()) {
    auto keys = tiff::ParseGeoKeys(main);
    if (keys.ok()) geokeys_ = std::move(keys).value();  // bad keys: no CRS, pixels still readable
  }
  pixel_is_point_ = ShortKey(geokeys_, tiff::kGTRasterType) == uint16_t{2};
  // Several tiepoints without a pixel scale are GCPs: no geotransform and, as rasterio reports
  // it, no dataset CRS (the CRS belongs to the GCPs).
  const bool has_gcps = main.model_transformation().size() < 16 &&
                        main.model_tiepoint().size() >= 6 &&
                        (main.model_pixel_scale().size() < 2 || main.model_tiepoint().size() >= 12);
  if (main.model_transformation().size() >= 16) {
    const auto& m = main.model_transformation();
    transform_ = geo::Affine{m[0], m[1], m[3], m[4], m[5], m[7]};
  } else if (main.model_pixel_scale().size() >= 2 && main.model_tiepoint().size() >= 6 &&
             main.model_tiepoint().size() < 12) {
    const auto& s = main.model_pixel_scale();
    const auto& t = main.model_tiepoint();
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
  } else if (auto proj = ShortKey(geokeys_, tiff::kProjectedCSType);
             proj && *proj != 0 && *proj != 32767) {
    geokeys_epsg_ = *proj;
  } else if (auto geog = ShortKey(geokeys_, tiff::kGeographicType);
             geog && *geog != 0 && *geog != 32767 &&
             ShortKey(geokeys_, tiff::kGTModelType) != uint16_t{1}) {
    geokeys_epsg_ = *geog;
  }

  // GDAL_METADATA: scales, offsets, descriptions.
  scales_.assign(static_cast<size_t>(count_), 1.0);
  offsets_.assign(static_cast<size_t>(count_), 0.0);
  descriptions_.assign(static_cast<size_t>(count_), std::string());
  if (main.gdal_metadata()) {
    auto md = tiff::ParseGdalMetadata(*main.gdal_metadata());
    if (md.ok()) {
      for (auto& [band, v] : md->scales)
        if (band >= 0 && band < count_) scales_[static_cast<size_t>(band)] = v;
      for (auto& [band, v] : md->offsets)
        if (band >= 0 && band < count_) offsets_[static_cast<size_t>(band)] = v;
      for (auto& [band, v] : md->descriptions)
        if (band >= 0 && band < count_) descriptions_[static_cast<size_t>(band)] = v;
    }
  }

  // COG layout: tiled, and either GDAL's ghost area says so or every IFD precedes the data.
  if (main.tiled()) {
    if (tiff_.ghost.present) {
      is_cog_ = tiff_.ghost.layout_cog;
    } else {
      uint64_t last_ifd = 0, first_data = UINT64_MAX;
      for (const auto& ifd : tiff_.ifds) {
        last_ifd = std::max(last_ifd, ifd.offset());
        // Lazy tables are not fetched for this: their blocks do not count.
        for (size_t i = 0; i < ifd.block_offsets().size(); ++i) {
          const bool empty = !ifd.lazy_byte_counts() && ifd.block_byte_counts()[i] == 0;
          if (ifd.block_offsets()[i] != 0 && !empty)
            first_data = std::min(first_data, ifd.block_offsets()[i]);
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
  return {main.block_height(), main.block_width()};
}

std::string Dataset::compression() const {
  const tiff::Ifd& main = tiff_.ifds[0];
  return codec::CompressionName(main.compression(), main.lerc_parameters());
}

std::string Dataset::interleave() const {
  const tiff::Ifd& main = tiff_.ifds[0];
  return (main.planar_config() == 2 || main.samples_per_pixel() == 1) ? "band" : "pixel";
}

uint16_t Dataset::photometric() const { return tiff_.ifds[0].photometric(); }

geo::Bounds Dataset::bounds() const {
  return geo::ImageBounds(transform_, static_cast<double>(width()), static_cast<double>(height()));
}

std::pair<double, double> Dataset::res() const {
  return {std::hypot(transform_.a, transform_.d), std::hypot(transform_.b, transform_.e)};
}

std::vector<int> Dataset::overviews() const {
  std::vector<int> out;
  for (size_t i = 1; i < levels_.size(); ++i) {
    out.push_back(static_cast<int>(
        std::lround(static_cast<double>(width()) / static_cast<double>(levels_[i].width))));
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
  Status st = Guard(uri(), [&]() -> Status {
    return NameFile(ReadImpl(options, false, &out, nullptr, true), uri());
  });
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

Status Dataset::ResolveRead(const ReadOptions& options, bool mask, Array* array,
                            const ArrayView* view, bool shape_only,
                            internal::ReadRequest& req) const {
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

  int64_t col0 = 0, row0 = 0, w = static_cast<int64_t>(level.width),
          h = static_cast<int64_t>(level.height);
  if (options.window) {
    const geo::Window& win = *options.window;
    if (!std::isfinite(win.col_off) || !std::isfinite(win.row_off) || !std::isfinite(win.width) ||
        !std::isfinite(win.height) || win.width < 0 || win.height < 0 ||
        std::fabs(win.col_off) > 9e15 || std::fabs(win.row_off) > 9e15 || win.width > 9e15 ||
        win.height > 9e15) {
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
    return Status::OutOfRange("window (" + std::to_string(col0) + ", " + std::to_string(row0) +
                              ", " + std::to_string(w) + ", " + std::to_string(h) +
                              ") is outside the image (" + std::to_string(level.width) + " x " +
                              std::to_string(level.height) + "); use a boundless read");
  }

  const DataType out_dtype = mask ? DataType::kUInt8 : dtype_;
  const uint64_t out_bands = mask ? 1 : bands.size();
  // Level pixels are (width / level.width) full-resolution pixels wide.
  const geo::Affine level_transform =
      transform_ *
      geo::Affine::Scale(static_cast<double>(width()) / static_cast<double>(level.width),
                         static_cast<double>(height()) / static_cast<double>(level.height));
  const geo::Affine out_transform =
      level_transform *
      geo::Affine::Translation(static_cast<double>(col0), static_cast<double>(row0));
  auto bytes = internal::CheckedMul(out_bands, static_cast<uint64_t>(w));
  if (bytes) bytes = internal::CheckedMul(*bytes, static_cast<uint64_t>(h));
  if (bytes) bytes = internal::CheckedMul(*bytes, DataTypeSize(out_dtype));
  if (!bytes || *bytes > options_.limits.max_read_bytes) {
    return Status::LimitExceeded(
        "read of " + std::to_string(out_bands) + " x " + std::to_string(h) + " x " +
        std::to_string(w) + " samples (" +
        (bytes ? std::to_string(*bytes) + " bytes" : std::string("over 2^64 bytes")) +
        ") exceeds max_read_bytes " + std::to_string(options_.limits.max_read_bytes));
  }
  // What the header promises is checked before any output memory is touched.
  if (!shape_only)
    COGR_RETURN_IF_ERROR(CheckReadable(mask ? level.mask_ifd_index : level.ifd_index));
  ArrayView dst;
  if (view) {
    COGR_RETURN_IF_ERROR(
        CheckView(*view, out_dtype, out_bands, static_cast<uint64_t>(h), static_cast<uint64_t>(w)));
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
  const uint64_t x1 =
      static_cast<uint64_t>(std::clamp<int64_t>(col0 + w, 0, static_cast<int64_t>(level.width)));
  const uint64_t y1 =
      static_cast<uint64_t>(std::clamp<int64_t>(row0 + h, 0, static_cast<int64_t>(level.height)));

  req.level_index = level_index;
  req.bands = std::move(bands);
  req.col0 = col0;
  req.row0 = row0;
  req.width = w;
  req.height = h;
  req.inside = inside;
  req.x0 = x0;
  req.y0 = y0;
  req.x1 = x1;
  req.y1 = y1;
  req.dst = dst;
  req.fill = options.fill ? *options.fill : nodata_.value_or(0.0);
  return Status::OK();
}

Status Dataset::ReadImpl(const ReadOptions& options, bool mask, Array* array, const ArrayView* view,
                         bool shape_only) const {
  if (options.out_shape)
    return ReadOutShapeImpl(options, mask, array, view, shape_only);  // dataset_out_shape.cpp
  internal::ReadRequest req;
  COGR_RETURN_IF_ERROR(ResolveRead(options, mask, array, view, shape_only, req));
  if (shape_only) return Status::OK();
  const Level& level = levels_[static_cast<size_t>(req.level_index)];
  const ArrayView& dst = req.dst;
  const int64_t col0 = req.col0, row0 = req.row0;
  const bool inside = req.inside;
  const uint64_t x0 = req.x0, y0 = req.y0, x1 = req.x1, y1 = req.y1;
  const std::vector<int>& bands = req.bands;
  if (mask) {
    if (level.mask_ifd_index >= 0) {
      if (!inside) internal::FillArray(dst, 0);  // outside the image: invalid
      COGR_RETURN_IF_ERROR(
          ReadBlocks(level.mask_ifd_index, {0}, col0, row0, x0, y0, x1, y1, 0, dst));
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
        std::memset(dst.At(0, y - static_cast<uint64_t>(row0), x0 - static_cast<uint64_t>(col0)),
                    255, x1 - x0);
      }
      return Status::OK();
    }
    // Nodata mask: a pixel is valid if any band differs from nodata.
    ReadOptions data_options = options;
    data_options.bands.clear();
    data_options.boundless = true;
    data_options.fill = nodata_;
    // The pixels of every band, boundless with nodata: the same request resolved for the data.
    Array data;
    internal::ReadRequest data_req;
    COGR_RETURN_IF_ERROR(ResolveRead(data_options, false, &data, nullptr, false, data_req));
    if (!data_req.inside) internal::FillArray(data_req.dst, data_req.fill);
    COGR_RETURN_IF_ERROR(ReadBlocks(level.ifd_index, data_req.bands, data_req.col0, data_req.row0,
                                    x0, y0, x1, y1, nodata_.value_or(0.0), data_req.dst));
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

  if (!inside) internal::FillArray(dst, req.fill);
  if (x1 > x0 && y1 > y0) {
    COGR_RETURN_IF_ERROR(
        ReadBlocks(level.ifd_index, bands, col0, row0, x0, y0, x1, y1, nodata_.value_or(0.0), dst));
  }
  return Status::OK();
}

}  // namespace cogr
