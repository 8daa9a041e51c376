#pragma once
// The demo app's database access (libpq): a fresh connection per call, with
// a short connect timeout. Error messages have the URL's password removed.
// Thread-safe (no shared connection).

#include <string>
#include <vector>

#include "core/status.h"

namespace md::demo {

// A schema name /load accepts: [a-z_][a-z0-9_]{0,62}, not pg_* nor
// information_schema (PostgreSQL reserves those).
bool IsValidSchemaName(const std::string& name);

// `message` with `url`, and the password inside it, replaced by placeholders.
std::string RedactUrl(std::string message, const std::string& url);

class DemoDatabase {
 public:
  explicit DemoDatabase(std::string url) : url_(std::move(url)) {}

  // `SELECT 1`; Unavailable when the database does not answer.
  Status Ping() const;
  // Creates schema `name` (if missing) with a table `extract_rows` holding a
  // few rows, as an extractor run would. REQUIRES: IsValidSchemaName(name).
  // Returns the number of rows the table holds.
  Result<int> LoadSchema(const std::string& name) const;
  // The database's schema names, without pg_* and information_schema, sorted.
  Result<std::vector<std::string>> Schemas() const;

 private:
  const std::string url_;
};

}  // namespace md::demo
