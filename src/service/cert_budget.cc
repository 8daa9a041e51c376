#include "service/cert_budget.h"

#include <time.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace md {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// "2026-12-01T10:00:00Z", rounded up to the second so that it is never early.
std::string FormatUtc(int64_t ms) {
  if (ms == kNever) return "never";
  int64_t secs = ms / 1000 + (ms % 1000 > 0 ? 1 : 0);
  time_t t = static_cast<time_t>(secs);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Plural(int64_t n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); }

// "7 days", "3 hours", "1 hour", "90 minutes", "1500 ms".
std::string FormatWindow(int64_t ms) {
  constexpr int64_t kMinute = 60 * 1000;
  if (ms > 0 && ms % RateLimits::kDayMs == 0) return Plural(ms / RateLimits::kDayMs, "day");
  if (ms > 0 && ms % RateLimits::kHourMs == 0) return Plural(ms / RateLimits::kHourMs, "hour");
  if (ms > 0 && ms % kMinute == 0) return Plural(ms / kMinute, "minute");
  if (ms > 0 && ms % 1000 == 0) return Plural(ms / 1000, "second");
  return std::to_string(ms) + " ms";
}

// The identifier a validation is for: a wildcard is validated on its base name.
std::string ValidationKey(const std::string& host) {
  std::string h = JoinCertNames({host});  // lower-case
  if (h.size() >= 2 && h[0] == '*' && h[1] == '.') h.erase(0, 2);
  return h;
}

// A sliding-window counter: the times of the counted events inside the window.
// Returns when one more event fits if it does not now, nullopt if it does.
std::optional<int64_t> NextSlot(std::vector<int64_t> times, int limit, int64_t window_ms) {
  if (limit <= 0 || static_cast<int64_t>(times.size()) < limit) return std::nullopt;
  std::sort(times.begin(), times.end());
  // Once times.size() - limit + 1 events have left, limit - 1 remain: room for one.
  return times[times.size() - static_cast<size_t>(limit)] + window_ms;
}

bool InWindow(int64_t at_ms, int64_t now_ms, int64_t window_ms) { return at_ms > now_ms - window_ms; }

struct Block {
  int64_t until;
  std::string reason;
};

}  // namespace

CertBudget::CertBudget(RateLimits limits, const PublicSuffixList& psl) : limits_(limits), psl_(psl) {}

CertBudget::Decision CertBudget::Check(const std::vector<std::string>& names, int64_t now_ms,
                                       const std::vector<AcmeEvent>& history) const {
  const std::string key = JoinCertNames(names);
  const std::vector<std::string> wanted = SplitCertNames(key);
  if (wanted.empty()) return {false, kNever, "no names to order a certificate for"};

  // Registered domains, memoised: history repeats the same few names.
  std::map<std::string, std::optional<std::string>> domain_of;
  auto registered = [&](const std::string& name) -> const std::optional<std::string>& {
    auto it = domain_of.find(name);
    if (it == domain_of.end()) {
      Result<std::string> d = psl_.RegisteredDomain(name);
      it = domain_of.emplace(name, d.ok() ? std::optional<std::string>(*d) : std::nullopt).first;
    }
    return it->second;
  };

  std::set<std::string> our_domains;
  for (const std::string& name : wanted) {
    Result<std::string> d = psl_.RegisteredDomain(name);
    if (!d.ok()) return {false, kNever, "cannot order a certificate for " + key + ": " + d.status().message()};
    our_domains.insert(*d);
  }
  const std::set<std::string> our_names(wanted.begin(), wanted.end());
  std::set<std::string> our_validation_keys;
  for (const std::string& name : wanted) our_validation_keys.insert(ValidationKey(name));

  bool renewal = false;
  std::vector<int64_t> orders;
  std::vector<int64_t> duplicates;
  std::map<std::string, std::vector<int64_t>> issued_per_domain;  // only our domains
  std::map<std::string, std::vector<int64_t>> failed_per_host;    // only our identifiers
  std::vector<Block> blocks;

  for (const AcmeEvent& e : history) {
    const std::string event_key = JoinCertNames(SplitCertNames(e.names));
    if (e.kind == "order") {
      if (InWindow(e.at_ms, now_ms, limits_.orders_window_ms)) orders.push_back(e.at_ms);
    } else if (e.kind == "issued") {
      if (event_key == key) {
        renewal = true;
        if (InWindow(e.at_ms, now_ms, limits_.duplicate_window_ms)) duplicates.push_back(e.at_ms);
      }
      if (!e.renewal && InWindow(e.at_ms, now_ms, limits_.certs_window_ms)) {
        std::set<std::string> counted;  // a certificate counts once per registered domain
        for (const std::string& name : SplitCertNames(event_key)) {
          const std::optional<std::string>& d = registered(name);
          if (d && our_domains.count(*d) > 0 && counted.insert(*d).second) issued_per_domain[*d].push_back(e.at_ms);
        }
      }
    } else if (e.kind == "failed_validation") {
      const std::string host = ValidationKey(e.host);
      if (our_validation_keys.count(host) > 0 && InWindow(e.at_ms, now_ms, limits_.failed_window_ms)) {
        failed_per_host[host].push_back(e.at_ms);
      }
    } else if (e.kind == "rate_limited") {
      if (e.at_ms <= now_ms) continue;
      const std::vector<std::string> limited = SplitCertNames(event_key);
      if (limited.empty()) {
        blocks.push_back({e.at_ms, "the CA answered rateLimited for this account; retry after " + FormatUtc(e.at_ms)});
        continue;
      }
      for (const std::string& name : limited) {
        if (our_names.count(name) > 0) {
          blocks.push_back(
              {e.at_ms, "the CA answered rateLimited for " + event_key + "; retry after " + FormatUtc(e.at_ms)});
          break;
        }
      }
    }
  }

  auto next_slot = [](int64_t at) { return "; next slot " + FormatUtc(at); };
  if (auto at = NextSlot(orders, limits_.orders_per_account, limits_.orders_window_ms)) {
    blocks.push_back({*at, std::to_string(limits_.orders_per_account) + " new orders per account per " +
                               FormatWindow(limits_.orders_window_ms) + " reached" + next_slot(*at)});
  }
  if (auto at = NextSlot(duplicates, limits_.duplicate_certs, limits_.duplicate_window_ms)) {
    blocks.push_back({*at, std::to_string(limits_.duplicate_certs) + " certificates for the exact names " + key +
                               " per " + FormatWindow(limits_.duplicate_window_ms) + " reached" + next_slot(*at)});
  }
  if (!renewal) {
    for (const auto& [domain, times] : issued_per_domain) {
      if (auto at = NextSlot(times, limits_.certs_per_registered_domain, limits_.certs_window_ms)) {
        blocks.push_back({*at, std::to_string(limits_.certs_per_registered_domain) +
                                   " certificates per registered domain " + domain + " per " +
                                   FormatWindow(limits_.certs_window_ms) + " reached" + next_slot(*at)});
      }
    }
  }
  for (const auto& [host, times] : failed_per_host) {
    if (auto at = NextSlot(times, limits_.failed_validations_per_host, limits_.failed_window_ms)) {
      blocks.push_back({*at, std::to_string(limits_.failed_validations_per_host) + " failed validations for " + host +
                                 " per " + FormatWindow(limits_.failed_window_ms) + " reached" + next_slot(*at)});
    }
  }

  if (blocks.empty()) return {true, now_ms, "", renewal};
  // Each limit, once lifted, stays lifted (no new events come while nothing is
  // sent), so the order is allowed once the last one lifts.
  const Block* last = &blocks.front();
  for (const Block& b : blocks) {
    if (b.until > last->until) last = &b;
  }
  return {false, last->until, last->reason, renewal};
}

}  // namespace md
