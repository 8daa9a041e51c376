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
  if (s.size() > kMaxSubdomainLength) return InvalidArgument("subdomain is longer than 63 characters");
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
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The lead byte gives the length and the range of the second byte, which
    // excludes overlong forms (C0, C1, E0 80-9F, F0 80-8F), surrogates
    // (ED A0-BF) and code points above U+10FFFF (F4 90-BF, F5-FF).
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    unsigned char second = static_cast<unsigned char>(s[i + 1]);
    if (second < lo || second > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += len;
  }
  return true;
}

std::string ForMessage(std::string_view s, size_t max) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char ch : s) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

Status ValidateName(std::string_view name) {
  if (name.empty() || name.size() > 200) return InvalidArgument("name must be 1-200 characters");
  if (!IsValidUtf8(name)) return InvalidArgument("name is not valid UTF-8");
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    unsigned char next = i + 1 < name.size() ? static_cast<unsigned char>(name[i + 1]) : 0;
    unsigned char third = i + 2 < name.size() ? static_cast<unsigned char>(name[i + 2]) : 0;
    bool c0 = c < 0x20 || c == 0x7f;
    bool c1 = c == 0xC2 && next >= 0x80 && next <= 0x9F;                   // U+0080-U+009F
    bool separator = c == 0xE2 && next == 0x80 && (third == 0xA8 || third == 0xA9);  // U+2028, U+2029
    if (c0 || c1 || separator) return InvalidArgument("name may not contain control characters or line breaks");
  }
  return Status::Ok();
}

Status ValidateEnvKey(std::string_view key) {
  if (key.empty() || key.size() > 128) return InvalidArgument("variable name must be 1-128 characters");
  if (!(IsAlpha(key[0]) || key[0] == '_')) {
    return InvalidArgument("variable name '" + ForMessage(key) + "' must start with a letter or '_'");
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

Status ValidateClusterUrl(std::string_view url) {
  if (url.empty() || url.size() > 2048) return InvalidArgument("cluster url must be 1-2048 characters");
  if (!IsValidUtf8(url)) return InvalidArgument("cluster url is not valid UTF-8");
  for (char c : url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("cluster url may not contain control characters (NUL, line breaks, tabs)");
    }
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

Status ValidateOperatorName(std::string_view name) {
  if (!IsSimpleName(name, 32, "_-")) {
    return InvalidArgument("operator name must be 1-32 of a-z 0-9 _ -, starting with a letter");
  }
  return Status::Ok();
}

Status ValidateOperatorPassword(std::string_view password) {
  if (password.size() < 12 || password.size() > 1024) return InvalidArgument("password must be 12-1024 characters");
  if (!IsValidUtf8(password)) return InvalidArgument("password is not valid UTF-8");
  for (char c : password) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("password may not contain control characters or line breaks");
    }
  }
  return Status::Ok();
}

Status ValidateAppName(std::string_view name) {
  if (!IsSimpleName(name, 32, "_-")) {
    return InvalidArgument("app name must be 1-32 of a-z 0-9 _ -, starting with a letter");
  }
  return Status::Ok();
}

Status ValidateBackupId(std::string_view id) {
  // 16 characters of time stamp, "-op", then the operation's number.
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  bool ok = id.size() > 19 && id.size() <= 40 && digits(id.substr(0, 8)) && id[8] == 'T' &&
            digits(id.substr(9, 6)) && id.substr(15, 4) == "Z-op" && digits(id.substr(19));
  if (!ok) return InvalidArgument("backup id must look like 20261125T153000Z-op42; see `meltanodata backups list`");
  return Status::Ok();
}

bool LooksLikeIpAddress(std::string_view host) {
  if (host.find(':') != std::string_view::npos || host.starts_with('[')) return true;  // IPv6, bracketed or not
  // What a URL parser or inet_aton reads as IPv4 ("127.1", "0x7f.1",
  // "2130706433"): the last label is a number (WHATWG URL "ends in a number").
  if (host.ends_with('.')) host.remove_suffix(1);
  std::string_view last = host.substr(host.rfind('.') + 1);
  auto all_of = [](std::string_view s, std::string_view set) { return s.find_first_not_of(set) == std::string_view::npos; };
  if (!last.empty() && all_of(last, "0123456789")) return true;
  return (last.starts_with("0x") || last.starts_with("0X")) && all_of(last.substr(2), "0123456789abcdefABCDEF");
}

Status ValidateHostName(std::string_view host) {
  if (LooksLikeIpAddress(host)) {
    return InvalidArgument("'" + ForMessage(host) + "' is an IP address; give a host name (a DNS name of the customer's "
                           "domain)");
  }
  const Status bad = InvalidArgument(
      "host name must be lower-case labels of a-z 0-9 and inner '-' joined by dots, at least two, at most 253 bytes");
  if (host.empty() || host.size() > 253) return bad;
  int labels = 0;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    if (dot == std::string_view::npos) dot = host.size();
    std::string_view label = host.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return bad;
    for (char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return bad;
    }
    ++labels;
    start = dot + 1;
  }
  return labels >= 2 ? Status::Ok() : bad;
}

Status ValidateResourceLimits(const ResourceLimits& limits) {
  struct Bound {
    const char* key;
    int value, min, max;
  };
  for (const Bound& b : {Bound{"memory_mb", limits.memory_mb, 16, 1048576}, Bound{"pids", limits.pids, 16, 4194304},
                         Bound{"cpu_weight", limits.cpu_weight, 1, 10000}}) {
    if (b.value != 0 && (b.value < b.min || b.value > b.max)) {
      return InvalidArgument(std::string(b.key) + " must be between " + std::to_string(b.min) + " and " +
                             std::to_string(b.max) + ", not " + std::to_string(b.value));
    }
  }
  return Status::Ok();
}

}  // namespace md
