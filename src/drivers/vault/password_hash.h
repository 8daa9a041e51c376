#pragma once
// Password hashes for operator accounts: libsodium's crypto_pwhash_str
// (Argon2id, salted, its parameters in the string). Never logs or returns a
// password. Thread-safe.

#include <string>
#include <string_view>

#include "core/status.h"

namespace md {

// The storable hash of `password`. Internal if libsodium cannot (out of memory).
Result<std::string> HashPassword(std::string_view password);

// True if `password` matches `hash` (a HashPassword string); false for a
// wrong password or a malformed hash.
bool PasswordMatches(std::string_view password, const std::string& hash);

}  // namespace md
