// Compression 8 and 32946 (Adobe and old Deflate): zlib-wrapped deflate, decoded by libdeflate.
#include <libdeflate.h>

#include <cstring>
#include <memory>

#include "codec/codec_internal.hpp"

namespace cogr::internal {

namespace {

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

// One decompressor per thread: libdeflate's are not thread-safe but are reusable, and
// allocating one per block would cost more than decoding a small tile.
libdeflate_decompressor* ThreadDecompressor() {
  thread_local std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> d(
      libdeflate_alloc_decompressor());
  return d.get();
}

}  // namespace

Result<size_t> InflateZlibUpTo(ByteSpan in, MutableByteSpan out) {
  libdeflate_decompressor* d = ThreadDecompressor();
  if (d == nullptr) return Status::LimitExceeded("deflate: cannot allocate a decompressor");
  size_t produced = 0;
  // libdeflate writes only inside `out`; a stream that wants more fails with INSUFFICIENT_SPACE.
  const libdeflate_result r =
      libdeflate_zlib_decompress(d, in.data(), in.size(), out.data(), out.size(), &produced);
  switch (r) {
    case LIBDEFLATE_SUCCESS: return produced;
    case LIBDEFLATE_INSUFFICIENT_SPACE:
      return Status::InvalidFile("deflate: block decodes to more than " + Num(out.size()) +
                                 " bytes");
    default:
      return Status::InvalidFile("deflate: corrupt or truncated stream (" + Num(in.size()) +
                                 " bytes)");
  }
}

Status InflateZlib(ByteSpan in, MutableByteSpan out) {
  libdeflate_decompressor* d = ThreadDecompressor();
  if (d == nullptr) return Status::LimitExceeded("deflate: cannot allocate a decompressor");
  size_t produced = 0;
  const libdeflate_result r =
      libdeflate_zlib_decompress(d, in.data(), in.size(), out.data(), out.size(), &produced);
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
    // The stream wants more room than the block. A stream cut short can look like that too
    // (libdeflate reads a few zero bytes past the end), so first make sure the stream really
    // holds more: decoded into twice the room it must end or still want more, not break.
    const size_t room = out.size() <= SIZE_MAX / 2 ? out.size() * 2 : SIZE_MAX;
    MutableByteSpan probe = Scratch(ScratchSlot::kLercBlob, room);
    const libdeflate_result longer =
        libdeflate_zlib_decompress(d, in.data(), in.size(), probe.data(), probe.size(), &produced);
    if (longer != LIBDEFLATE_SUCCESS && longer != LIBDEFLATE_INSUFFICIENT_SPACE) {
      return Status::InvalidFile("deflate: corrupt or truncated stream (" + Num(in.size()) +
                                 " bytes)");
    }
    // It does. libtiff (built with libdeflate, as GDAL 3.6 reads it) accepts this silently
    // ("odd files in the wild": a short last strip coded with RowsPerStrip rows) and keeps what
    // libdeflate wrote into the block before it stopped; the rest of GDAL's block buffer is
    // zeros. Same here, so every byte of `out` is defined and equal to GDAL's: zeros, then the
    // stream's bytes as far as libdeflate got (usually the whole block).
    std::memset(out.data(), 0, out.size());
    (void)libdeflate_zlib_decompress(d, in.data(), in.size(), out.data(), out.size(), &produced);
    return Status::OK();
  }
  if (r != LIBDEFLATE_SUCCESS) {
    return Status::InvalidFile("deflate: corrupt or truncated stream (" + Num(in.size()) +
                               " bytes)");
  }
  if (produced != out.size()) {
    return Status::InvalidFile("deflate: block decoded to " + Num(produced) + " bytes, expected " +
                               Num(out.size()));
  }
  return Status::OK();
}

}  // namespace cogr::internal
