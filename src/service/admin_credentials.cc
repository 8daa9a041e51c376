#include "service/admin_credentials.h"

#include "service/deps.h"

namespace md {

Result<std::string> InitialAdminPassword(Store& store, const std::string& subdomain) {
  MD_ASSIGN_OR_RETURN(EnvMap secrets, store.GetSecrets(subdomain));
  auto it = secrets.find(kAdminPasswordKey);
  if (it == secrets.end() || it->second.empty()) return NotFound("instance " + subdomain + " has no admin password");
  return it->second;
}

}  // namespace md
