// A tenant's directories (ref: the path): DATA/tenants/SUB (its project,
// installed app versions and logs), DATA/secrets/SUB and DATA/sockets/SUB.
// Each is made and removed from its root-owned parent through TenantFs, so
// nothing a tenant planted beneath it is ever followed.

#include "service/resources/resource_types.h"

namespace md {
namespace {

constexpr mode_t kRootDir = 0755;
constexpr mode_t kTenantDir = 0750;
// An app's socket dir: the tenant's alone. The proxy reaches the app only
// through the waker (DATA/front), which runs as root.
constexpr mode_t kSocketDir = 0700;

class DirectoriesType final : public ResourceType {
 public:
  DirectoriesType(ServiceDeps deps, InstanceContext& ctx) : d_(deps), ctx_(ctx) {}

  const ResourceTraits& traits() const override {
    static const ResourceTraits kTraits{ResourceKind::kDirectory, ResourcePhase::kProvision, "create_files",
                                        "remove_files"};
    return kTraits;
  }

  Status Ensure(const std::string& sub) override {
    MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
    MD_ASSIGN_OR_RETURN(UnixUser user, ctx_.TenantUser(inst));
    Owner tenant{user.uid, user.gid};
    for (const std::string& root : d_.layout.per_tenant_roots()) {
      MD_RETURN_IF_ERROR(
          d_.store.AddLedger({.subdomain = sub, .kind = ResourceKind::kDirectory, .ref = root + "/" + sub}).status());
    }
    // The roots are the controller's; beneath them, a re-run may meet what a
    // tenant planted: nothing is followed.
    const std::string data = d_.layout.data_dir();
    for (const std::string& root : d_.layout.per_tenant_roots()) {
      MD_RETURN_IF_ERROR(d_.tenant_fs.EnsureDirectory(data, root.substr(data.size() + 1), kRootDir, {}));
    }
    const std::string tenants = d_.layout.tenants_root();
    MD_RETURN_IF_ERROR(d_.tenant_fs.EnsureDirectory(tenants, sub, kRootDir, {}));
    MD_RETURN_IF_ERROR(d_.tenant_fs.EnsureDirectory(tenants, sub + "/project", kTenantDir, tenant));
    MD_RETURN_IF_ERROR(d_.tenant_fs.EnsureDirectory(tenants, sub + "/app", kRootDir, {}));
    MD_RETURN_IF_ERROR(d_.tenant_fs.EnsureDirectory(tenants, sub + "/logs", kTenantDir, tenant));
    MD_RETURN_IF_ERROR(d_.tenant_fs.EnsureDirectory(d_.layout.sockets_root(), sub, kSocketDir, tenant));
    return d_.tenant_fs.EnsureDirectory(d_.layout.secrets_root(), sub, Layout::kSecretsDirMode, tenant);
  }

  Status Remove(const std::string& path) override {
    MD_ASSIGN_OR_RETURN(auto where, Split(path));
    return d_.tenant_fs.RemoveTree(where.first, where.second);
  }

  // Looked at from its root-owned parent, without following a link.
  Result<bool> Exists(const std::string& path) override {
    MD_ASSIGN_OR_RETURN(auto where, Split(path));
    auto info = d_.tenant_fs.Stat(where.first, where.second);
    MD_ASSIGN_OR_RETURN(bool found, Found(info));
    return found && info->type == FileType::kDirectory;
  }

  Result<std::vector<Orphan>> FindOrphans(const std::vector<Instance>& owners) override {
    std::set<std::string> owned;
    for (const Instance& inst : owners) owned.insert(inst.subdomain);
    std::vector<Orphan> orphans;
    for (const std::string& root : d_.layout.per_tenant_roots()) {
      auto entries = d_.tenant_fs.ListDirectory(root, "");
      if (!entries.ok()) continue;  // a root not made yet
      for (const DirEntry& entry : *entries) {
        if (!owned.count(entry.name)) orphans.push_back({.ref = root + "/" + entry.name});
      }
    }
    return orphans;
  }

 private:
  // A tenant's directory as (its per-tenant root, its name); anything else is refused.
  Result<std::pair<std::string, std::string>> Split(const std::string& path) {
    for (const std::string& root : d_.layout.per_tenant_roots()) {
      std::string name = path.rfind(root + "/", 0) == 0 ? path.substr(root.size() + 1) : "";
      if (!name.empty() && name.find('/') == std::string::npos && name != "." && name != "..") {
        return std::pair{root, name};
      }
    }
    return InvalidArgument("refusing " + path + ": not a tenant's directory");
  }

  ServiceDeps d_;
  InstanceContext& ctx_;
};

}  // namespace

std::unique_ptr<ResourceType> NewDirectoriesType(ServiceDeps deps, InstanceContext& ctx) {
  return std::make_unique<DirectoriesType>(deps, ctx);
}

}  // namespace md
