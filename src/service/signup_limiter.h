#pragma once
// SignupLimiter: how many signups the webhook admits — at most `per_email`
// per customer email address and `total` from everyone within a sliding
// window. Not per sender address: a webhook's sender is the form tool, whose
// few addresses every customer shares.
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
  int per_email = 5;
  int total = 100;
  int64_t window_ms = 3600 * 1000;
};

class SignupLimiter {
 public:
  explicit SignupLimiter(SignupLimits limits) : limits_(limits) {}
  // 0 if a signup for `email` at `now_ms` is admitted (and counted), else
  // the milliseconds until one would be. The address is compared trimmed and
  // lower-cased.
  int64_t Admit(const std::string& email, int64_t now_ms);

 private:
  void Forget(int64_t now_ms);  // mu_ held

  const SignupLimits limits_;
  std::mutex mu_;
  std::deque<std::pair<int64_t, std::string>> admitted_;  // (time, email), oldest first; guarded by mu_
  std::map<std::string, std::deque<int64_t>> by_email_;   // guarded by mu_
};

}  // namespace md
