// A tenant's supervised app (ref: the service's name): its run script joins
// the tenant's cgroup, gets private scratch dirs and drops to the tenant
// with no_new_privs; its logger writes to the tenant's logs dir.

#include "service/resources/resource_types.h"
#include "service/tenant_files.h"

namespace md {
namespace {

constexpr const char* kTenantServicePrefix = "tenant-";

class AppServiceType final : public ResourceType {
 public:
  AppServiceType(ServiceDeps deps, InstanceContext& ctx) : d_(deps), ctx_(ctx) {}

  const ResourceTraits& traits() const override {
    static const ResourceTraits kTraits{ResourceKind::kService, ResourcePhase::kServe, "start_service",
                                        "remove_service"};
    return kTraits;
  }

  Status Ensure(const std::string& sub) override {
    MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
    MD_ASSIGN_OR_RETURN(UnixUser user, ctx_.TenantUser(inst));
    MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(inst.app));
    MD_ASSIGN_OR_RETURN(TemplateVars vars, ctx_.Vars(inst, inst.app_version));
    RunScriptSpec spec;
    spec.project_dir = d_.layout.project_dir(sub);
    spec.secrets_dir = d_.layout.secrets_dir(sub);
    spec.user = user.name;
    spec.uid = user.uid;
    spec.gid = user.gid;
    spec.cgroup_procs = d_.cgroups.ProcsFiles(Layout::CgroupName(sub));
    MD_ASSIGN_OR_RETURN(ResourceLimits limits, ctx_.EffectiveLimits(inst));
    spec.tmpfs_mb = limits.memory_mb;
    // A scratch dir that holds the data dir (a test's /tmp/...) stays shared:
    // a tmpfs over it would hide the app itself.
    for (const char* dir : {"/tmp", "/var/tmp", "/dev/shm"}) {
      if (d_.layout.data_dir().rfind(std::string(dir) + "/", 0) != 0) spec.private_dirs.push_back(dir);
    }
    MD_ASSIGN_OR_RETURN(spec.environment, RenderEnv(profile.environment, vars));
    MD_ASSIGN_OR_RETURN(spec.start, RenderArgv(profile.start, vars));
    std::string name = Layout::ServiceName(sub);
    MD_RETURN_IF_ERROR(d_.store.AddLedger({.subdomain = sub, .kind = ResourceKind::kService, .ref = name}).status());
    return d_.supervisor.Install({.name = name,
                                  .run_script = RenderRunScript(spec),
                                  .log_script = RenderLogScript(d_.layout.logs_dir(sub), user.uid, user.gid)});
  }

  Status Remove(const std::string& name) override { return d_.supervisor.Remove(name); }

  Result<bool> Exists(const std::string& name) override { return Found(d_.supervisor.GetStatus(name)); }

  Result<std::vector<Orphan>> FindOrphans(const std::vector<Instance>& owners) override {
    std::set<std::string> owned;
    for (const Instance& inst : owners) owned.insert(Layout::ServiceName(inst.subdomain));
    MD_ASSIGN_OR_RETURN(std::vector<std::string> names, d_.supervisor.List());
    return UnownedNames(names, kTenantServicePrefix, owned);
  }

 private:
  ServiceDeps d_;
  InstanceContext& ctx_;
};

}  // namespace

std::unique_ptr<ResourceType> NewAppServiceType(ServiceDeps deps, InstanceContext& ctx) {
  return std::make_unique<AppServiceType>(deps, ctx);
}

}  // namespace md
