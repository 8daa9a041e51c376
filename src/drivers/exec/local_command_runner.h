#pragma once
// LocalCommandRunner: CommandRunner on this machine over core/process; a
// tenant's commands go through setpriv(1). Switching users needs root.
// Stateless and thread-safe.

#include "drivers/exec/command_runner.h"

namespace md {

class LocalCommandRunner final : public CommandRunner {
 public:
  Status RunAsController(const std::vector<std::string>& argv, const std::string& cwd, int timeout_ms) override;
  Status RunAsTenant(const TenantCommand& command) override;
  Status SignalAsTenant(uid_t uid, gid_t gid, int pid, int signal) override;
};

}  // namespace md
