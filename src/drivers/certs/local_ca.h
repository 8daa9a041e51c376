#pragma once
// LocalCa: a private certificate authority in one folder (root.key 0600,
// root.pem), for hosts that cannot get a public certificate yet. Issues
// short-lived server certificates signed directly by its root. Thread-safe;
// the root is loaded once and kept.

#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "drivers/certs/certificate.h"
#include "drivers/certs/ossl.h"

namespace md {

inline constexpr const char* kLocalCaKeyFile = "root.key";
inline constexpr const char* kLocalCaCertFile = "root.pem";

class LocalCa {
 public:
  explicit LocalCa(std::string dir);

  // Creates the folder (0700), then the root key and the self-signed root
  // certificate (10 years, "MeltanoData local CA <random>") unless present;
  // the key is written before the certificate, each atomically, so a crash
  // leaves nothing or a key that the next call completes. Idempotent: an
  // existing root is kept. FailedPrecondition if the files do not match.
  Status Ensure();

  // The root certificate (PEM), to be trusted by clients. Ensures the root.
  Result<std::string> RootPem();

  // A certificate for `names` (DNS names, wildcards allowed; the first is the
  // CN, all are in the SAN; serverAuth), valid from an hour ago for
  // `validity_days` (1-398) days, with a fresh P-256 key. Its chain is leaf +
  // root. Ensures the root.
  Result<CertificateBundle> Issue(const std::vector<std::string>& names, int validity_days = 90);

 private:
  Status Load();                          // REQUIRES: mu_ held
  Status CreateCert(EVP_PKEY* key);       // REQUIRES: mu_ held

  const std::string dir_;
  std::mutex mu_;
  PkeyPtr key_;   // guarded by mu_; set with cert_ once loaded
  X509Ptr cert_;  // guarded by mu_
};

}  // namespace md
