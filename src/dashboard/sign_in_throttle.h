#pragma once
// SignInThrottle: slows password and token guessing at the dashboard's sign
// in. A client address with kMaxFailures failed sign-ins within kWindowMs is
// refused until kWindowMs after the first of them. Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace md::dash {

class SignInThrottle {
 public:
  static constexpr int kMaxFailures = 5;
  static constexpr int64_t kWindowMs = 5 * 60 * 1000;
  static constexpr size_t kMaxClients = 10000;  // beyond: the oldest windows are dropped

  // Whether `client` may try now.
  bool Allowed(const std::string& client, int64_t now_ms);
  void Failed(const std::string& client, int64_t now_ms);
  void Succeeded(const std::string& client);

 private:
  struct Window {
    int64_t first_ms = 0;
    int failures = 0;
  };
  std::mutex mu_;
  std::map<std::string, Window> clients_;  // guarded by mu_
};

}  // namespace md::dash
