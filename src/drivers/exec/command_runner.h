#pragma once
// CommandRunner: the programs the service layer starts. An app's install steps
// run as the controller itself; work for a tenant (its project's init, a
// signal to its app) runs as the tenant, so the kernel, not the controller,
// decides what it may touch. Thread-safe; nothing here is idempotent by
// itself: the commands must be.

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace md {

struct TenantCommand {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<std::string> argv;
  std::string cwd;
  EnvMap env;                // on top of the minimal environment every child gets (PATH)
  // The cgroup to run in (one procs file per hierarchy), joined before the
  // drop to uid:gid; none: the controller's.
  std::vector<std::string> cgroup_procs;
  int timeout_ms = 120000;   // killed (SIGKILL) past this
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;

  // Runs `argv` (argv[0] from PATH, no shell) as the controller in `cwd`,
  // killed past `timeout_ms`. A non-zero exit is Internal, naming the program
  // and its last line of output; a timeout is Unavailable.
  virtual Status RunAsController(const std::vector<std::string>& argv, const std::string& cwd, int timeout_ms) = 0;
  // Runs `command.argv` as its uid and gid, without supplementary groups and
  // unable to gain privileges (set-user-ID programs do not raise them).
  // Errors as RunAsController.
  virtual Status RunAsTenant(const TenantCommand& command) = 0;
  // Sends `signal` to process `pid` as uid:gid: the kernel refuses a process
  // that is not theirs. InvalidArgument for a pid below 2 (-1 is everyone's).
  virtual Status SignalAsTenant(uid_t uid, gid_t gid, int pid, int signal) = 0;
};

}  // namespace md
