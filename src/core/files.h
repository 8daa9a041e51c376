#pragma once
// Small file-system helpers with explicit owners and modes, for paths the
// controller alone can write (its data dir, services, app installs). They
// follow symlinks: anything beneath a dir a tenant can write goes through
// drivers/tenant_fs instead.

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace md {

// Who a file belongs to. A field left at -1 is kept, as with chown(2): a new
// file stays its creator's (the controller's: root when run as root), so the
// default works for a controller that is not root.
struct Owner {
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
};

// Writes all of `data` to `fd`, again after EINTR and short writes. An error
// names `shown` ("cannot write SHOWN: ..."); the caller closes `fd`.
Status WriteAll(int fd, std::string_view data, const std::string& shown);

// Writes `content` to a temporary file beside `path`, sets owner and mode,
// fsyncs, and renames it over `path`: readers see the old or the new file.
Status WriteFileAtomic(const std::string& path, const std::string& content, mode_t mode, Owner owner = {});
Result<std::string> ReadFile(const std::string& path);
// Creates `path` (and missing parents, the controller's, 0777 less the umask)
// and sets its owner and mode.
Status EnsureDirectory(const std::string& path, mode_t mode, Owner owner = {});
// Removes `path` recursively; a missing path is success.
Status RemoveTree(const std::string& path);
// Points symlink `link` at `target`, replacing any old link atomically.
Status ReplaceSymlink(const std::string& target, const std::string& link);
bool PathExists(const std::string& path);

}  // namespace md
