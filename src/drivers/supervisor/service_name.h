#pragma once
// The service names the Supervisor backends accept, shared by S6Supervisor and FakeSupervisor.

#include <string>

#include "core/status.h"

namespace md {

// [a-z0-9_-]{1,100} ("tenant-" + a 63-character subdomain fits): safe as a directory name, never a dot-dir.
inline Status ValidateServiceName(const std::string& name) {
  if (name.empty() || name.size() > 100) return InvalidArgument("service name must be 1-100 characters: '" + name + "'");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return InvalidArgument("invalid service name (want [a-z0-9_-]+): '" + name + "'");
  }
  return Status::Ok();
}

}  // namespace md
