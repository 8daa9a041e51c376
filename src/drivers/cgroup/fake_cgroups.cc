#include "drivers/cgroup/fake_cgroups.h"

namespace md {

Status FakeCgroups::Ensure(const std::string& name, const CgroupLimits& limits) {
  std::lock_guard<std::mutex> lock(mutex_);
  calls_.push_back("Ensure " + name + " " + std::to_string(limits.memory_bytes) + " " + std::to_string(limits.pids) +
                   " " + std::to_string(limits.cpu_weight));
  if (fail_next_) {
    Status s = *fail_next_;
    fail_next_.reset();
    return s;
  }
  MD_RETURN_IF_ERROR(ValidateCgroupName(name));
  if (limits.memory_bytes <= 0 || limits.pids <= 0 || limits.cpu_weight < 1 || limits.cpu_weight > 10000) {
    return InvalidArgument("cgroup limits out of range");
  }
  groups_[name].limits = limits;
  return Status::Ok();
}

Status FakeCgroups::Remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  calls_.push_back("Remove " + name);
  if (fail_next_) {
    Status s = *fail_next_;
    fail_next_.reset();
    return s;
  }
  MD_RETURN_IF_ERROR(ValidateCgroupName(name));
  groups_.erase(name);
  return Status::Ok();
}

Result<CgroupUsage> FakeCgroups::Usage(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = groups_.find(name);
  if (it == groups_.end()) return NotFound("no cgroup " + name);
  const Group& g = it->second;
  return CgroupUsage{g.memory_bytes, g.limits.memory_bytes, g.pids, g.limits.pids, g.limits.cpu_weight, g.cpu_usage_us};
}

Result<std::vector<std::string>> FakeCgroups::List() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, group] : groups_) names.push_back(name);
  return names;
}

std::vector<std::string> FakeCgroups::ProcsFiles(const std::string& name) const {
  return {"/fake-cgroup/" + name + "/cgroup.procs"};
}

void FakeCgroups::FailNext(Status status) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_next_ = std::move(status);
}

void FakeCgroups::SetUsed(const std::string& name, int64_t memory_bytes, int64_t pids, int64_t cpu_usage_us) {
  std::lock_guard<std::mutex> lock(mutex_);
  groups_[name].memory_bytes = memory_bytes;
  groups_[name].pids = pids;
  groups_[name].cpu_usage_us = cpu_usage_us;
}

std::vector<std::string> FakeCgroups::calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}

std::optional<CgroupLimits> FakeCgroups::LimitsOf(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = groups_.find(name);
  if (it == groups_.end()) return std::nullopt;
  return it->second.limits;
}

}  // namespace md
