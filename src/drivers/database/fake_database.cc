#include "drivers/database/fake_database.h"

#include <algorithm>

#include "core/strings.h"
#include "drivers/database/names.h"

namespace md {
namespace {

using database_names::CheckName;
using database_names::CheckPassword;

// The authority of a URL ("user:pw@host:port") and what follows it.
bool SplitUrl(const std::string& url, std::string* authority, std::string* rest) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  *authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  *rest = end == std::string::npos ? "" : url.substr(end);
  return true;
}

std::vector<std::string> WithPrefix(const auto& map, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& [name, _] : map) {
    if (name.rfind(prefix, 0) == 0) out.push_back(name);
  }
  return out;
}

bool IsKeptSchema(const std::string& name) {
  return name == "public" || name == "information_schema" || name.rfind("pg_", 0) == 0;
}

}  // namespace

std::string FakeDatabase::HostPort(const std::string& url) {
  std::string authority;
  std::string rest;
  if (!SplitUrl(url, &authority, &rest)) return "";
  size_t at = authority.rfind('@');
  return at == std::string::npos ? authority : authority.substr(at + 1);
}

Result<FakeDatabase::Cluster*> FakeDatabase::Enter(const std::string& admin_url, const std::string& call) {
  calls_.push_back(call);
  if (fail_next_) {
    Status s = *fail_next_;
    fail_next_.reset();
    return s;
  }
  std::string host = HostPort(admin_url);
  if (down_ || down_hosts_.count(host)) return Unavailable("cannot connect to PostgreSQL at " + host + " (fake: down)");
  auto [it, inserted] = clusters_.try_emplace(host);
  if (inserted) {
    // What initdb leaves behind.
    it->second.roles["postgres"] = "";
    for (const char* name : {"postgres", "template0", "template1"}) {
      Db& db = it->second.dbs[name];
      db.owner = "postgres";
      db.schemas["public"];
    }
  }
  return &it->second;
}

Status FakeDatabase::Ping(const std::string& admin_url) {
  std::lock_guard lock(mu_);
  MD_ASSIGN_OR_RETURN(Cluster * c, Enter(admin_url, "Ping"));
  (void)c;
  return Status::Ok();
}

Status FakeDatabase::EnsureDatabase(const std::string& admin_url, const std::string& role, const std::string& password,
                                    const std::string& db) {
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(CheckName("role", role));
  MD_RETURN_IF_ERROR(CheckName("database", db));
  MD_RETURN_IF_ERROR(CheckPassword(password));
  MD_ASSIGN_OR_RETURN(Cluster * c, Enter(admin_url, "EnsureDatabase " + role + " " + db));
  MD_RETURN_IF_ERROR(EnsureRoleIn(*c, role, password));
  auto [it, inserted] = c->dbs.try_emplace(db);
  Db& d = it->second;
  if (inserted) d.schemas["public"];
  d.owner = role;
  d.public_connect = false;
  d.connect.insert(role);
  return Status::Ok();
}

Status FakeDatabase::EnsureRole(const std::string& admin_url, const std::string& role, const std::string& password) {
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(CheckName("role", role));
  MD_RETURN_IF_ERROR(CheckPassword(password));
  MD_ASSIGN_OR_RETURN(Cluster * c, Enter(admin_url, "EnsureRole " + role));
  return EnsureRoleIn(*c, role, password);
}

Status FakeDatabase::EnsureRoleIn(Cluster& c, const std::string& role, const std::string& password) {
  if (!c.roles.count(role) && role.rfind("pg_", 0) == 0) {
    return Internal("create role " + role + ": role name \"" + role + "\" is reserved (SQLSTATE 42939)");
  }
  c.roles[role] = password;
  for (const char* shared : {"postgres", "template0", "template1"}) {
    if (auto it = c.dbs.find(shared); it != c.dbs.end()) it->second.public_connect = false;
  }
  return Status::Ok();
}

Status FakeDatabase::DropDatabase(const std::string& admin_url, const std::string& db) {
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(CheckName("database", db));
  MD_ASSIGN_OR_RETURN(Cluster * c, Enter(admin_url, "DropDatabase " + db));
  c->dbs.erase(db);
  return Status::Ok();
}

Status FakeDatabase::DropRole(const std::string& admin_url, const std::string& role) {
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(CheckName("role", role));
  MD_ASSIGN_OR_RETURN(Cluster * c, Enter(admin_url, "DropRole " + role));
  if (!c->roles.count(role)) return Status::Ok();
  for (const auto& [name, d] : c->dbs) {
    if (d.owner == role || d.connect.count(role)) {
      return Internal("drop role " + role + ": role \"" + role +
                      "\" cannot be dropped because some objects depend on it (SQLSTATE 2BP01)");
    }
  }
  c->roles.erase(role);
  return Status::Ok();
}

Result<std::vector<std::string>> FakeDatabase::DropSchemasExceptPublic(const std::string& admin_url,
                                                                       const std::string& role,
                                                                       const std::string& password,
                                                                       const std::string& db) {
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(CheckName("role", role));
  MD_RETURN_IF_ERROR(CheckName("database", db));
  MD_RETURN_IF_ERROR(CheckPassword(password));
  MD_ASSIGN_OR_RETURN(Cluster * c, Enter(admin_url, "DropSchemasExceptPublic " + role + " " + db));
  auto it = c->dbs.find(db);
  if (it == c->dbs.end()) return NotFound("database " + db + " does not exist");
  MD_RETURN_IF_ERROR(EnsureRoleIn(*c, role, password));
  // As the tenant: it may drop only what its own database holds.
  if (it->second.owner != role) return Internal("drop schema: must be owner of database " + db + " (SQLSTATE 42501)");
  std::vector<std::string> dropped;
  for (auto s = it->second.schemas.begin(); s != it->second.schemas.end();) {
    if (IsKeptSchema(s->first)) {
      ++s;
    } else {
      dropped.push_back(s->first);
      s = it->second.schemas.erase(s);
    }
  }
  return dropped;
}

Result<std::vector<std::string>> FakeDatabase::ListDatabases(const std::string& admin_url, const std::string& prefix) {
  std::lock_guard lock(mu_);
  MD_ASSIGN_OR_RETURN(Cluster * c, Enter(admin_url, "ListDatabases " + prefix));
  return WithPrefix(c->dbs, prefix);
}

Result<std::vector<std::string>> FakeDatabase::ListRoles(const std::string& admin_url, const std::string& prefix) {
  std::lock_guard lock(mu_);
  MD_ASSIGN_OR_RETURN(Cluster * c, Enter(admin_url, "ListRoles " + prefix));
  return WithPrefix(c->roles, prefix);
}

bool FakeDatabase::DatabaseExists(const std::string& admin_url, const std::string& db) {
  std::lock_guard lock(mu_);
  auto c = Enter(admin_url, "DatabaseExists " + db);
  return c.ok() && (*c)->dbs.count(db) > 0;
}

bool FakeDatabase::RoleExists(const std::string& admin_url, const std::string& role) {
  std::lock_guard lock(mu_);
  auto c = Enter(admin_url, "RoleExists " + role);
  return c.ok() && (*c)->roles.count(role) > 0;
}

Result<std::string> FakeDatabase::TenantUrl(const std::string& admin_url, const std::string& role,
                                            const std::string& password, const std::string& db) {
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(CheckName("role", role));
  MD_RETURN_IF_ERROR(CheckName("database", db));
  MD_RETURN_IF_ERROR(CheckPassword(password));
  calls_.push_back("TenantUrl " + role + " " + db);
  if (fail_next_) {
    Status s = *fail_next_;
    fail_next_.reset();
    return s;
  }
  std::string host = HostPort(admin_url);
  if (host.empty()) return InvalidArgument("admin URL names no host");
  return "postgresql://" + PercentEncode(role) + ":" + PercentEncode(password) + "@" + host + "/" + PercentEncode(db);
}

void FakeDatabase::FailNext(Status status) {
  std::lock_guard lock(mu_);
  fail_next_ = std::move(status);
}

void FakeDatabase::SetDown(bool down) {
  std::lock_guard lock(mu_);
  down_ = down;
}

void FakeDatabase::SetHostDown(const std::string& host_port, bool down) {
  std::lock_guard lock(mu_);
  if (down) down_hosts_.insert(host_port);
  else down_hosts_.erase(host_port);
}

Status FakeDatabase::AddSchema(const std::string& admin_url, const std::string& db, const std::string& schema) {
  std::lock_guard lock(mu_);
  auto c = clusters_.find(HostPort(admin_url));
  if (c == clusters_.end() || !c->second.dbs.count(db)) return NotFound("database " + db + " does not exist");
  c->second.dbs[db].schemas[schema];
  return Status::Ok();
}

Status FakeDatabase::AddTable(const std::string& admin_url, const std::string& db, const std::string& schema,
                              const std::string& table) {
  std::lock_guard lock(mu_);
  auto c = clusters_.find(HostPort(admin_url));
  if (c == clusters_.end() || !c->second.dbs.count(db)) return NotFound("database " + db + " does not exist");
  auto& schemas = c->second.dbs[db].schemas;
  if (!schemas.count(schema)) return NotFound("schema " + schema + " does not exist");
  schemas[schema].insert(table);
  return Status::Ok();
}

std::vector<std::string> FakeDatabase::Schemas(const std::string& admin_url, const std::string& db) {
  std::lock_guard lock(mu_);
  auto c = clusters_.find(HostPort(admin_url));
  if (c == clusters_.end()) return {};
  auto d = c->second.dbs.find(db);
  if (d == c->second.dbs.end()) return {};
  return WithPrefix(d->second.schemas, "");
}

std::vector<std::string> FakeDatabase::Tables(const std::string& admin_url, const std::string& db,
                                              const std::string& schema) {
  std::lock_guard lock(mu_);
  auto c = clusters_.find(HostPort(admin_url));
  if (c == clusters_.end()) return {};
  auto d = c->second.dbs.find(db);
  if (d == c->second.dbs.end()) return {};
  auto s = d->second.schemas.find(schema);
  if (s == d->second.schemas.end()) return {};
  return {s->second.begin(), s->second.end()};
}

Status FakeDatabase::Connect(const std::string& tenant_url) {
  std::lock_guard lock(mu_);
  std::string authority;
  std::string rest;
  if (!SplitUrl(tenant_url, &authority, &rest)) return InvalidArgument("not a URL");
  size_t at = authority.rfind('@');
  if (at == std::string::npos) return Status(Code::kUnauthenticated, "no user in URL");
  std::string userinfo = authority.substr(0, at);
  std::string host = authority.substr(at + 1);
  size_t colon = userinfo.find(':');
  std::string role = PercentDecode(userinfo.substr(0, colon));
  std::string password = colon == std::string::npos ? "" : PercentDecode(userinfo.substr(colon + 1));
  std::string db = rest.size() > 1 && rest[0] == '/' ? PercentDecode(rest.substr(1, rest.find_first_of("?#") - 1)) : role;
  if (down_ || down_hosts_.count(host)) return Unavailable("cannot connect to PostgreSQL at " + host + " (fake: down)");
  auto c = clusters_.find(host);
  if (c == clusters_.end()) return Status(Code::kUnauthenticated, "password authentication failed");
  auto r = c->second.roles.find(role);
  if (r == c->second.roles.end() || r->second.empty() || r->second != password) {
    return Status(Code::kUnauthenticated, "password authentication failed for user \"" + role + "\"");
  }
  auto d = c->second.dbs.find(db);
  if (d == c->second.dbs.end()) return NotFound("database \"" + db + "\" does not exist");
  if (!d->second.public_connect && d->second.owner != role && !d->second.connect.count(role)) {
    return FailedPrecondition("permission denied for database \"" + db + "\"");
  }
  return Status::Ok();
}

std::vector<std::string> FakeDatabase::Calls() {
  std::lock_guard lock(mu_);
  return calls_;
}

void FakeDatabase::ClearCalls() {
  std::lock_guard lock(mu_);
  calls_.clear();
}

}  // namespace md
