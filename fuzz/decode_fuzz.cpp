// libFuzzer target: one codec's Decode. Built once per codec (decode_<name>_fuzz) with
// COGR_FUZZ_COMPRESSION set to its TIFF Compression code; the first bytes of the input give the
// block geometry (see util/fuzz.hpp).
#include <cstddef>
#include <cstdint>

#include "util/fuzz.hpp"

#ifndef COGR_FUZZ_COMPRESSION
#error "COGR_FUZZ_COMPRESSION must be the TIFF Compression code to fuzz"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)cogr::internal::FuzzDecode(COGR_FUZZ_COMPRESSION, data, size);
  return 0;
}
