#include "service/backup_steps.h"

#include <time.h>

namespace md {

std::string BackupSteps::IdFor(const Operation& op) {
  time_t seconds = static_cast<time_t>(op.created_ms / 1000);
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return std::string(stamp) + "-op" + std::to_string(op.id);
}

Status BackupSteps::Take(const std::string& sub, const std::string& id, const std::string& reason) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(bool has_database,
                      ctx_.InLedger(sub, ResourceKind::kPgDatabase, InstanceContext::ClusterRef(inst.cluster, inst.db_name)));
  if (!has_database) return Status::Ok();
  // A backup that failed (or could not be checked) is never reported as made.
  return Make(inst, id, reason).WithContext("backup " + id + " failed, so nothing was changed");
}

Status BackupSteps::Make(const Instance& inst, const std::string& id, const std::string& reason) {
  const std::string& sub = inst.subdomain;
  std::string dir = d_.layout.backup_dir(sub, id);
  // A resumed operation keeps the complete backup it made, and redoes a partial or damaged one.
  if (d_.archiver.Verify(dir).ok()) return Status::Ok();
  MD_RETURN_IF_ERROR(d_.archiver.Remove(dir));
  MD_ASSIGN_OR_RETURN(std::string db_url, ctx_.TenantDatabaseUrl(inst));
  MD_ASSIGN_OR_RETURN(UnixUser user, ctx_.TenantUser(inst));
  MD_ASSIGN_OR_RETURN(EnvMap flags, d_.store.GetFlags(sub));
  Secrets secrets = d_.secrets();
  MD_ASSIGN_OR_RETURN(EnvMap values, secrets.Get(sub));
  MD_ASSIGN_OR_RETURN(std::string sealed, secrets.SealBundle(sub, values));
  BackupSource src{.db_url = db_url,
                   .db_name = inst.db_name,
                   .project_dir = d_.layout.project_dir(sub),
                   .tenant = Owner{user.uid, user.gid},
                   .subdomain = sub,
                   .app = inst.app,
                   .app_version = inst.app_version,
                   .name = inst.name,
                   .email = inst.email,
                   .reason = reason,
                   .flags = flags,
                   .sealed_secrets = sealed};
  return d_.archiver.Create(src, dir).status();
}

Status BackupSteps::RestoreDatabase(const std::string& sub, const std::string& id) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(std::string db_url, ctx_.TenantDatabaseUrl(inst));
  return d_.archiver.RestoreDatabase(db_url, inst.db_name, inst.db_role, d_.layout.backup_dir(sub, id))
      .WithContext("restoring the database from " + id);
}

Status BackupSteps::RestoreFiles(const std::string& sub, const std::string& id) {
  MD_ASSIGN_OR_RETURN(BackupManifest m, Find(sub, id));
  if (!m.has_archive()) return Status::Ok();
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(UnixUser user, ctx_.TenantUser(inst));
  return d_.archiver.RestoreFiles(m.dir, d_.layout.project_dir(sub), Owner{user.uid, user.gid})
      .WithContext("restoring the project files from " + id);
}

Status BackupSteps::RestoreFlags(const std::string& sub, const std::string& id) {
  MD_ASSIGN_OR_RETURN(BackupManifest m, Find(sub, id));
  MD_ASSIGN_OR_RETURN(EnvMap current, d_.store.GetFlags(sub));
  std::vector<std::string> unset;
  for (const auto& [key, value] : current) {
    if (!m.flags.count(key)) unset.push_back(key);
  }
  return d_.store.SetFlags(sub, m.flags, unset);
}

Status BackupSteps::RestoreSecrets(const std::string& sub, const std::string& id) {
  MD_ASSIGN_OR_RETURN(BackupManifest m, Find(sub, id));
  if (!m.has_secrets()) return Status::Ok();
  MD_ASSIGN_OR_RETURN(std::string sealed, d_.archiver.ReadSecrets(m.dir));
  Secrets secrets = d_.secrets();
  auto values = secrets.OpenBundle(sub, sealed);
  if (!values.ok()) return values.status().WithContext("the secrets of backup " + id);
  // A welcome link still out there must not show the restored passwords.
  MD_RETURN_IF_ERROR(d_.store.DropCredentialLinks(sub));
  return secrets.Replace(sub, *values);
}

Result<std::vector<BackupManifest>> BackupSteps::List(const std::string& sub) {
  return d_.archiver.List(d_.layout.backups_root(), sub);
}

Result<BackupManifest> BackupSteps::Find(const std::string& sub, const std::string& id) {
  MD_ASSIGN_OR_RETURN(std::vector<BackupManifest> all, d_.archiver.List(d_.layout.backups_root(), sub));
  for (const auto& m : all) {
    if (m.id == id) return m;
  }
  return NotFound("no backup '" + id + "' of '" + sub + "'; see `meltanodata backups list " + sub + "`");
}

Result<int> BackupSteps::PruneOlderThan(int64_t cutoff_ms) {
  MD_ASSIGN_OR_RETURN(std::vector<BackupManifest> all, List(""));
  int removed = 0;
  for (const auto& m : all) {
    if (m.created_ms >= cutoff_ms) continue;
    MD_RETURN_IF_ERROR(d_.archiver.Remove(m.dir));
    ++removed;
  }
  return removed;
}

}  // namespace md
