// libFuzzer target: Dataset::Open on an io::MemorySource + one window read; the first bytes of
// the input choose window, bands, overview, out_shape, mask (see util/fuzz.hpp).
#include <cstddef>
#include <cstdint>

#include "cogr/threads.hpp"
#include "util/fuzz.hpp"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  // One thread: runs are deterministic and the fuzzer's time goes into the code, not hand-offs.
  // (The regression test replays the same inputs with the default thread count.)
  cogr::SetThreadCount(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)cogr::internal::FuzzRead(data, size);
  return 0;
}
