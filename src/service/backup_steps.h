#pragma once
// BackupSteps: the backup and restore actions operations are made of. A
// backup is taken before anything destroys a tenant's data and counts only
// once checked; restores bring one back into the tenant's database and
// project folder. Thread-safe for different tenants, like TenantSteps.

#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "drivers/backup/archiver.h"
#include "service/deps.h"
#include "service/instance_context.h"

namespace md {

class BackupSteps {
 public:
  BackupSteps(ServiceDeps deps, InstanceContext& ctx) : d_(deps), ctx_(ctx) {}

  // The id of the backup operation `op` takes: its creation time and number,
  // so a resumed operation finds the backup it started.
  static std::string IdFor(const Operation& op);

  // Takes backup `id` of the instance's database and project folder and
  // checks it. A complete, checked backup of that id is kept (a resumed
  // operation); a partial one is redone. An instance whose database was never
  // made (a create that failed early) has nothing to back up: Ok.
  Status Take(const std::string& sub, const std::string& id, const std::string& reason);
  // Restore the database (as the tenant's role), the project folder (owned by
  // the tenant's user), and the desired flags from backup `id`.
  Status RestoreDatabase(const std::string& sub, const std::string& id);
  Status RestoreFiles(const std::string& sub, const std::string& id);
  Status RestoreFlags(const std::string& sub, const std::string& id);
  // Replaces the instance's secrets by the backup's (sealed in it); a backup
  // made before backups carried secrets leaves them as they are.
  Status RestoreSecrets(const std::string& sub, const std::string& id);

  // The backups of `sub`, or of every subdomain when empty; newest first.
  Result<std::vector<BackupManifest>> List(const std::string& sub);
  // Backup `id` of `sub` as its manifest says; NotFound naming it.
  Result<BackupManifest> Find(const std::string& sub, const std::string& id);
  // Removes backups made before `cutoff_ms`; returns how many.
  Result<int> PruneOlderThan(int64_t cutoff_ms);

 private:
  Status Make(const Instance& inst, const std::string& id, const std::string& reason);

  ServiceDeps d_;
  InstanceContext& ctx_;
};

}  // namespace md
