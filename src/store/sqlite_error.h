#pragma once
// SqlError: turns an SQLite result code into a Status, for the store's .cc
// files only. Stateless; thread-safe as far as sqlite3_errmsg on `db` is.

#include <string>

#include "core/status.h"

struct sqlite3;

namespace md::sqlite_internal {

// "store: `what`: <SQLite message>". Busy or locked (past the busy timeout)
// is transient (Unavailable); anything else is Internal. `db` may be null
// (a failed open): the message then comes from the code alone.
Status SqlError(sqlite3* db, int rc, const std::string& what);

}  // namespace md::sqlite_internal
