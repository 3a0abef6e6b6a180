// libwebp, opened with dlopen when the first WebP (compression 50001) block is decoded
// (util/dynamic_library.hpp).
//
// Include this instead of <webp/decode.h>: it includes the real header (types, constants, and the
// declarations the function table is typed from), then
// defines each function name used by cogr as a macro that calls through the table, so call
// sites are written exactly as against a linked library. Every path that reaches it first gets
// OK from LoadWebp(); the table aborts otherwise. A function that is not in
// COGR_WEBP_FUNCTIONS still compiles but fails to link: add it to the list.
#pragma once

#ifdef COGR_HAVE_WEBP

#include <webp/decode.h>

#include <string>

#include "cogr/status.hpp"
#include "util/dynamic_library.hpp"

// X(name) for every function called through the table.
#define COGR_WEBP_FUNCTIONS(X) \
  X(WebPGetInfo)               \
  X(WebPDecodeRGBInto)         \
  X(WebPDecodeRGBAInto)

namespace cogr::internal {

/// The library's functions, typed from its header.
struct WebpFunctions {
  COGR_WEBP_FUNCTIONS(COGR_DYNAMIC_FUNCTION)
};

/// Loads the library and resolves WebpFunctions once per process (thread-safe; later calls
/// return the first result). kUnsupported "libwebp.so.7 could not be loaded: <dlerror()>" when the
/// library or one of its functions is missing.
Status LoadWebp();

/// The resolved table. Only after LoadWebp() returned OK: aborts otherwise.
const WebpFunctions& WebpApi();

}  // namespace cogr::internal

#ifndef COGR_WEBP_NO_NAME_MACROS  // defined by the loader, which names the functions itself
#define WebPGetInfo (::cogr::internal::WebpApi().WebPGetInfo)
#define WebPDecodeRGBInto (::cogr::internal::WebpApi().WebPDecodeRGBInto)
#define WebPDecodeRGBAInto (::cogr::internal::WebpApi().WebPDecodeRGBAInto)
#endif  // COGR_WEBP_NO_NAME_MACROS

#endif  // COGR_HAVE_WEBP
