#pragma once
// AuditThrottle: how often a refused (unauthenticated) request gets a row in
// the audit log — at most one per client address per window (a minute); the
// others are counted, and the next recorded row says how many. Memory is
// bounded: past `max_clients` addresses, new ones share one bucket, so a
// client that cycles addresses still gets one row per window. Thread-safe.

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace md {

class AuditThrottle {
 public:
  static constexpr int64_t kWindowMs = 60 * 1000;
  static constexpr size_t kMaxClients = 1024;

  explicit AuditThrottle(int64_t window_ms = kWindowMs, size_t max_clients = kMaxClients)
      : window_ms_(window_ms), max_clients_(max_clients) {}

  // Whether a refused request from `client` at `now_ms` is recorded. If it
  // is, `*unrecorded` is set to how many from it were not since its last
  // recorded one (those of a bucket dropped in the meantime are lost).
  bool Admit(const std::string& client, int64_t now_ms, int64_t* unrecorded);

 private:
  struct Bucket {
    int64_t recorded_ms = 0;  // when its last row was recorded
    int64_t unrecorded = 0;   // refused since, not recorded
  };
  void ForgetExpired(int64_t now_ms);  // mu_ held

  const int64_t window_ms_;
  const size_t max_clients_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;  // guarded by mu_; at most max_clients_ + 1
};

}  // namespace md
