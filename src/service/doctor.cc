// ControllerImpl::Doctor: compares what is on the host with what the store
// says should be there. Drift (a tenant's .env or secrets changed behind the
// controller's back) is repaired by re-running the operation that writes
// them; orphans (tenant-looking resources no instance owns) are removed.

#include <filesystem>
#include <set>

#include "core/files.h"
#include "service/controller_impl.h"
#include "service/plans.h"

namespace md {
namespace {

constexpr auto kFixTimeout = std::chrono::seconds(60);

// Whether the files in `dir` are exactly `desired` (name -> content).
bool SecretsMatch(const std::string& dir, const EnvMap& desired) {
  std::error_code ec;
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    ++count;
    auto it = desired.find(entry.path().filename().string());
    if (it == desired.end()) return false;
    auto content = ReadFile(entry.path().string());
    if (!content.ok() || *content != it->second) return false;
  }
  return !ec && count == desired.size();
}

}  // namespace

Result<std::vector<DoctorFinding>> ControllerImpl::Doctor(bool fix) {
  std::vector<DoctorFinding> findings;
  MD_ASSIGN_OR_RETURN(std::vector<Instance> instances, d_.store.ListInstances());
  std::set<std::string> subs, users, services;
  for (const Instance& inst : instances) {
    subs.insert(inst.subdomain);
    users.insert(inst.unix_user);
    services.insert(Layout::ServiceName(inst.subdomain));
  }

  // Drift of the desired configuration of settled instances.
  for (const Instance& inst : instances) {
    if (inst.status != InstanceStatus::kRunning && inst.status != InstanceStatus::kStopped &&
        inst.status != InstanceStatus::kDegraded) {
      continue;
    }
    const std::string& sub = inst.subdomain;
    auto want_env = steps_.DesiredEnvFile(sub);
    auto have_env = ReadFile(d_.layout.env_file(sub));
    if (want_env.ok() && (!have_env.ok() || *have_env != *want_env)) {
      DoctorFinding f{.kind = "drift", .subdomain = sub, .resource = ".env",
                      .detail = have_env.ok() ? "changed outside the controller" : "missing"};
      if (fix) {
        auto op = runner_.Submit(op_kind::kFlags, sub, "{}");
        auto done = op.ok() ? runner_.WaitFinal(op->id, kFixTimeout) : Result<Operation>(op.status());
        f.fixed = done.ok() && done->state == OperationState::kSucceeded;
        f.detail += f.fixed ? "; rewritten and reloaded" : "; repair failed";
      }
      findings.push_back(f);
    }
    auto want_secrets = steps_.DesiredSecretFiles(sub);
    if (want_secrets.ok() && !SecretsMatch(d_.layout.secrets_dir(sub), *want_secrets)) {
      DoctorFinding f{.kind = "drift", .subdomain = sub, .resource = "secrets",
                      .detail = "secrets files differ from the desired state"};
      if (fix) {
        auto op = runner_.Submit(op_kind::kSecrets, sub, "{}");
        auto done = op.ok() ? runner_.WaitFinal(op->id, kFixTimeout) : Result<Operation>(op.status());
        f.fixed = done.ok() && done->state == OperationState::kSucceeded;
        f.detail += f.fixed ? "; rewritten and service restarted" : "; repair failed";
      }
      findings.push_back(f);
    }
  }

  // Orphans: tenant-looking resources that no instance owns.
  auto host_users = d_.host.ListUsers(Layout::kUserPrefix);
  if (host_users.ok()) {
    for (const std::string& user : *host_users) {
      if (users.count(user)) continue;
      // Only users whose home is under this controller's data dir are ours:
      // another controller on the same host has its own.
      auto found = d_.host.LookupUser(user);
      if (!found.ok() || found->home.rfind(d_.layout.data_dir() + "/tenants/", 0) != 0) continue;
      DoctorFinding f{.kind = "orphan", .resource = "unix_user " + user, .detail = "no instance owns it"};
      if (fix) f.fixed = d_.host.RemoveUser(user).ok();
      findings.push_back(f);
    }
  }
  auto svc_names = d_.supervisor.List();
  if (svc_names.ok()) {
    for (const std::string& name : *svc_names) {
      if (name.rfind("tenant-", 0) != 0 || services.count(name)) continue;
      DoctorFinding f{.kind = "orphan", .resource = "service " + name, .detail = "no instance owns it"};
      if (fix) f.fixed = d_.supervisor.Remove(name).ok();
      findings.push_back(f);
    }
  }
  for (const std::string& parent : {d_.layout.data_dir() + "/tenants", d_.layout.data_dir() + "/secrets"}) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
      std::string sub = entry.path().filename().string();
      if (subs.count(sub)) continue;
      DoctorFinding f{.kind = "orphan", .resource = "directory " + entry.path().string(),
                      .detail = "no instance owns it"};
      if (fix) f.fixed = RemoveTree(entry.path().string()).ok();
      findings.push_back(f);
    }
  }
  MD_ASSIGN_OR_RETURN(std::vector<Cluster> clusters, d_.store.ListClusters());
  for (const Cluster& c : clusters) {
    std::set<std::string> owned;
    for (const Instance& inst : instances) {
      if (inst.cluster == c.name) owned.insert(inst.db_name);
    }
    auto dbs = d_.database.ListDatabases(c.admin_url, Layout::kDatabasePrefix);
    if (!dbs.ok()) continue;
    for (const std::string& db : *dbs) {
      if (owned.count(db)) continue;
      // A shared cluster may hold another controller's tenants: only the
      // embedded cluster is ours alone, so only there is an orphan dropped.
      DoctorFinding f{.kind = "orphan", .resource = "database " + c.name + "/" + db,
                      .detail = c.embedded ? "no instance owns it" : "no instance of this controller owns it; not "
                                                                     "removed from a shared cluster"};
      if (fix && c.embedded) f.fixed = d_.database.DropDatabase(c.admin_url, db, db).ok();
      findings.push_back(f);
    }
  }
  return findings;
}

}  // namespace md
