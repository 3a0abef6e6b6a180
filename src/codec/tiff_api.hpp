// libtiff, opened with dlopen when the first block of a long-tail compression (CCITT,
// old-style JPEG, SGILog) or of a layout converted through libtiff's RGBA interface is decoded
// (util/dynamic_library.hpp).
//
// Include this instead of <tiffio.h>: it includes the real header(s) (types, constants, and the declarations the function table is typed from), then
// defines each function name used by cogr as a macro that calls through the table, so call
// sites are written exactly as against a linked library. Every path that reaches it first gets
// OK from LoadTiff(); the table aborts otherwise. A function that is not in
// COGR_LIBTIFF_FUNCTIONS still compiles but fails to link: add it to the list.
#pragma once

#ifdef COGR_HAVE_LIBTIFF

#include <tiffio.h>

#include <string>

#include "cogr/status.hpp"
#include "util/dynamic_library.hpp"

// X(name) for every function called through the table.
#define COGR_LIBTIFF_FUNCTIONS(X)         \
  X(TIFFClientOpenExt)                    \
  X(TIFFClose)                            \
  X(TIFFOpenOptionsAlloc)                 \
  X(TIFFOpenOptionsFree)                  \
  X(TIFFOpenOptionsSetErrorHandlerExtR)   \
  X(TIFFOpenOptionsSetMaxSingleMemAlloc)  \
  X(TIFFOpenOptionsSetWarningHandlerExtR) \
  X(TIFFRGBAImageBegin)                   \
  X(TIFFRGBAImageEnd)                     \
  X(TIFFRGBAImageGet)                     \
  X(TIFFRGBAImageOK)                      \
  X(TIFFReadEncodedStrip)                 \
  X(TIFFStripSize)

namespace cogr::internal {

/// The library's functions, typed from its header.
struct TiffFunctions {
  COGR_LIBTIFF_FUNCTIONS(COGR_DYNAMIC_FUNCTION)
};

/// Loads the library and resolves TiffFunctions once per process (thread-safe; later calls
/// return the first result). kUnsupported "libtiff.so.6 could not be loaded: <dlerror()>" when the
/// library or one of its functions is missing.
Status LoadTiff();

/// The resolved table. Only after LoadTiff() returned OK: aborts otherwise.
const TiffFunctions& TiffApi();

}  // namespace cogr::internal

#ifndef COGR_LIBTIFF_NO_NAME_MACROS  // defined by the loader, which names the functions itself
#define TIFFClientOpenExt (::cogr::internal::TiffApi().TIFFClientOpenExt)
#define TIFFClose (::cogr::internal::TiffApi().TIFFClose)
#define TIFFOpenOptionsAlloc (::cogr::internal::TiffApi().TIFFOpenOptionsAlloc)
#define TIFFOpenOptionsFree (::cogr::internal::TiffApi().TIFFOpenOptionsFree)
#define TIFFOpenOptionsSetErrorHandlerExtR \
  (::cogr::internal::TiffApi().TIFFOpenOptionsSetErrorHandlerExtR)
#define TIFFOpenOptionsSetMaxSingleMemAlloc \
  (::cogr::internal::TiffApi().TIFFOpenOptionsSetMaxSingleMemAlloc)
#define TIFFOpenOptionsSetWarningHandlerExtR \
  (::cogr::internal::TiffApi().TIFFOpenOptionsSetWarningHandlerExtR)
#define TIFFRGBAImageBegin (::cogr::internal::TiffApi().TIFFRGBAImageBegin)
#define TIFFRGBAImageEnd (::cogr::internal::TiffApi().TIFFRGBAImageEnd)
#define TIFFRGBAImageGet (::cogr::internal::TiffApi().TIFFRGBAImageGet)
#define TIFFRGBAImageOK (::cogr::internal::TiffApi().TIFFRGBAImageOK)
#define TIFFReadEncodedStrip (::cogr::internal::TiffApi().TIFFReadEncodedStrip)
#define TIFFStripSize (::cogr::internal::TiffApi().TIFFStripSize)
#endif  // COGR_LIBTIFF_NO_NAME_MACROS

#endif  // COGR_HAVE_LIBTIFF
