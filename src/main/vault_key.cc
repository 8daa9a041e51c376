#include "main/vault_key.h"

namespace md {

Result<std::unique_ptr<SodiumVault>> OpenVault(Store& store, const std::string& key_file) {
  MD_ASSIGN_OR_RETURN(int64_t sealed, store.CountSealedSecrets());
  return SodiumVault::OpenKeyFile(key_file,
                                  sealed == 0 ? SodiumVault::MissingKey::kCreate : SodiumVault::MissingKey::kRefuse);
}

}  // namespace md
