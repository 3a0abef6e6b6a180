// libpng, opened with dlopen when the first PNG is encoded (util/dynamic_library.hpp), as
// codec/webp_api.hpp does for libwebp. Only libpng 1.6's "simplified API" (png_image) is used:
// it reports errors through png_image::message instead of longjmp.
//
// Include this instead of <png.h>. Every path that reaches a call first gets OK from
// LoadPng(); the table aborts otherwise. A function not in COGR_PNG_FUNCTIONS fails to link.
#pragma once

#ifdef COGR_HAVE_PNG

#include <png.h>

#include <string>

#include "cogr/status.hpp"
#include "util/dynamic_library.hpp"

// X(name) for every function called through the table.
#define COGR_PNG_FUNCTIONS(X)  \
  X(png_image_write_to_memory) \
  X(png_image_free)

namespace cogr::internal {

/// The library's functions, typed from its header.
struct PngFunctions {
  COGR_PNG_FUNCTIONS(COGR_DYNAMIC_FUNCTION)
};

/// Loads the library and resolves PngFunctions once per process (thread-safe; later calls
/// return the first result). kUnsupported "libpng16.so.16 could not be loaded: <dlerror()>".
Status LoadPng();

/// The resolved table. Only after LoadPng() returned OK: aborts otherwise.
const PngFunctions& PngApi();

}  // namespace cogr::internal

#ifndef COGR_PNG_NO_NAME_MACROS  // defined by the loader, which names the functions itself
#define png_image_write_to_memory (::cogr::internal::PngApi().png_image_write_to_memory)
#define png_image_free (::cogr::internal::PngApi().png_image_free)
#endif  // COGR_PNG_NO_NAME_MACROS

#endif  // COGR_HAVE_PNG
