#pragma once
// Versioned schema migrations of the SQLite store: an ordered list of SQL
// scripts, version 1..N. The applied version is kept in `PRAGMA user_version`;
// the missing scripts are applied one transaction each. Stateless; the caller
// owns the connection and must not use it from another thread meanwhile.

#include <vector>

#include "core/status.h"

struct sqlite3;

namespace md {

struct Migration {
  int version;      // 1, 2, 3 ... in order, no gaps
  const char* sql;  // one or more statements; constant text, never built from values
};

// The store's schema history. Append only: never edit a released script.
const std::vector<Migration>& StoreMigrations();

// The version the last of StoreMigrations() brings a database to.
int LatestStoreSchemaVersion();

// Reads the database's schema version (`PRAGMA user_version`).
Result<int> SchemaVersion(sqlite3* db);

// Applies each of `migrations` newer than the database's version, each in its
// own IMMEDIATE transaction together with the version bump, so that a failed
// script leaves the database at the previous version. A database newer than the
// last migration is refused with FailedPrecondition; a malformed list (versions
// not 1..N) is Internal.
Status ApplyMigrations(sqlite3* db, const std::vector<Migration>& migrations);

}  // namespace md
