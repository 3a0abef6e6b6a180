// The loader of codec/png_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_PNG

#define COGR_PNG_NO_NAME_MACROS
#include "codec/png_api.hpp"

#include <atomic>

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_PNG_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_PNG_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_PNG_SONAME "libpng"
#endif

namespace cogr::internal {
namespace {

PngFunctions table;
std::atomic<bool> loaded{false};

constexpr DynamicLibrarySpec kSpec{COGR_PNG_SONAME, "COGR_LIBPNG"};

}  // namespace

std::string PngLibraryName() { return DynamicLibraryName(kSpec); }

Status LoadPng() {
  // A function-local static: initialised once, thread-safe, and no static initializer at
  // process start.
  static const Status status = [] {
    Status load_status;
#if COGR_LAZY_LOAD
#define COGR_PNG_SLOT(name) {#name, reinterpret_cast<void**>(&table.name)},
    load_status = LoadDynamicLibrary(kSpec, {COGR_PNG_FUNCTIONS(COGR_PNG_SLOT)});
#undef COGR_PNG_SLOT
#else  // linked at build time (COGR_LAZY_LOAD=OFF)
#define COGR_PNG_SLOT(name) table.name = &::name;
    COGR_PNG_FUNCTIONS(COGR_PNG_SLOT)
#undef COGR_PNG_SLOT
#endif
    loaded.store(load_status.ok(), std::memory_order_release);
    return load_status;
  }();
  return status;
}

const PngFunctions& PngApi() {
  if (!loaded.load(std::memory_order_acquire)) {
    if (Status s = LoadPng(); !s.ok()) DynamicLibraryNotLoaded("libpng", s.message());
  }
  return table;
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_PNG
