#pragma once
// Host: Unix users of one machine. Idempotent and thread-safe.

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/status.h"

namespace md {

struct UnixUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;  // tells which controller's data dir the user belongs to
};

class Host {
 public:
  virtual ~Host() = default;
  // Creates a system user with its own group, no login shell, `home` as home
  // (not created); returns the existing one if it is there.
  virtual Result<UnixUser> EnsureUser(const std::string& name, const std::string& home) = 0;
  virtual Result<UnixUser> LookupUser(const std::string& name) = 0;  // NotFound if absent
  // Removes the user and its group, killing its processes; absent is success.
  virtual Status RemoveUser(const std::string& name) = 0;
  // Names of the users whose name starts with `prefix`.
  virtual Result<std::vector<std::string>> ListUsers(const std::string& prefix) = 0;
};

}  // namespace md
