#pragma once
// System users the controller's own services run as (the embedded
// PostgreSQL, the front proxy): made once, with their own group, no home and
// no login shell. Thread-safe (useradd serialises on its lock files).

#include <string>

#include "core/files.h"
#include "core/status.h"

namespace md {

// The uid and gid of system user `name`, created first if it is missing.
Result<Owner> EnsureSystemUser(const std::string& name);

}  // namespace md
