#include "core/validate.h"

#include <algorithm>
#include <array>

namespace md {
namespace {

constexpr std::array<std::string_view, 24> kReserved = {
    "www",   "api",     "admin", "mail",    "ftp",        "sftp",
    "smtp",  "imap",    "pop",   "ns1",     "ns2",        "dns",
    "root",  "status",  "app",   "dashboard", "controller", "static",
    "cdn",   "support", "help",  "localhost", "autoconfig", "autodiscover"};

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Letters, digits and `extra`, first character a letter, 1..max bytes.
bool IsSimpleName(std::string_view s, size_t max, std::string_view extra) {
  if (s.empty() || s.size() > max || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return IsLowerAlnum(c) || extra.find(c) != std::string_view::npos;
  });
}

bool IsDnsLabel(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return IsAlpha(c) || IsDigit(c) || c == '-';
  });
}

}  // namespace

bool IsReservedSubdomain(std::string_view subdomain) {
  return std::find(kReserved.begin(), kReserved.end(), subdomain) != kReserved.end();
}

Status ValidateSubdomain(std::string_view s) {
  if (s.empty()) return InvalidArgument("subdomain is empty");
  if (s.size() > 63) return InvalidArgument("subdomain is longer than 63 characters");
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') {
      return InvalidArgument("subdomain may contain only a-z, 0-9 and '-'");
    }
  }
  if (s.front() == '-' || s.back() == '-') {
    return InvalidArgument("subdomain may not start or end with '-'");
  }
  if (s.size() >= 4 && s.substr(2, 2) == "--") {
    return InvalidArgument("subdomain may not have '--' in positions 3-4 (reserved for IDNA)");
  }
  if (IsReservedSubdomain(s)) {
    return InvalidArgument("subdomain '" + std::string(s) + "' is reserved; choose another");
  }
  return Status::Ok();
}

Status ValidateEmail(std::string_view email) {
  if (email.empty() || email.size() > 254) return InvalidArgument("email must be 1-254 characters");
  auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return InvalidArgument("email must contain exactly one '@'");
  }
  std::string_view local = email.substr(0, at);
  std::string_view domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64) return InvalidArgument("email local part must be 1-64 characters");
  constexpr std::string_view kLocalExtra = "!#$%&'*+-/=?^_`{|}~.";
  for (char c : local) {
    if (!IsAlpha(c) && !IsDigit(c) && kLocalExtra.find(c) == std::string_view::npos) {
      return InvalidArgument("email local part has a character that is not allowed");
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return InvalidArgument("email local part has a misplaced '.'");
  }
  if (domain.find('.') == std::string_view::npos) return InvalidArgument("email domain must contain a '.'");
  size_t start = 0;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    std::string_view label = domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!IsDnsLabel(label)) return InvalidArgument("email domain is not a valid host name");
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return Status::Ok();
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += len;
  }
  return true;
}

Status ValidateName(std::string_view name) {
  if (name.empty() || name.size() > 200) return InvalidArgument("name must be 1-200 characters");
  if (!IsValidUtf8(name)) return InvalidArgument("name is not valid UTF-8");
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("name may not contain control characters");
    }
  }
  return Status::Ok();
}

Status ValidateEnvKey(std::string_view key) {
  if (key.empty() || key.size() > 128) return InvalidArgument("variable name must be 1-128 characters");
  if (!(IsAlpha(key[0]) || key[0] == '_')) {
    return InvalidArgument("variable name '" + std::string(key) + "' must start with a letter or '_'");
  }
  for (char c : key) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '_') {
      return InvalidArgument("variable name may contain only A-Z, a-z, 0-9 and '_'");
    }
  }
  return Status::Ok();
}

Status ValidateEnvValue(std::string_view value) {
  if (value.size() > 4096) return InvalidArgument("value is longer than 4096 bytes");
  if (!IsValidUtf8(value)) return InvalidArgument("value is not valid UTF-8");
  for (char c : value) {
    if (c == '\0' || c == '\n' || c == '\r') return InvalidArgument("value may not contain NUL or line breaks");
  }
  return Status::Ok();
}

Status ValidateVersion(std::string_view v) {
  if (v.empty() || v.size() > 64) return InvalidArgument("version must be 1-64 characters");
  if (!(IsAlpha(v[0]) || IsDigit(v[0]))) return InvalidArgument("version must start with a letter or digit");
  for (char c : v) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '.' && c != '_' && c != '+' && c != '-') {
      return InvalidArgument("version may contain only letters, digits and . _ + -");
    }
  }
  return Status::Ok();
}

Status ValidateClusterName(std::string_view name) {
  if (!IsSimpleName(name, 32, "_-")) {
    return InvalidArgument("cluster name must be 1-32 of a-z 0-9 _ -, starting with a letter");
  }
  return Status::Ok();
}

Status ValidateAppName(std::string_view name) {
  if (!IsSimpleName(name, 32, "_-")) {
    return InvalidArgument("app name must be 1-32 of a-z 0-9 _ -, starting with a letter");
  }
  return Status::Ok();
}

}  // namespace md
