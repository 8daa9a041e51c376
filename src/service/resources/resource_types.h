#pragma once
// The factories of every ResourceType, one file each (resources/*.cc), and
// what those files share. Resources puts them in order.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "drivers/dns/dns_updater.h"
#include "service/cert_manager.h"
#include "service/deps.h"
#include "service/front_door.h"
#include "service/instance_context.h"
#include "service/resources/resource_type.h"

namespace md {

struct PublicAddresses {
  std::string ipv4;  // the A records' address
  std::string ipv6;  // the AAAA records'; empty: none
};

// What the front door's resource types act on. `dns` null: DNS is not
// managed (e.g. *.localhost).
struct FrontDoorResources {
  FrontDoor& door;
  CertManager& certs;
  DnsUpdater* dns;
  PublicAddresses addresses;
  // SSHFP values ("ALG 2 HEX") of the file servers' SSH host keys, published
  // at each instance's host name with its A records; empty: none.
  std::vector<std::string> sshfp = {};
};

std::unique_ptr<ResourceType> NewPgRoleType(ServiceDeps deps, InstanceContext& ctx);
std::unique_ptr<ResourceType> NewPgDatabaseType(ServiceDeps deps, InstanceContext& ctx);
std::unique_ptr<ResourceType> NewUnixUserType(ServiceDeps deps, InstanceContext& ctx);
std::unique_ptr<ResourceType> NewDirectoriesType(ServiceDeps deps, InstanceContext& ctx);
std::unique_ptr<ResourceType> NewFileAccountType(ServiceDeps deps);
std::unique_ptr<ResourceType> NewCgroupType(ServiceDeps deps, InstanceContext& ctx);
std::unique_ptr<ResourceType> NewAppServiceType(ServiceDeps deps, InstanceContext& ctx);
std::unique_ptr<ResourceType> NewDnsRecordsType(Store& store, FrontDoorResources front);
std::unique_ptr<ResourceType> NewRouteType(Store& store, FrontDoorResources front);
std::unique_ptr<ResourceType> NewWakeEntryType(ServiceDeps deps, InstanceContext& ctx);

// Whether a lookup found its object: NotFound is false; another error stays one.
template <typename T>
Result<bool> Found(const Result<T>& lookup) {
  if (!lookup.ok() && lookup.status().code() != Code::kNotFound) return lookup.status();
  return lookup.ok();
}

// The `names` that start with `prefix` and are not `owned`.
std::vector<Orphan> UnownedNames(const std::vector<std::string>& names, const std::string& prefix,
                                 const std::set<std::string>& owned);

}  // namespace md
