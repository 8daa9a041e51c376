#pragma once
// SignupLimiter: how many signups the webhook admits — at most `per_client`
// per client address and `total` from everyone within a sliding window.
// In memory (a restart forgets it, which only ever lets more through).
// Memory is bounded: only admitted signups are remembered, at most `total`.
// Thread-safe.

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace md {

struct SignupLimits {
  int per_client = 5;
  int total = 100;
  int64_t window_ms = 3600 * 1000;
};

class SignupLimiter {
 public:
  explicit SignupLimiter(SignupLimits limits) : limits_(limits) {}
  // 0 if a signup from `client` at `now_ms` is admitted (and counted), else
  // the milliseconds until one would be.
  int64_t Admit(const std::string& client, int64_t now_ms);

 private:
  void Forget(int64_t now_ms);  // mu_ held

  const SignupLimits limits_;
  std::mutex mu_;
  std::deque<std::pair<int64_t, std::string>> admitted_;  // (time, client), oldest first; guarded by mu_
  std::map<std::string, std::deque<int64_t>> by_client_;  // guarded by mu_
};

}  // namespace md
