#pragma once
// A password as crypt(3) stores it (yescrypt, fresh salt), for the password
// files PAM reads. Thread-safe.

#include <string>

#include "core/status.h"

namespace md {

Result<std::string> HashPassword(const std::string& password);
// Whether `password` matches `hash` (a crypt(3) string).
bool PasswordMatches(const std::string& password, const std::string& hash);

}  // namespace md
