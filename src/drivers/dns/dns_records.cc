#include "drivers/dns/dns_records.h"

#include <arpa/inet.h>

#include <algorithm>
#include <sstream>
#include <string_view>

#include "core/validate.h"

namespace md::dns_records {
namespace {

constexpr size_t kMaxNameBytes = 253;
constexpr size_t kMaxLabelBytes = 63;

bool IsLabelChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }

// `domain` in lower case, if its labels follow the rules; with `wildcard`,
// the first label may be "*". `what` names it in messages.
Result<std::string> CheckDomain(const std::string& what, const std::string& domain, bool wildcard) {
  const std::string quoted = what + " '" + ForMessage(domain) + "'";
  if (domain.empty()) return InvalidArgument("DNS " + what + " is empty");
  if (domain.size() > kMaxNameBytes) {
    return InvalidArgument("DNS " + quoted + " is longer than " + std::to_string(kMaxNameBytes) + " bytes");
  }
  if (domain.back() == '.') return InvalidArgument("DNS " + quoted + " must not end with a dot");
  std::string lower = domain;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
  size_t start = 0;
  while (start <= lower.size()) {
    size_t end = std::min(lower.find('.', start), lower.size());
    std::string_view label(lower.data() + start, end - start);
    if (label.empty()) return InvalidArgument("DNS " + quoted + " has an empty label");
    if (label.size() > kMaxLabelBytes) {
      return InvalidArgument("DNS " + quoted + " has a label longer than " + std::to_string(kMaxLabelBytes) + " bytes");
    }
    bool is_wildcard = wildcard && start == 0 && label == "*";
    if (!is_wildcard && !std::all_of(label.begin(), label.end(), IsLabelChar)) {
      return InvalidArgument("DNS " + quoted + " may contain only a-z, 0-9, '-', '_' and dots");
    }
    if (label.front() == '-' || label.back() == '-') {
      return InvalidArgument("DNS " + quoted + " has a label starting or ending with '-'");
    }
    start = end + 1;
  }
  return lower;
}

Result<std::string> CanonicalAddress(int family, const std::string& type, const std::string& value) {
  unsigned char bytes[16];
  char text[INET6_ADDRSTRLEN];
  if (value.find('\0') != std::string::npos || inet_pton(family, value.c_str(), bytes) != 1 ||
      inet_ntop(family, bytes, text, sizeof(text)) == nullptr) {
    return InvalidArgument("DNS " + type + " value '" + ForMessage(value) + "' is not an " +
                           (family == AF_INET ? "IPv4" : "IPv6") + " address");
  }
  return std::string(text);
}

// "ALG FPTYPE HEX" (RFC 4255): two numbers 1-255 and an even number of hex
// digits, written with single spaces and the digits in lower case.
Result<std::string> CanonicalSshfp(const std::string& value) {
  std::istringstream in(value);
  int algorithm = 0, fp_type = 0;
  std::string hex, extra;
  auto bad = [&] {
    return InvalidArgument("DNS SSHFP value '" + ForMessage(value) + "' must be 'ALGORITHM TYPE HEX-FINGERPRINT'");
  };
  if (!(in >> algorithm >> fp_type >> hex) || (in >> extra) || algorithm < 1 || algorithm > 255 || fp_type < 1 ||
      fp_type > 255 || hex.empty() || hex.size() % 2 != 0 || hex.size() > 128) {
    return bad();
  }
  for (char& c : hex) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c + 32);
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return bad();
  }
  return std::to_string(algorithm) + " " + std::to_string(fp_type) + " " + hex;
}

}  // namespace

Result<std::string> CheckDomainName(const std::string& what, const std::string& domain) {
  return CheckDomain(what, domain, false);
}

Result<std::string> CheckName(const std::string& zone, const std::string& name) {
  MD_ASSIGN_OR_RETURN(std::string lower, CheckDomain("name", name, true));
  if (lower != zone && !(lower.size() > zone.size() && lower.ends_with("." + zone))) {
    return InvalidArgument("DNS name '" + ForMessage(name) + "' is not in zone " + zone);
  }
  return lower;
}

Status CheckType(const std::string& type) {
  if (type == "A" || type == "AAAA" || type == "TXT" || type == "SSHFP") return Status::Ok();
  return InvalidArgument("DNS record type must be A, AAAA, TXT or SSHFP, not '" + ForMessage(type) + "'");
}

Status CheckTtl(int ttl) {
  if (ttl >= 1 && ttl <= kMaxTtl) return Status::Ok();
  return InvalidArgument("DNS TTL must be 1 to " + std::to_string(kMaxTtl) + " seconds, not " + std::to_string(ttl));
}

Result<std::string> CanonicalValue(const std::string& type, const std::string& value) {
  MD_RETURN_IF_ERROR(CheckType(type));
  if (type == "A") return CanonicalAddress(AF_INET, type, value);
  if (type == "AAAA") return CanonicalAddress(AF_INET6, type, value);
  if (type == "SSHFP") return CanonicalSshfp(value);
  if (value.empty() || value.size() > kMaxTxtBytes) {
    return InvalidArgument("DNS TXT value must be 1 to " + std::to_string(kMaxTxtBytes) + " bytes");
  }
  if (!std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
    return InvalidArgument("DNS TXT value '" + ForMessage(value) + "' may contain only printable ASCII");
  }
  return value;
}

Result<std::vector<std::string>> CanonicalValues(const std::string& type, const std::vector<std::string>& values) {
  if (values.empty()) return InvalidArgument("DNS " + ForMessage(type) + " record set needs at least one value");
  std::vector<std::string> out;
  for (const auto& value : values) {
    MD_ASSIGN_OR_RETURN(std::string canonical, CanonicalValue(type, value));
    out.push_back(std::move(canonical));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<DnsRecord> CheckRecord(const std::string& zone, const DnsRecord& record) {
  DnsRecord out = record;
  MD_ASSIGN_OR_RETURN(out.name, CheckName(zone, record.name));
  MD_ASSIGN_OR_RETURN(out.value, CanonicalValue(record.type, record.value));
  return out;
}

}  // namespace md::dns_records
