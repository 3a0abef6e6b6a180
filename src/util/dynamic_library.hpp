// Optional shared libraries (libcurl, PROJ, libtiff, libcrypto, libwebp, LERC, liblzma) opened
// with dlopen on first use, so a process that never needs one never pays for loading it
// (relocations, page faults, the libraries it pulls in). Each library has a small shim header
// (io/curl_api.hpp, geo/proj_api.hpp, codec/tiff_api.hpp, io/crypto_api.hpp,
// codec/webp_api.hpp, codec/lerc_api.hpp, codec/lzma_api.hpp) that declares a table of function
// pointers typed from the library's real header (decltype(&curl_easy_init)), resolves it once
// with LoadDynamicLibrary(), and maps the library's names onto the table with macros, so call
// sites read exactly as with a linked library.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "cogr/status.hpp"

namespace cogr::internal {

/// What to open and which symbols to resolve.
struct DynamicLibrarySpec {
  /// The SONAME the build linked against ("libcurl.so.4"), found by CMake at configure time.
  const char* soname;
  /// Environment variable that, when set and non-empty, names the file dlopen opens instead of
  /// `soname` (a file name searched like a SONAME, or a path): COGR_LIBCURL, COGR_LIBPROJ, ...
  const char* env_var;
};

/// The file name dlopen is given for `spec`: the value of spec.env_var when set and non-empty,
/// else spec.soname.
std::string DynamicLibraryName(const DynamicLibrarySpec& spec);

/// dlopen(DynamicLibraryName(spec), RTLD_NOW | RTLD_LOCAL), then dlsym of each (name, slot)
/// pair into *slot. Never closes the library (its code stays valid for the process).
/// On failure: kUnsupported "<name> could not be loaded: <dlerror()>" (or "... has no symbol
/// <symbol>"), and no slot is left pointing into a library that was not fully resolved.
/// Not synchronised: callers wrap it in std::call_once.
Status LoadDynamicLibrary(const DynamicLibrarySpec& spec,
                          std::initializer_list<std::pair<const char*, void**>> symbols);

/// Prints `what` and why it could not be loaded (`load_error`), then aborts: a shim's table was
/// used although its Load*() failed (a call path that lacks its gate; a programmer error, never
/// caused by input).
[[noreturn]] void DynamicLibraryNotLoaded(const char* what, const std::string& load_error);

}  // namespace cogr::internal
