// The loader of codec/tiff_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_LIBTIFF

#define COGR_LIBTIFF_NO_NAME_MACROS
#include "codec/tiff_api.hpp"

#include <atomic>

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_LIBTIFF_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_LIBTIFF_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_LIBTIFF_SONAME "libtiff"
#endif

namespace cogr::internal {
namespace {

TiffFunctions table;
std::atomic<bool> loaded{false};

constexpr DynamicLibrarySpec kSpec{COGR_LIBTIFF_SONAME, "COGR_LIBTIFF"};

}  // namespace

std::string TiffLibraryName() { return DynamicLibraryName(kSpec); }

Status LoadTiff() {
  // A function-local static: initialised once, thread-safe, and no static initializer at
  // process start.
  static const Status status = [] {
    Status load_status;
#if COGR_LAZY_LOAD
#define COGR_LIBTIFF_SLOT(name) {#name, reinterpret_cast<void**>(&table.name)},
    load_status = LoadDynamicLibrary(kSpec, {COGR_LIBTIFF_FUNCTIONS(COGR_LIBTIFF_SLOT)});
#undef COGR_LIBTIFF_SLOT
#else  // linked at build time (COGR_LAZY_LOAD=OFF)
#define COGR_LIBTIFF_SLOT(name) table.name = &::name;
    COGR_LIBTIFF_FUNCTIONS(COGR_LIBTIFF_SLOT)
#undef COGR_LIBTIFF_SLOT
#endif
    loaded.store(load_status.ok(), std::memory_order_release);
    return load_status;
  }();
  return status;
}

const TiffFunctions& TiffApi() {
  if (!loaded.load(std::memory_order_acquire)) {
    if (Status s = LoadTiff(); !s.ok()) DynamicLibraryNotLoaded("libtiff", s.message());
  }
  return table;
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_LIBTIFF
