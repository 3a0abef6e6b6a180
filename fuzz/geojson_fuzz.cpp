// libFuzzer target: GeoJSON text → mask::ParseGeoJson → Rasterize / GeometryMask /
// GeometryWindow on a small grid chosen by the first bytes (see util/fuzz.hpp).
#include <cstddef>
#include <cstdint>

#include "util/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)cogr::internal::FuzzGeoJson(data, size);
  return 0;
}
