// read: GDAL's implicit overviews of JPEG files without overviews (DCT-scaled decodes at 1/2,
// 1/4, 1/8 of the full image), as the resampler reads them (read/resample.hpp).
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "read/resample.hpp"
#include "util/checked.hpp"

#ifdef COGR_HAVE_JPEG
#include <csetjmp>
// clang-format off
#include <jpeglib.h>
// clang-format on
#endif

namespace cogr::internal {
namespace {

#ifdef COGR_HAVE_JPEG
struct JpegErrorJump {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnScaledJpegError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegErrorJump*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void OnScaledJpegMessage(j_common_ptr, int) {}  // warnings: keep the data, as GDAL's driver

// C-style so that longjmp skips no destructor: everything it touches is owned by the caller.
// Returns false with `message` set on failure; `out` holds max_w * max_h * samples bytes.
bool RunScaledJpeg(const uint8_t* in, size_t in_size, const uint8_t* tables, size_t tables_size,
                   int scale, bool ycbcr, uint32_t max_w, uint32_t max_h, uint16_t samples,
                   uint8_t* out, uint32_t* out_w, uint32_t* out_h, char* message,
                   size_t message_size) {
  jpeg_decompress_struct cinfo;
  JpegErrorJump err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnScaledJpegError;
  err.pub.emit_message = OnScaledJpegMessage;
  err.message[0] = '\0';
  if (setjmp(err.jump)) {
    std::snprintf(message, message_size, "jpeg: %s", err.message);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  if (tables_size > 0) {
    jpeg_mem_src(&cinfo, tables, static_cast<unsigned long>(tables_size));
    if (jpeg_read_header(&cinfo, FALSE) != JPEG_HEADER_TABLES_ONLY) {
      std::snprintf(message, message_size, "jpeg: JPEGTables hold an image");
      jpeg_destroy_decompress(&cinfo);
      return false;
    }
  }
  jpeg_mem_src(&cinfo, in, static_cast<unsigned long>(in_size));
  jpeg_read_header(&cinfo, TRUE);
  if (cinfo.num_components != samples || cinfo.data_precision != 8 ||
      cinfo.image_width > max_w * 8u || cinfo.image_height > max_h * 8u) {
    std::snprintf(message, message_size,
                  "jpeg: %ux%u image of %d components does not fit the block", cinfo.image_width,
                  cinfo.image_height, cinfo.num_components);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  if (ycbcr) {
    cinfo.jpeg_color_space = JCS_YCbCr;
    cinfo.out_color_space = JCS_RGB;
  } else {
    cinfo.jpeg_color_space = JCS_UNKNOWN;
    cinfo.out_color_space = JCS_UNKNOWN;
  }
  cinfo.scale_num = 1;
  cinfo.scale_denom = static_cast<unsigned int>(scale);
  jpeg_start_decompress(&cinfo);
  if (cinfo.output_width > max_w || cinfo.output_height > max_h ||
      cinfo.output_components != samples) {
    std::snprintf(message, message_size, "jpeg: scaled output %ux%u exceeds the %ux%u block",
                  cinfo.output_width, cinfo.output_height, max_w, max_h);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  const size_t stride = size_t{cinfo.output_width} * samples;
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out + size_t{cinfo.output_scanline} * stride;
    if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
  }
  *out_w = cinfo.output_width;
  *out_h = cinfo.output_scanline;
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}
#endif

}  // namespace

std::vector<int> ImplicitJpegOverviewScales(const tiff::Ifd& ifd, bool has_overviews) {
  std::vector<int> scales;
  if (has_overviews || ifd.compression() != 7) return scales;
  for (uint16_t b : ifd.bits_per_sample()) {
    if (b != 8) return scales;
  }
  // The tables must end with an EOI marker (GDAL drops it to splice the tile after them).
  if (!ifd.jpeg_tables().empty() && ifd.jpeg_tables().back() != 0xD9) return scales;
  int count = 0;
  for (int i = 2; i >= 0; --i) {
    if (ifd.width() >= (256u << i) || ifd.height() >= (256u << i)) {
      count = i + 1;
      break;
    }
  }
  for (int i = 1; i <= count; ++i) scales.push_back(1 << i);
  return scales;
}

Result<std::vector<uint8_t>> DecodeJpegScaled(ByteSpan in, ByteSpan tables, int scale,
                                              uint16_t photometric, uint64_t width, uint64_t height,
                                              uint16_t samples, uint64_t max_bytes) {
#ifdef COGR_HAVE_JPEG
  if (scale != 2 && scale != 4 && scale != 8)
    return Status::InvalidArgument("jpeg scale must be 2, 4 or 8");
  if (width == 0 || height == 0 || width > UINT32_MAX || height > UINT32_MAX || samples == 0) {
    return Status::InvalidFile("jpeg: empty or oversized block");
  }
  const uint64_t w = CeilDiv(width, static_cast<uint64_t>(scale));
  const uint64_t h = CeilDiv(height, static_cast<uint64_t>(scale));
  auto bytes = CheckedMul(w * h, samples);
  if (!bytes || *bytes > max_bytes)
    return Status::LimitExceeded("jpeg: scaled block exceeds max_block_bytes");
  std::vector<uint8_t> out(static_cast<size_t>(*bytes), 0);
  uint32_t ow = 0, oh = 0;
  char message[JMSG_LENGTH_MAX + 16] = {};
  if (!RunScaledJpeg(in.data(), in.size(), tables.data(), tables.size(), scale,
                     photometric == 6 && samples == 3, static_cast<uint32_t>(w),
                     static_cast<uint32_t>(h), samples, out.data(), &ow, &oh, message,
                     sizeof message)) {
    return Status::InvalidFile(message);
  }
  if (ow != w) {
    // A narrower image than the block: re-pack rows to the block's stride.
    std::vector<uint8_t> packed(out.size(), 0);
    for (uint32_t y = 0; y < oh; ++y) {
      std::memcpy(packed.data() + size_t{y} * w * samples, out.data() + size_t{y} * ow * samples,
                  size_t{ow} * samples);
    }
    out.swap(packed);
  }
  return out;
#else
  (void)in, (void)tables, (void)scale, (void)photometric, (void)width, (void)height, (void)samples,
      (void)max_bytes;
  return Status::Unsupported("compression jpeg (7) is not supported by this build");
#endif
}

Status ReadJpegOverviewRegion(const tiff::Ifd& ifd, int scale, const std::vector<int>& bands,
                              int64_t x0, int64_t y0, int64_t x1, int64_t y1,
                              const std::function<Result<std::vector<uint8_t>>(ByteRange)>& read,
                              uint64_t file_size, const Limits& limits, Array& out) {
  if (x1 <= x0 || y1 <= y0 || x0 < 0 || y0 < 0 || ifd.block_width() == 0 ||
      ifd.block_height() == 0) {
    return Status::InvalidArgument("empty region of a JPEG overview");
  }
  const uint64_t s = static_cast<uint64_t>(scale);
  const uint64_t obw = CeilDiv(ifd.block_width(), s), obh = CeilDiv(ifd.block_height(), s);
  const uint64_t across = ifd.blocks_across(), down = ifd.blocks_down();
  const bool separate = ifd.planar_config() == 2;
  const uint16_t samples = separate ? uint16_t{1} : ifd.samples_per_pixel();
  const uint64_t cols = static_cast<uint64_t>(x1 - x0), rows = static_cast<uint64_t>(y1 - y0);
  out.dtype = DataType::kUInt8;
  out.bands = bands.size();
  out.width = cols;
  out.height = rows;
  auto n = CheckedMul(cols * rows, bands.size());
  if (!n || *n > limits.max_read_bytes)
    return Status::LimitExceeded("JPEG overview region exceeds max_read_bytes");
  out.data.assign(static_cast<size_t>(*n), 0);
  const ByteSpan tables(ifd.jpeg_tables().data(), ifd.jpeg_tables().size());
  for (uint64_t by = static_cast<uint64_t>(y0) / obh;
       by <= static_cast<uint64_t>(y1 - 1) / obh && by < down; ++by) {
    for (uint64_t bx = static_cast<uint64_t>(x0) / obw;
         bx <= static_cast<uint64_t>(x1 - 1) / obw && bx < across; ++bx) {
      // Contiguous: one block holds every band; separate: one block per band.
      const size_t passes = separate ? bands.size() : 1;
      for (size_t pass = 0; pass < passes; ++pass) {
        uint64_t index = by * across + bx;
        if (separate) index += static_cast<uint64_t>(bands[pass]) * across * down;
        if (index >= ifd.block_offsets().size() || index >= ifd.block_byte_counts().size()) {
          return Status::InvalidFile("JPEG block " + std::to_string(index) +
                                     " missing from the block tables");
        }
        const uint64_t offset = ifd.block_offsets()[index], length = ifd.block_byte_counts()[index];
        if (offset == 0 || length == 0) continue;  // sparse: zeros
        if (!RangeInside(offset, length, file_size)) {
          return Status::InvalidFile("block " + std::to_string(index) + ": bytes [" +
                                     std::to_string(offset) + ", " +
                                     std::to_string(offset + length) + ") past end of file (size " +
                                     std::to_string(file_size) + ")");
        }
        if (length > limits.max_block_bytes) {
          return Status::LimitExceeded("block " + std::to_string(index) + " has " +
                                       std::to_string(length) + " bytes > max_block_bytes " +
                                       std::to_string(limits.max_block_bytes));
        }
        COGR_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, read(ByteRange{offset, length}));
        const uint64_t block_rows =
            ifd.tiled() ? ifd.block_height()
                        : std::min(ifd.block_height(), ifd.height() - by * ifd.block_height());
        auto decoded =
            DecodeJpegScaled(ByteSpan(raw.data(), raw.size()), tables, scale, ifd.photometric(),
                             ifd.block_width(), block_rows, samples, limits.max_block_bytes);
        if (!decoded.ok()) return decoded.status().WithContext("block " + std::to_string(index));
        const uint64_t dw = CeilDiv(ifd.block_width(), s), dh = CeilDiv(block_rows, s);
        const uint64_t bx0 = bx * obw, by0 = by * obh;
        const uint64_t cx0 = std::max<uint64_t>(bx0, static_cast<uint64_t>(x0));
        const uint64_t cx1 = std::min<uint64_t>(bx0 + dw, static_cast<uint64_t>(x1));
        const uint64_t cy0 = std::max<uint64_t>(by0, static_cast<uint64_t>(y0));
        const uint64_t cy1 = std::min<uint64_t>(by0 + dh, static_cast<uint64_t>(y1));
        for (size_t b = 0; b < bands.size(); ++b) {
          if (separate && b != pass) continue;
          const size_t sample = separate ? 0 : static_cast<size_t>(bands[b]);
          if (sample >= samples)
            return Status::InvalidArgument("band out of range of the JPEG block");
          for (uint64_t y = cy0; y < cy1; ++y) {
            const uint8_t* src =
                decoded->data() + ((y - by0) * dw + (cx0 - bx0)) * samples + sample;
            uint8_t* dst = out.data.data() + (b * rows + (y - static_cast<uint64_t>(y0))) * cols +
                           (cx0 - static_cast<uint64_t>(x0));
            for (uint64_t x = cx0; x < cx1; ++x, src += samples) *dst++ = *src;
          }
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace cogr::internal
