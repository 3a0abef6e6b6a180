// The loader of codec/lerc_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_LERC

#define COGR_LERC_NO_NAME_MACROS
#include "codec/lerc_api.hpp"

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_LERC_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_LERC_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_LERC_SONAME "libLerc"
#endif

namespace cogr::internal {
namespace {

Status BindLerc(LercFunctions& table, const DynamicLibrarySpec& spec) {
  COGR_BIND_FUNCTIONS(COGR_LERC_FUNCTIONS);
}

constinit LazyLibrary<LercFunctions, BindLerc> library{{COGR_LERC_SONAME, "COGR_LIBLERC"},
                                                       "libLerc"};

}  // namespace

Status LoadLerc() { return library.Load(); }

const LercFunctions& LercApi() { return library.Get(); }

}  // namespace cogr::internal

#endif  // COGR_HAVE_LERC
