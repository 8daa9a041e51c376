#pragma once
// Where the welcome flow reads an instance's initial admin login: the
// password is opened from the vault (service/secrets.h), never kept anywhere
// else.

#include <string>

#include "core/status.h"
#include "service/secrets.h"

namespace md {

// The admin user every shipped profile creates (`meltano user add admin`, the demo's login).
inline constexpr const char* kAdminUsername = "admin";

// The instance's initial admin password, opened; NotFound if it has none.
Result<std::string> InitialAdminPassword(Secrets& secrets, const std::string& subdomain);

}  // namespace md
