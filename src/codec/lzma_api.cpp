// The loader of codec/lzma_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_LZMA

#define COGR_LZMA_NO_NAME_MACROS
#include "codec/lzma_api.hpp"

#include <atomic>

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_LZMA_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_LZMA_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_LZMA_SONAME "liblzma"
#endif

namespace cogr::internal {
namespace {

LzmaFunctions table;
std::atomic<bool> loaded{false};

constexpr DynamicLibrarySpec kSpec{COGR_LZMA_SONAME, "COGR_LIBLZMA"};

}  // namespace

std::string LzmaLibraryName() { return DynamicLibraryName(kSpec); }

Status LoadLzma() {
  // A function-local static: initialised once, thread-safe, and no static initializer at
  // process start.
  static const Status status = [] {
    Status load_status;
#if COGR_LAZY_LOAD
#define COGR_LZMA_SLOT(name) {#name, reinterpret_cast<void**>(&table.name)},
    load_status = LoadDynamicLibrary(kSpec, {COGR_LZMA_FUNCTIONS(COGR_LZMA_SLOT)});
#undef COGR_LZMA_SLOT
#else  // linked at build time (COGR_LAZY_LOAD=OFF)
#define COGR_LZMA_SLOT(name) table.name = &::name;
    COGR_LZMA_FUNCTIONS(COGR_LZMA_SLOT)
#undef COGR_LZMA_SLOT
#endif
    loaded.store(load_status.ok(), std::memory_order_release);
    return load_status;
  }();
  return status;
}

const LzmaFunctions& LzmaApi() {
  if (!loaded.load(std::memory_order_acquire)) {
    if (Status s = LoadLzma(); !s.ok()) DynamicLibraryNotLoaded("liblzma", s.message());
  }
  return table;
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_LZMA
