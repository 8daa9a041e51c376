#pragma once
// Database: one tenant database and its owning role on a PostgreSQL cluster.
// Every method is idempotent (level-based) and thread-safe; names passed in
// are already validated, and are quoted as identifiers/literals regardless.

#include <string>
#include <vector>

#include "core/status.h"

namespace md {

class Database {
 public:
  virtual ~Database() = default;

  // Unavailable if the cluster does not answer.
  virtual Status Ping(const std::string& admin_url) = 0;
  // Ensures the role as EnsureRole does, and a database owned by it that
  // only it may connect to (CONNECT revoked from PUBLIC).
  virtual Status EnsureDatabase(const std::string& admin_url, const std::string& role,
                                const std::string& password, const std::string& db) = 0;
  // Creates the tenant's role, or forces an existing one back to a plain
  // login role: `password`, no superuser, createdb, createrole, replication
  // or bypassrls, no memberships, the backend's connection limit. Tenants
  // lose CONNECT on the cluster's postgres and template databases.
  virtual Status EnsureRole(const std::string& admin_url, const std::string& role, const std::string& password) = 0;
  // Drops the database, disconnecting its sessions; gone is success.
  virtual Status DropDatabase(const std::string& admin_url, const std::string& db) = 0;
  // Drops the role (its database must be gone first); gone is success.
  virtual Status DropRole(const std::string& admin_url, const std::string& role) = 0;
  // Drops every schema of `db` except public, information_schema and pg_*,
  // logged in as `role` (first reset by EnsureRole): nothing the tenant
  // defined in its database runs with more than its own rights.
  // Returns the names dropped.
  virtual Result<std::vector<std::string>> DropSchemasExceptPublic(const std::string& admin_url,
                                                                   const std::string& role,
                                                                   const std::string& password,
                                                                   const std::string& db) = 0;
  // Databases and roles whose names start with `prefix` (for orphan checks).
  virtual Result<std::vector<std::string>> ListDatabases(const std::string& admin_url, const std::string& prefix) = 0;
  virtual Result<std::vector<std::string>> ListRoles(const std::string& admin_url, const std::string& prefix) = 0;
  virtual bool DatabaseExists(const std::string& admin_url, const std::string& db) = 0;
  virtual bool RoleExists(const std::string& admin_url, const std::string& role) = 0;
  // The connection URL a tenant uses: the cluster's host and port with the
  // tenant's role, password and database.
  virtual Result<std::string> TenantUrl(const std::string& admin_url, const std::string& role,
                                        const std::string& password, const std::string& db) = 0;
};

}  // namespace md
