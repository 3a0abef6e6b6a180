// Fuzz entry points (see fuzz/util/fuzz.hpp): the code the libFuzzer targets and the regression
// test run.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cogr/crs.hpp"
#include "cogr/io.hpp"
#include "cogr/mask.hpp"
#include "tiff/ifd_fields.hpp"
#include "util/checked.hpp"
#include "util/fuzz.hpp"

namespace cogr::internal {
namespace {

uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

void PutLe16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v & 0xff));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

// (bits per sample, SampleFormat) pairs a FuzzDecode header can pick: every layout cogr
// decodes, plus odd and invalid ones to exercise the rejections.
struct SampleLayout {
  uint16_t bits;
  uint16_t format;
};
constexpr std::array<SampleLayout, 32> kLayouts = {{
    {8, 1},  {8, 2},  {16, 1}, {16, 2}, {32, 1}, {32, 2}, {64, 1}, {64, 2},
    {16, 3}, {24, 3}, {32, 3}, {64, 3}, {32, 5}, {64, 5}, {64, 6}, {128, 6},
    {1, 1},  {2, 1},  {4, 1},  {12, 1}, {3, 1},  {5, 1},  {7, 1},  {10, 1},
    {14, 1}, {17, 1}, {24, 1}, {31, 1}, {48, 1}, {63, 1}, {0, 1},  {80, 1},
}};
constexpr std::array<uint16_t, 8> kPhotometrics = {1, 2, 6, 0, 3, 4, 5, 8};
constexpr std::array<std::array<uint16_t, 2>, 8> kSubsamplings = {{
    {2, 2},
    {1, 1},
    {2, 1},
    {1, 2},
    {4, 4},
    {4, 2},
    {4, 1},
    {1, 4},
}};

template <class T, size_t N>
std::optional<uint8_t> IndexOf(const std::array<T, N>& table, const T& value) {
  for (size_t i = 0; i < N; ++i) {
    if (std::memcmp(&table[i], &value, sizeof(T)) == 0) return static_cast<uint8_t>(i);
  }
  return std::nullopt;
}

// The whole input is the file; reads outside it are the callee's error, as for a real source.
tiff::FetchFn MemoryFetch(ByteSpan file) {
  return [file](ByteRange r) -> Result<std::vector<uint8_t>> {
    if (!RangeInside(r.offset, r.length, file.size())) {
      return Status::InvalidFile("fetch outside the file");
    }
    return std::vector<uint8_t>(file.begin() + static_cast<ptrdiff_t>(r.offset),
                                file.begin() + static_cast<ptrdiff_t>(r.offset + r.length));
  };
}

void CheckIfd(const tiff::Ifd& ifd, const Limits& limits) {
  COGR_FUZZ_CHECK(ifd.width() > 0 && ifd.height() > 0, "IFD with an empty image");
  COGR_FUZZ_CHECK(
      ifd.width() <= limits.max_image_dimension && ifd.height() <= limits.max_image_dimension,
      "IFD above max_image_dimension");
  COGR_FUZZ_CHECK(ifd.block_width() > 0 && ifd.block_height() > 0, "IFD with an empty block");
  COGR_FUZZ_CHECK(ifd.block_count() <= limits.max_blocks_per_ifd, "IFD above max_blocks_per_ifd");
  // A lazy table (tiff::LazyTable) holds one value per block in the file instead.
  const uint64_t offsets =
      ifd.lazy_offsets() ? ifd.lazy_offsets()->count : ifd.block_offsets().size();
  const uint64_t counts =
      ifd.lazy_byte_counts() ? ifd.lazy_byte_counts()->count : ifd.block_byte_counts().size();
  COGR_FUZZ_CHECK(offsets == ifd.block_count(), "block offsets != block count");
  COGR_FUZZ_CHECK(counts == ifd.block_count(), "block byte counts != block count");
  COGR_FUZZ_CHECK(ifd.block_offsets().empty() || !ifd.lazy_offsets(),
                  "block offsets both lazy and loaded");
  COGR_FUZZ_CHECK(ifd.samples_per_pixel() > 0, "SamplesPerPixel 0");
  COGR_FUZZ_CHECK(ifd.bits_per_sample().size() == ifd.samples_per_pixel(),
                  "BitsPerSample not per sample");
  COGR_FUZZ_CHECK(ifd.sample_format().size() == ifd.samples_per_pixel(),
                  "SampleFormat not per sample");
  COGR_FUZZ_CHECK(ifd.entries().size() <= limits.max_tags_per_ifd, "IFD above max_tags_per_ifd");
}

}  // namespace

Limits FuzzLimits() {
  Limits limits;
  limits.max_ifds = 64;
  limits.max_tags_per_ifd = 512;
  limits.max_tag_bytes = 1ull << 20;
  limits.max_header_bytes = 8ull << 20;
  limits.max_blocks_per_ifd = 1ull << 16;
  limits.max_block_bytes = 4ull << 20;
  limits.max_read_bytes = 16ull << 20;
  limits.max_image_dimension = 1ull << 20;
  return limits;
}

// ---- (1) header + IFD walk --------------------------------------------------------------------

Status FuzzOpen(const uint8_t* data, size_t size) {
  const ByteSpan file(data, size);
  const Limits limits = FuzzLimits();
  // A 1 KiB first read (instead of 64 KiB) makes small inputs run the NeedBytes loop too.
  auto opened = tiff::Open(MemoryFetch(file), file.size(), limits, /*initial_read_bytes=*/1024);
  if (!opened.ok()) return opened.status();
  const tiff::TiffFile& tf = *opened;
  COGR_FUZZ_CHECK(tf.ifds.size() == tf.parent.size(), "one parent per IFD");
  COGR_FUZZ_CHECK(tf.ifds.size() <= limits.max_ifds, "IFDs above max_ifds");
  COGR_FUZZ_CHECK(tf.header_bytes_fetched <= limits.max_header_bytes,
                  "fetched above max_header_bytes");
  Status first_error;
  for (size_t i = 0; i < tf.ifds.size(); ++i) {
    const tiff::Ifd& ifd = tf.ifds[i];
    CheckIfd(ifd, limits);
    COGR_FUZZ_CHECK(tf.parent[i] < static_cast<int>(i), "parent after child");
    auto keys = tiff::ParseGeoKeys(ifd);
    if (!keys.ok() && first_error.ok()) first_error = keys.status();
    if (ifd.gdal_metadata()) {
      auto md = tiff::ParseGdalMetadata(*ifd.gdal_metadata());
      if (!md.ok() && first_error.ok()) first_error = md.status();
    }
  }
  return first_error;
}

// ---- (2) one codec ----------------------------------------------------------------------------

Status FuzzDecode(uint16_t compression, const uint8_t* data, size_t size) {
  if (size < kFuzzDecodeHeaderBytes)
    return Status::InvalidArgument("fuzz input shorter than its header");
  codec::BlockInfo info;
  info.compression = compression;
  info.width = (Le16(data) & 0xfffu) + 1u;
  info.height = (Le16(data + 2) & 0xfffu) + 1u;
  info.samples = static_cast<uint16_t>((data[4] & 3u) + 1u);
  const SampleLayout layout = kLayouts[(data[4] >> 2) & 31u];
  info.bits_per_sample = layout.bits;
  info.sample_format = layout.format;
  info.predictor = static_cast<uint16_t>((data[5] & 3u) + 1u);
  info.big_endian = (data[5] & 4u) != 0;
  info.photometric = kPhotometrics[(data[5] >> 3) & 7u];
  info.ycbcr_subsampling = kSubsamplings[data[6] & 7u];
  if (data[6] & 8u) info.lerc_parameters = {4, static_cast<uint32_t>((data[6] >> 4) & 3u)};
  info.max_block_bytes = FuzzLimits().max_block_bytes;
  if ((data[6] & 0x40u) || compression == codec::kOldJpeg) {
    // libtiff's RGBA interface (as for YCbCr outside JPEG, CMYK, old-style JPEG): 8-bit output.
    info.stored_samples = info.samples;
    info.stored_bits = info.bits_per_sample;
    info.samples = info.photometric == 6 ? 3 : 4;
    info.bits_per_sample = 8;
    info.sample_format = 1;
  }
  const size_t rest = size - kFuzzDecodeHeaderBytes;
  const size_t tables_len = std::min<size_t>(Le16(data + 7), rest);
  const uint8_t* tables = data + kFuzzDecodeHeaderBytes;
  info.jpeg_tables = ByteSpan(tables, tables_len);
  ByteSpan block(tables + tables_len, rest - tables_len);
  std::vector<uint64_t> plane_bytes;
  if ((data[6] & 0x80u) && info.stored_samples != 0) {
    // Band-interleaved planes, or old-style JPEG strips: the parts' byte counts, then the parts
    // one after the other.
    size_t parts = info.stored_samples;
    if (compression == codec::kOldJpeg) {
      parts = (data[9] >> 4) + 1u;
      info.part_rows = 8u * ((data[9] & 15u) + 1u);
    }
    const size_t counted = std::min<size_t>(parts - 1, block.size() / 4);
    uint64_t left = block.size() - 4 * counted;
    for (size_t p = 0; p < counted; ++p) {
      const uint64_t n = std::min<uint64_t>(
          Le16(block.data() + 4 * p) | uint64_t{Le16(block.data() + 4 * p + 2)} << 16, left);
      plane_bytes.push_back(n);
      left -= n;
    }
    plane_bytes.push_back(left);
    block = block.subspan(4 * counted);
    info.part_bytes = plane_bytes;
  }

  auto expected = codec::DecodedSize(info);
  if (!expected.ok()) return expected.status();
  COGR_FUZZ_CHECK(*expected <= info.max_block_bytes, "DecodedSize above max_block_bytes");
  // Exactly the promised size: ASan reports any write past it.
  std::vector<uint8_t> out(static_cast<size_t>(*expected));
  Status st = codec::Decode(block, out, info);
  if (st.ok()) {
    // A decode that succeeds writes every byte: reads decode into scratch memory that is not
    // cleared between blocks and into the caller's array, so a byte left unwritten would be
    // another block's data, returned as OK. The same decode over a buffer of another pattern
    // must give the same bytes.
    std::vector<uint8_t> again(out.size(), 0xA5);
    const Status st2 = codec::Decode(block, again, info);
    COGR_FUZZ_CHECK(st2.ok(), "Decode failed on the second run of the same input");
    COGR_FUZZ_CHECK(again == out, "Decode left bytes unwritten (or is not deterministic)");
  }
  if (codec::DecodesByRows(info)) {
    // The row-band path (reads without a block cache): a row range from the reserved byte.
    const uint32_t begin = data[9] % info.height;
    const uint32_t end = begin + 1 + (static_cast<uint32_t>(data[9]) * 7u) % (info.height - begin);
    const size_t row_bytes = out.size() / info.height;
    uint32_t next = begin;
    Status rows =
        codec::DecodeRows(block, info, begin, end, [&](uint32_t first, uint32_t n, ByteSpan band) {
          COGR_FUZZ_CHECK(first == next && n > 0 && first + n <= end,
                          "DecodeRows bands out of order or range");
          COGR_FUZZ_CHECK(band.size() == size_t{n} * row_bytes, "DecodeRows band size");
          // Rows handed over are the whole decode's rows (when that succeeded).
          if (st.ok()) {
            COGR_FUZZ_CHECK(
                std::memcmp(band.data(), out.data() + size_t{first} * row_bytes, band.size()) == 0,
                "DecodeRows rows differ from Decode");
          }
          next = first + n;
        });
    if (rows.ok()) COGR_FUZZ_CHECK(next == end, "DecodeRows ended early without an error");
    if (st.ok()) COGR_FUZZ_CHECK(rows.ok(), "DecodeRows failed where Decode succeeded");
  }
  return st;
}

std::optional<std::vector<uint8_t>> EncodeFuzzDecodeInput(const codec::BlockInfo& info,
                                                          ByteSpan block) {
  if (info.width < 1 || info.width > 4096 || info.height < 1 || info.height > 4096)
    return std::nullopt;
  // The header holds the samples and bits as stored (RGBA conversion: stored_*).
  const uint16_t samples = info.stored_samples != 0 ? info.stored_samples : info.samples;
  const uint16_t bits = info.stored_samples != 0 ? info.stored_bits : info.bits_per_sample;
  if (samples < 1 || samples > 4 || info.predictor < 1 || info.predictor > 4) return std::nullopt;
  const auto layout = IndexOf(kLayouts, SampleLayout{bits, info.sample_format});
  const auto photometric = IndexOf(kPhotometrics, info.photometric);
  const auto subsampling = IndexOf(kSubsamplings, info.ycbcr_subsampling);
  if (!layout || !photometric || !subsampling || info.jpeg_tables.size() > 0xffff)
    return std::nullopt;
  std::vector<uint8_t> out;
  PutLe16(out, static_cast<uint16_t>(info.width - 1));
  PutLe16(out, static_cast<uint16_t>(info.height - 1));
  out.push_back(static_cast<uint8_t>((samples - 1) | (*layout << 2)));
  out.push_back(
      static_cast<uint8_t>((info.predictor - 1) | (info.big_endian ? 4 : 0) | (*photometric << 3)));
  uint8_t lerc = 0;
  if (info.lerc_parameters.size() >= 2) {
    lerc = static_cast<uint8_t>(8 | (std::min<uint32_t>(info.lerc_parameters[1], 3) << 4));
  }
  const bool planes = !info.part_bytes.empty();
  if (planes && info.stored_samples == 0) return std::nullopt;
  if (planes && info.part_rows == 0 && info.part_bytes.size() != info.stored_samples)
    return std::nullopt;
  if (planes && info.part_rows != 0 &&
      (info.part_bytes.size() > 16 || info.part_rows % 8 != 0 || info.part_rows < 8 ||
       info.part_rows > 128)) {
    return std::nullopt;
  }
  out.push_back(static_cast<uint8_t>(*subsampling | lerc | (info.stored_samples != 0 ? 0x40 : 0) |
                                     (planes ? 0x80 : 0)));
  PutLe16(out, static_cast<uint16_t>(info.jpeg_tables.size()));
  // Old-style JPEG strips: their count and rows (the row-range byte is unused for RGBA).
  out.push_back(info.part_rows == 0 ? uint8_t{0}
                                    : static_cast<uint8_t>((info.part_bytes.size() - 1) << 4 |
                                                           (info.part_rows / 8 - 1)));
  out.insert(out.end(), info.jpeg_tables.begin(), info.jpeg_tables.end());
  for (size_t p = 0; p + 1 < info.part_bytes.size(); ++p) {
    if (info.part_bytes[p] > UINT32_MAX) return std::nullopt;
    PutLe16(out, static_cast<uint16_t>(info.part_bytes[p] & 0xffff));
    PutLe16(out, static_cast<uint16_t>(info.part_bytes[p] >> 16));
  }
  out.insert(out.end(), block.begin(), block.end());
  return out;
}

// ---- (3) open + one read ----------------------------------------------------------------------

FuzzReadRequest DecodeFuzzReadRequest(const uint8_t* h) {
  FuzzReadRequest r;
  const uint8_t flags = h[0];
  if (flags & 1u) {
    r.window = geo::Window{static_cast<double>(static_cast<int16_t>(Le16(h + 1))),
                           static_cast<double>(static_cast<int16_t>(Le16(h + 3))),
                           static_cast<double>(Le16(h + 5)), static_cast<double>(Le16(h + 7))};
  }
  r.boundless = (flags & 2u) != 0;
  if (flags & 4u) r.overview = static_cast<int8_t>(h[9]);
  r.mask = (flags & 8u) != 0;
  r.no_block_cache = (flags & 64u) != 0;
  if (flags & 16u) r.out_shape = std::pair<uint64_t, uint64_t>{h[11] + 1u, h[12] + 1u};
  r.resampling = static_cast<Resampling>(h[13] % (static_cast<int>(Resampling::kQ3) + 1));
  for (int b = 0; b < 8; ++b) {
    if (h[10] & (1u << b)) r.bands.push_back(b + 1);
  }
  if (flags & 32u) r.fill = static_cast<int8_t>(h[14]);
  r.header_read_bytes = uint64_t{16} << (h[15] % 13);
  return r;
}

std::vector<uint8_t> EncodeFuzzReadInput(const FuzzReadRequest& r, ByteSpan file) {
  std::vector<uint8_t> out(kFuzzReadHeaderBytes, 0);
  auto put16 = [&](size_t at, int64_t v) {
    const auto u = static_cast<uint16_t>(v);
    out[at] = static_cast<uint8_t>(u & 0xff);
    out[at + 1] = static_cast<uint8_t>(u >> 8);
  };
  if (r.window) {
    out[0] |= 1;
    const auto ints = r.window->ToInts();
    put16(1, std::clamp<int64_t>(ints[0], -32768, 32767));
    put16(3, std::clamp<int64_t>(ints[1], -32768, 32767));
    put16(5, std::clamp<int64_t>(ints[2], 0, 65535));
    put16(7, std::clamp<int64_t>(ints[3], 0, 65535));
  }
  if (r.boundless) out[0] |= 2;
  if (r.overview) {
    out[0] |= 4;
    out[9] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp(*r.overview, -128, 127)));
  }
  if (r.mask) out[0] |= 8;
  if (r.no_block_cache) out[0] |= 64;
  if (r.out_shape) {
    out[0] |= 16;
    out[11] = static_cast<uint8_t>(std::clamp<uint64_t>(r.out_shape->first, 1, 256) - 1);
    out[12] = static_cast<uint8_t>(std::clamp<uint64_t>(r.out_shape->second, 1, 256) - 1);
  }
  out[13] = static_cast<uint8_t>(r.resampling);
  for (int b : r.bands) {
    if (b >= 1 && b <= 8) out[10] |= static_cast<uint8_t>(1u << (b - 1));
  }
  if (r.fill) {
    out[0] |= 32;
    out[14] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp(*r.fill, -128.0, 127.0)));
  }
  uint8_t k = 0;
  while (k < 12 && (uint64_t{16} << k) < r.header_read_bytes) ++k;
  out[15] = k;
  out.insert(out.end(), file.begin(), file.end());
  return out;
}

Status FuzzRead(const uint8_t* data, size_t size) {
  if (size < kFuzzReadHeaderBytes)
    return Status::InvalidArgument("fuzz input shorter than its header");
  const FuzzReadRequest request = DecodeFuzzReadRequest(data);
  OpenOptions open_options;
  open_options.limits = FuzzLimits();
  open_options.header_read_bytes = request.header_read_bytes;
  if (request.no_block_cache) open_options.block_cache_bytes = 0;
  auto source =
      io::MemorySource(std::vector<uint8_t>(data + kFuzzReadHeaderBytes, data + size), "fuzz.tif");
  auto opened = Dataset::Open(std::move(source), open_options);
  if (!opened.ok()) return opened.status();
  const Dataset& ds = **opened;

  // Metadata accessors: they must hold for any file that opened.
  COGR_FUZZ_CHECK(!ds.levels().empty(), "dataset without levels");
  COGR_FUZZ_CHECK(ds.count() >= 1, "dataset without bands");
  COGR_FUZZ_CHECK(DataTypeSize(ds.dtype()) > 0, "dataset of unknown dtype");
  (void)ds.block_shape();
  (void)ds.compression();
  (void)ds.interleave();
  (void)ds.bounds();
  (void)ds.res();
  COGR_FUZZ_CHECK(ds.overviews().size() + 1 == ds.levels().size(), "one overview per extra level");
  COGR_FUZZ_CHECK(ds.scales().size() == static_cast<size_t>(ds.count()), "one scale per band");

  ReadOptions options;
  options.window = request.window;
  options.boundless = request.boundless;
  options.overview = request.overview;
  options.out_shape = request.out_shape;
  options.resampling = request.resampling;
  options.bands = request.bands;
  options.fill = request.fill;
  auto read = request.mask ? ds.ReadMask(options) : ds.Read(options);
  if (!read.ok()) return read.status();
  const Array& a = *read;
  COGR_FUZZ_CHECK(a.data.size() == a.bands * a.height * a.width * a.sample_bytes(), "array size");
  COGR_FUZZ_CHECK(a.data.size() <= FuzzLimits().max_read_bytes, "array above max_read_bytes");
  COGR_FUZZ_CHECK(a.dtype == (request.mask ? DataType::kUInt8 : ds.dtype()), "array dtype");
  if (request.out_shape) {
    COGR_FUZZ_CHECK(a.height == request.out_shape->first && a.width == request.out_shape->second,
                    "out_shape not honoured");
  }
  if (!request.mask && !a.data.empty()) {
    // A read writes every byte of its destination or fails: the same read into the caller's
    // memory, filled with a pattern first (and now from the block cache, unless it is off),
    // must give the same bytes.
    std::vector<uint8_t> again(a.data.size(), 0xA5);
    const Status st = ds.ReadInto(
        options, ArrayView::Contiguous(again.data(), a.dtype, a.bands, a.height, a.width));
    COGR_FUZZ_CHECK(st.ok(), "ReadInto failed where Read succeeded");
    COGR_FUZZ_CHECK(std::memcmp(again.data(), a.data.data(), again.size()) == 0,
                    "ReadInto left bytes unwritten or differs from Read");
  }
  return Status::OK();
}

// ---- (5) GeoKeys → CRS ------------------------------------------------------------------------

Status FuzzGeoKeys(const uint8_t* data, size_t size) {
  tiff::Ifd ifd;
  IfdFields& fields = MutableFields(ifd);
  size_t pos = 0;
  if (size >= 2) {
    const size_t n = std::min<size_t>(Le16(data), (size - 2) / 2);
    pos = 2;
    fields.geokey_directory.resize(n);
    for (size_t i = 0; i < n; ++i, pos += 2) fields.geokey_directory[i] = Le16(data + pos);
  }
  if (pos < size) {
    const size_t m = std::min<size_t>(data[pos], (size - pos - 1) / 8);
    ++pos;
    fields.geo_double_params.resize(m);
    for (size_t i = 0; i < m; ++i, pos += 8) {
      uint64_t bits = 0;
      for (int b = 7; b >= 0; --b) bits = (bits << 8) | data[pos + static_cast<size_t>(b)];
      std::memcpy(&fields.geo_double_params[i], &bits, sizeof bits);
    }
  }
  fields.geo_ascii_params.assign(reinterpret_cast<const char*>(data) + pos, size - pos);

  auto keys = tiff::ParseGeoKeys(ifd);
  if (!keys.ok()) return keys.status();
  // The directory's own header as the version, so that vertical keys (COMPD_CS) are fuzzed too.
  std::array<uint16_t, 3> version{1, 1, 0};
  if (ifd.geokey_directory().size() >= 3) {
    version = {ifd.geokey_directory()[0], ifd.geokey_directory()[1], ifd.geokey_directory()[2]};
  }
  auto crs = geo::Crs::FromGeoKeys(*keys, version);
  if (!crs.ok()) return crs.status();
  (void)crs->ToEpsg();
  (void)crs->IsGeographic();
  (void)crs->IsProjected();
  (void)crs->LinearUnits();
  (void)crs->Name();
  (void)crs->ToProjJson();
  (void)crs->ToWkt(geo::WktFormat::kWkt2_2019);
  auto wkt = crs->ToWkt(geo::WktFormat::kWkt1Gdal);
  if (!wkt.ok()) return wkt.status();
  return Status::OK();
}

std::vector<uint8_t> EncodeFuzzGeoKeysInput(const tiff::Ifd& ifd) {
  std::vector<uint8_t> out;
  const size_t n = std::min<size_t>(ifd.geokey_directory().size(), 0xffff);
  PutLe16(out, static_cast<uint16_t>(n));
  for (size_t i = 0; i < n; ++i) PutLe16(out, ifd.geokey_directory()[i]);
  const size_t m = std::min<size_t>(ifd.geo_double_params().size(), 0xff);
  out.push_back(static_cast<uint8_t>(m));
  for (size_t i = 0; i < m; ++i) {
    uint64_t bits;
    std::memcpy(&bits, &ifd.geo_double_params()[i], sizeof bits);
    for (int b = 0; b < 8; ++b) out.push_back(static_cast<uint8_t>(bits >> (8 * b)));
  }
  out.insert(out.end(), ifd.geo_ascii_params().begin(), ifd.geo_ascii_params().end());
  return out;
}

// ---- (4) GeoJSON → rasterize ------------------------------------------------------------------

Status FuzzGeoJson(const uint8_t* data, size_t size) {
  if (size < kFuzzGeoJsonHeaderBytes)
    return Status::InvalidArgument("fuzz input shorter than its header");
  const uint64_t width = data[0] + 1u, height = data[1] + 1u;
  const bool all_touched = (data[2] & 1u) != 0, invert = (data[2] & 2u) != 0;
  static const std::array<geo::Affine, 4> kTransforms = {{
      geo::Affine::Identity(),
      {0.5, 0, -10, 0, -0.5, 10},
      {1, 0, -180, 0, -1, 90},
      {0.8, 0.3, 5, 0.2, -0.9, 40},
  }};
  const geo::Affine& transform = kTransforms[(data[2] >> 2) & 3u];
  const double pad = data[3];
  const std::string_view text(reinterpret_cast<const char*>(data) + kFuzzGeoJsonHeaderBytes,
                              size - kFuzzGeoJsonHeaderBytes);
  auto shapes = mask::ParseGeoJson(text);
  if (!shapes.ok()) return shapes.status();
  for (const mask::Geometry& g : *shapes) (void)g.Bounds();
  auto burned = mask::Rasterize(*shapes, width, height, transform, all_touched);
  if (!burned.ok()) return burned.status();
  COGR_FUZZ_CHECK(burned->size() == width * height, "Rasterize output size");
  for (uint8_t v : *burned) COGR_FUZZ_CHECK(v <= 1, "Rasterize burns 0 or 1");
  auto masked = mask::GeometryMask(*shapes, width, height, transform, all_touched, invert);
  if (!masked.ok()) return masked.status();
  COGR_FUZZ_CHECK(masked->size() == width * height, "GeometryMask output size");
  auto window = mask::GeometryWindow(*shapes, width, height, transform, pad, pad);
  if (!window.ok()) return window.status();
  COGR_FUZZ_CHECK(window->col_off >= 0 && window->row_off >= 0 &&
                      window->col_off + window->width <= static_cast<double>(width) &&
                      window->row_off + window->height <= static_cast<double>(height),
                  "GeometryWindow inside the image");
  return Status::OK();
}

// ---- replay ----------------------------------------------------------------------------------

Status FuzzReplay(std::string_view target, const uint8_t* data, size_t size) {
  static constexpr std::pair<std::string_view, uint16_t> kCodecs[] = {
      {"decode_none", codec::kNone},         {"decode_lzw", codec::kLzw},
      {"decode_jpeg", codec::kJpeg},         {"decode_deflate", codec::kAdobeDeflate},
      {"decode_packbits", codec::kPackBits}, {"decode_lerc", codec::kLerc},
      {"decode_lzma", codec::kLzma},         {"decode_zstd", codec::kZstd},
      {"decode_webp", codec::kWebp},
  };
  if (target == "tiff_open") return FuzzOpen(data, size);
  if (target == "read_window") return FuzzRead(data, size);
  if (target == "geokeys_crs") return FuzzGeoKeys(data, size);
  if (target == "geojson") return FuzzGeoJson(data, size);
  if (target == "catalog_header") return FuzzCatalogHeader(data, size);
  for (const auto& [name, code] : kCodecs) {
    if (target == name) return FuzzDecode(code, data, size);
  }
  return Status::InvalidArgument("unknown fuzz target '" + std::string(target) + "'");
}

}  // namespace cogr::internal
