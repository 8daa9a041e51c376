#pragma once
// KernelCgroups: Cgroups on this machine's cgroup file system, v2 (unified,
// memory.max / pids.max / cpu.weight) or v1 (the memory, pids and cpu
// hierarchies), whichever the host has, detected once by Detect. Groups live
// under one parent group per controller. Needs root; thread-safe.

#include <memory>
#include <string>
#include <vector>

#include "drivers/cgroup/cgroups.h"

namespace md {

struct KernelCgroupsOptions {
  std::string root = "/sys/fs/cgroup";
  std::string parent;          // e.g. meltanodata-<hash of the data dir>
  int kill_timeout_ms = 10000;  // how long Remove keeps killing
};

class KernelCgroups final : public Cgroups {
 public:
  // FailedPrecondition if the host has neither a v2 hierarchy with the
  // memory, pids and cpu controllers nor the three v1 hierarchies.
  static Result<std::unique_ptr<KernelCgroups>> Detect(KernelCgroupsOptions options);

  Status Ensure(const std::string& name, const CgroupLimits& limits) override;
  Status Remove(const std::string& name) override;
  Result<CgroupUsage> Usage(const std::string& name) override;
  Result<std::vector<std::string>> List() override;
  std::vector<std::string> ProcsFiles(const std::string& name) const override;

  bool unified() const { return unified_; }

 private:
  KernelCgroups(KernelCgroupsOptions options, bool unified) : options_(std::move(options)), unified_(unified) {}
  // The group's directory in each hierarchy (v2: one; v1: memory, pids, cpu).
  std::vector<std::string> Dirs(const std::string& name) const;
  std::string Dir(const char* controller, const std::string& name) const;
  Status EnsureParents();

  KernelCgroupsOptions options_;
  bool unified_;
};

}  // namespace md
