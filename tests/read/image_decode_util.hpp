// Test helpers: PNG and JPEG bytes decoded by libpng and libjpeg themselves (a second opinion on
// cogr::EncodePng / EncodeJpeg and on `cogr quicklook`'s files).
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#ifdef COGR_TEST_HAVE_PNG
#include <png.h>
#endif
#ifdef COGR_TEST_HAVE_JPEG
// clang-format off
#include <cstdio>
#include <jpeglib.h>
// clang-format on
#endif

namespace cogr::test {

/// A decoded picture: `channels` bytes per pixel, rows top to bottom.
struct DecodedImage {
  uint32_t width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;
  bool ok = false;
};

#ifdef COGR_TEST_HAVE_PNG
/// libpng's decode of a PNG as RGBA (an opaque PNG gets alpha 255).
inline DecodedImage DecodePngRgba(const std::vector<uint8_t>& bytes) {
  DecodedImage out;
  png_image png;
  std::memset(&png, 0, sizeof(png));
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size())) return out;
  png.format = PNG_FORMAT_RGBA;
  out.width = png.width;
  out.height = png.height;
  out.channels = 4;
  out.pixels.resize(PNG_IMAGE_SIZE(png));
  out.ok = png_image_finish_read(&png, nullptr, out.pixels.data(), 0, nullptr) != 0;
  png_image_free(&png);
  return out;
}
#endif

#ifdef COGR_TEST_HAVE_JPEG
/// libjpeg's decode of a JPEG as RGB (the test data is valid: libjpeg's default error handler,
/// which exits, is kept).
inline DecodedImage DecodeJpegRgb(const std::vector<uint8_t>& bytes) {
  DecodedImage out;
  jpeg_decompress_struct cinfo;
  jpeg_error_mgr err;
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
  if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
    jpeg_destroy_decompress(&cinfo);
    return out;
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  out.width = cinfo.output_width;
  out.height = cinfo.output_height;
  out.channels = 3;
  out.pixels.resize(size_t{out.width} * out.height * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out.pixels.data() + size_t{cinfo.output_scanline} * out.width * 3;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  out.ok = true;
  return out;
}
#endif

}  // namespace cogr::test
