#include "drivers/database/postgres_database.h"

#include <algorithm>

#include <libpq-fe.h>

#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "core/secret_scrubber.h"
#include "core/strings.h"
#include "drivers/database/connect_error.h"
#include "drivers/database/names.h"

namespace md {
namespace {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
struct LibpqFreer {
  void operator()(void* p) const { PQfreemem(p); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;
// libpq keywords and values, in the order they are applied.
using Conninfo = std::vector<std::pair<std::string, std::string>>;
using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;
using database_names::CheckName;
using database_names::CheckPassword;

// The keywords set in a libpq connection string or URI.
Result<std::map<std::string, std::string>> ParseConninfo(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  // The parser's message may quote a part of the URL, password included.
  if (err != nullptr) PQfreemem(err);
  if (opts == nullptr) return InvalidArgument("admin URL is not a valid PostgreSQL connection URI");
  std::map<std::string, std::string> out;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && o->val[0] != '\0') out[o->keyword] = o->val;
  }
  PQconninfoFree(opts);
  return out;
}

// SQLSTATEs worth retrying: connection loss, shutdown, lock/serialization
// conflicts, too many connections, template database busy.
bool IsTransient(const std::string& sqlstate) {
  if (sqlstate.rfind("08", 0) == 0) return true;
  for (const char* s : {"57P01", "57P02", "57P03", "55P03", "55006", "40001", "40P01", "53300"}) {
    if (sqlstate == s) return true;
  }
  return false;
}

void IgnoreNotice(void*, const char*) {}

// One admin connection. Every error it returns is scrubbed of the secrets.
class Session {
 public:
  // Connects with `url`, then the keywords of `overrides` in order (a later
  // keyword wins over the URL's, e.g. another dbname, user or options).
  static Result<Session> Open(const std::string& url, const Conninfo& overrides, const PostgresDatabaseOptions& options,
                              SecretScrubber scrub) {
    std::string timeout = std::to_string(options.connect_timeout_s);
    std::vector<const char*> keys = {"connect_timeout", "fallback_application_name", "dbname"};
    std::vector<const char*> values = {timeout.c_str(), "meltanodata", url.c_str()};
    for (const auto& [key, value] : overrides) {
      keys.push_back(key.c_str());
      values.push_back(value.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    ConnPtr conn(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
    if (!conn) return Internal("libpq: out of memory");
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      std::string text = "cannot connect to PostgreSQL: " + scrub(Trim(PQerrorMessage(conn.get())));
      // A refusal (wrong password, no such role or database) is not retried.
      return IsTransientConnectError(text) ? Unavailable(text) : FailedPrecondition(text);
    }
    PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
    Session session(std::move(conn), std::move(scrub));
    MD_RETURN_IF_ERROR(session.Exec("set lock_timeout",
                                    "SET lock_timeout = " + std::to_string(options.lock_timeout_ms)));
    return session;
  }

  PGconn* get() const { return conn_.get(); }

  // Runs `sql`; `what` names it in errors. `sqlstate` receives the error's code.
  Result<ResultPtr> Run(const std::string& what, const std::string& sql, const std::vector<std::string>& params = {},
                        std::string* sqlstate = nullptr) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    ResultPtr res(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.empty() ? nullptr : values.data(), nullptr, nullptr, 0));
    ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return res;
    std::string code;
    std::string message;
    if (res) {
      const char* c = PQresultErrorField(res.get(), PG_DIAG_SQLSTATE);
      const char* m = PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY);
      if (c != nullptr) code = c;
      // The primary message only: the full one may quote the statement.
      if (m != nullptr) message = m;
    }
    if (message.empty()) message = Trim(PQerrorMessage(conn_.get()));
    if (sqlstate != nullptr) *sqlstate = code;
    std::string text = what + ": " + scrub_(message) + (code.empty() ? "" : " (SQLSTATE " + code + ")");
    if (PQstatus(conn_.get()) != CONNECTION_OK || IsTransient(code)) return Unavailable(text);
    return Internal(text);
  }

  Status Exec(const std::string& what, const std::string& sql, std::string* sqlstate = nullptr) {
    auto res = Run(what, sql, {}, sqlstate);
    return res.ok() ? Status::Ok() : res.status();
  }

  // The first column of every row.
  Result<std::vector<std::string>> Column(const std::string& what, const std::string& sql,
                                          const std::vector<std::string>& params) {
    MD_ASSIGN_OR_RETURN(ResultPtr res, Run(what, sql, params));
    std::vector<std::string> out;
    for (int i = 0; i < PQntuples(res.get()); ++i) out.emplace_back(PQgetvalue(res.get(), i, 0));
    return out;
  }

  Result<std::string> Ident(const std::string& name) {
    std::unique_ptr<char, LibpqFreer> q(PQescapeIdentifier(conn_.get(), name.data(), name.size()));
    if (!q) return InvalidArgument("cannot quote identifier: " + Trim(PQerrorMessage(conn_.get())));
    return std::string(q.get());
  }

  Result<std::string> Literal(const std::string& text) {
    std::unique_ptr<char, LibpqFreer> q(PQescapeLiteral(conn_.get(), text.data(), text.size()));
    if (!q) return InvalidArgument("cannot quote literal: " + scrub_(Trim(PQerrorMessage(conn_.get()))));
    return std::string(q.get());
  }

  // The SCRAM verifier (or whatever password_encryption says) for `password`.
  Result<std::string> EncryptPassword(const std::string& role, const std::string& password) {
    std::unique_ptr<char, LibpqFreer> v(PQencryptPasswordConn(conn_.get(), password.c_str(), role.c_str(), nullptr));
    if (!v) {
      std::string text = "cannot encrypt password: " + scrub_(Trim(PQerrorMessage(conn_.get())));
      if (PQstatus(conn_.get()) != CONNECTION_OK) return Unavailable(text);
      return Internal(text);
    }
    return std::string(v.get());
  }

 private:
  Session(ConnPtr conn, SecretScrubber scrub) : conn_(std::move(conn)), scrub_(std::move(scrub)) {}

  ConnPtr conn_;
  SecretScrubber scrub_;
};

// A scrubber that knows the admin URL's password (and `extra`).
SecretScrubber ScrubberFor(const std::string& admin_url, const std::string& extra = "") {
  SecretScrubber scrub;
  auto info = ParseConninfo(admin_url);
  if (info.ok()) {
    auto it = info->find("password");
    if (it != info->end()) scrub.Add(it->second);
  }
  scrub.Add(extra);
  return scrub;
}

// An admin (superuser) session. Its search_path is pinned to the system
// catalog in the startup packet, which outranks a tenant's ALTER DATABASE or
// ALTER ROLE ... SET search_path, and every call below is schema-qualified
// too: no function or operator a tenant defines can run with its privileges.
Result<Session> OpenAdmin(const std::string& admin_url, const PostgresDatabaseOptions& options,
                          const std::string& extra_secret = "") {
  return Session::Open(admin_url, {{"options", "-c search_path=pg_catalog,pg_temp"}}, options,
                       ScrubberFor(admin_url, extra_secret));
}

// A session of the tenant's own role in its own database: whatever the
// tenant defined there runs with the tenant's privileges only.
Result<Session> OpenAsTenant(const std::string& admin_url, const std::string& role, const std::string& password,
                             const std::string& db, const PostgresDatabaseOptions& options) {
  return Session::Open(admin_url, {{"user", role}, {"password", password}, {"dbname", db}}, options,
                       ScrubberFor(admin_url, password));
}

Result<bool> HasRow(Session& s, const std::string& what, const std::string& sql, const std::string& param) {
  MD_ASSIGN_OR_RETURN(std::vector<std::string> rows, s.Column(what, sql, {param}));
  return !rows.empty();
}

constexpr const char* kRoleExistsSql = "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) $1";
constexpr const char* kDatabaseExistsSql =
    "SELECT 1 FROM pg_catalog.pg_database WHERE datname OPERATOR(pg_catalog.=) $1";
constexpr const char* kDatabaseOwnerSql =
    "SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database WHERE datname OPERATOR(pg_catalog.=) $1";
// The roles `$1` is a member of.
constexpr const char* kMembershipsSql =
    "SELECT g.rolname FROM pg_catalog.pg_auth_members m "
    "JOIN pg_catalog.pg_roles g ON g.oid OPERATOR(pg_catalog.=) m.roleid "
    "JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) m.member "
    "WHERE r.rolname OPERATOR(pg_catalog.=) $1 ORDER BY 1";
// The cluster's shared databases that PUBLIC may still connect to.
constexpr const char* kOpenSharedDatabasesSql =
    "SELECT datname FROM pg_catalog.pg_database "
    "WHERE (datistemplate OR datname OPERATOR(pg_catalog.=) 'postgres') AND datallowconn "
    "AND pg_catalog.has_database_privilege('public', oid, 'CONNECT') ORDER BY 1";

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Makes `role` a plain login role with `password` and nothing more: whatever
// it was (adopted, recreated, or altered behind our back), it ends with no
// superuser, database, role, replication or RLS-bypass rights, no inherited
// memberships and a connection limit; and PUBLIC (hence every tenant) may no
// longer connect to the cluster's postgres and template databases.
Status EnsureTenantRole(Session& s, const std::string& role, const std::string& password, int connection_limit) {
  MD_ASSIGN_OR_RETURN(std::string role_id, s.Ident(role));
  // The server only ever sees the verifier, so the password cannot end up
  // in its log (log_statement, log_min_error_statement).
  MD_ASSIGN_OR_RETURN(std::string verifier, s.EncryptPassword(role, password));
  MD_ASSIGN_OR_RETURN(std::string verifier_lit, s.Literal(verifier));
  std::string attributes = " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT"
                           " CONNECTION LIMIT " + std::to_string(connection_limit) + " PASSWORD " + verifier_lit;

  MD_ASSIGN_OR_RETURN(bool role_exists, HasRow(s, "look up role " + role, kRoleExistsSql, role));
  if (!role_exists) {
    std::string sqlstate;
    Status st = s.Exec("create role " + role, "CREATE ROLE " + role_id + attributes, &sqlstate);
    if (sqlstate == "42710") role_exists = true;  // created concurrently
    else MD_RETURN_IF_ERROR(st);
  }
  if (role_exists) MD_RETURN_IF_ERROR(s.Exec("alter role " + role, "ALTER ROLE " + role_id + " WITH" + attributes));

  MD_ASSIGN_OR_RETURN(std::vector<std::string> groups, s.Column("list memberships of " + role, kMembershipsSql, {role}));
  for (const auto& group : groups) {
    MD_ASSIGN_OR_RETURN(std::string group_id, s.Ident(group));
    MD_RETURN_IF_ERROR(s.Exec("revoke " + group + " from " + role, "REVOKE " + group_id + " FROM " + role_id));
  }
  MD_ASSIGN_OR_RETURN(std::vector<std::string> open, s.Column("list shared databases", kOpenSharedDatabasesSql, {}));
  for (const auto& db : open) {
    MD_ASSIGN_OR_RETURN(std::string db_id, s.Ident(db));
    Status revoked = s.Exec("revoke connect on database " + db, "REVOKE CONNECT ON DATABASE " + db_id + " FROM PUBLIC");
    if (revoked.ok()) continue;
    // Two creates on a fresh cluster revoke at once, and the loser fails with
    // "tuple concurrently updated": what counts is that it is closed now.
    MD_ASSIGN_OR_RETURN(std::vector<std::string> still_open,
                        s.Column("list shared databases", kOpenSharedDatabasesSql, {}));
    if (std::find(still_open.begin(), still_open.end(), db) != still_open.end()) return revoked;
  }
  return Status::Ok();
}

}  // namespace

PostgresDatabase::PostgresDatabase(PostgresDatabaseOptions options) : options_(options) {}

Status PostgresDatabase::Ping(const std::string& admin_url) {
  MD_ASSIGN_OR_RETURN(Session s, OpenAdmin(admin_url, options_));
  return s.Exec("ping", "SELECT 1");
}

Status PostgresDatabase::EnsureDatabase(const std::string& admin_url, const std::string& role,
                                        const std::string& password, const std::string& db) {
  MD_RETURN_IF_ERROR(CheckName("role", role));
  MD_RETURN_IF_ERROR(CheckName("database", db));
  MD_RETURN_IF_ERROR(CheckPassword(password));
  MD_ASSIGN_OR_RETURN(Session s, OpenAdmin(admin_url, options_, password));
  MD_ASSIGN_OR_RETURN(std::string role_id, s.Ident(role));
  MD_ASSIGN_OR_RETURN(std::string db_id, s.Ident(db));
  MD_RETURN_IF_ERROR(EnsureTenantRole(s, role, password, options_.role_connection_limit));

  MD_ASSIGN_OR_RETURN(std::vector<std::string> owner, s.Column("look up database " + db, kDatabaseOwnerSql, {db}));
  if (owner.empty()) {
    // CREATE DATABASE cannot run inside a transaction block: one statement alone.
    std::string sqlstate;
    Status st = s.Exec("create database " + db, "CREATE DATABASE " + db_id + " OWNER " + role_id, &sqlstate);
    if (sqlstate == "42P04") {  // created concurrently
      MD_ASSIGN_OR_RETURN(owner, s.Column("look up database " + db, kDatabaseOwnerSql, {db}));
    } else {
      MD_RETURN_IF_ERROR(st);
    }
  }
  if (!owner.empty() && owner.front() != role) {
    MD_RETURN_IF_ERROR(s.Exec("change owner of database " + db, "ALTER DATABASE " + db_id + " OWNER TO " + role_id));
  }
  MD_RETURN_IF_ERROR(
      s.Exec("revoke connect on database " + db, "REVOKE CONNECT ON DATABASE " + db_id + " FROM PUBLIC"));
  MD_RETURN_IF_ERROR(
      s.Exec("grant connect on database " + db, "GRANT CONNECT ON DATABASE " + db_id + " TO " + role_id));
  return Status::Ok();
}

Status PostgresDatabase::EnsureRole(const std::string& admin_url, const std::string& role,
                                    const std::string& password) {
  MD_RETURN_IF_ERROR(CheckName("role", role));
  MD_RETURN_IF_ERROR(CheckPassword(password));
  MD_ASSIGN_OR_RETURN(Session s, OpenAdmin(admin_url, options_, password));
  return EnsureTenantRole(s, role, password, options_.role_connection_limit);
}

Status PostgresDatabase::DropDatabase(const std::string& admin_url, const std::string& db) {
  MD_RETURN_IF_ERROR(CheckName("database", db));
  MD_ASSIGN_OR_RETURN(Session s, OpenAdmin(admin_url, options_));
  MD_ASSIGN_OR_RETURN(std::string db_id, s.Ident(db));
  return s.Exec("drop database " + db, "DROP DATABASE IF EXISTS " + db_id + " WITH (FORCE)");
}

Status PostgresDatabase::DropRole(const std::string& admin_url, const std::string& role) {
  MD_RETURN_IF_ERROR(CheckName("role", role));
  MD_ASSIGN_OR_RETURN(Session s, OpenAdmin(admin_url, options_));
  MD_ASSIGN_OR_RETURN(std::string role_id, s.Ident(role));
  return s.Exec("drop role " + role, "DROP ROLE IF EXISTS " + role_id);
}

Result<std::vector<std::string>> PostgresDatabase::DropSchemasExceptPublic(const std::string& admin_url,
                                                                           const std::string& role,
                                                                           const std::string& password,
                                                                           const std::string& db) {
  MD_RETURN_IF_ERROR(CheckName("role", role));
  MD_RETURN_IF_ERROR(CheckName("database", db));
  MD_RETURN_IF_ERROR(CheckPassword(password));
  {
    MD_ASSIGN_OR_RETURN(Session admin, OpenAdmin(admin_url, options_, password));
    MD_ASSIGN_OR_RETURN(bool exists, HasRow(admin, "look up database " + db, kDatabaseExistsSql, db));
    if (!exists) return NotFound("database " + db + " does not exist");
    // The tenant may have changed its own password: the login below needs ours.
    MD_RETURN_IF_ERROR(EnsureTenantRole(admin, role, password, options_.role_connection_limit));
  }
  // The wipe itself runs as the tenant, in the tenant's database.
  MD_ASSIGN_OR_RETURN(Session s, OpenAsTenant(admin_url, role, password, db, options_));
  // pg_* is reserved for the system (pg_catalog, pg_toast, pg_temp_N, pg_toast_temp_N).
  MD_ASSIGN_OR_RETURN(std::vector<std::string> schemas,
                      s.Column("list schemas of " + db,
                               "SELECT nspname FROM pg_catalog.pg_namespace "
                               "WHERE nspname OPERATOR(pg_catalog.<>) ALL (ARRAY['public', 'information_schema']) "
                               "AND NOT pg_catalog.starts_with(nspname::pg_catalog.text, 'pg_') ORDER BY 1",
                               {}));
  // One statement a schema: a retry after a failure finds only what is left.
  for (const auto& schema : schemas) {
    MD_ASSIGN_OR_RETURN(std::string id, s.Ident(schema));
    MD_RETURN_IF_ERROR(s.Exec("drop schema " + schema + " of " + db, "DROP SCHEMA IF EXISTS " + id + " CASCADE"));
  }
  return schemas;
}

Result<std::vector<std::string>> PostgresDatabase::ListDatabases(const std::string& admin_url,
                                                                 const std::string& prefix) {
  MD_ASSIGN_OR_RETURN(Session s, OpenAdmin(admin_url, options_));
  return s.Column("list databases",
                  "SELECT datname FROM pg_catalog.pg_database WHERE pg_catalog.starts_with(datname::pg_catalog.text, $1) "
                  "ORDER BY 1", {prefix});
}

Result<std::vector<std::string>> PostgresDatabase::ListRoles(const std::string& admin_url, const std::string& prefix) {
  MD_ASSIGN_OR_RETURN(Session s, OpenAdmin(admin_url, options_));
  return s.Column("list roles", "SELECT rolname FROM pg_catalog.pg_roles WHERE pg_catalog.starts_with(rolname::pg_catalog.text, $1) "
                  "ORDER BY 1",
                  {prefix});
}

bool PostgresDatabase::DatabaseExists(const std::string& admin_url, const std::string& db) {
  if (!CheckName("database", db).ok()) return false;
  auto s = OpenAdmin(admin_url, options_);
  if (!s.ok()) return false;
  auto found = HasRow(*s, "look up database", kDatabaseExistsSql, db);
  return found.ok() && *found;
}

bool PostgresDatabase::RoleExists(const std::string& admin_url, const std::string& role) {
  if (!CheckName("role", role).ok()) return false;
  auto s = OpenAdmin(admin_url, options_);
  if (!s.ok()) return false;
  auto found = HasRow(*s, "look up role", kRoleExistsSql, role);
  return found.ok() && *found;
}

Result<std::string> PostgresDatabase::TenantUrl(const std::string& admin_url, const std::string& role,
                                                const std::string& password, const std::string& db) {
  MD_RETURN_IF_ERROR(CheckName("role", role));
  MD_RETURN_IF_ERROR(CheckName("database", db));
  MD_RETURN_IF_ERROR(CheckPassword(password));
  MD_ASSIGN_OR_RETURN(auto info, ParseConninfo(admin_url));
  std::string host = info.count("host") ? info["host"] : "";
  std::string hostaddr = info.count("hostaddr") ? info["hostaddr"] : "";
  std::string port = info.count("port") ? info["port"] : "";
  if (host.empty()) host = hostaddr;
  if (host.empty()) return InvalidArgument("admin URL names no host");
  std::vector<std::string> hosts = SplitComma(host);
  std::vector<std::string> ports = port.empty() ? std::vector<std::string>{} : SplitComma(port);
  if (!ports.empty() && ports.size() != 1 && ports.size() != hosts.size()) {
    return InvalidArgument("admin URL has " + std::to_string(ports.size()) + " ports for " +
                           std::to_string(hosts.size()) + " hosts");
  }
  std::string authority;
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (i > 0) authority += ',';
    const std::string& h = hosts[i];
    if (h.find(':') != std::string::npos) authority += "[" + h + "]";  // IPv6 literal
    else authority += PercentEncode(h);  // names, IPv4, and socket directories (%2F)
    if (!ports.empty()) {
      const std::string& p = ports.size() == 1 ? ports[0] : ports[i];
      if (!p.empty()) authority += ":" + p;
    }
  }
  std::string url = "postgresql://" + PercentEncode(role) + ":" + PercentEncode(password) + "@" + authority + "/" +
                    PercentEncode(db);
  if (!hostaddr.empty() && hostaddr != host) url += "?hostaddr=" + PercentEncode(hostaddr);
  return url;
}

}  // namespace md
