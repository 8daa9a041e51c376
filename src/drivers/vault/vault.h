#pragma once
// Vault: seals and opens small values (passwords, keys) under a master key
// that is kept apart from the store, so that the store file, a backup or a
// copy of either never holds a secret in clear. A value is sealed for a
// `context` (what it is, e.g. "secret/acme/md:db_password") and opens under
// that context only: a sealed value moved to another row does not open.
// Sealed text is printable ASCII. Implementations are thread-safe.

#include <string>
#include <string_view>

#include "core/status.h"

namespace md {

class Vault {
 public:
  virtual ~Vault() = default;

  // A fresh sealing of `plaintext` (a new nonce each time).
  virtual Result<std::string> Seal(std::string_view context, std::string_view plaintext) = 0;
  // The plaintext of `sealed`. FailedPrecondition, naming neither, if it was
  // changed, sealed under another key or for another context.
  virtual Result<std::string> Open(std::string_view context, std::string_view sealed) = 0;
};

}  // namespace md
