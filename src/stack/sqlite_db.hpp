// SQLite helpers of the catalog (src/stack/catalog*.cpp): an owned connection, prepared
// statements finalized on destruction, and errors that name the catalog file.
#pragma once

#ifdef COGR_HAVE_SQLITE

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cogr/status.hpp"
#include "stack/sqlite_api.hpp"

namespace cogr::internal {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

inline Status DbError(sqlite3* db, const std::string& path, const std::string& what) {
  const std::string msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  if (msg.find("not a database") != std::string::npos ||
      msg.find("malformed") != std::string::npos) {
    return Status::InvalidFile(path + ": not a GeoPackage (" + msg + ")");
  }
  return Status::IoError(path + ": " + what + ": " + msg);
}

// A prepared statement, finalized on destruction.
class Stmt {
 public:
  Stmt() = default;
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Status Prepare(sqlite3* db, const std::string& sql, const std::string& path) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
      return DbError(db, path, "preparing a statement");
    }
    return Status::OK();
  }
  sqlite3_stmt* get() const { return stmt_; }
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void BindDouble(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void BindText(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, const std::vector<uint8_t>& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }
  bool IsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  int64_t Int(int i) const { return sqlite3_column_int64(stmt_, i); }
  double Double(int i) const { return sqlite3_column_double(stmt_, i); }
  std::string Text(int i) const {
    const unsigned char* p = sqlite3_column_text(stmt_, i);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

inline Status Exec(sqlite3* db, const std::string& sql, const std::string& path) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    Status st = DbError(db, path, "executing SQL");
    if (st.code() == Code::kInvalidFile) return st;
    return Status::IoError(path + ": " + msg);
  }
  return Status::OK();
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_SQLITE
