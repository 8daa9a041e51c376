#pragma once
// FakeCgroups: Cgroups kept in memory, for unit tests. Records every call,
// can fail the next one, and lets a test set a group's usage. Thread-safe.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/cgroup/cgroups.h"

namespace md {

class FakeCgroups final : public Cgroups {
 public:
  Status Ensure(const std::string& name, const CgroupLimits& limits) override;
  Status Remove(const std::string& name) override;
  Result<CgroupUsage> Usage(const std::string& name) override;
  Result<std::vector<std::string>> List() override;
  std::vector<std::string> ProcsFiles(const std::string& name) const override;

  // The next Ensure or Remove returns `status` and changes nothing.
  void FailNext(Status status);
  // Sets what Usage reports as used (limits come from Ensure).
  void SetUsed(const std::string& name, int64_t memory_bytes, int64_t pids, int64_t cpu_usage_us = -1);
  // Calls so far, e.g. "Ensure tenant-acme 536870912 256 100", "Remove tenant-acme".
  std::vector<std::string> calls() const;
  // The limits of a present group, if any.
  std::optional<CgroupLimits> LimitsOf(const std::string& name) const;

 private:
  struct Group {
    CgroupLimits limits;
    int64_t memory_bytes = 0;
    int64_t pids = 0;
    int64_t cpu_usage_us = -1;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Group> groups_;
  std::vector<std::string> calls_;
  std::optional<Status> fail_next_;
};

}  // namespace md
