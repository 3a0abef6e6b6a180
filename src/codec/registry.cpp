// The codec registry: maps a TIFF Compression code to its decoder and runs the common pipeline
// (decompress → host byte order → predictor → widen/unpack) around byte-stream codecs.
#include <array>
#include <bit>
#include <cstring>
#include <new>
#include <vector>

#include "codec/codec_internal.hpp"
#include "cogr/codec.hpp"
#include "util/alloc_guard.hpp"
#include "util/checked.hpp"

namespace cogr::internal {

namespace {
thread_local std::array<std::vector<uint8_t>, static_cast<size_t>(ScratchSlot::kCount)> t_scratch;
// A worker keeps up to this much per slot between blocks; typical COG tiles are far smaller.
constexpr size_t kKeepScratchBytes = 64u << 20;
}  // namespace

MutableByteSpan Scratch(ScratchSlot slot, size_t bytes) {
  std::vector<uint8_t>& buf = t_scratch[static_cast<size_t>(slot)];
  // Grow only: resizing down and up again would zero-fill the difference on every call.
  if (buf.size() < bytes) buf.resize(bytes);
  return MutableByteSpan(buf.data(), bytes);
}

void TrimScratch() {
  for (std::vector<uint8_t>& buf : t_scratch) {
    if (buf.capacity() > kKeepScratchBytes) std::vector<uint8_t>().swap(buf);
  }
}

}  // namespace cogr::internal

namespace cogr::codec {
namespace {

using internal::Num;
using StreamFn = Status (*)(ByteSpan, MutableByteSpan);
using ImageFn = Status (*)(ByteSpan, MutableByteSpan, const BlockInfo&);

// One registered compression. Byte-stream codecs (stream != nullptr) share the post-processing
// pipeline below; image codecs (image != nullptr) produce the final samples themselves. Both
// null means the codec is known but not compiled into this build.
struct CodecEntry {
  uint16_t code;
  const char* name;
  StreamFn stream;
  ImageFn image;
  // libtiff applies the Predictor tag only for LZW, Deflate, ZSTD and LZMA; for the other codecs
  // it ignores it, and so does cogr, to return what GDAL returns.
  bool uses_predictor;
};

constexpr CodecEntry kCodecs[] = {
    {kNone, "none", &internal::CopyUncompressed, nullptr, false},
    {kLzw, "lzw", &internal::LzwDecompress, nullptr, true},
#ifdef COGR_HAVE_JPEG
    {kJpeg, "jpeg", nullptr, &internal::DecodeJpeg, false},
#else
    {kJpeg, "jpeg", nullptr, nullptr, false},
#endif
    {kAdobeDeflate, "deflate", &internal::InflateZlib, nullptr, true},
    {kPackBits, "packbits", &internal::PackBitsDecompress, nullptr, false},
    {kDeflate, "deflate", &internal::InflateZlib, nullptr, true},
#ifdef COGR_HAVE_LERC
    {kLerc, "lerc", nullptr, &internal::DecodeLerc, false},
#else
    {kLerc, "lerc", nullptr, nullptr, false},
#endif
#ifdef COGR_HAVE_LZMA
    {kLzma, "lzma", &internal::LzmaDecompress, nullptr, true},
#else
    {kLzma, "lzma", nullptr, nullptr, true},
#endif
#ifdef COGR_HAVE_ZSTD
    {kZstd, "zstd", &internal::ZstdDecompress, nullptr, true},
#else
    {kZstd, "zstd", nullptr, nullptr, true},
#endif
#ifdef COGR_HAVE_WEBP
    {kWebp, "webp", nullptr, &internal::DecodeWebp, false},
#else
    {kWebp, "webp", nullptr, nullptr, false},
#endif
};

const CodecEntry* FindCodec(uint16_t code) {
  for (const CodecEntry& entry : kCodecs) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

bool IsBuilt(const CodecEntry& entry) { return entry.stream != nullptr || entry.image != nullptr; }

// GDAL's LERC_PARAMETERS[1]: 0 none, 1 deflate, 2 zstd around the LERC blob.
uint32_t LercAdditional(const std::vector<uint32_t>& lerc_parameters) {
  return lerc_parameters.size() >= 2 ? lerc_parameters[1] : 0;
}

bool LercAdditionalBuilt(uint32_t additional) {
  if (additional == 0 || additional == 1) return true;
#ifdef COGR_HAVE_ZSTD
  if (additional == 2) return true;
#endif
  return false;
}

bool IsComplexFormat(uint16_t sample_format) { return sample_format == 5 || sample_format == 6; }

// Runs a byte-stream codec and turns its output into host-order whole-byte samples.
Status DecodeStream(const CodecEntry& entry, ByteSpan in, MutableByteSpan out,
                    const BlockInfo& info) {
  using internal::CheckedMul;
  const uint32_t bits = info.bits_per_sample;
  const uint32_t out_bytes = DecodedSampleBytes(info);
  const bool is_complex = IsComplexFormat(info.sample_format);
  const bool is_float = info.sample_format == 3;
  // Whole-byte words are stored in the file's byte order; other widths are MSB-first bit fields.
  const uint32_t word_bytes = (bits % 8 == 0) ? bits / 8 : 0;
  const uint64_t values_per_row = uint64_t{info.width} * info.samples;  // < 2^48: no overflow
  const uint64_t row_bits = values_per_row * bits;                      // < 2^55
  const uint64_t packed_row = internal::CeilDiv(row_bits, 8);
  const std::optional<uint64_t> packed = CheckedMul(packed_row, info.height);
  // packed <= out.size() (each sample decodes to at least its stored bytes), so this holds
  // whenever DecodedSize passed; checked anyway because it sizes a buffer.
  if (!packed || *packed > out.size()) {
    return Status::InvalidFile("block of " + Num(info.width) + " x " + Num(info.height) +
                               " pixels: size overflow");
  }

  if (info.photometric == 6 && info.samples == 3 &&
      (info.ycbcr_subsampling[0] != 1 || info.ycbcr_subsampling[1] != 1)) {
    return Status::Unsupported("subsampled YCbCr (" + Num(info.ycbcr_subsampling[0]) + "x" +
                               Num(info.ycbcr_subsampling[1]) +
                               ") is only supported with JPEG compression");
  }

  const uint16_t predictor = entry.uses_predictor ? info.predictor : uint16_t{1};
  if (predictor != 1 && predictor != 2 && predictor != 3) {
    return Status::Unsupported("predictor " + Num(predictor) + " is not supported");
  }
  if (predictor == 2) {
    if (is_complex || !(word_bytes == 1 || word_bytes == 2 || word_bytes == 4 || word_bytes == 8)) {
      return Status::Unsupported("predictor 2 with " + Num(bits) +
                                 "-bit samples of sample format " + Num(info.sample_format) +
                                 " is not supported");
    }
  }
  if (predictor == 3) {
    if (!is_float || !(word_bytes == 2 || word_bytes == 3 || word_bytes == 4 || word_bytes == 8)) {
      return Status::Unsupported("predictor 3 with " + Num(bits) +
                                 "-bit samples of sample format " + Num(info.sample_format) +
                                 " is not supported");
    }
  }

  // When the stored words already have the decoded width, decompress straight into `out`.
  const bool direct = word_bytes != 0 && word_bytes == out_bytes;
  MutableByteSpan buf =
      direct ? out
             : internal::Scratch(internal::ScratchSlot::kPacked, static_cast<size_t>(*packed));
  COGR_RETURN_IF_ERROR(entry.stream(in, buf));

  if (word_bytes == 0) {
    internal::UnpackBits(buf, out, values_per_row, info.height, bits, out_bytes);
    return Status::OK();
  }
  if (predictor == 3) {
    MutableByteSpan row =
        internal::Scratch(internal::ScratchSlot::kRow, static_cast<size_t>(packed_row));
    internal::UndoFloatPredictor(buf, info.width, info.height, info.samples, word_bytes, row);
  } else {
    if (internal::NeedsSwap(info.big_endian)) {
      // A complex sample is two numbers; each is swapped on its own.
      internal::SwapWords(buf, is_complex ? word_bytes / 2 : word_bytes);
    }
    if (predictor == 2) {
      internal::UndoHorizontalPredictor(buf, info.width, info.height, info.samples, word_bytes);
    }
    if (word_bytes == 3 && !is_float) {
      // GDAL reads 24-bit integers as bit fields, most significant byte first, from the bytes
      // libtiff hands it in host order (swapped for a big-endian file): the value is the host
      // word read the other way round (file bytes 01 00 00 of a little-endian file are 65536).
      internal::SwapWords(buf, 3);
    }
  }
  if (!direct) internal::WidenWords(buf, out, word_bytes, out_bytes, is_float);
  return Status::OK();
}

Status DecodeImpl(ByteSpan in, MutableByteSpan out, const BlockInfo& info) {
  if (info.width == 0 || info.height == 0 || info.samples == 0) {
    return Status::InvalidArgument("empty block: " + Num(info.width) + " x " + Num(info.height) +
                                   " pixels, " + Num(info.samples) + " samples");
  }
  COGR_ASSIGN_OR_RETURN(uint64_t expected, DecodedSize(info));
  if (out.size() != expected) {
    return Status::InvalidArgument("output buffer has " + Num(out.size()) +
                                   " bytes, block decodes to " + Num(expected) + " bytes");
  }
  if (internal::IsLibtiffCompression(info.compression) || info.stored_samples != 0) {
#ifdef COGR_HAVE_LIBTIFF
    return internal::DecodeLibtiff(in, out, info);
#else
    return Status::Unsupported("compression " + CompressionName(info.compression) + " (" +
                               Num(info.compression) +
                               ") is not supported by this build (needs libtiff)");
#endif
  }
  const CodecEntry* entry = FindCodec(info.compression);
  if (entry == nullptr)
    return Status::Unsupported("unsupported compression code " + Num(info.compression));
  bool built = IsBuilt(*entry);
  if (info.compression == kLerc) {
    const uint32_t additional = LercAdditional(info.lerc_parameters);
    if (additional > 2) {
      return Status::Unsupported("lerc with additional compression " + Num(additional) +
                                 " is not supported");
    }
    built = built && LercAdditionalBuilt(additional);
  }
  if (!built) {
    return Status::Unsupported("compression " +
                               CompressionName(info.compression, info.lerc_parameters) + " (" +
                               Num(info.compression) + ") is not supported by this build");
  }
  if (entry->image != nullptr) return entry->image(in, out, info);
  return DecodeStream(*entry, in, out, info);
}

}  // namespace

std::string CompressionName(uint16_t code, const std::vector<uint32_t>& lerc_parameters) {
  if (code == kLerc) {
    switch (LercAdditional(lerc_parameters)) {
      case 1: return "lerc_deflate";
      case 2: return "lerc_zstd";
      default: return "lerc";
    }
  }
  // rasterio's names of the compressions libtiff decodes.
  switch (code) {
    case kCcittRle: return "ccittrle";
    case kCcittFax3: return "ccittfax3";
    case kCcittFax4: return "ccittfax4";
    case kOldJpeg: return "ojpeg";
    case kSgiLog: return "sgilog";
    case kSgiLog24: return "sgilog24";
    default: break;
  }
  if (const CodecEntry* entry = FindCodec(code)) return entry->name;
  return "unknown(" + Num(code) + ")";
}

uint32_t DecodedSampleBytes(const BlockInfo& info) {
  const uint32_t bits = info.bits_per_sample;
  switch (info.sample_format) {
    case 5:  // complex int: CInt16, CInt32
      return (bits == 32 || bits == 64) ? bits / 8 : 0;
    case 6:  // complex float: CFloat32, CFloat64
      return (bits == 64 || bits == 128) ? bits / 8 : 0;
    case 3:  // float: half and 24-bit floats widen to float32
      if (bits == 16 || bits == 24 || bits == 32) return 4;
      return bits == 64 ? 8 : 0;
    default:
      if (bits == 0 || bits > 64) return 0;
      if (bits <= 8) return 1;
      if (bits <= 16) return 2;
      if (bits <= 32) return 4;
      return 8;
  }
}

Result<uint64_t> DecodedSize(const BlockInfo& info) {
  const uint32_t sample_bytes = DecodedSampleBytes(info);
  if (sample_bytes == 0) {
    return Status::Unsupported(Num(info.bits_per_sample) + "-bit samples of sample format " +
                               Num(info.sample_format) + " are not supported");
  }
  std::optional<uint64_t> size = internal::CheckedMul(uint64_t{info.width}, info.height);
  if (size) size = internal::CheckedMul(*size, info.samples);
  if (size) size = internal::CheckedMul(*size, sample_bytes);
  if (!size) {
    return Status::InvalidFile("block of " + Num(info.width) + " x " + Num(info.height) +
                               " pixels x " + Num(info.samples) + " samples overflows");
  }
  if (*size > info.max_block_bytes) {
    return Status::LimitExceeded("block decodes to " + Num(*size) + " bytes > max_block_bytes " +
                                 Num(info.max_block_bytes));
  }
  return *size;
}

Status Decode(ByteSpan in, MutableByteSpan out, const BlockInfo& info) {
  Status st = internal::GuardAlloc(
      [&] { return DecodeImpl(in, out, info); },
      [&] { return "out of memory decoding a block of " + Num(out.size()) + " bytes"; });
  internal::TrimScratch();
  return st;
}

bool DecodesByRows(const BlockInfo& info) {
#ifdef COGR_HAVE_JPEG
  // Not through libtiff's RGBA interface (CMYK, CIELAB): those rows are converted samples.
  return info.compression == kJpeg && info.stored_samples == 0 && info.bits_per_sample == 8 &&
         info.width > 0 && info.height > 0 && info.samples > 0;
#else
  (void)info;
  return false;
#endif
}

Status DecodeRows(ByteSpan in, const BlockInfo& info, uint32_t row_begin, uint32_t row_end,
                  const RowSink& sink) {
  if (!DecodesByRows(info)) {
    return Status::InvalidArgument("DecodeRows: compression " +
                                   CompressionName(info.compression, info.lerc_parameters) +
                                   " decodes whole blocks only");
  }
  return internal::GuardAlloc(
      [&]() -> Status {
        // The size checks (overflow, max_block_bytes) of a whole decode.
        COGR_RETURN_IF_ERROR(DecodedSize(info).status());
#ifdef COGR_HAVE_JPEG
        return internal::DecodeJpegRows(in, info, row_begin, row_end, sink);
#else
        (void)in, (void)row_begin, (void)row_end, (void)sink;
        return Status::OK();
#endif
      },
      [] { return "out of memory decoding rows of a block"; });
}

bool IsSupported(uint16_t compression, const std::vector<uint32_t>& lerc_parameters) {
#ifdef COGR_HAVE_LIBTIFF
  if (internal::IsLibtiffCompression(compression)) return true;
#endif
  const CodecEntry* entry = FindCodec(compression);
  if (entry == nullptr || !IsBuilt(*entry)) return false;
  if (compression == kLerc) return LercAdditionalBuilt(LercAdditional(lerc_parameters));
  return true;
}

std::vector<std::string> SupportedCodecs() {
  std::vector<std::string> names;
  for (const char* name : {"none", "deflate", "zstd", "lzw", "packbits", "jpeg", "webp", "lzma"}) {
    for (const CodecEntry& entry : kCodecs) {
      if (entry.name == std::string_view(name) && IsBuilt(entry)) {
        names.emplace_back(name);
        break;
      }
    }
  }
  if (IsSupported(kLerc, {})) names.emplace_back("lerc");
  if (IsSupported(kLerc, {4, 1})) names.emplace_back("lerc_deflate");
  if (IsSupported(kLerc, {4, 2})) names.emplace_back("lerc_zstd");
  for (uint16_t code : {kCcittRle, kCcittFax3, kCcittFax4, kOldJpeg, kSgiLog, kSgiLog24}) {
    if (IsSupported(code)) names.push_back(CompressionName(code));
  }
  return names;
}

int RgbaBands(const tiff::Ifd& ifd, bool big_endian) {
  return internal::LibtiffRgbaBands(ifd, big_endian);
}

Status SetBlockIfd(const tiff::Ifd& ifd, BlockInfo& info) {
  info.ifd = &ifd;
  const int bands = RgbaBands(ifd, info.big_endian);
  if (bands == 0) return Status::OK();
  info.stored_samples = ifd.samples_per_pixel();
  info.stored_bits = info.bits_per_sample;
  info.samples = static_cast<uint16_t>(bands);
  info.bits_per_sample = 8;
  info.sample_format = 1;
  return Status::OK();
}

}  // namespace cogr::codec
