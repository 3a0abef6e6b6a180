// Optional shared libraries (libcurl, PROJ, libtiff, libcrypto, libwebp, LERC, liblzma) opened
// with dlopen on first use, so a process that never needs one never pays for loading it
// (relocations, page faults, the libraries it pulls in). Each library has a small shim header
// (io/curl_api.hpp, geo/proj_api.hpp, codec/tiff_api.hpp, io/crypto_api.hpp,
// codec/webp_api.hpp, codec/lerc_api.hpp, codec/lzma_api.hpp) that declares a table of function
// pointers typed from the library's real header (decltype(&curl_easy_init)), resolves it once
// with LoadDynamicLibrary(), and maps the library's names onto the table with macros, so call
// sites read exactly as with a linked library. Every loader (the shim's .cpp) has the same shape:
//
//   Status BindLerc(LercFunctions& table, const DynamicLibrarySpec& spec) {
//     COGR_BIND_FUNCTIONS(COGR_LERC_FUNCTIONS);
//   }
//   constinit LazyLibrary<LercFunctions, BindLerc> lerc{{COGR_LERC_SONAME, "COGR_LIBLERC"}, "libLerc"};
//   Status LoadLerc() { return lerc.Load(); }
//   const LercFunctions& LercApi() { return lerc.Get(); }
#pragma once

#include <atomic>
#include <initializer_list>
#include <string>
#include <utility>

#include "cogr/status.hpp"
#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD and the SONAMEs

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

/// One optional library's function table, filled once per process by `Bind` (see
/// COGR_BIND_FUNCTIONS). Constant-initialised: an instance at namespace scope runs no code at
/// process start.
template <class Table, Status (*Bind)(Table&, const DynamicLibrarySpec&)>
class LazyLibrary {
 public:
  /// `what` names the library in the abort message of Get() ("libLerc", "PROJ").
  constexpr LazyLibrary(DynamicLibrarySpec spec, const char* what) : spec_(spec), what_(what) {}

  /// Fills the table once per process (thread-safe; later calls return the first result).
  /// kUnsupported "<name> could not be loaded: <dlerror()>" (or "... has no symbol <symbol>")
  /// when the library or one of its functions is missing.
  Status Load() {
    // A function-local static: initialised once, thread-safe, and no static initializer at
    // process start (one per instantiation: each library has its own Bind).
    static const Status status = [this] {
      Status bound = Bind(table_, spec_);
      loaded_.store(bound.ok(), std::memory_order_release);
      return bound;
    }();
    return status;
  }

  /// The filled table. Only after Load() returned OK: aborts otherwise.
  const Table& Get() {
    if (!loaded_.load(std::memory_order_acquire)) {
      if (Status s = Load(); !s.ok()) DynamicLibraryNotLoaded(what_, s.message());
    }
    return table_;
  }

 private:
  DynamicLibrarySpec spec_;
  const char* what_;
  Table table_;
  std::atomic<bool> loaded_{false};
};

}  // namespace cogr::internal

/// One member of a shim's function table, typed from the library's own header:
/// `struct LercFunctions { COGR_LERC_FUNCTIONS(COGR_DYNAMIC_FUNCTION) };`.
#define COGR_DYNAMIC_FUNCTION(name) decltype(&::name) name = nullptr;

/// The body of a shim's Bind function, whose parameters are named `table` and `spec`: resolves
/// every function of the X-macro list `FUNCTIONS` with LoadDynamicLibrary() (COGR_LAZY_LOAD=ON),
/// or stores the addresses the build linked (COGR_LAZY_LOAD=OFF).
#define COGR_DYNAMIC_SLOT(name) {#name, reinterpret_cast<void**>(&table.name)},
#define COGR_LINKED_SLOT(name) table.name = &::name;
#if COGR_LAZY_LOAD
#define COGR_BIND_FUNCTIONS(FUNCTIONS) \
  return ::cogr::internal::LoadDynamicLibrary(spec, {FUNCTIONS(COGR_DYNAMIC_SLOT)})
#else
#define COGR_BIND_FUNCTIONS(FUNCTIONS) \
  (void)spec;                          \
  FUNCTIONS(COGR_LINKED_SLOT)          \
  return ::cogr::Status::OK()
#endif
