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

// How a finding names a resource, e.g. "unix_user md-acme".
std::string Label(ResourceKind kind, const std::string& ref) { return std::string(ResourceKindName(kind)) + " " + ref; }

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

void Doctor::CheckMissing(const Instance& inst, bool fix, std::vector<DoctorFinding>* out) {
  auto ledger = d_.store.ListLedger(inst.subdomain);
  if (!ledger.ok()) return;
  std::vector<DoctorFinding> missing;
  for (const LedgerEntry& e : *ledger) {
    auto exists = resources_.Of(e.kind).Exists(e.ref);
    if (exists.ok() && *exists) continue;
    missing.push_back({.kind = "missing", .subdomain = inst.subdomain, .resource = Label(e.kind, e.ref),
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

// Type by type, the reverse of create's order: a database goes before its role.
void Doctor::CheckOrphans(const std::vector<Instance>& instances, bool fix, std::vector<DoctorFinding>* out) {
  const auto& types = resources_.in_create_order();
  for (auto it = types.rbegin(); it != types.rend(); ++it) {
    ResourceType& type = **it;
    auto orphans = type.FindOrphans(instances);
    if (!orphans.ok()) continue;  // its backend does not answer: nothing to tell
    for (const Orphan& orphan : *orphans) {
      DoctorFinding f{.kind = "orphan", .resource = Label(type.traits().kind, orphan.ref),
                      .detail = orphan.kept_because.empty() ? kUnowned : kUnowned + ("; " + orphan.kept_because)};
      if (fix && orphan.kept_because.empty()) f.fixed = type.Remove(orphan.ref).ok();
      out->push_back(f);
    }
  }
}

}  // namespace md
