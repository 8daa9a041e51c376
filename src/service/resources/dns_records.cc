// An instance's DNS records (ref: "NAME TYPE"): A, AAAA when an IPv6
// address is set, and SSHFP with the fingerprints of the SFTP server's host
// keys (so `ssh -o VerifyHostKeyDNS=yes` trusts them with no known_hosts
// edit), through RFC 2136 updates. The zone is not listed, so there
// is no orphan sweep: every record this controller makes is in the ledger
// before it exists.

#include "service/resources/resource_types.h"

namespace md {
namespace {

constexpr int kRecordTtl = 300;

class DnsRecordsType final : public ResourceType {
 public:
  DnsRecordsType(Store& store, FrontDoorResources front) : store_(store), front_(std::move(front)) {}

  const ResourceTraits& traits() const override {
    static const ResourceTraits kTraits{ResourceKind::kDnsRecord, ResourcePhase::kPublish, "publish_dns",
                                        "remove_dns"};
    return kTraits;
  }

  Status Ensure(const std::string& sub) override {
    if (!front_.dns) return Status::Ok();
    std::string name = front_.door.HostOf(sub);
    std::vector<std::pair<std::string, std::vector<std::string>>> records = {{"A", {front_.addresses.ipv4}}};
    if (!front_.addresses.ipv6.empty()) records.push_back({"AAAA", {front_.addresses.ipv6}});
    if (!front_.sshfp.empty()) records.push_back({"SSHFP", front_.sshfp});
    for (const auto& [type, values] : records) {
      MD_RETURN_IF_ERROR(
          store_.AddLedger({.subdomain = sub, .kind = ResourceKind::kDnsRecord, .ref = name + " " + type}).status());
      MD_RETURN_IF_ERROR(front_.dns->Replace(name, type, values, kRecordTtl).WithContext("DNS " + type + " " + name));
    }
    return Status::Ok();
  }

  Status Remove(const std::string& ref) override {
    MD_ASSIGN_OR_RETURN(auto record, Split(ref));
    if (!front_.dns) return Status::Ok();
    return front_.dns->Remove(record.first, record.second).WithContext("DNS " + ref);
  }

  Result<bool> Exists(const std::string& ref) override {
    MD_ASSIGN_OR_RETURN(auto record, Split(ref));
    if (!front_.dns) return true;  // not managed: nothing to tell
    MD_ASSIGN_OR_RETURN(std::vector<std::string> values, front_.dns->Lookup(record.first, record.second));
    return !values.empty();
  }

  Result<std::vector<Orphan>> FindOrphans(const std::vector<Instance>&) override { return std::vector<Orphan>{}; }

 private:
  // "NAME TYPE" as (NAME, TYPE).
  static Result<std::pair<std::string, std::string>> Split(const std::string& ref) {
    size_t space = ref.find(' ');
    if (space == std::string::npos) return InvalidArgument("not a 'NAME TYPE' DNS record: '" + ref + "'");
    return std::pair{ref.substr(0, space), ref.substr(space + 1)};
  }

  Store& store_;
  FrontDoorResources front_;
};

}  // namespace

std::unique_ptr<ResourceType> NewDnsRecordsType(Store& store, FrontDoorResources front) {
  return std::make_unique<DnsRecordsType>(store, std::move(front));
}

}  // namespace md
