#pragma once
// Whether a PostgreSQL client's error text (libpq's or a tool's) says the
// server could not be reached or is not accepting connections right now —
// worth a retry — rather than a refusal (bad password, no such database or
// role), which retrying cannot fix.

#include <string>

namespace md {

bool IsTransientConnectError(const std::string& message);

}  // namespace md
