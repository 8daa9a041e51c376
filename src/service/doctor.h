#pragma once
// Doctor: compares what is on the host with what the store says should be
// there, and repairs it when asked.
// - drift: a tenant's .env or secrets changed behind the controller's back;
//   repaired by re-running the operation that writes them.
// - missing: a resource the ledger records for an instance is gone (a user
//   deleted, a service dir removed …); repaired by a `repair` operation that
//   re-runs the idempotent create steps.
// - orphan: a tenant-looking resource no instance owns (a user, service,
//   cgroup, directory, database or role); removed, except on a shared cluster.
// Resources are looked at through their types (see Resources).
// Thread-safe as the store, drivers and runner it uses.

#include <string>
#include <vector>

#include "api/controller.h"
#include "service/deps.h"
#include "service/resources/resources.h"
#include "service/tenant_steps.h"
#include "workflow/runner.h"

namespace md {

class Doctor {
 public:
  Doctor(ServiceDeps deps, TenantSteps& steps, Resources& resources, Runner& runner)
      : d_(deps), steps_(steps), resources_(resources), runner_(runner) {}
  Result<std::vector<DoctorFinding>> Check(bool fix);

 private:
  void CheckDrift(const Instance& inst, bool fix, std::vector<DoctorFinding>* out);
  void CheckMissing(const Instance& inst, bool fix, std::vector<DoctorFinding>* out);
  void CheckOrphans(const std::vector<Instance>& instances, bool fix, std::vector<DoctorFinding>* out);
  // Submits an operation of `kind` for `sub` and waits for it; true if it succeeded.
  bool RunRepair(const std::string& kind, const std::string& sub);

  ServiceDeps d_;
  TenantSteps& steps_;
  Resources& resources_;
  Runner& runner_;
};

}  // namespace md
