// LERC, opened with dlopen when the first LERC (compression 34887) block is decoded
// (util/dynamic_library.hpp).
//
// Include this instead of <Lerc_c_api.h>: it includes the real header (types, constants, and the
// declarations the function table is typed from), then
// defines each function name used by cogr as a macro that calls through the table, so call
// sites are written exactly as against a linked library. Every path that reaches it first gets
// OK from LoadLerc(); the table aborts otherwise. A function that is not in
// COGR_LERC_FUNCTIONS still compiles but fails to link: add it to the list.
#pragma once

#ifdef COGR_HAVE_LERC

#include <Lerc_c_api.h>

#include <string>

#include "cogr/status.hpp"
#include "util/dynamic_library.hpp"

// X(name) for every function called through the table.
#define COGR_LERC_FUNCTIONS(X) \
  X(lerc_getBlobInfo)          \
  X(lerc_decode)

namespace cogr::internal {

/// The library's functions, typed from its header.
struct LercFunctions {
  COGR_LERC_FUNCTIONS(COGR_DYNAMIC_FUNCTION)
};

/// Loads the library and resolves LercFunctions once per process (thread-safe; later calls
/// return the first result). kUnsupported "libLerc.so.4 could not be loaded: <dlerror()>" when the
/// library or one of its functions is missing.
Status LoadLerc();

/// The resolved table. Only after LoadLerc() returned OK: aborts otherwise.
const LercFunctions& LercApi();

}  // namespace cogr::internal

#ifndef COGR_LERC_NO_NAME_MACROS  // defined by the loader, which names the functions itself
#define lerc_getBlobInfo (::cogr::internal::LercApi().lerc_getBlobInfo)
#define lerc_decode (::cogr::internal::LercApi().lerc_decode)
#endif  // COGR_LERC_NO_NAME_MACROS

#endif  // COGR_HAVE_LERC
