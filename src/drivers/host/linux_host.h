#pragma once
// LinuxHost: Host backed by the shadow tools (useradd, userdel), /proc and
// /etc/passwd of this machine. Needs root. Thread-safe: changes are
// serialised within the process, and a lock held by another process is retried.

#include <mutex>
#include <string>
#include <vector>

#include "drivers/host/host.h"
#include "drivers/host/user_name.h"

namespace md {

struct LinuxHostOptions {
  std::string passwd_path = "/etc/passwd";  // read by ListUsers
  std::string nologin_shell = "/usr/sbin/nologin";
  int lock_retry_ms = 10000;                // how long a busy passwd/group lock is retried
  int kill_timeout_ms = 10000;              // how long RemoveUser keeps killing the user's processes
  // Where a removed user's leftovers are swept (each on its own file system).
  std::vector<std::string> scratch_dirs = {"/tmp", "/var/tmp", "/dev/shm"};
};

class LinuxHost final : public Host {
 public:
  explicit LinuxHost(LinuxHostOptions options = {});

  Result<UnixUser> EnsureUser(const std::string& name, const std::string& home, uid_t uid) override;
  Result<UnixUser> LookupUser(const std::string& name) override;
  Status RemoveUser(const std::string& name) override;
  Result<std::vector<std::string>> ListUsers(const std::string& prefix) override;

 private:
  LinuxHostOptions options_;
  std::mutex mutex_;  // serialises useradd/userdel within the process
};

}  // namespace md
