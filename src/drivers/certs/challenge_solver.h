#pragma once
// ChallengeSolver: publishes what an ACME server checks to validate control
// of a domain (RFC 8555 §8), and removes it afterwards. Implemented by the
// caller (DNS through RFC 2136, HTTP through the proxy); the ACME client
// calls it from the thread that runs the order.

#include <string>

#include "core/status.h"

namespace md {

inline constexpr const char* kHttp01 = "http-01";
inline constexpr const char* kDns01 = "dns-01";

class ChallengeSolver {
 public:
  virtual ~ChallengeSolver() = default;

  // Whether this solver can publish challenges of `type` ("dns-01", "http-01").
  virtual bool Supports(const std::string& type) const = 0;

  // Publishes `value` for `domain` (never with "*."; a wildcard's domain is
  // its base name):
  //  - http-01: serve `value` (the key authorization, token.thumbprint) at
  //    http://DOMAIN/.well-known/acme-challenge/TOKEN;
  //  - dns-01: a TXT record _acme-challenge.DOMAIN whose text is `value`
  //    (already base64url(SHA-256(key authorization))). A name and its
  //    wildcard need two such records at once: add, do not replace.
  // Returns once the value is visible to the server.
  virtual Status Present(const std::string& type, const std::string& domain, const std::string& token,
                         const std::string& value) = 0;

  // Removes what Present published with the same arguments; absent is success.
  virtual Status CleanUp(const std::string& type, const std::string& domain, const std::string& token,
                         const std::string& value) = 0;
};

}  // namespace md
