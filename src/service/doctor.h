#pragma once
// Doctor: compares what is on the host with what the store says should be
// there, and repairs it when asked.
// - drift: a tenant's .env or secrets changed behind the controller's back;
//   repaired by re-running the operation that writes them.
// - missing: a resource the ledger records for an instance is gone (a user
//   deleted, a service dir removed …); repaired by a `repair` operation that
//   re-runs the idempotent create steps.
// - orphan: a tenant-looking resource no instance owns (a user, service,
//   directory, database or role); removed, except on a shared cluster.
// Thread-safe as the store, drivers and runner it uses.

#include <set>
#include <string>
#include <vector>

#include "api/controller.h"
#include "service/deps.h"
#include "service/tenant_steps.h"
#include "workflow/runner.h"

namespace md {

class Doctor {
 public:
  Doctor(ServiceDeps deps, TenantSteps& steps, Runner& runner) : d_(deps), steps_(steps), runner_(runner) {}
  Result<std::vector<DoctorFinding>> Check(bool fix);

 private:
  void CheckDrift(const Instance& inst, bool fix, std::vector<DoctorFinding>* out);
  void CheckMissing(const Instance& inst, bool fix, std::vector<DoctorFinding>* out);
  void CheckOrphans(const std::vector<Instance>& instances, bool fix, std::vector<DoctorFinding>* out);
  void CheckClusterOrphans(const Cluster& cluster, const std::set<std::string>& owned, bool fix,
                           std::vector<DoctorFinding>* out);
  // Whether the resource a ledger row names still exists (Unavailable when
  // that cannot be told, e.g. its cluster does not answer).
  Result<bool> Exists(const Instance& inst, const LedgerEntry& entry);
  // Submits an operation of `kind` for `sub` and waits for it; true if it succeeded.
  bool RunRepair(const std::string& kind, const std::string& sub);

  ServiceDeps d_;
  TenantSteps& steps_;
  Runner& runner_;
};

}  // namespace md
