#pragma once
// SessionStore: the dashboard's signed-in sessions, held in memory. A
// session id is 32 random bytes (hex in the cookie); the store keys sessions
// by the id's SHA-256, so a lookup's timing tells nothing of live ids. Each
// session has its own CSRF token. A session ends when signed out, after
// kIdleMs without a request, or kAbsoluteMs after sign-in, whichever comes
// first. Thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace md::dash {

struct Session {
  std::string id;     // the cookie's value
  std::string actor;  // "admin" or "operator:NAME"
  std::string csrf;   // the hidden field every form carries
  int64_t created_ms = 0;
  int64_t last_seen_ms = 0;
  int64_t account_created_ms = 0;  // an operator's: when its account was made (a remade one is another)
};

class SessionStore {
 public:
  static constexpr int64_t kIdleMs = int64_t{30} * 60 * 1000;
  static constexpr int64_t kAbsoluteMs = int64_t{12} * 3600 * 1000;
  static constexpr size_t kMaxSessions = 10000;  // beyond: the least recently seen ends

  // `now` gives wall-clock milliseconds (tests pass a fake clock).
  explicit SessionStore(std::function<int64_t()> now);

  Session Create(const std::string& actor, int64_t account_created_ms = 0);
  // The live session of `id`, seen now; nullopt (and it is forgotten) once expired.
  std::optional<Session> Find(const std::string& id);
  void End(const std::string& id);
  // Whether `given` is the session's CSRF token (constant time).
  static bool CsrfMatches(const Session& session, const std::string& given);

 private:
  bool Expired(const Session& s, int64_t now) const;

  std::function<int64_t()> now_;
  std::mutex mu_;
  std::map<std::string, Session> by_digest_;  // guarded by mu_
};

}  // namespace md::dash
