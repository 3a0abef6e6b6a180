// A program that uses an installed cogr like an outside project would: only <cogr/cogr.hpp>,
// linked through find_package(cogr) (CMakeLists.txt here) or through pkg-config
// (run_consumer.cmake). Opens a GeoTIFF, reads it whole and prints what it got, what the
// linked library says about itself, and what the package recorded (PACKAGE_* definitions).
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <cogr/cogr.hpp>

namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ' ';
    out += name;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer FILE.tif\n");
    return 2;
  }
  auto ds = cogr::Dataset::Open(argv[1]);
  if (!ds.ok()) {
    std::fprintf(stderr, "open: %s\n", ds.status().ToString().c_str());
    return 1;
  }
  auto array = (*ds)->Read();
  if (!array.ok()) {
    std::fprintf(stderr, "read: %s\n", array.status().ToString().c_str());
    return 1;
  }
  std::string sums;
  const uint64_t plane = array->height * array->width;
  for (uint64_t b = 0; b < array->bands; ++b) {
    uint64_t sum = 0;
    for (uint64_t i = 0; i < plane; ++i) sum += array->data[b * plane + i];
    if (!sums.empty()) sums += ' ';
    sums += std::to_string(sum);
  }
  std::printf("size %" PRIu64 "x%" PRIu64 ", %d bands, %s, EPSG:%d, band sums %s\n", (*ds)->width(),
              (*ds)->height(), (*ds)->count(),
              std::string(cogr::DataTypeName((*ds)->dtype())).c_str(),
              (*ds)->crs_epsg().value_or(0), sums.c_str());
  const cogr::BuildInfo info = cogr::GetBuildInfo();
  std::printf("library %s %s, headers %s\n", info.version.c_str(),
              info.shared ? "shared" : "static", COGR_VERSION_STRING);
  std::printf("codecs: %s\n", Join(info.codecs).c_str());
  std::printf("package codecs: %s\n", PACKAGE_CODECS);
  std::printf("features: %s\n", Join(info.features).c_str());
  std::printf("package features: %s\n", PACKAGE_FEATURES);
  return 0;
}
