#include "drivers/host/linux_host.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <thread>

#include "core/process.h"
#include "drivers/host/owned_files.h"
#include "drivers/host/uid_processes.h"

namespace md {
namespace {

using Clock = std::chrono::steady_clock;

// useradd/userdel exit codes (shadow 4.13, see their manuals).
constexpr int kCantUpdatePasswd = 1;
constexpr int kIdInUse = 4;        // useradd: UID, groupadd: GID taken
constexpr int kNameInUse = 9;      // useradd
constexpr int kNoSuchUser = 6;     // userdel
constexpr int kUserBusy = 8;       // userdel: user has running processes
constexpr int kCantUpdateGroup = 10;

// True when the tool failed because another process holds the passwd/group
// lock ("cannot lock /etc/passwd; try again later.").
bool IsLockError(const ProcessResult& r) {
  return (r.exit_code == kCantUpdatePasswd || r.exit_code == kCantUpdateGroup) &&
         r.output.find("lock") != std::string::npos;
}

Status ToolError(const std::string& tool, const ProcessResult& r) {
  std::string last = LastLine(r.output);
  return Internal(tool + " exited with " + std::to_string(r.exit_code) + (last.empty() ? "" : ": " + last));
}

Result<UnixUser> GetPw(const std::string& name) {
  struct passwd pw;
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  int rc;
  while ((rc = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found)) == ERANGE) buf.resize(buf.size() * 2);
  if (rc != 0) return Internal("getpwnam_r " + name + ": " + strerror(rc));
  if (found == nullptr) return NotFound("no such user: " + name);
  return UnixUser{pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir};
}

std::optional<gid_t> GroupGid(const std::string& name) {
  struct group gr;
  struct group* found = nullptr;
  std::vector<char> buf(16384);
  int rc;
  while ((rc = getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found)) == ERANGE) buf.resize(buf.size() * 2);
  if (rc != 0 || found == nullptr) return std::nullopt;
  return gr.gr_gid;
}

// Runs useradd/groupadd, retrying while another process holds the
// passwd/group lock until `deadline`, then Unavailable.
Result<ProcessResult> RunShadowTool(const std::vector<std::string>& argv, Clock::time_point deadline) {
  while (true) {
    MD_ASSIGN_OR_RETURN(ProcessResult r, RunProcess(argv));
    if (!IsLockError(r)) return r;
    if (Clock::now() >= deadline) return Unavailable(argv[0] + " " + argv.back() + ": " + LastLine(r.output));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

LinuxHost::LinuxHost(LinuxHostOptions options) : options_(std::move(options)) {}

Result<UnixUser> LinuxHost::EnsureUser(const std::string& name, const std::string& home, uid_t uid) {
  MD_RETURN_IF_ERROR(ValidateUnixUserName(name));
  if (uid == 0) return InvalidArgument("refusing UID 0 for " + name);
  if (home.empty() || home[0] != '/' || home.find_first_of(":\n") != std::string::npos) {
    return InvalidArgument("home must be an absolute path without ':' or newline: '" + home + "'");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto existing = GetPw(name);
  if (existing.ok() || existing.status().code() != Code::kNotFound) return existing;

  auto deadline = Clock::now() + std::chrono::milliseconds(options_.lock_retry_ms);
  const std::string id = std::to_string(uid);
  std::vector<std::string> useradd = {"useradd", "--uid", id, "-K", "UID_MIN=" + id, "-K", "UID_MAX=" + id,
                                      "--no-create-home", "--home-dir", home, "--shell", options_.nologin_shell};
  // User and group in one call (one lock, one rewrite of the files): the
  // GID range is pinned to the UID, so the group gets the user's number.
  std::vector<std::string> with_group = useradd;
  with_group.insert(with_group.end(), {"--user-group", "-K", "GID_MIN=" + id, "-K", "GID_MAX=" + id, name});
  MD_ASSIGN_OR_RETURN(ProcessResult r, RunShadowTool(with_group, deadline));
  if (r.exit_code == kNameInUse && GetPw(name).status().code() == Code::kNotFound) {
    // Only the group is there (left by an interrupted earlier run): ours if it has our number.
    if (GroupGid(name) != std::optional<gid_t>(uid)) {
      return AlreadyExists("group " + name + " already exists with another GID; see `meltanodata doctor`");
    }
    useradd.insert(useradd.end(), {"--gid", id, name});
    MD_ASSIGN_OR_RETURN(r, RunShadowTool(useradd, deadline));
  }
  if (r.exit_code == kIdInUse) return AlreadyExists("UID or GID " + id + " is taken");
  // In use: made by another process meanwhile.
  if (r.exit_code != 0 && r.exit_code != kNameInUse) return ToolError("useradd " + name, r);
  return GetPw(name);
}

Result<UnixUser> LinuxHost::LookupUser(const std::string& name) {
  MD_RETURN_IF_ERROR(ValidateUnixUserName(name));
  return GetPw(name);
}

Status LinuxHost::RemoveUser(const std::string& name) {
  MD_RETURN_IF_ERROR(ValidateUnixUserName(name));
  std::lock_guard<std::mutex> lock(mutex_);
  auto user = GetPw(name);
  if (!user.ok() && user.status().code() != Code::kNotFound) return user.status();

  auto deadline = Clock::now() + std::chrono::milliseconds(options_.lock_retry_ms);
  if (user.ok()) {
    // Nothing of the user may outlive it: a process or file left behind would
    // pass to whoever gets its UID (none, from this controller, but other
    // tools may reuse it).
    MD_RETURN_IF_ERROR(KillProcessesOf(user->uid, options_.kill_timeout_ms));
    for (const auto& dir : options_.scratch_dirs) MD_RETURN_IF_ERROR(RemoveFilesOwnedBy(dir, user->uid));
    while (true) {
      // userdel refuses while a process of the user is still being reaped.
      MD_RETURN_IF_ERROR(KillProcessesOf(user->uid, options_.kill_timeout_ms));
      // Past the deadline, -f removes the user even if a process (a zombie
      // not yet reaped) still counts as logged in.
      bool force = Clock::now() >= deadline;
      std::vector<std::string> argv = {"userdel"};
      if (force) argv.push_back("--force");
      argv.push_back(name);
      MD_ASSIGN_OR_RETURN(ProcessResult r, RunProcess(argv));
      if (r.exit_code == 0 || r.exit_code == kNoSuchUser) break;
      if ((r.exit_code == kUserBusy || IsLockError(r)) && !force) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      if (IsLockError(r)) return Unavailable("userdel " + name + ": " + LastLine(r.output));
      return ToolError("userdel " + name, r);
    }
  }
  // userdel removes the user's own group (USERGROUPS_ENAB); remove it if a
  // host configured otherwise left it. A group whose user never existed is
  // not ours to remove (a useradd that failed may have been refused by it).
  while (user.ok() && GroupGid(name)) {
    MD_ASSIGN_OR_RETURN(ProcessResult r, RunProcess({"groupdel", name}));
    if (r.exit_code == 0 || r.exit_code == kNoSuchUser) break;
    if (IsLockError(r) && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    return ToolError("groupdel " + name, r);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> LinuxHost::ListUsers(const std::string& prefix) {
  FILE* f = fopen(options_.passwd_path.c_str(), "re");
  if (f == nullptr) return Internal("cannot read " + options_.passwd_path + ": " + strerror(errno));
  std::vector<std::string> names;
  struct passwd pw;
  struct passwd* entry = nullptr;
  std::vector<char> buf(16384);
  while (true) {
    int rc = fgetpwent_r(f, &pw, buf.data(), buf.size(), &entry);
    if (rc == ERANGE) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (rc != 0) break;  // ENOENT: end of file
    std::string n = pw.pw_name;
    if (n.rfind(prefix, 0) == 0) names.push_back(std::move(n));
  }
  fclose(f);
  return names;
}

}  // namespace md
