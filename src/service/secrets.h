#pragma once
// Secrets: an instance's secrets as the use cases see them — sealed by the
// vault in the store, opened only where a value is needed (the tenant's
// secret files, the database URL, `credentials show`). Each value is sealed
// for "secret/SUB/KEY", so it opens only in its own row; a backup carries the
// whole set as one value sealed for "backup/SUB". Holds references only;
// thread-safe as the store and vault are.

#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "drivers/vault/vault.h"
#include "store/store.h"

namespace md {

class Secrets {
 public:
  Secrets(Store& store, Vault& vault) : store_(store), vault_(vault) {}

  // Every secret of `sub`, opened.
  Result<EnvMap> Get(const std::string& sub);
  // One secret, opened; NotFound if it is not set.
  Result<std::string> Get(const std::string& sub, const std::string& key);
  // Seals and stores `set`, removes `unset`.
  Status Set(const std::string& sub, const EnvMap& set, const std::vector<std::string>& unset);
  // Replaces the whole set by `values`: keys not in it are removed.
  Status Replace(const std::string& sub, const EnvMap& values);
  // `plain` sealed as Set would store it, for Store::AdmitInstance.
  Result<EnvMap> Seal(const std::string& sub, const EnvMap& plain);
  // The names set on `sub`; nothing is opened.
  Result<std::vector<std::string>> Names(const std::string& sub);

  // The whole set as one sealed value, for a backup of `sub`; OpenBundle is
  // its inverse (a bundle of another subdomain does not open).
  Result<std::string> SealBundle(const std::string& sub, const EnvMap& plain);
  Result<EnvMap> OpenBundle(const std::string& sub, const std::string& sealed);

  // Seals what an older version stored in clear (Store::SealPlainSecrets).
  Result<int> SealPlainSecrets();

 private:
  static std::string ContextOf(const std::string& sub, const std::string& key) { return "secret/" + sub + "/" + key; }

  Store& store_;
  Vault& vault_;
};

}  // namespace md
