#pragma once
// Argument checks shared by the Database backends (real and fake), so both
// refuse the same role/database names and passwords. Pure; thread-safe.

#include <cstddef>
#include <string>

#include "core/status.h"

namespace md::database_names {

inline constexpr size_t kMaxNameBytes = 63;  // NAMEDATALEN - 1; PostgreSQL would truncate silently

// A role or database name (`kind` is "role" or "database"): non-empty, at
// most kMaxNameBytes bytes, no NUL. InvalidArgument otherwise.
inline Status CheckName(const char* kind, const std::string& name) {
  if (name.empty()) return InvalidArgument(std::string(kind) + " name is empty");
  if (name.size() > kMaxNameBytes) {
    return InvalidArgument(std::string(kind) + " name is longer than " + std::to_string(kMaxNameBytes) + " bytes");
  }
  if (name.find('\0') != std::string::npos) return InvalidArgument(std::string(kind) + " name contains a NUL byte");
  return Status::Ok();
}

// A password: non-empty, no NUL. InvalidArgument otherwise (never quoting it).
inline Status CheckPassword(const std::string& password) {
  if (password.empty()) return InvalidArgument("password is empty");
  if (password.find('\0') != std::string::npos) return InvalidArgument("password contains a NUL byte");
  return Status::Ok();
}

}  // namespace md::database_names
