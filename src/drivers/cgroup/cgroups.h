#pragma once
// Cgroups: one kernel-enforced resource group per name (memory, number of
// processes, CPU weight). Level-based and idempotent; thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace md {

struct CgroupLimits {
  int64_t memory_bytes = 0;  // > 0
  int64_t pids = 0;          // > 0
  int cpu_weight = 100;      // 1-10000, cgroup v2's scale (100: an even share)
};

struct CgroupUsage {
  int64_t memory_bytes = 0;
  int64_t memory_max_bytes = 0;
  int64_t pids = 0;
  int64_t pids_max = 0;
  int cpu_weight = 0;
  // CPU time the group's processes used, in microseconds; -1 where the
  // kernel does not count it (cgroup v1 without cpuacct beside cpu).
  int64_t cpu_usage_us = -1;
};

class Cgroups {
 public:
  virtual ~Cgroups() = default;
  // Creates group `name` if absent and sets its limits (live: processes
  // already in it are held to the new ones).
  virtual Status Ensure(const std::string& name, const CgroupLimits& limits) = 0;
  // Kills every process in the group, waits for them to go, and removes it;
  // absent is success. Unavailable if processes keep appearing.
  virtual Status Remove(const std::string& name) = 0;
  // NotFound if the group is absent.
  virtual Result<CgroupUsage> Usage(const std::string& name) = 0;
  // The names of the groups there are, sorted (v1: in any hierarchy).
  virtual Result<std::vector<std::string>> List() = 0;
  // The files a process writes its pid to to join the group (one per
  // hierarchy: cgroup v1 has one per controller).
  virtual std::vector<std::string> ProcsFiles(const std::string& name) const = 0;
};

// Group names are one path component: [a-z0-9_-]{1,128}.
inline Status ValidateCgroupName(const std::string& name) {
  if (name.empty() || name.size() > 128) return InvalidArgument("cgroup name must be 1-128 characters: '" + name + "'");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return InvalidArgument("invalid cgroup name (want [a-z0-9_-]): '" + name + "'");
  }
  return Status::Ok();
}

}  // namespace md
