// An instance's place at the waker (ref: its subdomain): its WakeEntry file
// in DATA/wake/tenants (root's alone) and the folder DATA/front/SUB where the
// waker listens for it, which only root and the proxy's group may enter. The
// proxy's one route for every subdomain dials that socket; the waker relays
// to the app, stops it when idle and starts it on the next request. The entry
// says whether the app may be woken: not while an operator has it stopped.
// Written again by every step that changes what it says (start, stop).

#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "core/files.h"
#include "core/validate.h"
#include "service/resources/resource_types.h"
#include "waker/wake_entry.h"

namespace md {
namespace {

constexpr mode_t kFrontDirForProxy = 0750;  // root's; the proxy enters through its group
constexpr mode_t kFrontDirRootOnly = 0700;  // the proxy runs as root

class WakeEntryType final : public ResourceType {
 public:
  WakeEntryType(ServiceDeps deps, InstanceContext& ctx) : d_(deps), ctx_(ctx) {}

  const ResourceTraits& traits() const override {
    static const ResourceTraits kTraits{ResourceKind::kWakeEntry, ResourcePhase::kServe, "register_waker",
                                        "unregister_waker"};
    return kTraits;
  }

  Status Ensure(const std::string& sub) override {
    MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
    MD_ASSIGN_OR_RETURN(UnixUser user, ctx_.TenantUser(inst));
    MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(inst.app));
    MD_RETURN_IF_ERROR(d_.store.AddLedger({.subdomain = sub, .kind = ResourceKind::kWakeEntry, .ref = sub}).status());
    // The controller's (root's), with the proxy's group when it has one.
    const Owner front{static_cast<uid_t>(-1), d_.proxy_group.value_or(static_cast<gid_t>(-1))};
    const mode_t mode = d_.proxy_group ? kFrontDirForProxy : kFrontDirRootOnly;
    MD_RETURN_IF_ERROR(EnsureDirectory(d_.layout.front_root(), mode, front));
    MD_RETURN_IF_ERROR(EnsureDirectory(d_.layout.front_dir(sub), mode, front));
    MD_RETURN_IF_ERROR(EnsureDirectory(d_.layout.wake_entries_dir(), 0700));
    WakeEntry entry{.subdomain = sub,
                    .listen_socket = d_.layout.front_socket(sub),
                    .app_socket = d_.layout.socket_path(sub),
                    .service_dir = d_.scan_dir + "/" + Layout::ServiceName(sub),
                    .uid = user.uid,
                    .gid = user.gid,
                    .idle_after_s = d_.idle_after_s,
                    .health_path = profile.health_path,
                    .start_timeout_s = std::max(1, profile.health_timeout_s),
                    .wakeable = inst.status != InstanceStatus::kStopped};
    MD_RETURN_IF_ERROR(ValidateWakeEntry(entry));
    return WriteFileAtomic(d_.layout.wake_entry_path(sub), RenderWakeEntry(entry), 0600);
  }

  // The entry first: the waker then stops listening and removes its socket,
  // which may be gone already or not yet (the waker's own time).
  Status Remove(const std::string& sub) override {
    MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
    for (const std::string& file : {d_.layout.wake_entry_path(sub), d_.layout.front_socket(sub)}) {
      if (unlink(file.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("cannot remove " + file);
    }
    if (rmdir(d_.layout.front_dir(sub).c_str()) != 0 && errno != ENOENT) {
      return ErrnoStatus("cannot remove " + d_.layout.front_dir(sub));
    }
    return Status::Ok();
  }

  Result<bool> Exists(const std::string& sub) override {
    MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
    return PathExists(d_.layout.wake_entry_path(sub));
  }

  Result<std::vector<Orphan>> FindOrphans(const std::vector<Instance>& owners) override {
    std::set<std::string> owned;
    for (const Instance& inst : owners) owned.insert(inst.subdomain);
    std::vector<Orphan> orphans;
    std::error_code ec;  // a folder not made yet holds no orphan
    for (std::filesystem::directory_iterator it(d_.layout.wake_entries_dir(), ec), end; !ec && it != end;
         it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (ValidateSubdomain(name).ok() && !owned.count(name)) orphans.push_back({.ref = name});
    }
    return orphans;
  }

 private:
  ServiceDeps d_;
  InstanceContext& ctx_;
};

}  // namespace

std::unique_ptr<ResourceType> NewWakeEntryType(ServiceDeps deps, InstanceContext& ctx) {
  return std::make_unique<WakeEntryType>(deps, ctx);
}

}  // namespace md
