// A tenant's login role on its cluster ("CLUSTER/ROLE"), forced back to a
// plain login with the recorded password on every Ensure.

#include "service/resources/cluster_objects.h"
#include "service/resources/resource_types.h"

namespace md {
namespace {

class PgRoleType final : public ResourceType {
 public:
  PgRoleType(ServiceDeps deps, InstanceContext& ctx) : d_(deps), ctx_(ctx) {}

  const ResourceTraits& traits() const override {
    static const ResourceTraits kTraits{ResourceKind::kPgRole, ResourcePhase::kProvision, "create_role", "drop_role"};
    return kTraits;
  }

  Status Ensure(const std::string& sub) override {
    MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
    MD_ASSIGN_OR_RETURN(std::string admin_url, ctx_.AdminUrl(inst));
    MD_ASSIGN_OR_RETURN(EnvMap secrets, d_.secrets().Get(sub));
    const std::string ref = InstanceContext::ClusterRef(inst.cluster, inst.db_role);
    // A role this instance never recorded is someone else's: never adopt it.
    MD_ASSIGN_OR_RETURN(bool ours, ctx_.InLedger(sub, ResourceKind::kPgRole, ref));
    if (!ours && d_.database.RoleExists(admin_url, inst.db_role)) {
      return AlreadyExists("role " + inst.db_role + " already exists on cluster " + inst.cluster +
                           " and is not this instance's; see `meltanodata doctor`");
    }
    MD_RETURN_IF_ERROR(d_.store.AddLedger({.subdomain = sub, .kind = ResourceKind::kPgRole, .ref = ref}).status());
    return d_.database.EnsureRole(admin_url, inst.db_role, secrets[kDbPasswordKey]);
  }

  Status Remove(const std::string& ref) override {
    MD_ASSIGN_OR_RETURN(ClusterObject role, ResolveClusterRef(d_.clusters(), ref));
    return d_.database.DropRole(role.cluster.admin_url, role.name);
  }

  Result<bool> Exists(const std::string& ref) override {
    MD_ASSIGN_OR_RETURN(ClusterObject role, ResolveClusterRef(d_.clusters(), ref));
    MD_RETURN_IF_ERROR(d_.database.Ping(role.cluster.admin_url));
    return d_.database.RoleExists(role.cluster.admin_url, role.name);
  }

  Result<std::vector<Orphan>> FindOrphans(const std::vector<Instance>& owners) override {
    return ClusterOrphans(
        d_.clusters(), owners, [](const Instance& inst) { return inst.db_role; },
        [this](const std::string& admin_url) { return d_.database.ListRoles(admin_url, Layout::kDatabasePrefix); });
  }

 private:
  ServiceDeps d_;
  InstanceContext& ctx_;
};

}  // namespace

std::unique_ptr<ResourceType> NewPgRoleType(ServiceDeps deps, InstanceContext& ctx) {
  return std::make_unique<PgRoleType>(deps, ctx);
}

}  // namespace md
