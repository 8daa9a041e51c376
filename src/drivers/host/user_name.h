#pragma once
// The Unix user names the Host backends accept, shared by LinuxHost and FakeHost.

#include <string>

#include "core/status.h"

namespace md {

// [a-z_][a-z0-9_-]{0,31}: what useradd accepts on every distribution.
inline Status ValidateUnixUserName(const std::string& name) {
  if (name.empty() || name.size() > 32) return InvalidArgument("user name must be 1-32 characters: '" + name + "'");
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && ((c >= '0' && c <= '9') || c == '-'));
    if (!ok) return InvalidArgument("invalid user name (want [a-z_][a-z0-9_-]*): '" + name + "'");
  }
  return Status::Ok();
}

}  // namespace md
