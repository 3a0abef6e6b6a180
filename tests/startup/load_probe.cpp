// cogr_load_probe: opens and reads through the public API, then prints which shared libraries
// the process has loaded, so tests/startup/lazy_load_test.cpp can check in a fresh process
// (the test binary itself links libtiff and has loaded everything earlier tests needed) that
// a path loads libcurl, PROJ, libtiff and libcrypto only when it needs them.
//
//   cogr_load_probe read URI    open URI (no retries) and read its first <= 16x16 window
//   cogr_load_probe crs URI     open URI and compute its CRS (WKT)
//   cogr_load_probe png URI     open URI and encode a 16-pixel quicklook as PNG
//
// Output: "status: ok" or "status: <code>: <message>", then "lib: <file name>" per loaded
// object (dl_iterate_phdr). Exit code 0 whenever it ran.
#include <link.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "cogr/cogr.hpp"

namespace {

int PrintLibrary(dl_phdr_info* info, size_t, void*) {
  if (info->dlpi_name == nullptr || info->dlpi_name[0] == '\0') return 0;  // the executable
  const char* slash = std::strrchr(info->dlpi_name, '/');
  std::printf("lib: %s\n", slash ? slash + 1 : info->dlpi_name);
  return 0;
}

cogr::Status Run(const std::string& command, const std::string& uri) {
  cogr::OpenOptions options;
  options.io.retry.max_retries = 0;
  options.io.connect_timeout_ms = 2000;
  COGR_ASSIGN_OR_RETURN(auto dataset, cogr::Dataset::Open(uri, options));
  if (command == "crs") {
    COGR_ASSIGN_OR_RETURN(auto crs, dataset->crs());
    return crs.ToWkt().status();
  }
  if (command == "png") {
    cogr::QuicklookOptions quicklook;
    quicklook.size = 16;
    COGR_ASSIGN_OR_RETURN(auto image, cogr::Quicklook(*dataset, quicklook));
    return cogr::EncodePng(image).status();
  }
  cogr::ReadOptions read;
  read.window =
      cogr::geo::Window{0, 0, static_cast<double>(std::min<uint64_t>(dataset->width(), 16)),
                        static_cast<double>(std::min<uint64_t>(dataset->height(), 16))};
  return dataset->Read(read).status();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc == 3 ? argv[1] : "";
  if (command != "read" && command != "crs" && command != "png") {
    std::fprintf(stderr, "usage: cogr_load_probe read|crs|png URI\n");
    return 2;
  }
  const cogr::Status status = Run(argv[1], argv[2]);
  if (status.ok()) {
    std::printf("status: ok\n");
  } else {
    std::printf("status: %s: %s\n", std::string(cogr::CodeName(status.code())).c_str(),
                status.message().c_str());
  }
  dl_iterate_phdr(PrintLibrary, nullptr);
  return 0;
}
