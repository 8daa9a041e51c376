#pragma once
// FakeAcmeIssuer: an AcmeIssuer for tests of its callers. Drives the solver
// as a CA would (Present for every authorization, then CleanUp), issues real
// certificates from a LocalCa in `ca_dir`, records every order and fails on
// request. Thread-safe.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/certs/acme_issuer.h"
#include "drivers/certs/local_ca.h"

namespace md {

class FakeAcmeIssuer final : public AcmeIssuer {
 public:
  explicit FakeAcmeIssuer(std::string ca_dir);

  OrderOutcome Order(const std::vector<std::string>& names, ChallengeSolver& solver) override;
  Result<std::optional<int64_t>> SuggestedRenewalMs(const CertificateBundle& bundle) override;

  // The next order fails as rate limited, with this Retry-After.
  void RateLimitNext(int64_t retry_after_ms);
  // The next order fails with `status` once its challenges are done.
  void FailNext(Status status);
  // What SuggestedRenewalMs answers (nullopt at first: no renewal information).
  void SetSuggestedRenewal(std::optional<int64_t> ms);
  // The names of every order received, oldest first.
  std::vector<std::vector<std::string>> orders() const;

 private:
  LocalCa ca_;
  mutable std::mutex mu_;  // guards the members below
  std::optional<int64_t> rate_limit_next_;
  Status fail_next_;
  std::optional<int64_t> suggested_renewal_;
  std::vector<std::vector<std::string>> orders_;
};

}  // namespace md
