#pragma once
// Rfc2136Updater: the DnsUpdater for an authoritative server that takes
// RFC 2136 dynamic updates signed with TSIG (Knot, BIND, PowerDNS), over
// libldns. Stateless past its settings: every call opens its own TCP
// connection, so it is thread-safe. The TSIG secret never appears in a
// returned error.

#include <memory>
#include <string>
#include <vector>

#include "drivers/dns/dns_updater.h"

namespace md {

struct Rfc2136Settings {
  std::string server;  // IPv4 or IPv6 literal of the primary server
  int port = 53;
  std::string zone;  // without the trailing dot
  std::string tsig_key_name;
  // hmac-sha256, hmac-sha512 or hmac-sha1. Not hmac-sha384: libldns 1.8.3
  // misspells it and cannot sign with it.
  std::string tsig_algorithm = "hmac-sha256";
  std::string tsig_secret;  // base64
  int timeout_ms = 5000;    // for the connection, then again for the answer
};

class Rfc2136Updater final : public DnsUpdater {
 public:
  // InvalidArgument if a setting is malformed (nothing is sent).
  static Result<std::unique_ptr<Rfc2136Updater>> Create(Rfc2136Settings settings);

  Status Replace(const std::string& name, const std::string& type, const std::vector<std::string>& values,
                 int ttl) override;
  Status Add(const DnsRecord& record) override;
  Status RemoveValue(const DnsRecord& record) override;
  Status Remove(const std::string& name, const std::string& type) override;
  Result<std::vector<std::string>> Lookup(const std::string& name, const std::string& type) override;
  const std::string& zone() const override { return settings_.zone; }

 private:
  explicit Rfc2136Updater(Rfc2136Settings settings) : settings_(std::move(settings)) {}

  Rfc2136Settings settings_;  // checked; zone in lower case
};

// The Status of an UPDATE answer with `rcode` whose TSIG record carries
// `tsig_error` (0 if none), for the update of `name`. Exposed for tests.
Status UpdateAnswerStatus(int rcode, int tsig_error, const std::string& name, const Rfc2136Settings& settings);

}  // namespace md
