#include "drivers/backup/project_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/process.h"
#include "core/random.h"
#include "core/strings.h"

namespace md {
namespace {

using Argv = std::vector<std::string>;

// A tenant is never root: a forgotten owner (0:0) must not silently mean
// "as the controller".
Status CheckTenant(Owner tenant) {
  if (tenant.uid == 0 || tenant.gid == 0) return InvalidArgument("the tenant's files are never handled as root");
  return Status::Ok();
}

// `argv` to run as `tenant` (checked): through setpriv, without
// supplementary groups or a way to regain privileges; as is when the caller
// already has those ids (tests run unprivileged).
Result<Argv> AsTenant(Owner tenant, const Argv& argv) {
  if (tenant.uid == geteuid() && tenant.gid == getegid()) return argv;
  return AsUser(tenant.uid, tenant.gid, argv);
}

// A tenant process starts in "/": the controller's own folder may be closed to it.
ProcessOptions TenantOptions(int timeout_ms) {
  ProcessOptions opts;
  opts.cwd = "/";
  opts.timeout_ms = timeout_ms;
  return opts;
}

// The line of GNU tar's output that says what went wrong (e.g. gzip's "No
// space left on device"), not its closing lines that only say it stopped.
std::string TarErrorLine(const std::string& output) {
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    std::string line = Trim(std::string_view(output).substr(start, end - start));
    bool generic = line.find("Child returned status") != std::string::npos ||
                   line.find("Error is not recoverable") != std::string::npos ||
                   line.find("Exiting with failure status") != std::string::npos;
    if (!line.empty() && !generic) return line;
    start = end + 1;
  }
  return LastLine(output);
}

Status TarFailed(const ProcessResult& r) {
  return Internal("tar: exited with " + std::to_string(r.exit_code) + ": " + TarErrorLine(r.output));
}

// The folder `name` in `parent_fd` (shown as `path`), a tenant's: emptied by
// the tenant, then removed by the controller, which rmdir cannot make follow
// a link. rm cannot remove the folder itself from the controller's parent, so
// its exit status is not the judge: the folder being empty is.
Status RemoveTenantFolder(int parent_fd, const std::string& name, const std::string& path, Owner tenant,
                          int timeout_ms) {
  MD_ASSIGN_OR_RETURN(Argv rm, AsTenant(tenant, {"rm", "-rf", "--one-file-system", "--", path}));
  auto r = RunProcess(rm, TenantOptions(timeout_ms));
  if (!r.ok()) return r.status().WithContext("rm");
  if (unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) return Status::Ok();
  std::string why = r->output.empty() ? strerror(errno) : Trim(r->output.substr(0, r->output.find('\n')));
  return Internal("cannot remove " + path + ": " + why);
}

}  // namespace

Status ProjectFiles::Archive(const std::string& project_dir, Owner tenant, int out_fd) const {
  MD_RETURN_IF_ERROR(CheckTenant(tenant).WithContext("tar"));
  ProcessOptions opts = TenantOptions(timeout_ms_);
  opts.stdout_fd = out_fd;
  // --ignore-failed-read: what the tenant cannot read is not its data.
  MD_ASSIGN_OR_RETURN(Argv tar, AsTenant(tenant, {tar_, "--create", "--gzip", "--numeric-owner", "--ignore-failed-read",
                                                   "--file=-", "--directory=" + project_dir, "."}));
  auto r = RunProcess(tar, opts);
  if (!r.ok()) return r.status().WithContext("tar");
  // 1 ("file changed as we read it"): the copy may be torn; a live app
  // writing its files makes this transient, so the caller may try again.
  if (r->exit_code == 1) return Unavailable("tar: files changed while they were archived: " + LastLine(r->output));
  if (r->exit_code != 0) return TarFailed(*r);
  return Status::Ok();
}

Status ProjectFiles::Replace(int archive_fd, const std::string& project_dir, Owner tenant) const {
  MD_RETURN_IF_ERROR(CheckTenant(tenant));
  std::filesystem::path target = std::filesystem::path(project_dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  const std::filesystem::path parent = target.parent_path().empty() ? "." : target.parent_path();
  int parent_fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd < 0) return ErrnoStatus("cannot open " + parent.string());
  Status s = ReplaceIn(parent_fd, parent.string(), target.filename().string(), archive_fd, tenant);
  close(parent_fd);
  return s;
}

Status ProjectFiles::ReplaceIn(int parent_fd, const std::string& parent, const std::string& name, int archive_fd,
                               Owner tenant) const {
  const std::string target = parent + "/" + name;
  struct stat st;
  if (fstat(parent_fd, &st) != 0) return ErrnoStatus("cannot stat " + parent);
  if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return FailedPrecondition(parent + " is writable by others than the controller, so " + target +
                              " cannot be swapped safely");
  }
  // Beside the project folder, so the swap is a rename on one file system and
  // nobody sees a half-extracted tree; in the controller's folder, so the
  // tenant can neither rename it nor replace it by a link.
  const std::string staging_name = ".md-restore-" + name + "-" + RandomHex(4);
  const std::string staging = parent + "/" + staging_name;
  if (mkdirat(parent_fd, staging_name.c_str(), 0700) != 0) return ErrnoStatus("cannot create " + staging);
  auto discard = [&](Status s) {
    Status removed = RemoveTenantFolder(parent_fd, staging_name, staging, tenant, timeout_ms_);
    return removed.ok() ? s : Status(s.code(), s.message() + " (and " + removed.message() + ")");
  };
  if (fchownat(parent_fd, staging_name.c_str(), tenant.uid, tenant.gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return discard(ErrnoStatus("cannot chown " + staging));
  }

  // --no-same-owner: everything extracted is the tenant's, whoever owned it when archived.
  ProcessOptions opts = TenantOptions(timeout_ms_);
  opts.stdin_fd = archive_fd;
  auto tar = AsTenant(tenant, {tar_, "--extract", "--gzip", "--no-same-owner", "--preserve-permissions",
                               "--file=-", "--directory=" + staging});
  if (!tar.ok()) return discard(tar.status());
  auto r = RunProcess(*tar, opts);
  if (!r.ok()) return discard(r.status().WithContext("tar"));
  if (r->exit_code != 0) return discard(TarFailed(*r));

  bool exchanged = false;
  if (fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (!S_ISDIR(st.st_mode)) return discard(FailedPrecondition(target + " is not a folder"));
    if (renameat2(parent_fd, staging_name.c_str(), parent_fd, name.c_str(), RENAME_EXCHANGE) != 0) {
      return discard(ErrnoStatus("cannot swap in " + target));
    }
    exchanged = true;
  } else if (errno == ENOENT) {
    if (renameat(parent_fd, staging_name.c_str(), parent_fd, name.c_str()) != 0) {
      return discard(ErrnoStatus("cannot move in " + target));
    }
  } else {
    return discard(ErrnoStatus("cannot stat " + target));
  }
  if (fsync(parent_fd) != 0) return ErrnoStatus("cannot fsync " + parent);
  if (!exchanged) return Status::Ok();
  // The staging folder now holds the old tree.
  return RemoveTenantFolder(parent_fd, staging_name, staging, tenant, timeout_ms_)
      .WithContext(target + " was restored, but its old files were not removed");
}

}  // namespace md
