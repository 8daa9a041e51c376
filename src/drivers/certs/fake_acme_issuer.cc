#include "drivers/certs/fake_acme_issuer.h"

#include <utility>

#include "core/random.h"

namespace md {

FakeAcmeIssuer::FakeAcmeIssuer(std::string ca_dir) : ca_(std::move(ca_dir)) {}

void FakeAcmeIssuer::RateLimitNext(int64_t retry_after_ms) {
  std::lock_guard lock(mu_);
  rate_limit_next_ = retry_after_ms;
}

void FakeAcmeIssuer::FailNext(Status status) {
  std::lock_guard lock(mu_);
  fail_next_ = std::move(status);
}

void FakeAcmeIssuer::SetSuggestedRenewal(std::optional<int64_t> ms) {
  std::lock_guard lock(mu_);
  suggested_renewal_ = ms;
}

std::vector<std::vector<std::string>> FakeAcmeIssuer::orders() const {
  std::lock_guard lock(mu_);
  return orders_;
}

Result<std::optional<int64_t>> FakeAcmeIssuer::SuggestedRenewalMs(const CertificateBundle&) {
  std::lock_guard lock(mu_);
  return suggested_renewal_;
}

OrderOutcome FakeAcmeIssuer::Order(const std::vector<std::string>& names, ChallengeSolver& solver) {
  std::lock_guard lock(mu_);
  OrderOutcome out;
  out.status = ValidateCertNames(names);
  if (!out.status.ok()) return out;
  orders_.push_back(names);
  if (rate_limit_next_) {
    out.status = Unavailable("ACME newOrder: urn:ietf:params:acme:error:rateLimited: fake rate limit (HTTP 429)");
    out.rate_limited = true;
    out.retry_after_ms = *std::exchange(rate_limit_next_, std::nullopt);
    return out;
  }
  const Status fail = std::exchange(fail_next_, Status::Ok());
  struct Presented {
    std::string type, domain, token, value;
  };
  std::vector<Presented> presented;
  for (const auto& name : names) {
    const bool wildcard = name.rfind("*.", 0) == 0;
    Presented p{"", wildcard ? name.substr(2) : name, RandomHex(16), ""};
    p.type = solver.Supports(kDns01) ? kDns01 : (!wildcard && solver.Supports(kHttp01)) ? kHttp01 : "";
    if (p.type.empty()) {
      out.status = FailedPrecondition("no supported ACME challenge for " + name + " (offered: " +
                                      (wildcard ? "dns-01" : "http-01, dns-01") + ")");
      break;
    }
    p.value = "fake-" + p.token;
    presented.push_back(p);
    out.status = solver.Present(p.type, p.domain, p.token, p.value).WithContext("presenting " + p.type + " for " + name);
    if (!out.status.ok()) break;
  }
  for (const auto& p : presented) {
    Status s = solver.CleanUp(p.type, p.domain, p.token, p.value);
    if (out.cleanup.ok() && !s.ok()) out.cleanup = s;
  }
  if (out.status.ok()) out.status = fail;
  if (!out.status.ok()) return out;
  auto bundle = ca_.Issue(names);
  if (bundle.ok()) {
    out.bundle = std::move(bundle).value();
  } else {
    out.status = bundle.status();
  }
  return out;
}

}  // namespace md
