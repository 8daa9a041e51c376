#include "dashboard/sign_in_throttle.h"

namespace md::dash {

bool SignInThrottle::Allowed(const std::string& client, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = clients_.find(client);
  if (it == clients_.end()) return true;
  if (now_ms - it->second.first_ms >= kWindowMs) {
    clients_.erase(it);
    return true;
  }
  return it->second.failures < kMaxFailures;
}

void SignInThrottle::Failed(const std::string& client, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (clients_.size() >= kMaxClients) {
    for (auto it = clients_.begin(); it != clients_.end();) {
      it = now_ms - it->second.first_ms >= kWindowMs ? clients_.erase(it) : std::next(it);
    }
    if (clients_.size() >= kMaxClients) clients_.clear();
  }
  Window& w = clients_[client];
  if (w.failures == 0 || now_ms - w.first_ms >= kWindowMs) w = {now_ms, 0};
  ++w.failures;
}

void SignInThrottle::Succeeded(const std::string& client) {
  std::lock_guard<std::mutex> lock(mu_);
  clients_.erase(client);
}

}  // namespace md::dash
