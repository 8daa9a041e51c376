#pragma once
// TenantSteps: the idempotent actions that operations are made of. Each makes
// one resource of one tenant match the desired state in the store, writing
// the resource to the ledger before creating it. Thread-safe for different
// tenants; the Runner never runs two operations of one tenant at once.

#include <functional>
#include <string>

#include "core/status.h"
#include "core/types.h"
#include "service/deps.h"
#include "service/log_reader.h"

namespace md {

class TenantSteps {
 public:
  explicit TenantSteps(ServiceDeps deps) : d_(deps) {}

  Status CreateDatabase(const std::string& sub);
  // Gives the instance its UID once (a store counter that never goes back)
  // and makes its Unix user with it.
  Status CreateUser(const std::string& sub);
  Status CreateFiles(const std::string& sub);
  Status InstallVersion(const std::string& sub, const std::string& version);
  Status SwitchVersion(const std::string& sub, const std::string& version);
  // Installs and switches to the version the store says the instance runs.
  Status EnsureCurrentVersion(const std::string& sub);
  Status InitProject(const std::string& sub);
  Status WriteFlags(const std::string& sub);
  Status WriteSecrets(const std::string& sub);
  // Makes the instance's cgroup hold the limits its profile and overrides
  // say; live, without a restart.
  Status ApplyLimits(const std::string& sub);
  Status InstallService(const std::string& sub);
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

  Status RemoveService(const std::string& sub);
  // Ends every process left in the instance's cgroup and removes it.
  Status RemoveCgroup(const std::string& sub);
  Status DropDatabase(const std::string& sub);
  Status RemoveUser(const std::string& sub);
  Status RemoveFiles(const std::string& sub);
  Status ForgetInstance(const std::string& sub);
  // Removes what create operation `op_id` made, then the instance itself. A
  // database whose cluster cannot be reached is let go only if the create
  // never finished making it (the cluster was down from the start).
  Status RollBackCreate(const std::string& sub, int64_t op_id);

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

  Result<UnixUser> TenantUser(const Instance& inst);
  // The profile's limits with the instance's overrides applied.
  Result<ResourceLimits> EffectiveLimits(const Instance& inst);
  // The admin URL of the instance's cluster (holds a password).
  Result<std::string> AdminUrl(const Instance& inst);
  // The URL of the tenant's own login to its database (holds a password),
  // after the role is reset to what it must be: work inside a tenant's
  // database (backup, restore) runs as the tenant, never as a superuser.
  Result<std::string> TenantDatabaseUrl(const Instance& inst);
  // Whether the ledger records (kind, ref) for this instance.
  Result<bool> InLedger(const std::string& sub, const std::string& kind, const std::string& ref);
  // The ledger's reference of a database or role: "CLUSTER/NAME".
  static std::string ClusterRef(const std::string& cluster, const std::string& name) { return cluster + "/" + name; }

 private:
  Result<TemplateVars> Vars(const Instance& inst, const std::string& version);
  std::vector<LogSource> LogSources(const std::string& sub);
  // `path` (an absolute path in the instance's dir) relative to tenants_root().
  Result<std::string> BeneathTenants(const std::string& sub, const std::string& path);
  Status RunAsTenant(const Instance& inst, const Argv& argv, const EnvMap& env);
  // Calls `remove` for each ledger row of `kind` of this instance, dropping
  // the row once it succeeded.
  Status RemoveRecorded(const std::string& sub, const std::string& kind,
                        const std::function<Status(const std::string& ref)>& remove);

  ServiceDeps d_;
};

}  // namespace md
