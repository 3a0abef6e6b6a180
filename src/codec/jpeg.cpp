// Compression 7: JPEG ("new-style", TIFF Technical Note 2), decoded by libjpeg(-turbo).
// The JPEGTables tag holds an abbreviated stream with the quantisation and Huffman tables; it is
// read first, then the block's own stream, which libjpeg decodes with those tables.
#ifdef COGR_HAVE_JPEG

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <vector>

// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

#include "codec/codec_internal.hpp"

namespace cogr::internal {

namespace {

struct ErrorManager {
  jpeg_error_mgr pub;  // first member: libjpeg hands back a pointer to it
  std::jmp_buf jump;
  // A warning after which libjpeg makes up pixels: kTruncated or kCorrupt (JpegFailure), 0 if none.
  int invented;
  char message[JMSG_LENGTH_MAX];
};

// libjpeg's default error_exit calls exit(); ours unwinds to RunJpeg instead.
void OnJpegError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

enum class JpegFailure : uint8_t {
  kNone,
  kLibrary,
  kTablesHaveImage,
  kTruncated,
  kCorrupt,
  kSize,
  kComponents,
  kPrecision
};

// Warnings are not printed. After some of them libjpeg makes pixels up and carries on: the data
// ends before the image (the end of the block, or a marker in the middle of a scan), a Huffman or
// arithmetic code that decodes to nothing, a restart marker out of sequence. Those blocks would
// read as OK with gray or repeated pixels, so the first such warning is remembered and the
// decode fails. Other warnings (extra bytes before a marker, an unknown Adobe transform) leave
// the pixels as decoded.
void OnJpegMessage(j_common_ptr cinfo, int msg_level) {
  if (msg_level >= 0) return;
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  ++cinfo->err->num_warnings;
  if (err->invented != 0) return;
  switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF: err->invented = static_cast<int>(JpegFailure::kTruncated); break;
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:
      err->invented = static_cast<int>(JpegFailure::kCorrupt);
      (*cinfo->err->format_message)(cinfo, err->message);
      break;
    default: break;
  }
}

// What RunJpeg found; plain data so that nothing with a destructor lives across setjmp/longjmp.
struct JpegOutcome {
  JpegFailure failure = JpegFailure::kNone;
  uint32_t width = 0;
  uint32_t height = 0;
  uint32_t components = 0;
  uint32_t precision = 0;
  char message[JMSG_LENGTH_MAX] = {};
};

// Where RunJpeg puts the rows. Whole-block mode: every row into `out` (rows_per_band = 0).
// Band mode: rows [row_begin, row_end) through `sink`, decoded rows_per_band at a time into
// `out` (rows_per_band rows); decoding stops after row_end.
struct JpegRows {
  uint8_t* out = nullptr;
  uint32_t rows_per_band = 0;
  uint32_t row_begin = 0, row_end = 0;
  const codec::RowSink* sink = nullptr;
};

void RunJpeg(const uint8_t* in, size_t in_size, const uint8_t* tables, size_t tables_size,
             const JpegRows& dst, const codec::BlockInfo& info, JpegOutcome* res) {
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnJpegError;
  err.pub.emit_message = OnJpegMessage;
  err.invented = 0;
  err.message[0] = '\0';
  if (setjmp(err.jump)) {
    res->failure = JpegFailure::kLibrary;
    std::memcpy(res->message, err.message, sizeof(res->message));
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  jpeg_create_decompress(&cinfo);
  if (tables_size > 0) {
    jpeg_mem_src(&cinfo, tables, static_cast<unsigned long>(tables_size));
    if (jpeg_read_header(&cinfo, FALSE) != JPEG_HEADER_TABLES_ONLY) {
      res->failure = JpegFailure::kTablesHaveImage;
      jpeg_destroy_decompress(&cinfo);
      return;
    }
  }
  jpeg_mem_src(&cinfo, in, static_cast<unsigned long>(in_size));
  jpeg_read_header(&cinfo, TRUE);
  res->width = cinfo.image_width;
  res->height = cinfo.image_height;
  res->components = static_cast<uint32_t>(cinfo.num_components);
  res->precision = static_cast<uint32_t>(cinfo.data_precision);
  if (cinfo.image_width != info.width || cinfo.image_height != info.height) {
    res->failure = JpegFailure::kSize;
  } else if (res->components != info.samples) {
    res->failure = JpegFailure::kComponents;
  } else if (cinfo.data_precision != 8) {
    res->failure = JpegFailure::kPrecision;
  }
  if (res->failure != JpegFailure::kNone) {
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  if (info.photometric == 6 && info.samples == 3) {
    // YCbCr, usually 2x2 subsampled: libjpeg upsamples and converts to RGB, as GDAL asks
    // libtiff to (JPEGCOLORMODE_RGB).
    cinfo.jpeg_color_space = JCS_YCbCr;
    cinfo.out_color_space = JCS_RGB;
  } else {
    // Anything else (RGB, gray, CMYK, separate planes) is returned as stored, like libtiff.
    cinfo.jpeg_color_space = JCS_UNKNOWN;
    cinfo.out_color_space = JCS_UNKNOWN;
  }
  jpeg_start_decompress(&cinfo);
  if (cinfo.output_width != info.width || cinfo.output_height != info.height ||
      static_cast<uint32_t>(cinfo.output_components) != info.samples) {
    res->failure = JpegFailure::kComponents;
    res->components = static_cast<uint32_t>(cinfo.output_components);
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  const size_t stride = size_t{info.width} * info.samples;
  const JDIMENSION last = dst.rows_per_band == 0 ? cinfo.output_height : dst.row_end;
  while (cinfo.output_scanline < last) {
    if (dst.rows_per_band == 0) {
      JSAMPROW row = dst.out + size_t{cinfo.output_scanline} * stride;
      if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;  // cannot happen with a memory source
      continue;
    }
    // A band of rows into the small buffer, then to the sink while it is still in cache.
    const uint32_t first = cinfo.output_scanline;
    uint32_t n = 0;
    while (n < dst.rows_per_band && cinfo.output_scanline < last) {
      JSAMPROW row = dst.out + size_t{n} * stride;
      if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
      ++n;
    }
    if (n == 0) break;
    if (err.invented != 0) break;  // libjpeg made up these rows
    if (first + n > dst.row_begin) {
      const uint32_t skip = first < dst.row_begin ? dst.row_begin - first : 0;
      (*dst.sink)(first + skip, n - skip,
                  ByteSpan(dst.out + size_t{skip} * stride, size_t{n - skip} * stride));
    }
  }
  if (cinfo.output_scanline < last || err.invented != 0) {
    res->failure =
        err.invented != 0 ? static_cast<JpegFailure>(err.invented) : JpegFailure::kTruncated;
    std::memcpy(res->message, err.message, sizeof(res->message));
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  if (cinfo.output_scanline < cinfo.output_height) {
    jpeg_abort_decompress(&cinfo);  // the rows below are not needed
  } else {
    jpeg_finish_decompress(&cinfo);
  }
  if (err.invented != 0) {
    // A warning while reading past the last row (jpeg_finish_decompress).
    res->failure = static_cast<JpegFailure>(err.invented);
    std::memcpy(res->message, err.message, sizeof(res->message));
  }
  jpeg_destroy_decompress(&cinfo);
}

Status JpegStatus(ByteSpan in, const JpegRows& dst, const codec::BlockInfo& info) {
  JpegOutcome res;
  RunJpeg(in.data(), in.size(), info.jpeg_tables.data(), info.jpeg_tables.size(), dst, info, &res);
  switch (res.failure) {
    case JpegFailure::kNone: return Status::OK();
    case JpegFailure::kLibrary: return Status::InvalidFile(std::string("jpeg: ") + res.message);
    case JpegFailure::kTablesHaveImage:
      return Status::InvalidFile("jpeg: JPEGTables holds an image, not tables");
    case JpegFailure::kTruncated: return Status::InvalidFile("jpeg: premature end of data");
    case JpegFailure::kCorrupt: return Status::InvalidFile(std::string("jpeg: ") + res.message);
    case JpegFailure::kSize:
      return Status::InvalidFile("jpeg: image is " + Num(res.width) + " x " + Num(res.height) +
                                 ", block is " + Num(info.width) + " x " + Num(info.height));
    case JpegFailure::kComponents:
      return Status::InvalidFile("jpeg: " + Num(res.components) + " components, block has " +
                                 Num(info.samples) + " samples per pixel");
    case JpegFailure::kPrecision:
      return Status::Unsupported("jpeg: " + Num(res.precision) + "-bit precision is not supported");
  }
  return Status::InvalidFile("jpeg: decoding failed");
}

}  // namespace

Status DecodeJpeg(ByteSpan in, MutableByteSpan out, const codec::BlockInfo& info) {
  if (info.bits_per_sample != 8) {
    return Status::Unsupported("jpeg: " + Num(info.bits_per_sample) +
                               "-bit samples are not supported");
  }
  if (in.empty()) return Status::InvalidFile("jpeg: empty block");
  JpegRows dst;
  dst.out = out.data();
  return JpegStatus(in, dst, info);
}

Status DecodeJpegRows(ByteSpan in, const codec::BlockInfo& info, uint32_t row_begin,
                      uint32_t row_end, const codec::RowSink& sink) {
  if (info.bits_per_sample != 8) {
    return Status::Unsupported("jpeg: " + Num(info.bits_per_sample) +
                               "-bit samples are not supported");
  }
  if (in.empty()) return Status::InvalidFile("jpeg: empty block");
  if (row_begin >= row_end || row_end > info.height) {
    return Status::InvalidArgument("jpeg: rows [" + Num(row_begin) + ", " + Num(row_end) +
                                   ") of a block of " + Num(info.height) + " rows");
  }
  // 16 rows: one MCU row of 2x2-subsampled YCbCr; 512 x 3 x 16 = 24 KiB stays in L1/L2.
  constexpr uint32_t kBand = 16;
  thread_local std::vector<uint8_t> band;
  const size_t need = size_t{info.width} * info.samples * kBand;
  if (band.size() < need) band.resize(need);
  JpegRows dst;
  dst.out = band.data();
  dst.rows_per_band = kBand;
  dst.row_begin = row_begin;
  dst.row_end = row_end;
  dst.sink = &sink;
  return JpegStatus(in, dst, info);
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_JPEG
