// A tenant's cgroup (ref: its name): the kernel-enforced memory, process and
// CPU limits of everything it runs (its app, and its project's init), changed live.

#include "service/resources/resource_types.h"

namespace md {
namespace {

constexpr int64_t kMiB = 1024 * 1024;
constexpr const char* kTenantGroupPrefix = "tenant-";

class CgroupType final : public ResourceType {
 public:
  CgroupType(ServiceDeps deps, InstanceContext& ctx) : d_(deps), ctx_(ctx) {}

  const ResourceTraits& traits() const override {
    static const ResourceTraits kTraits{ResourceKind::kCgroup, ResourcePhase::kProvision, "apply_limits", "remove_cgroup"};
    return kTraits;
  }

  // The profile's limits and the instance's overrides.
  Status Ensure(const std::string& sub) override {
    MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
    MD_ASSIGN_OR_RETURN(ResourceLimits limits, ctx_.EffectiveLimits(inst));
    std::string name = Layout::CgroupName(sub);
    MD_RETURN_IF_ERROR(d_.store.AddLedger({.subdomain = sub, .kind = ResourceKind::kCgroup, .ref = name}).status());
    return d_.cgroups.Ensure(name, {.memory_bytes = limits.memory_mb * kMiB, .pids = limits.pids,
                                    .cpu_weight = limits.cpu_weight});
  }

  // Ends every process left in it first.
  Status Remove(const std::string& name) override { return d_.cgroups.Remove(name); }

  Result<bool> Exists(const std::string& name) override { return Found(d_.cgroups.Usage(name)); }

  // Every group under the controller's parent group is its own.
  Result<std::vector<Orphan>> FindOrphans(const std::vector<Instance>& owners) override {
    std::set<std::string> owned;
    for (const Instance& inst : owners) owned.insert(Layout::CgroupName(inst.subdomain));
    MD_ASSIGN_OR_RETURN(std::vector<std::string> names, d_.cgroups.List());
    return UnownedNames(names, kTenantGroupPrefix, owned);
  }

 private:
  ServiceDeps d_;
  InstanceContext& ctx_;
};

}  // namespace

std::unique_ptr<ResourceType> NewCgroupType(ServiceDeps deps, InstanceContext& ctx) {
  return std::make_unique<CgroupType>(deps, ctx);
}

}  // namespace md
