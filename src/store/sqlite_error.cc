#include "store/sqlite_error.h"

#include <sqlite3.h>

namespace md::sqlite_internal {

Status SqlError(sqlite3* db, int rc, const std::string& what) {
  std::string message = "store: " + what + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Unavailable(message);
  return Internal(message);
}

}  // namespace md::sqlite_internal
