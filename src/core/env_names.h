#pragma once
// Names of environment variables that shape a tenant's process: the glob
// patterns an app profile accepts as flags, and the names no flag or secret
// may take because the platform sets them or the loader, shell or Python
// interpreter obeys them. Pure functions; thread-safe.

#include <string>
#include <string_view>

#include "core/status.h"

namespace md {

// A flag-name pattern: a variable name (see ValidateEnvKey), or a non-empty
// prefix of one followed by a single trailing '*' ("MELTANO_*"). A bare "*"
// is refused: a profile must say which names it takes.
Status ValidateEnvPattern(std::string_view pattern);

// True when `name` is `pattern`, or starts with the prefix of a "PREFIX*".
bool MatchesEnvPattern(std::string_view pattern, std::string_view name);

// True for PATH, HOME, USER, LOGNAME, SHELL, PWD, TMPDIR, IFS, ENV, BASH_ENV,
// LD_*, PYTHON*, MELTANODATA_* and the other variables glibc drops for setuid
// programs: names the run script sets or that change how code is loaded.
bool IsReservedEnvName(std::string_view name);

// The reserved names, for an error message ("PATH, HOME, ..., LD_*, ...").
const std::string& ReservedEnvNamesText();

}  // namespace md
