#pragma once
// Where everything of a tenant lives on the host, and how its derived names
// (Unix user, database, role, service) are formed. Pure functions of the data
// dir and the instance; see DESIGN.md "One tenant on a host".

#include <string>

#include "core/types.h"

namespace md {

class Layout {
 public:
  explicit Layout(std::string data_dir) : data_dir_(std::move(data_dir)) {}

  const std::string& data_dir() const { return data_dir_; }
  std::string services_dir() const { return data_dir_ + "/services"; }
  std::string tenant_dir(const std::string& sub) const { return data_dir_ + "/tenants/" + sub; }
  std::string project_dir(const std::string& sub) const { return tenant_dir(sub) + "/project"; }
  std::string apps_dir(const std::string& sub) const { return tenant_dir(sub) + "/app"; }
  std::string app_dir(const std::string& sub, const std::string& version) const {
    return apps_dir(sub) + "/" + version;
  }
  std::string current_link(const std::string& sub) const { return apps_dir(sub) + "/current"; }
  std::string logs_dir(const std::string& sub) const { return tenant_dir(sub) + "/logs"; }
  std::string env_file(const std::string& sub) const { return project_dir(sub) + "/.env"; }
  std::string secrets_dir(const std::string& sub) const { return data_dir_ + "/secrets/" + sub; }
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

  static constexpr const char* kUserPrefix = "md-";
  static constexpr const char* kDatabasePrefix = "md_";

 private:
  std::string data_dir_;
};

}  // namespace md
