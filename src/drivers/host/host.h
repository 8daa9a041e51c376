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
  // Creates a user with UID `uid` and its own group (GID `uid` too), no login
  // shell, `home` as home (not created); returns the existing one if it is
  // there. AlreadyExists if another user has that UID.
  virtual Result<UnixUser> EnsureUser(const std::string& name, const std::string& home, uid_t uid) = 0;
  virtual Result<UnixUser> LookupUser(const std::string& name) = 0;  // NotFound if absent
  // Removes the user and its group after ending every process of its UID and
  // removing its files from the shared scratch dirs (/tmp, /var/tmp,
  // /dev/shm); absent is success.
  virtual Status RemoveUser(const std::string& name) = 0;
  // Names of the users whose name starts with `prefix`.
  virtual Result<std::vector<std::string>> ListUsers(const std::string& prefix) = 0;
};

}  // namespace md
