#pragma once
// Where the welcome flow reads an instance's initial admin login. The one
// place it touches a secret: when secrets move behind the credential vault,
// this is the function that changes.

#include <string>

#include "core/status.h"
#include "store/store.h"

namespace md {

// The admin user every shipped profile creates (`meltano user add admin`, the demo's login).
inline constexpr const char* kAdminUsername = "admin";

// The instance's initial admin password; NotFound if it has none.
Result<std::string> InitialAdminPassword(Store& store, const std::string& subdomain);

}  // namespace md
