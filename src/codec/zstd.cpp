// Compression 50000: Zstandard frames, decoded by libzstd in one shot into the output.
#ifdef COGR_HAVE_ZSTD

#include <zstd.h>
#include <zstd_errors.h>

#include <memory>

#include "codec/codec_internal.hpp"

namespace cogr::internal {

namespace {

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// One context per thread, reused: creating one costs more than decoding a small tile.
ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> d(ZSTD_createDCtx());
  return d.get();
}

}  // namespace

Result<size_t> ZstdDecompressUpTo(ByteSpan in, MutableByteSpan out) {
  // A frame that declares more than we expect is rejected before any work (decompression bomb).
  const unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR &&
      declared > out.size()) {
    return Status::InvalidFile("zstd: frame declares " + Num(declared) + " bytes, block holds " +
                               Num(out.size()));
  }
  ZSTD_DCtx* dctx = ThreadDCtx();
  if (dctx == nullptr)
    return Status::LimitExceeded("zstd: cannot allocate a decompression context");
  // Single-shot decoding uses `out` as its window: nothing is allocated by a size from the frame.
  const size_t r = ZSTD_decompressDCtx(dctx, out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(r)) {
    if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall) {
      return Status::InvalidFile("zstd: block decodes to more than " + Num(out.size()) + " bytes");
    }
    return Status::InvalidFile(std::string("zstd: ") + ZSTD_getErrorName(r) + " (" +
                               Num(in.size()) + " bytes)");
  }
  return r;
}

Status ZstdDecompress(ByteSpan in, MutableByteSpan out) {
  COGR_ASSIGN_OR_RETURN(size_t produced, ZstdDecompressUpTo(in, out));
  if (produced != out.size()) {
    return Status::InvalidFile("zstd: block decoded to " + Num(produced) + " bytes, expected " +
                               Num(out.size()));
  }
  return Status::OK();
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_ZSTD
