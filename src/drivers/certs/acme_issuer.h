#pragma once
// AcmeIssuer: obtains certificates from an ACME certificate authority
// (RFC 8555). AcmeClient is the real one, FakeAcmeIssuer the fake. No
// policy: the caller chooses names, solvers and when to renew.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "drivers/certs/certificate.h"
#include "drivers/certs/challenge_solver.h"

namespace md {

// The end of one order: a certificate, or why there is none.
struct OrderOutcome {
  std::optional<CertificateBundle> bundle;  // set exactly when `status` is OK
  Status status;
  // The CA refused for a rate limit (urn:ietf:params:acme:error:rateLimited,
  // `status` Unavailable): order again no sooner than `retry_after_ms` from
  // now (the server's Retry-After; 0 if it sent none).
  bool rate_limited = false;
  int64_t retry_after_ms = 0;
  // The first error of the solver's CleanUp calls; it does not change the result.
  Status cleanup;
};

class AcmeIssuer {
 public:
  virtual ~AcmeIssuer() = default;

  // Orders a certificate for `names` (DNS names, wildcards allowed; the first
  // is the CN): proves control of each through `solver` (dns-01 preferred
  // when it supports both), whose CleanUp is called for everything presented.
  // Errors: InvalidArgument (names), Unavailable (transient: network, 5xx,
  // rate limit, still pending at the order's deadline), FailedPrecondition
  // (an authorization failed or no supported challenge; the message names the
  // identifier), Internal. ACME problems read "<type>: <detail>".
  virtual OrderOutcome Order(const std::vector<std::string>& names, ChallengeSolver& solver) = 0;

  // When the CA suggests renewing `bundle` (ACME Renewal Information, epoch
  // ms, a random point in its window), or nullopt if the CA does not offer it.
  virtual Result<std::optional<int64_t>> SuggestedRenewalMs(const CertificateBundle& bundle) = 0;
};

}  // namespace md
