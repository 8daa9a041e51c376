#pragma once
// InstanceContext: what the steps and resource types derive from an
// instance's record — its template variables, Unix user, effective limits,
// cluster URLs and ledger rows. Reads only; thread-safe as the store and
// drivers it uses.

#include <string>

#include "core/status.h"
#include "core/types.h"
#include "profile/profile.h"
#include "service/deps.h"

namespace md {

class InstanceContext {
 public:
  explicit InstanceContext(ServiceDeps deps) : d_(deps) {}

  // The profile's template variables for `inst` running `version`.
  Result<TemplateVars> Vars(const Instance& inst, const std::string& version);
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
  Result<bool> InLedger(const std::string& sub, ResourceKind kind, const std::string& ref);
  // The ledger's reference of a database or role: "CLUSTER/NAME".
  static std::string ClusterRef(const std::string& cluster, const std::string& name) { return cluster + "/" + name; }

 private:
  ServiceDeps d_;
};

}  // namespace md
