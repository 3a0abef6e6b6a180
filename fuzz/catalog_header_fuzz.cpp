// libFuzzer target: a catalog's stored header blob → internal::DecodeHeader → the file opened
// with it as io::KnownHeader; or a stored footprint → ParseGpkgPolygon → the polygon-query test
// (see util/fuzz.hpp, section 6).
#include <cstddef>
#include <cstdint>

#include "util/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)cogr::internal::FuzzCatalogHeader(data, size);
  return 0;
}
