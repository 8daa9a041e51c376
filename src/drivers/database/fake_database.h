#pragma once
// FakeDatabase: an in-memory Database for unit tests. Each "host:port" of an
// admin URL is one cluster of databases, roles and schemas. It records the
// calls (never a password) and has fault switches. Thread-safe (one mutex).

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "drivers/database/database.h"

namespace md {

class FakeDatabase final : public Database {
 public:
  FakeDatabase() = default;

  Status Ping(const std::string& admin_url) override;
  Status EnsureDatabase(const std::string& admin_url, const std::string& role, const std::string& password,
                        const std::string& db) override;
  Status DropDatabase(const std::string& admin_url, const std::string& db) override;
  Status DropRole(const std::string& admin_url, const std::string& role) override;
  Status EnsureRole(const std::string& admin_url, const std::string& role, const std::string& password) override;
  Result<std::vector<std::string>> DropSchemasExceptPublic(const std::string& admin_url, const std::string& role,
                                                           const std::string& password,
                                                           const std::string& db) override;
  Result<std::vector<std::string>> ListDatabases(const std::string& admin_url, const std::string& prefix) override;
  Result<std::vector<std::string>> ListRoles(const std::string& admin_url, const std::string& prefix) override;
  bool DatabaseExists(const std::string& admin_url, const std::string& db) override;
  bool RoleExists(const std::string& admin_url, const std::string& role) override;
  Result<std::string> TenantUrl(const std::string& admin_url, const std::string& role, const std::string& password,
                                const std::string& db) override;

  // --- Test controls ---
  // The next call (any method) fails with `status`; a bool method returns false.
  void FailNext(Status status);
  // Every call is Unavailable (bool methods: false) while down.
  void SetDown(bool down);
  // Only the cluster at `host_port` ("127.0.0.1:5432", as in the admin URL) is down.
  void SetHostDown(const std::string& host_port, bool down);
  // Adds a schema (and, if `table` is given, a table in it) to an existing database.
  Status AddSchema(const std::string& admin_url, const std::string& db, const std::string& schema);
  Status AddTable(const std::string& admin_url, const std::string& db, const std::string& schema,
                  const std::string& table);
  // Schemas of `db` (sorted), or tables of one schema; empty if absent.
  std::vector<std::string> Schemas(const std::string& admin_url, const std::string& db);
  std::vector<std::string> Tables(const std::string& admin_url, const std::string& db, const std::string& schema);
  // A simulated login with a URL from TenantUrl: Ok if the role exists, can
  // log in with that password and may connect to the database.
  Status Connect(const std::string& tenant_url);
  // "Method arg arg" per call, in order; passwords are never recorded.
  std::vector<std::string> Calls();
  void ClearCalls();

  // "host:port" of a postgresql:// URL (the part after the last '@' of the authority).
  static std::string HostPort(const std::string& url);

 private:
  struct Db {
    std::string owner;
    bool public_connect = true;
    std::set<std::string> connect;                         // roles granted CONNECT
    std::map<std::string, std::set<std::string>> schemas;  // schema -> tables
  };
  struct Cluster {
    std::map<std::string, std::string> roles;  // role -> password
    std::map<std::string, Db> dbs;
  };

  // The role half of EnsureDatabase, on a cluster already entered.
  static Status EnsureRoleIn(Cluster& c, const std::string& role, const std::string& password);
  // Records the call and applies the fault switches; the cluster if it is up.
  Result<Cluster*> Enter(const std::string& admin_url, const std::string& call);

  std::mutex mu_;
  std::map<std::string, Cluster> clusters_;
  std::set<std::string> down_hosts_;
  bool down_ = false;
  std::optional<Status> fail_next_;
  std::vector<std::string> calls_;
};

}  // namespace md
