// The loader of codec/png_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_PNG

#define COGR_PNG_NO_NAME_MACROS
#include "codec/png_api.hpp"

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_PNG_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_PNG_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_PNG_SONAME "libpng"
#endif

namespace cogr::internal {
namespace {

Status BindPng(PngFunctions& table, const DynamicLibrarySpec& spec) {
  COGR_BIND_FUNCTIONS(COGR_PNG_FUNCTIONS);
}

constinit LazyLibrary<PngFunctions, BindPng> library{{COGR_PNG_SONAME, "COGR_LIBPNG"}, "libpng"};

}  // namespace

Status LoadPng() { return library.Load(); }

const PngFunctions& PngApi() { return library.Get(); }

}  // namespace cogr::internal

#endif  // COGR_HAVE_PNG
