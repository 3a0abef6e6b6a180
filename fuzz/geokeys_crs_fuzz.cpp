// libFuzzer target: GeoKeyDirectory/DoubleParams/AsciiParams → tiff::ParseGeoKeys →
// geo::Crs::FromGeoKeys → WKT/PROJJSON/EPSG (see util/fuzz.hpp).
#include <cstddef>
#include <cstdint>

#include "util/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)cogr::internal::FuzzGeoKeys(data, size);
  return 0;
}
