#pragma once
// The collaborators every use case and step needs, wired once in main.
// Non-owning references; they outlive the service objects.

#include <optional>
#include <string>

#include "drivers/backup/archiver.h"
#include "drivers/cgroup/cgroups.h"
#include "drivers/database/database.h"
#include "drivers/exec/command_runner.h"
#include "drivers/files/file_accounts.h"
#include "drivers/host/host.h"
#include "drivers/supervisor/supervisor.h"
#include "drivers/tenant_fs/tenant_fs.h"
#include "core/event_hub.h"
#include "drivers/vault/vault.h"
#include "profile/profile.h"
#include "service/cluster_directory.h"
#include "service/health_probe.h"
#include "service/layout.h"
#include "service/secrets.h"
#include "store/store.h"

namespace md {

struct ServiceDeps {
  Store& store;
  Database& database;
  Host& host;
  Supervisor& supervisor;
  Cgroups& cgroups;
  Archiver& archiver;
  TenantFs& tenant_fs;  // every file beneath a directory a tenant can write
  CommandRunner& commands;  // every program the steps start (installs, work as a tenant)
  Vault& vault;             // seals every secret the store keeps; use secrets()
  FileAccounts& file_accounts;  // tenants' FTP and SFTP logins
  const ProfileCatalog& profiles;
  HealthProbe& probe;
  Layout layout;
  std::string libexec_dir;        // where meltanodata-demo and friends are
  int health_timeout_ms = 30000;  // upper bound; a profile may ask for less
  int64_t uid_base = 2000000;     // tenants' Unix UIDs count up from here, never reused
  // The front proxy's group, which may enter each app's socket dir; unset:
  // the proxy runs as root and the dir is the tenant's alone.
  std::optional<gid_t> proxy_group;
  // Told when an instance's status changes or it is removed; null: nobody listens.
  EventHub* events = nullptr;
  // The supervisor's scan dir, where the waker starts and stops apps; and
  // how long an app may go without a request before it is stopped (0: never).
  std::string scan_dir;
  int idle_after_s = 900;

  // The instance secrets, sealed in the store by the vault.
  Secrets secrets() const { return Secrets(store, vault); }
  // The database clusters, their admin URLs sealed in the store by the vault.
  ClusterDirectory clusters() const { return ClusterDirectory(store, vault); }
};

// Secrets the controller generates for itself; not valid variable names, so a
// user's `secrets set` can never touch them, and `secrets list` hides them.
// Credentials (service/credentials.h) name the ones an operator may see.
inline constexpr const char* kDbPasswordKey = "md:db_password";
inline constexpr const char* kAdminPasswordKey = "md:admin_password";
inline constexpr const char* kSecretKeyKey = "md:secret_key";        // e.g. MELTANO_UI_SECRET_KEY
inline constexpr const char* kPasswordSaltKey = "md:password_salt";  // e.g. MELTANO_UI_PASSWORD_SALT
inline constexpr const char* kFilesPasswordKey = "md:files_password";  // FTP and SFTP login

}  // namespace md
