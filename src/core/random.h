#pragma once
// Cryptographically random tokens (OpenSSL RAND_bytes), for passwords and
// the admin token. Aborts if the system cannot supply randomness.

#include <string>

namespace md {

// `bytes` random bytes as lower-case hex (2 * bytes characters).
std::string RandomHex(size_t bytes);

}  // namespace md
