#pragma once
// SodiumVault: the Vault over libsodium's XChaCha20-Poly1305 (IETF) AEAD: a
// random 192-bit nonce per sealing, the context as additional data, and a
// 256-bit master key read from a key file (created once, 0600, owned by the
// controller's user). The key lives in guarded, read-only memory
// (sodium_malloc). Thread-safe; owns the key.

#include <memory>
#include <string>

#include "drivers/vault/vault.h"

namespace md {

class SodiumVault final : public Vault {
 public:
  static constexpr size_t kKeyBytes = 32;

  // What to do when the key file does not exist.
  enum class MissingKey {
    kCreate,  // make one: nothing is sealed yet
    kRefuse,  // FailedPrecondition: values sealed under the lost key would never open again
  };

  // Reads the master key from `key_path`, or, if absent and `missing` is
  // kCreate, creates it there (random, mode 0600, O_EXCL). Refuses (FailedPrecondition, naming the file
  // and the fix) a key file that is not a regular file, not the controller's
  // user's, readable or writable by anyone else, or not kKeyBytes long.
  static Result<std::unique_ptr<SodiumVault>> OpenKeyFile(const std::string& key_path, MissingKey missing);
  ~SodiumVault() override;
  SodiumVault(const SodiumVault&) = delete;
  SodiumVault& operator=(const SodiumVault&) = delete;

  // "mdv1:" + base64url(nonce || ciphertext || tag).
  Result<std::string> Seal(std::string_view context, std::string_view plaintext) override;
  Result<std::string> Open(std::string_view context, std::string_view sealed) override;

 private:
  explicit SodiumVault(unsigned char* key) : key_(key) {}
  unsigned char* key_;  // kKeyBytes, sodium_malloc'd, read-only
};

}  // namespace md
