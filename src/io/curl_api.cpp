// The loader of io/curl_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_CURL

#define COGR_CURL_NO_NAME_MACROS
#include "io/curl_api.hpp"

#include <atomic>

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_CURL_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_CURL_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_CURL_SONAME "libcurl"
#endif

namespace cogr::internal {
namespace {

CurlFunctions table;
std::atomic<bool> loaded{false};

constexpr DynamicLibrarySpec kCurlSpec{COGR_CURL_SONAME, "COGR_LIBCURL"};

}  // namespace

std::string CurlLibraryName() { return DynamicLibraryName(kCurlSpec); }

Status LoadCurl() {
  // A function-local static: initialised once, thread-safe, and no static initializer at
  // process start.
  static const Status status = [] {
    Status load_status;
#if COGR_LAZY_LOAD
#define COGR_CURL_SLOT(name) {#name, reinterpret_cast<void**>(&table.name)},
    load_status = LoadDynamicLibrary(kCurlSpec, {COGR_CURL_FUNCTIONS(COGR_CURL_SLOT)});
#undef COGR_CURL_SLOT
#else  // linked at build time (COGR_LAZY_LOAD=OFF)
#define COGR_CURL_SLOT(name) table.name = &::name;
    COGR_CURL_FUNCTIONS(COGR_CURL_SLOT)
#undef COGR_CURL_SLOT
#endif
    loaded.store(load_status.ok(), std::memory_order_release);
    return load_status;
  }();
  return status;
}

const CurlFunctions& Curl() {
  if (!loaded.load(std::memory_order_acquire)) {
    if (Status s = LoadCurl(); !s.ok()) DynamicLibraryNotLoaded("libcurl", s.message());
  }
  return table;
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_CURL
