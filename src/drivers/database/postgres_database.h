#pragma once
// PostgresDatabase: the Database driver for a real PostgreSQL cluster, over
// libpq. Stateless: every call opens its own short-lived admin connection, so
// it is thread-safe. Passwords reach the server only as SCRAM verifiers and
// never appear in a returned error.

#include <string>
#include <vector>

#include "drivers/database/database.h"

namespace md {

struct PostgresDatabaseOptions {
  int connect_timeout_s = 5;   // libpq connect_timeout unless the admin URL sets one
  int lock_timeout_ms = 30000; // a DDL statement waiting longer is Unavailable
  int role_connection_limit = 20;  // each tenant role's CONNECTION LIMIT
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(PostgresDatabaseOptions options = {});

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

 private:
  PostgresDatabaseOptions options_;
};

}  // namespace md
