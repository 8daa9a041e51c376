#include "database.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <memory>

#include "core/strings.h"

namespace md::demo {
namespace {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;
using PgResult = std::unique_ptr<PGresult, ResultClearer>;

std::string FirstLine(const char* text) {
  std::string s = text == nullptr ? "" : text;
  size_t nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

void ReplaceAll(std::string* s, const std::string& what, const std::string& with) {
  if (what.empty()) return;
  for (size_t pos = s->find(what); pos != std::string::npos; pos = s->find(what, pos + with.size())) {
    s->replace(pos, what.size(), with);
  }
}

}  // namespace

std::string RedactUrl(std::string message, const std::string& url) {
  ReplaceAll(&message, url, "DATABASE_URL");
  // postgresql://user:PASSWORD@host...: the password sits between the first
  // ':' of the user info and the last '@' before the host.
  size_t start = url.find("://");
  if (start != std::string::npos) {
    start += 3;
    size_t end = url.find_first_of("/?#", start);
    std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t at = authority.rfind('@');
    size_t colon = authority.find(':');
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      std::string password = authority.substr(colon + 1, at - colon - 1);
      ReplaceAll(&message, password, "***");
      ReplaceAll(&message, PercentDecode(password), "***");
    }
  }
  return message;
}

bool IsValidSchemaName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  if (!((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return name.rfind("pg_", 0) != 0 && name != "information_schema";
}

namespace {

// Opens a connection; Unavailable (redacted message) when it fails.
Result<Conn> Connect(const std::string& url) {
  if (url.empty()) return Unavailable("DATABASE_URL is not set");
  const char* keys[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {url.c_str(), "3", nullptr};
  Conn conn(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (conn == nullptr) return Unavailable("out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Unavailable("cannot connect: " + RedactUrl(FirstLine(PQerrorMessage(conn.get())), url));
  }
  // NOTICEs ("schema ... already exists, skipping") are expected: drop them.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

}  // namespace

Status DemoDatabase::Ping() const {
  MD_ASSIGN_OR_RETURN(Conn conn, Connect(url_));
  PgResult r(PQexec(conn.get(), "SELECT 1"));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return Unavailable("SELECT 1 failed: " + RedactUrl(FirstLine(PQerrorMessage(conn.get())), url_));
  }
  return Status::Ok();
}

Result<int> DemoDatabase::LoadSchema(const std::string& name) const {
  if (!IsValidSchemaName(name)) return InvalidArgument("invalid schema name");
  MD_ASSIGN_OR_RETURN(Conn conn, Connect(url_));
  // The name is validated to [a-z0-9_], so quoting it is enough.
  const std::string schema = "\"" + name + "\"";
  const std::string sql =
      "BEGIN;"
      "CREATE SCHEMA IF NOT EXISTS " + schema + ";"
      "CREATE TABLE IF NOT EXISTS " + schema + ".extract_rows ("
      "  id integer PRIMARY KEY, label text NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now());"
      "INSERT INTO " + schema + ".extract_rows (id, label) VALUES"
      "  (1, 'alpha'), (2, 'beta'), (3, 'gamma') ON CONFLICT (id) DO NOTHING;"
      "COMMIT;";
  PgResult r(PQexec(conn.get(), sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    return Internal("load failed: " + RedactUrl(FirstLine(PQerrorMessage(conn.get())), url_));
  }
  PgResult count(PQexec(conn.get(), ("SELECT count(*) FROM " + schema + ".extract_rows").c_str()));
  if (PQresultStatus(count.get()) != PGRES_TUPLES_OK) {
    return Internal("count failed: " + RedactUrl(FirstLine(PQerrorMessage(conn.get())), url_));
  }
  return std::atoi(PQgetvalue(count.get(), 0, 0));
}

Result<std::vector<std::string>> DemoDatabase::Schemas() const {
  MD_ASSIGN_OR_RETURN(Conn conn, Connect(url_));
  PgResult r(PQexec(conn.get(),
                    "SELECT nspname FROM pg_catalog.pg_namespace "
                    "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1"));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return Unavailable("listing schemas failed: " + RedactUrl(FirstLine(PQerrorMessage(conn.get())), url_));
  }
  std::vector<std::string> names;
  for (int i = 0; i < PQntuples(r.get()); ++i) names.emplace_back(PQgetvalue(r.get(), i, 0));
  return names;
}

}  // namespace md::demo
