#pragma once
// Checks shared by the DnsUpdater backends (real and fake), so both refuse
// the same names, types, values and TTLs, and write values the same way.
// Pure; thread-safe. Every failure is InvalidArgument with one clear line.

#include <string>
#include <vector>

#include "core/status.h"
#include "drivers/dns/dns_updater.h"

namespace md::dns_records {

inline constexpr int kMaxTtl = 7 * 24 * 3600;
inline constexpr size_t kMaxTxtBytes = 255;  // one character-string

// A domain name such as a zone or a TSIG key name (`what` names it in the
// message): dot-separated labels of 1-63 bytes of [a-z0-9_-] (upper case is
// folded), no label starting or ending with '-', at most 253 bytes, no
// trailing dot. Returns it in lower case.
Result<std::string> CheckDomainName(const std::string& what, const std::string& domain);

// A name in `zone` (as CheckDomainName returned it; the apex included)
// following the same rules, whose first label may also be "*". Returns it in
// lower case.
Result<std::string> CheckName(const std::string& zone, const std::string& name);

// "A", "AAAA", "TXT" or "SSHFP", exactly.
Status CheckType(const std::string& type);

// 1 to kMaxTtl seconds.
Status CheckTtl(int ttl);

// A value of `type` as the backends write it: A and AAAA as inet_ntop
// prints the address literal (2001:db8::1), TXT unchanged (1 to kMaxTxtBytes
// bytes of printable ASCII), SSHFP as "ALGORITHM TYPE hex" (RFC 4255).
Result<std::string> CanonicalValue(const std::string& type, const std::string& value);

// One or more values, canonical, sorted, without duplicates.
Result<std::vector<std::string>> CanonicalValues(const std::string& type, const std::vector<std::string>& values);

// `record` with its name, type and value checked and made canonical (not its TTL).
Result<DnsRecord> CheckRecord(const std::string& zone, const DnsRecord& record);

}  // namespace md::dns_records
