// The loader of geo/proj_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_PROJ

#define COGR_PROJ_NO_NAME_MACROS
#include "geo/proj_api.hpp"

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_PROJ_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_PROJ_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_PROJ_SONAME "libproj"
#endif

namespace cogr::internal {
namespace {

Status BindProj(ProjFunctions& table, const DynamicLibrarySpec& spec) {
  COGR_BIND_FUNCTIONS(COGR_PROJ_FUNCTIONS);
}

constinit LazyLibrary<ProjFunctions, BindProj> library{{COGR_PROJ_SONAME, "COGR_LIBPROJ"}, "PROJ"};

}  // namespace

Status LoadProj() { return library.Load(); }

const ProjFunctions& Proj() { return library.Get(); }

}  // namespace cogr::internal

#endif  // COGR_HAVE_PROJ
