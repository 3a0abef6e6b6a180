// libsqlite3, opened with dlopen when a catalog is first built or opened
// (util/dynamic_library.hpp): a process that never touches a catalog never loads it.
//
// Include this instead of <sqlite3.h>: it includes the real header, then defines each function
// name cogr calls as a macro through the table (as codec/lzma_api.hpp does). Every path that
// reaches it first gets OK from LoadSqlite(). A function missing from COGR_SQLITE_FUNCTIONS
// still compiles but fails to link: add it to the list.
#pragma once

#ifdef COGR_HAVE_SQLITE

#include <sqlite3.h>

#include <string>

#include "cogr/status.hpp"

// X(name) for every function called through the table.
#define COGR_SQLITE_FUNCTIONS(X) \
  X(sqlite3_open_v2)             \
  X(sqlite3_close_v2)            \
  X(sqlite3_exec)                \
  X(sqlite3_prepare_v2)          \
  X(sqlite3_step)                \
  X(sqlite3_finalize)            \
  X(sqlite3_reset)               \
  X(sqlite3_bind_int64)          \
  X(sqlite3_bind_double)         \
  X(sqlite3_bind_text)           \
  X(sqlite3_bind_blob)           \
  X(sqlite3_bind_null)           \
  X(sqlite3_column_int64)        \
  X(sqlite3_column_double)       \
  X(sqlite3_column_text)         \
  X(sqlite3_column_blob)         \
  X(sqlite3_column_bytes)        \
  X(sqlite3_column_type)         \
  X(sqlite3_errmsg)              \
  X(sqlite3_set_authorizer)      \
  X(sqlite3_free)                \
  X(sqlite3_last_insert_rowid)   \
  X(sqlite3_busy_timeout)

namespace cogr::internal {

struct SqliteFunctions {
#define COGR_SQLITE_DECLARE(name) decltype(&::name) name = nullptr;
  COGR_SQLITE_FUNCTIONS(COGR_SQLITE_DECLARE)
#undef COGR_SQLITE_DECLARE
};

/// Loads libsqlite3 and resolves SqliteFunctions once per process (thread-safe). kUnsupported
/// "libsqlite3.so.0 could not be loaded: ..." when it or one of its functions is missing.
Status LoadSqlite();

/// The resolved table. Only after LoadSqlite() returned OK: aborts otherwise.
const SqliteFunctions& SqliteApi();

}  // namespace cogr::internal

#ifndef COGR_SQLITE_NO_NAME_MACROS
#define sqlite3_open_v2 (::cogr::internal::SqliteApi().sqlite3_open_v2)
#define sqlite3_close_v2 (::cogr::internal::SqliteApi().sqlite3_close_v2)
#define sqlite3_exec (::cogr::internal::SqliteApi().sqlite3_exec)
#define sqlite3_prepare_v2 (::cogr::internal::SqliteApi().sqlite3_prepare_v2)
#define sqlite3_step (::cogr::internal::SqliteApi().sqlite3_step)
#define sqlite3_finalize (::cogr::internal::SqliteApi().sqlite3_finalize)
#define sqlite3_reset (::cogr::internal::SqliteApi().sqlite3_reset)
#define sqlite3_bind_int64 (::cogr::internal::SqliteApi().sqlite3_bind_int64)
#define sqlite3_bind_double (::cogr::internal::SqliteApi().sqlite3_bind_double)
#define sqlite3_bind_text (::cogr::internal::SqliteApi().sqlite3_bind_text)
#define sqlite3_bind_blob (::cogr::internal::SqliteApi().sqlite3_bind_blob)
#define sqlite3_bind_null (::cogr::internal::SqliteApi().sqlite3_bind_null)
#define sqlite3_column_int64 (::cogr::internal::SqliteApi().sqlite3_column_int64)
#define sqlite3_column_double (::cogr::internal::SqliteApi().sqlite3_column_double)
#define sqlite3_column_text (::cogr::internal::SqliteApi().sqlite3_column_text)
#define sqlite3_column_blob (::cogr::internal::SqliteApi().sqlite3_column_blob)
#define sqlite3_column_bytes (::cogr::internal::SqliteApi().sqlite3_column_bytes)
#define sqlite3_column_type (::cogr::internal::SqliteApi().sqlite3_column_type)
#define sqlite3_errmsg (::cogr::internal::SqliteApi().sqlite3_errmsg)
#define sqlite3_set_authorizer (::cogr::internal::SqliteApi().sqlite3_set_authorizer)
#define sqlite3_free (::cogr::internal::SqliteApi().sqlite3_free)
#define sqlite3_last_insert_rowid (::cogr::internal::SqliteApi().sqlite3_last_insert_rowid)
#define sqlite3_busy_timeout (::cogr::internal::SqliteApi().sqlite3_busy_timeout)
#endif  // COGR_SQLITE_NO_NAME_MACROS

#endif  // COGR_HAVE_SQLITE
