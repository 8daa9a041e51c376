#include "service/signup_limiter.h"

#include <algorithm>

namespace md {

void SignupLimiter::Forget(int64_t now_ms) {
  while (!admitted_.empty() && admitted_.front().first <= now_ms - limits_.window_ms) {
    auto it = by_client_.find(admitted_.front().second);
    if (it != by_client_.end()) {
      it->second.pop_front();
      if (it->second.empty()) by_client_.erase(it);
    }
    admitted_.pop_front();
  }
}

int64_t SignupLimiter::Admit(const std::string& client, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Forget(now_ms);
  int64_t wait = 0;
  if (static_cast<int>(admitted_.size()) >= limits_.total) {
    wait = admitted_[admitted_.size() - limits_.total].first + limits_.window_ms - now_ms;
  }
  auto it = by_client_.find(client);
  if (it != by_client_.end() && static_cast<int>(it->second.size()) >= limits_.per_client) {
    const auto& times = it->second;
    wait = std::max(wait, times[times.size() - limits_.per_client] + limits_.window_ms - now_ms);
  }
  if (wait > 0) return wait;
  admitted_.emplace_back(now_ms, client);
  by_client_[client].push_back(now_ms);
  return 0;
}

}  // namespace md
