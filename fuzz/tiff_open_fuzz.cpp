// libFuzzer target: TIFF header + IFD walk on a memory source (tight Limits). See util/fuzz.hpp.
// The custom mutator changes IFD fields (ifd_mutator.hpp) half of the time.
#include <cstddef>
#include <cstdint>

#include "ifd_mutator.hpp"
#include "util/fuzz.hpp"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  if (seed % 2 == 0) {
    if (size_t n = cogr::fuzz::MutateTiffStructure(data, size, seed / 2); n > 0) return n;
  }
  return LLVMFuzzerMutate(data, size, max_size);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)cogr::internal::FuzzOpen(data, size);
  return 0;
}
