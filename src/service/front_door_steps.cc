#include "service/front_door_steps.h"

#include "core/clock.h"

namespace md {
namespace {

constexpr const char* kDnsLedgerKind = "dns_record";
constexpr int kRecordTtl = 300;

}  // namespace

Status FrontDoorSteps::PublishDns(const std::string& sub) {
  if (!dns_) return Status::Ok();
  std::string name = door_.HostOf(sub);
  std::vector<std::pair<std::string, std::string>> records = {{"A", addresses_.ipv4}};
  if (!addresses_.ipv6.empty()) records.push_back({"AAAA", addresses_.ipv6});
  for (const auto& [type, address] : records) {
    // Recorded before it exists, so a crash in between leaves nothing unknown.
    MD_RETURN_IF_ERROR(store_.AddLedger({.subdomain = sub, .kind = kDnsLedgerKind, .ref = name + " " + type}).status());
    MD_RETURN_IF_ERROR(dns_->Replace(name, type, {address}, kRecordTtl).WithContext("DNS " + type + " " + name));
  }
  return Status::Ok();
}

Status FrontDoorSteps::RemoveDns(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(std::vector<LedgerEntry> entries, store_.ListLedger(sub));
  for (const LedgerEntry& e : entries) {
    if (e.kind != kDnsLedgerKind) continue;
    size_t space = e.ref.find(' ');
    if (dns_ && space != std::string::npos) {
      MD_RETURN_IF_ERROR(dns_->Remove(e.ref.substr(0, space), e.ref.substr(space + 1)).WithContext("DNS " + e.ref));
    }
    MD_RETURN_IF_ERROR(store_.RemoveLedger(e.kind, e.ref));
  }
  return Status::Ok();
}

Status FrontDoorSteps::SyncRoutes() {
  // An instance that needs its own certificate gets it first.
  MD_RETURN_IF_ERROR(certs_.Serve(NowMs()));
  return door_.Sync();
}

}  // namespace md
