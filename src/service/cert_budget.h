#pragma once
// Let's Encrypt's rate limits as a budget: whether an ACME order may be sent
// now, counted from the events the CA saw from us (Store::ListAcmeEvents), and
// if not, the earliest time it may. An order the budget refuses is not sent;
// the host is served with a local-CA certificate meanwhile.

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.h"
#include "service/registered_domain.h"

namespace md {

// The limits to keep under, defaults as Let's Encrypt publishes them. A limit
// of 0 or less is not enforced (a test CA such as Pebble has none).
struct RateLimits {
  static constexpr int64_t kHourMs = int64_t{60} * 60 * 1000;
  static constexpr int64_t kDayMs = 24 * kHourMs;

  int certs_per_registered_domain = 50;  // new certificates, renewals exempt
  int64_t certs_window_ms = 7 * kDayMs;
  int duplicate_certs = 5;  // certificates for one exact name set, renewals included
  int64_t duplicate_window_ms = 7 * kDayMs;
  int orders_per_account = 300;
  int64_t orders_window_ms = 3 * kHourMs;
  int failed_validations_per_host = 5;  // per identifier; an order including it is refused
  int64_t failed_window_ms = 1 * kHourMs;
};

// CertBudget: pure logic over the event history, no I/O. Each limit is a
// sliding window: an event at t counts while now < t + window, so a refused
// order's not_before_ms is exactly when enough counted events have left their
// window. Immutable, so thread-safe; `psl` is not owned and must outlive it.
//
// History conventions (AcmeEvent):
// - "order": one per order sent; counts against orders_per_account.
// - "issued": one per certificate issued, `renewal` set when its exact name set
//   was issued before. A non-renewal counts against certs_per_registered_domain
//   once for each registered domain among its names; every issued certificate
//   counts against duplicate_certs for its exact name set. The order being
//   checked is a renewal if an "issued" event in `history` has its exact names,
//   so history should reach back a certificate lifetime (90 days), not only the
//   longest window.
// - "failed_validation": `host` is the identifier that failed ("*." dropped, as
//   the CA validates a wildcard on its base name); an order including that
//   identifier is refused while failed_validations_per_host are in the window.
// - "rate_limited": the CA answered rateLimited (HTTP 429). `at_ms` is the time
//   it said to retry (Retry-After), not when it answered; until then any order
//   sharing a name with `names` is refused, every order if `names` is "" (an
//   account-wide limit).
// Orders in flight are not counted as certificates until their "issued" event:
// the caller sends one order at a time per name set.
class CertBudget {
 public:
  struct Decision {
    bool allowed = false;
    int64_t not_before_ms = 0;  // earliest time it would be allowed: now if allowed
    std::string reason;         // the limit that decides not_before_ms, one line; "" if allowed
    bool renewal = false;       // the exact name set was issued before: record "issued" with renewal set
  };

  CertBudget(RateLimits limits, const PublicSuffixList& psl);

  // Whether an order for `names` (any case and order) may be sent at `now_ms`.
  // Names that are not valid host names, or none, are refused for good
  // (not_before_ms is INT64_MAX): the CA would refuse them too.
  Decision Check(const std::vector<std::string>& names, int64_t now_ms, const std::vector<AcmeEvent>& history) const;

  const RateLimits& limits() const { return limits_; }

 private:
  RateLimits limits_;
  const PublicSuffixList& psl_;
};

}  // namespace md
