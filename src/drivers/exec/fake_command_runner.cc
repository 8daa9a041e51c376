#include "drivers/exec/fake_command_runner.h"

namespace md {
namespace {

std::string Joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) out += (out.empty() ? "" : " ") + arg;
  return out;
}

std::string Ids(uid_t uid, gid_t gid) { return std::to_string(uid) + ":" + std::to_string(gid); }

}  // namespace

Status FakeCommandRunner::Begin(std::string call) {
  calls_.push_back(std::move(call));
  std::optional<Status> failure;
  failure.swap(fail_next_);
  return failure.value_or(Status::Ok());
}

Status FakeCommandRunner::RunAsController(const std::vector<std::string>& argv, const std::string& cwd, int) {
  std::lock_guard<std::mutex> lock(mutex_);
  return Begin("RunAsController " + Joined(argv) + " (in " + cwd + ")");
}

Status FakeCommandRunner::RunAsTenant(const TenantCommand& command) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string cgroup = command.cgroup_procs.empty() ? "" : " [cgroup " + Joined(command.cgroup_procs) + "]";
  return Begin("RunAsTenant " + Ids(command.uid, command.gid) + " " + Joined(command.argv) + " (in " + command.cwd + ")" +
               cgroup);
}

Status FakeCommandRunner::SignalAsTenant(uid_t uid, gid_t gid, int pid, int signal) {
  std::lock_guard<std::mutex> lock(mutex_);
  Status s = Begin("SignalAsTenant " + Ids(uid, gid) + " " + std::to_string(signal) + " -> " + std::to_string(pid));
  if (s.ok() && pid < 2) return InvalidArgument("refusing to signal pid " + std::to_string(pid));
  return s;
}

void FakeCommandRunner::FailNext(Status status) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_next_ = std::move(status);
}

std::vector<std::string> FakeCommandRunner::calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}

}  // namespace md
