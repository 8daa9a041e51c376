#pragma once
// Which names an instance's flags and secrets may take, so that neither can
// shadow the other or what the platform sets: the run script's and loader's
// variables (IsReservedEnvName), the profile's [environment] and
// [secret_environment], and, for a flag, only the profile's `flags` patterns.
// Pure functions; thread-safe.

#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "profile/profile.h"

namespace md {

enum class EnvKind { kFlag, kSecret };

// Checks each name of `set` as a new `kind` of an instance of `profile`;
// `other` is what the instance has of the other kind (its secrets for a
// flag, its flags for a secret). A name the platform or profile sets, or a
// flag no pattern accepts, is InvalidArgument; a name of `other` is
// AlreadyExists (a conflict with the instance's state: unset that first).
// A name of `unset` the platform or profile sets is InvalidArgument unless
// `own` (the instance's own of `kind`) has it: what the platform sets
// (DATABASE_URL, ...) is not the instance's to remove, but a flag set before
// its profile took the name can go.
Status CheckEnvNames(const AppProfile& profile, EnvKind kind, const EnvMap& set,
                     const std::vector<std::string>& unset, const EnvMap& own, const EnvMap& other);

}  // namespace md
