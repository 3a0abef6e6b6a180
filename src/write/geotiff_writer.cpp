// The GeoTIFF/COG writer: profile checks, tags, layout, parallel block encoding, and the
// temporary file that becomes the output only when complete.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
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
#include "util/checked.hpp"
#include "util/thread_pool.hpp"
#include "write/encode.hpp"
#include "write/gdal_tags.hpp"
#include "write/geokeys.hpp"
#include "write/overview.hpp"
#include "write/status_util.hpp"

namespace cogr::write {
namespace {

using internal::CeilDiv;
using tiff::TagCode;
using tiff::TagType;

constexpr uint64_t kMaxClassicOffset = 0xFFFFFFFFull;
constexpr int kMaxOverviews = 30;

// GDAL's structural metadata, byte for byte as GDAL 3.6's COG driver writes it (the declared
// size counts the text after the first line, including the trailing space).
constexpr char kGhostBody[] =
    "LAYOUT=IFDS_BEFORE_DATA\n"
    "BLOCK_ORDER=ROW_MAJOR\n"
    "BLOCK_LEADER=SIZE_AS_UINT4\n"
    "BLOCK_TRAILER=LAST_4_BYTES_REPEATED\n"
    "KNOWN_INCOMPATIBLE_EDITION=NO\n"
    " ";

std::string GhostArea() {
  const std::string body = kGhostBody;
  char first[64];
  std::snprintf(first, sizeof(first), "GDAL_STRUCTURAL_METADATA_SIZE=%06zu bytes\n", body.size());
  return first + body;
}

std::string Num(uint64_t v) { return std::to_string(v); }

std::string FormatDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

uint16_t SampleFormat(DataType t) {
  if (IsComplex(t)) return IsFloat(t) ? 6 : 5;
  if (IsFloat(t)) return 3;
  return IsSigned(t) ? 2 : 1;
}

uint16_t CompressionCode(Compression c) {
  switch (c) {
    case Compression::kNone: return 1;
    case Compression::kDeflate: return 8;
    case Compression::kZstd: return 50000;
    case Compression::kLzw: return 5;
  }
  return 1;
}

bool IsIntegerType(DataType t) { return !IsFloat(t) && !IsComplex(t) && t != DataType::kUnknown; }

// ---------------------------------------------------------------------------------------------
// Tags

struct Tag {
  uint16_t code = 0;
  TagType type = TagType::kByte;
  uint64_t count = 0;
  std::vector<uint8_t> data;  // host byte order = the file's
};

template <class T>
Tag MakeTag(uint16_t code, TagType type, const std::vector<T>& values) {
  Tag t{code, type, values.size(), {}};
  t.data.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

Tag ShortTag(TagCode code, std::vector<uint16_t> values) {
  return MakeTag(static_cast<uint16_t>(code), TagType::kShort, values);
}

// SHORT when the value fits, as libtiff writes ImageWidth, TileWidth, RowsPerStrip...
Tag ShortOrLongTag(TagCode code, uint64_t value) {
  if (value <= 0xFFFF) return ShortTag(code, {static_cast<uint16_t>(value)});
  return MakeTag(static_cast<uint16_t>(code), TagType::kLong,
                 std::vector<uint32_t>{static_cast<uint32_t>(value)});
}

Tag DoubleTag(uint16_t code, std::vector<double> values) {
  return MakeTag(code, TagType::kDouble, values);
}

// `text` must end with its NUL.
Tag AsciiTag(uint16_t code, const std::string& text) {
  Tag t{code, TagType::kAscii, text.size(), {}};
  t.data.assign(text.begin(), text.end());
  return t;
}

// An offsets/byte-counts array of `count` entries, filled in once the blocks are written.
Tag OffsetsTag(TagCode code, uint64_t count, bool big) {
  Tag t{static_cast<uint16_t>(code), big ? TagType::kLong8 : TagType::kLong, count, {}};
  t.data.assign(static_cast<size_t>(count * (big ? 8 : 4)), 0);
  return t;
}

void FillOffsets(Tag& tag, const std::vector<uint64_t>& values) {
  if (tag.type == TagType::kLong8) {
    std::memcpy(tag.data.data(), values.data(), values.size() * 8);
  } else {
    for (size_t i = 0; i < values.size(); ++i) {
      const uint32_t v = static_cast<uint32_t>(values[i]);  // checked <= 4 GiB by the caller
      std::memcpy(tag.data.data() + i * 4, &v, 4);
    }
  }
}

uint64_t EvenUp(uint64_t n) { return n + (n & 1); }

uint64_t InlineBytes(bool big) { return big ? 8 : 4; }

// Bytes of an IFD (entries + next pointer) followed by its out-of-line values.
uint64_t IfdSize(const std::vector<Tag>& tags, bool big) {
  uint64_t size = big ? 8 + 20 * tags.size() + 8 : 2 + 12 * tags.size() + 4;
  for (const Tag& t : tags) {
    if (t.data.size() > InlineBytes(big)) size += EvenUp(t.data.size());
  }
  return size;
}

template <class T>
void Put(std::vector<uint8_t>& out, size_t at, T v) {
  std::memcpy(out.data() + at, &v, sizeof(T));
}

// Serialises one IFD at file offset `offset`: entries sorted by code, values after the entries.
std::vector<uint8_t> SerializeIfd(std::vector<Tag> tags, uint64_t offset, uint64_t next, bool big) {
  std::sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) { return a.code < b.code; });
  std::vector<uint8_t> out(static_cast<size_t>(IfdSize(tags, big)), 0);
  const size_t entry_size = big ? 20 : 12;
  size_t pos = 0;
  if (big) {
    Put<uint64_t>(out, 0, tags.size());
    pos = 8;
  } else {
    Put<uint16_t>(out, 0, static_cast<uint16_t>(tags.size()));
    pos = 2;
  }
  size_t value_pos = pos + tags.size() * entry_size + (big ? 8 : 4);
  for (const Tag& t : tags) {
    Put<uint16_t>(out, pos, t.code);
    Put<uint16_t>(out, pos + 2, static_cast<uint16_t>(t.type));
    const size_t field = big ? pos + 12 : pos + 8;
    if (big) {
      Put<uint64_t>(out, pos + 4, t.count);
    } else {
      Put<uint32_t>(out, pos + 4, static_cast<uint32_t>(t.count));
    }
    if (t.data.size() <= InlineBytes(big)) {
      if (!t.data.empty()) std::memcpy(out.data() + field, t.data.data(), t.data.size());
    } else {
      const uint64_t where = offset + value_pos;
      if (big) {
        Put<uint64_t>(out, field, where);
      } else {
        Put<uint32_t>(out, field, static_cast<uint32_t>(where));
      }
      std::memcpy(out.data() + value_pos, t.data.data(), t.data.size());
      value_pos += static_cast<size_t>(EvenUp(t.data.size()));
    }
    pos += entry_size;
  }
  if (big) {
    Put<uint64_t>(out, pos, next);
  } else {
    Put<uint32_t>(out, pos, static_cast<uint32_t>(next));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The temporary file

class TempFile {
 public:
  explicit TempFile(std::string path)
      : path_(std::move(path)), temp_(path_ + ".tmp." + std::to_string(static_cast<long>(getpid()))) {}
  ~TempFile() {
    if (fd_ >= 0) close(fd_);
    if (created_ && !committed_) unlink(temp_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  Status Open() {
    // O_NOFOLLOW: never write through a symlink planted at the temporary name.
    fd_ = open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd_ < 0) return Error("cannot create temporary file " + temp_, errno);
    created_ = true;
    return Status::OK();
  }

  Status WriteAt(uint64_t offset, ByteSpan bytes) {
    const uint8_t* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      const size_t chunk = std::min<size_t>(left, size_t{1} << 30);
      const ssize_t n = pwrite(fd_, p, chunk, static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error("cannot write " + temp_, errno);
      }
      if (n == 0) return Error("cannot write " + temp_, EIO);
      p += n;
      left -= static_cast<size_t>(n);
      offset += static_cast<uint64_t>(n);
    }
    return Status::OK();
  }

  Status Commit() {
    const int fd = fd_;
    fd_ = -1;
    if (close(fd) != 0) return Error("cannot write " + temp_, errno);
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
      return Error("cannot rename " + temp_ + " to " + path_, errno);
    }
    committed_ = true;
    return Status::OK();
  }

 private:
  Status Error(const std::string& what, int err) const {
    return Status::IoError(path_ + ": " + what + ": " + std::strerror(err));
  }

  std::string path_, temp_;
  int fd_ = -1;
  bool created_ = false;
  bool committed_ = false;
};

// ---------------------------------------------------------------------------------------------
// Levels and blocks

struct Level {
  const Array* array = nullptr;
  uint64_t width = 0, height = 0;
  uint64_t block_w = 0, block_h = 0;
  uint64_t across = 0, down = 0, planes = 1;
  std::vector<Tag> tags;
  size_t offsets_tag = 0, counts_tag = 0;  // indexes into tags
  std::vector<uint64_t> offsets, counts;
  uint64_t ifd_offset = 0;

  uint64_t blocks() const { return across * down * planes; }
};

struct Layout {
  const Profile* profile = nullptr;
  bool big = false;
  bool cog = false;          // tiled: ghost area + block leaders/trailers
  uint32_t samples = 1;      // samples per pixel in one block
  uint16_t photometric = 1;
  bool planar = false;
  size_t sample_bytes = 0;
  std::vector<uint8_t> pad;  // one sample of the pad value
  bool predict = false;
};

// Copies the block's pixels from the (bands, h, w) array into `raw`, padded to the full tile.
template <size_t N>
void CopyInterleaved(const uint8_t* src, uint64_t w, uint64_t h, uint32_t bands, uint64_t x0,
                     uint64_t y0, uint64_t cols, uint64_t valid_w, uint64_t valid_h, uint8_t* raw) {
  const uint64_t plane = w * h * N;
  for (uint64_t y = 0; y < valid_h; ++y) {
    uint8_t* dst_row = raw + y * cols * bands * N;
    for (uint32_t b = 0; b < bands; ++b) {
      const uint8_t* s = src + b * plane + ((y0 + y) * w + x0) * N;
      uint8_t* d = dst_row + b * N;
      for (uint64_t x = 0; x < valid_w; ++x) std::memcpy(d + x * bands * N, s + x * N, N);
    }
  }
}

void FillPad(uint8_t* p, size_t bytes, const std::vector<uint8_t>& pad) {
  bool zero = std::all_of(pad.begin(), pad.end(), [](uint8_t b) { return b == 0; });
  if (zero) {
    std::memset(p, 0, bytes);
    return;
  }
  for (size_t i = 0; i + pad.size() <= bytes; i += pad.size()) std::memcpy(p + i, pad.data(), pad.size());
}

Status EncodeBlock(const Layout& lay, const Level& lv, uint64_t index, std::vector<uint8_t>& raw,
                   std::vector<uint8_t>& scratch, std::vector<uint8_t>& out) {
  const Profile& p = *lay.profile;
  const uint64_t per_plane = lv.across * lv.down;
  const uint64_t plane = index / per_plane, rem = index % per_plane;
  const uint64_t by = rem / lv.across, bx = rem % lv.across;
  const uint64_t x0 = bx * lv.block_w, y0 = by * lv.block_h;
  const uint64_t valid_w = std::min(lv.block_w, lv.width - x0);
  const uint64_t valid_h = std::min(lv.block_h, lv.height - y0);
  // Tiles are always whole; a last strip holds only the rows that exist.
  const uint64_t cols = lv.block_w;
  const uint64_t rows = p.tiled ? lv.block_h : valid_h;
  const size_t sb = lay.sample_bytes;
  const size_t block_bytes = static_cast<size_t>(cols * rows * lay.samples * sb);
  raw.resize(block_bytes);
  if (valid_w < cols || valid_h < rows) FillPad(raw.data(), block_bytes, lay.pad);

  const Array& a = *lv.array;
  const uint8_t* src = a.data.data();
  if (lay.samples == 1) {
    const uint8_t* band = src + plane * lv.width * lv.height * sb;
    for (uint64_t y = 0; y < valid_h; ++y) {
      std::memcpy(raw.data() + y * cols * sb, band + ((y0 + y) * lv.width + x0) * sb,
                  static_cast<size_t>(valid_w * sb));
    }
  } else {
    const uint32_t n = lay.samples;
    switch (sb) {
      case 1: CopyInterleaved<1>(src, lv.width, lv.height, n, x0, y0, cols, valid_w, valid_h, raw.data()); break;
      case 2: CopyInterleaved<2>(src, lv.width, lv.height, n, x0, y0, cols, valid_w, valid_h, raw.data()); break;
      case 4: CopyInterleaved<4>(src, lv.width, lv.height, n, x0, y0, cols, valid_w, valid_h, raw.data()); break;
      case 8: CopyInterleaved<8>(src, lv.width, lv.height, n, x0, y0, cols, valid_w, valid_h, raw.data()); break;
      default: CopyInterleaved<16>(src, lv.width, lv.height, n, x0, y0, cols, valid_w, valid_h, raw.data()); break;
    }
  }

  if (lay.predict && p.predictor == 2) {
    internal::ApplyHorizontalPredictor(raw, cols, rows, lay.samples, static_cast<uint32_t>(sb));
  } else if (lay.predict && p.predictor == 3) {
    internal::ApplyFloatPredictor(raw, cols, rows, lay.samples, static_cast<uint32_t>(sb), scratch);
  }
  const int level = p.compress == Compression::kZstd ? p.zstd_level : p.deflate_level;
  return internal::Compress(p.compress, level, raw, out);
}

uint64_t RawBlockBytes(const Layout& lay, const Level& lv) {
  return lv.block_w * lv.block_h * lay.samples * lay.sample_bytes;
}

// Tags of one level; offsets and byte counts are placeholders until the data is written.
void BuildTags(const Layout& lay, Level& lv, bool overview, const internal::GeoKeyTags& geo,
               const std::string& metadata, const std::string& nodata) {
  const Profile& p = *lay.profile;
  std::vector<Tag>& t = lv.tags;
  t.clear();
  const uint16_t bits = static_cast<uint16_t>(lay.sample_bytes * 8);
  const size_t count = static_cast<size_t>(p.count);
  if (overview) {
    t.push_back(MakeTag(static_cast<uint16_t>(TagCode::kNewSubfileType), TagType::kLong,
                        std::vector<uint32_t>{1}));
  }
  t.push_back(ShortOrLongTag(TagCode::kImageWidth, lv.width));
  t.push_back(ShortOrLongTag(TagCode::kImageLength, lv.height));
  t.push_back(ShortTag(TagCode::kBitsPerSample, std::vector<uint16_t>(count, bits)));
  t.push_back(ShortTag(TagCode::kCompression, {CompressionCode(p.compress)}));
  t.push_back(ShortTag(TagCode::kPhotometric, {lay.photometric}));
  t.push_back(ShortTag(TagCode::kSamplesPerPixel, {static_cast<uint16_t>(p.count)}));
  t.push_back(ShortTag(TagCode::kPlanarConfiguration, {static_cast<uint16_t>(lay.planar ? 2 : 1)}));
  if (p.compress != Compression::kNone) {
    t.push_back(ShortTag(TagCode::kPredictor, {static_cast<uint16_t>(lay.predict ? p.predictor : 1)}));
  }
  if (p.tiled) {
    t.push_back(ShortOrLongTag(TagCode::kTileWidth, lv.block_w));
    t.push_back(ShortOrLongTag(TagCode::kTileLength, lv.block_h));
    lv.offsets_tag = t.size();
    t.push_back(OffsetsTag(TagCode::kTileOffsets, lv.blocks(), lay.big));
    lv.counts_tag = t.size();
    t.push_back(OffsetsTag(TagCode::kTileByteCounts, lv.blocks(), lay.big));
  } else {
    t.push_back(ShortOrLongTag(TagCode::kRowsPerStrip, lv.block_h));
    lv.offsets_tag = t.size();
    t.push_back(OffsetsTag(TagCode::kStripOffsets, lv.blocks(), lay.big));
    lv.counts_tag = t.size();
    t.push_back(OffsetsTag(TagCode::kStripByteCounts, lv.blocks(), lay.big));
  }
  const int color_samples = lay.photometric == 2 ? 3 : 1;
  if (p.count > color_samples) {
    std::vector<uint16_t> extra(static_cast<size_t>(p.count - color_samples), 0);
    extra[0] = static_cast<uint16_t>(p.alpha);
    t.push_back(ShortTag(TagCode::kExtraSamples, extra));
  }
  t.push_back(ShortTag(TagCode::kSampleFormat, std::vector<uint16_t>(count, SampleFormat(p.dtype))));
  if (!overview) {
    const geo::Affine& g = p.transform;
    const bool georef = !(g == geo::Affine::Identity()) || !geo.directory.empty();
    if (georef) {
      // GDAL: a north-up transform as pixel scale + tiepoint, anything else as a matrix.
      if (g.b == 0 && g.d == 0 && g.e < 0) {
        t.push_back(DoubleTag(static_cast<uint16_t>(TagCode::kModelPixelScale), {g.a, -g.e, 0.0}));
        t.push_back(DoubleTag(static_cast<uint16_t>(TagCode::kModelTiepoint), {0, 0, 0, g.c, g.f, 0}));
      } else {
        t.push_back(DoubleTag(static_cast<uint16_t>(TagCode::kModelTransformation),
                              {g.a, g.b, 0, g.c, g.d, g.e, 0, g.f, 0, 0, 0, 0, 0, 0, 0, 1}));
      }
    }
    if (!geo.directory.empty()) {
      t.push_back(MakeTag(static_cast<uint16_t>(TagCode::kGeoKeyDirectory), TagType::kShort, geo.directory));
      if (!geo.doubles.empty()) t.push_back(DoubleTag(static_cast<uint16_t>(TagCode::kGeoDoubleParams), geo.doubles));
      if (!geo.ascii.empty()) t.push_back(AsciiTag(static_cast<uint16_t>(TagCode::kGeoAsciiParams), geo.ascii));
    }
    if (!metadata.empty()) t.push_back(AsciiTag(static_cast<uint16_t>(TagCode::kGdalMetadata), metadata + '\0'));
  }
  if (!nodata.empty()) t.push_back(AsciiTag(static_cast<uint16_t>(TagCode::kGdalNodata), nodata + '\0'));
}

// Places the header, the ghost area and every IFD; returns where the block data starts.
uint64_t PlaceIfds(const Layout& lay, std::vector<Level>& levels, const std::string& ghost) {
  uint64_t pos = lay.big ? 16 : 8;
  if (lay.cog) pos = EvenUp(pos + ghost.size());
  for (Level& lv : levels) {
    lv.ifd_offset = pos;
    pos = EvenUp(pos + IfdSize(lv.tags, lay.big));
  }
  return pos;
}

std::vector<uint8_t> HeaderArea(const Layout& lay, const std::vector<Level>& levels,
                                const std::string& ghost, uint64_t data_start) {
  std::vector<uint8_t> out(static_cast<size_t>(data_start), 0);
  const bool little = std::endian::native == std::endian::little;
  out[0] = out[1] = little ? 'I' : 'M';
  if (lay.big) {
    Put<uint16_t>(out, 2, 43);
    Put<uint16_t>(out, 4, 8);
    Put<uint16_t>(out, 6, 0);
    Put<uint64_t>(out, 8, levels[0].ifd_offset);
  } else {
    Put<uint16_t>(out, 2, 42);
    Put<uint32_t>(out, 4, static_cast<uint32_t>(levels[0].ifd_offset));
  }
  if (lay.cog) std::memcpy(out.data() + (lay.big ? 16 : 8), ghost.data(), ghost.size());
  for (size_t i = 0; i < levels.size(); ++i) {
    const uint64_t next = i + 1 < levels.size() ? levels[i + 1].ifd_offset : 0;
    std::vector<uint8_t> ifd = SerializeIfd(levels[i].tags, levels[i].ifd_offset, next, lay.big);
    std::memcpy(out.data() + levels[i].ifd_offset, ifd.data(), ifd.size());
  }
  return out;
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
    return Status::InvalidArgument("array holds " + Num(a.data.size()) + " bytes, its shape needs " +
                                   (expected ? Num(*expected) : std::string("more than 2^64")));
  }
  return Status::OK();
}

Status WriteImpl(const std::string& path, const Profile& p, const Array& data,
                 const WriteOptions& options) {
  COGR_WRITE_RETURN_IF_ERROR(ValidateProfile(p));
  COGR_WRITE_RETURN_IF_ERROR(CheckArray(p, data));
  const size_t threads = options.threads != 0 ? options.threads : ThreadCount();
  auto report = [&](double fraction) -> Status {
    if (options.progress && !options.progress(fraction)) return Status::Cancelled("write cancelled");
    return Status::OK();
  };
  COGR_WRITE_RETURN_IF_ERROR(report(0.0));

  COGR_ASSIGN_OR_RETURN(internal::GeoKeyMap keys, internal::GeoKeysForCrs(p.crs_epsg, p.crs_wkt));
  const internal::GeoKeyTags geo = internal::EncodeGeoKeys(keys);
  const std::string metadata = internal::GdalMetadataXml(p);
  const std::string nodata = p.nodata ? FormatNodata(*p.nodata) : std::string();

  Layout lay;
  lay.profile = &p;
  lay.cog = p.tiled;
  lay.sample_bytes = DataTypeSize(p.dtype);
  lay.planar = p.interleave == Interleave::kBand && p.count > 1;
  lay.samples = lay.planar ? 1 : static_cast<uint32_t>(p.count);
  lay.photometric = (p.dtype == DataType::kUInt8 && (p.count == 3 || p.count == 4) &&
                     p.interleave == Interleave::kPixel)
                        ? 2
                        : 1;
  lay.pad = internal::SampleBytes(p.dtype, p.nodata.value_or(0.0));
  lay.predict = p.compress != Compression::kNone && p.predictor != 1;

  // Overviews, all from the full-resolution array.
  std::vector<Array> overview_arrays;
  overview_arrays.reserve(p.overviews.size());
  for (int factor : p.overviews) {
    COGR_ASSIGN_OR_RETURN(Array ovr, internal::MakeOverview(data, factor, p.overview_resampling,
                                                            p.nodata, threads));
    overview_arrays.push_back(std::move(ovr));
  }

  std::vector<Level> levels(1 + overview_arrays.size());
  for (size_t i = 0; i < levels.size(); ++i) {
    Level& lv = levels[i];
    lv.array = i == 0 ? &data : &overview_arrays[i - 1];
    lv.width = lv.array->width;
    lv.height = lv.array->height;
    lv.block_w = p.tiled ? p.blockxsize : lv.width;
    lv.block_h = p.tiled ? p.blockysize : std::min<uint64_t>(p.blockysize, lv.height);
    lv.across = CeilDiv(lv.width, lv.block_w);
    lv.down = CeilDiv(lv.height, lv.block_h);
    lv.planes = lay.planar ? static_cast<uint64_t>(p.count) : 1;
  }

  // BigTIFF: decided before any block is encoded, from every block's worst-case size.
  const std::string ghost = GhostArea();
  lay.big = p.bigtiff == BigTiff::kYes;
  if (p.bigtiff == BigTiff::kAuto) {
    for (size_t i = 0; i < levels.size(); ++i) BuildTags(lay, levels[i], i > 0, geo, metadata, nodata);
    uint64_t bound = PlaceIfds(lay, levels, ghost);
    for (const Level& lv : levels) {
      const uint64_t per_block = internal::CompressBound(p.compress, RawBlockBytes(lay, lv)) + 8;
      bound += lv.blocks() * per_block;  // cannot overflow: dimensions are < 2^32, blocks >= 256 B
    }
    lay.big = bound > kMaxClassicOffset;
  }
  for (size_t i = 0; i < levels.size(); ++i) BuildTags(lay, levels[i], i > 0, geo, metadata, nodata);
  const uint64_t data_start = PlaceIfds(lay, levels, ghost);

  TempFile file(path);
  COGR_WRITE_RETURN_IF_ERROR(file.Open());

  uint64_t total_blocks = 0;
  for (const Level& lv : levels) total_blocks += lv.blocks();
  uint64_t done_blocks = 0;
  uint64_t pos = data_start;
  const size_t batch = std::max<size_t>(8, threads * 4);
  std::vector<std::vector<uint8_t>> encoded(batch);
  std::vector<uint8_t> buffer;
  // Smallest overview first, full resolution last (GDAL's COG order).
  for (size_t li = levels.size(); li-- > 0;) {
    Level& lv = levels[li];
    const uint64_t n = lv.blocks();
    lv.offsets.assign(static_cast<size_t>(n), 0);
    lv.counts.assign(static_cast<size_t>(n), 0);
    for (uint64_t start = 0; start < n; start += batch) {
      const size_t m = static_cast<size_t>(std::min<uint64_t>(batch, n - start));
      auto encode = [&](size_t k) -> Status {
        thread_local std::vector<uint8_t> raw, scratch;
        return EncodeBlock(lay, lv, start + k, raw, scratch, encoded[k]);
      };
      if (threads > 1 && m > 1) {
        COGR_WRITE_RETURN_IF_ERROR(internal::ParallelFor(m, encode, internal::ThreadPool::Default(), threads));
      } else {
        for (size_t k = 0; k < m; ++k) COGR_WRITE_RETURN_IF_ERROR(encode(k));
      }
      buffer.clear();
      for (size_t k = 0; k < m; ++k) {
        const std::vector<uint8_t>& e = encoded[k];
        const uint64_t at = pos + buffer.size() + (lay.cog ? 4 : 0);
        lv.offsets[static_cast<size_t>(start + k)] = at;
        lv.counts[static_cast<size_t>(start + k)] = e.size();
        if (lay.cog) {
          // GDAL's block leader (size) and trailer (last 4 bytes again), so that a reader can
          // check a block it fetched was not truncated or replaced.
          const uint32_t size = static_cast<uint32_t>(e.size());
          const uint8_t* s = reinterpret_cast<const uint8_t*>(&size);
          buffer.insert(buffer.end(), s, s + 4);
          buffer.insert(buffer.end(), e.begin(), e.end());
          uint8_t trailer[4] = {0, 0, 0, 0};
          const size_t tail = std::min<size_t>(4, e.size());
          std::memcpy(trailer + 4 - tail, e.data() + e.size() - tail, tail);
          buffer.insert(buffer.end(), trailer, trailer + 4);
        } else {
          buffer.insert(buffer.end(), e.begin(), e.end());
        }
      }
      if (!lay.big && pos + buffer.size() > kMaxClassicOffset) {
        return Status::LimitExceeded(path + ": the file would exceed 4 GiB, which classic TIFF " +
                                     "cannot address (use bigtiff yes or auto)");
      }
      COGR_WRITE_RETURN_IF_ERROR(file.WriteAt(pos, buffer));
      pos += buffer.size();
      done_blocks += m;
      COGR_WRITE_RETURN_IF_ERROR(report(0.99 * static_cast<double>(done_blocks) / static_cast<double>(total_blocks)));
    }
    FillOffsets(lv.tags[lv.offsets_tag], lv.offsets);
    FillOffsets(lv.tags[lv.counts_tag], lv.counts);
  }
  COGR_WRITE_RETURN_IF_ERROR(file.WriteAt(0, HeaderArea(lay, levels, ghost, data_start)));
  COGR_WRITE_RETURN_IF_ERROR(file.Commit());
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
    case DataType::kInt8: lo = -128; hi = 127; break;
    case DataType::kUInt16: hi = 65535; break;
    case DataType::kInt16: case DataType::kCInt16: lo = -32768; hi = 32767; break;
    case DataType::kUInt32: hi = 4294967295.0; break;
    case DataType::kInt32: case DataType::kCInt32: lo = -2147483648.0; hi = 2147483647.0; break;
    // Doubles next to 2^64 / 2^63 round up to them: keep strictly below.
    case DataType::kUInt64: hi = 18446744073709549568.0; break;
    case DataType::kInt64: lo = -9223372036854775808.0; hi = 9223372036854774784.0; break;
    default: break;
  }
  if (v < lo || v > hi) return Invalid("nodata " + FormatDouble(v) + " is out of range for " + name);
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
  for (Compression c : {Compression::kNone, Compression::kDeflate, Compression::kZstd, Compression::kLzw}) {
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
  if (p.count < 1 || p.count > 65535) return Invalid("count must be in [1, 65535], got " + std::to_string(p.count));
  if (p.dtype == DataType::kUnknown) return Invalid("dtype is unknown");
  if (p.tiled) {
    if (p.blockxsize == 0 || p.blockysize == 0 || p.blockxsize % 16 != 0 || p.blockysize % 16 != 0) {
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
  if (block_bytes) block_bytes = internal::CheckedMul(*block_bytes, samples * DataTypeSize(p.dtype));
  if (!block_bytes || *block_bytes > max_block) {
    return Invalid("one block would hold " + (block_bytes ? Num(*block_bytes) : std::string("over 2^64")) +
                   " bytes, more than readers accept (" + Num(max_block) + "): use smaller blocks");
  }
  if (!internal::CanCompress(p.compress)) {
    return Status::Unsupported("compression " + std::string(CompressionName(p.compress)) +
                               " is not built into this cogr");
  }
  if (p.predictor < 1 || p.predictor > 3) return Invalid("predictor must be 1, 2 or 3, got " + std::to_string(p.predictor));
  if (p.compress != Compression::kNone) {
    if (p.predictor == 2 && !IsIntegerType(p.dtype)) {
      return Invalid("predictor 2 needs an integer dtype, got " + std::string(DataTypeName(p.dtype)));
    }
    if (p.predictor == 3 && !(p.dtype == DataType::kFloat32 || p.dtype == DataType::kFloat64)) {
      return Invalid("predictor 3 needs dtype float32 or float64, got " + std::string(DataTypeName(p.dtype)));
    }
  }
  if (p.compress == Compression::kDeflate && (p.deflate_level < 1 || p.deflate_level > 12)) {
    return Invalid("deflate_level must be in [1, 12], got " + std::to_string(p.deflate_level));
  }
  if (p.compress == Compression::kZstd && (p.zstd_level < 1 || p.zstd_level > 22)) {
    return Invalid("zstd_level must be in [1, 22], got " + std::to_string(p.zstd_level));
  }
  if (p.overviews.size() > static_cast<size_t>(kMaxOverviews)) {
    return Invalid("at most " + std::to_string(kMaxOverviews) + " overviews, got " + Num(p.overviews.size()));
  }
  for (size_t i = 0; i < p.overviews.size(); ++i) {
    if (p.overviews[i] < 2) return Invalid("overview factors must be >= 2, got " + std::to_string(p.overviews[i]));
    if (i > 0 && p.overviews[i] <= p.overviews[i - 1]) {
      return Invalid("overview factors must be strictly increasing, got " + std::to_string(p.overviews[i - 1]) +
                     " then " + std::to_string(p.overviews[i]));
    }
  }
  const size_t count = static_cast<size_t>(p.count);
  auto check_size = [&](size_t n, const char* name) -> Status {
    if (n != 0 && n != count) {
      return Invalid(std::string(name) + " has " + Num(n) + " entries, expected 0 or count (" + Num(count) + ")");
    }
    return Status::OK();
  };
  COGR_WRITE_RETURN_IF_ERROR(check_size(p.descriptions.size(), "descriptions"));
  COGR_WRITE_RETURN_IF_ERROR(check_size(p.scales.size(), "scales"));
  COGR_WRITE_RETURN_IF_ERROR(check_size(p.offsets.size(), "offsets"));
  for (double v : p.scales) if (!std::isfinite(v)) return Invalid("scales must be finite, got " + FormatDouble(v));
  for (double v : p.offsets) if (!std::isfinite(v)) return Invalid("offsets must be finite, got " + FormatDouble(v));
  if (p.nodata) COGR_WRITE_RETURN_IF_ERROR(CheckNodata(p.dtype, *p.nodata));
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
  Status st;
  try {
    st = WriteImpl(path, profile, data, options);
  } catch (const std::bad_alloc&) {
    st = Status::LimitExceeded("out of memory");
  } catch (const std::length_error&) {
    st = Status::LimitExceeded("allocation too large");
  }
  if (st.ok() || st.message().compare(0, path.size(), path) == 0) return st;
  return st.WithContext(path);
}

}  // namespace cogr::write
