#include "service/doctor.h"

#include <algorithm>

#include "service/plans.h"

namespace md {
namespace {

constexpr auto kRepairTimeout = std::chrono::seconds(120);
constexpr const char* kUnowned = "no instance owns it";

bool Settled(const Instance& inst) {
  return inst.status == InstanceStatus::kRunning || inst.status == InstanceStatus::kStopped ||
         inst.status == InstanceStatus::kDegraded;
}

// "cluster/name" -> name.
std::string NameOf(const std::string& ref) { return ref.substr(ref.find('/') + 1); }

}  // namespace

Result<std::vector<DoctorFinding>> Doctor::Check(bool fix) {
  std::vector<DoctorFinding> findings;
  MD_ASSIGN_OR_RETURN(std::vector<Instance> instances, d_.store.ListInstances());
  for (const Instance& inst : instances) {
    if (!Settled(inst)) continue;  // an operation is working on it
    size_t before = findings.size();
    CheckMissing(inst, fix, &findings);
    // A repair rewrites the configuration too; drift is looked at otherwise.
    if (findings.size() == before) CheckDrift(inst, fix, &findings);
  }
  CheckOrphans(instances, fix, &findings);
  return findings;
}

bool Doctor::RunRepair(const std::string& kind, const std::string& sub) {
  auto op = runner_.Submit(kind, sub, "{}");
  if (!op.ok()) return false;
  auto done = runner_.WaitFinal(op->id, kRepairTimeout);
  return done.ok() && done->state == OperationState::kSucceeded;
}

void Doctor::CheckDrift(const Instance& inst, bool fix, std::vector<DoctorFinding>* out) {
  const std::string& sub = inst.subdomain;
  auto want_env = steps_.DesiredEnvFile(sub);
  auto have_env = steps_.ReadEnvFile(sub);
  if (want_env.ok() && (!have_env.ok() || *have_env != *want_env)) {
    std::string why = have_env.status().code() == Code::kNotFound ? "missing" : have_env.status().message();
    DoctorFinding f{.kind = "drift", .subdomain = sub, .resource = ".env",
                    .detail = have_env.ok() ? "changed outside the controller" : why};
    if (fix) {
      f.fixed = RunRepair(op_kind::kFlags, sub);
      f.detail += f.fixed ? "; rewritten and reloaded" : "; repair failed";
    }
    out->push_back(f);
  }
  auto want_secrets = steps_.DesiredSecretFiles(sub);
  auto have_secrets = steps_.ReadSecretFiles(sub);
  if (want_secrets.ok() && (!have_secrets.ok() || *have_secrets != *want_secrets)) {
    DoctorFinding f{.kind = "drift", .subdomain = sub, .resource = "secrets",
                    .detail = "secrets files differ from the desired state"};
    if (fix) {
      f.fixed = RunRepair(op_kind::kSecrets, sub);
      f.detail += f.fixed ? "; rewritten and service restarted" : "; repair failed";
    }
    out->push_back(f);
  }
}

Result<bool> Doctor::Exists(const Instance& inst, const LedgerEntry& e) {
  if (e.kind == "unix_user") {
    auto user = d_.host.LookupUser(e.ref);
    if (!user.ok() && user.status().code() != Code::kNotFound) return user.status();
    return user.ok();
  }
  if (e.kind == "directory") {
    // Looked at from its root-owned parent, without following a link.
    size_t slash = e.ref.rfind('/');
    auto info = d_.tenant_fs.Stat(e.ref.substr(0, slash), e.ref.substr(slash + 1));
    if (!info.ok() && info.status().code() != Code::kNotFound) return info.status();
    return info.ok() && info->type == FileType::kDirectory;
  }
  if (e.kind == "service") {
    auto svc = d_.supervisor.GetStatus(e.ref);
    if (!svc.ok() && svc.status().code() != Code::kNotFound) return svc.status();
    return svc.ok();
  }
  if (e.kind == "pg_database" || e.kind == "pg_role") {
    MD_ASSIGN_OR_RETURN(Cluster cluster, d_.store.GetCluster(inst.cluster));
    MD_RETURN_IF_ERROR(d_.database.Ping(cluster.admin_url));
    return e.kind == "pg_database" ? d_.database.DatabaseExists(cluster.admin_url, NameOf(e.ref))
                                   : d_.database.RoleExists(cluster.admin_url, NameOf(e.ref));
  }
  return true;  // a kind this version does not check
}

void Doctor::CheckMissing(const Instance& inst, bool fix, std::vector<DoctorFinding>* out) {
  auto ledger = d_.store.ListLedger(inst.subdomain);
  if (!ledger.ok()) return;
  std::vector<DoctorFinding> missing;
  for (const LedgerEntry& e : *ledger) {
    auto exists = Exists(inst, e);
    if (exists.ok() && *exists) continue;
    missing.push_back({.kind = "missing", .subdomain = inst.subdomain, .resource = e.kind + " " + e.ref,
                       .detail = exists.ok() ? "recorded but gone" : "cannot be checked: " + exists.status().message()});
  }
  if (!missing.empty() && fix) {
    bool repaired = RunRepair(op_kind::kRepair, inst.subdomain);
    for (auto& f : missing) {
      f.fixed = repaired;
      f.detail += repaired ? "; recreated" : "; repair failed (see `meltanodata ops list`)";
    }
  }
  out->insert(out->end(), missing.begin(), missing.end());
}

void Doctor::CheckOrphans(const std::vector<Instance>& instances, bool fix, std::vector<DoctorFinding>* out) {
  std::set<std::string> subs, users, services;
  for (const Instance& inst : instances) {
    subs.insert(inst.subdomain);
    users.insert(inst.unix_user);
    services.insert(Layout::ServiceName(inst.subdomain));
  }
  const std::string tenants_dir = d_.layout.data_dir() + "/tenants/";
  if (auto names = d_.host.ListUsers(Layout::kUserPrefix); names.ok()) {
    for (const std::string& name : *names) {
      if (users.count(name)) continue;
      // Only users whose home is under this controller's data dir are ours:
      // another controller on the same host has its own.
      auto user = d_.host.LookupUser(name);
      if (!user.ok() || user->home.rfind(tenants_dir, 0) != 0) continue;
      DoctorFinding f{.kind = "orphan", .resource = "unix_user " + name, .detail = kUnowned};
      if (fix) f.fixed = d_.host.RemoveUser(name).ok();
      out->push_back(f);
    }
  }
  if (auto names = d_.supervisor.List(); names.ok()) {
    for (const std::string& name : *names) {
      if (name.rfind("tenant-", 0) != 0 || services.count(name)) continue;
      DoctorFinding f{.kind = "orphan", .resource = "service " + name, .detail = kUnowned};
      if (fix) f.fixed = d_.supervisor.Remove(name).ok();
      out->push_back(f);
    }
  }
  for (const std::string& root : d_.layout.per_tenant_roots()) {
    auto entries = d_.tenant_fs.ListDirectory(root, "");
    if (!entries.ok()) continue;
    for (const DirEntry& entry : *entries) {
      if (subs.count(entry.name)) continue;
      DoctorFinding f{.kind = "orphan", .resource = "directory " + root + "/" + entry.name, .detail = kUnowned};
      if (fix) f.fixed = d_.tenant_fs.RemoveTree(root, entry.name).ok();
      out->push_back(f);
    }
  }
  auto clusters = d_.store.ListClusters();
  if (!clusters.ok()) return;
  for (const Cluster& c : *clusters) {
    std::set<std::string> owned;
    for (const Instance& inst : instances) {
      if (inst.cluster == c.name) owned.insert({inst.db_name, inst.db_role});
    }
    CheckClusterOrphans(c, owned, fix, out);
  }
}

void Doctor::CheckClusterOrphans(const Cluster& c, const std::set<std::string>& owned, bool fix,
                                 std::vector<DoctorFinding>* out) {
  // A shared cluster may hold another controller's tenants: only the
  // embedded cluster is ours alone, so only there is an orphan removed.
  const std::string detail = c.embedded ? kUnowned : "no instance of this controller owns it; not removed from a "
                                                     "shared cluster";
  auto dbs = d_.database.ListDatabases(c.admin_url, Layout::kDatabasePrefix);
  auto roles = d_.database.ListRoles(c.admin_url, Layout::kDatabasePrefix);
  if (!dbs.ok() || !roles.ok()) return;
  for (const std::string& db : *dbs) {
    if (owned.count(db)) continue;
    DoctorFinding f{.kind = "orphan", .resource = "database " + c.name + "/" + db, .detail = detail};
    // The role of the same name goes with it, unless an instance owns it.
    if (fix && c.embedded) f.fixed = d_.database.DropDatabase(c.admin_url, db, db).ok();
    out->push_back(f);
  }
  for (const std::string& role : *roles) {
    if (owned.count(role)) continue;
    bool had_database = std::find(dbs->begin(), dbs->end(), role) != dbs->end();
    if (had_database && fix && c.embedded) continue;  // dropped with its database above
    DoctorFinding f{.kind = "orphan", .resource = "role " + c.name + "/" + role, .detail = detail};
    if (fix && c.embedded) f.fixed = d_.database.DropDatabase(c.admin_url, role, role).ok();
    out->push_back(f);
  }
}

}  // namespace md
