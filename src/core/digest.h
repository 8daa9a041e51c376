#pragma once
// Digests and encodings over OpenSSL: SHA-256, HMAC-SHA256, standard base64,
// and a constant-time comparison. Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace md {

// RFC 4648 §4 base64 with padding, on one line.
std::string Base64(std::string_view data);
// The raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);
// SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);
// Whether `a` and `b` are equal, in time that depends on their lengths only
// (CRYPTO_memcmp); different lengths are unequal.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace md
