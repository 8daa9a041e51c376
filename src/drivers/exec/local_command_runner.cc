#include "drivers/exec/local_command_runner.h"

#include "core/process.h"

namespace md {
namespace {

using Argv = std::vector<std::string>;

// `argv` as uid:gid with no supplementary groups and no new privileges.
Argv AsUser(uid_t uid, gid_t gid, const Argv& argv) {
  Argv full = {"setpriv", "--reuid=" + std::to_string(uid), "--regid=" + std::to_string(gid),
               "--clear-groups", "--no-new-privs", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

}  // namespace

Status LocalCommandRunner::RunAsController(const Argv& argv, const std::string& cwd, int timeout_ms) {
  return RunChecked(argv, {.cwd = cwd, .timeout_ms = timeout_ms}).status();
}

Status LocalCommandRunner::RunAsTenant(const TenantCommand& command) {
  ProcessOptions options{.cwd = command.cwd, .timeout_ms = command.timeout_ms};
  for (const auto& [key, value] : command.env) options.env.push_back(key + "=" + value);
  return RunChecked(AsUser(command.uid, command.gid, command.argv), options).status();
}

Status LocalCommandRunner::SignalAsTenant(uid_t uid, gid_t gid, int pid, int signal) {
  if (pid < 2) return InvalidArgument("refusing to signal pid " + std::to_string(pid));
  Argv kill = {"kill", "-s", std::to_string(signal), "--", std::to_string(pid)};
  return RunChecked(AsUser(uid, gid, kill), {.cwd = "/"}).status();
}

}  // namespace md
