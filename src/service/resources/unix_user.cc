// A tenant's Unix user (ref: its name), with a UID of its own from a store
// counter that never goes back, so no UID ever passes to another tenant.

#include "service/resources/resource_types.h"

namespace md {
namespace {

constexpr const char* kUidCounterKey = "next_uid";
constexpr int kUidAttempts = 8;  // UIDs taken by other tools are skipped, a few times

class UnixUserType final : public ResourceType {
 public:
  UnixUserType(ServiceDeps deps, InstanceContext& ctx) : d_(deps), ctx_(ctx) {}

  const ResourceTraits& traits() const override {
    static const ResourceTraits kTraits{ResourceKind::kUnixUser, ResourcePhase::kProvision, "create_user",
                                        "remove_user"};
    return kTraits;
  }

  Status Ensure(const std::string& sub) override {
    MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
    MD_ASSIGN_OR_RETURN(bool ours, ctx_.InLedger(sub, ResourceKind::kUnixUser, inst.unix_user));
    auto existing = d_.host.LookupUser(inst.unix_user);
    if (!existing.ok() && existing.status().code() != Code::kNotFound) return existing.status();
    if (existing.ok() && !ours) {
      return AlreadyExists("Unix user " + inst.unix_user + " already exists and is not this instance's; see "
                           "`meltanodata doctor`");
    }
    if (existing.ok()) {
      // Ours already (a resumed create, a repair, an instance older than UID
      // allocation): the store records the UID it has.
      if (inst.uid == static_cast<int64_t>(existing->uid)) return Status::Ok();
      inst.uid = existing->uid;
      return d_.store.UpdateInstance(inst);
    }
    MD_RETURN_IF_ERROR(
        d_.store.AddLedger({.subdomain = sub, .kind = ResourceKind::kUnixUser, .ref = inst.unix_user}).status());
    Status made = Status::Ok();
    for (int attempt = 0; attempt < kUidAttempts; ++attempt) {
      if (inst.uid == 0 || made.code() == Code::kAlreadyExists) {
        // Kept before the user is made, so a resumed step uses the same UID.
        MD_ASSIGN_OR_RETURN(inst.uid, d_.store.TakeNumber(kUidCounterKey, d_.uid_base));
        MD_RETURN_IF_ERROR(d_.store.UpdateInstance(inst));
      }
      made = d_.host.EnsureUser(inst.unix_user, d_.layout.project_dir(sub), static_cast<uid_t>(inst.uid)).status();
      if (made.code() != Code::kAlreadyExists) break;
    }
    return made;
  }

  // Ends every process of the UID and sweeps the shared scratch dirs first.
  Status Remove(const std::string& name) override { return d_.host.RemoveUser(name); }

  Result<bool> Exists(const std::string& name) override { return Found(d_.host.LookupUser(name)); }

  // Only users whose home is under this controller's data dir are its own:
  // another controller on the same host has its own.
  Result<std::vector<Orphan>> FindOrphans(const std::vector<Instance>& owners) override {
    std::set<std::string> owned;
    for (const Instance& inst : owners) owned.insert(inst.unix_user);
    MD_ASSIGN_OR_RETURN(std::vector<std::string> names, d_.host.ListUsers(Layout::kUserPrefix));
    std::vector<Orphan> orphans;
    for (Orphan& orphan : UnownedNames(names, Layout::kUserPrefix, owned)) {
      auto user = d_.host.LookupUser(orphan.ref);
      if (user.ok() && user->home.rfind(d_.layout.tenants_root() + "/", 0) == 0) orphans.push_back(std::move(orphan));
    }
    return orphans;
  }

 private:
  ServiceDeps d_;
  InstanceContext& ctx_;
};

}  // namespace

std::unique_ptr<ResourceType> NewUnixUserType(ServiceDeps deps, InstanceContext& ctx) {
  return std::make_unique<UnixUserType>(deps, ctx);
}

}  // namespace md
