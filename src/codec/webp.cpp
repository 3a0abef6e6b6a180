// Compression 50001: WebP (lossy or lossless), decoded by libwebp straight into the block.
#ifdef COGR_HAVE_WEBP

#include "codec/webp_api.hpp"

#include "codec/codec_internal.hpp"

namespace cogr::internal {

Status DecodeWebp(ByteSpan in, MutableByteSpan out, const codec::BlockInfo& info) {
  COGR_RETURN_IF_ERROR(LoadWebp());  // libwebp is opened here, on first use
  if (info.bits_per_sample != 8 || (info.samples != 3 && info.samples != 4)) {
    return Status::Unsupported("webp: " + Num(info.samples) + " samples of " +
                               Num(info.bits_per_sample) +
                               " bits are not supported (RGB or RGBA 8-bit only)");
  }
  int width = 0;
  int height = 0;
  if (!WebPGetInfo(in.data(), in.size(), &width, &height)) {
    return Status::InvalidFile("webp: not a WebP image (" + Num(in.size()) + " bytes)");
  }
  if (static_cast<uint32_t>(width) != info.width || static_cast<uint32_t>(height) != info.height) {
    return Status::InvalidFile("webp: image is " + Num(static_cast<uint32_t>(width)) + " x " +
                               Num(static_cast<uint32_t>(height)) + ", block is " +
                               Num(info.width) + " x " + Num(info.height));
  }
  // WebP images are at most 16383 pixels wide, and the width matched: the stride fits an int.
  const int stride = static_cast<int>(info.width * info.samples);
  const uint8_t* r = info.samples == 4
                         ? WebPDecodeRGBAInto(in.data(), in.size(), out.data(), out.size(), stride)
                         : WebPDecodeRGBInto(in.data(), in.size(), out.data(), out.size(), stride);
  if (r == nullptr)
    return Status::InvalidFile("webp: corrupt or truncated stream (" + Num(in.size()) + " bytes)");
  return Status::OK();
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_WEBP
