// A tenant's FTP and SFTP login (ref: its Unix user's name), chrooted to its
// root DATA/tenants/SUB — root's, 0755 — where only project/ is the
// tenant's to write; files it uploads are its Unix user's. The password is
// the vault's kFilesPasswordKey, stored hashed.

#include "core/random.h"
#include "drivers/files/password_hash.h"
#include "service/credentials.h"
#include "service/resources/resource_types.h"

namespace md {
namespace {

class FileAccountType final : public ResourceType {
 public:
  explicit FileAccountType(ServiceDeps deps) : d_(deps) {}

  const ResourceTraits& traits() const override {
    static const ResourceTraits kTraits{ResourceKind::kFileAccount, ResourcePhase::kProvision, "create_file_account",
                                        "remove_file_account"};
    return kTraits;
  }

  Status Ensure(const std::string& sub) override {
    MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
    MD_RETURN_IF_ERROR(
        d_.store.AddLedger({.subdomain = sub, .kind = ResourceKind::kFileAccount, .ref = inst.unix_user}).status());
    MD_ASSIGN_OR_RETURN(std::string password, Password(sub));
    MD_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
    return d_.file_accounts.Ensure({.user = inst.unix_user, .root = d_.layout.tenant_dir(sub), .password_hash = hash});
  }

  Status Remove(const std::string& user) override { return d_.file_accounts.Remove(user); }

  Result<bool> Exists(const std::string& user) override { return d_.file_accounts.Exists(user); }

  Result<std::vector<Orphan>> FindOrphans(const std::vector<Instance>& owners) override {
    std::set<std::string> owned;
    for (const Instance& inst : owners) owned.insert(inst.unix_user);
    MD_ASSIGN_OR_RETURN(std::vector<std::string> users, d_.file_accounts.List());
    return UnownedNames(users, "", owned);
  }

 private:
  // The instance's file-access password; one admitted before file access
  // existed (or restored from such a backup) gets one now.
  Result<std::string> Password(const std::string& sub) {
    auto password = d_.secrets().Get(sub, kFilesPasswordKey);
    if (password.ok() || password.status().code() != Code::kNotFound) return password;
    std::string made = RandomHex(kFilesPasswordBytes);
    MD_RETURN_IF_ERROR(d_.secrets().Set(sub, {{kFilesPasswordKey, made}}, {}));
    return made;
  }

  ServiceDeps d_;
};

}  // namespace

std::unique_ptr<ResourceType> NewFileAccountType(ServiceDeps deps) { return std::make_unique<FileAccountType>(deps); }

}  // namespace md
