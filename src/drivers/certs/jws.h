#pragma once
// AccountKey: an ACME account's ES256 (ECDSA P-256) key, its public JWK and
// thumbprint, and the JWS signatures made with it (RFC 7515, 7517, 7638).
// Immutable once loaded, so thread-safe; movable, not copyable.

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "drivers/certs/ossl.h"

namespace md {

class AccountKey {
 public:
  // Reads the PEM key at `path`, or, if there is none, creates one there
  // (0600; when two processes race, both end up with the first one linked).
  // FailedPrecondition if the file is not a P-256 key; its text is never quoted.
  static Result<AccountKey> LoadOrCreate(const std::string& path);

  // {"crv":"P-256","kty":"EC","x":…,"y":…}
  const nlohmann::json& jwk() const { return jwk_; }
  // base64url(SHA-256(the JWK's RFC 7638 canonical form)).
  const std::string& thumbprint() const { return thumbprint_; }

  // The flattened JWS JSON serialization (RFC 7515 §7.2.2) of `payload`,
  // under `header` with "alg":"ES256" added; the signature is r||s (64 bytes).
  Result<std::string> Sign(nlohmann::json header, const std::string& payload) const;

 private:
  explicit AccountKey(PkeyPtr key) : key_(std::move(key)) {}

  PkeyPtr key_;
  nlohmann::json jwk_;
  std::string thumbprint_;
};

}  // namespace md
