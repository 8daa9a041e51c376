#include "dashboard/session_store.h"

#include <algorithm>

#include "core/digest.h"
#include "core/random.h"

namespace md::dash {

SessionStore::SessionStore(std::function<int64_t()> now) : now_(std::move(now)) {}

bool SessionStore::Expired(const Session& s, int64_t now) const {
  return now - s.last_seen_ms >= kIdleMs || now - s.created_ms >= kAbsoluteMs;
}

Session SessionStore::Create(const std::string& actor, int64_t account_created_ms) {
  const int64_t now = now_();
  Session s{.id = RandomHex(32),
            .actor = actor,
            .csrf = RandomHex(32),
            .created_ms = now,
            .last_seen_ms = now,
            .account_created_ms = account_created_ms};
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = by_digest_.begin(); it != by_digest_.end();) {
    it = Expired(it->second, now) ? by_digest_.erase(it) : std::next(it);
  }
  if (by_digest_.size() >= kMaxSessions) {
    auto oldest = std::min_element(by_digest_.begin(), by_digest_.end(), [](const auto& a, const auto& b) {
      return a.second.last_seen_ms < b.second.last_seen_ms;
    });
    by_digest_.erase(oldest);
  }
  by_digest_[Sha256Hex(s.id)] = s;
  return s;
}

std::optional<Session> SessionStore::Find(const std::string& id) {
  if (id.empty()) return std::nullopt;
  const int64_t now = now_();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_digest_.find(Sha256Hex(id));
  if (it == by_digest_.end()) return std::nullopt;
  if (Expired(it->second, now)) {
    by_digest_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen_ms = now;
  return it->second;
}

void SessionStore::End(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  by_digest_.erase(Sha256Hex(id));
}

bool SessionStore::CsrfMatches(const Session& session, const std::string& given) {
  return !given.empty() && ConstantTimeEquals(session.csrf, given);
}

}  // namespace md::dash
