#pragma once
// Where PostgreSQL's programs are: `configured` if set, else `pg_config
// --bindir`, else Debian's PostgreSQL 15 directory; the first that holds
// every program in `needed`.

#include <string>
#include <vector>

#include "core/status.h"

namespace md {

inline constexpr const char* kDefaultPostgresBinDir = "/usr/lib/postgresql/15/bin";

Result<std::string> FindPostgresBinDir(const std::string& configured, const std::vector<std::string>& needed);

}  // namespace md
