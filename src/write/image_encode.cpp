// write: EncodePng (libpng's simplified API, opened on first use) and EncodeJpeg (libjpeg-turbo's
// compress API) of a QuicklookImage (cogr/quicklook.hpp).
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cogr/quicklook.hpp"
#include "util/alloc_guard.hpp"

#ifdef COGR_HAVE_PNG
#include "codec/png_api.hpp"
#endif
#ifdef COGR_HAVE_JPEG
// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on
#endif

namespace cogr {
namespace {

Status CheckImage(const QuicklookImage& image, const char* format) {
  // Both formats store 31-bit (PNG) or 16-bit (JPEG) sizes; a quicklook is at most 16384 wide.
  if (image.width == 0 || image.height == 0 || image.width > kMaxQuicklookSize ||
      image.height > kMaxQuicklookSize || image.rgba.size() != image.width * image.height * 4) {
    return Status::InvalidArgument(
        std::string(format) + ": image of " + std::to_string(image.width) + "x" +
        std::to_string(image.height) + " with " + std::to_string(image.rgba.size()) +
        " bytes is not a (height, width, 4) picture of 1.." + std::to_string(kMaxQuicklookSize) +
        " pixels a side");
  }
  return Status::OK();
}

#ifdef COGR_HAVE_JPEG
struct JpegErrorManager {
  jpeg_error_mgr pub;  // first member: libjpeg hands back a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnJpegError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Compresses `rows` (height rows of width * 3 bytes) into *out / *out_size (malloc'ed by libjpeg).
// Nothing with a destructor lives in this frame: setjmp/longjmp cross it.
bool RunJpegCompress(const uint8_t* rgb, uint32_t width, uint32_t height, int quality,
                     unsigned char** out, unsigned long* out_size, char* message) {
  jpeg_compress_struct cinfo;
  JpegErrorManager err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnJpegError;
  err.message[0] = '\0';
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    std::memcpy(message, err.message, JMSG_LENGTH_MAX);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, out, out_size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(rgb + static_cast<size_t>(cinfo.next_scanline) * width * 3);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}
#endif

}  // namespace

Result<std::vector<uint8_t>> EncodePng(const QuicklookImage& image) {
#ifdef COGR_HAVE_PNG
  COGR_RETURN_IF_ERROR(CheckImage(image, "PNG"));
  COGR_RETURN_IF_ERROR(internal::LoadPng());
  return internal::GuardAlloc(
      [&]() -> Result<std::vector<uint8_t>> {
        const size_t n = static_cast<size_t>(image.width * image.height);
        bool opaque = true;
        for (size_t i = 0; i < n && opaque; ++i) opaque = image.rgba[i * 4 + 3] == 255;
        // An opaque picture is written as RGB: a quarter smaller, and what viewers expect.
        std::vector<uint8_t> rgb;
        const void* pixels = image.rgba.data();
        if (opaque) {
          rgb.resize(n * 3);
          for (size_t i = 0; i < n; ++i) std::memcpy(&rgb[i * 3], &image.rgba[i * 4], 3);
          pixels = rgb.data();
        }
        png_image png;
        std::memset(&png, 0, sizeof(png));
        png.version = PNG_IMAGE_VERSION;
        png.width = static_cast<png_uint_32>(image.width);
        png.height = static_cast<png_uint_32>(image.height);
        png.format = opaque ? PNG_FORMAT_RGB : PNG_FORMAT_RGBA;
        png.flags = PNG_IMAGE_FLAG_FAST;
        png_alloc_size_t size = 0;
        // First the size, then the bytes.
        if (!png_image_write_to_memory(&png, nullptr, &size, 0, pixels, 0, nullptr)) {
          const std::string why = png.message;
          png_image_free(&png);
          return Status::IoError("PNG encoding failed: " + why);
        }
        std::vector<uint8_t> out(static_cast<size_t>(size));
        if (!png_image_write_to_memory(&png, out.data(), &size, 0, pixels, 0, nullptr)) {
          const std::string why = png.message;
          png_image_free(&png);
          return Status::IoError("PNG encoding failed: " + why);
        }
        png_image_free(&png);
        out.resize(static_cast<size_t>(size));
        return out;
      },
      [] { return "out of memory encoding a PNG"; });
#else
  (void)image;
  return Status::Unsupported("PNG output needs libpng, which this build of cogr does not have");
#endif
}

Result<std::vector<uint8_t>> EncodeJpeg(const QuicklookImage& image, int quality) {
#ifdef COGR_HAVE_JPEG
  COGR_RETURN_IF_ERROR(CheckImage(image, "JPEG"));
  if (quality < 1 || quality > 100) {
    return Status::InvalidArgument("JPEG quality " + std::to_string(quality) +
                                   " out of range (1..100)");
  }
  return internal::GuardAlloc(
      [&]() -> Result<std::vector<uint8_t>> {
        const size_t n = static_cast<size_t>(image.width * image.height);
        // No alpha in JPEG: composite over black (colour * alpha / 255, rounded).
        std::vector<uint8_t> rgb(n * 3);
        for (size_t i = 0; i < n; ++i) {
          const unsigned a = image.rgba[i * 4 + 3];
          for (size_t c = 0; c < 3; ++c) {
            rgb[i * 3 + c] = static_cast<uint8_t>((image.rgba[i * 4 + c] * a + 127) / 255);
          }
        }
        unsigned char* mem = nullptr;
        unsigned long mem_size = 0;
        char message[JMSG_LENGTH_MAX] = {};
        const bool ok =
            RunJpegCompress(rgb.data(), static_cast<uint32_t>(image.width),
                            static_cast<uint32_t>(image.height), quality, &mem, &mem_size, message);
        std::vector<uint8_t> out;
        if (ok && mem != nullptr) out.assign(mem, mem + mem_size);
        std::free(mem);
        if (!ok) return Status::IoError(std::string("JPEG encoding failed: ") + message);
        return out;
      },
      [] { return "out of memory encoding a JPEG"; });
#else
  (void)image;
  (void)quality;
  return Status::Unsupported("JPEG output needs libjpeg, which this build of cogr does not have");
#endif
}

}  // namespace cogr
