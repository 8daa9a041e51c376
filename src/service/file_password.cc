#include "service/file_password.h"

#include "core/random.h"
#include "service/deps.h"

namespace md {

constexpr size_t kPasswordBytes = 12;  // 24 hex digits, 96 bits

Result<std::string> FileAccessPassword(Store& store, const std::string& sub) {
  MD_ASSIGN_OR_RETURN(EnvMap secrets, store.GetSecrets(sub));
  auto it = secrets.find(kFilesPasswordKey);
  if (it != secrets.end() && !it->second.empty()) return it->second;
  std::string password = RandomHex(kPasswordBytes);
  MD_RETURN_IF_ERROR(store.SetSecrets(sub, {{kFilesPasswordKey, password}}, {}));
  return password;
}

}  // namespace md
