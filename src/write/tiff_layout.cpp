#include "write/tiff_layout.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "util/checked.hpp"
#include "write/encode.hpp"
#include "write/gdal_tags.hpp"

namespace cogr::internal {
namespace {

using tiff::TagCode;
using tiff::TagType;
using write::Compression;
using write::Profile;

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

// ---------------------------------------------------------------------------------------------
// Tags

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

Tag DoubleTag(TagCode code, std::vector<double> values) {
  return MakeTag(static_cast<uint16_t>(code), TagType::kDouble, values);
}

// `text` must end with its NUL.
Tag AsciiTag(TagCode code, const std::string& text) {
  Tag t{static_cast<uint16_t>(code), TagType::kAscii, text.size(), {}};
  t.data.assign(text.begin(), text.end());
  return t;
}

// An offsets/byte-counts array of `count` entries, filled in once the blocks are written.
Tag OffsetsTag(TagCode code, uint64_t count, bool big) {
  Tag t{static_cast<uint16_t>(code), big ? TagType::kLong8 : TagType::kLong, count, {}};
  t.data.assign(static_cast<size_t>(count * (big ? 8 : 4)), 0);
  return t;
}

void FillOffsetsTag(Tag& tag, const std::vector<uint64_t>& values) {
  if (tag.type == TagType::kLong8) {
    std::memcpy(tag.data.data(), values.data(), values.size() * 8);
  } else {
    for (size_t i = 0; i < values.size(); ++i) {
      const uint32_t v = static_cast<uint32_t>(values[i]);  // the writers check <= 4 GiB
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

// Tags of one level; offsets and byte counts are placeholders until the data is written.
void BuildTags(const WriteLayout& lay, LevelPlan& lv, bool overview, const ProfileTags& pt) {
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
    t.push_back(
        ShortTag(TagCode::kPredictor, {static_cast<uint16_t>(lay.predict ? p.predictor : 1)}));
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
  // Samples beyond the colour ones must be declared; the first may be alpha (GDAL's ALPHA).
  const int color_samples = lay.photometric == 2 ? 3 : 1;
  if (p.count > color_samples) {
    std::vector<uint16_t> extra(static_cast<size_t>(p.count - color_samples), 0);
    extra[0] = static_cast<uint16_t>(p.alpha);
    t.push_back(ShortTag(TagCode::kExtraSamples, extra));
  }
  t.push_back(
      ShortTag(TagCode::kSampleFormat, std::vector<uint16_t>(count, SampleFormat(p.dtype))));
  if (!overview) {
    const geo::Affine& g = p.transform;
    const bool georef = !(g == geo::Affine::Identity()) || !pt.geo.directory.empty();
    if (georef) {
      // GDAL: a north-up transform as pixel scale + tiepoint, anything else as a matrix.
      if (g.b == 0 && g.d == 0 && g.e < 0) {
        t.push_back(DoubleTag(TagCode::kModelPixelScale, {g.a, -g.e, 0.0}));
        t.push_back(DoubleTag(TagCode::kModelTiepoint, {0, 0, 0, g.c, g.f, 0}));
      } else {
        t.push_back(DoubleTag(TagCode::kModelTransformation,
                              {g.a, g.b, 0, g.c, g.d, g.e, 0, g.f, 0, 0, 0, 0, 0, 0, 0, 1}));
      }
    }
    if (!pt.geo.directory.empty()) {
      t.push_back(MakeTag(static_cast<uint16_t>(TagCode::kGeoKeyDirectory), TagType::kShort,
                          pt.geo.directory));
      if (!pt.geo.doubles.empty())
        t.push_back(DoubleTag(TagCode::kGeoDoubleParams, pt.geo.doubles));
      if (!pt.geo.ascii.empty()) t.push_back(AsciiTag(TagCode::kGeoAsciiParams, pt.geo.ascii));
    }
    if (!pt.metadata.empty()) t.push_back(AsciiTag(TagCode::kGdalMetadata, pt.metadata + '\0'));
  }
  if (!pt.nodata.empty()) t.push_back(AsciiTag(TagCode::kGdalNodata, pt.nodata + '\0'));
}

// Places the header, the ghost area and every IFD; returns where the block data starts.
uint64_t PlaceIfds(const WriteLayout& lay, std::vector<LevelPlan>& levels) {
  uint64_t pos = lay.big ? 16 : 8;
  if (lay.cog) pos = EvenUp(pos + GhostArea().size());
  for (LevelPlan& lv : levels) {
    lv.ifd_offset = pos;
    pos = EvenUp(pos + IfdSize(lv.tags, lay.big));
  }
  return pos;
}

// Copies the block's pixels from the (bands, rows, w) array into `raw` (pixel interleaved).
template <size_t N>
void CopyInterleaved(const uint8_t* src, uint64_t w, uint64_t h, uint32_t bands, uint64_t x0,
                     uint64_t src_y0, uint64_t cols, uint64_t valid_w, uint64_t valid_h,
                     uint8_t* raw) {
  const uint64_t plane = w * h * N;
  for (uint64_t y = 0; y < valid_h; ++y) {
    uint8_t* dst_row = raw + y * cols * bands * N;
    for (uint32_t b = 0; b < bands; ++b) {
      const uint8_t* s = src + b * plane + ((src_y0 + y) * w + x0) * N;
      uint8_t* d = dst_row + b * N;
      for (uint64_t x = 0; x < valid_w; ++x) std::memcpy(d + x * bands * N, s + x * N, N);
    }
  }
}

void FillPad(uint8_t* p, size_t bytes, const std::vector<uint8_t>& pad) {
  const bool zero = std::all_of(pad.begin(), pad.end(), [](uint8_t b) { return b == 0; });
  if (zero) {
    std::memset(p, 0, bytes);
    return;
  }
  for (size_t i = 0; i + pad.size() <= bytes; i += pad.size())
    std::memcpy(p + i, pad.data(), pad.size());
}

}  // namespace

WriteLayout MakeLayout(const Profile& p) {
  WriteLayout lay;
  lay.profile = &p;
  lay.cog = p.tiled;
  lay.sample_bytes = DataTypeSize(p.dtype);
  lay.planar = p.interleave == write::Interleave::kBand && p.count > 1;
  lay.samples = lay.planar ? 1 : static_cast<uint32_t>(p.count);
  lay.photometric = (p.dtype == DataType::kUInt8 && (p.count == 3 || p.count == 4) &&
                     p.interleave == write::Interleave::kPixel)
                        ? 2
                        : 1;
  lay.pad = SampleBytes(p.dtype, p.nodata.value_or(0.0));
  lay.predict = p.compress != Compression::kNone && p.predictor != 1;
  return lay;
}

LevelPlan MakeLevel(const WriteLayout& lay, uint64_t width, uint64_t height) {
  const Profile& p = *lay.profile;
  LevelPlan lv;
  lv.width = width;
  lv.height = height;
  lv.block_w = p.tiled ? p.blockxsize : width;
  lv.block_h = p.tiled ? p.blockysize : std::min<uint64_t>(p.blockysize, height);
  lv.across = CeilDiv(width, lv.block_w);
  lv.down = CeilDiv(height, lv.block_h);
  lv.planes = lay.planar ? static_cast<uint64_t>(p.count) : 1;
  return lv;
}

Result<ProfileTags> MakeProfileTags(const Profile& p) {
  ProfileTags pt;
  COGR_ASSIGN_OR_RETURN(GeoKeyMap keys, GeoKeysForCrs(p.crs_epsg, p.crs_wkt));
  pt.geo = EncodeGeoKeys(keys);
  pt.metadata = GdalMetadataXml(p);
  if (p.nodata) pt.nodata = write::FormatNodata(*p.nodata);
  return pt;
}

uint64_t PlanFile(WriteLayout& lay, std::vector<LevelPlan>& levels, const ProfileTags& pt) {
  const Profile& p = *lay.profile;
  lay.big = p.bigtiff == write::BigTiff::kYes;
  if (p.bigtiff == write::BigTiff::kAuto) {
    for (size_t i = 0; i < levels.size(); ++i) BuildTags(lay, levels[i], i > 0, pt);
    uint64_t bound = PlaceIfds(lay, levels);
    for (const LevelPlan& lv : levels) {
      const uint64_t raw = lv.block_w * lv.block_h * lay.samples * lay.sample_bytes;
      // Cannot overflow: ValidateProfile bounds the dimensions and the block size.
      bound += lv.blocks() * (CompressBound(p.compress, raw) + 8);
    }
    lay.big = bound > kMaxClassicOffset;
  }
  for (size_t i = 0; i < levels.size(); ++i) BuildTags(lay, levels[i], i > 0, pt);
  return PlaceIfds(lay, levels);
}

void FillOffsets(LevelPlan& lv) {
  FillOffsetsTag(lv.tags[lv.offsets_tag], lv.offsets);
  FillOffsetsTag(lv.tags[lv.counts_tag], lv.counts);
}

std::vector<uint8_t> HeaderArea(const WriteLayout& lay, const std::vector<LevelPlan>& levels,
                                uint64_t data_start) {
  std::vector<uint8_t> out(static_cast<size_t>(data_start), 0);
  // Host byte order: no sample ever needs swapping.
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
  if (lay.cog) {
    const std::string ghost = GhostArea();
    std::memcpy(out.data() + (lay.big ? 16 : 8), ghost.data(), ghost.size());
  }
  for (size_t i = 0; i < levels.size(); ++i) {
    const uint64_t next = i + 1 < levels.size() ? levels[i + 1].ifd_offset : 0;
    std::vector<uint8_t> ifd = SerializeIfd(levels[i].tags, levels[i].ifd_offset, next, lay.big);
    std::memcpy(out.data() + levels[i].ifd_offset, ifd.data(), ifd.size());
  }
  return out;
}

Status EncodeBlock(const WriteLayout& lay, const LevelPlan& lv, const Array& pixels,
                   uint64_t pixels_row0, uint64_t index, std::vector<uint8_t>& raw,
                   std::vector<uint8_t>& scratch, std::vector<uint8_t>& out) {
  const Profile& p = *lay.profile;
  const uint64_t per_plane = lv.across * lv.down;
  const uint64_t plane = index / per_plane, rem = index % per_plane;
  const uint64_t by = rem / lv.across, bx = rem % lv.across;
  const uint64_t x0 = bx * lv.block_w, y0 = by * lv.block_h;
  const uint64_t valid_w = std::min(lv.block_w, lv.width - x0);
  const uint64_t valid_h = std::min(lv.block_h, lv.height - y0);
  if (y0 < pixels_row0 || y0 + valid_h > pixels_row0 + pixels.height) {
    return Status::InvalidArgument("block row " + std::to_string(by) + " is not in the rows given");
  }
  const uint64_t src_y0 = y0 - pixels_row0;
  // Tiles are always whole; a last strip holds only the rows that exist.
  const uint64_t cols = lv.block_w;
  const uint64_t rows = p.tiled ? lv.block_h : valid_h;
  const size_t sb = lay.sample_bytes;
  const size_t block_bytes = static_cast<size_t>(cols * rows * lay.samples * sb);
  raw.resize(block_bytes);
  if (valid_w < cols || valid_h < rows) FillPad(raw.data(), block_bytes, lay.pad);

  const uint8_t* src = pixels.data.data();
  const uint64_t w = pixels.width, h = pixels.height;
  if (lay.samples == 1) {
    const uint8_t* band = src + plane * w * h * sb;
    for (uint64_t y = 0; y < valid_h; ++y) {
      std::memcpy(raw.data() + y * cols * sb, band + ((src_y0 + y) * w + x0) * sb,
                  static_cast<size_t>(valid_w * sb));
    }
  } else {
    const uint32_t n = lay.samples;
    uint8_t* r = raw.data();
    switch (sb) {
      case 1: CopyInterleaved<1>(src, w, h, n, x0, src_y0, cols, valid_w, valid_h, r); break;
      case 2: CopyInterleaved<2>(src, w, h, n, x0, src_y0, cols, valid_w, valid_h, r); break;
      case 4: CopyInterleaved<4>(src, w, h, n, x0, src_y0, cols, valid_w, valid_h, r); break;
      case 8: CopyInterleaved<8>(src, w, h, n, x0, src_y0, cols, valid_w, valid_h, r); break;
      default: CopyInterleaved<16>(src, w, h, n, x0, src_y0, cols, valid_w, valid_h, r); break;
    }
  }

  if (lay.predict && p.predictor == 2) {
    ApplyHorizontalPredictor(raw, cols, rows, lay.samples, static_cast<uint32_t>(sb));
  } else if (lay.predict && p.predictor == 3) {
    ApplyFloatPredictor(raw, cols, rows, lay.samples, static_cast<uint32_t>(sb), scratch);
  }
  const int level = p.compress == Compression::kZstd ? p.zstd_level : p.deflate_level;
  return Compress(p.compress, level, raw, out);
}

uint64_t AppendBlock(std::vector<uint8_t>& buffer, ByteSpan block, bool cog) {
  if (!cog) {
    const uint64_t at = buffer.size();
    buffer.insert(buffer.end(), block.begin(), block.end());
    return at;
  }
  // GDAL's block leader (size) and trailer (last 4 bytes again), so that a reader can check a
  // block it fetched was neither truncated nor replaced.
  const uint32_t size = static_cast<uint32_t>(block.size());
  const uint8_t* s = reinterpret_cast<const uint8_t*>(&size);
  buffer.insert(buffer.end(), s, s + 4);
  const uint64_t at = buffer.size();
  buffer.insert(buffer.end(), block.begin(), block.end());
  uint8_t trailer[4] = {0, 0, 0, 0};
  const size_t tail = std::min<size_t>(4, block.size());
  if (tail > 0) std::memcpy(trailer + 4 - tail, block.data() + block.size() - tail, tail);
  buffer.insert(buffer.end(), trailer, trailer + 4);
  return at;
}

// ---------------------------------------------------------------------------------------------
// Files

TempFile::TempFile(std::string path)
    : path_(std::move(path)),
      temp_(path_ + ".tmp." + std::to_string(static_cast<long>(getpid()))) {}

TempFile::~TempFile() {
  if (fd_ >= 0) close(fd_);
  if (created_ && !committed_) unlink(temp_.c_str());
}

Status TempFile::Open() {
  // O_NOFOLLOW: never write through a symlink planted at the temporary name.
  fd_ = open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd_ < 0) return Error("cannot create temporary file " + temp_, errno);
  created_ = true;
  return Status::OK();
}

Status TempFile::WriteAt(uint64_t offset, ByteSpan bytes) {
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

Status TempFile::Commit() {
  const int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) return Error("cannot write " + temp_, errno);
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    return Error("cannot rename " + temp_ + " to " + path_, errno);
  }
  committed_ = true;
  return Status::OK();
}

Status TempFile::Error(const std::string& what, int err) const {
  return Status::IoError(path_ + ": " + what + ": " + std::strerror(err));
}

SpoolFile::~SpoolFile() {
  if (fd_ >= 0) close(fd_);
}

Status SpoolFile::Open(const std::string& path) {
  path_ = path;
  const std::string name = path + ".spool." + std::to_string(static_cast<long>(getpid()));
  fd_ = open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd_ < 0) {
    const int err = errno;
    return Status::IoError(path + ": cannot create scratch file " + name + ": " +
                           std::strerror(err));
  }
  unlink(name.c_str());  // nameless from now on: freed when closed, even by a crash
  return Status::OK();
}

Result<uint64_t> SpoolFile::Append(ByteSpan bytes) {
  const uint64_t at = size_;
  const uint8_t* p = bytes.data();
  size_t left = bytes.size();
  uint64_t offset = at;
  while (left > 0) {
    const ssize_t n =
        pwrite(fd_, p, std::min<size_t>(left, size_t{1} << 30), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      return Status::IoError(path_ + ": cannot write scratch file: " + std::strerror(err));
    }
    p += n;
    left -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  size_ = offset;
  return at;
}

Status SpoolFile::ReadAt(uint64_t offset, MutableByteSpan out) const {
  uint8_t* p = out.data();
  size_t left = out.size();
  while (left > 0) {
    const ssize_t n =
        pread(fd_, p, std::min<size_t>(left, size_t{1} << 30), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      return Status::IoError(path_ + ": cannot read scratch file: " + std::strerror(err));
    }
    p += n;
    left -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Status::OK();
}

}  // namespace cogr::internal
