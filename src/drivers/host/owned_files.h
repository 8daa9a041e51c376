#pragma once
// Removing what one Unix user left in shared scratch dirs (/tmp, /var/tmp,
// /dev/shm), for LinuxHost::RemoveUser.

#include <sys/types.h>

#include <string>

#include "core/status.h"

namespace md {

// Removes every entry under `dir` owned by `uid`, at any depth, staying on
// `dir`'s file system and following no symlink: each directory is opened
// relative to its parent with O_NOFOLLOW, so a path swapped for a link
// meanwhile leads nowhere. A directory of `uid` that still holds others'
// entries is kept. A missing `dir` is success.
Status RemoveFilesOwnedBy(const std::string& dir, uid_t uid);

}  // namespace md
