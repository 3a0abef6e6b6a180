// The long tail GDAL reads through libtiff, decoded by libtiff: CCITT RLE / Group 3 / Group 4,
// SGILog / SGILog24, old-style JPEG, and the images GDAL converts with libtiff's RGBA interface
// (YCbCr outside new-style JPEG, CMYK, CIELAB).
//
// cogr's parser, planning and fetching stay: libtiff sees one block at a time, as the only strip
// of a small TIFF built in memory around the block's bytes (the header and IFD come from
// BlockInfo and the tags kept in tiff::Ifd::codec_tags, in the file's byte order; the block's
// bytes are not copied). A band-interleaved block converted to RGBA is one strip per plane
// (PlanarConfiguration 2), the planes' blocks at one position that the block reader fetched
// together. Each decode opens its own TIFF handle with per-handle error and warning
// handlers and an allocation cap, so decodes run concurrently and report errors as Status.
#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/codec_internal.hpp"
#include "cogr/codec.hpp"
#include "tiff/byte_order.hpp"
#include "util/checked.hpp"

#ifdef COGR_HAVE_LIBTIFF
#include "codec/tiff_api.hpp"
#endif

namespace cogr::internal {

bool IsLibtiffCompression(uint16_t compression) {
  switch (compression) {
    case codec::kCcittRle:
    case codec::kCcittFax3:
    case codec::kCcittFax4:
    case codec::kOldJpeg:
    case codec::kSgiLog:
    case codec::kSgiLog24: return true;
    default: return false;
  }
}

}  // namespace cogr::internal

#ifdef COGR_HAVE_LIBTIFF

namespace cogr::internal {
namespace {

constexpr uint16_t kPhotometricSeparated = 5;
constexpr uint16_t kPhotometricYCbCr = 6;
constexpr uint16_t kPhotometricCieLab = 8;

// ---- The in-memory TIFF ---------------------------------------------------------------------

// IFD entries of the synthetic file, written in the source file's byte order.
class TiffBuilder {
 public:
  explicit TiffBuilder(bool big_endian)
      : order_(big_endian ? tiff::ByteOrder::kBig : tiff::ByteOrder::kLittle) {}

  void Shorts(uint16_t code, const std::vector<uint16_t>& v) {
    std::vector<uint8_t> b(v.size() * 2);
    for (size_t i = 0; i < v.size(); ++i) Put16(b.data() + 2 * i, v[i]);
    Raw(code, tiff::TagType::kShort, v.size(), std::move(b));
  }
  void Long(uint16_t code, uint32_t v) {
    std::vector<uint8_t> b(4);
    Put32(b.data(), v);
    Raw(code, tiff::TagType::kLong, 1, std::move(b));
  }
  // A tag as stored in the source file (same byte order); `blob_values` are data the tag's
  // values point at (old-style JPEG tables): they are appended and the offsets rewritten.
  void Raw(uint16_t code, tiff::TagType type, uint64_t count, std::vector<uint8_t> value,
           std::vector<std::vector<uint8_t>> blobs = {}) {
    entries_.push_back(Entry{code, type, count, std::move(value), std::move(blobs)});
  }
  bool Has(uint16_t code) const {
    return std::any_of(entries_.begin(), entries_.end(),
                       [&](const Entry& e) { return e.code == code; });
  }

  // Header, IFD and values, laid out so that the strips (`strip_bytes`, one per plane, appended
  // one after the other by the reader without copying) start at the returned prefix's end.
  std::vector<uint8_t> Build(std::span<const uint64_t> strip_bytes) {
    const size_t strips = strip_bytes.size();
    // StripOffsets / StripByteCounts: the offsets are filled in once the prefix size is known.
    std::vector<uint8_t> counts(4 * strips);
    for (size_t i = 0; i < strips; ++i)
      Put32(counts.data() + 4 * i, static_cast<uint32_t>(strip_bytes[i]));
    Raw(273, tiff::TagType::kLong, strips, std::vector<uint8_t>(4 * strips));
    Raw(279, tiff::TagType::kLong, strips, std::move(counts));
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry& a, const Entry& b) { return a.code < b.code; });
    const size_t ifd_size = 2 + 12 * entries_.size() + 4;
    std::vector<uint8_t> values;
    size_t values_at = 8 + ifd_size;
    struct Placed {
      uint16_t code;
      tiff::TagType type;
      uint64_t count;
      std::vector<uint8_t> field;   // 4 bytes, or the value offset placeholder
      size_t value_pos = SIZE_MAX;  // position of the value in `values` (out of line)
    };
    std::vector<Placed> placed;
    for (Entry& e : entries_) {
      // Rewrite offsets to the copies of the data they point at.
      if (!e.blobs.empty()) {
        const uint32_t size = tiff::TagTypeSize(e.type);
        for (size_t i = 0; i < e.blobs.size() && i < e.count; ++i) {
          if (values.size() % 2) values.push_back(0);
          const uint64_t at = values_at + values.size();
          values.insert(values.end(), e.blobs[i].begin(), e.blobs[i].end());
          if (size == 4) Put32(e.value.data() + 4 * i, static_cast<uint32_t>(at));
          if (size == 2)
            Put16(e.value.data() + 2 * i,
                  static_cast<uint16_t>(std::min<uint64_t>(at, UINT16_MAX)));
        }
      }
      Placed p{e.code, e.type, e.count, {}, SIZE_MAX};
      if (e.value.size() <= 4) {
        p.field = e.value;
        p.field.resize(4, 0);
      } else {
        if (values.size() % 2) values.push_back(0);
        p.value_pos = values.size();
        values.insert(values.end(), e.value.begin(), e.value.end());
        p.field.assign(4, 0);
      }
      placed.push_back(std::move(p));
    }
    if (values.size() % 2) values.push_back(0);
    const size_t prefix = values_at + values.size();
    // The strips follow the prefix, in plane order.
    for (Placed& e : placed) {
      if (e.code != 273) continue;
      uint8_t* at = e.value_pos == SIZE_MAX ? e.field.data() : values.data() + e.value_pos;
      uint64_t offset = prefix;
      for (size_t i = 0; i < strips; ++i) {
        Put32(at + 4 * i, static_cast<uint32_t>(offset));
        offset += strip_bytes[i];
      }
    }

    std::vector<uint8_t> out(prefix, 0);
    const bool big = order_ == tiff::ByteOrder::kBig;
    out[0] = out[1] = big ? 'M' : 'I';
    Put16(out.data() + 2, 42);
    Put32(out.data() + 4, 8);
    uint8_t* p = out.data() + 8;
    Put16(p, static_cast<uint16_t>(placed.size()));
    p += 2;
    for (const Placed& e : placed) {
      Put16(p, e.code);
      Put16(p + 2, static_cast<uint16_t>(e.type));
      Put32(p + 4, static_cast<uint32_t>(e.count));
      if (e.value_pos != SIZE_MAX) {
        Put32(p + 8, static_cast<uint32_t>(values_at + e.value_pos));
      } else {
        std::memcpy(p + 8, e.field.data(), 4);
      }
      p += 12;
    }
    Put32(p, 0);  // no next IFD
    if (!values.empty()) std::memcpy(out.data() + values_at, values.data(), values.size());
    return out;
  }

 private:
  struct Entry {
    uint16_t code;
    tiff::TagType type;
    uint64_t count;
    std::vector<uint8_t> value;
    std::vector<std::vector<uint8_t>> blobs;
  };
  void Put16(uint8_t* p, uint16_t v) const {
    if (order_ == tiff::ByteOrder::kBig) {
      p[0] = static_cast<uint8_t>(v >> 8), p[1] = static_cast<uint8_t>(v);
    } else {
      p[0] = static_cast<uint8_t>(v), p[1] = static_cast<uint8_t>(v >> 8);
    }
  }
  void Put32(uint8_t* p, uint32_t v) const {
    if (order_ == tiff::ByteOrder::kBig) {
      Put16(p, static_cast<uint16_t>(v >> 16)), Put16(p + 2, static_cast<uint16_t>(v));
    } else {
      Put16(p, static_cast<uint16_t>(v)), Put16(p + 2, static_cast<uint16_t>(v >> 16));
    }
  }
  tiff::ByteOrder order_;
  std::vector<Entry> entries_;
};

// What libtiff reads: the prefix (header, IFD, values), then the block's bytes.
struct MemFile {
  std::vector<uint8_t> prefix;
  ByteSpan strip;
  uint64_t pos = 0;
  uint64_t size() const { return prefix.size() + strip.size(); }
};

tmsize_t MemRead(thandle_t h, void* buf, tmsize_t n) {
  auto* f = static_cast<MemFile*>(h);
  if (n <= 0 || f->pos >= f->size()) return 0;
  uint64_t want = std::min<uint64_t>(static_cast<uint64_t>(n), f->size() - f->pos);
  auto* dst = static_cast<uint8_t*>(buf);
  uint64_t done = 0;
  if (f->pos < f->prefix.size()) {
    const uint64_t k = std::min<uint64_t>(want, f->prefix.size() - f->pos);
    std::memcpy(dst, f->prefix.data() + f->pos, static_cast<size_t>(k));
    done += k;
  }
  if (done < want) {
    const uint64_t at = f->pos + done - f->prefix.size();
    std::memcpy(dst + done, f->strip.data() + at, static_cast<size_t>(want - done));
    done = want;
  }
  f->pos += done;
  return static_cast<tmsize_t>(done);
}
tmsize_t MemWrite(thandle_t, void*, tmsize_t) { return 0; }
toff_t MemSeek(thandle_t h, toff_t off, int whence) {
  auto* f = static_cast<MemFile*>(h);
  uint64_t base = whence == SEEK_CUR ? f->pos : whence == SEEK_END ? f->size() : 0;
  const auto to = CheckedAdd(base, static_cast<uint64_t>(off));
  if (!to) return static_cast<toff_t>(-1);
  f->pos = *to;
  return f->pos;
}
int MemClose(thandle_t) { return 0; }
toff_t MemSize(thandle_t h) { return static_cast<MemFile*>(h)->size(); }
int MemMap(thandle_t, void**, toff_t*) { return 0; }
void MemUnmap(thandle_t, void*, toff_t) {}

// libtiff's first error of one handle.
int OnError(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  auto* message = static_cast<std::string*>(user);
  if (message->empty()) {
    char buf[512];
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    *message = std::string(module != nullptr ? module : "libtiff") + ": " + buf;
  }
  return 1;
}
// Warnings are dropped (GDAL shows them only as debug), except libjpeg's through libtiff's
// new-style JPEG codec (blocks converted to RGBA) after which it makes pixels up and carries on:
// the data ends before the image, a bad code, a restart marker out of sequence. Those are
// errors, as in cogr's own JPEG decoder. Old-style JPEG ("LibJpeg") keeps GDAL's behaviour: a
// strip of one scan cut at any byte (ojpeg_ycbcr22_strips_norst.tif) warns so and still reads
// rasterio's pixels.
int OnWarning(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  auto* message = static_cast<std::string*>(user);
  if (!message->empty() || module == nullptr || std::string_view(module) != "JPEGLib") return 1;
  char buf[512];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  const std::string_view text(buf);
  const bool invented = text.starts_with("Premature end of JPEG file") ||
                        (text.starts_with("Corrupt JPEG data") &&
                         text.find("extraneous bytes") == std::string_view::npos);
  if (invented) *message = std::string(module) + ": " + buf;
  return 1;
}

struct TiffCloser {
  void operator()(TIFF* t) const { TIFFClose(t); }
};
struct OptionsFree {
  void operator()(TIFFOpenOptions* o) const { TIFFOpenOptionsFree(o); }
};

// The samples and bits as stored (the RGBA conversion changes the ones in BlockInfo).
uint16_t StoredSamples(const codec::BlockInfo& info) {
  return info.stored_samples ? info.stored_samples : info.samples;
}
uint16_t StoredBits(const codec::BlockInfo& info) {
  return info.stored_samples ? info.stored_bits : info.bits_per_sample;
}

// Old-style JPEG strips (info.part_rows > 0): the row of the first strip the block holds, its
// last `height` rows being whole strips of the parts (DecodeLibtiff checked they fit).
uint32_t FirstRow(const codec::BlockInfo& info) {
  if (info.part_rows == 0) return 0;
  const uint64_t strips = CeilDiv(info.height, info.part_rows);
  return static_cast<uint32_t>((info.part_bytes.size() - strips) * info.part_rows);
}

// A TIFF of `width` x `height` pixels with one strip around the block's bytes; or one strip per
// plane for a band-interleaved block; or, for old-style JPEG strips, FirstRow + `height` rows
// in strips of part_rows.
std::vector<uint8_t> BuildPrefix(const codec::BlockInfo& info,
                                 std::span<const uint64_t> strip_bytes) {
  TiffBuilder b(info.big_endian);
  const uint16_t samples = StoredSamples(info);
  const tiff::Ifd* ifd = info.ifd;
  const bool planes = !info.part_bytes.empty() && info.part_rows == 0;
  b.Long(256, info.width);
  b.Long(257, FirstRow(info) + info.height);
  b.Shorts(258, std::vector<uint16_t>(samples, StoredBits(info)));
  b.Shorts(259, {info.compression});
  b.Shorts(262, {info.photometric});
  b.Shorts(277, {samples});
  b.Long(278, info.part_rows != 0 ? info.part_rows : info.height);
  b.Shorts(284, {static_cast<uint16_t>(planes ? 2 : 1)});
  if (info.predictor != 1) b.Shorts(317, {info.predictor});
  const uint16_t format = info.stored_samples
                              ? (ifd && !ifd->sample_format().empty() ? ifd->sample_format()[0] : 1)
                              : info.sample_format;
  b.Shorts(339, std::vector<uint16_t>(samples, format));
  if (info.photometric == kPhotometricYCbCr)
    b.Shorts(530, {info.ycbcr_subsampling[0], info.ycbcr_subsampling[1]});
  if (info.compression == codec::kJpeg && !info.jpeg_tables.empty()) {
    // New-style JPEG converted to RGBA (CMYK, CIELAB): the tables the strips leave out.
    b.Raw(347, tiff::TagType::kUndefined, info.jpeg_tables.size(),
          std::vector<uint8_t>(info.jpeg_tables.begin(), info.jpeg_tables.end()));
  }
  if (ifd != nullptr) {
    if (!ifd->extra_samples().empty() && ifd->extra_samples().size() < samples)
      b.Shorts(338, ifd->extra_samples());
    for (const tiff::RawTag& tag : ifd->codec_tags()) {
      if (b.Has(tag.code)) continue;
      b.Raw(tag.code, tag.type, tag.count, tag.value, tag.pointed);
    }
  }
  return b.Build(strip_bytes);
}

// An open libtiff handle over the synthetic file; `error` collects libtiff's first error.
class MemTiff {
 public:
  Status Open(const codec::BlockInfo& info, ByteSpan strip, uint64_t max_alloc) {
    if (info.width == 0 || info.height == 0) return Status::InvalidArgument("libtiff: empty block");
    if (strip.size() > UINT32_MAX)
      return Status::LimitExceeded("libtiff: block of " + Num(strip.size()) + " bytes");
    COGR_RETURN_IF_ERROR(LoadTiff());  // libtiff is opened here, on first use
    const uint64_t whole = strip.size();
    file_.prefix = BuildPrefix(
        info, info.part_bytes.empty() ? std::span<const uint64_t>(&whole, 1) : info.part_bytes);
    file_.strip = strip;
    std::unique_ptr<TIFFOpenOptions, OptionsFree> opts(TIFFOpenOptionsAlloc());
    if (!opts) return Status::LimitExceeded("libtiff: out of memory");
    TIFFOpenOptionsSetErrorHandlerExtR(opts.get(), &OnError, &error_);
    TIFFOpenOptionsSetWarningHandlerExtR(opts.get(), &OnWarning, &error_);
    TIFFOpenOptionsSetMaxSingleMemAlloc(
        opts.get(), static_cast<tmsize_t>(std::min<uint64_t>(max_alloc, INT64_MAX)));
    tif_.reset(TIFFClientOpenExt("block", "rm", &file_, &MemRead, &MemWrite, &MemSeek, &MemClose,
                                 &MemSize, &MemMap, &MemUnmap, opts.get()));
    if (!tif_) return Failure("cannot read the block's tags");
    return Status::OK();
  }
  TIFF* get() const { return tif_.get(); }
  /// libtiff reported an error. Its fax decoders report a bad code word and carry on with the
  /// next row (GDAL then returns the pixels); cogr refuses such a block instead.
  bool HadError() const { return !error_.empty(); }
  Status Failure(const std::string& what) const {
    return Status::InvalidFile(Name() + ": " + what + (error_.empty() ? "" : " (" + error_ + ")"));
  }
  std::string Name() const { return name_; }
  void SetName(std::string name) { name_ = std::move(name); }

 private:
  MemFile file_;
  std::string error_;
  std::string name_ = "libtiff";
  std::unique_ptr<TIFF, TiffCloser> tif_;
};

std::string CodecName(const codec::BlockInfo& info) {
  if (info.stored_samples != 0 && !IsLibtiffCompression(info.compression)) {
    return codec::CompressionName(info.compression) + " (libtiff RGBA)";
  }
  return codec::CompressionName(info.compression);
}

// libtiff's memory cap for one decode: a few times the block, never less than 16 MiB (its
// codecs allocate line buffers and tables besides the strip).
uint64_t AllocCap(const codec::BlockInfo& info, uint64_t out_bytes) {
  const uint64_t block = std::max<uint64_t>(out_bytes, uint64_t{info.width} * info.height * 4);
  return std::min(std::max<uint64_t>(block * 4, 16u << 20),
                  std::max<uint64_t>(info.max_block_bytes * 4, 16u << 20));
}

// The RGBA interface: 8-bit R, G, B(, A) per pixel, top row first.
Status DecodeRgba(MemTiff& t, MutableByteSpan out, const codec::BlockInfo& info) {
  TIFF* tif = t.get();
  char emsg[1024] = {};
  if (TIFFRGBAImageOK(tif, emsg) != 1)
    return t.Failure(std::string("libtiff cannot convert it to RGBA: ") + emsg);
  TIFFRGBAImage img{};
  if (TIFFRGBAImageBegin(&img, tif, /*stop_on_error=*/1, emsg) != 1) {
    return t.Failure(std::string("libtiff cannot convert it to RGBA: ") + emsg);
  }
  img.req_orientation = ORIENTATION_TOPLEFT;
  img.row_offset = static_cast<int>(FirstRow(info));  // libtiff decodes the strips above itself
  const uint64_t pixels = uint64_t{info.width} * info.height;
  MutableByteSpan raster = Scratch(ScratchSlot::kRow, static_cast<size_t>(pixels * 4));
  std::memset(raster.data(), 0, raster.size());
  const int ok =
      TIFFRGBAImageGet(&img, reinterpret_cast<uint32_t*>(raster.data()), info.width, info.height);
  TIFFRGBAImageEnd(&img);
  if (ok != 1 || t.HadError()) return t.Failure("corrupt block");
  const uint32_t bands = info.samples;
  for (uint64_t i = 0; i < pixels; ++i) {
    uint32_t abgr;
    std::memcpy(&abgr, raster.data() + 4 * i, 4);
    uint8_t* dst = out.data() + i * bands;
    dst[0] = static_cast<uint8_t>(TIFFGetR(abgr));
    dst[1] = static_cast<uint8_t>(TIFFGetG(abgr));
    dst[2] = static_cast<uint8_t>(TIFFGetB(abgr));
    if (bands == 4) dst[3] = static_cast<uint8_t>(TIFFGetA(abgr));
  }
  return Status::OK();
}

// TIFFReadEncodedStrip: samples as stored, in host order (sub-byte samples still packed).
Status DecodeEncoded(MemTiff& t, MutableByteSpan out, const codec::BlockInfo& info) {
  TIFF* tif = t.get();
  const uint32_t bits = info.bits_per_sample;
  const uint64_t values_per_row = uint64_t{info.width} * info.samples;
  const uint64_t packed_row = CeilDiv(values_per_row * bits, 8);
  const uint64_t packed = packed_row * info.height;  // <= out.size(): DecodedSize passed
  if (bits % 8 == 0 && packed != out.size()) {
    return Status::Unsupported(Num(bits) + "-bit samples of sample format " +
                               Num(info.sample_format) + " with compression " + CodecName(info));
  }
  const tmsize_t strip_size = TIFFStripSize(tif);
  if (strip_size <= 0 || static_cast<uint64_t>(strip_size) != packed) {
    return t.Failure("libtiff expects a strip of " + std::to_string(strip_size) +
                     " bytes, the block has " + Num(packed));
  }
  MutableByteSpan buf =
      bits % 8 == 0 ? out : Scratch(ScratchSlot::kPacked, static_cast<size_t>(packed));
  const tmsize_t got = TIFFReadEncodedStrip(tif, 0, buf.data(), static_cast<tmsize_t>(packed));
  if (got < 0 || static_cast<uint64_t>(got) != packed || t.HadError())
    return t.Failure("corrupt block");
  if (bits % 8 != 0) {
    UnpackBits(buf, out, values_per_row, info.height, bits, codec::DecodedSampleBytes(info));
  }
  return Status::OK();
}

}  // namespace

Status DecodeLibtiff(ByteSpan in, MutableByteSpan out, const codec::BlockInfo& info) {
  if (info.compression == codec::kOldJpeg && info.stored_samples == 0) {
    return Status::Unsupported(
        "old-style JPEG (compression 6) of photometric " + Num(info.photometric) +
        " is read only through libtiff's RGBA interface (as GDAL does), which cannot read it");
  }
  if (!info.part_bytes.empty()) {
    // Planes' blocks or old-style JPEG strips one after the other, as the block reader joined
    // them.
    if (info.stored_samples == 0 || info.height == 0 ||
        (info.part_rows == 0 && info.part_bytes.size() != info.stored_samples) ||
        (info.part_rows != 0 && (CeilDiv(info.height, info.part_rows) > info.part_bytes.size() ||
                                 uint64_t{info.part_rows} * info.part_bytes.size() > UINT32_MAX))) {
      return Status::InvalidArgument(CodecName(info) + ": " + Num(info.part_bytes.size()) +
                                     " parts of " + Num(info.part_rows) + " rows for " +
                                     Num(info.stored_samples) + " stored samples and " +
                                     Num(info.height) + " rows");
    }
    uint64_t sum = 0;
    for (uint64_t n : info.part_bytes) sum = CheckedAdd(sum, n).value_or(UINT64_MAX);
    if (sum != in.size()) {
      return Status::InvalidArgument(CodecName(info) + ": parts of " + Num(sum) +
                                     " bytes in all, block of " + Num(in.size()));
    }
  } else if (info.stored_samples != 0 && info.ifd != nullptr && info.ifd->planar_config() == 2) {
    return Status::InvalidArgument(CodecName(info) +
                                   ": a band-interleaved block needs every plane (part_bytes)");
  }
  MemTiff t;
  t.SetName(CodecName(info));
  COGR_RETURN_IF_ERROR(t.Open(info, in, AllocCap(info, out.size())));
  if (info.stored_samples != 0) return DecodeRgba(t, out, info);
  return DecodeEncoded(t, out, info);
}

int LibtiffRgbaBands(const tiff::Ifd& ifd, bool big_endian) {
  const uint16_t bits = ifd.bits_per_sample().empty() ? 1 : ifd.bits_per_sample()[0];
  if (bits > 8) return 0;
  const uint16_t ph = ifd.photometric();
  const bool candidate = ph == kPhotometricSeparated || ph == kPhotometricCieLab ||
                         (ph == kPhotometricYCbCr && ifd.compression() != codec::kJpeg);
  if (!candidate) return 0;
  // libtiff's own verdict on this layout, from the IFD's tags (no pixel data needed).
  codec::BlockInfo info;
  info.compression = ifd.compression();
  info.predictor = ifd.predictor();
  info.width = static_cast<uint32_t>(std::min<uint64_t>(ifd.block_width(), 1u << 16));
  info.height = static_cast<uint32_t>(std::min<uint64_t>(ifd.block_height(), 1u << 16));
  info.samples = ifd.samples_per_pixel();
  info.bits_per_sample = bits;
  info.sample_format = ifd.sample_format().empty() ? 1 : ifd.sample_format()[0];
  info.big_endian = big_endian;
  info.photometric = ph;
  info.ycbcr_subsampling = ifd.ycbcr_subsampling();
  info.ifd = &ifd;
  // One byte per strip: libtiff's verdict needs the tags only.
  const std::vector<uint64_t> planes(ifd.planar_config() == 2 ? ifd.samples_per_pixel() : 0, 1);
  const std::vector<uint8_t> no_data(std::max<size_t>(planes.size(), 1), 0);
  info.part_bytes = planes;
  MemTiff t;
  if (!t.Open(info, ByteSpan(no_data.data(), no_data.size()), 16u << 20).ok()) return 0;
  char emsg[1024] = {};
  if (TIFFRGBAImageOK(t.get(), emsg) != 1) return 0;
  return ph == kPhotometricYCbCr ? 3 : 4;
}

}  // namespace cogr::internal

#else  // !COGR_HAVE_LIBTIFF

namespace cogr::internal {
int LibtiffRgbaBands(const tiff::Ifd&, bool) { return 0; }
}  // namespace cogr::internal

#endif  // COGR_HAVE_LIBTIFF
