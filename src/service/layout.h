#pragma once
// Where everything of a tenant lives on the host, and how its derived names
// (Unix user, database, role, service) are formed. Pure functions of the data
// dir and the instance; see DESIGN.md "One tenant on a host".

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/types.h"

namespace md {

class Layout {
 public:
  explicit Layout(std::string data_dir) : data_dir_(std::move(data_dir)) {}

  const std::string& data_dir() const { return data_dir_; }
  std::string services_dir() const { return data_dir_ + "/services"; }
  // The parents of every tenant's dirs: root-owned, the trusted roots TenantFs walks from.
  std::string tenants_root() const { return data_dir_ + "/tenants"; }
  std::string secrets_root() const { return data_dir_ + "/secrets"; }
  std::string sockets_root() const { return data_dir_ + "/sockets"; }
  // The root-owned folders that hold one folder per tenant (named SUB).
  std::vector<std::string> per_tenant_roots() const { return {tenants_root(), secrets_root(), sockets_root()}; }
  std::string tenant_dir(const std::string& sub) const { return tenants_root() + "/" + sub; }
  std::string project_dir(const std::string& sub) const { return tenant_dir(sub) + "/project"; }
  std::string app_dir(const std::string& sub, const std::string& version) const {
    return tenants_root() + "/" + AppDirRel(sub, version);
  }
  std::string logs_dir(const std::string& sub) const { return tenant_dir(sub) + "/logs"; }
  std::string secrets_dir(const std::string& sub) const { return secrets_root() + "/" + sub; }
  // The project's .env, beneath tenants_root().
  static std::string EnvFileRel(const std::string& sub) { return sub + "/project/.env"; }
  // A version's install dir and the link to the one that runs, beneath tenants_root().
  static std::string AppDirRel(const std::string& sub, const std::string& version) {
    return sub + "/app/" + version;
  }
  static std::string CurrentLinkRel(const std::string& sub) { return sub + "/app/current"; }
  // The app listens on a unix socket in a directory of its own that only its
  // tenant and the proxy can enter: no other local user can reach or squat it.
  std::string socket_dir(const std::string& sub) const { return sockets_root() + "/" + sub; }
  std::string socket_path(const std::string& sub) const { return socket_dir(sub) + "/app.sock"; }
  // The waker's: one entry per instance (root's alone), the instances it
  // put to sleep, and where it listens for each, in a folder of its own that
  // only root and the proxy can enter.
  std::string wake_entries_dir() const { return data_dir_ + "/wake/tenants"; }
  std::string asleep_dir() const { return data_dir_ + "/wake/asleep"; }
  std::string wake_entry_path(const std::string& sub) const { return wake_entries_dir() + "/" + sub; }
  std::string front_root() const { return data_dir_ + "/front"; }
  std::string front_dir(const std::string& sub) const { return front_root() + "/" + sub; }
  std::string front_socket(const std::string& sub) const { return front_dir(sub) + "/http.sock"; }
  // Backups outlive their instance: DATA/backups/SUB/ID/.
  std::string backups_root() const { return data_dir_ + "/backups"; }
  std::string backup_dir(const std::string& sub, const std::string& id) const {
    return backups_root() + "/" + sub + "/" + id;
  }

  static std::string ServiceName(const std::string& sub) { return "tenant-" + sub; }
  // The instance's cgroup, under the controller's parent group.
  static std::string CgroupName(const std::string& sub) { return "tenant-" + sub; }
  // "md-" + subdomain, shortened with a hash suffix to fit 32 characters.
  static std::string UnixUserName(const std::string& sub);
  // "md_" + subdomain with '-' as '_', shortened with a hash suffix to fit 63 bytes.
  static std::string DatabaseName(const std::string& sub);
  static std::string RoleName(const std::string& sub) { return DatabaseName(sub); }

  // A tenant's secrets dir: its own alone.
  static constexpr mode_t kSecretsDirMode = 0700;
  static constexpr const char* kUserPrefix = "md-";
  static constexpr const char* kDatabasePrefix = "md_";

 private:
  std::string data_dir_;
};

}  // namespace md
