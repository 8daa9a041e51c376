#include "api/audit_throttle.h"

namespace md {

void AuditThrottle::ForgetExpired(int64_t now_ms) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    it = now_ms - it->second.recorded_ms >= window_ms_ ? buckets_.erase(it) : std::next(it);
  }
}

bool AuditThrottle::Admit(const std::string& client, int64_t now_ms, int64_t* unrecorded) {
  // The bucket every address shares once the map is full (not an address).
  static const std::string kOverflow = "*";
  std::lock_guard lock(mu_);
  bool full = false;
  if (buckets_.find(client) == buckets_.end() && buckets_.size() >= max_clients_) {
    ForgetExpired(now_ms);
    full = buckets_.size() >= max_clients_;
  }
  auto [it, added] = buckets_.try_emplace(full ? kOverflow : client);
  Bucket& b = it->second;
  if (!added && now_ms - b.recorded_ms < window_ms_) {
    ++b.unrecorded;
    return false;
  }
  *unrecorded = b.unrecorded;
  b = {.recorded_ms = now_ms, .unrecorded = 0};
  return true;
}

}  // namespace md
