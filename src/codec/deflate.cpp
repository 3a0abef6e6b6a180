// Compression 8 and 32946 (Adobe and old Deflate): zlib-wrapped deflate, decoded by libdeflate.
#include <libdeflate.h>

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
  thread_local std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> d(libdeflate_alloc_decompressor());
  return d.get();
}

}  // namespace

Result<size_t> InflateZlibUpTo(ByteSpan in, MutableByteSpan out) {
  libdeflate_decompressor* d = ThreadDecompressor();
  if (d == nullptr) return Status::LimitExceeded("deflate: cannot allocate a decompressor");
  size_t produced = 0;
  // libdeflate writes only inside `out`; a stream that wants more fails with INSUFFICIENT_SPACE.
  const libdeflate_result r = libdeflate_zlib_decompress(d, in.data(), in.size(), out.data(), out.size(), &produced);
  switch (r) {
    case LIBDEFLATE_SUCCESS: return produced;
    case LIBDEFLATE_INSUFFICIENT_SPACE:
      return Status::InvalidFile("deflate: block decodes to more than " + Num(out.size()) + " bytes");
    default:
      return Status::InvalidFile("deflate: corrupt or truncated stream (" + Num(in.size()) + " bytes)");
  }
}

Status InflateZlib(ByteSpan in, MutableByteSpan out) {
  COGR_ASSIGN_OR_RETURN(size_t produced, InflateZlibUpTo(in, out));
  if (produced != out.size()) {
    return Status::InvalidFile("deflate: block decoded to " + Num(produced) + " bytes, expected " + Num(out.size()));
  }
  return Status::OK();
}

}  // namespace cogr::internal
