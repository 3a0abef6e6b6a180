// The loader of codec/webp_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_WEBP

#define COGR_WEBP_NO_NAME_MACROS
#include "codec/webp_api.hpp"

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_WEBP_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_WEBP_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_WEBP_SONAME "libwebp"
#endif

namespace cogr::internal {
namespace {

Status BindWebp(WebpFunctions& table, const DynamicLibrarySpec& spec) {
  COGR_BIND_FUNCTIONS(COGR_WEBP_FUNCTIONS);
}

constinit LazyLibrary<WebpFunctions, BindWebp> library{{COGR_WEBP_SONAME, "COGR_LIBWEBP"},
                                                       "libwebp"};

}  // namespace

Status LoadWebp() { return library.Load(); }

const WebpFunctions& WebpApi() { return library.Get(); }

}  // namespace cogr::internal

#endif  // COGR_HAVE_WEBP
