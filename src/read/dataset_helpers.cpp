// read: rasterio's dataset helpers on Dataset — profile, tags, colormap, block_windows,
// dataset_mask — with GDAL 3.6's (rasterio 1.3's) answers.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <new>
#include <string>

#include "cogr/codec.hpp"
#include "cogr/dataset.hpp"
#include "read/assemble.hpp"
#include "read/resample.hpp"
#include "util/alloc_guard.hpp"
#include "util/checked.hpp"

namespace cogr {
namespace {

Status BandOutOfRange(const std::string& uri, int band, int count, int first) {
  return Status::OutOfRange(uri + ": band " + std::to_string(band) + " out of range (file has " +
                            std::to_string(count) + " bands; valid: " + std::to_string(first) +
                            ".." + std::to_string(count) + ")");
}

}  // namespace

DatasetProfile Dataset::profile() const {
  const tiff::Ifd& main = tiff_.ifds[0];
  DatasetProfile p;
  p.dtype = dtype_;
  p.nodata = nodata_;
  p.width = width();
  p.height = height();
  p.count = count_;
  if (auto c = crs(); c.ok()) p.crs = *c;
  p.transform = transform_;
  p.tiled = main.tiled();
  if (main.tiled()) p.blockxsize = main.block_width();
  p.blockysize = main.block_height();
  if (main.compression() != 1) p.compress = compression();
  p.interleave = interleave();
  // GDAL's IMAGE_STRUCTURE SOURCE_COLOR_SPACE, which rasterio reports as photometric.
  if (main.photometric() == 6) p.photometric = "ycbcr";
  if (main.photometric() == 5 && main.samples_per_pixel() == 4) p.photometric = "cmyk";
  return p;
}

Result<std::vector<BlockWindow>> Dataset::block_windows(int band) const {
  if (band < 0 || band > count_) return BandOutOfRange(uri(), band, count_, 0);
  const tiff::Ifd& main = tiff_.ifds[0];
  const uint64_t across = main.blocks_across(), down = main.blocks_down();
  auto n = internal::CheckedMul(across, down);
  // One entry per block: as many as the block table holds, which Limits already bounds.
  if (!n || *n > options_.limits.max_blocks_per_ifd) {
    return Status::LimitExceeded(uri() + ": " + std::to_string(across) + " x " +
                                 std::to_string(down) + " blocks are too many to list");
  }
  std::vector<BlockWindow> out;
  COGR_RETURN_IF_ERROR(internal::GuardAlloc(
      [&] {
        out.reserve(static_cast<size_t>(*n));
        return Status::OK();
      },
      [&] { return uri() + ": out of memory listing " + std::to_string(*n) + " blocks"; }));
  for (uint64_t r = 0; r < down; ++r) {
    for (uint64_t c = 0; c < across; ++c) {
      const uint64_t x0 = c * main.block_width(), y0 = r * main.block_height();
      const uint64_t w = std::min(main.block_width(), main.width() - x0);
      const uint64_t h = std::min(main.block_height(), main.height() - y0);
      out.push_back(BlockWindow{r, c,
                                geo::Window{static_cast<double>(x0), static_cast<double>(y0),
                                            static_cast<double>(w), static_cast<double>(h)}});
    }
  }
  return out;
}

Result<std::map<std::string, std::string>> Dataset::tags(int band, const std::string& ns) const {
  if (band < 0 || band > count_) return BandOutOfRange(uri(), band, count_, 0);
  if (ns == "IMAGE_STRUCTURE" || ns == "SUBDATASETS" || ns == "DERIVED_SUBDATASETS") {
    return Status::Unsupported(uri() + ": tags namespace " + ns +
                               " is made by GDAL, not stored in the file; cogr does not report it");
  }
  const tiff::Ifd& main = tiff_.ifds[0];
  std::map<std::string, std::string> out;
  if (band == 0 && ns.empty()) {
    // GDAL's TIFFTAG_* items of the default domain, from the baseline tags of the first IFD.
    COGR_RETURN_IF_ERROR(AddTiffTags(out));
    if (!main.geokey_directory().empty()) out["AREA_OR_POINT"] = pixel_is_point_ ? "Point" : "Area";
  }
  if (main.gdal_metadata()) {
    auto md = tiff::ParseGdalMetadata(*main.gdal_metadata());
    // GDAL ignores a GDAL_METADATA it cannot parse; so does this.
    if (md.ok()) {
      const std::map<std::string, std::string>* items = nullptr;
      if (band == 0) {
        items = &md->dataset_items;
      } else if (auto it = md->band_items.find(band - 1); it != md->band_items.end()) {
        items = &it->second;
      }
      if (items != nullptr) {
        for (const auto& [key, value] : *items) {
          // Keys of other domains are "DOMAIN:NAME"; GDAL skips items without a value.
          const size_t colon = key.find(':');
          const std::string domain =
              colon == std::string::npos ? std::string() : key.substr(0, colon);
          if (domain != ns || value.empty()) continue;
          out[colon == std::string::npos ? key : key.substr(colon + 1)] = value;
        }
      }
    }
  }
  return out;
}

Status Dataset::AddTiffTags(std::map<std::string, std::string>& out) const {
  const tiff::Ifd& main = tiff_.ifds[0];
  const bool big_endian = tiff_.header.byte_order == tiff::ByteOrder::kBig;
  // Value bytes of one entry (inline values are inside the IFD entry), bounded.
  auto bytes_of = [&](const tiff::TagEntry& e) -> Result<std::vector<uint8_t>> {
    const uint32_t size = tiff::TagTypeSize(e.type);
    auto n = internal::CheckedMul(e.count, static_cast<uint64_t>(size));
    if (size == 0 || !n || *n > options_.limits.max_tag_bytes ||
        !internal::RangeInside(e.value_offset, *n, source_->size())) {
      return Status::InvalidFile("tag " + std::to_string(e.code) + ": " + std::to_string(e.count) +
                                 " values at offset " + std::to_string(e.value_offset) +
                                 " do not fit the file");
    }
    return source_->ReadRange({e.value_offset, *n});
  };
  auto u16 = [&](const uint8_t* p) {
    return static_cast<uint16_t>(big_endian ? (p[0] << 8) | p[1] : (p[1] << 8) | p[0]);
  };
  auto u32 = [&](const uint8_t* p) {
    return big_endian
               ? (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]
               : (uint32_t{p[3]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[1]} << 8) | p[0];
  };
  struct Named {
    uint16_t code;
    const char* name;
  };
  static constexpr Named kAscii[] = {
      {269, "TIFFTAG_DOCUMENTNAME"}, {270, "TIFFTAG_IMAGEDESCRIPTION"},
      {305, "TIFFTAG_SOFTWARE"},     {306, "TIFFTAG_DATETIME"},
      {315, "TIFFTAG_ARTIST"},       {316, "TIFFTAG_HOSTCOMPUTER"},
      {33432, "TIFFTAG_COPYRIGHT"}};
  for (const tiff::TagEntry& e : main.entries()) {
    for (const Named& t : kAscii) {
      if (e.code != t.code || e.type != tiff::TagType::kAscii) continue;
      if (e.code == 270 && main.image_description()) {
        // Already read at open (GDAL keeps the text up to the first NUL).
        std::string text = *main.image_description();
        text = text.substr(0, text.find('\0'));
        if (!text.empty()) out[t.name] = text;
        continue;
      }
      COGR_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, bytes_of(e));
      std::string text(raw.begin(), raw.end());
      text = text.substr(0, text.find('\0'));
      if (!text.empty()) out[t.name] = text;
    }
    if ((e.code == 282 || e.code == 283) && e.type == tiff::TagType::kRational && e.count >= 1) {
      COGR_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, bytes_of(e));
      const uint32_t num = u32(raw.data()), den = u32(raw.data() + 4);
      // libtiff hands GDAL a float; GDAL prints it with %.8g.
      const float value = den == 0 ? 0.0f : static_cast<float>(static_cast<double>(num) / den);
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.8g", static_cast<double>(value));
      out[e.code == 282 ? "TIFFTAG_XRESOLUTION" : "TIFFTAG_YRESOLUTION"] = buf;
    }
    if (e.code == 296 && e.type == tiff::TagType::kShort && e.count >= 1) {
      COGR_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, bytes_of(e));
      const uint16_t unit = u16(raw.data());
      out["TIFFTAG_RESOLUTIONUNIT"] = unit == 1   ? "1 (unitless)"
                                      : unit == 2 ? "2 (pixels/inch)"
                                      : unit == 3 ? "3 (pixels/cm)"
                                                  : std::to_string(unit);
    }
    if ((e.code == 280 || e.code == 281) && e.type == tiff::TagType::kShort && e.count >= 1) {
      COGR_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, bytes_of(e));
      out[e.code == 280 ? "TIFFTAG_MINSAMPLEVALUE" : "TIFFTAG_MAXSAMPLEVALUE"] =
          std::to_string(u16(raw.data()));
    }
  }
  return Status::OK();
}

Result<Colormap> Dataset::colormap(int band) const {
  if (band < 1 || band > count_) return BandOutOfRange(uri(), band, count_, 1);
  const tiff::Ifd& main = tiff_.ifds[0];
  const uint16_t bits = main.bits_per_sample().empty() ? uint16_t{1} : main.bits_per_sample()[0];
  Colormap out;
  if (main.photometric() == 3 && bits <= 16) {
    const uint64_t n = uint64_t{1} << bits;
    for (const tiff::TagEntry& e : main.entries()) {
      if (e.code != 320 || e.type != tiff::TagType::kShort) continue;
      // GDAL (libtiff) needs the 3 x 2^bits values; fewer is no color table.
      if (e.count < 3 * n) break;
      const uint64_t bytes = 3 * n * 2;
      if (!internal::RangeInside(e.value_offset, bytes, source_->size())) {
        return Status::InvalidFile(uri() + ": ColorMap at offset " +
                                   std::to_string(e.value_offset) +
                                   " runs past the end of the file");
      }
      COGR_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, source_->ReadRange({e.value_offset, bytes}));
      const bool big_endian = tiff_.header.byte_order == tiff::ByteOrder::kBig;
      auto value = [&](uint64_t i) -> uint8_t {
        const uint8_t* p = raw.data() + 2 * i;
        const unsigned v = big_endian ? (p[0] << 8) | p[1] : (p[1] << 8) | p[0];
        return static_cast<uint8_t>(v / 257);  // GDAL 3.6: 16-bit TIFF value / 257, truncated
      };
      for (uint64_t i = 0; i < n; ++i) {
        out[static_cast<int>(i)] = {value(i), value(n + i), value(2 * n + i), 255};
      }
      return out;
    }
  } else if (main.photometric() == 0 && count_ == 1 && bits <= 16 && !IsFloat(dtype_) &&
             !IsComplex(dtype_)) {
    // GDAL gives a min-is-white band an inverted gray table: entry i = (n - 1 - i) * 255 / (n - 1).
    const uint64_t n = uint64_t{1} << bits;
    for (uint64_t i = 0; i < n; ++i) {
      const auto v = static_cast<uint8_t>(n == 1 ? 255 : ((n - 1 - i) * 255) / (n - 1));
      out[static_cast<int>(i)] = {v, v, v, 255};
    }
    return out;
  } else if (bits == 1 && count_ == 1 && main.photometric() == 1) {
    // GDAL's implicit black/white table of 1-bit min-is-black images.
    out[0] = {0, 0, 0, 255};
    out[1] = {255, 255, 255, 255};
    return out;
  }
  return Status::NotFound(uri() + ": NULL color table");
}

int Dataset::AlphaBand() const {
  const tiff::Ifd& main = tiff_.ifds[0];
  const size_t extra = main.extra_samples().size();
  if (extra > static_cast<size_t>(count_)) return -1;
  for (size_t i = 0; i < extra; ++i) {
    if (main.extra_samples()[i] == 1 || main.extra_samples()[i] == 2) {
      return count_ - static_cast<int>(extra) + static_cast<int>(i);
    }
  }
  return -1;
}

Result<Array> Dataset::dataset_mask(const ReadOptions& options) const {
  const int alpha = AlphaBand();
  if (has_mask() || alpha < 0) return ReadMask(options);
  // GDAL's mask of the other bands is the alpha band: uint8 values as they are, uint16 scaled.
  ReadOptions alpha_options = options;
  alpha_options.bands = {alpha + 1};
  COGR_ASSIGN_OR_RETURN(Array a, Read(alpha_options));
  Array out;
  out.dtype = DataType::kUInt8;
  out.bands = 1;
  out.height = a.height;
  out.width = a.width;
  out.transform = a.transform;
  const uint64_t n = a.width * a.height;
  if (a.dtype == DataType::kUInt8) {
    out.data = std::move(a.data);
    return out;
  }
  out.data.resize(static_cast<size_t>(n));
  if (a.dtype == DataType::kUInt16) {
    // GDALRescaledAlphaBand: value / 257, but never 0 for a non-zero alpha.
    const uint16_t* v = a.as<uint16_t>();
    for (uint64_t i = 0; i < n; ++i) {
      out.data[i] = v[i] > 0 && v[i] < 257 ? uint8_t{1} : static_cast<uint8_t>(v[i] / 257);
    }
    return out;
  }
  return Status::Unsupported(uri() + ": alpha band of type " + std::string(DataTypeName(a.dtype)));
}

Status Dataset::ReadMaskOutShape(const ReadOptions& options, Array& out) const {
  internal::OutShapeDataset ds;
  ds.count = 1;
  ds.dtype = DataType::kUInt8;
  ds.transform = transform_;
  ds.limits = options_.limits;
  auto chunk_of = [this](int64_t x0, int64_t y0, int64_t x1, int64_t y1, Array& chunk) -> Status {
    chunk.dtype = DataType::kUInt8;
    chunk.bands = 1;
    chunk.width = static_cast<uint64_t>(x1 - x0);
    chunk.height = static_cast<uint64_t>(y1 - y0);
    auto n = internal::CheckedMul(chunk.width, chunk.height);
    if (!n || *n > options_.limits.max_read_bytes) {
      return Status::LimitExceeded("mask chunk exceeds max_read_bytes " +
                                   std::to_string(options_.limits.max_read_bytes));
    }
    chunk.data.resize(static_cast<size_t>(*n));
    return Status::OK();
  };
  ReadOptions mask_options = options;
  mask_options.bands = {1};
  if (has_mask()) {
    // GDAL's mask band and its overviews (the mask IFDs of the levels), resampled like a band.
    std::vector<int> mask_ifds;
    for (const Level& l : levels_) {
      if (l.mask_ifd_index < 0) break;
      ds.levels.push_back({static_cast<int64_t>(l.width), static_cast<int64_t>(l.height)});
      ds.block_widths.push_back(
          static_cast<int64_t>(tiff_.ifds[static_cast<size_t>(l.mask_ifd_index)].block_width()));
      ds.level_has_mask.push_back(false);
      ds.jpeg_scale.push_back(0);
      mask_ifds.push_back(l.mask_ifd_index);
    }
    ds.fetch = [this, mask_ifds, chunk_of](int level, const std::vector<int>&, int64_t x0,
                                           int64_t y0, int64_t x1, int64_t y1,
                                           Array& chunk) -> Status {
      COGR_RETURN_IF_ERROR(chunk_of(x0, y0, x1, y1, chunk));
      COGR_RETURN_IF_ERROR(ReadBlocks(mask_ifds[static_cast<size_t>(level)], {0}, x0, y0,
                                      static_cast<uint64_t>(x0), static_cast<uint64_t>(y0),
                                      static_cast<uint64_t>(x1), static_cast<uint64_t>(y1), 0,
                                      ArrayView::Of(chunk)));
      for (auto& v : chunk.data) v = v ? 255 : 0;  // 1-bit masks decode to 0/1
      return Status::OK();
    };
    COGR_ASSIGN_OR_RETURN(out, internal::ReadOutShape(ds, mask_options));
    return Status::OK();
  }
  if (nodata_) {
    // GDAL's nodata mask reads the data at the requested size, then tests each value.
    ReadOptions data_options = options;
    data_options.bands.clear();
    Array data;
    COGR_RETURN_IF_ERROR(ReadImpl(data_options, false, &data, nullptr));
    out.dtype = DataType::kUInt8;
    out.bands = 1;
    out.width = data.width;
    out.height = data.height;
    out.transform = data.transform;
    out.data.assign(static_cast<size_t>(data.width * data.height), 0);
    NodataMask(data, out.data.data());
    return Status::OK();
  }
  // All valid: 255 everywhere, with ReadOutShape's checks and transform but no I/O.
  for (const Level& l : levels_) {
    ds.levels.push_back({static_cast<int64_t>(l.width), static_cast<int64_t>(l.height)});
    ds.block_widths.push_back(
        static_cast<int64_t>(tiff_.ifds[static_cast<size_t>(l.ifd_index)].block_width()));
    ds.level_has_mask.push_back(false);
    ds.jpeg_scale.push_back(0);
  }
  ds.fetch = [chunk_of](int, const std::vector<int>&, int64_t x0, int64_t y0, int64_t x1,
                        int64_t y1, Array& chunk) -> Status {
    COGR_RETURN_IF_ERROR(chunk_of(x0, y0, x1, y1, chunk));
    std::fill(chunk.data.begin(), chunk.data.end(), uint8_t{255});
    return Status::OK();
  };
  COGR_ASSIGN_OR_RETURN(out, internal::ReadOutShape(ds, mask_options));
  return Status::OK();
}

void Dataset::NodataMask(const Array& data, uint8_t* mask) const {
  const size_t sb = data.sample_bytes();
  std::vector<uint8_t> nd(sb);
  internal::StoreScalar(dtype_, *nodata_, nd.data());
  const bool nan_nodata = std::isnan(*nodata_);
  const uint64_t plane = data.width * data.height;
  for (uint64_t b = 0; b < data.bands; ++b) {
    for (uint64_t i = 0; i < plane; ++i) {
      const uint8_t* p = data.data.data() + (b * plane + i) * sb;
      bool is_nodata;
      if (nan_nodata && dtype_ == DataType::kFloat32) {
        float f;
        std::memcpy(&f, p, 4);
        is_nodata = std::isnan(f);
      } else if (nan_nodata && dtype_ == DataType::kFloat64) {
        double d;
        std::memcpy(&d, p, 8);
        is_nodata = std::isnan(d);
      } else {
        is_nodata = std::memcmp(p, nd.data(), sb) == 0;
      }
      if (!is_nodata) mask[i] = 255;
    }
  }
}

}  // namespace cogr
