#pragma once
// FakeHost: Host kept in memory, for unit tests. Records every call and can
// fail the next one on demand. Thread-safe.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/host/host.h"

namespace md {

class FakeHost final : public Host {
 public:
  FakeHost() = default;

  Result<UnixUser> EnsureUser(const std::string& name, const std::string& home, uid_t uid) override;
  Result<UnixUser> LookupUser(const std::string& name) override;
  Status RemoveUser(const std::string& name) override;
  Result<std::vector<std::string>> ListUsers(const std::string& prefix) override;

  // The next call (any method) returns `status` and changes nothing.
  void FailNext(Status status);
  // Calls so far, e.g. "EnsureUser acme /data/tenants/acme 2000000", "RemoveUser acme".
  std::vector<std::string> calls() const;
  // The home a user was created with; empty if absent.
  std::string HomeOf(const std::string& name) const;

 private:
  struct Entry {
    UnixUser user;
    std::string home;
  };
  // Records the call; returns the injected failure, if any.
  std::optional<Status> Begin(std::string call);

  mutable std::mutex mutex_;
  std::map<std::string, Entry> users_;
  std::vector<std::string> calls_;
  std::optional<Status> fail_next_;
};

}  // namespace md
