#pragma once
// A certificate with its key, as the proxy serves it, and the helpers shared
// by the local CA and the ACME client: names check, PEM inspection, key + CSR.
// Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace md {

struct CertificateBundle {
  std::string cert_pem;  // leaf, then the chain up to (maybe not including) a root
  std::string key_pem;   // the leaf's private key (PKCS#8); a secret, never logged
  std::vector<std::string> names;  // the leaf's DNS names (SAN, else CN)
  int64_t not_before_ms = 0;
  int64_t not_after_ms = 0;
  std::string issuer;  // the leaf issuer's CN
};

// Each name is a lower-case DNS name of RFC 1123 labels, at most 253 bytes,
// maybe "*." + such a name; at least one, no duplicates.
Status ValidateCertNames(const std::vector<std::string>& names);

// Parses a PEM chain, leaf first, into a bundle. With `key_pem`, checks that
// it is the leaf's private key and keeps it. InvalidArgument if unreadable.
Result<CertificateBundle> InspectPem(const std::string& cert_pem, const std::string& key_pem = "");

struct KeyAndCsr {
  std::string key_pem;  // a fresh ECDSA P-256 key
  std::string csr_der;  // PKCS#10, SHA-256; CN = names[0], every name in the SAN
};
Result<KeyAndCsr> MakeKeyAndCsr(const std::vector<std::string>& names);

}  // namespace md
