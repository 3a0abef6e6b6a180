// Compression 1: the block is stored as is.
#include <cstring>

#include "codec/codec_internal.hpp"

namespace cogr::internal {

Status CopyUncompressed(ByteSpan in, MutableByteSpan out) {
  // A longer block is accepted (writers may pad); a shorter one lacks pixels.
  if (in.size() < out.size()) {
    return Status::InvalidFile("none: block has " + Num(in.size()) + " bytes, expected " +
                               Num(out.size()));
  }
  if (!out.empty()) std::memcpy(out.data(), in.data(), out.size());
  return Status::OK();
}

}  // namespace cogr::internal
