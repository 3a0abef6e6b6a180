// The loader of io/curl_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_CURL

#define COGR_CURL_NO_NAME_MACROS
#include "io/curl_api.hpp"

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_CURL_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_CURL_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_CURL_SONAME "libcurl"
#endif

namespace cogr::internal {
namespace {

Status BindCurl(CurlFunctions& table, const DynamicLibrarySpec& spec) {
  COGR_BIND_FUNCTIONS(COGR_CURL_FUNCTIONS);
}

constinit LazyLibrary<CurlFunctions, BindCurl> library{{COGR_CURL_SONAME, "COGR_LIBCURL"},
                                                       "libcurl"};

}  // namespace

Status LoadCurl() { return library.Load(); }

const CurlFunctions& Curl() { return library.Get(); }

}  // namespace cogr::internal

#endif  // COGR_HAVE_CURL
