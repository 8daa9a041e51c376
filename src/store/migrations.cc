#include "store/migrations.h"

#include <sqlite3.h>

#include <string>

#include "store/sqlite_error.h"

namespace md {
namespace {

using sqlite_internal::SqlError;

// Version 1: the initial schema. Enum columns hold their names (types.h).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE instances (
  subdomain   TEXT    PRIMARY KEY NOT NULL,
  name        TEXT    NOT NULL,
  email       TEXT    NOT NULL,
  app         TEXT    NOT NULL,
  app_version TEXT    NOT NULL,
  status      TEXT    NOT NULL,
  cluster     TEXT    NOT NULL DEFAULT '',
  db_name     TEXT    NOT NULL,
  db_role     TEXT    NOT NULL,
  unix_user   TEXT    NOT NULL,
  port        INTEGER NOT NULL,
  created_ms  INTEGER NOT NULL,
  updated_ms  INTEGER NOT NULL
);
CREATE INDEX instances_by_cluster ON instances(cluster);

CREATE TABLE clusters (
  name      TEXT    PRIMARY KEY NOT NULL,
  admin_url TEXT    NOT NULL,
  capacity  INTEGER NOT NULL,
  draining  INTEGER NOT NULL,
  embedded  INTEGER NOT NULL
);

CREATE TABLE operations (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT    NOT NULL,
  subdomain   TEXT    NOT NULL,
  params      TEXT    NOT NULL,
  state       TEXT    NOT NULL,
  error       TEXT    NOT NULL,
  created_ms  INTEGER NOT NULL,
  started_ms  INTEGER NOT NULL,
  finished_ms INTEGER NOT NULL
);
CREATE INDEX operations_by_subdomain ON operations(subdomain, id);
CREATE INDEX operations_by_state ON operations(state, id);

CREATE TABLE operation_steps (
  op_id       INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,
  name        TEXT    NOT NULL,
  state       TEXT    NOT NULL,
  attempts    INTEGER NOT NULL,
  error       TEXT    NOT NULL,
  started_ms  INTEGER NOT NULL,
  finished_ms INTEGER NOT NULL,
  PRIMARY KEY (op_id, position),
  UNIQUE (op_id, name)
);

CREATE TABLE ledger (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  subdomain  TEXT    NOT NULL,
  kind       TEXT    NOT NULL,
  ref        TEXT    NOT NULL,
  created_ms INTEGER NOT NULL,
  UNIQUE (kind, ref)
);
CREATE INDEX ledger_by_subdomain ON ledger(subdomain, id);

CREATE TABLE flags (
  subdomain TEXT NOT NULL,
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (subdomain, key)
) WITHOUT ROWID;

CREATE TABLE secrets (
  subdomain TEXT NOT NULL,
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (subdomain, key)
) WITHOUT ROWID;

CREATE TABLE settings (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Version 2: the certificate ledger, the ACME events its rate-limit budget is
// counted from, and customers' own domains.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE certificates (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  names         TEXT    NOT NULL UNIQUE,
  purpose       TEXT    NOT NULL,
  subdomain     TEXT    NOT NULL,
  issuer        TEXT    NOT NULL,
  source        TEXT    NOT NULL,
  not_before_ms INTEGER NOT NULL,
  not_after_ms  INTEGER NOT NULL,
  cert_path     TEXT    NOT NULL,
  key_path      TEXT    NOT NULL,
  next_order_ms INTEGER NOT NULL,
  last_error    TEXT    NOT NULL,
  updated_ms    INTEGER NOT NULL
);

CREATE TABLE acme_events (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  kind    TEXT    NOT NULL,
  names   TEXT    NOT NULL,
  host    TEXT    NOT NULL,
  renewal INTEGER NOT NULL,
  at_ms   INTEGER NOT NULL
);
CREATE INDEX acme_events_by_time ON acme_events(at_ms, id);

CREATE TABLE custom_domains (
  host       TEXT    PRIMARY KEY NOT NULL,
  subdomain  TEXT    NOT NULL,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX custom_domains_by_subdomain ON custom_domains(subdomain, host);
)sql";

// Version 3: apps listen on unix sockets, not on loopback ports; each
// instance's own Unix UID (from a counter that never goes back) and its
// overrides of the profile's resource limits (0: the profile's).
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE instances DROP COLUMN port;
ALTER TABLE instances ADD COLUMN uid        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN memory_mb  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN pids       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN cpu_weight INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 4: the ledger's kinds are a closed set (ResourceKind): rows of the
// loopback ports apps once had go; and an instance's route is a ledger row,
// which every instance that is not being deleted has.
constexpr const char* kSchemaV4 = R"sql(
DELETE FROM ledger WHERE kind = 'port';
INSERT OR IGNORE INTO ledger (subdomain, kind, ref, created_ms)
  SELECT subdomain, 'route', subdomain, updated_ms FROM instances WHERE status <> 'deleting';
)sql";

// Version 5: secrets are sealed by the vault (drivers/vault): `secrets` holds
// sealed values only. What older versions kept in clear moves to
// `plain_secrets`, which the controller seals into `secrets` (and empties) at
// its next start. And the audit log.
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE secrets RENAME TO plain_secrets;
CREATE TABLE secrets (
  subdomain TEXT NOT NULL,
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (subdomain, key)
) WITHOUT ROWID;

CREATE TABLE audit_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms     INTEGER NOT NULL,
  actor     TEXT    NOT NULL,
  action    TEXT    NOT NULL,
  subdomain TEXT    NOT NULL,
  client    TEXT    NOT NULL,
  status    INTEGER NOT NULL,
  outcome   TEXT    NOT NULL
);
CREATE INDEX audit_events_by_time ON audit_events(at_ms, id);
CREATE INDEX audit_events_by_subdomain ON audit_events(subdomain, at_ms);
)sql";

// Version 6: signups from the webhook, welcome emails, single-use credential links.
constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE signups (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id       TEXT    NOT NULL UNIQUE,
  name           TEXT    NOT NULL,
  email          TEXT    NOT NULL,
  subdomain      TEXT    NOT NULL,
  state          TEXT    NOT NULL,
  instance       TEXT    NOT NULL DEFAULT '',
  operation_id   INTEGER NOT NULL DEFAULT 0,
  error          TEXT    NOT NULL DEFAULT '',
  client_address TEXT    NOT NULL DEFAULT '',
  created_ms     INTEGER NOT NULL,
  updated_ms     INTEGER NOT NULL
);
CREATE TABLE welcome_mails (
  subdomain  TEXT    PRIMARY KEY NOT NULL REFERENCES instances(subdomain) ON DELETE CASCADE,
  state      TEXT    NOT NULL,
  attempts   INTEGER NOT NULL,
  error      TEXT    NOT NULL,
  sent_ms    INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TABLE credential_links (
  token_hash TEXT    PRIMARY KEY NOT NULL,
  subdomain  TEXT    NOT NULL REFERENCES instances(subdomain) ON DELETE CASCADE,
  expires_ms INTEGER NOT NULL,
  shown_ms   INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX credential_links_by_subdomain ON credential_links(subdomain);
)sql";

// Version 7: why a signup was rejected, as a reason name ("invalid", "taken",
// "full"): the customer is told the advice for it, never the operator's error.
constexpr const char* kSchemaV7 = R"sql(
ALTER TABLE signups ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE INDEX signups_by_update ON signups(updated_ms);
)sql";

// Version 8: operator accounts of the dashboard: a name and an Argon2id hash
// (crypto_pwhash_str), never a password.
constexpr const char* kSchemaV8 = R"sql(
CREATE TABLE operators (
  name          TEXT    PRIMARY KEY NOT NULL,
  password_hash TEXT    NOT NULL,
  created_ms    INTEGER NOT NULL
);
)sql";

Status Exec(sqlite3* db, const std::string& sql, const std::string& what) {
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqlError(db, rc, what);
  return Status::Ok();
}

Status TooNew(int current, int latest) {
  return FailedPrecondition("store: database schema version " + std::to_string(current) +
                            " is newer than this program knows (" + std::to_string(latest) +
                            "); upgrade meltanodata or restore a matching backup");
}

void RollbackQuietly(sqlite3* db) {
  if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
}

// Applies one migration if the database is still below its version. Re-reads the
// version inside the write transaction, so that two processes opening the same
// file at once apply each script once.
Status ApplyOne(sqlite3* db, const Migration& m, int latest) {
  MD_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "begin migration"));
  Result<int> current = SchemaVersion(db);
  Status s = current.status();
  if (current.ok()) {
    if (*current > latest) {
      s = TooNew(*current, latest);
    } else if (*current >= m.version) {
      s = Status::Ok();
    } else {
      s = Exec(db, m.sql, "migration " + std::to_string(m.version));
      // user_version cannot be a bound parameter; the number comes from the list above.
      if (s.ok()) s = Exec(db, "PRAGMA user_version = " + std::to_string(m.version), "set schema version");
    }
  }
  if (!s.ok()) {
    RollbackQuietly(db);
    return s;
  }
  s = Exec(db, "COMMIT", "commit migration " + std::to_string(m.version));
  if (!s.ok()) RollbackQuietly(db);
  return s;
}

}  // namespace

const std::vector<Migration>& StoreMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, kSchemaV1},
      {2, kSchemaV2},
      {3, kSchemaV3},
      {4, kSchemaV4},
      {5, kSchemaV5},
      {6, kSchemaV6},
      {7, kSchemaV7},
      {8, kSchemaV8},
  };
  return kMigrations;
}

int LatestStoreSchemaVersion() { return StoreMigrations().back().version; }

Result<int> SchemaVersion(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqlError(db, rc, "read schema version");
  rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW) {
    Status s = SqlError(db, rc, "read schema version");
    sqlite3_finalize(stmt);
    return s;
  }
  int version = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  return version;
}

Status ApplyMigrations(sqlite3* db, const std::vector<Migration>& migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1 || migrations[i].sql == nullptr) {
      return Internal("store: migration list is malformed at position " + std::to_string(i) +
                      " (versions must be 1..N in order)");
    }
  }
  const int latest = static_cast<int>(migrations.size());
  MD_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  if (current > latest) {
    return TooNew(current, latest);
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    MD_RETURN_IF_ERROR(ApplyOne(db, m, latest));
  }
  return Status::Ok();
}

}  // namespace md
