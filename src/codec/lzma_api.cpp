// The loader of codec/lzma_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_LZMA

#define COGR_LZMA_NO_NAME_MACROS
#include "codec/lzma_api.hpp"

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_LZMA_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_LZMA_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_LZMA_SONAME "liblzma"
#endif

namespace cogr::internal {
namespace {

Status BindLzma(LzmaFunctions& table, const DynamicLibrarySpec& spec) {
  COGR_BIND_FUNCTIONS(COGR_LZMA_FUNCTIONS);
}

constinit LazyLibrary<LzmaFunctions, BindLzma> library{{COGR_LZMA_SONAME, "COGR_LIBLZMA"},
                                                       "liblzma"};

}  // namespace

Status LoadLzma() { return library.Load(); }

const LzmaFunctions& LzmaApi() { return library.Get(); }

}  // namespace cogr::internal

#endif  // COGR_HAVE_LZMA
