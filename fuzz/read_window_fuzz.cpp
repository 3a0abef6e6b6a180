// libFuzzer target: Dataset::Open on an io::MemorySource + one window read; the first bytes of
// the input choose window, bands, overview, out_shape, mask (see util/fuzz.hpp). The custom
// mutator changes IFD fields of the file after those bytes (ifd_mutator.hpp) half of the time.
#include <cstddef>
#include <cstdint>

#include "cogr/threads.hpp"
#include "ifd_mutator.hpp"
#include "util/fuzz.hpp"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  // One thread: runs are deterministic and the fuzzer's time goes into the code, not hand-offs.
  // (The regression test replays the same inputs with the default thread count.)
  cogr::SetThreadCount(1);
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  constexpr size_t kHeader = cogr::internal::kFuzzReadHeaderBytes;
  if (seed % 2 == 0 && size > kHeader) {
    if (cogr::fuzz::MutateTiffStructure(data + kHeader, size - kHeader, seed / 2) > 0) return size;
  }
  return LLVMFuzzerMutate(data, size, max_size);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)cogr::internal::FuzzRead(data, size);
  return 0;
}
