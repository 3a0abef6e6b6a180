// The loader of geo/proj_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_PROJ

#define COGR_PROJ_NO_NAME_MACROS
#include "geo/proj_api.hpp"

#include <atomic>

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_PROJ_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_PROJ_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_PROJ_SONAME "libproj"
#endif

namespace cogr::internal {
namespace {

ProjFunctions table;
std::atomic<bool> loaded{false};

constexpr DynamicLibrarySpec kProjSpec{COGR_PROJ_SONAME, "COGR_LIBPROJ"};

}  // namespace

std::string ProjLibraryName() { return DynamicLibraryName(kProjSpec); }

Status LoadProj() {
  // A function-local static: initialised once, thread-safe, and no static initializer at
  // process start.
  static const Status status = [] {
    Status load_status;
#if COGR_LAZY_LOAD
#define COGR_PROJ_SLOT(name) {#name, reinterpret_cast<void**>(&table.name)},
    load_status = LoadDynamicLibrary(kProjSpec, {COGR_PROJ_FUNCTIONS(COGR_PROJ_SLOT)});
#undef COGR_PROJ_SLOT
#else  // linked at build time (COGR_LAZY_LOAD=OFF)
#define COGR_PROJ_SLOT(name) table.name = &::name;
    COGR_PROJ_FUNCTIONS(COGR_PROJ_SLOT)
#undef COGR_PROJ_SLOT
#endif
    loaded.store(load_status.ok(), std::memory_order_release);
    return load_status;
  }();
  return status;
}

const ProjFunctions& Proj() {
  if (!loaded.load(std::memory_order_acquire)) {
    if (Status s = LoadProj(); !s.ok()) DynamicLibraryNotLoaded("PROJ", s.message());
  }
  return table;
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_PROJ
