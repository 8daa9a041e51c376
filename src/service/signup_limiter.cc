#include "service/signup_limiter.h"

#include <algorithm>

#include "core/strings.h"

namespace md {

void SignupLimiter::Forget(int64_t now_ms) {
  while (!admitted_.empty() && admitted_.front().first <= now_ms - limits_.window_ms) {
    auto it = by_email_.find(admitted_.front().second);
    if (it != by_email_.end()) {
      it->second.pop_front();
      if (it->second.empty()) by_email_.erase(it);
    }
    admitted_.pop_front();
  }
}

int64_t SignupLimiter::Admit(const std::string& email, int64_t now_ms) {
  const std::string key = AsciiLower(Trim(email));
  std::lock_guard lock(mu_);
  Forget(now_ms);
  int64_t wait = 0;
  if (static_cast<int>(admitted_.size()) >= limits_.total) {
    wait = admitted_[admitted_.size() - limits_.total].first + limits_.window_ms - now_ms;
  }
  auto it = by_email_.find(key);
  if (it != by_email_.end() && static_cast<int>(it->second.size()) >= limits_.per_email) {
    const auto& times = it->second;
    wait = std::max(wait, times[times.size() - limits_.per_email] + limits_.window_ms - now_ms);
  }
  if (wait > 0) return wait;
  admitted_.emplace_back(now_ms, key);
  by_email_[key].push_back(now_ms);
  return 0;
}

}  // namespace md
