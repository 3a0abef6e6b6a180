// Compression 34925: LZMA2 in an .xz stream, decoded by liblzma.
#ifdef COGR_HAVE_LZMA

#include "codec/lzma_api.hpp"

#include "codec/codec_internal.hpp"

namespace cogr::internal {

namespace {

// The .xz header chooses the dictionary size and liblzma allocates it, so a hostile stream could
// ask for 1.5 GiB. This cap is far above any preset (xz -9 needs ~65 MiB to decode) and bounds
// what one block can make cogr allocate whatever the stream says.
constexpr uint64_t kLzmaMemLimit = 128ull << 20;

// One decoder per thread: re-initialising the same lzma_stream reuses its dictionary when the
// size is unchanged, so consecutive tiles of one file do not reallocate it.
struct ThreadLzma {
  lzma_stream strm = LZMA_STREAM_INIT;
  ~ThreadLzma() { lzma_end(&strm); }
};

}  // namespace

Status LzmaDecompress(ByteSpan in, MutableByteSpan out) {
  COGR_RETURN_IF_ERROR(LoadLzma());  // liblzma is opened here, on first use
  thread_local ThreadLzma t;
  lzma_stream& strm = t.strm;
  lzma_ret r = lzma_stream_decoder(&strm, kLzmaMemLimit, 0);
  if (r != LZMA_OK)
    return Status::LimitExceeded("lzma: cannot initialise the decoder (" + Num(r) + ")");
  strm.next_in = in.data();
  strm.avail_in = in.size();
  strm.next_out = out.data();
  strm.avail_out = out.size();
  // lzma_code returns LZMA_OK while it makes progress and LZMA_BUF_ERROR once it cannot; the
  // loop ends after at most two calls without progress.
  do {
    r = lzma_code(&strm, LZMA_FINISH);
  } while (r == LZMA_OK);
  const size_t produced = out.size() - strm.avail_out;
  switch (r) {
    case LZMA_STREAM_END: break;
    case LZMA_BUF_ERROR:
      // Output full with the stream unfinished, or input exhausted.
      if (strm.avail_out == 0) {
        return Status::InvalidFile("lzma: block decodes to more than " + Num(out.size()) +
                                   " bytes");
      }
      return Status::InvalidFile("lzma: block decoded to " + Num(produced) + " bytes, expected " +
                                 Num(out.size()));
    case LZMA_MEMLIMIT_ERROR:
      return Status::LimitExceeded("lzma: stream needs more than " + Num(kLzmaMemLimit) +
                                   " bytes of memory");
    case LZMA_MEM_ERROR: return Status::LimitExceeded("lzma: out of memory");
    default: return Status::InvalidFile("lzma: corrupt stream (error " + Num(r) + ")");
  }
  if (produced != out.size()) {
    return Status::InvalidFile("lzma: block decoded to " + Num(produced) + " bytes, expected " +
                               Num(out.size()));
  }
  return Status::OK();
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_LZMA
