#pragma once
// Validation of every user-supplied string that may reach SQL, a shell, a
// path or a file. Each returns InvalidArgument with one clear line.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/types.h"

namespace md {

inline constexpr size_t kMaxSubdomainLength = 63;

// RFC 1123 label, lower-case, 1-63 of a-z 0-9 -, no leading/trailing '-',
// no "xn--" (IDNA labels are refused until they can be checked), not reserved.
Status ValidateSubdomain(std::string_view subdomain);
bool IsReservedSubdomain(std::string_view subdomain);

// A practical address check: one '@', a sane local part, a dotted domain of
// RFC 1123 labels, at most 254 bytes, no spaces or control characters.
Status ValidateEmail(std::string_view email);

// A person's display name: 1-200 bytes of valid UTF-8, no control characters
// (C0, DEL, C1) and no Unicode line or paragraph separator (U+2028, U+2029).
Status ValidateName(std::string_view name);

// An environment variable name: [A-Za-z_][A-Za-z0-9_]*, at most 128 bytes.
Status ValidateEnvKey(std::string_view key);

// A flag or secret value: at most 4096 bytes, valid UTF-8, no NUL or newline.
Status ValidateEnvValue(std::string_view value);

// An app version label: 1-64 of [A-Za-z0-9._+-], starting with an alphanumeric.
Status ValidateVersion(std::string_view version);

// A cluster name: 1-32 of [a-z0-9_-], starting with a letter.
Status ValidateClusterName(std::string_view name);

// An app profile name: 1-32 of [a-z0-9_-], starting with a letter.
Status ValidateAppName(std::string_view name);

// An operator account's name (dashboard sign-in): 1-32 of [a-z0-9_-],
// starting with a letter.
Status ValidateOperatorName(std::string_view name);

// An operator's password: 12-1024 bytes of UTF-8, no control characters.
// The message never quotes it.
Status ValidateOperatorPassword(std::string_view password);

// A customer's own host name (a custom domain): 2-127 labels of lower-case
// a-z 0-9 and inner '-', each 1-63 bytes, at most 253 bytes; no wildcard, and
// no IP address in any form LooksLikeIpAddress knows.
Status ValidateHostName(std::string_view host);

// True for an IPv6 literal (any ':', or a leading '['), and for a name whose
// last label is a number (all digits, or 0x and hex digits) as URL parsers and
// inet_aton read IPv4: "127.0.0.1", "127.1", "0x7f.1", "2130706433".
bool LooksLikeIpAddress(std::string_view host);

// Resource limits: each 0 (not set) or within memory_mb 16-1048576,
// pids 16-4194304, cpu_weight 1-10000.
Status ValidateResourceLimits(const ResourceLimits& limits);

// A backup id as the controller names them: YYYYMMDDTHHMMSSZ-opN.
Status ValidateBackupId(std::string_view id);

// A cluster's admin connection URL or key=value string: 1-2048 bytes of valid
// UTF-8, no control characters. It holds a password: the message never quotes it.
Status ValidateClusterUrl(std::string_view url);

// Well-formed UTF-8 (RFC 3629): no overlong forms, surrogates or code points
// above U+10FFFF.
bool IsValidUtf8(std::string_view s);

// `s` made safe to quote in a one-line error message: printable ASCII is kept,
// every other byte is written as \xNN, and the result is cut to about `max`
// bytes (marked "..."). Never quote a secret or a request body with it.
std::string ForMessage(std::string_view s, size_t max = 64);

}  // namespace md
