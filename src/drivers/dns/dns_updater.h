#pragma once
// DnsUpdater: the A, AAAA, TXT and SSHFP records of one zone on its
// authoritative server (tenant hostnames, ACME DNS-01 challenges, SSH host
// key fingerprints). Every method is
// idempotent and thread-safe; names and values are checked before anything
// is sent (dns_records.h), and a bad one is InvalidArgument.

#include <string>
#include <vector>

#include "core/status.h"

namespace md {

struct DnsRecord {
  std::string name;   // FQDN without the trailing dot, e.g. acme.example.test
  std::string type;   // "A", "AAAA", "TXT" or "SSHFP"
  std::string value;  // an IPv4 / IPv6 literal, TXT text (printable ASCII, at most 255 bytes), or "ALG FPTYPE HEX"
  int ttl = 300;
};

class DnsUpdater {
 public:
  virtual ~DnsUpdater() = default;

  // Makes the RRset (name, type) hold exactly `values` (one or more), in one
  // atomic update.
  virtual Status Replace(const std::string& name, const std::string& type, const std::vector<std::string>& values,
                         int ttl) = 0;
  // Adds one value to the RRset and keeps the others (the two TXT values of
  // an ACME challenge for the apex and the wildcard). Present is success.
  virtual Status Add(const DnsRecord& record) = 0;
  // Removes one value of the RRset (record.ttl is ignored); absent is success.
  virtual Status RemoveValue(const DnsRecord& record) = 0;
  // Removes the whole RRset; absent is success.
  virtual Status Remove(const std::string& name, const std::string& type) = 0;
  // The values the authoritative server answers now for (name, type), asked
  // directly (no cache), in canonical form (as dns_records.h writes them),
  // sorted. Empty if there are none.
  virtual Result<std::vector<std::string>> Lookup(const std::string& name, const std::string& type) = 0;
  // The zone, without the trailing dot; every name must be in it.
  virtual const std::string& zone() const = 0;
};

}  // namespace md
