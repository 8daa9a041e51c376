#pragma once
// OpenVault: the vault `serve` uses. A missing key file is created only while
// the store holds no sealed secret; once one exists, a missing key (a typo in
// vault_key_file, an unmounted volume) stops the start with one line naming
// the file, instead of a new key that opens none of them.

#include <memory>
#include <string>

#include "core/status.h"
#include "drivers/vault/sodium_vault.h"
#include "store/store.h"

namespace md {

Result<std::unique_ptr<SodiumVault>> OpenVault(Store& store, const std::string& key_file);

}  // namespace md
