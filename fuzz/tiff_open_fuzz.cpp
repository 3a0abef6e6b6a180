// libFuzzer target: TIFF header + IFD walk on a memory source (tight Limits). See util/fuzz.hpp.
#include <cstddef>
#include <cstdint>

#include "util/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)cogr::internal::FuzzOpen(data, size);
  return 0;
}
