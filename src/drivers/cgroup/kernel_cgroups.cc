#include "drivers/cgroup/kernel_cgroups.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string_view>
#include <sstream>
#include <thread>

namespace md {
namespace {

constexpr const char* kV1Controllers[] = {"memory", "pids", "cpu"};
constexpr int64_t kV1DefaultShares = 1024;  // cpu.shares of an even share, cpu.weight 100

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

Status WriteValue(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Internal("cannot open " + path + ": " + strerror(errno));
  ssize_t n = write(fd, value.data(), value.size());
  int err = errno;
  close(fd);
  if (n != static_cast<ssize_t>(value.size())) return Internal("cannot write '" + value + "' to " + path + ": " + strerror(err));
  return Status::Ok();
}

Result<std::string> ReadValue(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("no " + path);
    return Internal("cannot open " + path + ": " + strerror(errno));
  }
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0 && out.size() < (1 << 20)) out.append(buf, n);
  int err = errno;
  close(fd);
  if (n < 0) return Internal("cannot read " + path + ": " + strerror(err));
  return out;
}

// A counter file's number; "max" (no limit) is 0.
Result<int64_t> ReadNumber(const std::string& path) {
  MD_ASSIGN_OR_RETURN(std::string text, ReadValue(path));
  if (text.rfind("max", 0) == 0) return int64_t{0};
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str()) return Internal("not a number in " + path + ": '" + text + "'");
  return static_cast<int64_t>(v);
}

// usage_usec of a cgroup v2 cpu.stat; -1 if it has none.
int64_t CpuStatUsageUs(const std::string& stat) {
  constexpr std::string_view kKey = "usage_usec ";
  size_t at = stat.rfind(kKey, 0) == 0 ? 0 : stat.find("\n" + std::string(kKey));
  if (at == std::string::npos) return -1;
  at = stat.find(kKey, at) + kKey.size();
  return std::strtoll(stat.c_str() + at, nullptr, 10);
}

Status MakeDir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return Status::Ok();
  return Internal("cannot create cgroup " + path + ": " + strerror(errno));
}

std::vector<pid_t> Procs(const std::string& dir) {
  std::vector<pid_t> pids;
  auto text = ReadValue(dir + "/cgroup.procs");
  if (!text.ok()) return pids;
  std::istringstream in(*text);
  long pid;
  while (in >> pid) pids.push_back(static_cast<pid_t>(pid));
  return pids;
}

// v1's memsw limit must stay >= the memory limit: written around it, the
// order works both when raising and when lowering.
Status SetV1Memory(const std::string& dir, int64_t bytes) {
  std::string value = std::to_string(bytes);
  std::string memsw = dir + "/memory.memsw.limit_in_bytes";
  bool has_memsw = Exists(memsw);
  if (has_memsw) (void)WriteValue(memsw, value);  // fails when lowering: done again below
  MD_RETURN_IF_ERROR(WriteValue(dir + "/memory.limit_in_bytes", value));
  return has_memsw ? WriteValue(memsw, value) : Status::Ok();
}

Status CheckLimits(const CgroupLimits& l) {
  if (l.memory_bytes <= 0 || l.pids <= 0 || l.cpu_weight < 1 || l.cpu_weight > 10000) {
    return InvalidArgument("cgroup limits out of range (memory > 0, pids > 0, cpu weight 1-10000)");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<KernelCgroups>> KernelCgroups::Detect(KernelCgroupsOptions options) {
  MD_RETURN_IF_ERROR(ValidateCgroupName(options.parent).WithContext("parent cgroup"));
  auto controllers = ReadValue(options.root + "/cgroup.controllers");
  if (controllers.ok()) {
    std::istringstream in(*controllers);
    std::string c;
    int found = 0;
    while (in >> c) found += (c == "memory" || c == "pids" || c == "cpu");
    if (found == 3) return std::unique_ptr<KernelCgroups>(new KernelCgroups(std::move(options), true));
  }
  for (const char* c : kV1Controllers) {
    if (!Exists(options.root + "/" + c + "/cgroup.procs")) {
      return FailedPrecondition("no usable cgroup hierarchy under " + options.root +
                                ": need cgroup v2 with memory, pids and cpu, or the v1 memory, pids and cpu "
                                "hierarchies");
    }
  }
  return std::unique_ptr<KernelCgroups>(new KernelCgroups(std::move(options), false));
}

std::string KernelCgroups::Dir(const char* controller, const std::string& name) const {
  std::string base = unified_ ? options_.root : options_.root + "/" + controller;
  return base + "/" + options_.parent + (name.empty() ? "" : "/" + name);
}

std::vector<std::string> KernelCgroups::Dirs(const std::string& name) const {
  if (unified_) return {Dir("", name)};
  std::vector<std::string> dirs;
  for (const char* c : kV1Controllers) dirs.push_back(Dir(c, name));
  return dirs;
}

Result<std::vector<std::string>> KernelCgroups::List() {
  std::set<std::string> names;
  for (const std::string& parent : Dirs("")) {
    DIR* dir = opendir(parent.c_str());
    if (dir == nullptr) {
      if (errno == ENOENT) continue;
      return Internal("cannot list " + parent + ": " + strerror(errno));
    }
    while (struct dirent* e = readdir(dir)) {
      if (e->d_type != DT_DIR) continue;
      std::string name(e->d_name);
      if (ValidateCgroupName(name).ok()) names.insert(std::move(name));
    }
    closedir(dir);
  }
  return std::vector<std::string>(names.begin(), names.end());
}

std::vector<std::string> KernelCgroups::ProcsFiles(const std::string& name) const {
  std::vector<std::string> files;
  for (const auto& dir : Dirs(name)) files.push_back(dir + "/cgroup.procs");
  return files;
}

Status KernelCgroups::EnsureParents() {
  for (const auto& dir : Dirs("")) MD_RETURN_IF_ERROR(MakeDir(dir));
  if (!unified_) return Status::Ok();
  // v2 hands controllers down level by level.
  for (const std::string& dir : {options_.root, Dir("", "")}) {
    MD_RETURN_IF_ERROR(WriteValue(dir + "/cgroup.subtree_control", "+memory +pids +cpu"));
  }
  return Status::Ok();
}

Status KernelCgroups::Ensure(const std::string& name, const CgroupLimits& limits) {
  MD_RETURN_IF_ERROR(ValidateCgroupName(name));
  MD_RETURN_IF_ERROR(CheckLimits(limits));
  MD_RETURN_IF_ERROR(EnsureParents());
  for (const auto& dir : Dirs(name)) MD_RETURN_IF_ERROR(MakeDir(dir));
  if (unified_) {
    std::string dir = Dir("", name);
    MD_RETURN_IF_ERROR(WriteValue(dir + "/memory.max", std::to_string(limits.memory_bytes)));
    if (Exists(dir + "/memory.swap.max")) MD_RETURN_IF_ERROR(WriteValue(dir + "/memory.swap.max", "0"));
    MD_RETURN_IF_ERROR(WriteValue(dir + "/pids.max", std::to_string(limits.pids)));
    return WriteValue(dir + "/cpu.weight", std::to_string(limits.cpu_weight));
  }
  MD_RETURN_IF_ERROR(SetV1Memory(Dir("memory", name), limits.memory_bytes));
  MD_RETURN_IF_ERROR(WriteValue(Dir("pids", name) + "/pids.max", std::to_string(limits.pids)));
  int64_t shares = std::max<int64_t>(2, limits.cpu_weight * kV1DefaultShares / 100);
  return WriteValue(Dir("cpu", name) + "/cpu.shares", std::to_string(shares));
}

Status KernelCgroups::Remove(const std::string& name) {
  MD_RETURN_IF_ERROR(ValidateCgroupName(name));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.kill_timeout_ms);
  for (const auto& dir : Dirs(name)) {
    if (!Exists(dir)) continue;
    // A fork bomb races each sweep; pids.max bounds it and each sweep's
    // processes are gone for good, so the sweeps converge.
    if (Exists(dir + "/cgroup.kill")) (void)WriteValue(dir + "/cgroup.kill", "1");
    while (true) {
      for (pid_t pid : Procs(dir)) kill(pid, SIGKILL);
      if (rmdir(dir.c_str()) == 0 || errno == ENOENT) break;
      if (errno != EBUSY) return Internal("cannot remove cgroup " + dir + ": " + strerror(errno));
      if (std::chrono::steady_clock::now() >= deadline) {
        return Unavailable("cgroup " + dir + " still has processes after " +
                           std::to_string(options_.kill_timeout_ms / 1000) + " s of killing them");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return Status::Ok();
}

Result<CgroupUsage> KernelCgroups::Usage(const std::string& name) {
  MD_RETURN_IF_ERROR(ValidateCgroupName(name));
  CgroupUsage u;
  if (unified_) {
    std::string dir = Dir("", name);
    if (!Exists(dir)) return NotFound("no cgroup " + name);
    MD_ASSIGN_OR_RETURN(u.memory_bytes, ReadNumber(dir + "/memory.current"));
    MD_ASSIGN_OR_RETURN(u.memory_max_bytes, ReadNumber(dir + "/memory.max"));
    MD_ASSIGN_OR_RETURN(u.pids, ReadNumber(dir + "/pids.current"));
    MD_ASSIGN_OR_RETURN(u.pids_max, ReadNumber(dir + "/pids.max"));
    MD_ASSIGN_OR_RETURN(int64_t weight, ReadNumber(dir + "/cpu.weight"));
    u.cpu_weight = static_cast<int>(weight);
    if (auto stat = ReadValue(dir + "/cpu.stat"); stat.ok()) u.cpu_usage_us = CpuStatUsageUs(*stat);
    return u;
  }
  for (const auto& dir : Dirs(name)) {
    if (!Exists(dir)) return NotFound("no cgroup " + dir);
  }
  MD_ASSIGN_OR_RETURN(u.memory_bytes, ReadNumber(Dir("memory", name) + "/memory.usage_in_bytes"));
  MD_ASSIGN_OR_RETURN(u.memory_max_bytes, ReadNumber(Dir("memory", name) + "/memory.limit_in_bytes"));
  MD_ASSIGN_OR_RETURN(u.pids, ReadNumber(Dir("pids", name) + "/pids.current"));
  MD_ASSIGN_OR_RETURN(u.pids_max, ReadNumber(Dir("pids", name) + "/pids.max"));
  MD_ASSIGN_OR_RETURN(int64_t shares, ReadNumber(Dir("cpu", name) + "/cpu.shares"));
  u.cpu_weight = static_cast<int>(shares * 100 / kV1DefaultShares);
  // cpuacct counts CPU time only where it is mounted with cpu (cpu,cpuacct).
  if (auto ns = ReadNumber(Dir("cpu", name) + "/cpuacct.usage"); ns.ok()) u.cpu_usage_us = *ns / 1000;
  return u;
}

}  // namespace md
