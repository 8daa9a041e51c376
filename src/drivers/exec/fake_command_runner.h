#pragma once
// FakeCommandRunner: CommandRunner that runs nothing, for unit tests. Records
// every call and can fail the next one on demand. Thread-safe.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/exec/command_runner.h"

namespace md {

class FakeCommandRunner final : public CommandRunner {
 public:
  Status RunAsController(const std::vector<std::string>& argv, const std::string& cwd, int timeout_ms) override;
  Status RunAsTenant(const TenantCommand& command) override;
  Status SignalAsTenant(uid_t uid, gid_t gid, int pid, int signal) override;

  // The next call (any method) returns `status`; it is still recorded.
  void FailNext(Status status);
  // Calls so far, e.g. "RunAsController install -D a b (in /data/…/1.0.0)",
  // "RunAsTenant 2000000:2000000 meltano init (in /data/…/project)",
  // "SignalAsTenant 2000000:2000000 1 -> 4242".
  std::vector<std::string> calls() const;

 private:
  // Records the call; returns the injected failure, or Ok.
  Status Begin(std::string call);

  mutable std::mutex mutex_;
  std::vector<std::string> calls_;
  std::optional<Status> fail_next_;
};

}  // namespace md
