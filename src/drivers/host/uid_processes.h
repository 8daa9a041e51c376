#pragma once
// Ending every process of one Unix user, for LinuxHost::RemoveUser.

#include <sys/types.h>

#include "core/status.h"

namespace md {

// SIGKILLs every live process with `uid` as real, effective, saved or file-
// system UID (zombies are already dead), sweeping /proc again until a sweep
// finds none: a fork bomb races each sweep, but what a sweep killed cannot
// fork again. Unavailable if processes still appear after `timeout_ms`.
Status KillProcessesOf(uid_t uid, int timeout_ms);

}  // namespace md
