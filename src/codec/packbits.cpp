// Compression 32773: PackBits run-length coding (TIFF 6.0 section 9).
#include <cstring>

#include "codec/codec_internal.hpp"

namespace cogr::internal {

Status PackBitsDecompress(ByteSpan in, MutableByteSpan out) {
  const uint8_t* src = in.data();
  const size_t in_size = in.size();
  uint8_t* dst = out.data();
  const size_t out_size = out.size();
  size_t ip = 0;
  size_t op = 0;
  // PackBits has no end marker: decoding stops once the block is full, and bytes after that
  // are ignored (libtiff does the same; writers may pad).
  while (op < out_size) {
    if (ip >= in_size) {
      return Status::InvalidFile("packbits: block decoded to " + Num(op) + " bytes, expected " +
                                 Num(out_size));
    }
    const int n = static_cast<int8_t>(src[ip++]);
    if (n >= 0) {  // n + 1 literal bytes
      const size_t count = static_cast<size_t>(n) + 1;
      if (count > in_size - ip) {
        return Status::InvalidFile("packbits: literal run of " + Num(count) +
                                   " bytes past end of stream");
      }
      if (count > out_size - op) {
        return Status::InvalidFile("packbits: block decodes to more than " + Num(out_size) +
                                   " bytes");
      }
      std::memcpy(dst + op, src + ip, count);
      ip += count;
      op += count;
    } else if (n != -128) {  // 1 - n copies of the next byte; -128 is a no-op
      const size_t count = static_cast<size_t>(1 - n);
      if (ip >= in_size) return Status::InvalidFile("packbits: repeat run past end of stream");
      if (count > out_size - op) {
        return Status::InvalidFile("packbits: block decodes to more than " + Num(out_size) +
                                   " bytes");
      }
      std::memset(dst + op, src[ip++], count);
      op += count;
    }
  }
  return Status::OK();
}

}  // namespace cogr::internal
