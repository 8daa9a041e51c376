// A tenant's database on its cluster ("CLUSTER/DB"), owned by its role,
// which alone may connect to it.

#include "service/resources/cluster_objects.h"
#include "service/resources/resource_types.h"

namespace md {
namespace {

class PgDatabaseType final : public ResourceType {
 public:
  PgDatabaseType(ServiceDeps deps, InstanceContext& ctx) : d_(deps), ctx_(ctx) {}

  const ResourceTraits& traits() const override {
    static const ResourceTraits kTraits{ResourceKind::kPgDatabase, ResourcePhase::kProvision, "create_database",
                                        "drop_database"};
    return kTraits;
  }

  Status Ensure(const std::string& sub) override {
    MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
    MD_ASSIGN_OR_RETURN(std::string admin_url, ctx_.AdminUrl(inst));
    const std::string ref = InstanceContext::ClusterRef(inst.cluster, inst.db_name);
    // A database this instance never recorded is someone else's: never adopt it.
    MD_ASSIGN_OR_RETURN(bool ours, ctx_.InLedger(sub, ResourceKind::kPgDatabase, ref));
    if (!ours && d_.database.DatabaseExists(admin_url, inst.db_name)) {
      return AlreadyExists("database " + inst.db_name + " already exists on cluster " + inst.cluster +
                           " and is not this instance's; see `meltanodata doctor`");
    }
    MD_RETURN_IF_ERROR(d_.store.AddLedger({.subdomain = sub, .kind = ResourceKind::kPgDatabase, .ref = ref}).status());
    MD_ASSIGN_OR_RETURN(EnvMap secrets, d_.secrets().Get(sub));
    return d_.database.EnsureDatabase(admin_url, inst.db_role, secrets[kDbPasswordKey], inst.db_name);
  }

  Status Remove(const std::string& ref) override {
    MD_ASSIGN_OR_RETURN(ClusterObject db, ResolveClusterRef(d_.clusters(), ref));
    return d_.database.DropDatabase(db.cluster.admin_url, db.name);
  }

  Result<bool> Exists(const std::string& ref) override {
    MD_ASSIGN_OR_RETURN(ClusterObject db, ResolveClusterRef(d_.clusters(), ref));
    MD_RETURN_IF_ERROR(d_.database.Ping(db.cluster.admin_url));
    return d_.database.DatabaseExists(db.cluster.admin_url, db.name);
  }

  Result<std::vector<Orphan>> FindOrphans(const std::vector<Instance>& owners) override {
    return ClusterOrphans(
        d_.clusters(), owners, [](const Instance& inst) { return inst.db_name; },
        [this](const std::string& admin_url) { return d_.database.ListDatabases(admin_url, Layout::kDatabasePrefix); });
  }

 private:
  ServiceDeps d_;
  InstanceContext& ctx_;
};

}  // namespace

std::unique_ptr<ResourceType> NewPgDatabaseType(ServiceDeps deps, InstanceContext& ctx) {
  return std::make_unique<PgDatabaseType>(deps, ctx);
}

}  // namespace md
