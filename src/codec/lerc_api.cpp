// The loader of codec/lerc_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_LERC

#define COGR_LERC_NO_NAME_MACROS
#include "codec/lerc_api.hpp"

#include <atomic>

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_LERC_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_LERC_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_LERC_SONAME "libLerc"
#endif

namespace cogr::internal {
namespace {

LercFunctions table;
std::atomic<bool> loaded{false};

constexpr DynamicLibrarySpec kSpec{COGR_LERC_SONAME, "COGR_LIBLERC"};

}  // namespace

std::string LercLibraryName() { return DynamicLibraryName(kSpec); }

Status LoadLerc() {
  // A function-local static: initialised once, thread-safe, and no static initializer at
  // process start.
  static const Status status = [] {
    Status load_status;
#if COGR_LAZY_LOAD
#define COGR_LERC_SLOT(name) {#name, reinterpret_cast<void**>(&table.name)},
    load_status = LoadDynamicLibrary(kSpec, {COGR_LERC_FUNCTIONS(COGR_LERC_SLOT)});
#undef COGR_LERC_SLOT
#else  // linked at build time (COGR_LAZY_LOAD=OFF)
#define COGR_LERC_SLOT(name) table.name = &::name;
    COGR_LERC_FUNCTIONS(COGR_LERC_SLOT)
#undef COGR_LERC_SLOT
#endif
    loaded.store(load_status.ok(), std::memory_order_release);
    return load_status;
  }();
  return status;
}

const LercFunctions& LercApi() {
  if (!loaded.load(std::memory_order_acquire)) {
    if (Status s = LoadLerc(); !s.ok()) DynamicLibraryNotLoaded("libLerc", s.message());
  }
  return table;
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_LERC
