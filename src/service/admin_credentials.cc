#include "service/admin_credentials.h"

#include "service/deps.h"

namespace md {

Result<std::string> InitialAdminPassword(Secrets& secrets, const std::string& subdomain) {
  auto password = secrets.Get(subdomain, kAdminPasswordKey);
  if ((!password.ok() && password.status().code() == Code::kNotFound) || (password.ok() && password->empty())) {
    return NotFound("instance " + subdomain + " has no admin password");
  }
  return password;
}

}  // namespace md
