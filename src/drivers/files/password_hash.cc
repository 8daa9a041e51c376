#include "drivers/files/password_hash.h"

#include <crypt.h>

#include <cstring>
#include <memory>

namespace md {

Result<std::string> HashPassword(const std::string& password) {
  if (password.empty() || password.find('\0') != std::string::npos) {
    return InvalidArgument("a file-access password must be non-empty text");
  }
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$y$", 0, nullptr, 0, salt, sizeof salt) == nullptr) {
    return Internal("crypt_gensalt cannot make a yescrypt salt");
  }
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_r(password.c_str(), salt, data.get());
  if (hash == nullptr || hash[0] == '*') return Internal("crypt cannot hash a password");
  return std::string(hash);
}

bool PasswordMatches(const std::string& password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  const char* again = crypt_r(password.c_str(), hash.c_str(), data.get());
  return again != nullptr && again[0] != '*' && hash == again;
}

}  // namespace md
