#include "drivers/dns/fake_dns_updater.h"

#include "drivers/dns/dns_records.h"

namespace md {

Status FakeDnsUpdater::Enter(const std::string& call) {
  calls_.push_back(call);
  if (fail_next_) {
    Status s = *fail_next_;
    fail_next_.reset();
    return s;
  }
  if (down_) return Unavailable("DNS server did not answer (fake: down)");
  return Status::Ok();
}

Status FakeDnsUpdater::Replace(const std::string& name, const std::string& type,
                               const std::vector<std::string>& values, int ttl) {
  MD_ASSIGN_OR_RETURN(std::string checked, dns_records::CheckName(zone_, name));
  MD_ASSIGN_OR_RETURN(std::vector<std::string> canonical, dns_records::CanonicalValues(type, values));
  MD_RETURN_IF_ERROR(dns_records::CheckTtl(ttl));
  std::string call = "Replace " + checked + " " + type;
  for (const auto& value : canonical) call += " " + value;
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(Enter(call));
  rrsets_[{checked, type}] = std::set<std::string>(canonical.begin(), canonical.end());
  return Status::Ok();
}

Status FakeDnsUpdater::Add(const DnsRecord& record) {
  MD_ASSIGN_OR_RETURN(DnsRecord r, dns_records::CheckRecord(zone_, record));
  MD_RETURN_IF_ERROR(dns_records::CheckTtl(r.ttl));
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(Enter("Add " + r.name + " " + r.type + " " + r.value));
  rrsets_[{r.name, r.type}].insert(r.value);
  return Status::Ok();
}

Status FakeDnsUpdater::RemoveValue(const DnsRecord& record) {
  MD_ASSIGN_OR_RETURN(DnsRecord r, dns_records::CheckRecord(zone_, record));
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(Enter("RemoveValue " + r.name + " " + r.type + " " + r.value));
  auto it = rrsets_.find({r.name, r.type});
  if (it != rrsets_.end() && it->second.erase(r.value) && it->second.empty()) rrsets_.erase(it);
  return Status::Ok();
}

Status FakeDnsUpdater::Remove(const std::string& name, const std::string& type) {
  MD_ASSIGN_OR_RETURN(std::string checked, dns_records::CheckName(zone_, name));
  MD_RETURN_IF_ERROR(dns_records::CheckType(type));
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(Enter("Remove " + checked + " " + type));
  rrsets_.erase({checked, type});
  return Status::Ok();
}

Result<std::vector<std::string>> FakeDnsUpdater::Lookup(const std::string& name, const std::string& type) {
  MD_ASSIGN_OR_RETURN(std::string checked, dns_records::CheckName(zone_, name));
  MD_RETURN_IF_ERROR(dns_records::CheckType(type));
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(Enter("Lookup " + checked + " " + type));
  auto it = rrsets_.find({checked, type});
  if (it == rrsets_.end()) return std::vector<std::string>{};
  return std::vector<std::string>(it->second.begin(), it->second.end());
}

void FakeDnsUpdater::FailNext(Status status) {
  std::lock_guard lock(mu_);
  fail_next_ = std::move(status);
}

void FakeDnsUpdater::SetDown(bool down) {
  std::lock_guard lock(mu_);
  down_ = down;
}

std::vector<std::string> FakeDnsUpdater::Calls() {
  std::lock_guard lock(mu_);
  return calls_;
}

void FakeDnsUpdater::ClearCalls() {
  std::lock_guard lock(mu_);
  calls_.clear();
}

}  // namespace md
