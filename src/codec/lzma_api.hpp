// liblzma, opened with dlopen when the first LZMA (compression 34925) block is decoded
// (util/dynamic_library.hpp).
//
// Include this instead of <lzma.h>: it includes the real header (types, constants, and the
// declarations the function table is typed from), then
// defines each function name used by cogr as a macro that calls through the table, so call
// sites are written exactly as against a linked library. Every path that reaches it first gets
// OK from LoadLzma(); the table aborts otherwise. A function that is not in
// COGR_LZMA_FUNCTIONS still compiles but fails to link: add it to the list.
#pragma once

#ifdef COGR_HAVE_LZMA

#include <lzma.h>

#include <string>

#include "cogr/status.hpp"
#include "util/dynamic_library.hpp"

// X(name) for every function called through the table.
#define COGR_LZMA_FUNCTIONS(X) \
  X(lzma_stream_decoder)       \
  X(lzma_code)                 \
  X(lzma_end)

namespace cogr::internal {

/// The library's functions, typed from its header.
struct LzmaFunctions {
  COGR_LZMA_FUNCTIONS(COGR_DYNAMIC_FUNCTION)
};

/// Loads the library and resolves LzmaFunctions once per process (thread-safe; later calls
/// return the first result). kUnsupported "liblzma.so.5 could not be loaded: <dlerror()>" when the
/// library or one of its functions is missing.
Status LoadLzma();

/// The resolved table. Only after LoadLzma() returned OK: aborts otherwise.
const LzmaFunctions& LzmaApi();

}  // namespace cogr::internal

#ifndef COGR_LZMA_NO_NAME_MACROS  // defined by the loader, which names the functions itself
#define lzma_stream_decoder (::cogr::internal::LzmaApi().lzma_stream_decoder)
#define lzma_code (::cogr::internal::LzmaApi().lzma_code)
#define lzma_end (::cogr::internal::LzmaApi().lzma_end)
#endif  // COGR_LZMA_NO_NAME_MACROS

#endif  // COGR_HAVE_LZMA
