#include "drivers/exec/local_command_runner.h"

#include "core/process.h"

namespace md {
namespace {

using Argv = std::vector<std::string>;

// `argv` started by a shell that first writes its own pid (which the exec
// keeps) to each of `procs_files`: the command runs inside that cgroup.
Argv InCgroup(const std::vector<std::string>& procs_files, const Argv& argv) {
  Argv full = {"/bin/sh", "-c",
               "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 125; shift; n=$((n - 1)); done; "
               "exec \"$@\"",
               "sh", std::to_string(procs_files.size())};
  full.insert(full.end(), procs_files.begin(), procs_files.end());
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
  MD_ASSIGN_OR_RETURN(Argv argv, AsUser(command.uid, command.gid, command.argv));
  if (!command.cgroup_procs.empty()) argv = InCgroup(command.cgroup_procs, argv);
  return RunChecked(argv, options).status();
}

Status LocalCommandRunner::SignalAsTenant(uid_t uid, gid_t gid, int pid, int signal) {
  if (pid < 2) return InvalidArgument("refusing to signal pid " + std::to_string(pid));
  Argv kill = {"kill", "-s", std::to_string(signal), "--", std::to_string(pid)};
  MD_ASSIGN_OR_RETURN(Argv argv, AsUser(uid, gid, kill));
  return RunChecked(argv, {.cwd = "/"}).status();
}

}  // namespace md
