// The loader of stack/sqlite_api.hpp (without its name macros: this file names the table's
// members).
#ifdef COGR_HAVE_SQLITE

#define COGR_SQLITE_NO_NAME_MACROS
#include "stack/sqlite_api.hpp"

#include <atomic>

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_SQLITE_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_SQLITE_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_SQLITE_SONAME "libsqlite3"
#endif

namespace cogr::internal {
namespace {

SqliteFunctions table;
std::atomic<bool> loaded{false};

constexpr DynamicLibrarySpec kSpec{COGR_SQLITE_SONAME, "COGR_LIBSQLITE"};

}  // namespace

Status LoadSqlite() {
  // A function-local static: initialised once, thread-safe, and no static initializer at
  // process start.
  static const Status status = [] {
    Status load_status;
#if COGR_LAZY_LOAD
#define COGR_SQLITE_SLOT(name) {#name, reinterpret_cast<void**>(&table.name)},
    load_status = LoadDynamicLibrary(kSpec, {COGR_SQLITE_FUNCTIONS(COGR_SQLITE_SLOT)});
#undef COGR_SQLITE_SLOT
#else  // linked at build time (COGR_LAZY_LOAD=OFF)
#define COGR_SQLITE_SLOT(name) table.name = &::name;
    COGR_SQLITE_FUNCTIONS(COGR_SQLITE_SLOT)
#undef COGR_SQLITE_SLOT
#endif
    loaded.store(load_status.ok(), std::memory_order_release);
    return load_status;
  }();
  return status;
}

const SqliteFunctions& SqliteApi() {
  if (!loaded.load(std::memory_order_acquire)) {
    if (Status s = LoadSqlite(); !s.ok()) DynamicLibraryNotLoaded("libsqlite3", s.message());
  }
  return table;
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_SQLITE
