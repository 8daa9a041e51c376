#pragma once
// TenantSteps: the idempotent actions that operations are made of, besides
// making and removing resources (see Resources): installing the app, its
// configuration, its lifecycle, health, logs and state in the store.
// Thread-safe for different tenants; the Runner never runs two operations of
// one tenant at once.

#include <functional>
#include <string>

#include "core/status.h"
#include "core/types.h"
#include "service/deps.h"
#include "service/instance_context.h"
#include "service/log_reader.h"

namespace md {

class TenantSteps {
 public:
  TenantSteps(ServiceDeps deps, InstanceContext& ctx) : d_(deps), ctx_(ctx) {}

  Status InstallVersion(const std::string& sub, const std::string& version);
  Status SwitchVersion(const std::string& sub, const std::string& version);
  // Installs and switches to the version the store says the instance runs.
  Status EnsureCurrentVersion(const std::string& sub);
  Status InitProject(const std::string& sub);
  // Runs the profile's `set_admin_password` commands (the new password is in
  // the vault); nothing if it has none.
  Status SetAdminPassword(const std::string& sub);
  Status WriteFlags(const std::string& sub);
  Status WriteSecrets(const std::string& sub);
  // Stores a new random value (`bytes` random bytes, as hex) of secret `key`.
  Status RenewSecret(const std::string& sub, const std::string& key, size_t bytes);
  Status ReloadService(const std::string& sub);
  Status RestartService(const std::string& sub);
  Status StartService(const std::string& sub);
  // A service that is not installed (a create that failed early) is stopped.
  Status StopService(const std::string& sub);
  // Polls the app's health path until it answers 200; the error carries the
  // last lines of the app's log.
  Status WaitHealthy(const std::string& sub);
  Status WipeDatabase(const std::string& sub);
  Status SetStatus(const std::string& sub, InstanceStatus status);
  Status RecordVersion(const std::string& sub, const std::string& version);
  // Keeps the instance's current version under `key` (once: a resumed
  // operation keeps the first value); PreviousVersion reads it back.
  Status NotePreviousVersion(const std::string& sub, const std::string& key);
  Result<std::string> PreviousVersion(const std::string& key);
  Result<InstanceStatus> StatusOf(const std::string& sub);
  // Runs `action` unless the instance is stopped.
  Status UnlessStopped(const std::string& sub, const std::function<Status()>& action);

  // Removes the instance from the store once the ledger holds nothing of it.
  Status ForgetInstance(const std::string& sub);

  // Desired contents of the tenant's .env and secrets dir, as the store says.
  Result<std::string> DesiredEnvFile(const std::string& sub);
  Result<EnvMap> DesiredSecretFiles(const std::string& sub);
  // What is there now; an error if a file is missing or refused (a symlink …).
  Result<std::string> ReadEnvFile(const std::string& sub);
  Result<EnvMap> ReadSecretFiles(const std::string& sub);
  // The app's log and the service output, read through TenantFs (see ReadLogFiles).
  Result<LogChunk> ReadLogs(const std::string& sub, int lines, const std::string& cursor);
  // The last `n` lines of each.
  std::string LogTail(const std::string& sub, int n);
  Result<std::string> AppLogPath(const std::string& sub);

 private:
  std::vector<LogSource> LogSources(const std::string& sub);
  // `path` (an absolute path in the instance's dir) relative to tenants_root().
  Result<std::string> BeneathTenants(const std::string& sub, const std::string& path);
  Status RunAsTenant(const Instance& inst, const Argv& argv, const EnvMap& env);
  // Runs `commands` of the profile as the tenant, with the service's environment.
  Status RunProfileCommands(const Instance& inst, const AppProfile& profile, const std::vector<Argv>& commands);

  ServiceDeps d_;
  InstanceContext& ctx_;
};

}  // namespace md
