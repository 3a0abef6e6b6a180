// The loader of codec/webp_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_WEBP

#define COGR_WEBP_NO_NAME_MACROS
#include "codec/webp_api.hpp"

#include <atomic>

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_WEBP_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_WEBP_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_WEBP_SONAME "libwebp"
#endif

namespace cogr::internal {
namespace {

WebpFunctions table;
std::atomic<bool> loaded{false};

constexpr DynamicLibrarySpec kSpec{COGR_WEBP_SONAME, "COGR_LIBWEBP"};

}  // namespace

std::string WebpLibraryName() { return DynamicLibraryName(kSpec); }

Status LoadWebp() {
  // A function-local static: initialised once, thread-safe, and no static initializer at
  // process start.
  static const Status status = [] {
    Status load_status;
#if COGR_LAZY_LOAD
#define COGR_WEBP_SLOT(name) {#name, reinterpret_cast<void**>(&table.name)},
    load_status = LoadDynamicLibrary(kSpec, {COGR_WEBP_FUNCTIONS(COGR_WEBP_SLOT)});
#undef COGR_WEBP_SLOT
#else  // linked at build time (COGR_LAZY_LOAD=OFF)
#define COGR_WEBP_SLOT(name) table.name = &::name;
    COGR_WEBP_FUNCTIONS(COGR_WEBP_SLOT)
#undef COGR_WEBP_SLOT
#endif
    loaded.store(load_status.ok(), std::memory_order_release);
    return load_status;
  }();
  return status;
}

const WebpFunctions& WebpApi() {
  if (!loaded.load(std::memory_order_acquire)) {
    if (Status s = LoadWebp(); !s.ok()) DynamicLibraryNotLoaded("libwebp", s.message());
  }
  return table;
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_WEBP
