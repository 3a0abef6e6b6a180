// The loader of codec/tiff_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_LIBTIFF

#define COGR_LIBTIFF_NO_NAME_MACROS
#include "codec/tiff_api.hpp"

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_LIBTIFF_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_LIBTIFF_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_LIBTIFF_SONAME "libtiff"
#endif

namespace cogr::internal {
namespace {

Status BindTiff(TiffFunctions& table, const DynamicLibrarySpec& spec) {
  COGR_BIND_FUNCTIONS(COGR_LIBTIFF_FUNCTIONS);
}

constinit LazyLibrary<TiffFunctions, BindTiff> library{{COGR_LIBTIFF_SONAME, "COGR_LIBTIFF"},
                                                       "libtiff"};

}  // namespace

Status LoadTiff() { return library.Load(); }

const TiffFunctions& TiffApi() { return library.Get(); }

}  // namespace cogr::internal

#endif  // COGR_HAVE_LIBTIFF
