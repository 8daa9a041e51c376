#pragma once
// FakeDnsUpdater: an in-memory DnsUpdater for unit tests, with the real
// backend's checks (dns_records.h). It records the calls and has fault
// switches. Thread-safe (one mutex).

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "drivers/dns/dns_updater.h"

namespace md {

class FakeDnsUpdater final : public DnsUpdater {
 public:
  // REQUIRES: `zone` as dns_records::CheckDomainName returns it.
  explicit FakeDnsUpdater(std::string zone) : zone_(std::move(zone)) {}

  Status Replace(const std::string& name, const std::string& type, const std::vector<std::string>& values,
                 int ttl) override;
  Status Add(const DnsRecord& record) override;
  Status RemoveValue(const DnsRecord& record) override;
  Status Remove(const std::string& name, const std::string& type) override;
  Result<std::vector<std::string>> Lookup(const std::string& name, const std::string& type) override;
  const std::string& zone() const override { return zone_; }

  // --- Test controls ---
  // The next call that passes the checks fails with `status` and changes nothing.
  void FailNext(Status status);
  // While down, every call that passes the checks is Unavailable.
  void SetDown(bool down);
  // "Method name type [value...]" per call that passed the checks, in order.
  std::vector<std::string> Calls();
  void ClearCalls();

 private:
  using Key = std::pair<std::string, std::string>;  // (name, type)

  // Records the call and applies the fault switches.
  Status Enter(const std::string& call);

  const std::string zone_;
  std::mutex mu_;
  std::map<Key, std::set<std::string>> rrsets_;
  std::optional<Status> fail_next_;
  bool down_ = false;
  std::vector<std::string> calls_;
};

}  // namespace md
