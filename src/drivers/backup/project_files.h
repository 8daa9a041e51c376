#pragma once
// ProjectFiles: a tenant's project folder into and out of a tar.gz archive
// with the tenant's own rights. tar and rm run as the tenant (setpriv), so
// whatever the tenant plants — a folder swapped for a symlink, a file it
// cannot read — never makes root read or write anything on its behalf; the
// controller only hands over descriptors of the archive, which the tenant
// could not open. Stateless apart from its options, so thread-safe.

#include <string>
#include <utility>

#include "core/files.h"
#include "core/status.h"

namespace md {

class ProjectFiles {
 public:
  ProjectFiles(std::string tar, int timeout_ms) : tar_(std::move(tar)), timeout_ms_(timeout_ms) {}

  // Writes a tar.gz of the folder `project_dir` to `out_fd`, reading it as
  // `tenant`. What the tenant cannot read is left out (not even its app could
  // use it). Unavailable if files changed while they were read (a live app);
  // otherwise an error is "tar: <its error line>".
  Status Archive(const std::string& project_dir, Owner tenant, int out_fd) const;

  // Replaces `project_dir` (created if absent) by the tar.gz read from
  // `archive_fd`: extracted as `tenant`, so everything is the tenant's, with
  // the archived modes, into a fresh 0700 folder of the tenant's beside
  // `project_dir`, then swapped in atomically. The old tree is emptied by the
  // tenant, then its folder removed. REQUIRES: the folder holding
  // `project_dir` is the controller's and writable by it alone
  // (FailedPrecondition otherwise), so the tenant can rename neither folder.
  Status Replace(int archive_fd, const std::string& project_dir, Owner tenant) const;

 private:
  // Replace, with the folder holding the project folder `name` open as `parent_fd`.
  Status ReplaceIn(int parent_fd, const std::string& parent, const std::string& name, int archive_fd,
                   Owner tenant) const;

  std::string tar_;
  int timeout_ms_;
};

}  // namespace md
